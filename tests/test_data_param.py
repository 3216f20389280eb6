"""The Landscape tab's data set without Streamlit: the `data` link encoding round trips, any value
(hostile, oversized, malformed) gives a data set the editor could hold or the default with one
plain note, the presets are what they say, and the editor's rows are checked row by row."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import HOSTILE, NOT_NUMBERS, TOO_LONG, assert_safe_note, defaults, denotes, is_valid, query_of

from lossdemo.controls.data_sets import (
    DATA_PRESETS,
    MAX_DATA_LENGTH,
    MAX_POINTS,
    checked_rows,
    data_points,
    data_text,
    parse_data,
    same_rows,
)
from lossdemo.controls.url import PARAMS, parse_query, parse_value, share_query

XS = [round(-3 + k * 0.1, 10) + 0.0 for k in range(61)]  # the x slider's grid, written by hand
YS = [round(k * 0.05, 10) for k in range(21)]
points_on_grid = st.lists(
    st.tuples(st.sampled_from(XS), st.sampled_from(YS)), min_size=1, max_size=MAX_POINTS
)


@given(points_on_grid)
@settings(max_examples=400, deadline=None)
def test_a_data_set_on_the_grids_round_trips_through_its_text_silently(points):
    text = data_text(tuple(points))
    assert len(text) <= MAX_DATA_LENGTH
    assert parse_data(text) == (tuple(points), None)
    assert parse_value(PARAMS["data"], text) == (text, None)
    assert is_valid("data", text, "sigmoid")


@given(points_on_grid, st.sampled_from(list(DATA_PRESETS)))
@settings(max_examples=200, deadline=None)
def test_a_share_link_holds_the_data_set_and_reads_back_to_it(points, preset):
    state = defaults("sigmoid") | {"data": data_text(tuple(points)), "data_preset": preset}
    query = share_query(state)
    assert query["data"] == state["data"]
    assert ("data_preset" in query) == (preset != PARAMS["data_preset"].default)
    values, notes = parse_query(query_of(state))
    assert notes == []
    assert values["data"] == state["data"]
    assert values.get("data_preset", PARAMS["data_preset"].default) == preset


def test_the_default_data_set_is_left_out_of_a_link():
    assert "data" not in share_query(defaults("sigmoid"))
    # A link never writes it empty; an empty value is noted like any other parameter's.
    assert parse_query({"data": [""]}) == ({"data": ""}, ["data: empty; using the preset's data set"])


raw_data = st.one_of(
    st.sampled_from(HOSTILE + NOT_NUMBERS + TOO_LONG),
    st.text(max_size=250),
    st.lists(st.tuples(st.floats(), st.floats()), max_size=25).map(
        lambda pairs: ",".join(f"{x!r}:{y!r}" for x, y in pairs)
    ),
    st.lists(st.text(alphabet="0123456789.:-,e+", max_size=8), max_size=25).map(",".join),
)


@given(raw_data)
@settings(max_examples=1500, deadline=None)
@example("1:1,-1:0,<script>alert(1)</script>")
@example("1:1:1")
@example(":" * 300)
@example("nan:0")
@example("1e309:0")
@example("0:0," * 21)
def test_any_data_value_never_raises_and_gives_a_valid_data_set_or_the_default_with_one_plain_note(raw):
    value, note = parse_value(PARAMS["data"], raw)
    assert is_valid("data", value, "sigmoid"), f"{raw!r} → {value!r}"
    if note is None:
        assert denotes("data", raw, value), f"{raw!r} → {value!r} without a note"
    else:
        assert note.startswith("data:")
        assert_safe_note(note)
    values, notes = parse_query({"data": [raw]})
    assert values["data"] == value and notes == ([note] if note else [])


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("<script>alert(1)</script>", "point 1 is not written as x:y in numbers"),
        ("1:1,-1:0,x", "point 3 is not written as x:y in numbers"),
        ("1:1:1", "point 1 is not written as x:y in numbers"),
        ("nan:0", "point 1 is not written as x:y in numbers"),
        ("1,5", "point 1 is not written as x:y in numbers"),
        (",".join(["0:0"] * (MAX_POINTS + 1)), f"more than {MAX_POINTS} points"),
        ("0" * (MAX_DATA_LENGTH + 1), f"longer than {MAX_DATA_LENGTH} characters"),
    ],
)
def test_a_malformed_or_oversized_value_falls_back_to_the_preset_with_a_note(raw, said):
    value, note = parse_value(PARAMS["data"], raw)
    assert value == "" and note == f"data: {said}; ignored"


def test_points_off_the_range_or_grid_are_snapped_and_named():
    value, note = parse_value(PARAMS["data"], "7:0,0.33:0.5,1:-2,0:0.52,2:1")
    assert value == "3:0,0.3:0.5,1:0,0:0.5,2:1"
    assert note == "data: points 1, 2, 3 … off the range or grid of x or y; snapped"


def test_the_presets_are_on_the_grids_and_the_plateau_is_the_engine_tests_data_set():
    assert list(DATA_PRESETS) == list(PARAMS["data_preset"].options)
    for key, preset in DATA_PRESETS.items():
        assert (key == "one") == (preset.points == ())
        assert len(preset.points) <= MAX_POINTS
        assert parse_data(data_text(preset.points)) == (preset.points, None), key
        assert preset.teaches.endswith(".") and "\n" not in preset.teaches
    assert DATA_PRESETS["plateau"].points == ((1.0, 1.0), (-1.0, 0.0))


def test_the_data_set_is_the_links_else_the_presets_else_the_sidebars_example():
    assert data_points("one", "", 0.5, 0.25) == ((0.5, 0.25),)
    assert data_points("plateau", "", 0.5, 0.25) == ((1.0, 1.0), (-1.0, 0.0))
    assert data_points("plateau", "2:1", 0.5, 0.25) == ((2.0, 1.0),)
    assert data_points("two", "bad", 0.5, 0.25) == DATA_PRESETS["two"].points


def table(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["x", "y"])


@pytest.mark.parametrize(
    ("rows", "note"),
    [
        ([(1.0, 0.0), (2.0, math.nan)], "Row 2: y is empty."),
        ([(None, 0.0)], "Row 1: x is empty."),
        ([(1.0, 0.0), (0.0, 0.0), (7.0, 1.0)], "Row 3: x = 7 is outside -3 … 3."),
        ([(1.0, 1.5)], "Row 1: y = 1.5 is outside 0 … 1."),
        ([(1.0, -0.25)], "Row 1: y = -0.25 is outside 0 … 1."),
        ([(math.inf, 0.0)], "Row 1: x = inf is not a finite number."),
        ([("<b>x</b>", 0.0)], "Row 1: x is not a number."),
        ([(0.0, [1])], "Row 1: y is not a number."),
        ([], "The data set needs at least one point."),
        (
            [(0.0, 0.0)] * (MAX_POINTS + 1),
            f"The data set holds at most {MAX_POINTS} points; this edit made 21.",
        ),
    ],
)
def test_a_bad_edit_is_refused_with_a_note_naming_the_row_and_value(rows, note):
    assert checked_rows(table(rows)) == (None, note)


@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(0, 1)), min_size=1, max_size=MAX_POINTS))
@settings(max_examples=300, deadline=None)
def test_a_good_edit_is_kept_snapped_to_the_grids(rows):
    points, note = checked_rows(table(rows))
    assert note is None and len(points) == len(rows)
    for (x, y), (px, py) in zip(rows, points):
        assert px in XS and py in YS
        assert abs(px - x) <= 0.05 + 1e-9 and abs(py - y) <= 0.025 + 1e-9
    assert parse_data(data_text(points)) == (points, None)


def test_the_editor_counts_as_unchanged_only_when_it_holds_the_same_points():
    points = ((1.0, 0.0), (-1.0, 1.0))
    assert same_rows(table(points), points)
    assert not same_rows(table([(1.0, 0.0), (-1.0, np.nan)]), points)
    assert not same_rows(table(points[:1]), points)
