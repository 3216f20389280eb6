"""Vocabulary, checks and Hypothesis strategies for the URL parameters, shared by the parser's
tests (test_params) and the page-level tests (test_app_sharing, test_csv, test_scenario). Not a test
module: test modules import from here, never from each other."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlencode

from hypothesis import settings
from hypothesis import strategies as st

from lossdemo.controls.data_sets import data_text, parse_data
from lossdemo.controls.presets import PRESETS, preset_values
from lossdemo.controls.scenario import starts_text
from lossdemo.controls.url import MAX_STARTS, PARAMS, POLL_PARAMS, multi_options, parse_starts, share_query
from lossdemo.engine.losses import LOSSES, NEURONS
from lossdemo.engine.neurons import get_kind
from lossdemo.teaching.lesson import STEPS

# ---------------------------------------------------------------------------------------------
# Example budgets


def deeper(examples: int) -> int:
    """A budget of examples for a test that sets its own (where an example costs a page run): as
    given under the `default` and `ci` profiles, five times as many under one that asks for more
    examples than `default` (HYPOTHESIS_PROFILE=dev, tests/conftest.py)."""
    more = settings.default.max_examples > settings.get_profile("default").max_examples
    return 5 * examples if more else examples


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

SCALAR_PARAMS = [name for name, p in PARAMS.items() if p.kind not in ("multi", "starts", "controls", "data")]
EXERCISE_PARAMS = [name for name, p in PARAMS.items() if p.kind == "controls"]  # hide, lock


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
    if param.kind == "controls":  # none, or any one control (tests of exercise links draw subsets)
        return [(), *((name,) for name in param.options)]
    if param.kind == "data":  # none (the preset's), or a few data sets (test_data_param draws any)
        return ["", "1:1,-1:0", "-2.5:0,0.3:0.45,3:1"]
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


def link_base(state: dict[str, object]) -> dict[str, object]:
    """What a link to `state` leaves to be filled in, as the README documents it: a preset's
    values (the link then names it), else, for a lesson step whose scenario is for the link's
    neuron (or has none), that step's scenario (without naming its preset), view and epoch 0, else
    the defaults (the losses' default being the link's neuron's)."""
    step = STEPS[state["lesson"] - 1] if state.get("lesson") else None
    implied = (  # the neuron a link without `neuron` opens
        PRESETS[state["preset"]].scenario.neuron
        if state.get("preset")
        else PRESETS[step.preset].scenario.neuron
        if step and step.preset
        else PARAMS["neuron"].default
    )
    base = defaults(state["neuron"]) | {"neuron": implied}
    if state.get("preset"):
        return base | preset_values(state["preset"])
    if step:
        view = {"view": step.view, "epoch": 0}
        if step.preset is None:
            return base | view
        scenario = PRESETS[step.preset].scenario
        if scenario.neuron == state["neuron"]:
            return base | preset_values(step.preset) | {"losses": list(step.losses or scenario.losses)} | view
    return base


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
    if param.kind == "controls":  # a tuple of distinct controls, in the sidebar's order
        return isinstance(value, tuple) and list(value) == [o for o in param.options if o in value]
    if param.kind == "starts":  # "" or a start list the parser reads back as written, silently
        return isinstance(value, str) and (
            value == "" or starts_text(parse_starts(value, neuron)[0]) == value
        )
    if param.kind == "data":  # "" or a data set the parser reads back as written, silently
        if not isinstance(value, str):
            return False
        points, note = parse_data(value)
        return note is None and data_text(points) == value
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
    if param.kind == "controls":
        said = [word.strip() for word in raw.split(",") if word.strip()]
        return all(word in param.options for word in said) and set(said) == set(value)
    if param.kind == "starts":
        said, meant = raw.split(",") if raw else [], value.split(",") if value else []
        return len(said) == len(meant) and all(
            _numbers(a) is not None and _numbers(a) == _numbers(b) for a, b in zip(said, meant)
        )
    if param.kind == "data":
        said, meant = raw.split(",") if raw else [], value.split(",") if value else []
        return len(said) == len(meant) and all(
            _numbers(a) is not None and len(_numbers(a)) == 2 and _numbers(a) == _numbers(b)
            for a, b in zip(said, meant)
        )
    if textual(param):
        return raw == value
    try:
        number = float(raw)
    except ValueError:
        return False
    return math.isfinite(number) and number == value


def _numbers(start: str) -> list[float] | None:
    try:
        return [float(part) for part in start.split(":")]
    except ValueError:
        return None


def loss_key(raw: str, neuron: str, name: str = "losses") -> str | None:
    """The loss a link means: by its key or by its display name (the pills write the name), any case."""
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
    lambda k: k not in PARAMS and k not in POLL_PARAMS and k.lower() not in ("embed", "embed_options")
)
keys = st.one_of(st.sampled_from(list(PARAMS)), unknown_keys)
queries = st.dictionaries(keys, st.lists(raw_values, min_size=0, max_size=4), max_size=10)


@st.composite
def valid_states(
    draw, presets: bool = True, overrides: dict | None = None, max_epochs: int | None = None
) -> dict[str, object]:
    """A complete, jointly valid set of control values: every parameter, the way the page holds them.
    `overrides` fixes some of them (never neuron, losses, preset, target or epoch); `max_epochs`
    keeps runs short where each example costs a page run."""
    neuron = draw(st.sampled_from(NEURONS))
    state = defaults(neuron)
    for name, param in PARAMS.items():
        exercise = name in EXERCISE_PARAMS  # hiding or locking controls: tests of their own
        if (
            name not in ("neuron", "losses", "net_losses", "preset", "target", "epoch", "starts")
            and name not in ("data", "data_preset")  # the Landscape tab's data set: test_data_param
            and name != "lang"  # English, whose sentences the tests read; Chinese: test_language
            and not exercise
        ):
            choices = grid(param)
            if name == "epochs" and max_epochs is not None:
                choices = [n for n in choices if n <= max_epochs]
            if name in ("net_epochs", "net_hidden") and max_epochs is not None:
                choices = choices[:2]
            state[name] = draw(st.sampled_from(choices))
    state["losses"] = draw(st.lists(st.sampled_from(list(LOSSES[neuron])), min_size=1, unique=True))
    state["starts"] = draw(st.one_of(st.just(""), start_lists(neuron)))
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


def start_lists(neuron: str):
    """A `starts` value as a link writes it: two to MAX_STARTS distinct starts on the controls' grids."""
    one = st.tuples(*(st.sampled_from(grid(PARAMS[name])) for name in get_kind(neuron).varied))
    return st.lists(one, min_size=2, max_size=MAX_STARTS, unique=True).map(lambda s: starts_text(tuple(s)))


def query_of(state: dict[str, object]) -> dict[str, list[str]]:
    """share_query's parameters after a trip through a real query string."""
    return parse_qs(urlencode(share_query(state), doseq=True), keep_blank_values=True)
