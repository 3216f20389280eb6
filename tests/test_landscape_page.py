"""The Landscape tab: it opens from a link for every data-set preset, its charts hold exactly the
engine's runs on the tab's data set, an edit in the table changes the runs (a bad one is refused
with a warning and changes nothing), the share link reproduces the data set, hostile data links
never break the page, and every sentence is true, checked against numpy written here."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import (
    chart_datasets,
    charts,
    markdown_texts,
    open_page,
    run_app,
    select_on_chart,
    share_links,
    spec_of,
)
from drawn import pixels
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import HOSTILE, TOO_LONG

from lossdemo import simulate_sigmoid
from lossdemo.charts.landscape import IMAGE, PATH, PICK, SURFACE, WINDOW, window_around
from lossdemo.controls import replay
from lossdemo.controls.data_sets import DATA_PRESETS, MAX_POINTS
from lossdemo.controls.replay import FRAME_SECONDS
from lossdemo.controls.scenario import DEFAULT, EPOCH_CHOICES, ETA_CHOICES
from lossdemo.engine.landscape import landscape
from lossdemo.engine.losses import LOSSES
from lossdemo.language.words import loss_words
from lossdemo.page import cache
from lossdemo.teaching.landscape import end_sentence, flat_sentence, saturated_sentence, start_sentence

LOSS_NAMES = {key: loss_words("sigmoid", key).name for key in LOSSES["sigmoid"]}
DEFAULT_LOSSES = ("quadratic", "cross_entropy")
TAB = {"view": "Landscape"}


# ---------------------------------------------------------------------------------------------
# By hand: the runs' cost surfaces and saturation with numpy, not with the modules under test


def sigma(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


def by_hand(x, y, w_axis, b_axis) -> dict[str, float]:
    """Shares of the grid: |∇C| < 0.001 for the quadratic cost and cross-entropy (the mean over
    the examples of δ_i·(x_i, 1), δ = (a − y)a(1 − a) and a − y), and σ′ < 0.05 for some example."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w, b = np.meshgrid(w_axis, b_axis)
    z = w[..., None] * x + b[..., None]
    a, slope = sigma(z), sigma(z) * sigma(-z)  # σ′ = σ(z)σ(−z): no 1 − a to cancel
    shares = {"saturated": float(np.mean(slope.min(axis=2) < 0.05))}
    for loss, delta in (("quadratic", (a - y) * slope), ("cross_entropy", a - y)):
        norm = np.hypot((delta * x).mean(axis=2), delta.mean(axis=2))
        shares[loss] = float(np.mean(norm < 1e-3))
    return shares


def assert_share(text: str, share: float, cells: int) -> None:
    """A share as the page writes it ("38 %", "under 1 %", "over 99 %") fits the one computed by
    hand, give or take two grid cells that sit on the threshold to the last bits."""
    slack = 2 / cells
    if text == "under 1 %":
        assert share + slack > 0 and share - slack < 0.005, (text, share)
    elif text == "over 99 %":
        assert share + slack >= 0.995 and share - slack < 1, (text, share)
    else:
        percent = int(text.removesuffix(" %"))
        assert percent / 100 - 0.005 - slack <= share <= percent / 100 + 0.005 + slack, (text, share)
        if percent == 0:
            assert share <= slack, (text, share)


def shares_said(sentence: str, names: dict[str, str]) -> dict[str, str]:
    """Each loss's share in the flat-ground sentence, by loss key."""
    said = dict(re.findall(r"([A-Za-z-]+): (under 1 %|over 99 %|\d+ %)", sentence))
    return {key: said[name] if name in said else said[name.lower()] for key, name in names.items()}


# ---------------------------------------------------------------------------------------------
# The sentences hold for any data set the editor allows

data_sets = st.lists(
    st.tuples(
        st.integers(-30, 30).map(lambda k: k / 10),
        st.integers(0, 20).map(lambda k: k / 20),
    ),
    min_size=1,
    max_size=MAX_POINTS,
)


@settings(max_examples=150, deadline=None)
@given(
    points=data_sets,
    w=st.integers(-100, 100).map(lambda k: k / 10),
    b=st.integers(-100, 100).map(lambda k: k / 10),
    eta=st.sampled_from(ETA_CHOICES),
    epochs=st.sampled_from([n for n in EPOCH_CHOICES if n <= 1000]),
    optimizer=st.sampled_from(["gd", "momentum", "adam"]),
    losses=st.sampled_from(
        [DEFAULT_LOSSES, ("cross_entropy", "quadratic"), ("quadratic",), ("cross_entropy",)]
    ),
)
def test_every_sentence_is_true_for_any_data_set_the_editor_allows(
    points, w, b, eta, epochs, optimizer, losses
):
    x, y = [p[0] for p in points], [p[1] for p in points]
    runs = {loss: simulate_sigmoid(loss, w, b, x, y, eta, epochs, optimizer) for loss in losses}
    names = {key: LOSS_NAMES[key] for key in losses}
    w_axis, b_axis = window_around(runs)
    surface = landscape(losses, x, y, w_axis, b_axis)
    hand = by_hand(x, y, w_axis, b_axis)
    cells = w_axis.size * b_axis.size

    # The window holds every run's whole path, and is at least 100 × 100.
    assert w_axis.size >= 100 and b_axis.size >= 100
    for run in runs.values():
        assert w_axis[0] <= run["w"].min() and run["w"].max() <= w_axis[-1]
        assert b_axis[0] <= run["b"].min() and run["b"].max() <= b_axis[-1]

    flat = flat_sentence(surface, names)
    for key, text in shares_said(flat, names).items():
        assert_share(text, hand[key], cells)

    saturated = saturated_sentence(surface)
    assert_share(
        re.search(r"On (under 1 %|over 99 %|\d+ %) of this window", saturated).group(1),
        hand["saturated"],
        cells,
    )

    start = start_sentence(next(iter(runs.values())).iloc[0], 0.05)
    said = re.search(r"\(w, b\) = \((\S+), (\S+)\) is (inside|outside) it: .* there is (\S+)\.$", start)
    assert (float(said.group(1)), float(said.group(2))) == (w, b)
    z = w * np.array(x) + b
    slope = sigma(z) * sigma(-z)
    assert float(said.group(4)) == pytest.approx(slope.min(), rel=5e-3, abs=1e-300)
    if abs(slope.min() - 0.05) > 1e-9:
        assert said.group(3) == ("inside" if slope.min() < 0.05 else "outside")

    end = end_sentence(runs, names)
    assert end.startswith(f"After {epochs:,} epochs: ")
    found = re.findall(
        rf"([A-Za-z-]+) at \(w, b\) = \((\S+), (\S+)\) with mean error {UNIT} \(worst example {UNIT}\)", end
    )
    assert [name for name, *_ in found] == list(names.values())
    for (name, w_end, b_end, mean, worst), run in zip(found, runs.values()):
        last_w, last_b = run["w"].iloc[-1], run["b"].iloc[-1]
        for shown, value in ((w_end, last_w), (b_end, last_b)):
            assert float(shown) == pytest.approx(value, rel=5e-3, abs=6e-4), (name, shown, value)
        errors = np.abs(sigma(last_w * np.array(x) + last_b) - np.array(y))
        assert unit_value(mean) == pytest.approx(errors.mean(), rel=5e-3, abs=1e-12)
        assert unit_value(worst) == pytest.approx(errors.max(), rel=5e-3, abs=1e-12)
        assert mean != "1" or errors.mean() == 1.0  # never a false 1


UNIT = r"(1 − \S+|\S+)"  # a value in [0, 1] as the page writes it: 0.0288, or 1 − 3.4e-04 near 1


def unit_value(text: str) -> float:
    return 1.0 - float(text[4:]) if text.startswith("1 − ") else float(text)


# ---------------------------------------------------------------------------------------------
# The page


def dataset(at, name: str) -> pd.DataFrame:
    """A dataset of the tab's charts, each loss's panel holding that loss's rows: all of them."""
    found = [chart_datasets(el)[name] for el in charts(at) if name in chart_datasets(el)]
    assert found, f"no chart with dataset {name!r}"
    return pd.concat(found, ignore_index=True)


def grid_of(at) -> tuple[np.ndarray, np.ndarray]:
    """The surfaces' grid (w, b) as the charts draw it: as many points each way as a heatmap's
    image has pixels, one at the centre of each pixel of the window its parameters give."""
    chart = surface_chart(at)
    (url,) = chart_datasets(chart)[IMAGE]["url"]
    rows, columns, _ = pixels(url).shape
    window = {p["name"]: p["value"] for p in spec_of(chart)["params"] if "value" in p}
    axes = []
    for name, count in zip(WINDOW, (columns, rows)):
        low, high = window[name]
        half = (high - low) / count / 2
        axes.append(np.linspace(low + half, high - half, count))
    return axes[0], axes[1]


def editor_points(at) -> list[tuple[float, float]]:
    assert len(at.data_editor) == 1
    return [tuple(row) for row in at.data_editor[0].value[["x", "y"]].to_numpy().tolist()]


def assert_runs_on(
    at, points, losses=DEFAULT_LOSSES, w=DEFAULT.w, b=DEFAULT.b, epochs=DEFAULT.epochs
) -> None:
    """The path chart holds each loss's run as the engine computes it on `points`."""
    assert not at.exception, [e.value for e in at.exception]
    x, y = [p[0] for p in points], [p[1] for p in points]
    path = dataset(at, PATH)
    for key in losses:
        run = simulate_sigmoid(key, w, b, x, y, DEFAULT.eta, epochs)
        shown = path[path["loss"] == LOSS_NAMES[key]].drop(columns="loss").reset_index(drop=True)
        pd.testing.assert_frame_equal(shown, run[["epoch", "w", "b", "cost", "error"]], check_exact=True)


def flat_text(at) -> str:
    found = [text for text in markdown_texts(at) if "of this window has |∇C|" in text]
    assert len(found) == 1, markdown_texts(at)
    return found[0]


def edit(at, edits: dict) -> None:
    """Make an edit in the table, as the browser sends it, and run the page."""
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {},
        "added_rows": [],
        "deleted_rows": [],
    } | edits
    at.run()


def share_query(at) -> dict[str, list[str]]:
    """The query of the page's share link (the first link of the sidebar's Share)."""
    return parse_qs(urlsplit(share_links(at)[0]).query, keep_blank_values=True)


@pytest.mark.parametrize("preset", list(DATA_PRESETS))
def test_every_preset_opens_from_a_link_and_shows_the_engines_runs_and_true_sentences(preset):
    at = run_app(TAB | {"data_preset": preset})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]
    points = list(DATA_PRESETS[preset].points) or [(DEFAULT.x, DEFAULT.y)]
    assert editor_points(at) == points
    assert any(DATA_PRESETS[preset].teaches in c.value for c in at.caption)
    assert_runs_on(at, points)
    w_axis, b_axis = grid_of(at)
    assert w_axis.size >= 100 and b_axis.size >= 100
    hand = by_hand([p[0] for p in points], [p[1] for p in points], w_axis, b_axis)
    names = {key: LOSS_NAMES[key] for key in DEFAULT_LOSSES}
    for key, text in shares_said(flat_text(at), names).items():
        assert_share(text, hand[key], w_axis.size * b_axis.size)
    specs = [spec_of(el) for el in charts(at)]
    assert all(spec.get("description") for spec in specs)
    assert {p.key for p in at.get("popover")} >= {"figure_landscape", "figure_landscape-outputs"}


def test_the_plateau_preset_from_w_minus_8_traps_the_quadratic_cost_only():
    at = run_app(TAB | {"data_preset": "plateau", "w": "-8", "b": "0"})
    assert_runs_on(at, [(1.0, 1.0), (-1.0, 0.0)], w=-8.0, b=0.0)
    said = shares_said(flat_text(at), {key: LOSS_NAMES[key] for key in DEFAULT_LOSSES})
    assert said["quadratic"] not in ("0 %", "under 1 %") and said["cross_entropy"] == "0 %"
    end = re.findall(
        rf"with mean error {UNIT}", next(t for t in markdown_texts(at) if "After 300 epochs" in t)
    )
    assert unit_value(end[0]) > 0.9 and unit_value(end[1]) < 0.1  # quadratic still wrong, cross-entropy right


def test_an_edit_changes_the_runs_and_the_link():
    at = run_app(TAB | {"data_preset": "two"})
    before = dataset(at, PATH)
    edit(at, {"edited_rows": {0: {"x": 2.5}}, "added_rows": [{"x": 0.5, "y": 1.0}]})
    points = [(2.5, 0.0), (2.0, 1.0), (0.5, 1.0)]
    assert editor_points(at) == points
    assert not at.warning
    assert_runs_on(at, points)
    assert not dataset(at, PATH).equals(before)
    assert at.query_params["data"] == "2.5:0,2:1,0.5:1"
    edit(at, {"deleted_rows": [0, 2]})
    assert_runs_on(at, [(2.0, 1.0)])


@pytest.mark.parametrize(
    ("edits", "warning"),
    [
        ({"edited_rows": {1: {"y": 1.5}}}, "Row 2: y = 1.5 is outside 0 … 1."),
        ({"edited_rows": {0: {"x": None}}}, "Row 1: x is empty."),
        ({"added_rows": [{"x": 9.0, "y": 0.0}]}, "Row 3: x = 9 is outside -3 … 3."),
        ({"added_rows": [{"x": "<b>1</b>", "y": 0.0}]}, "Row 3: x is empty."),  # the column keeps numbers
        ({"deleted_rows": [0, 1]}, "The data set needs at least one point."),
    ],
    ids=["out-of-range", "empty", "added-out-of-range", "markup", "no-rows"],
)
def test_a_bad_edit_warns_and_keeps_the_last_valid_data_set(edits, warning):
    at = run_app(TAB | {"data_preset": "two"})
    before = dataset(at, PATH)
    edit(at, edits)
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning] == [f"{warning} The runs keep the last valid data set."]
    assert editor_points(at) == list(DATA_PRESETS["two"].points)
    pd.testing.assert_frame_equal(dataset(at, PATH), before, check_exact=True)
    edit(at, {"edited_rows": {0: {"y": 1.0}}})  # the next good edit clears the warning
    assert not at.warning
    assert_runs_on(at, [(-1.0, 1.0), (2.0, 1.0)])


def test_the_share_link_reproduces_the_data_set_and_the_runs():
    at = open_page(TAB | {"data_preset": "outlier", "w": "-1"})
    edit(at, {"edited_rows": {6: {"x": -2.5, "y": 0.95}}, "added_rows": [{"x": 3.0, "y": 0.0}]})
    points = [*DATA_PRESETS["outlier"].points[:6], (-2.5, 0.95), (3.0, 0.0)]
    assert editor_points(at) == points
    query = share_query(at)
    assert query["data"] == ["-2:0,-1:0,-0.5:0,0.5:1,1:1,2:1,-2.5:0.95,3:0"]
    assert query["data_preset"] == ["outlier"]
    again = open_page({key: values[0] for key, values in query.items()})
    assert not again.warning
    assert editor_points(again) == points
    assert_runs_on(again, points, w=-1.0)
    pd.testing.assert_frame_equal(dataset(again, PATH), dataset(at, PATH), check_exact=True)
    pd.testing.assert_frame_equal(dataset(again, SURFACE), dataset(at, SURFACE), check_exact=True)


def test_choosing_a_preset_replaces_an_edited_data_set():
    at = run_app(TAB | {"data": "1:1,-1:0,0:0.5"})
    assert editor_points(at) == [(1.0, 1.0), (-1.0, 0.0), (0.0, 0.5)]
    at.selectbox(key="data_preset").set_value("separable").run()
    assert editor_points(at) == list(DATA_PRESETS["separable"].points)
    assert "data" not in share_query(at)
    assert_runs_on(at, list(DATA_PRESETS["separable"].points))


@pytest.mark.parametrize("raw", [*HOSTILE[:8], TOO_LONG[1], "1:1," * 30, "1:1,-1:0,x:y", "nan:0"])
def test_a_hostile_data_link_never_breaks_the_tab_and_gets_one_plain_note(raw):
    at = open_page(TAB | {"data": raw, "data_preset": "two"})
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.warning) == 1
    notes = at.warning[0].value
    assert "- data:" in notes and "<" not in notes and "script" not in notes
    assert editor_points(at) == list(DATA_PRESETS["two"].points)
    assert_runs_on(at, list(DATA_PRESETS["two"].points))


def test_the_inspected_epoch_is_marked_and_the_replay_is_offered():
    at = run_app(TAB | {"data_preset": "two", "epoch": "120"})
    for el in charts(at):
        cursor = next(p for p in spec_of(el)["params"] if p["name"] == "cursor")
        assert cursor["value"] == 120
    assert at.button(key="play")
    assert not [m for m in at.metric if m.label == "Final cost"], "the single-example summary is not shown"


def test_a_replay_moves_the_marked_epoch_in_the_browser_and_stops_at_the_end(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(replay, "clock", lambda: now[0])
    at = run_app(TAB | {"data_preset": "two", "epochs": "10", "speed": "4"})
    at.button(key="play").click().run()
    assert at.session_state["playing"] is True
    for el in charts(at):
        cursor = next(p for p in spec_of(el)["params"] if p["name"] == "cursor")
        assert cursor["value"] == 0 and "4 * floor" in cursor["on"][0]["update"], "the browser moves it"
    seen = []
    for _ in range(3):
        now[0] += FRAME_SECONDS
        at.run()
        seen += [p.proto.text for p in at.get("progress")]
    assert seen == ["At epoch 4 of 10", "At epoch 8 of 10"]
    assert at.session_state["playing"] is False and at.session_state["epoch"] == 10
    assert not at.exception


def test_for_the_softmax_layer_one_line_says_what_the_tab_is_for():
    at = run_app(TAB | {"neuron": "softmax"})
    assert not at.exception
    assert [i.value for i in at.info] == [
        "The Landscape tab is for the sigmoid neuron: choose it in the sidebar to see its cost over (w, b)."
    ]
    assert not at.data_editor


# ---------------------------------------------------------------------------------------------
# A click on a surface starts the runs there


def surface_chart(at, index: int = 0):
    """The cost surface of the index-th shown loss: one chart per loss, each holding its own rows."""
    found = [el for el in charts(at) if SURFACE in chart_datasets(el)]
    losses = at.session_state["losses"]
    assert len(found) == len(losses), f"expected a surface chart per loss, found {len(found)}"
    for chart, loss in zip(found, losses):
        assert set(chart_datasets(chart)[SURFACE]["loss"]) == {LOSS_NAMES[loss]}
    return found[index]


def snapped(value: float) -> float:
    """A start as the sliders hold it: −10 … 10 in steps of 0.1."""
    return min(max(round(value * 10) / 10, -10.0), 10.0) + 0.0


def test_every_surface_listens_for_the_click_on_its_heatmap():
    at = run_app(TAB | {"data_preset": "two", "losses": ["Quadratic", "Cross-entropy", "Focal"]})
    views = []
    for index in range(3):
        spec = spec_of(surface_chart(at, index))
        (pick,) = [p for p in spec["params"] if p["name"] == PICK]
        assert pick["select"] == {"type": "point", "fields": ["w", "b"], "on": "click", "clear": False}
        heatmaps = [layer for layer in spec["layer"] if layer.get("name")]
        assert [layer["name"] for layer in heatmaps] == pick["views"] and len(pick["views"]) == 1
        assert all(layer["data"]["name"] == SURFACE and layer["mark"]["type"] == "rect" for layer in heatmaps)
        views += pick["views"]
    assert len(set(views)) == 3
    assert "Click the surface to start there." in [c.value for c in at.caption]


@pytest.mark.parametrize("index", [0, 1])
def test_a_click_on_either_losss_surface_starts_the_runs_there(index):
    at = run_app(TAB | {"data_preset": "two"})
    select_on_chart(at, surface_chart(at, index), {PICK: [{"w": -1.23, "b": 0.46}]})
    assert not at.exception, [e.value for e in at.exception]
    assert (at.session_state["w"], at.session_state["b"]) == (-1.2, 0.5)
    assert_runs_on(at, DATA_PRESETS["two"].points, w=-1.2, b=0.5)


def test_a_click_on_a_surface_starts_the_runs_there_snapped_to_the_sliders():
    at = run_app(TAB | {"data_preset": "plateau", "w": "-10", "b": "0"})
    points = [(1.0, 1.0), (-1.0, 0.0)]
    # Off the sliders' range (the window holds the runs' paths with a margin, so it reaches past
    # their start at w = −10): the nearest start they hold.
    surface = dataset(at, SURFACE)
    corner = surface.loc[surface["w"].idxmin()]
    assert corner["w"] < -10
    select_on_chart(at, surface_chart(at), {PICK: [{"w": corner["w"], "b": corner["b"]}]})
    assert (at.session_state["w"], at.session_state["b"]) == (-10.0, snapped(corner["b"]))
    assert_runs_on(at, points, w=-10.0, b=snapped(corner["b"]))

    surface = dataset(at, SURFACE)
    point = surface.iloc[len(surface) // 3]  # a grid point off the sliders' grid
    assert point["w"] != snapped(point["w"]) or point["b"] != snapped(point["b"])
    select_on_chart(at, surface_chart(at), {PICK: [{"w": point["w"], "b": point["b"]}]})
    w, b = snapped(point["w"]), snapped(point["b"])
    assert (at.session_state["w"], at.session_state["b"]) == (w, b)
    assert (at.slider(key="w").value, at.slider(key="b").value) == (w, b)
    assert_runs_on(at, points, w=w, b=b)


@pytest.mark.parametrize(
    ("lock", "moves", "note"),
    [
        ("b", ("w",), "Click the surface to start there (b stays: the exercise link fixes it)."),
        ("w,b", (), "This exercise link fixes the start (w, b): a click on the surface does not move it."),
    ],
)
def test_a_click_leaves_a_start_the_exercise_link_fixes(lock, moves, note):
    at = run_app(TAB | {"data_preset": "two", "lock": lock})
    assert note in [c.value for c in at.caption]
    select_on_chart(at, surface_chart(at), {PICK: [{"w": -1.23, "b": 0.46}]})
    assert not at.exception
    expected = {"w": -1.2 if "w" in moves else DEFAULT.w, "b": 0.5 if "b" in moves else DEFAULT.b}
    assert {name: at.session_state[name] for name in ("w", "b")} == expected
    assert_runs_on(at, list(DATA_PRESETS["two"].points), **expected)


# ---------------------------------------------------------------------------------------------
# The start plane: epochs from every start, and its sentence, against a plain loop per start


def epochs_by_hand(loss: str, x, y, w: float, b: float, eta: float, cap: int) -> int:
    """Full-batch gradient descent from (w, b), one start at a time in plain floats: the first
    epoch whose mean error (1/n) Σ |a_i − y_i| is at most half the start's, or cap + 1."""
    goal = None
    for epoch in range(cap + 1):
        a = [1 / (1 + math.exp(-(w * xi + b))) for xi in x]
        error = sum(abs(ai - yi) for ai, yi in zip(a, y)) / len(x)
        goal = error / 2 if goal is None else goal
        if error <= goal:
            return epoch
        delta = [(ai - yi) * ai * (1 - ai) if loss == "quadratic" else ai - yi for ai, yi in zip(a, y)]
        w -= eta * sum(d * xi for d, xi in zip(delta, x)) / len(x)
        b -= eta * sum(delta) / len(x)
    return cap + 1


@pytest.fixture
def small_plane(monkeypatch):
    """The page's start plane on a 9 × 9 grid, so that the loop above can check every start; the
    cached planes of other sizes are dropped before and after."""
    monkeypatch.setattr(cache, "START_POINTS", 9)
    cache.start_plane.clear()
    yield 9
    cache.start_plane.clear()


def starts_said(sentence: str, names: dict[str, str]) -> tuple[int, dict[str, str]]:
    """The count of starts and each loss's share in the start plane's sentence, by loss key."""
    first = re.match(
        r"(\S+) reaches half its starting mean error within 1,000 epochs from "
        r"(under 1 %|over 99 %|\d+ %) of these ([\d,]+) starts \(w₀, b₀\)",
        sentence,
    )
    said = {first.group(1): first.group(2)} | dict(
        re.findall(r"; (\S+) from (under 1 %|over 99 %|\d+ %)", sentence)
    )
    shares = {key: said[name] if name in said else said[name.lower()] for key, name in names.items()}
    return int(first.group(3).replace(",", "")), shares


@pytest.mark.parametrize(
    ("preset", "start"),
    [("plateau", {"w": "-8", "b": "0"}), ("outlier", {"w": "1", "b": "-1", "eta": "0.5"})],
)
def test_the_start_plane_counts_what_a_loop_over_its_starts_counts(small_plane, preset, start):
    at = run_app(TAB | {"data_preset": preset} | start)
    assert not [el for el in charts(at) if "starts" in chart_datasets(el)], "only when asked for"
    at.toggle(key="map_starts").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    points = DATA_PRESETS[preset].points
    x, y = [p[0] for p in points], [p[1] for p in points]
    eta = float(start.get("eta", DEFAULT.eta))
    surface = dataset(at, SURFACE)
    w0 = np.linspace(surface["w"].min(), surface["w"].max(), small_plane)
    b0 = np.linspace(surface["b"].min(), surface["b"].max(), small_plane)
    cells = dataset(at, "starts")
    learned = {}
    for key in DEFAULT_LOSSES:
        shown = cells[cells["loss"] == LOSS_NAMES[key]]
        assert len(shown) == small_plane**2
        hand = [epochs_by_hand(key, x, y, w, b, eta, 1000) for w in w0 for b in b0]
        np.testing.assert_allclose(shown["w0"], np.repeat(w0, small_plane), rtol=1e-12)
        np.testing.assert_allclose(shown["b0"], np.tile(b0, small_plane), rtol=1e-12)
        # One epoch apart at most, where the error meets the goal to the last bits.
        assert np.abs(shown["epochs"].to_numpy() - hand).max() <= 1, key
        learned[key] = float(np.mean(np.array(hand) <= 1000))
    sentence = next(t for t in markdown_texts(at) if "reaches half its starting mean error" in t)
    count, shares = starts_said(sentence, {key: LOSS_NAMES[key] for key in DEFAULT_LOSSES})
    assert count == small_plane**2
    for key, text in shares.items():
        assert_share(text, learned[key], count)
    assert "this map uses gradient descent" not in " ".join(markdown_texts(at))


def test_the_start_plane_says_it_uses_gradient_descent_and_is_not_offered_for_one_example(small_plane):
    at = run_app(TAB | {"data_preset": "two", "optimizer": "adam"})
    said = " ".join(markdown_texts(at))
    assert "gradient descent at η = 0.15 needs" in said
    assert "The runs above use Adam; this map uses gradient descent." in said
    at = run_app(TAB | {"data_preset": "two", "balance": "true"})  # each loss its own η
    etas = ", ".join(f"{LOSS_NAMES[key].lower()} {eta:g}" for key, eta in zip(DEFAULT_LOSSES, (0.6, 0.15)))
    assert f"gradient descent at each loss's η ({etas}) needs" in " ".join(markdown_texts(at))
    at = run_app(TAB | {"data_preset": "one"})
    assert "map_starts" not in [t.key for t in at.toggle]


def test_the_start_plane_covers_the_window_within_the_starts_the_sweep_takes():
    assert cache.plane_axis((-2.0, 6.0)).tolist() == np.linspace(-2.0, 6.0, cache.START_POINTS).tolist()
    cut = cache.plane_axis((-150.0, 50.0))
    assert (cut[0], cut[-1], cut.size) == (-100.0, 50.0, cache.START_POINTS)


def test_with_compared_starts_and_balanced_eta_the_tab_trains_every_loss_from_the_one_start():
    # Compared starts belong to the other tabs; the tab balances η among all the selected losses:
    # at a = ½ the quadratic |∂C/∂z| is σ′(0) = ¼ of cross-entropy's, so quadratic runs at 4η.
    at = run_app(TAB | {"data_preset": "two", "balance": "true", "starts": "-10:-10,-10:-9.9"})
    assert not at.exception, [e.value for e in at.exception]
    points = DATA_PRESETS["two"].points
    x, y = [p[0] for p in points], [p[1] for p in points]
    path = dataset(at, PATH)
    for key, eta in (("quadratic", 4 * DEFAULT.eta), ("cross_entropy", DEFAULT.eta)):
        run = simulate_sigmoid(key, DEFAULT.w, DEFAULT.b, x, y, eta, DEFAULT.epochs)
        shown = path[path["loss"] == LOSS_NAMES[key]].drop(columns="loss").reset_index(drop=True)
        pd.testing.assert_frame_equal(shown, run[["epoch", "w", "b", "cost", "error"]], check_exact=True)
