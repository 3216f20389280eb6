"""The Landscape tab with several examples, beyond its surfaces: every example's output and σ′(z)
at the inspected epoch (a table that follows the replay), every example's σ′ over the epochs, the
data set's runs as CSV, and the other tabs saying that they train the sidebar's one example.

Expected values come from `dataset_by_hand`, full-batch gradient descent written out in plain
Python one float at a time, never from the engine."""

from __future__ import annotations

import io
import math
import re

import dataset_by_hand
import pandas as pd
import pytest
from apptest_helpers import chart_datasets, charts, markdown_texts, run_app
from hypothesis import example, given, settings
from hypothesis import strategies as st

import lossdemo.controls.data_sets
from lossdemo.charts.landscape import OUTPUTS
from lossdemo.controls.data_sets import DATA_PRESETS, DataRuns, data_text
from lossdemo.engine.landscape import SLOPE_FLOOR
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.sigmoid import EXAMPLE_QUANTITIES, examples_at
from lossdemo.language.words import loss_words

NAMES = {key: loss_words("sigmoid", key).name for key in LOSSES["sigmoid"]}
TAB = {"view": "Landscape"}
NOTE = "This tab trains the sidebar's one example"
CSV_NAME = "lossdemo-data-set-runs.csv"

grid_x = st.integers(-30, 30).map(lambda k: k / 10)
grid_y = st.integers(0, 20).map(lambda k: k / 20)
points = st.lists(st.tuples(grid_x, grid_y), min_size=1, max_size=20)
params = st.floats(-10, 10, allow_nan=False).map(lambda v: round(v, 2))


def by_hand_at(loss: str, w: float, b: float, xs, ys) -> list[dict[str, float]]:
    """Each example's z, a, |a − y|, σ′ = a(1 − a), C and ∂C/∂z at (w, b), from the formulas."""
    rows = []
    for x, y in zip(xs, ys):
        z = w * x + b
        a = dataset_by_hand.output(z)
        cost, delta = dataset_by_hand.terms(loss, z, y)
        rows.append(
            {"z": z, "a": a, "error": abs(a - y), "sigma_prime": a * (1 - a), "cost": cost, "grad_z": delta}
        )
    return rows


# ---------------------------------------------------------------------------------------------
# The engine: every example at one (w, b)


@given(loss=st.sampled_from(dataset_by_hand.SIGMOID_LOSSES), w=params, b=params, data=points)
@settings(max_examples=60, deadline=None)
def test_examples_at_a_point_are_the_formulas_values(loss, w, b, data):
    xs, ys = [p[0] for p in data], [p[1] for p in data]
    shown = examples_at(loss, w, b, xs, ys)
    assert list(shown.columns) == ["x", "y", *EXAMPLE_QUANTITIES]
    assert shown["x"].tolist() == xs and shown["y"].tolist() == ys
    for row, hand in zip(shown.to_dict("records"), by_hand_at(loss, w, b, xs, ys)):
        for quantity, value in hand.items():
            assert row[quantity] == pytest.approx(value, rel=1e-9, abs=1e-12), quantity


@given(loss=st.sampled_from(dataset_by_hand.SIGMOID_LOSSES), w=params, b=params, data=points)
@settings(max_examples=30, deadline=None)
def test_examples_at_a_point_are_the_run_row_there(loss, w, b, data):
    """A run's per-example columns at its start are those of `examples_at` at the start, bit for bit."""
    from lossdemo import simulate_sigmoid

    xs, ys = [p[0] for p in data], [p[1] for p in data]
    first = simulate_sigmoid(loss, w, b, xs, ys, 0.1, 0).iloc[0]
    shown = examples_at(loss, w, b, xs, ys)
    for quantity in EXAMPLE_QUANTITIES:
        assert [first[f"{quantity}_ex{i}"] for i in range(len(xs))] == shown[quantity].tolist()


def test_examples_at_refuses_bad_input_by_name():
    with pytest.raises(ValueError, match="w must be a finite number"):
        examples_at("quadratic", math.nan, 0.0, [1.0], [0.0])
    with pytest.raises(ValueError, match="loss"):
        examples_at("hinge", 0.0, 0.0, [1.0], [0.0])
    with pytest.raises(ValueError, match=r"\by\b"):
        examples_at("quadratic", 0.0, 0.0, [1.0, 2.0], [0.0])


# ---------------------------------------------------------------------------------------------
# The page: the table at the inspected epoch


def example_tables(at) -> tuple[str, list[str]]:
    """The heading sentence and the per-loss tables (each a heading line and a markdown table)."""
    texts = markdown_texts(at)
    heading = [t for t in texts if t.startswith("**Every example at epoch")]
    tables = [t for t in texts if "| # | x | y | a | σ′(z) |" in t]
    assert len(heading) == 1, texts
    return heading[0], tables


GRADIENT = re.compile(r"Gradient: ∂C/∂w = (\S+), ∂C/∂b = (\S+), the means of δᵢ·xᵢ and of δᵢ = ∂Cᵢ/∂z\. (.*)")
ONE = re.compile(r"Example (\d+) pulls hardest \(δ = (\S+)\)\.")
TIE = re.compile(r"Examples ([\d, ]+) pull equally hardest \(\|δ\| = (\S+)\)\.")


def assert_pull_is_true(sentence: str, loss: str, at: tuple[float, float], xs, ys) -> None:
    """The gradient at (w, b), and the example with the largest |δᵢ|, or all those that tie with it
    (equal to a billionth: a symmetric data set's examples pull equally), or none if every δᵢ is 0."""
    said = GRADIENT.fullmatch(sentence)
    assert said, sentence
    grad_w, grad_b = dataset_by_hand.gradient(loss, *at, xs, ys)
    assert float(said[1]) == pytest.approx(grad_w, rel=6e-3, abs=1e-12)
    assert float(said[2]) == pytest.approx(grad_b, rel=6e-3, abs=1e-12)
    deltas = [dataset_by_hand.terms(loss, at[0] * x + at[1], y)[1] for x, y in zip(xs, ys)]
    largest = max(abs(d) for d in deltas)
    if largest == 0:
        assert said[3] == "No example pulls: every δᵢ is 0."
        return
    tied = [k + 1 for k, d in enumerate(deltas) if abs(d) >= largest * (1 - 1e-9)]
    one, tie = ONE.fullmatch(said[3]), TIE.fullmatch(said[3])
    if len(tied) == 1:
        assert one, said[3]
        assert int(one[1]) == tied[0]
        assert float(one[2]) == pytest.approx(deltas[tied[0] - 1], rel=6e-3, abs=1e-15)
    else:
        assert tie, said[3]
        assert [int(k) for k in tie[1].split(", ")] == tied
        assert float(tie[2]) == pytest.approx(largest, rel=6e-3, abs=1e-15)


CHECKED = re.compile(r"∂C/∂([wb]) = (\S+) against (\S+) \((relative error \S+|too small to resolve)\)")


def assert_check_is_true(sentence: str, loss: str, at: tuple[float, float], xs, ys) -> None:
    """Each gradient beside a central difference of the mean cost, both as the test computes them
    (plain Python, the same step h = 1e-5·max(1, |p|)), and never a disagreement: the engine is
    right, and costs of a few units with a few ulps of round-off move a difference by under 1e-9."""
    head = "Gradient check by central differences of the mean cost: "
    assert sentence.startswith(head), sentence
    parts, verdict = sentence.removeprefix(head).rsplit("; ", 1)
    checks = CHECKED.findall(parts)
    assert [c[0] for c in checks] == ["w", "b"], parts
    analytic = dict(zip("wb", dataset_by_hand.gradient(loss, *at, xs, ys)))
    for name, said_analytic, said_numeric, error in checks:
        value = at[0] if name == "w" else at[1]
        h = 1e-5 * max(1.0, abs(value))

        def cost(v, name=name):
            return dataset_by_hand.cost(loss, *((v, at[1]) if name == "w" else (at[0], v)), xs, ys)

        numeric = (cost(value + h) - cost(value - h)) / (2 * h)
        assert float(said_analytic) == pytest.approx(analytic[name], rel=1e-5, abs=1e-12)
        assert float(said_numeric) == pytest.approx(numeric, rel=1e-5, abs=1e-9)
        if abs(analytic[name]) >= 1e-3:
            assert error.startswith("relative error") and float(error.split()[-1]) < 1e-6
        if error == "too small to resolve":
            assert abs(analytic[name]) < 1e-9
    assert verdict in ("they agree.", "too small for a finite difference to check."), verdict


@pytest.mark.parametrize(
    "query, ending",
    [
        # The plateau's start: the two examples are mirror images, so they pull exactly as hard
        # (for cross-entropy the engine's two δ differ in the last bit).
        ({"data_preset": "plateau", "w": "-8", "b": "0"}, "Examples 1, 2 pull equally hardest"),
        ({"data": "1:0,1:0,0.5:1"}, "Examples 1, 2 pull equally hardest"),
        ({"data": "0:0.5,0:0.5", "w": "0", "b": "0", "losses": "quadratic"}, "No example pulls"),
    ],
)
def test_examples_that_pull_equally_are_named_together(query, ending):
    at = run_app(TAB | query)
    assert not at.exception, [e.value for e in at.exception]
    _, tables = example_tables(at)
    for table in tables:
        pull = next(line for line in table.splitlines() if line.startswith("Gradient: "))
        assert ending in pull, pull


def read_unit(text: str) -> float:
    return 1.0 - float(text[4:]) if text.startswith("1 − ") else float(text)


def assert_table_is_the_runs_at(at, data, losses, epoch, w=2.0, b=2.0, eta=0.15):
    heading, tables = example_tables(at)
    assert heading == (
        f"**Every example at epoch {epoch:,}.** Bold: σ′(z) < 0.05, the example is saturated. "
        "δᵢ = ∂Cᵢ/∂z: how hard example i pulls on z."
    )
    assert len(tables) == len(losses)
    xs, ys = [p[0] for p in data], [p[1] for p in data]
    for table, loss in zip(tables, losses):
        title, blank, header, rule, *rows, gap, pull, gap_2, check = table.splitlines()
        assert (blank, header, rule, gap, gap_2) == (
            "",
            "| # | x | y | a | σ′(z) | δᵢ |",
            "|---:|---:|---:|---:|---:|---:|",
            "",
            "",
        )
        w_k, b_k = dataset_by_hand.train(loss, "gd", w, b, xs, ys, eta, epoch)[epoch]
        assert_pull_is_true(pull, loss, (w_k, b_k), xs, ys)
        assert_check_is_true(check, loss, (w_k, b_k), xs, ys)
        hand = by_hand_at(loss, w_k, b_k, xs, ys)
        said = re.fullmatch(
            rf"\*\*{re.escape(NAMES[loss])}\*\* at \(w, b\) = \((\S+), (\S+)\), mean cost (\S+)", title
        )
        assert said, title
        assert (said[1], said[2]) == (f"{w_k:.3g}", f"{b_k:.3g}")
        assert float(said[3]) == pytest.approx(sum(h["cost"] for h in hand) / len(hand), rel=6e-3)
        assert len(rows) == len(data)
        for i, (line, h) in enumerate(zip(rows, hand)):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            assert cells[:3] == [str(i + 1), f"{xs[i]:g}", f"{ys[i]:g}"]
            assert read_unit(cells[3]) == pytest.approx(h["a"], rel=6e-3, abs=1e-12)
            bold = cells[4].startswith("**")
            assert float(cells[4].strip("*")) == pytest.approx(h["sigma_prime"], rel=6e-3, abs=1e-15)
            assert bold == (h["sigma_prime"] < SLOPE_FLOOR), (cells[4], h["sigma_prime"])
            assert float(cells[5]) == pytest.approx(h["grad_z"], rel=6e-3, abs=1e-15)


@pytest.mark.parametrize(
    "preset, epoch", [("overlapping", 0), ("overlapping", 120), ("plateau", 300), ("outlier", 37)]
)
def test_the_table_shows_every_example_at_the_inspected_epoch(preset, epoch):
    at = run_app(TAB | {"data_preset": preset, "epoch": str(epoch)})
    assert not at.exception, [e.value for e in at.exception]
    assert_table_is_the_runs_at(at, DATA_PRESETS[preset].points, ("quadratic", "cross_entropy"), epoch)


@given(data=points, epoch=st.integers(0, 50), loss=st.sampled_from(dataset_by_hand.SIGMOID_LOSSES))
@settings(max_examples=6, deadline=None)
@example(data=[(1.0, 1.0), (-1.0, 0.0)], epoch=0, loss="absolute")
def test_the_table_is_true_for_any_data_set_and_epoch(data, epoch, loss):
    at = run_app(TAB | {"data": data_text(tuple(data)), "epoch": str(epoch), "epochs": "50", "losses": loss})
    assert not at.exception, [e.value for e in at.exception]
    assert_table_is_the_runs_at(at, data, (loss,), epoch)


def test_the_table_follows_a_step_of_the_replay():
    at = run_app(TAB | {"data_preset": "two", "epoch": "10"})
    at.button(key="forward").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert_table_is_the_runs_at(at, DATA_PRESETS["two"].points, ("quadratic", "cross_entropy"), 11)


def test_every_examples_output_and_slope_are_charted_per_loss():
    """Per loss, a panel of every example's output and one of its σ′(z), each sent only its loss's
    rows, with the values of the runs."""
    at = run_app(TAB | {"data_preset": "two"})
    panels = [el for el in charts(at) if OUTPUTS in chart_datasets(el)]
    assert len(panels) == 4  # two losses, two quantities
    xs, ys = zip(*DATA_PRESETS["two"].points)
    for number, loss in enumerate(("quadratic", "cross_entropy")):
        path = dataset_by_hand.train(loss, "gd", 2.0, 2.0, list(xs), list(ys), 0.15, 300)
        for panel in panels[2 * number : 2 * number + 2]:
            data = chart_datasets(panel)[OUTPUTS]
            assert set(data["loss"]) == {NAMES[loss]}
            assert sorted(set(data["example"])) == [1, 2] and data["epoch"].max() == 300
            for row in data.sample(20, random_state=0).itertuples():
                hand = by_hand_at(loss, *path[row.epoch], [row.x], [row.target])[0]
                assert row.a == pytest.approx(hand["a"], rel=1e-9)
                assert row.sigma_prime == pytest.approx(hand["sigma_prime"], rel=1e-9)


# ---------------------------------------------------------------------------------------------
# The data set's runs as CSV


def read_csv(text: str) -> tuple[dict[str, str], pd.DataFrame]:
    header = dict(
        line[2:].split(" = ", 1) for line in text.splitlines() if line.startswith("# ") and " = " in line
    )
    return header, pd.read_csv(io.StringIO(text), comment="#")


def test_the_csv_download_is_the_data_sets_runs(downloads):
    at = run_app(TAB | {"data_preset": "plateau", "w": "-8", "b": "0", "epochs": "50"})
    assert not at.exception
    found = [d for d in downloads if d.file_name == CSV_NAME]
    assert len(found) == 1 and found[0].mimetype == "text/csv"
    header, frame = read_csv(found[0].data())
    assert header["data"] == "1:1,-1:0" and header["losses"] == "quadratic,cross_entropy"
    assert (header["w"], header["b"], header["epochs"], header["optimizer"]) == ("-8", "0", "50", "gd")
    xs, ys = [1.0, -1.0], [1.0, 0.0]
    for loss in ("quadratic", "cross_entropy"):
        run = frame[frame["loss"] == loss].reset_index(drop=True)
        assert run["epoch"].tolist() == list(range(51))
        path = dataset_by_hand.train(loss, "gd", -8.0, 0.0, xs, ys, 0.15, 50)
        for epoch in (0, 1, 17, 50):
            w_k, b_k = path[epoch]
            assert run.loc[epoch, "w"] == pytest.approx(w_k, rel=1e-9)
            assert run.loc[epoch, "b"] == pytest.approx(b_k, abs=1e-9)
            assert run.loc[epoch, "cost"] == pytest.approx(
                dataset_by_hand.cost(loss, w_k, b_k, xs, ys), rel=1e-9
            )
            for i, hand in enumerate(by_hand_at(loss, w_k, b_k, xs, ys)):
                for quantity, value in hand.items():
                    assert run.loc[epoch, f"{quantity}_ex{i}"] == pytest.approx(value, rel=1e-8, abs=1e-12)


@pytest.mark.parametrize("epochs, limit", [(300, 10_000), (1000, 2_003), (7, 10**9)])
def test_a_long_run_keeps_every_kth_epoch_and_the_last_and_says_so(monkeypatch, epochs, limit):
    monkeypatch.setattr(lossdemo.controls.data_sets, "CSV_VALUES", limit)
    data = ((0.5, 1.0), (-1.5, 0.0), (2.0, 1.0))
    text = DataRuns(data, ("quadratic", "focal"), 1.0, -1.0, (0.5, 0.2), epochs, "adam").csv()
    _, frame = read_csv(text)
    columns = 1 + 1 + 13 + 6 * len(data)  # loss, epoch, the means, every example's quantities
    assert frame.shape[1] == columns
    every = max(1, math.ceil(2 * (epochs + 1) * (columns - 1) / limit))
    kept = sorted({*range(0, epochs + 1, every), epochs})
    for loss in ("quadratic", "focal"):
        assert frame.loc[frame["loss"] == loss, "epoch"].tolist() == kept
    note = [line for line in text.splitlines() if line.startswith("# one row every")]
    if every == 1:
        assert not note
    else:
        assert note == [
            f"# one row every {every} epochs and the last: {len(kept):,} of {epochs + 1:,} rows per loss"
        ]
        assert 2 * len(kept) * (columns - 1) <= limit + 4 * (columns - 1)


# ---------------------------------------------------------------------------------------------
# The other tabs say which example they train


@pytest.mark.parametrize(
    "query, noted",
    [
        ({}, False),
        ({"data_preset": "overlapping"}, True),
        ({"data_preset": "overlapping", "view": "Speed map"}, True),
        ({"data": "1:0.5", "view": "Up close"}, True),  # one point, not the sidebar's
        ({"data": "1:0", "view": "Up close"}, False),  # the sidebar's own example
        ({"data_preset": "one", "x": "-2", "y": "1"}, False),
        ({"data_preset": "overlapping", "view": "Landscape"}, False),
        ({"data_preset": "two", "neuron": "softmax"}, False),
    ],
)
def test_the_other_tabs_say_they_train_one_example_when_a_data_set_is_chosen(query, noted):
    at = run_app(query)
    assert not at.exception, [e.value for e in at.exception]
    notes = [c.value for c in at.caption if c.value.startswith(NOTE)]
    assert len(notes) == noted, notes
    if noted:
        x, y = float(query.get("x", 1.0)), float(query.get("y", 0.0))
        count = 1 if "data" in query else len(DATA_PRESETS[query["data_preset"]].points)
        word = "point" if count == 1 else "points"
        assert notes[0] == (
            f"This tab trains the sidebar's one example (x = {x:g}, y = {y:g}). The data set of the "
            f"Landscape tab ({count} {word}) trains there."
        )


@pytest.mark.parametrize(
    "query, own",
    [
        ({}, False),
        ({"data_preset": "overlapping"}, True),
        ({"data_preset": "overlapping", "view": "Landscape"}, True),
        ({"data": "1:0", "view": "Landscape"}, False),  # the sidebar's own example
        ({"data_preset": "two", "neuron": "softmax"}, False),
    ],
)
def test_the_sidebars_csv_says_it_holds_the_one_examples_runs_beside_a_data_set(query, own):
    at = run_app(query)
    assert not at.exception, [e.value for e in at.exception]
    button = next(
        b
        for b in at.get("download_button")
        if b.proto.label.endswith("runs (CSV)") and "data set" not in b.proto.label
    )
    if own:
        assert button.proto.label == "Download the one example's runs (CSV)"
        assert "sidebar's one example (x, y)" in button.proto.help and "data set's runs" in button.proto.help
    else:
        assert button.proto.label == "Download the runs (CSV)" and not button.proto.help


# ---------------------------------------------------------------------------------------------
# On a projector the surfaces come first


@pytest.mark.parametrize("query, count", [({"data_preset": "two"}, 2), ({"data": "1:0.5,2:1,-1:0"}, 3)])
def test_presentation_mode_keeps_the_data_set_in_a_closed_expander_above_the_surfaces(query, count):
    at = run_app(TAB | query | {"present": "true"})
    assert not at.exception, [e.value for e in at.exception]
    (box,) = [e for e in at.expander if e.label.startswith("Data set")]
    assert box.label == f"Data set: {count} points"
    assert [el.key for el in box.data_editor] == [at.data_editor[0].key], "the editor is in it"
    assert not [m for m in markdown_texts(at) if m.startswith("**The cost over (w, b) for a data set.**")]
    surfaces = [el for el in charts(at) if "surface" in chart_datasets(el)]
    assert len(surfaces) == 2


def test_the_normal_view_introduces_the_tab_and_shows_the_editor_open():
    at = run_app(TAB | {"data_preset": "two"})
    assert not [e for e in at.expander if e.label.startswith("Data set")]
    assert [m for m in markdown_texts(at) if m.startswith("**The cost over (w, b) for a data set.**")]
    assert len(at.data_editor) == 1


SIDEBAR_NOTE = "The Landscape tab trains its data set"


@pytest.mark.parametrize(
    "query, said",
    [
        (
            {"view": "Landscape", "data_preset": "two"},
            "The Landscape tab trains its data set (2 points): x and y "
            "above are the other tabs' one example.",
        ),
        (
            {"view": "Landscape", "data": "0.5:1"},
            "The Landscape tab trains its data set (1 point): x and y above are the other tabs' one example.",
        ),
        ({"view": "Landscape", "data_preset": "one"}, None),
        ({"view": "Landscape", "data": "1:0"}, None),  # the sidebar's own example
        ({"view": "Curves", "data_preset": "two"}, None),  # the tab itself says it
        ({"view": "Landscape", "data_preset": "two", "hide": "x"}, None),  # no x slider to speak of
    ],
)
def test_the_sidebar_says_when_x_and_y_are_not_what_the_landscape_trains(query, said):
    at = run_app(query)
    assert not at.exception, [e.value for e in at.exception]
    notes = [c.value for c in at.sidebar.caption if c.value.startswith(SIDEBAR_NOTE)]
    assert notes == ([said] if said else [])
