"""Exercise links: `hide=eta,epochs` leaves controls off the sidebar (their values still come from
the link), `lock=losses` shows them but disabled, and the share panel's builder writes such links.
Expected values come from the README's description of the parameters, not from the parser."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from apptest_helpers import open_page, page_scenario, run_app, share_links
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import assert_safe_note

from lossdemo.controls.url import EXERCISE_CONTROLS, PARAMS, parse_query, share_query

# The sidebar's controls as the README lists them for exercise links, by the widget that shows each.
SIDEBAR = {
    "neuron": "segmented_control",
    "preset": "selectbox",
    "losses": "pills",
    "eta": "select_slider",
    "balance": "toggle",
    "optimizer": "segmented_control",
    "epochs": "select_slider",
    "starts": "text_input",
    "w": "slider",
    "b": "slider",
    "x": "slider",
    "y": "slider",
    "classes": "slider",
    "target": "slider",
    "margin": "slider",
    "widget_rule": "toggle",
    "log": "toggle",
}
SOFTMAX_ONLY = {"classes", "target", "margin"}


def test_every_sidebar_control_can_be_hidden_or_locked():
    assert set(EXERCISE_CONTROLS) == set(SIDEBAR)


subsets = st.lists(st.sampled_from(sorted(SIDEBAR)), unique=True)


@given(
    hide=subsets.filter(bool),
    lock=subsets.filter(bool),
    spaces=st.sampled_from(["", " "]),
    repeat=st.booleans(),
)
def test_any_list_of_controls_reads_back_as_those_controls_without_a_note(hide, lock, spaces, repeat):
    written = {
        name: (f",{spaces}".join(names + names[:1] * repeat))
        for name, names in (("hide", hide), ("lock", lock))
    }
    values, notes = parse_query({name: [text] for name, text in written.items()})
    assert notes == []
    assert set(values["hide"]) == set(hide) and set(values["lock"]) == set(lock)
    order = list(SIDEBAR)
    assert list(values["hide"]) == sorted(hide, key=order.index)  # the sidebar's order, each once


@given(hide=subsets.filter(bool), lock=subsets)
def test_a_link_with_hidden_and_locked_controls_round_trips(hide, lock):
    state = {"hide": tuple(n for n in SIDEBAR if n in hide), "lock": tuple(n for n in SIDEBAR if n in lock)}
    query = share_query(state)
    assert query["hide"] == ",".join(state["hide"])
    assert parse_query({key: [text] for key, text in query.items()})[0] == {
        key: value for key, value in state.items() if value
    }


@given(word=st.text(min_size=1, max_size=12).filter(lambda w: w.strip() not in SIDEBAR and "," not in w))
def test_a_word_that_is_not_a_control_is_named_in_a_note_and_the_rest_is_kept(word):
    values, notes = parse_query({"hide": [f"eta,{word}"]})
    if not word.strip():  # an empty word between commas says nothing
        assert notes == [] and values["hide"] == ("eta",)
        return
    assert values["hide"] == ("eta",)
    assert (
        len(notes) == 1 and notes[0].startswith("hide: ") and "not among the sidebar's controls" in notes[0]
    )
    assert "<" not in notes[0] and ">" not in notes[0]


@pytest.mark.parametrize("raw", ["", " ", ",", " , "])
def test_a_list_naming_no_control_is_noted_and_hides_nothing(raw):
    assert parse_query({"hide": [raw]}) == ({"hide": ()}, ["hide: names no control; ignored"])


def test_a_hostile_word_that_sanitises_to_a_control_name_is_not_quoted_as_that_name():
    _, notes = parse_query({"lock": ["<b>"]})
    assert notes == ["lock: a name not among the sidebar's controls; ignored"]


def test_an_over_long_list_is_ignored_with_a_note():
    values, notes = parse_query({"hide": ["eta," * 100]})
    longest = 2 * len(", ".join(SIDEBAR))  # every control twice, with spaces
    assert values["hide"] == () and notes == [f"hide: longer than {longest} characters; ignored"]


def widget_keys(at, widget: str) -> dict[str, bool]:
    """key → disabled for every widget of this type on the page."""
    return {
        w.key: w.disabled
        for w in at.get("button_group" if widget in ("pills", "segmented_control") else widget)
    }


def test_each_control_hidden_is_gone_and_locked_is_disabled_and_the_others_stay_live():
    for name, widget in SIDEBAR.items():
        neuron = "softmax" if name in SOFTMAX_ONLY else "sigmoid"
        hidden = run_app({"neuron": neuron, "hide": name})
        assert not hidden.exception, name
        assert name not in widget_keys(hidden, widget), name
        locked = run_app({"neuron": neuron, "lock": name})
        assert not locked.exception, name
        assert widget_keys(locked, widget)[name] is True, name
        others = {
            key: off for key, off in widget_keys(locked, widget).items() if key in SIDEBAR and key != name
        }
        assert not any(others.values()), (name, others)


def test_a_hidden_control_keeps_the_links_value_and_the_page_says_what_is_fixed():
    at = run_app({"hide": "eta,epochs", "lock": "losses", "eta": "0.5", "epochs": "1000"})
    assert not at.exception and not at.warning
    scenario = page_scenario(at)
    assert (scenario.eta, scenario.epochs) == (0.5, 1000)
    note = " ".join(i.value for i in at.info)
    assert "Hidden: Learning rate η, Epochs." in note and "Locked: Losses to compare." in note
    at.slider(key="w").set_value(1.0).run()  # moving another control keeps the fixed ones
    assert (page_scenario(at).eta, page_scenario(at).epochs, page_scenario(at).w) == (0.5, 1000, 1.0)
    assert at.query_params["hide"] in ("eta,epochs", ["eta,epochs"])


def test_only_presets_that_keep_the_fixed_controls_are_offered_and_no_lesson_step():
    # Every sigmoid preset trains at η = 0.15 except the two textbook ones (η = 0.005).
    at = run_app({"lock": "eta"})
    offered = at.selectbox(key="preset").options
    assert "Badly wrong (Nielsen ch. 3: w = 2, b = 2)" in offered
    assert not [label for label in offered if "0.005" in label], offered
    at.selectbox(key="preset").set_value("slightly_wrong").run()
    assert (page_scenario(at).eta, page_scenario(at).w, page_scenario(at).b) == (0.15, 0.6, 0.9)
    assert "lesson_start" not in [b.key for b in at.button]
    assert run_app({"lock": "eta", "eta": "2.0"}).selectbox(key="preset").options == []


def test_the_builder_writes_a_link_that_opens_the_same_page_with_those_controls_fixed():
    at = open_page({"eta": "0.5", "w": "1"})
    share_links(at)  # opens the Share expander
    at.multiselect(key="exercise_hide").set_value(["epochs", "eta"]).run()
    at.multiselect(key="exercise_lock").set_value(["losses"]).run()
    share, exercise = share_links(at)
    assert "hide" not in share
    query = parse_qs(urlsplit(exercise).query)
    assert query["hide"] == ["eta,epochs"] and query["lock"] == ["losses"]  # the sidebar's order
    assert "hide=eta,epochs" in exercise  # commas as written, not %2C
    student = open_page({key: values[0] for key, values in query.items()})
    assert not student.exception and not student.warning
    assert page_scenario(student) == page_scenario(at)
    assert "eta" not in widget_keys(student, "select_slider") and widget_keys(student, "pills")["losses"]


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["<script>alert(1)</script>", "eta,<img src=x>", "**bold**", "[a](javascript:x)"]))
def test_hostile_lists_give_a_plain_warning_and_the_page_goes_on(raw):
    at = run_app({"hide": raw, "eta": "0.5"})
    assert not at.exception
    assert page_scenario(at).eta == 0.5
    assert at.warning and at.session_state["url_notes"]
    for note in at.session_state["url_notes"]:
        assert_safe_note(note)  # no character Markdown or HTML would act on


def test_the_parameters_are_documented_with_their_accepted_values():
    for name in ("hide", "lock"):
        assert PARAMS[name].options == EXERCISE_CONTROLS and PARAMS[name].default == ()
