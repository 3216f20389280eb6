"""The page's callbacks: they run before the script, so they may set any control's value. Reading
a link once per session, loading a preset, a map cell or a start clicked on a cost surface, and the
replay's play, pause and steps."""

from __future__ import annotations

import streamlit as st

from lossdemo.charts.landscape import PICK
from lossdemo.controls import replay
from lossdemo.controls.presets import lesson_values, preset_values
from lossdemo.controls.scenario import SCENARIO_FIELDS
from lossdemo.controls.url import PARAMS, POLL_PARAMS, base_values, parse_query, parse_value, share_query
from lossdemo.engine.losses import DEFAULT_LOSSES
from lossdemo.engine.neurons import get_kind
from lossdemo.language import messages


def value(key: str):
    """A control's current value: what the session holds, else the parameter's default."""
    return st.session_state.get(key, PARAMS[key].default)


def fixed() -> set[str]:
    """The controls the page's exercise link hides or locks."""
    return {*st.session_state.get("hide", ()), *st.session_state.get("lock", ())}


def agrees(preset: str) -> bool:
    """Does the preset keep every control the exercise link fixes as it is? (Only those are offered:
    a preset's label and its lesson sentences speak of its own values.)"""
    values = preset_values(preset)
    return all(values[name] == value(name) for name in fixed() if name in values)


def browser_language() -> str:
    """The language the browser asks for (`st.context.locale`), if the page has it; else English."""
    return messages.from_locale(st.context.locale)


def language() -> str:
    """The session's language: its `lang` control (from the link or the switch), else the
    browser's."""
    lang = st.session_state.get("lang")
    return lang if lang in messages.LANGUAGES else browser_language()


def speak() -> None:
    """Answer in the session's language for the rest of this run (a script or a fragment run)."""
    messages.use(language())


def fragment(body, run_every=None):
    """`body` as a Streamlit fragment that speaks the session's language: a fragment's rerun
    starts in a thread of its own, without the script run's language."""

    def run(*args, **kwargs):
        speak()
        return body(*args, **kwargs)

    run.__name__, run.__qualname__, run.__doc__ = body.__name__, body.__qualname__, body.__doc__
    return st.fragment(run, run_every=run_every)


def read_url_once() -> None:
    """On a session's first run, turn the URL into valid control values and keep the notes (in the
    link's language, else the browser's). A link that needed corrections is replaced by its
    corrected form before any widget reads it."""
    if "url_notes" in st.session_state:
        return
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    lang = parse_value(PARAMS["lang"], query["lang"][-1])[0] if query.get("lang") else None
    messages.use(lang if lang in messages.LANGUAGES else browser_language())
    values, notes = parse_query(query)
    st.session_state.url_notes = notes
    # What the link leaves out: its preset's or lesson step's values, where it has one.
    st.session_state.update({key: v for key, v in base_values(values).items() if key not in values})
    st.session_state.update(values)
    clean = {key: v if isinstance(v, list) else [v] for key, v in share_query(values).items()}
    clean |= {key: query[key][-1:] for key in POLL_PARAMS if query.get(key)}  # a poll's room stays
    if notes or any(query.get(key) != v for key, v in clean.items()):
        st.query_params.from_dict(clean)  # a link spelled as the widgets write it, then read afresh
        st.rerun()


def load_preset(name: str | None) -> None:
    """Set every control to the preset's values; the link names the preset until a control moves."""
    if name is not None:
        st.query_params["preset"] = name
        st.session_state.preset = name
        values = preset_values(name)
        st.session_state.update({key: values[key] for key in SCENARIO_FIELDS})
        st.session_state.epoch = st.session_state.epoch_wanted = 0
        st.session_state.playing = False
    st.session_state.url_notes = []


def go_to_step(number: int) -> None:
    """Show lesson step `number` (0: leave the lesson): set its scenario and open its view, at
    the first epoch, not playing."""
    if not number:
        st.session_state.lesson = 0
        st.query_params.pop("lesson", None)
        return
    values = lesson_values(number)
    st.session_state.update(values)
    st.session_state.epoch_wanted = values["epoch"]
    st.session_state.playing = False
    st.session_state.url_notes = []
    st.query_params["lesson"] = str(number)
    if values.get("preset"):
        st.query_params["preset"] = values["preset"]
    else:
        st.query_params.pop("preset", None)


def write_param(name: str, default: object) -> None:
    """Write control `name`'s value to the URL as a share link spells it, or leave it out at the
    widget's `default` (as a bound widget does). For the controls whose options are shown by name:
    a widget bound to the URL would write the name, in the page's language, which a link read in
    the other language could not match."""
    now = value(name)
    # A value a share link leaves out (its parameter's default) that is not the widget's default,
    # e.g. English for a Chinese browser, is written as it is.
    wanted = None if now == default else share_query({"neuron": value("neuron"), name: now}).get(name, now)
    if wanted is None:
        if name in st.query_params:
            st.query_params.pop(name)
    elif st.query_params.get_all(name) != (wanted if isinstance(wanted, list) else [wanted]):
        st.query_params[name] = wanted


def write_view(view: str) -> None:
    """Open `view` (a value of the `view` parameter) and write it to the URL (the default: none)."""
    st.session_state.view = view
    if view == PARAMS["view"].default:
        st.query_params.pop("view", None)
    else:
        st.query_params["view"] = view


def changed() -> None:
    """A control moved by hand: the scenario is no longer the preset, and old link notes go."""
    st.session_state.preset = None
    st.session_state.url_notes = []
    st.query_params.pop("preset", None)


def neuron_changed() -> None:
    st.session_state.losses = list(DEFAULT_LOSSES[st.session_state.neuron])
    st.session_state.starts = ""  # the other kind's starts are not this kind's
    changed()


def load_cell() -> None:
    """A click on the map: load that start and η (snapped to the controls)."""
    picked = st.session_state.map_pick.selection.get("pick") or []
    if not picked:
        return
    cell, kind = picked[0], get_kind(value("neuron"))
    start = {name: value(name) for name in kind.start}
    loads = kind.map_load(cell[kind.map_axis], start) | {"eta": cell["eta"]}
    for name, loaded in ((name, v) for name, v in loads.items() if name not in fixed()):
        st.session_state[name] = parse_value(PARAMS[name], str(loaded))[0]
    changed()


def load_start(chart: str) -> None:
    """A click on a cost surface (the Landscape chart with the key `chart`): start the runs at that
    (w, b), snapped to the sliders. A w or b the exercise link fixes stays as it is."""
    picked = st.session_state[chart].selection.get(PICK) or []
    if not picked:
        return
    for name in ("w", "b"):
        if name not in fixed():
            st.session_state[name] = parse_value(PARAMS[name], str(picked[0][name]))[0]
    changed()


def replay_at(last: int) -> int:
    """The inspected epoch: the stored one, or, while playing, where the replay has got to."""
    state = st.session_state
    epoch = min(state.get("epoch", 0), last)
    if not state.get("playing"):
        return epoch
    return replay.position(epoch, state.play_speed, replay.clock() - state.play_started, last)


def pause() -> None:
    """Stop a replay where it has got to: that epoch goes to the slider and the URL."""
    if st.session_state.get("playing"):
        st.session_state.epoch = replay_at(st.session_state.epochs)
        st.session_state.playing = False


def play_from(epoch: int) -> None:
    """Play from `epoch`, timed from now, at the chosen speed."""
    state = st.session_state
    state.epoch, state.playing = epoch, True
    state.play_started, state.play_speed = replay.clock(), value("speed")


def toggle_play() -> None:
    if st.session_state.get("playing"):
        pause()
    else:
        epoch = st.session_state.get("epoch", 0)
        play_from(0 if epoch >= st.session_state.epochs else epoch)


def speed_changed() -> None:
    """A new speed during a replay goes on from where the replay has got to."""
    if st.session_state.get("playing"):
        play_from(replay_at(st.session_state.epochs))


def move_epoch(epochs: int) -> None:
    """Pause, then move the inspected epoch by `epochs` (negative: back), within the run."""
    pause()
    st.session_state.epoch = min(max(st.session_state.get("epoch", 0) + epochs, 0), st.session_state.epochs)
