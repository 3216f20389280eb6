"""Widgets bound to the URL: every control's key is its URL parameter's name, its label, range
and help come from `controls.url.PARAMS`, and the replay's buttons and epoch slider."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from lossdemo.controls.url import PARAMS
from lossdemo.language.messages import LANGUAGES, _
from lossdemo.page import state

BIND = "query-params"  # widgets keep their URL parameter in sync with their value


def names(words: Mapping[object, str]) -> Callable[[object], str]:
    """A `format_func` that shows each option by its word (a catalogue message), translated now,
    in this run's language: whatever formats an option later (Streamlit, AppTest) gets the words
    the page showed."""
    return {option: _(word) for option, word in words.items()}.__getitem__


def clamp(key: str, high: int) -> None:
    """Keep a stored value within a range that another control just narrowed."""
    if st.session_state.get(key, 0) > high:
        st.session_state[key] = high


def hidden(name: str) -> bool:
    """Does the page's exercise link hide this control (`hide`)?"""
    return name in st.session_state.get("hide", ())


def locked(name: str) -> bool:
    """Does the page's exercise link lock this control (`lock`)?"""
    return name in st.session_state.get("lock", ())


def control(widget, name: str, **kwargs):
    """A widget for URL parameter `name`, labelled and bounded as the parameter says; on an
    exercise link, no widget but its value (hidden), or a widget that cannot change (locked)."""
    p = PARAMS[name]
    if hidden(name):  # the value stays in the session, where the replay and the links read it
        st.session_state.setdefault(name, kwargs.get("value", kwargs.get("default", p.default)))
        return st.session_state[name]
    kwargs.setdefault("disabled", locked(name))
    kwargs.setdefault("on_change", state.changed)
    if p.below is not None:  # e.g. the target class must exist among the classes
        kwargs.setdefault("max_value", state.value(p.below) - 1)
        clamp(name, kwargs["max_value"])
    if widget is st.slider:
        kwargs = {"min_value": p.low, "max_value": p.high, "step": p.step, "value": p.default} | kwargs
    elif widget is st.select_slider:
        kwargs = {"options": p.options, "value": p.default} | kwargs
    elif widget is st.toggle:
        kwargs = {"value": p.default} | kwargs
    # A widget that shows its options by name is not bound: it would write the name, in the page's
    # language, to the URL; the page writes the option's link form instead (`state.write_param`).
    named = "format_func" in kwargs
    # persist_state keeps a control's value (and its URL parameter) while it is not on screen:
    # the other neuron's start, the map's settings on another tab, everything in presentation mode.
    shown = widget(
        _(p.label), key=name, help=_(p.help), bind=None if named else BIND, persist_state="page", **kwargs
    )
    if named:
        state.write_param(name, kwargs.get("value", kwargs.get("default", p.default)))
    return shown


def language_switch(**kwargs) -> None:
    """The page's language, English or 中文: the link's `lang`, else the browser's, until switched."""
    control(
        st.segmented_control,
        "lang",
        options=list(LANGUAGES),
        default=state.browser_language(),  # a link's `lang` or the switch overrides it
        required=True,
        format_func=LANGUAGES.get,
        on_change="rerun",
        **kwargs,
    )


def replay_controls(epochs: int, one_row: bool) -> None:
    """Play, step, reset, speed and the epoch slider (in the same row, or below). A replay that has
    reached the last epoch stops here, before the slider is drawn."""
    if st.session_state.get("playing") and state.replay_at(epochs) >= epochs:
        st.session_state.epoch, st.session_state.playing = epochs, False
    clamp("epoch", epochs)
    playing = st.session_state.get("playing", False)
    if one_row:
        controls, slider = st.columns([2, 1], vertical_alignment="bottom")
    else:
        controls = slider = st.container()
    row = controls.container(horizontal=True, vertical_alignment="bottom")
    row.button(
        _("Pause") if playing else _("Play"),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        key="play",
        on_click=state.toggle_play,
        type="primary",
        shortcut="Space",
        help=_("Replay the training run (keyboard: space)"),
    )
    steps = (
        (_("Back"), ":material/chevron_left:", "back", -1, "Left"),
        (_("Step"), ":material/chevron_right:", "forward", 1, "Right"),
        (_("Reset"), ":material/skip_previous:", "reset", -epochs, "Home"),
    )
    for label, icon, key, move, shortcut in steps:
        row.button(label, icon=icon, key=key, on_click=state.move_epoch, args=(move,), shortcut=shortcut)
    with row:
        control(
            st.segmented_control,
            "speed",
            options=PARAMS["speed"].options,
            default=PARAMS["speed"].default,
            required=True,
            on_change=state.speed_changed,
        )
    if not playing:  # while playing, a progress bar stands here (`views.epoch_numbers`)
        wanted = st.session_state.get("epoch_wanted")
        if wanted is not None:
            st.session_state.epoch = wanted
        with slider:
            epoch = control(st.slider, "epoch", max_value=epochs, on_change="rerun")
        if wanted is not None:
            if epoch != wanted:
                # A slider made anew this run (its range changed) takes its value from the URL over
                # the code's; from the next run on the code's value wins.
                st.rerun()
            del st.session_state["epoch_wanted"]


def loss_columns(count: int):
    """(index, column) for `count` losses' charts or tables: two a row, one on a phone (where
    Streamlit stacks columns)."""
    for first in range(0, count, 2):
        yield from zip(range(first, min(first + 2, count)), st.columns(2))
