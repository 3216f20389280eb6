"""The URL parameters without Streamlit: `parse_query` turns any query string into valid control
values plus plain-text notes, `parse_value` does it for one value, `share_query` writes a link's
parameters. Fuzzed with hostile input; round-tripped with every kind of valid state.

The strategies at the top are shared with the page-level tests (test_app_sharing, test_csv)."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lossdemo.controls.presets import PRESETS, preset_values
from lossdemo.controls.url import PARAMS, multi_options, parse_query, parse_value, share_query
from lossdemo.engine.losses import LOSSES, NEURONS

# ---------------------------------------------------------------------------------------------
# Vocabulary and hostile input

HOSTILE = (
    "<script>alert(1)</script>",
    "<ScRiPt src=//evil.invalid/x.js></ScRiPt>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "<a href=javascript:alert(1)>x</a>",
    "[x](javascript:alert(1))",
    "![x](https://evil.invalid/x.png)",
    "javascript:alert(1)",
    "**bold**",
    "__bold__",
    "_emph_",
    "`code`",
    "```\ncode\n```",
    "$x^2$",
    "$$\\int$$",
    ":red[alert]",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "&lt;script&gt;",
    "\u202e<script>",
    "line\nbreak",
    "- item\n- item",
    "# heading",
    "{{7*7}}",
    "';DROP TABLE x;--",
    "\x00",
)
NOT_NUMBERS = (
    "",
    " ",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "+inf",
    "Infinity",
    "-Infinity",
    "1e309",
    "-1e309",
    "0x10",
    "0.1.2",
    "--1",
    "1e",
    "e5",
    ".",
    "true",
    "false",
    "None",
    "null",
    "[]",
    "{}",
    "1,5",
    "½",
)
TOO_LONG = ("0" * 41, "9" * 10_000, "0." + "0" * 9_000 + "1", "<script>" * 1_000)
# Characters Markdown (or KaTeX) gives a meaning; st.warning renders the notes as Markdown.
MARKDOWN_CHARS = frozenset("<>[]()`*$_")
# Words the notes may use although they contain such characters: parameter names and options.
VOCABULARY = sorted(
    {
        *PARAMS,
        *(str(o) for p in PARAMS.values() for o in p.options),
        *(k for n in NEURONS for k in LOSSES[n]),
    },
    key=len,
    reverse=True,
)
NOTE_MAX_CHARS = 200

SCALAR_PARAMS = [name for name, p in PARAMS.items() if p.kind != "multi"]


def textual(param) -> bool:
    """A choice among strings (neuron, preset, …) rather than among numbers."""
    return param.kind == "choice" and isinstance(param.options[0], str)


NUMERIC_PARAMS = [
    name for name, p in PARAMS.items() if p.kind in ("float", "int", "choice") and not textual(p)
]


def grid(param) -> list:
    """Every value a control for `param` can hold (its options, or its slider grid)."""
    if param.kind == "choice":
        return list(param.options)
    if param.kind == "bool":
        return [False, True]
    if param.kind == "int":
        return list(range(int(param.low), int(param.high) + 1))
    steps = round((param.high - param.low) / param.step)
    return [round(param.low + k * param.step, 10) for k in range(steps + 1)]


def canonical(value) -> str:
    """How a link writes a value (the same spelling `share_query` uses)."""
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value:.12g}" if isinstance(value, float) else str(value)


def defaults(neuron: str) -> dict[str, object]:
    """Every control's value on a fresh page with this neuron kind."""
    values = {name: p.default for name, p in PARAMS.items()}
    values["neuron"] = neuron
    values["losses"] = (
        ["quadratic", "cross_entropy"] if neuron == "sigmoid" else ["quadratic", "log_likelihood"]
    )
    values["net_losses"] = list(PARAMS["net_losses"].default)
    return values


# ---------------------------------------------------------------------------------------------
# Checks shared with the page tests


def is_valid(name: str, value: object, neuron: str) -> bool:
    """Is `value` a value the control for `name` can hold (right type, in range, on the grid)?"""
    param = PARAMS[name]
    if param.kind == "multi":
        return (
            isinstance(value, list)
            and len(value) > 0
            and len(set(value)) == len(value)
            and all(isinstance(v, str) and v in multi_options(name, neuron) for v in value)
        )
    if param.kind == "bool":
        return isinstance(value, bool)
    if param.kind == "choice":
        return value in param.options and type(value) is type(param.options[0])
    if isinstance(value, bool) or not isinstance(value, int if param.kind == "int" else float):
        return False
    if not (math.isfinite(value) and param.low <= value <= param.high):
        return False
    return (
        param.kind == "int"
        or abs((value - param.low) / param.step - round((value - param.low) / param.step)) < 1e-6
    )


def unsafe_characters(note: str) -> set[str]:
    """Markdown characters in a note that do not belong to a parameter name or an option."""
    for word in VOCABULARY:
        note = note.replace(word, "")
    return set(note) & MARKDOWN_CHARS


def assert_safe_note(note: str) -> None:
    assert isinstance(note, str) and note, note
    assert not unsafe_characters(note), f"Markdown characters {unsafe_characters(note)} in note {note!r}"
    assert "\n" not in note and "\r" not in note, f"line break in note {note!r}"
    assert len(note) <= NOTE_MAX_CHARS, f"note of {len(note)} characters"


def denotes(name: str, raw: str, value: object) -> bool:
    """Does the URL text `raw` say exactly `value`? (If not, the change must be noted.)"""
    param = PARAMS[name]
    if param.kind == "bool":
        return raw.lower() == canonical(value)
    if textual(param):
        return raw == value
    try:
        number = float(raw)
    except ValueError:
        return False
    return math.isfinite(number) and number == value


def loss_key(raw: str, neuron: str, name: str = "losses") -> str | None:
    """The loss a link means: by its key or by its display name (the pills write the name), any case.
    `name`: the list parameter, the neuron's losses or the network's (`net_losses`)."""
    for key, loss in multi_options(name, neuron).items():
        if raw.lower() in (key.lower(), loss.lower()):
            return key
    return None


def loss_exists(raw: str, neuron: str, name: str = "losses") -> bool:
    return loss_key(raw, neuron, name) is not None


def notes_about(notes: list[str], name: str) -> list[str]:
    return [note for note in notes if note.startswith(f"{name}:")]


# ---------------------------------------------------------------------------------------------
# Strategies shared with the page tests

raw_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f"{f:g}"),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(-20, 20).map(lambda f: f"{f:.3f}"),
    st.floats(1e-4, 2e5).map(lambda f: f"{f:.6g}"),
)
offered = st.sampled_from(sorted({canonical(v) for name in SCALAR_PARAMS for v in grid(PARAMS[name])[:300]}))
raw_values = st.one_of(
    st.sampled_from(HOSTILE + NOT_NUMBERS + TOO_LONG),
    offered,
    raw_numbers,
    st.text(max_size=60),
    st.text(min_size=41, max_size=120),
    st.integers(41, 10_000).map(lambda n: "7" * n),
    st.sampled_from(VOCABULARY),
)
unknown_keys = st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE)).filter(
    lambda k: k not in PARAMS and k.lower() not in ("embed", "embed_options")
)
keys = st.one_of(st.sampled_from(list(PARAMS)), unknown_keys)
queries = st.dictionaries(keys, st.lists(raw_values, min_size=0, max_size=4), max_size=10)


@st.composite
def valid_states(
    draw, presets: bool = True, overrides: dict | None = None, max_epochs: int | None = None
) -> dict[str, object]:
    """A complete, jointly valid set of control values: every parameter, the way the page holds them.
    `overrides` fixes some of them (never neuron, losses, preset, target or epoch); `max_epochs`
    keeps runs short where each example costs a page run (and the network's: its two smallest
    sizes and lengths)."""
    neuron = draw(st.sampled_from(NEURONS))
    state = defaults(neuron)
    for name, param in PARAMS.items():
        if name not in ("neuron", "losses", "net_losses", "preset", "target", "epoch"):
            choices = grid(param)
            if name == "epochs" and max_epochs is not None:
                choices = [n for n in choices if n <= max_epochs]
            if name in ("net_epochs", "net_hidden") and max_epochs is not None:
                choices = choices[:2]
            state[name] = draw(st.sampled_from(choices))
    state["losses"] = draw(st.lists(st.sampled_from(list(LOSSES[neuron])), min_size=1, unique=True))
    state["net_losses"] = draw(
        st.lists(st.sampled_from(PARAMS["net_losses"].options), min_size=1, unique=True)
    )
    mine = [key for key, preset in PRESETS.items() if preset.scenario.neuron == neuron]
    if presets and mine and draw(st.booleans()):
        state["preset"] = draw(st.sampled_from(mine))
        state |= preset_values(state["preset"])
        state["losses"] = list(state["losses"])
    state |= overrides or {}
    state["target"] = draw(st.integers(0, state["classes"] - 1))
    state["epoch"] = draw(st.integers(0, state["epochs"]))
    return state


def query_of(state: dict[str, object]) -> dict[str, list[str]]:
    """share_query's parameters after a trip through a real query string."""
    return parse_qs(urlencode(share_query(state), doseq=True), keep_blank_values=True)


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
@example({"": [], "that value": []})  # once read as a note about a key named "that value"
@example({"net_losses": ["Quadratic", "<b>", "cross_entropy"], "net_eta": ["2"], "net_hidden": ["x"]})
@example({"net_losses": [""], "net_init": ["LARGE"], "view": ["network"]})
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


@pytest.mark.parametrize(
    "raw",
    ["", "nan", "NaN", "inf", "-inf", "1e309", "-1e309", "abc", *HOSTILE, *TOO_LONG],
    ids=lambda r: repr(r)[:24],
)
@pytest.mark.parametrize("name", SCALAR_PARAMS)
def test_a_value_that_means_nothing_falls_back_to_the_default_with_one_note(name, raw):
    values, notes = parse_query({name: [raw]})
    assert values.get(name, None) == PARAMS[name].default
    assert len(notes) == 1 and notes[0].startswith(f"{name}:"), notes
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
    base = defaults(state["neuron"]) | {"neuron": PARAMS["neuron"].default}
    assert set(query) == {name for name in PARAMS if state[name] != base[name]}
    for name, text in query.items():
        if not isinstance(text, list):
            assert denotes(name, text, state[name]), f"{name} = {state[name]!r} written as {text!r}"


@settings(max_examples=1000, deadline=None)
@given(valid_states())
def test_a_link_parses_back_to_the_same_state_without_notes(state):
    values, notes = parse_query(query_of(state))
    assert notes == []
    assert defaults(state["neuron"]) | values == state
    for name, value in values.items():
        assert type(value) is type(state[name]), name


@settings(max_examples=300, deadline=None)
@given(valid_states())
def test_a_link_survives_being_parsed_and_written_again(state):
    first = share_query(state)
    values, _ = parse_query(query_of(state))
    assert share_query(defaults(state["neuron"]) | values) == first
