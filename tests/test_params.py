"""The URL parameters without Streamlit: `parse_query` turns any query string into valid control
values plus plain-text notes, `parse_value` does it for one value, `share_query` writes a link's
parameters. Fuzzed with hostile input; round-tripped with every kind of valid state.

The vocabulary, checks and strategies live in strategies.py, shared with the page-level tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from strategies import (
    HOSTILE,
    NUMERIC_PARAMS,
    SCALAR_PARAMS,
    TOO_LONG,
    assert_safe_note,
    canonical,
    defaults,
    denotes,
    grid,
    is_valid,
    link_base,
    loss_exists,
    notes_about,
    queries,
    query_of,
    raw_values,
    valid_states,
)

from lossdemo.controls.url import PARAMS, parse_query, parse_value, share_query
from lossdemo.engine.losses import NEURONS

# ---------------------------------------------------------------------------------------------
# parse_query: fuzz

FUZZ = settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_values(query, values) -> None:
    """Only parameters of the page, each with a value its control can hold."""
    assert set(values) <= set(query) & set(PARAMS)
    neuron = values.get("neuron", PARAMS["neuron"].default)
    for name, value in values.items():
        assert is_valid(name, value, neuron), f"{name} = {value!r}"


def check_notes_are_plain_text(notes) -> None:
    for note in notes:
        assert_safe_note(note)


def check_notes_name_what_changed(query, values, notes) -> None:
    """Every parameter not taken exactly as written has a note starting with its name; every
    unknown parameter has a note of its own, naming it when its name is plain."""
    neuron = values.get("neuron", PARAMS["neuron"].default)
    for name, raws in query.items():
        if name not in PARAMS:
            continue
        if PARAMS[name].kind == "multi":
            if not raws or not all(loss_exists(raw, neuron, name) for raw in raws):
                assert notes_about(notes, name), f"{name}={raws} changed silently; notes: {notes}"
            continue
        taken = len(raws) == 1 and name in values and denotes(name, raws[0], values[name])
        if not taken:
            assert notes_about(notes, name), f"{name}={raws} → {values.get(name)!r} silently; {notes}"
    unknown = [key for key in query if key not in PARAMS]
    about_known = [
        note for note in notes if any(note.startswith(f"{name}:") for name in query if name in PARAMS)
    ]
    assert len(notes) - len(about_known) >= len(unknown), f"unknown keys {unknown} not all noted: {notes}"
    for key in unknown:
        if key.isascii() and key.isalnum() and len(key) <= 12:
            assert any(key in note for note in notes), f"unknown parameter {key!r} not named: {notes}"
    for note in set(notes) - set(about_known):
        assert note.startswith(("unknown parameter", "a parameter", "target:", "epoch:", "preset:")), note


@FUZZ
@given(queries)
@example({"eta": ["<script>alert(1)</script>"], "w": ["nan"], "b": ["inf"], "x": ["-inf"], "y": [""]})
@example({"epochs": ["1e309"], "classes": ["9" * 10_000], "neuron": ["softmax", "sigmoid", "x"]})
@example({"<img src=x onerror=alert(1)>": ["1"], "[x](javascript:alert(1))": ["**b**"], "": [""]})
@example({"losses": ["log_likelihood", "<b>", "quadratic", "quadratic"], "log": ["yes"]})
@example({"eta": [], "losses": [], "preset": ["$x$"], "target": ["`7`"], "epoch": ["_1_"]})
@example({"x": ["<script>alert(1)</script>"], "y": ["[x](javascript:alert(1))"], "b": ["`rm`*$_"]})
@example({"<script>alert(1)</script>": ["1"], "a_b*c": ["x"], "eta": ["line\nbreak"]})
@example({"neuron": ["**softmax**"], "losses": ["_x_", "$y$"], "preset": ["(p)"]})
@example({"eta": ["0.2", "0.5"], "w": ["0.15"], "classes": ["2.5"], "log": ["1"]})
@example({"neuron": ["sigmoid", "softmax"], "losses": ["cross_entropy", "log_likelihood"]})
@example({"etta": ["0.5"], "W": ["1"], "eta": ["0.5"]})
@example({"net_losses": ["Quadratic", "<b>", "cross_entropy"], "net_eta": ["2"], "net_hidden": ["x"]})
@example({"net_losses": [""], "net_init": ["LARGE"], "view": ["network"]})
@example({"": [], "that value": []})  # once read as a note about a key named "that value"
def test_any_query_gives_valid_values_and_plain_text_notes_naming_every_change(query):
    values, notes = parse_query(query)
    check_values(query, values)
    check_notes_are_plain_text(notes)
    check_notes_name_what_changed(query, values, notes)


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ({"w": ["50"]}, "w", 10.0),
        ({"w": ["-1e300"]}, "w", -10.0),
        ({"y": ["2"]}, "y", 1.0),
        ({"margin": ["-99"]}, "margin", -5.0),
        ({"classes": ["1"]}, "classes", 2),
        ({"classes": ["1000"]}, "classes", 10),
        ({"epochs": ["7"]}, "epochs", 10),
        ({"epochs": ["1e9"]}, "epochs", 100_000),
        ({"eta": ["1e9"]}, "eta", 10.0),
        ({"eta": ["0.0000001"]}, "eta", 0.001),
        ({"eta": ["0.11"]}, "eta", 0.1),
    ],
    ids=lambda v: str(v)[:20],
)
def test_a_number_out_of_range_or_not_offered_is_clamped_to_the_nearest_offered_value(query, name, value):
    values, notes = parse_query(query)
    assert values[name] == value and type(values[name]) is type(value)
    assert len(notes_about(notes, name)) == 1


MEANINGLESS = ("", "nan", "NaN", "inf", "-inf", "1e309", "-1e309", "abc", *HOSTILE, *TOO_LONG)


@pytest.mark.parametrize("name", SCALAR_PARAMS)
def test_a_value_that_means_nothing_falls_back_to_the_default_with_one_note(name):
    for raw in MEANINGLESS:  # every one of them, for every parameter (one case each used to be a test)
        values, notes = parse_query({name: [raw]})
        assert values.get(name, None) == PARAMS[name].default, repr(raw)[:40]
        assert len(notes) == 1 and notes[0].startswith(f"{name}:"), (repr(raw)[:40], notes)
        assert_safe_note(notes[0])


def test_a_repeated_parameter_uses_its_last_value_and_says_so():
    values, notes = parse_query({"eta": ["0.2", "0.5"], "neuron": ["softmax", "sigmoid"]})
    assert values == {"eta": 0.5, "neuron": "sigmoid"}
    assert len(notes_about(notes, "eta")) == 1 and len(notes_about(notes, "neuron")) == 1


def test_the_other_parameters_survive_a_bad_one():
    query = {
        "eta": ["0.5"],
        "w": ["<script>alert(1)</script>"],
        "epochs": ["1000"],
        "zzz": ["1"],
        "log": ["true"],
    }
    values, notes = parse_query(query)
    assert values == {"eta": 0.5, "w": PARAMS["w"].default, "epochs": 1000, "log": True}
    assert len(notes) == 2


@pytest.mark.parametrize(
    ("query", "losses"),
    [
        ({"neuron": ["softmax"], "losses": ["cross_entropy"]}, None),
        ({"neuron": ["sigmoid"], "losses": ["log_likelihood", "quadratic"]}, ["quadratic"]),
        ({"losses": ["<script>", "cross_entropy", "cross_entropy"]}, ["cross_entropy"]),
        ({"neuron": ["bogus"], "losses": ["log_likelihood"]}, None),
    ],
)
def test_a_loss_that_does_not_exist_for_the_neuron_is_dropped_with_a_note(query, losses):
    values, notes = parse_query(query)
    assert values.get("losses") == losses
    assert notes_about(notes, "losses")


# ---------------------------------------------------------------------------------------------
# Jointly impossible values, at every boundary: a target class needs target ≤ classes − 1, an
# epoch of the run needs epoch ≤ epochs. Each pair on both sides of its boundary, not a sample.


def test_every_target_is_kept_silently_below_the_classes_and_corrected_with_a_note_from_them_on():
    classes_param, target_param = PARAMS["classes"], PARAMS["target"]
    for classes in range(classes_param.low, classes_param.high + 1):
        for target in range(target_param.low, target_param.high + 1):
            query = {"neuron": ["softmax"], "classes": [str(classes)], "target": [str(target)]}
            values, notes = parse_query(query)
            assert values["classes"] == classes, (classes, target, notes)
            if target <= classes - 1:  # classes 0 … K − 1 exist
                assert values["target"] == target and notes == [], (classes, target, notes)
            else:  # target = K is the first that does not
                assert values["target"] == classes - 1, (classes, target)
                assert notes == [
                    f"target: class {target} does not exist with {classes} classes; using {classes - 1}"
                ], (classes, target)


def test_every_epoch_up_to_the_runs_last_is_kept_silently_and_one_past_it_is_corrected_with_a_note():
    epoch_high = PARAMS["epoch"].high
    for epochs in grid(PARAMS["epochs"]):
        for epoch in (0, epochs - 1, epochs, epochs + 1):
            if not 0 <= epoch <= epoch_high:
                continue
            values, notes = parse_query({"epochs": [str(epochs)], "epoch": [str(epoch)]})
            assert values["epochs"] == epochs, (epochs, epoch, notes)
            if epoch <= epochs:
                assert values["epoch"] == epoch and notes == [], (epochs, epoch, notes)
            else:
                assert values["epoch"] == epochs, (epochs, epoch)
                assert notes == [f"epoch: {epoch} is past the run's last epoch; using {epochs}"]


# ---------------------------------------------------------------------------------------------
# parse_value


@pytest.mark.parametrize("name", SCALAR_PARAMS)
def test_every_offered_value_is_read_back_exactly_and_silently(name):
    param = PARAMS[name]
    for value in grid(param):
        assert parse_value(param, canonical(value)) == (value, None)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(SCALAR_PARAMS), raw_values)
@example("epoch", "100000.4")
@example("w", "1e-320")
@example("eta", "-0.0")
def test_parse_value_never_raises_and_gives_a_valid_value_or_the_default(name, raw):
    param = PARAMS[name]
    value, note = parse_value(param, raw)
    if value is None:
        assert param.default is None and note
    else:
        assert is_valid(name, value, "sigmoid"), f"{name}: {raw!r} → {value!r}"
    if note is None:
        assert denotes(name, raw, value), f"{name}: {raw!r} → {value!r} without a note"
    else:
        assert note.startswith(f"{name}:")
        assert_safe_note(note)


@given(st.sampled_from(NUMERIC_PARAMS), st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=1000, deadline=None)
def test_any_finite_number_lands_on_the_controls_grid(name, number):
    value, note = parse_value(PARAMS[name], repr(number))
    assert is_valid(name, value, "sigmoid")
    assert (note is None) == (value == number)


# ---------------------------------------------------------------------------------------------
# share_query


@pytest.mark.parametrize("neuron", NEURONS)
def test_a_link_to_the_defaults_leaves_them_all_out(neuron):
    query = share_query(defaults(neuron))
    assert query == ({} if neuron == PARAMS["neuron"].default else {"neuron": neuron})


@settings(max_examples=1000, deadline=None)
@given(valid_states())
def test_a_link_holds_exactly_the_values_that_differ_from_the_defaults(state):
    query = share_query(state)
    base = link_base(state)  # a preset or lesson step implies its neuron
    assert set(query) == {name for name in PARAMS if state[name] != base[name]}
    for name, text in query.items():
        if not isinstance(text, list):
            assert denotes(name, text, state[name]), f"{name} = {state[name]!r} written as {text!r}"


@settings(max_examples=1000, deadline=None)
@given(valid_states())
def test_a_link_parses_back_to_the_same_state_without_notes(state):
    values, notes = parse_query(query_of(state))
    assert notes == []
    assert link_base(state) | values == state
    for name, value in values.items():
        assert type(value) is type(state[name]), name


@settings(max_examples=300, deadline=None)
@given(valid_states())
def test_a_link_survives_being_parsed_and_written_again(state):
    first = share_query(state)
    values, _ = parse_query(query_of(state))
    assert share_query(link_base(state) | values) == first


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        # Between 0.002 and 0.005: ln(0.0032/0.002) = ln 1.6 = 0.470 > ln(0.005/0.0032) = ln 1.5625
        # = 0.446, so 0.005 is nearer on a log scale (on a linear one 0.002 would be: 1.2e-3 < 1.8e-3).
        ("eta", "0.0032", 0.005),
        # ln(0.00145/0.001) = 0.372 > ln(0.002/0.00145) = 0.322 (linear: 0.001 is nearer).
        ("eta", "0.00145", 0.002),
        # ln(0.72/0.5) = 0.365 > ln(1/0.72) = 0.329 (linear: 0.5 is nearer).
        ("eta", "0.72", 1.0),
        # ln(124/100) = 0.215 > ln(150/124) = 0.190 (linear: 100 is nearer, 24 < 26).
        ("epochs", "124", 150),
        # And below the geometric midpoints the lower value wins: √(0.002·0.005) = 0.00316.
        ("eta", "0.0031", 0.002),
        ("epochs", "122", 100),  # √(100·150) = 122.5
    ],
)
def test_a_value_between_offered_ones_snaps_to_the_nearest_on_a_log_scale(name, raw, expected):
    value, note = parse_value(PARAMS[name], raw)
    assert value == expected and type(value) is type(expected)
    assert note == f"{name}: “{raw}” is not offered; using {expected:g}"


@pytest.mark.parametrize(
    ("raws", "kept", "noted"),
    [
        (["Cross-entropy", "quadratic"], ["cross_entropy", "quadratic"], False),
        (["LOG-LIKELIHOOD", "Log-likelihood"], ["log_likelihood"], False),  # any case; once
        (["bogus", "quadratic", "quadratic"], ["quadratic"], True),
        (["<script>alert(1)</script>"], None, True),
        ([""], None, True),
    ],
)
def test_the_networks_losses_are_read_by_key_or_name_and_anything_else_is_noted(raws, kept, noted):
    values, notes = parse_query({"net_losses": raws})
    assert values.get("net_losses") == kept
    assert len(notes_about(notes, "net_losses")) == noted, notes
    for note in notes:
        assert_safe_note(note)


def test_the_networks_settings_fall_back_or_snap_with_a_note_and_a_link_writes_loss_names():
    values, notes = parse_query(
        {"net_eta": ["2"], "net_epochs": ["1000"], "net_hidden": ["abc"], "net_init": ["huge"]}
    )
    assert values == {"net_eta": 3.0, "net_epochs": 60, "net_hidden": 30, "net_init": "book"}
    assert sorted(note.split(":")[0] for note in notes) == ["net_epochs", "net_eta", "net_hidden", "net_init"]
    state = defaults("sigmoid") | {"net_losses": ["log_likelihood", "quadratic"], "net_eta": 1.0}
    assert share_query(state) == {"net_losses": ["Log-likelihood", "Quadratic"], "net_eta": "1.0"}
