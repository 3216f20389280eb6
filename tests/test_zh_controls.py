"""The controls in Chinese (`lang=zh`): the URL parser's notes on any query string, the data set's
notes, the scenario's caption and run labels, and the catalogue's Chinese for every control label,
help text and preset. A note keeps its parameter name ("eta: …") and echoes nothing but the
sanitised snippet; what is left must hold no English sentence and no unfilled placeholder.

English stays as it was (test_params and test_data_param pin its wording); a few checks here too."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from strategies import HOSTILE, NOT_NUMBERS, TOO_LONG, VOCABULARY, assert_safe_note, queries, start_lists

from lossdemo.controls.data_sets import DATA_PRESETS, MAX_POINTS, checked_rows, parse_data
from lossdemo.controls.presets import PRESETS
from lossdemo.controls.scenario import DEFAULT, Scenario, Series, series_label
from lossdemo.controls.url import PARAMS, multi_options, parse_query
from lossdemo.engine.losses import LOSSES, NEURONS
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.language import words
from lossdemo.language.messages import _, catalogue, speaking

ENGLISH = re.compile(r"[A-Za-z]{2,}[\s,.;:'’-]+[A-Za-z]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
SNIPPET = re.compile(r"“[A-Za-z0-9.+\-]*”")  # the only thing a note echoes from the URL
NUMBER = re.compile(r"\d[\d.,]*(?:e[-+]?\d+)?")
# Loss names a note lists: a link may write them (the pills do), so they are URL values too.
LOSS_NAMES = {name for neuron in NEURONS for name in multi_options("losses", neuron).values()} | set(
    multi_options("net_losses", "sigmoid").values()
)
# Display names the engine owns; the scenario's caption and labels show them (translated there if
# the engine marks them, else as they are).
ENGINE_NAMES = (
    LOSS_NAMES | {words.KINDS[n].name for n in NEURONS} | {rule.name for rule in words.RULES.values()}
)


def _words(names) -> re.Pattern:
    """Any of `names` as a whole word (not inside a longer word), longest first."""
    ordered = sorted(set(names), key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(map(re.escape, ordered)) + r")(?![A-Za-z0-9_])")


NOTE_WORDS = _words([*VOCABULARY, *LOSS_NAMES])
CAPTION_WORDS = _words([*ENGINE_NAMES, *(name.lower() for name in ENGINE_NAMES), *LOSSES["sigmoid"]])


def english_left(text: str, words: re.Pattern) -> list[str]:
    """Runs of English words left after the snippets, `words`, $…$ math and numbers are taken out."""
    rest = SNIPPET.sub(" ", text)
    rest = re.sub(r"\$[^$]*\$|`[^`]*`", " ", rest)
    rest = NUMBER.sub(" ", words.sub(" ", rest))
    return ENGLISH.findall(rest)


def assert_chinese_note(note: str, english: str) -> None:
    """A Chinese note for the English `english`: plain text, the same parameter prefix, filled."""
    assert_safe_note(note)
    prefix = re.match(r"^(\w+): ", english)
    if prefix:
        assert note.startswith(prefix.group(0)), (note, english)
    assert "{" not in note and "}" not in note, note
    assert CJK.search(note), f"no Chinese in {note!r}"
    assert not english_left(note, NOTE_WORDS), f"English {english_left(note, NOTE_WORDS)} in {note!r}"


def both(function, *args):
    with speaking("en"):
        english = function(*args)
    with speaking("zh"):
        chinese = function(*args)
    return english, chinese


# ---------------------------------------------------------------------------------------------
# The parser's notes


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
@example({"eta": ["<script>alert(1)</script>"], "w": ["nan"], "b": ["inf"], "x": ["-inf"], "y": [""]})
@example({"epochs": ["1e309"], "classes": ["9" * 10_000], "neuron": ["softmax", "sigmoid", "x"]})
@example({"<img src=x onerror=alert(1)>": ["1"], "[x](javascript:alert(1))": ["**b**"], "": [""]})
@example({"losses": ["log_likelihood", "<b>", "quadratic", "quadratic"], "log": ["yes"]})
@example({"eta": [], "losses": [], "preset": ["$x$"], "target": ["`7`"], "epoch": ["_1_"]})
@example({"neuron": ["softmax"], "preset": ["badly_wrong"], "view": ["curves"], "goal": ["1/2"]})
@example({"classes": ["2"], "target": ["9"], "epochs": ["10"], "epoch": ["500"], "eta": ["0.11"]})
@example({"net_losses": ["Quadratic", "<b>"], "net_eta": ["2"], "net_hidden": ["x"], "data": [""]})
@example({"hide": ["eta,<b>,zz,yy,xx"], "lock": [""], "hide2": ["1"], "lang": ["fr"]})
@example({"starts": ["1:2,1:2,3:3,4:4,5:5"], "data": ["1:1,9:9,2:3,4:4,0:7"]})
@example({"neuron": ["softmax"], "starts": ["1,x,99", "2"], "data": ["1:1:1"]})
@example({"starts": ["0" * 41], "data": ["1:0," * 21 + "1:0"]})
def test_every_note_on_a_hostile_link_is_chinese_with_its_parameter_name_kept(query):
    (values_en, notes_en), (values_zh, notes_zh) = both(parse_query, query)
    assert values_zh == values_en
    assert len(notes_zh) == len(notes_en)
    for chinese, english in zip(notes_zh, notes_en):
        assert_chinese_note(chinese, english)


raw_data = st.one_of(
    st.sampled_from(HOSTILE + NOT_NUMBERS + TOO_LONG),
    st.text(max_size=120),
    st.lists(st.tuples(st.floats(), st.floats()), max_size=25).map(
        lambda pairs: ",".join(f"{x!r}:{y!r}" for x, y in pairs)
    ),
    st.lists(st.text(alphabet="0123456789.:-,e+", max_size=8), max_size=25).map(",".join),
)


@settings(max_examples=300, deadline=None)
@given(raw_data)
@example("1:1,9:9")
@example("1:1,9:9,2:3,4:4,0:7")
def test_every_note_on_a_data_set_is_chinese(raw):
    (points_en, note_en), (points_zh, note_zh) = both(parse_data, raw)
    assert points_zh == points_en
    assert (note_zh is None) == (note_en is None)
    if note_zh is not None:
        assert_chinese_note(note_zh, note_en)


@pytest.mark.parametrize(
    "rows",
    [
        [(1.0, 0.0), (2.0, math.nan)],
        [(None, 0.0)],
        [(1.0, 0.0), (0.0, 0.0), (7.0, 1.0)],
        [(1.0, -0.25)],
        [(math.inf, 0.0)],
        [("<b>x</b>", 0.0)],
        [],
        [(0.0, 0.0)] * (MAX_POINTS + 1),
    ],
    ids=str,
)
def test_a_refused_edit_of_the_data_set_is_explained_in_chinese(rows):
    table = pd.DataFrame(rows, columns=["x", "y"])
    (_points, english), (_points, chinese) = both(checked_rows, table)
    assert english and chinese
    assert_chinese_note(chinese, english)


def test_a_data_set_without_its_columns_is_explained_in_chinese():
    (_points, english), (_points, chinese) = both(checked_rows, pd.DataFrame({"x": [1.0]}))
    assert english == "The data set needs the columns x and y."
    assert_chinese_note(chinese, english)


def test_the_english_notes_are_unchanged():
    with speaking("en"):
        values, notes = parse_query({"w": ["50"], "hide": ["zz"], "a b": ["1"], "": ["1"], "eta": ["x", "1"]})
    assert values == {"w": 10.0, "hide": (), "eta": 1.0}
    assert notes == [
        "w: “50” is outside -10 … 10 or off the grid; using 10",
        "hide: “zz” not among the sidebar's controls; ignored",
        "unknown parameter “ab” is not a parameter of this page; ignored",
        "a parameter is not a parameter of this page; ignored",
        "eta: given 2 times; used the last",
    ]
    assert parse_data("1:1,9:9,2:3")[1] == "data: points 2, 3 off the range or grid of x or y; snapped"
    assert parse_data("9:9")[1] == "data: point 1 off the range or grid of x or y; snapped"


# ---------------------------------------------------------------------------------------------
# The scenario's caption and run labels


@st.composite
def scenarios(draw) -> Scenario:
    neuron = draw(st.sampled_from(NEURONS))
    losses = draw(st.lists(st.sampled_from(list(LOSSES[neuron])), min_size=1, max_size=4, unique=True))
    starts = draw(st.one_of(st.just(""), start_lists(neuron)))
    parsed = tuple(tuple(float(v) for v in start.split(":")) for start in starts.split(",")) if starts else ()
    return replace(
        DEFAULT,
        neuron=neuron,
        losses=tuple(losses),
        starts=parsed,
        balance=draw(st.booleans()),
        widget_rule=draw(st.booleans()),
        optimizer=draw(st.sampled_from(list(OPTIMIZERS))),
        epochs=draw(st.sampled_from([10, 300, 100_000])),
    )


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_the_caption_and_run_labels_are_chinese_around_the_engines_names(scenario):
    english, chinese = both(scenario.caption)
    assert CJK.search(chinese) and "{" not in chinese and "}" not in chinese, chinese
    assert not english_left(chinese, CAPTION_WORDS), (english_left(chinese, CAPTION_WORDS), chinese)
    output = scenario.kind.output
    for series in scenario.series():
        first = pd.Series({output: 0.5})
        english, chinese = both(series_label, scenario, series, first)
        assert not CJK.search(english), english
        assert "{" not in chinese and "}" not in chinese, chinese
        assert not english_left(chinese, CAPTION_WORDS), chinese
        if scenario.compares_starts():
            assert CJK.search(chinese), chinese


def test_the_english_caption_and_labels_are_unchanged():
    book = replace(DEFAULT, starts=((0.6, 0.9), (2.0, 2.0)), widget_rule=True, balance=True)
    with speaking("en"):
        assert DEFAULT.caption() == (
            "Sigmoid neuron, quadratic vs cross-entropy; start w = 2, b = 2, x = 1, y = 0; η = 0.15; "
            "300 epochs"
        )
        assert book.caption() == (
            "Sigmoid neuron, quadratic, with the cross-entropy, book's widget rule (not the gradient); "
            "starts (w = 0.6, b = 0.9) and (w = 2, b = 2), x = 1, y = 0; "
            "η = 0.15 (equal gradients at a = ½); 300 epochs"
        )
        label = series_label(book, Series("quadratic", "", {"w": 0.6, "b": 0.9}), pd.Series({"a": 0.8176}))
    assert label == "Quadratic · start w = 0.6, b = 0.9 (a₀ = 0.82)"


# ---------------------------------------------------------------------------------------------
# The catalogue: every label, help text and preset has its Chinese


def shown_texts() -> list[str]:
    texts = []
    for name, param in PARAMS.items():
        texts += [param.help] if name == "lang" else [param.label, param.help]
    texts += [preset.label for preset in PRESETS.values()]
    texts += [text for preset in DATA_PRESETS.values() for text in (preset.label, preset.teaches)]
    return texts


@pytest.mark.parametrize("text", shown_texts(), ids=lambda text: text[:40])
def test_every_control_label_help_and_preset_has_chinese(text):
    chinese = catalogue("zh").gettext(text)
    assert chinese != text and CJK.search(chinese), text
    assert "{" not in chinese, chinese
    with speaking("zh"):
        assert _(text) == chinese


def test_the_language_control_reads_in_both_languages_and_is_not_translated():
    assert PARAMS["lang"].label == "Language · 语言"
    assert catalogue("zh").gettext(PARAMS["lang"].label) == PARAMS["lang"].label


def test_the_data_help_names_the_largest_data_set():
    # The help is a catalogue constant, so the number is written out: it must stay MAX_POINTS.
    assert f"1 to {MAX_POINTS} points" in PARAMS["data"].help
    assert f"1 到 {MAX_POINTS} 个点" in catalogue("zh").gettext(PARAMS["data"].help)


def test_nothing_translated_is_computed_at_import():
    # The constants stay English (the page translates them per run), whatever the language.
    with speaking("zh"):
        assert PARAMS["eta"].label == "Learning rate η"
        assert PRESETS["badly_wrong"].label.startswith("Badly wrong")
        assert DATA_PRESETS["two"].label == "Two points"
