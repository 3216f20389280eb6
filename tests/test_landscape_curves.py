"""The Landscape tab over the epochs: each loss's mean cost and gradient on the data set (two panels,
first quantity thick as the subtitle says) and the sentences on how each run's mean error went.

The charts' values are checked against `dataset_by_hand` (full-batch training written out in plain
Python); the sentences' epochs against milestones counted here in plain Python from the runs'
mean errors, and their numbers against the runs."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET

import dataset_by_hand
import numpy as np
import pandas as pd
import pytest
import vl_convert
from apptest_helpers import chart_datasets, charts, markdown_texts, run_app, spec_of
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lossdemo import simulate_sigmoid
from lossdemo.charts.data_curves import CURVES, curves_data, curves_spec
from lossdemo.charts.epochs import epoch_chart_spec
from lossdemo.controls.data_sets import DATA_PRESETS
from lossdemo.engine.losses import LOSSES
from lossdemo.language.words import loss_words
from lossdemo.page import cache
from lossdemo.teaching.landscape import learning_sentences

NAMES = {key: loss_words("sigmoid", key).name for key in LOSSES["sigmoid"]}
TAB = {"view": "Landscape"}
PLATEAU = [(1.0, 1.0), (-1.0, 0.0)]

grid_x = st.integers(-30, 30).map(lambda k: k / 10)
grid_y = st.integers(0, 20).map(lambda k: k / 20)
points = st.lists(st.tuples(grid_x, grid_y), min_size=1, max_size=20)
params = st.integers(-80, 80).map(lambda k: k / 10)
losses = st.lists(st.sampled_from(list(NAMES)), min_size=1, max_size=4, unique=True)


def runs_on(data, keys, w, b, eta, epochs, optimizer="gd") -> dict:
    xs, ys = [p[0] for p in data], [p[1] for p in data]
    return {key: simulate_sigmoid(key, w, b, xs, ys, eta, epochs, optimizer) for key in keys}


# ---------------------------------------------------------------------------------------------
# The charts


@pytest.mark.parametrize("preset", ["two", "overlapping", "plateau"])
def test_the_panels_plot_each_losss_mean_cost_and_gradient(preset):
    data = DATA_PRESETS[preset].points
    xs, ys = [p[0] for p in data], [p[1] for p in data]
    keys = ("quadratic", "cross_entropy", "focal", "absolute")
    frame = curves_data(runs_on(data, keys, -3.0, 1.0, 0.5, 40))
    assert set(frame["panel"]) == {0, 1}
    for key in keys:
        path = dataset_by_hand.train(key, "gd", -3.0, 1.0, xs, ys, 0.5, 40)
        rows = frame[frame["loss"] == NAMES[key]]
        expected = {
            "C": [dataset_by_hand.cost(key, w, b, xs, ys) for w, b in path],
            "|∂C/∂w|": [dataset_by_hand.gradient(key, w, b, xs, ys)[0] for w, b in path],
            "|∂C/∂b|": [dataset_by_hand.gradient(key, w, b, xs, ys)[1] for w, b in path],
        }
        for label, want in expected.items():
            line = rows[rows["series"] == label].sort_values("epoch")
            assert line["epoch"].tolist() == list(range(41))
            assert np.allclose(line["signed"], want, rtol=1e-9, atol=1e-12), (key, label)
        assert set(rows[rows["series"] == "C"]["panel"]) == {0}
        assert set(rows[rows["series"] != "C"]["panel"]) == {1}


def stroke_widths(spec: dict) -> dict[str, float]:
    """Each gradient line's stroke width, by its label, from the compiled Vega scale: a point scale
    without padding puts its first value at the range's start and its last at the range's end."""
    vega = vl_convert.vegalite_to_vega(json.dumps(spec))
    scale = next(scale for scale in vega["scales"] if scale["name"] == "strokeWidth")
    assert scale["type"] == "point" and "padding" not in scale, scale
    domain = scale["domain"]
    assert isinstance(domain, list) and len(domain) == 2, f"the widths' domain is not fixed: {domain}"
    return {domain[0]: scale["range"][0], domain[1]: scale["range"][-1]}


@pytest.mark.parametrize(
    ("neuron", "thick", "thin"),
    [("sigmoid", "|∂C/∂w|", "|∂C/∂b|"), ("softmax", "|∂C/∂b_y|", "‖∇C‖")],
)
def test_the_gradient_panels_draw_the_first_quantity_thick_as_their_subtitle_says(neuron, thick, thin):
    specs = [epoch_chart_spec([], neuron, False, [], 0.0, "", panel=1)]
    if neuron == "sigmoid":
        specs.append(curves_spec([], "sigmoid", 1, False, [], ""))
    for spec in specs:
        del spec["datasets"]
        assert f"thick {thick}, thin {thin}" in json.dumps(spec, ensure_ascii=False)
        widths = stroke_widths(spec)
        assert widths[thick] > widths[thin]


# ---------------------------------------------------------------------------------------------
# The sentences, against milestones counted here


PART = re.compile(
    r"(?P<name>[A-Za-z\- ]+): mean cost (?P<c0>\S+) → (?P<c1>\S+), mean error (?P<e0>(1 − )?\S+) → "
    r"(?P<e1>(1 − )?\S+), (?P<how>.+)$"
)


def plain_milestones(errors: list[float]) -> tuple[int | None, int | None]:
    """The first epoch at most half the start error, and the first from which it stays there."""
    goal = errors[0] / 2
    first = next((k for k, e in enumerate(errors) if e <= goal), None)
    kept = None
    for k in range(len(errors)):
        if all(e <= goal for e in errors[k:]):
            kept = k
            break
    return first, kept


def assert_learning_is_true(sentences: list[str], runs: dict) -> None:
    epochs = len(next(iter(runs.values()))) - 1
    errors = {key: run["error"].tolist() for key, run in runs.items()}
    if errors[next(iter(runs))][0] == 0:
        assert len(sentences) == 1 and sentences[0].startswith("Every example's output starts exactly")
        for key in runs:
            assert f"{NAMES[key]} ends at " in sentences[0]
        return
    # Every example's output moving so that the mean error cannot change (two examples at x = 0 on
    # either side of the output): the mean error stays put, to round-off, while the costs fall.
    still = all(max(e) - min(e) <= 8 * np.finfo(float).eps * e[0] for e in errors.values())
    moved = any(run["cost"].max() > run["cost"].min() for run in runs.values())
    if still and moved:
        (sentence,) = sentences
        said = re.match(
            r"The mean error is ([^ ]+) at every epoch of every run: .* The costs still fall: (.+)\.$",
            sentence,
        )
        assert said, sentence
        assert math.isclose(float(said[1]), errors[next(iter(runs))][0], rel_tol=5e-3), sentence
        costs = said[2].split("; ")
        assert [c.rsplit(" ", 3)[0] for c in costs] == [NAMES[key] for key in runs], sentence
        return
    assert not sentences[0].startswith("The mean error is"), sentences[0]
    parts = sentences[0].rstrip(".").split("; ")
    assert [part.split(":")[0] for part in parts] == [NAMES[key] for key in runs]
    reached = {}
    for part, (key, run) in zip(parts, runs.items()):
        match = PART.match(part)
        assert match, part
        cost = run["cost"].to_numpy()
        assert math.isclose(float(match["c0"]), cost[0], rel_tol=5e-3, abs_tol=1e-300)
        assert math.isclose(float(match["c1"]), cost[-1], rel_tol=5e-3, abs_tol=1e-300)
        for text, value in ((match["e0"], errors[key][0]), (match["e1"], errors[key][-1])):
            if text.startswith("1 − "):  # the distance to 1, to two significant digits
                assert math.isclose(float(text[4:]), 1 - value, rel_tol=5e-2)
            else:
                assert math.isclose(float(text), value, rel_tol=5e-3)
        first, kept = plain_milestones(errors[key])
        reached[key] = first
        if first is None:
            assert match["how"] == f"never at half its start value in {epochs:,} epochs"
        elif kept == first:
            assert match["how"] == f"at half its start value from epoch {first:,} on"
        elif kept is not None:
            assert (
                match["how"]
                == f"first at half its start value at epoch {first:,}, for good from epoch {kept:,}"
            )
        else:
            assert match["how"] == f"at half its start value at epoch {first:,} but above it at the end"
    there = {key: epoch for key, epoch in reached.items() if epoch is not None}
    rest = sentences[1:]
    if len(runs) < 2 or not there:
        assert rest == []
        return
    fastest = min(there.values())
    slower = [key for key, epoch in there.items() if epoch / fastest >= 1.5]
    never = [key for key, epoch in reached.items() if epoch is None]
    assert len(rest) == len(slower) + (1 if never else 0)
    for key in slower:
        ratio = there[key] / fastest
        assert any(
            s.startswith(f"{NAMES[key]} needed {ratio:.3g}× as many epochs as ")
            and s.endswith(" to bring the mean error to half its start value.")
            for s in rest
        ), (key, rest)
    for sentence in rest:
        if " needed " in sentence:
            fast = sentence.split(" as many epochs as ")[1].split(" to bring")[0]
            assert fast in {NAMES[k].lower() for k, epoch in there.items() if epoch == fastest}
    if never:
        last = rest[-1]
        fast = last.split(" brought the mean error")[0]
        assert fast in {NAMES[k] for k, epoch in there.items() if epoch == fastest}
        assert f"by epoch {fastest:,}; " in last
        assert last.endswith(
            f"; {' and '.join(NAMES[k].lower() for k in never)} did not in {epochs:,} epochs."
        )


@given(
    data=points,
    keys=losses,
    w=params,
    b=params,
    eta=st.sampled_from([0.05, 0.5, 3.0, 10.0]),
    epochs=st.integers(0, 120),
    optimizer=st.sampled_from(["gd", "momentum", "adam"]),
)
@example(  # a fresh seed's: both examples at x = 0, the output below both targets: the mean error stays
    data=[(0.0, 0.0), (0.0, 0.05)], keys=["quadratic"], w=0.0, b=-3.0, eta=0.05, epochs=1, optimizer="gd"
)
@example(
    data=[(0.0, 0.5)], keys=["quadratic", "focal"], w=1.0, b=0.0, eta=0.5, epochs=30, optimizer="gd"
)  # a = y at the start
@example(
    data=PLATEAU,
    keys=["quadratic", "cross_entropy"],
    w=-8.0,
    b=0.0,
    eta=0.15,
    epochs=300,
    optimizer="gd",
)
@example(data=PLATEAU, keys=["cross_entropy"], w=0.5, b=0.0, eta=10.0, epochs=40, optimizer="gd")
@example(  # at half its start value, above it again, then for good: η too large for this data set
    data=[(0.0, 0.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.45), (0.4, 0.55)],
    keys=["quadratic", "cross_entropy", "absolute"],
    w=0.0,
    b=0.0,
    eta=10.0,
    epochs=60,
    optimizer="gd",
)
@settings(max_examples=60, deadline=None)
def test_the_learning_sentences_are_true_of_the_runs(data, keys, w, b, eta, epochs, optimizer):
    runs = runs_on(data, keys, w, b, eta, epochs, optimizer)
    assert_learning_is_true(learning_sentences(runs, NAMES), runs)


def test_on_the_plateau_cross_entropy_gets_there_and_the_quadratic_cost_does_not():
    """The quadratic plateau preset from w = −8, b = 0 (the start its caption suggests)."""
    assert list(DATA_PRESETS["plateau"].points) == PLATEAU
    runs = runs_on(PLATEAU, ("quadratic", "cross_entropy"), -8.0, 0.0, 0.15, 300)
    sentences = learning_sentences(runs, NAMES)
    assert sentences[0].startswith(
        "Quadratic: mean cost 0.5 → 0.5, mean error 1 − 0.00034 → 1 − 0.00034, never"
    )
    assert sentences[-1].startswith("Cross-entropy brought the mean error to half its start value by epoch ")
    assert sentences[-1].endswith("; quadratic did not in 300 epochs.")


# ---------------------------------------------------------------------------------------------
# The page


@pytest.mark.parametrize("log", [False, True])
def test_the_tab_shows_both_panels_and_the_sentences_for_its_data_set(log):
    query = TAB | {"data_preset": "plateau", "w": "-8", "b": "0"} | ({"log": "true"} if log else {})
    at = run_app(query)
    assert not at.exception
    found = [el for el in charts(at) if CURVES in chart_datasets(el)]
    assert [spec_of(el)["description"].split(". ")[0] for el in found] == ["Mean cost", "Gradient size"]
    runs = runs_on(DATA_PRESETS["plateau"].points, ("quadratic", "cross_entropy"), -8.0, 0.0, 0.15, 300)
    want = curves_data(runs)
    for panel, el in enumerate(found):
        got = chart_datasets(el)[CURVES]
        part = want[want["panel"] == panel].reset_index(drop=True)
        assert np.array_equal(got["signed"].to_numpy(), part["signed"].to_numpy())
        scales = [layer["encoding"]["y"]["scale"]["type"] for layer in spec_of(el)["layer"][:1]]
        assert scales == ["log" if log else "linear"]
    said = next(text for text in markdown_texts(at) if text.startswith("**Over the epochs.** "))
    body = said.removeprefix("**Over the epochs.** ")
    sentences = re.split(r"(?<=\.) (?=[A-Z])", body)
    assert_learning_is_true(sentences, runs)


def made_runs(errors: dict[str, list[float]]) -> dict:
    """Runs with these mean errors (and a falling cost), for the sentences' thresholds."""
    return {
        key: pd.DataFrame({"epoch": range(len(e)), "cost": np.linspace(1.0, 0.5, len(e)), "error": e})
        for key, e in errors.items()
    }


@pytest.mark.parametrize(
    ("fast", "slow", "said"),
    [
        # at half the start error (0.4) from epoch 2 and from epoch 3: 3 / 2 = 1.5, named
        ([0.8, 0.6, 0.4, 0.3], [0.8, 0.7, 0.6, 0.4], "Quadratic needed 1.5× as many epochs as cross-entropy"),
        # from epoch 3 and from epoch 4: 4 / 3 < 1.5, about as fast, not named
        ([0.8, 0.7, 0.6, 0.4, 0.3], [0.8, 0.7, 0.6, 0.5, 0.4], None),
    ],
)
def test_a_slower_loss_is_named_from_exactly_one_and_a_half_times_the_epochs(fast, slow, said):
    runs = made_runs({"quadratic": slow, "cross_entropy": fast})
    sentences = learning_sentences(runs, NAMES)
    assert_learning_is_true(sentences, runs)
    if said:
        assert len(sentences) == 2 and sentences[1].startswith(said)
    else:
        assert len(sentences) == 1


def test_the_figure_for_slides_is_both_panels_with_their_legend(downloads):
    at = run_app(TAB | {"data_preset": "two"})
    at.session_state["figure_landscape-curves"] = True  # the popover builds its buttons only while open
    at.run()
    assert not at.exception
    svg = next(d for d in downloads if d.file_name == "lossdemo-landscape-curves.svg")
    spec = svg.data.args[0]  # what a click renders
    runs = runs_on(DATA_PRESETS["two"].points, ("quadratic", "cross_entropy"), 2.0, 2.0, 0.15, 300)
    exported = cache.frame(spec["datasets"][CURVES])
    assert np.array_equal(exported["signed"].to_numpy(), curves_data(runs)["signed"].to_numpy())
    root = ET.fromstring(svg.data())
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for word in ("Mean cost", "Gradient size", "Quadratic", "Cross-entropy", "epoch"):
        assert word in texts, word
    assert "Focal" not in texts and "Absolute error" not in texts  # the legend names the lines drawn
