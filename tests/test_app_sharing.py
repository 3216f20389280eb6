"""The page and its links (AppTest): a shared link opens exactly the scenario it was made from, the
link shown on the page reproduces the page, and no query string — hostile, broken or jointly
impossible — breaks the page, loses a valid setting, goes unmentioned, or reaches the page as markup.

AppTest reads the starting URL like a browser does, but does not write the URL back; that part is
left to the browser tests."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlencode, urlsplit

import pandas as pd
import pytest
from apptest_helpers import BASE_URL, START, open_page, open_view, runs_datasets, scenario_of, share_links
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import (
    HOSTILE,
    TOO_LONG,
    assert_safe_note,
    canonical,
    deeper,
    defaults,
    denotes,
    grid,
    is_valid,
    link_base,
    loss_exists,
    loss_key,
    start_lists,
    textual,
    unknown_keys,
    valid_states,
)
from streamlit.testing.v1 import AppTest

from lossdemo.charts.epochs import long_form
from lossdemo.charts.style import downsample
from lossdemo.controls.presets import PRESETS, preset_values
from lossdemo.controls.scenario import Scenario, runs, starts_text
from lossdemo.controls.url import PARAMS, multi_options, parse_query, parse_starts, parse_value, share_query
from lossdemo.engine.losses import LOSSES, NEURONS
from lossdemo.engine.neurons import get_kind
from lossdemo.language.messages import _, speaking

WIDGET_KINDS = (
    "segmented_control",
    "pills",
    "selectbox",
    "select_slider",
    "slider",
    "toggle",
    "checkbox",
    "text_input",
)
MARKUP = ("<script", "<img", "<svg", "onerror=", "onload=", "javascript:")
APPTEST = settings(  # each example is a page run (~0.2–1 s): no deadline, and shrink one bug only
    deadline=None,
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.fixture(autouse=True, scope="module")
def _coarse(coarse_speed_map):
    """The learning-speed map is not under test here: a coarse grid keeps every page run fast."""


# ---------------------------------------------------------------------------------------------
# Reading the page


def widgets(at: AppTest) -> dict[str, object]:
    """The page's controls for URL parameters, by key (= parameter name)."""
    return {w.key: w for kind in WIDGET_KINDS for w in at.get(kind) if w.key in PARAMS}


def controls(at: AppTest) -> dict[str, object]:
    """Each control's value. AppTest reads a value back through the page's own `format_func`, in
    the test's thread: it must answer in the page's language, as it did in the script run."""
    with speaking(at.session_state.get("lang", "en")):
        return {key: w.value for key, w in widgets(at).items()}


def relevant(neuron: str) -> list[str]:
    """The parameters that matter for a neuron kind (the other kind's start is not shown, nor the
    widget-rule toggle for a kind without step rules)."""
    other = START["softmax" if neuron == "sigmoid" else "sigmoid"]
    other += () if get_kind(neuron).step_rules else ("widget_rule",)
    return [name for name in PARAMS if name not in other]


def share_link(at: AppTest) -> str:
    """The page's share link: the first link shown (the second is the exercise-link builder's)."""
    links = share_links(at)
    assert len(links) == 2, f"expected the share link and the exercise link, found {links}"
    return links[0]


def link_query(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query, keep_blank_values=True)


def engine_dataset(scenario: Scenario) -> pd.DataFrame:
    """What the epoch chart must show for a scenario, computed straight from the engine's runs."""
    return long_form(downsample(runs(scenario)), scenario.neuron).reset_index(drop=True)


# The page's own script, the same whatever the link says: it sets the document's language.
PAGE_SCRIPTS = {f"<script>document.documentElement.lang = '{tag}';</script>" for tag in ("en", "zh-CN")}


def texts(at: AppTest):
    """Every element's content as text (charts: the spec only, not the data), but for the page's
    own language script."""
    stack = [at.main, at.sidebar]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is None or getattr(proto, "body", None) in PAGE_SCRIPTS:
            continue
        yield proto.spec if hasattr(proto, "spec") and hasattr(proto, "datasets") else str(proto)


def assert_no_markup_from_the_url(at: AppTest) -> None:
    for text in texts(at):
        lowered = text.lower()
        for marker in MARKUP:
            assert marker not in lowered, f"{marker!r} rendered in {text[:300]!r}"


def warning_notes(at: AppTest) -> list[str]:
    """The notes listed in the page's one warning about the link (none: no warning)."""
    assert len(at.warning) <= 1, [w.value for w in at.warning]
    if not at.warning:
        return []
    return at.warning[0].value.split("\n- ")[1:]


# What the Landscape tab says on a softmax page (a message of the catalogue, shown translated).
FOR_SIGMOID = (
    "The Landscape tab is for the sigmoid neuron: choose it in the sidebar to see its cost over (w, b)."
)


def assert_page_renders(at: AppTest) -> None:
    """No exception; the open view draws its chart, and the curves (opened if need be) draw runs.
    (Presentation mode shows the open view too.)"""
    assert not at.exception, [e.value for e in at.exception]
    view = at.session_state["view"]
    if view == "Landscape" and at.session_state["neuron"] != "sigmoid":  # a sigmoid neuron's tab
        with speaking(at.session_state.get("lang", "en")):  # the line is in the page's language
            for_sigmoid = _(FOR_SIGMOID)
        assert at.info[0].value == for_sigmoid, at.info[0].value
        open_view(at, "Curves")
    elif view != "Curves":
        assert at.get("vega_lite_chart"), f"the {view} view draws no chart"
        open_view(at, "Curves")
    assert runs_datasets(at), "no chart over the epochs"


# ---------------------------------------------------------------------------------------------
# Round trip: a link from a state opens that state


def assert_page_shows(at: AppTest, state: dict[str, object]) -> None:
    """The controls hold the state, the charts show its runs, the link names it (and no defaults)."""
    assert at.session_state["view"] == state.get("view", "Curves")
    assert_page_renders(at)  # this may open the Curves view to read the runs
    state = state | {"view": at.session_state["view"]}
    assert not at.warning, at.warning[0].value
    shown = controls(at)
    for name in relevant(state["neuron"]):
        if name in shown:
            assert shown[name] == state[name], f"{name}: page {shown[name]!r}, link {state[name]!r}"
    for name in ("neuron", "losses", "eta", "epochs", "x", *START[state["neuron"]], "epoch"):
        assert name in shown, f"no control for {name}"
    expected = engine_dataset(scenario_of(state))
    for dataset in runs_datasets(at):
        pd.testing.assert_frame_equal(dataset, expected, check_exact=True)
    if state.get("present"):
        return
    link = share_link(at)
    assert link.startswith(BASE_URL.rstrip("/")) and urlsplit(link).scheme == "http", link
    query = link_query(link)
    values, notes = parse_query(query)
    assert notes == []
    base = link_base(state)
    reopened = base | values
    for name in relevant(state["neuron"]):
        assert reopened[name] == state[name], f"{name}: link gives {reopened[name]!r}, page {state[name]!r}"
    for name in query:
        assert values[name] != base[name], f"the link carries what it would say without {name}"


# Below the page, test_params round-trips 1,000 states through a link without opening it.
@settings(APPTEST, max_examples=deeper(15))
@given(valid_states(overrides={"present": False}, max_epochs=5000))
def test_a_shared_link_opens_exactly_the_scenario_it_was_made_from(state):
    at = open_page(share_query(state))
    assert_page_shows(at, state)


def test_the_default_page_shows_a_link_without_parameters():
    at = open_page({})
    assert_page_shows(at, defaults(PARAMS["neuron"].default))
    assert urlsplit(share_link(at)).query == ""


def test_presentation_mode_opens_from_a_link():
    state = defaults("softmax") | {"present": True, "eta": 0.5, "classes": 4, "target": 3}
    at = open_page({"neuron": "softmax", "present": "true", "eta": "0.5", "classes": "4", "target": "3"})
    assert_page_shows(at, state)


def set_through_widgets(state: dict[str, object]) -> AppTest:
    """A session where a person set every control by hand, in an order the controls allow."""
    at = open_page({})
    first = ("neuron",)
    last = ("target", "epoch", "preset")
    for phase in (first, None, last):
        found = widgets(at)
        for name in relevant(state["neuron"]):
            now = name in phase if phase else name not in first + last
            if now and name in found and found[name].value != state[name]:
                found[name].set_value(state[name])
        at.run()
    open_view(at, "Speed map")  # the map's settings are on its own tab
    for name in ("goal", "cap"):
        widgets(at)[name].set_value(state[name])
    at.run()
    open_view(at, "Network")  # and so are the real network's
    for name in ("net_losses", "net_eta", "net_init", "net_epochs", "net_hidden"):
        widgets(at)[name].set_value(state[name])
    at.run()
    return open_view(at, state.get("view", "Curves"))


@settings(APPTEST, max_examples=deeper(6))
@given(valid_states(presets=False, overrides={"present": False, "lesson": 0}, max_epochs=5000))
def test_a_link_and_the_same_settings_made_by_hand_show_the_same_page(state):
    # (No lesson: a lesson step is not a control; its buttons set the whole scenario.)
    by_hand = set_through_widgets(state)
    assert_page_shows(by_hand, state)
    by_link = open_page(share_query(state))
    assert_page_shows(by_link, state)
    hand, link = (parse_query(link_query(share_link(at)))[0] for at in (by_hand, by_link))
    for name in relevant(state["neuron"]):
        assert hand.get(name) == link.get(name), name
    for a, b in zip(runs_datasets(by_hand), runs_datasets(by_link), strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


# ---------------------------------------------------------------------------------------------
# Fuzz: hostile query strings


def acceptable(name: str, raw: str) -> bool:
    """Does `raw` spell a value the control can hold, exactly? (Otherwise it is bad input.)"""
    param = PARAMS[name]
    if param.kind == "bool":
        return raw.lower() in ("true", "false")
    if param.kind == "starts":  # read without a note by either neuron kind
        return any(not parse_starts(raw, neuron)[1] for neuron in NEURONS)
    if textual(param):
        return raw in param.options
    try:
        number = float(raw)
    except ValueError:
        return False
    if not math.isfinite(number):
        return False
    whole = param.kind == "int" or (param.options and isinstance(param.options[0], int))
    value = round(number) if whole else number
    value = type(param.options[0])(value) if param.options else value
    return number == value and is_valid(name, value, "sigmoid")


def bad_values(name: str) -> st.SearchStrategy[str]:
    param = PARAMS[name]
    common = [st.sampled_from(HOSTILE + TOO_LONG + ("", " ", "nan", "NaN", "inf", "-inf", "1e309"))]
    common.append(st.text(max_size=20))
    if param.kind == "bool":
        common.append(st.sampled_from(("1", "0", "yes", "no", "on", "off", "tru", "true ")))
    elif textual(param):
        options = [o for p in PARAMS.values() if textual(p) for o in p.options]
        common.append(st.sampled_from([*options, *(o.upper() for o in options)]))
    else:
        low = float(min(param.options)) if param.options else param.low
        high = float(max(param.options)) if param.options else param.high
        step = param.step or 1.0
        common += [
            st.floats(high + step, 1e300).map(repr),
            st.floats(-1e300, low - step).map(repr),
            st.floats(low, high).map(lambda f: f"{f:.5g}"),
            st.integers(-(10**6), 10**6).map(lambda k: f"{k}.5"),
        ]
    return st.one_of(common).filter(lambda raw: not acceptable(name, raw))


def good_values(name: str, neuron: str) -> st.SearchStrategy[tuple[object, str]]:
    """(value, how the URL spells it): canonical, or another exact spelling of the same value."""
    param = PARAMS[name]
    if param.kind == "starts":
        return start_lists(neuron).map(lambda text: (text, text))
    values = grid(param)
    if name == "target":
        values = [0, 1]  # valid whatever the number of classes
    elif name == "epoch":
        values = list(range(11))  # valid whatever the number of epochs
    elif name == "preset":
        values = [key for key, preset in PRESETS.items() if preset.scenario.neuron == neuron]
    elif name in ("net_epochs", "net_hidden"):
        values = values[:2]  # short network runs where a link opens the Network tab

    def spellings(value):
        texts = [canonical(value)]
        if isinstance(value, bool):
            texts.append(str(value).upper())
        elif isinstance(value, float):
            texts += [repr(value), f"{value:.4f}", f"{value:e}"]
            if value >= 0:
                texts.append(f"+{value!r}")
        elif isinstance(value, int):
            texts.append(f"{value}.0")
        return st.sampled_from([t for t in texts if denotes(name, t, value)])

    return st.sampled_from(values).flatmap(lambda v: spellings(v).map(lambda text: (v, text)))


def loss_list(draw, name: str, neuron: str, good: bool) -> tuple[list[str], list[str]]:
    """(raws, the losses the page keeps from them) for a list parameter: good, the keys or names of
    some of its losses; bad, those mixed with at least one that is none of them (another neuron's,
    markup). Nothing kept means the page keeps what it would show without the parameter."""
    options = multi_options(name, neuron)
    if good:
        keys = draw(st.lists(st.sampled_from(list(options)), min_size=1, unique=True))
        return [draw(st.sampled_from((key, options[key]))) for key in keys], keys
    others = [k for n in NEURONS for k in LOSSES[n] if k not in options]
    wrong = st.one_of(st.sampled_from(others + list(HOSTILE)), st.text(max_size=10))
    raws = draw(st.lists(st.one_of(wrong, st.sampled_from(list(options))), min_size=1, max_size=4))
    raws.append(draw(wrong.filter(lambda raw: not loss_exists(raw, neuron, name))))
    raws = draw(st.permutations(raws))
    kept = list(dict.fromkeys(key for key in (loss_key(raw, neuron, name) for raw in raws) if key))
    return raws, kept


@st.composite
def hostile_queries(draw):
    """(query, expected control values, names that must be named in the warning, unknown keys)."""
    query: dict[str, list[str]] = {}
    bad: set[str] = set()
    neuron = PARAMS["neuron"].default
    status = {name: draw(st.sampled_from(("absent", "absent", "good", "bad"))) for name in PARAMS}
    status["lesson"] = "absent"  # a lesson step brings a whole scenario: tested on its own below
    status["hide"] = status["lock"] = "absent"  # exercise links: tested in test_exercise_links
    status["data"] = "absent"  # the data set: tested in test_data_param
    if status["neuron"] == "good":
        neuron = draw(st.sampled_from(NEURONS))
        query["neuron"] = [neuron]
    elif status["neuron"] == "bad":
        query["neuron"] = [draw(bad_values("neuron"))]
        bad.add("neuron")
    expected = defaults(neuron)
    if status["preset"] == "good":
        preset = draw(good_values("preset", neuron))[0]
        query["preset"] = [preset]
        expected |= preset_values(preset) | {
            "preset": preset,
            "losses": list(PRESETS[preset].scenario.losses),
        }
    elif status["preset"] == "bad":
        # A preset of the other neuron kind is bad only when the link names a neuron too; alone,
        # it brings its own neuron along.
        other = [key for key, p in PRESETS.items() if p.scenario.neuron != neuron and "neuron" in query]
        wrong_kind = [st.sampled_from(other)] if other else []
        query["preset"] = [draw(st.one_of(*wrong_kind, bad_values("preset")))]
        bad.add("preset")
    for name in ("losses", "net_losses"):
        if status[name] != "absent":
            query[name], kept = loss_list(draw, name, neuron, status[name] == "good")
            expected[name] = kept or expected[name]  # none usable: the preset's, or the default
            if status[name] == "bad":
                bad.add(name)
    for name in PARAMS:
        if name in ("neuron", "preset", "losses", "net_losses") or status[name] == "absent":
            continue
        if status[name] == "good":
            value, text = draw(good_values(name, neuron))
            query[name] = [text]
            expected[name] = value
            continue
        if draw(st.booleans()):
            raws = [draw(bad_values(name))]
            if name == "starts" and raws == [""] and expected["starts"]:
                # An empty value turns off the comparison the preset makes (share links write it so;
                # test_compare_starts): no note then, and no starts.
                query[name], expected[name] = raws, ""
                continue
        else:  # repeated: any mix of good and bad, the last one counts
            pick = st.one_of(good_values(name, neuron).map(lambda pair: pair[1]), bad_values(name))
            raws = draw(st.lists(pick, min_size=2, max_size=3))
        query[name] = raws
        if PARAMS[name].kind == "starts":  # what is left of them, after notes: none, or a valid list
            expected[name] = starts_text(parse_starts(raws[-1], neuron)[0])
        else:
            expected[name] = parse_value(PARAMS[name], raws[-1])[0]
        bad.add(name)
    if expected["target"] > expected["classes"] - 1:
        expected["target"] = expected["classes"] - 1
        bad.add("target")
    if expected["epoch"] > expected["epochs"]:
        expected["epoch"] = expected["epochs"]
        bad.add("epoch")
    unknown = draw(
        st.dictionaries(unknown_keys, st.lists(st.text(max_size=30), min_size=1, max_size=2), max_size=3)
    )
    query |= unknown
    order = draw(st.permutations(list(query)))
    return {key: query[key] for key in order}, expected, bad, set(unknown)


def opened(values: dict[str, object]) -> dict[str, object]:
    """The controls a link's parsed `values` open, as the README documents a link (`link_base`):
    what the link names, the rest from its preset or the defaults of its neuron."""
    preset = values.get("preset")
    implied = PRESETS[preset].scenario.neuron if preset else PARAMS["neuron"].default
    neuron = values.get("neuron", implied)
    return link_base({"neuron": neuron, "preset": preset, "lesson": values.get("lesson", 0)}) | values


def assert_names_every_bad_parameter_once(notes: list[str], bad, unknown) -> None:
    """Every note is plain text; each bad parameter is named, and each unknown key has one note."""
    for note in notes:
        assert_safe_note(note)
    for name in bad:
        assert any(note.startswith(f"{name}:") for note in notes), f"{name} not named in {notes}"
    about_known = [note for note in notes if any(note.startswith(f"{name}:") for name in PARAMS)]
    assert len(notes) - len(about_known) == len(unknown), notes


# Below the page: many hostile links through the parser, each checked against the oracle above.
@settings(deadline=None, max_examples=deeper(300), suppress_health_check=[HealthCheck.too_slow])
@given(hostile_queries())
def test_a_hostile_link_parses_to_the_expected_controls_and_every_bad_parameter_is_named_once(case):
    query, expected, bad, unknown = case
    values, notes = parse_query(query)
    assert_names_every_bad_parameter_once(notes, bad, unknown)
    assert bool(notes) == bool(bad or unknown), (notes, sorted(bad), sorted(unknown))
    shown = opened(values)
    for name in relevant(expected["neuron"]):
        assert shown[name] == expected[name], f"{name}: parsed {shown[name]!r}, expected {expected[name]!r}"
        if name != "preset":
            assert is_valid(name, shown[name], expected["neuron"]), f"{name} = {shown[name]!r}"


# On the page: fewer links (each a page run), checked end to end against the same oracle.
@settings(APPTEST, max_examples=deeper(30))
@given(hostile_queries())
def test_a_hostile_link_never_breaks_the_page_and_every_bad_parameter_is_named_once(case):
    query, expected, bad, unknown = case
    at = open_page(query)
    assert not at.exception, [e.value for e in at.exception]
    assert_no_markup_from_the_url(at)
    notes = warning_notes(at)
    if bad or unknown:
        assert len(at.warning) == 1, f"no warning for bad {sorted(bad)} / unknown {sorted(unknown)}"
    else:
        assert not at.warning, at.warning[0].value
    assert_names_every_bad_parameter_once(notes, bad, unknown)
    shown = controls(at)
    for name in relevant(expected["neuron"]):
        if name in shown:
            assert shown[name] == expected[name], f"{name}: page {shown[name]!r}, expected {expected[name]!r}"
            if name != "preset":
                assert is_valid(name, shown[name], expected["neuron"]), f"{name} = {shown[name]!r}"
    assert_page_renders(at)
    with speaking(expected["lang"]):  # the charts name the runs in the page's language
        expected_data = engine_dataset(scenario_of(expected))
    for dataset in runs_datasets(at):
        pd.testing.assert_frame_equal(dataset, expected_data, check_exact=True)


# ---------------------------------------------------------------------------------------------
# Named cases: each bug class on its own


@pytest.mark.parametrize(
    "query",
    [
        {"eta": "<script>alert(1)</script>"},
        {"w": "<img src=x onerror=alert(1)>", "b": "[x](javascript:alert(1))", "x": "**bold**"},
        {"<script>alert(1)</script>": "1", "neuron": "softmax"},
        {"preset": "<svg onload=alert(1)>", "y": "$\\alert$", "margin": "`code`"},
        {"losses": ["<script>alert(1)</script>", "quadratic"]},
    ],
    ids=["value", "markdown", "key", "preset", "losses"],
)
def test_markup_in_a_link_is_named_as_plain_text_and_never_rendered(query):
    at = open_page(query)
    assert not at.exception
    assert_no_markup_from_the_url(at)
    assert len(at.warning) == 1
    for note in warning_notes(at):
        assert_safe_note(note)
    assert_page_renders(at)


def test_a_chinese_link_to_the_landscape_of_a_softmax_layer_says_in_chinese_what_the_tab_is_for():
    """A fresh seed drew lang=zh with neuron=softmax and view=Landscape: the page answered in Chinese,
    and the test read the line in English."""
    at = open_page({"neuron": "softmax", "lang": "zh", "view": "Landscape"})
    assert not at.warning
    line = at.info[0].value
    assert any("\u4e00" <= c <= "\u9fff" for c in line) and "sigmoid" not in line.lower(), line
    assert_page_renders(at)


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ({"w": "nan"}, "w", 2.0),
        ({"b": "inf"}, "b", 2.0),
        ({"x": "-inf"}, "x", 1.0),
        ({"eta": "1e309"}, "eta", 0.15),
        ({"y": ""}, "y", 0.0),
        ({"epochs": "9" * 10_000}, "epochs", 300),
        ({"log": "yes"}, "log", False),
        ({"neuron": "SOFTMAX"}, "neuron", "sigmoid"),
        ({"w": "50"}, "w", 10.0),
        ({"epochs": "1e9"}, "epochs", 100_000),
        ({"eta": "0.12"}, "eta", 0.1),
        ({"eta": ["0.2", "0.5"]}, "eta", 0.5),
    ],
    ids=lambda v: repr(v)[:16],
)
def test_a_bad_value_falls_back_or_is_clamped_and_the_others_are_kept(query, name, value):
    others = {"epoch": "3"} | ({} if name == "log" else {"log": "true"})
    at = open_page(others | query)
    assert_page_renders(at)
    shown = controls(at)
    assert shown[name] == value
    assert shown["epoch"] == 3
    if name != "log":
        assert shown["log"] is True
    notes = warning_notes(at)
    assert [note for note in notes if note.startswith(f"{name}:")], notes


@pytest.mark.parametrize(
    ("query", "name"),
    [({"w": "0.15"}, "w"), ({"b": "-0.05"}, "b"), ({"y": "0.33"}, "y"), ({"epoch": "7.5"}, "epoch")],
)
def test_an_off_grid_value_is_used_as_the_warning_says(query, name):
    values, notes = parse_query({key: [raw] for key, raw in query.items()})
    at = open_page(query)
    assert_page_renders(at)
    assert any(note.startswith(f"{name}:") for note in warning_notes(at))
    assert controls(at)[name] == values[name], f"the warning says {notes}; the page uses {controls(at)[name]}"


def test_an_off_grid_target_class_is_used_as_the_warning_says():
    values, notes = parse_query({"neuron": ["softmax"], "target": ["1.5"]})
    at = open_page({"neuron": "softmax", "target": "1.5"})
    assert_page_renders(at)
    assert controls(at)["target"] == values["target"], f"the warning says {notes}"


@pytest.mark.parametrize("name", list(PARAMS))
def test_an_empty_value_falls_back_to_the_default_and_is_named(name):
    neuron = "softmax" if name in START["softmax"] else "sigmoid"
    query = {"neuron": neuron, "eta": "0.5"} | {name: ""}
    at = open_page(query)
    assert_page_renders(at)
    expected = defaults(neuron) | ({} if name == "eta" else {"eta": 0.5})
    shown = controls(at)
    for key in relevant(expected["neuron"]):
        if key in shown:
            assert shown[key] == expected[key], f"?{name}= gives {key} = {shown[key]!r}"
    assert any(note.startswith(f"{name}:") for note in warning_notes(at)), warning_notes(at)


def test_a_page_without_any_problem_shows_no_warning():
    at = open_page({"neuron": "softmax", "classes": "5", "target": "4", "epochs": "1000", "epoch": "1000"})
    assert_page_renders(at)
    assert not at.warning


# ---------------------------------------------------------------------------------------------
# Jointly impossible combinations: the page renders, falls back sensibly and says so


def test_a_target_class_beyond_the_classes_is_corrected_and_named():
    # Target 3 with 3 classes: the first that does not exist (test_params holds every boundary).
    at = open_page({"neuron": "softmax", "classes": "3", "target": "3"})
    assert_page_renders(at)
    shown = controls(at)
    assert shown["classes"] == 3 and shown["neuron"] == "softmax"
    assert shown["target"] == 2, "the parser uses the last class, 2 of 0 … 2"
    assert warning_notes(at) == ["target: class 3 does not exist with 3 classes; using 2"]


def test_an_epoch_beyond_the_run_is_corrected_and_named():
    at = open_page({"epochs": "100", "epoch": "5000"})
    assert_page_renders(at)
    shown = controls(at)
    assert shown["epochs"] == 100
    assert shown["epoch"] == 100, "the parser uses the run's last epoch"
    assert warning_notes(at) == ["epoch: 5000 is past the run's last epoch; using 100"]


def test_a_loss_of_the_other_neuron_kind_falls_back_to_the_neurons_losses():
    at = open_page({"neuron": "softmax", "losses": "cross_entropy"})
    assert_page_renders(at)
    assert controls(at)["neuron"] == "softmax"
    assert controls(at)["losses"] == ["quadratic", "log_likelihood"]
    assert any(note.startswith("losses:") for note in warning_notes(at))


def test_a_mix_of_losses_keeps_the_ones_that_exist():
    at = open_page({"neuron": "sigmoid", "losses": ["log_likelihood", "quadratic"]})
    assert_page_renders(at)
    assert controls(at)["losses"] == ["quadratic"]
    assert any(note.startswith("losses:") for note in warning_notes(at))


@pytest.mark.parametrize("neuron", NEURONS)
def test_a_preset_of_the_other_neuron_kind_is_dropped_and_named(neuron):
    other = next(key for key, p in PRESETS.items() if p.scenario.neuron != neuron)
    at = open_page({"neuron": neuron, "preset": other})
    assert_page_renders(at)
    assert controls(at)["neuron"] == neuron
    assert controls(at)["preset"] is None
    assert any(note.startswith("preset:") for note in warning_notes(at)), f"preset={other} for {neuron}"


@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_preset_in_a_link_loads_its_scenario(preset):
    scenario = PRESETS[preset].scenario
    at = open_page({"preset": preset, "neuron": scenario.neuron})
    assert_page_renders(at)
    assert not at.warning
    shown = controls(at)
    assert shown["preset"] == preset
    values = preset_values(preset)
    for name in ("neuron", "eta", "epochs", "x", *START[scenario.neuron]):
        assert shown[name] == values[name], name
    assert shown["losses"] == list(scenario.losses)
    expected = engine_dataset(scenario)
    for dataset in runs_datasets(at):
        pd.testing.assert_frame_equal(dataset, expected, check_exact=True)


def test_an_unknown_parameter_is_left_out_of_the_link():
    at = open_page({"bogus": "1", "eta": "0.5"})
    assert_page_renders(at)
    assert link_query(share_link(at)) == {"eta": ["0.5"]}
    assert controls(at)["eta"] == 0.5


def test_the_link_is_a_full_url_that_urlencode_would_write():
    at = open_page({"neuron": "softmax", "losses": "Log-likelihood", "margin": "-2.5"})
    link = share_link(at)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("http", "localhost:8501")
    query = link_query(link)
    assert urlencode(query, doseq=True) == parts.query
    values, notes = parse_query(query)
    assert notes == [] and values["neuron"] == "softmax" and values["margin"] == -2.5
    assert values["losses"] == ["log_likelihood"]


@pytest.mark.parametrize(
    ("raw", "step", "named"),
    [("abc", 0, True), ("99", 7, True), ("-3", 0, True), ("2.5", 2, True), ("3", 3, False)],
)
def test_a_bad_lesson_value_is_named_and_the_page_opens_the_nearest_step_or_none(raw, step, named):
    at = open_page({"lesson": [raw], "eta": ["0.5"]})
    assert not at.exception
    assert at.session_state["lesson"] == step
    assert at.session_state["eta"] == 0.5  # the rest of the link still counts
    notes = " ".join(w.value for w in at.warning)
    assert ("lesson" in notes) is named, notes
    assert "<" not in notes
