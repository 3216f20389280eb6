"""The loss-shape curves and their sentence.

The curves' points equal the loss functions evaluated independently: the engine's own run at those
logits (zero epochs), and formulas written out here with `math` from z (sigmoid) or the lead ℓ
(softmax, the other classes sharing 1 − a_y equally). The sentence is checked against those
formulas at each run's point over the whole range of the controls (hypothesis)."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest
from apptest_helpers import scenario_of
from hypothesis import given, settings
from strategies import valid_states

from lossdemo import LOSSES, simulate_sigmoid, simulate_softmax
from lossdemo.controls.scenario import Scenario, rows_at, runs
from lossdemo.engine.neurons import get_kind
from lossdemo.engine.shape import canonical_logits, coordinates, shape_frame, shape_points
from lossdemo.language.words import KINDS as KINDS_WORDS
from lossdemo.language.words import loss_words
from lossdemo.teaching.loss_shape import shape_sentence

GAMMA, EPSILON = 2, 0.1  # the focal losses' γ and label smoothing's ε, as the README states them


def softplus(u: float) -> float:
    return max(u, 0.0) + math.log1p(math.exp(-abs(u)))


def sigma(u: float) -> float:
    return 1.0 / (1.0 + math.exp(-u)) if u >= 0 else math.exp(u) / (1.0 + math.exp(u))


def sigmoid_oracle(loss: str, z: float, y: float) -> tuple[float, float, float]:
    """(a, C, |∂C/∂z|) of a sigmoid neuron at z, by hand: b = 1 − a = σ(−z), ln a = −softplus(−z)."""
    a, b, log_a, log_b = sigma(z), sigma(-z), -softplus(-z), -softplus(z)
    formulas = {
        "quadratic": (0.5 * (a - y) ** 2, (a - y) * a * b),
        "cross_entropy": (-(y * log_a + (1 - y) * log_b), a - y),
        "focal": (
            -(y * b**GAMMA * log_a + (1 - y) * a**GAMMA * log_b),
            y * b**GAMMA * (GAMMA * a * log_a - b) + (1 - y) * a**GAMMA * (a - GAMMA * b * log_b),
        ),
        "absolute": (abs(a - y), math.copysign(a * b, a - y) if a != y else 0.0),
    }
    cost, delta = formulas[loss]
    return a, cost, abs(delta)


def softmax_oracle(loss: str, lead: float, classes: int) -> tuple[float, float, float]:
    """(a_y, C, |∂C/∂z_y|) of a softmax layer whose target leads by ℓ and whose other K − 1
    classes share b = 1 − a_y equally, by hand."""
    a, b, rival = sigma(lead), sigma(-lead), sigma(-lead) / (classes - 1)
    neg_log_a, neg_log_rival = softplus(-lead), softplus(lead) + math.log(classes - 1)
    q = 1 - EPSILON + EPSILON / classes  # label smoothing's target share
    formulas = {
        # ∂C/∂z_y = a_y(a_y − 1) − a_y[a_y(a_y − 1) + (K − 1)·rival²] = −a_y b² K/(K − 1)
        "quadratic": (0.5 * (b * b + (classes - 1) * rival * rival), a * b * b * classes / (classes - 1)),
        "log_likelihood": (neg_log_a, b),
        "focal": (b**GAMMA * neg_log_a, b**GAMMA * (b + GAMMA * a * neg_log_a)),
        "label_smoothing": (q * neg_log_a + (1 - q) * neg_log_rival, abs(a - q)),
    }
    cost, delta = formulas[loss]
    return a, cost, delta


def oracle(neuron: str, loss: str, u: float, start: dict) -> tuple[float, float, float]:
    if neuron == "sigmoid":
        return sigmoid_oracle(loss, u, float(start["y"]))
    return softmax_oracle(loss, u, int(start["classes"]))


STARTS = [
    Scenario("sigmoid", tuple(LOSSES["sigmoid"]), y=y, w=w, b=b)
    for y, w, b in ((0.0, 2.0, 2.0), (1.0, -3.0, 0.5), (0.35, 0.0, 0.0), (0.5, 10.0, 10.0))
] + [
    Scenario("softmax", tuple(LOSSES["softmax"]), classes=k, target=t, margin=m)
    for k, t, m in ((2, 0, 4.0), (3, 0, 4.0), (3, 2, -5.0), (10, 7, 10.0))
]
ids = [f"{s.neuron}-y{s.y}-K{s.classes}-t{s.target}-m{s.margin}" for s in STARTS]


def curves(scenario: Scenario):
    kind = scenario.kind
    return shape_frame(kind, scenario.losses, scenario.start(), coordinates(runs(scenario)[kind.curve[0]]))


@pytest.mark.parametrize("scenario", STARTS, ids=ids)
def test_every_curve_point_is_the_engine_run_at_those_logits(scenario):
    """Each point equals a zero-epoch run of the engine from the logits the point stands for:
    z itself, or the target at ℓ + ln(K − 1) with every other class at 0 (whose lead is ℓ)."""
    frame = curves(scenario)
    for row in frame.iloc[::5].itertuples():
        if scenario.neuron == "sigmoid":
            run = simulate_sigmoid(row.loss, 0.0, row.u, 0.0, scenario.y, 0.1, 0).iloc[0]
            output, delta = run["a"], run["grad_z"]
        else:
            logits = [row.u + math.log(scenario.classes - 1) if j == scenario.target else 0.0
                      for j in range(scenario.classes)]  # fmt: skip
            run = simulate_softmax(
                row.loss, [[0.0]] * scenario.classes, logits, [0.0], scenario.target, 0.1, 0
            )
            run = run.iloc[0]
            output, delta = run["a_y"], run["grad_z_y"]
            assert run["lead"] == pytest.approx(row.u, rel=1e-9, abs=1e-9)
        assert row.output == pytest.approx(output, rel=1e-12, abs=1e-300)
        assert row.cost == pytest.approx(run["cost"], rel=1e-12, abs=1e-300)
        assert row.delta == pytest.approx(delta, rel=1e-12, abs=1e-300)
    assert set(frame["loss"]) == set(scenario.losses)


# The losses the formulas above write out (a loss added to the registry is held by the test above,
# against the engine's own runs, and by the registry's tests of every entry).
BY_HAND = {
    "sigmoid": ("quadratic", "cross_entropy", "focal", "absolute"),
    "softmax": ("quadratic", "log_likelihood", "focal", "label_smoothing"),
}


def test_the_losses_written_out_by_hand_are_registered():
    for neuron, losses in BY_HAND.items():
        assert set(losses) <= set(LOSSES[neuron])


@pytest.mark.parametrize("scenario", STARTS, ids=ids)
def test_every_curve_point_follows_the_formulas_written_out_by_hand(scenario):
    scenario = replace(scenario, losses=tuple(k for k in scenario.losses if k in BY_HAND[scenario.neuron]))
    frame, start = curves(scenario), scenario.start()
    assert set(frame["loss"]) == set(BY_HAND[scenario.neuron])
    for row in frame.itertuples():
        output, cost, size = oracle(scenario.neuron, row.loss, row.u, start)
        assert row.output == pytest.approx(output, rel=1e-12, abs=1e-300), row
        assert row.cost == pytest.approx(cost, rel=1e-9, abs=1e-12), row
        assert abs(row.delta) == pytest.approx(size, rel=1e-9, abs=1e-12), row


@pytest.mark.parametrize("scenario", STARTS, ids=ids)
def test_the_curves_span_the_whole_output_range_and_reach_every_run(scenario):
    kind = scenario.kind
    seen = runs(scenario)[kind.curve[0]]
    frame = curves(scenario)
    for _, curve in frame.groupby("loss"):
        assert curve["output"].min() < 1e-4 and curve["output"].max() > 1 - 1e-4
        assert np.all(np.diff(curve["output"]) >= 0)  # drawn left to right
        assert np.max(np.diff(curve["output"])) <= 0.01  # no gap a linear axis would show
        assert curve["u"].min() <= seen.min() and curve["u"].max() >= seen.max()


@pytest.mark.parametrize("classes, target", [(2, 0), (3, 1), (10, 9)])
def test_the_canonical_logits_have_the_lead_and_equal_rivals(classes, target):
    lead = np.array([-30.0, -1.5, 0.0, 2.0, 40.0])
    z = canonical_logits(lead, classes, target)
    others = np.delete(z, target, axis=1)
    assert np.all(others == 0.0)
    found = z[:, target] - np.log(np.exp(others).sum(axis=1))
    np.testing.assert_allclose(found, lead, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("scenario", STARTS, ids=ids)
def test_each_run_point_lies_on_its_curve_at_the_runs_own_output(scenario):
    """The marked point is the curve at the run's z (or ℓ): its output is the run's own; for a
    sigmoid neuron so are its cost and ∂C/∂z, bit for bit."""
    kind, frame = scenario.kind, runs(scenario)
    epoch = scenario.epochs // 3
    rows = rows_at(frame, scenario, epoch)
    points = shape_points(kind, rows, scenario.start())
    assert list(points["loss"]) == list(scenario.losses) and set(points["epoch"]) == {epoch}
    for point in points.itertuples():
        row = rows[point.loss]
        assert point.output == pytest.approx(row[kind.output], rel=1e-12, abs=1e-300)
        if scenario.neuron == "sigmoid":
            assert (point.cost, point.delta) == (row["cost"], row["grad_z"])


# ---------------------------------------------------------------------------------------------
# The sentence


def parse_unit(text: str) -> tuple[float, bool]:
    """A number as `summaries.unit` writes it: (value, written as 1 − d)."""
    if text.startswith("1 − "):
        return 1.0 - float(text[4:]), True
    return float(text), False


def assert_output_shown(text: str, u: float) -> None:
    """`text` is the output σ(u) to 3 significant digits (of 1 − a when written as 1 − d), never a
    false 0 or 1."""
    a, b = sigma(u), sigma(-u)
    value, complement = parse_unit(text)
    if complement:
        assert float(text[4:]) == pytest.approx(b, rel=0.051), (text, b)
    elif value == 1.0:  # a rounded to 1 in double precision (a softmax's a_y, from K logits,
        assert b < 1e-15, (text, b)  # may get there a few ulps before σ(ℓ) of its lead does)
    elif value == 0.0:
        assert a < 1e-300, (text, a)
    else:
        assert value == pytest.approx(a, rel=0.0051), (text, a)
        assert b >= 4e-4, (text, b)  # within 5e-4 of 1 it must be written 1 − d


def assert_sentence_true(sentence: str, scenario: Scenario, epoch: int) -> None:
    kind = get_kind(scenario.neuron)
    frame = runs(scenario)
    rows = rows_at(frame, scenario, epoch)
    coordinate = {loss: float(row[kind.curve[0]]) for loss, row in rows.items()}
    output, symbol = re.escape(kind.output), re.escape(kind.delta_symbol)
    number = r"(?:1 − )?[0-9.e+\-]+"
    shared = re.match(rf"At {output} = ({number}) \(epoch ([0-9,]+)\), \|{symbol}\| is ", sentence)
    separate = re.match(rf"At epoch ([0-9,]+), \|{symbol}\| is ", sentence)
    assert shared or separate, sentence
    if len(set(coordinate.values())) == 1:  # runs at one point must be described at one point
        assert shared, sentence
    assert int((shared or separate).group(2 if shared else 1).replace(",", "")) == epoch
    if shared:
        for u in coordinate.values():
            assert_output_shown(shared.group(1), u)
    positions = []
    for loss, u in coordinate.items():
        name = re.escape(loss_words(scenario.neuron, loss).name.lower())
        where = rf" \(at {output} = ({number})\)" if separate else ""
        ends = r"(?=,| and | \(each|\.$)"
        found = re.search(rf"(?:is |, | and )([0-9.e+\-]+) for {name}{where}{ends}", sentence)
        assert found, (loss, sentence)
        positions.append(found.start())
        size = abs(float(rows[loss][kind.delta]))  # the run's own gradient, not its curve's
        shown = float(found.group(1))
        assert abs(shown - size) <= 0.0051 * size + 1e-15, (loss, shown, size, sentence)
        if separate:
            assert_output_shown(found.group(2), u)
    assert positions == sorted(positions), sentence  # in the order of the selected losses
    note = KINDS_WORDS[kind.key].points_note
    assert sentence.endswith(f" ({note}).") if note else sentence.endswith(")") or "(" not in sentence[-3:], (
        sentence
    )


@settings(max_examples=150, deadline=None)
@given(valid_states(presets=True))
def test_the_sentence_is_true_over_the_whole_range_of_the_controls(state):
    # One point per loss, as this oracle reads the sentence: the page's series (starts compared,
    # the widget rule) put several points on a curve; the AppTest over them is in test_compare_starts.
    scenario = replace(scenario_of(state), starts=(), widget_rule=False)
    epoch = state["epoch"]
    rows = rows_at(runs(scenario), scenario, epoch)
    points = shape_points(scenario.kind, rows, scenario.start())
    assert_sentence_true(shape_sentence(points, scenario.neuron), scenario, epoch)


@pytest.mark.parametrize(
    "scenario, epoch, expected",
    [
        (
            Scenario(losses=("quadratic", "cross_entropy", "focal")),
            0,
            "At a = 0.982 (epoch 0), |∂C/∂z| is 0.0173 for quadratic, 0.982 for cross-entropy and 1.09 "
            "for focal.",
        ),
        (
            Scenario("softmax", ("log_likelihood",), classes=2, margin=0.0),
            0,
            "At a_y = 0.5 (epoch 0), |∂C/∂z_y| is 0.5 for log-likelihood (each run's own values; the curves "
            "assume the other classes share 1 − a_y equally, so a run whose rivals do not has a higher cost "
            "and, with the quadratic cost, a larger |∂C/∂z_y| than its curve shows at the same a_y, and its "
            "point sits off the curve).",
        ),
    ],
)
def test_the_sentence_at_known_points(scenario, epoch, expected):
    """Values worked out by hand: at w = b = 2 (z = 4), a = σ(4) = 0.98201, σ′ = 0.017663, so the
    quadratic |∂C/∂z| = 0.98201 · 0.017663 = 0.017345 and cross-entropy's is a = 0.98201; focal's is
    a²(a − 2(1 − a)ln(1 − a)) = 0.96435 · (0.98201 + 0.14493) = 1.0868. A 2-class tie: a_y = ½."""
    rows = rows_at(runs(scenario), scenario, epoch)
    assert shape_sentence(shape_points(scenario.kind, rows, scenario.start()), scenario.neuron) == expected


def test_runs_apart_are_each_described_at_their_own_output():
    scenario = Scenario(losses=("quadratic", "cross_entropy"))
    rows = rows_at(runs(scenario), scenario, 150)
    sentence = shape_sentence(shape_points(scenario.kind, rows, scenario.start()), "sigmoid")
    assert sentence.startswith("At epoch 150, |∂C/∂z| is ") and sentence.count("(at a = ") == 2
    assert_sentence_true(sentence, scenario, 150)
