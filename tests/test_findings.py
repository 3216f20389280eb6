"""Every sentence of the findings is true of the runs it describes, over the whole range of the
controls (hypothesis), and on the scenarios where the page used to say something false:
oscillating runs, η too large, x = 0, y = ½, K = 10, starts already at the target.

The oracle is written here from the runs' `error` and output columns, independently of
`lossdemo.engine.milestones`: "halved for good at epoch N" means the error is at most half its
start from N to the last epoch and above it at N − 1; "unstable" means it got under half its start
and did not stay, or that output − target keeps crossing zero at the end without shrinking."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from apptest_helpers import run_app
from findings_oracle import check
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lossdemo.controls.scenario import ETA_CHOICES, Scenario, runs
from lossdemo.engine.losses import LOSSES
from lossdemo.teaching.summaries import findings, number, percent_change, unit


def scenarios_over_the_whole_range():
    grid = lambda low, high, step: st.integers(round(low / step), round(high / step)).map(  # noqa: E731
        lambda k: round(k * step, 10)
    )
    sigmoid = st.builds(
        Scenario,
        neuron=st.just("sigmoid"),
        losses=st.lists(st.sampled_from(list(LOSSES["sigmoid"])), min_size=1, unique=True).map(tuple),
        eta=st.sampled_from(ETA_CHOICES),
        epochs=st.sampled_from([10, 50, 100, 300, 500]),
        w=grid(-10, 10, 0.1),
        b=grid(-10, 10, 0.1),
        x=grid(-3, 3, 0.1),
        y=grid(0, 1, 0.05),
    )

    @st.composite
    def softmax(draw):
        classes = draw(st.integers(2, 10))
        return Scenario(
            neuron="softmax",
            losses=tuple(draw(st.lists(st.sampled_from(list(LOSSES["softmax"])), min_size=1, unique=True))),
            eta=draw(st.sampled_from(ETA_CHOICES)),
            epochs=draw(st.sampled_from([10, 50, 100, 300, 500])),
            x=draw(grid(-3, 3, 0.1)),
            classes=classes,
            target=draw(st.integers(0, classes - 1)),
            margin=draw(grid(-5, 10, 0.5)),
        )

    return st.one_of(sigmoid, softmax())


EDGE_CASES = {
    "book-badly-wrong": Scenario(),
    "oscillating-y-half-eta-5": Scenario(y=0.5, eta=5.0),
    "oscillating-y-0.2-eta-10": Scenario(y=0.2, eta=10.0),
    "oscillating-y-half-eta-10": Scenario(y=0.5, eta=10.0),
    "already-at-the-target": Scenario(w=10.0, b=10.0, y=1.0),
    "x-zero": Scenario(x=0.0),
    "saturated-but-right": Scenario(w=-3.0, b=-2.0, y=0.0, epochs=2000),
    "softmax-K10-margin-0": Scenario(
        neuron="softmax", losses=("quadratic", "log_likelihood"), classes=10, margin=0.0
    ),
    "softmax-target-ahead": Scenario(neuron="softmax", losses=("quadratic", "log_likelihood"), margin=-1.0),
    "textbook-eta": Scenario(eta=0.005, epochs=1000),
    "negative-x": Scenario(w=-1.5, b=0.5, x=-2.0, y=0.65, eta=0.5, epochs=100),
}


@pytest.mark.parametrize("scenario", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_the_findings_are_true_on_the_edge_cases(scenario):
    frame = runs(scenario)
    check(findings(frame, scenario.neuron, scenario), frame, scenario)


@settings(max_examples=200, deadline=None)
@given(scenarios_over_the_whole_range())
@example(Scenario(y=0.5, eta=5.0))
@example(Scenario(w=10.0, b=10.0, y=1.0))
def test_every_sentence_is_true_of_the_runs_over_the_whole_range(scenario):
    frame = runs(scenario)
    check(findings(frame, scenario.neuron, scenario), frame, scenario)


def test_an_oscillating_cross_entropy_is_called_unstable_not_the_fastest_learner():
    # x = 1, y = ½, η = 5: cross-entropy's fixed point needs η(1 + x²)σ′(z*) < 2, i.e. η < 4; it
    # cycles between a ≈ 0.145 and 0.855, while the quadratic cost (stable for η < 16) settles.
    scenario = Scenario(y=0.5, eta=5.0)
    frame = runs(scenario)
    ce = frame[frame["loss"] == "cross_entropy"]["a"].to_numpy()
    assert abs(ce[-1] - ce[-3]) < 1e-6 and abs(ce[-1] - ce[-2]) > 0.5  # a 2-cycle
    assert sorted(np.round(ce[-2:], 3)) == [0.145, 0.855]
    text = " ".join(findings(frame, "sigmoid", scenario))
    assert "η = 5 is too large for Cross-entropy" in text
    assert "as many epochs as Cross-entropy" not in text
    assert "Quadratic settles at this η" in text


def test_a_number_is_never_written_as_a_false_round_one():
    # "Final cost 1" for 0.99952, "|∂C/∂z_y| = 1" for 0.99995: three digits would round both to 1.
    assert number(0.99952) == "1.00" and number(0.99995) == "1.00" and number(-0.99952) == "-1.00"
    assert number(8.8995e-05) == "8.90e-05" and number(1.9996) == "2.00"
    assert number(1.0) == "1" and number(2.0) == "2" and number(0.0) == "0" and number(0.5) == "0.5"
    assert number(0.123456) == "0.123" and number(5.55e-17) == "5.55e-17"


def test_an_output_of_0_99966_is_not_written_1_and_a_change_of_minus_99_7_percent_is_not_minus_100():
    assert unit(0.99966) == "1 − 0.00034"
    assert unit(0.5) == "0.5" and unit(1.0) == "1" and unit(2e-9) == "2e-09"
    assert percent_change(1.0, 0.003) == "-99.7%"
    assert percent_change(2.0, 1.0) == "-50%" and percent_change(1.0, 1.22) == "+22%"
    # Either side of where 3 significant digits round to −100 (a fall of 99.95 %): a focal cost from
    # 3.875 to 0.00176 fell by 99.955 %, not 100 %; only a cost that reached 0 fell by 100 %.
    assert percent_change(1.0, 0.00051) == "-99.9%"
    assert percent_change(1.0, 0.00049) == "-(100 − 0.049)%"
    assert percent_change(3.875, 0.00176) == "-(100 − 0.045)%"
    assert percent_change(4.0, 1e-300) == "-(100 − 2.5e-299)%"
    assert percent_change(4.0, 0.0) == "-100%"


PERCENT = re.compile(r"^(?:(?P<change>[+-][0-9.e+-]+)|-\(100 − (?P<left>[0-9.e+-]+)\))%$")


@given(
    start=st.floats(1e-300, 1e300),
    ratio=st.one_of(st.just(0.0), st.floats(0.0, 1e3), st.floats(0.0, 1e-3)),
)
@example(start=3.875, ratio=0.00176 / 3.875)
@example(start=1.0, ratio=0.0005)
def test_a_percent_change_reads_minus_100_only_for_a_cost_that_reached_0(start, ratio):
    """Read back, the text is the change to 3 significant digits, or, for a fall of more than
    99.95 %, what is left of the start to 2; it says −100 % only when nothing is left."""
    end = start * ratio
    text = percent_change(start, end)
    exact = 100.0 * (end / start - 1.0)
    if exact == 0:
        assert text == "0%"
        return
    shown = PERCENT.match(text)
    assert shown, text
    if shown["left"] is not None:
        left = 100.0 * end / start
        assert 0 < left <= 0.05 * (1 + 1e-9), (text, left)  # 3 digits would have read −100
        assert float(shown["left"]) == pytest.approx(left, rel=0.051), (text, left)
    else:
        assert float(shown["change"]) == pytest.approx(exact, rel=0.0051), (text, exact)
        assert text != "-100%" or end == 0, text


def page_text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_the_page_calls_an_oscillating_loss_unstable_in_its_summary_card_and_findings():
    at = run_app({"y": "0.5", "eta": "5"})
    assert not at.exception
    assert "η = 5 is too large for Cross-entropy" in page_text(at)
    cards = {m.label: m.value for m in at.metric}
    card = next(m for m in at.metric if m.label == "Halved at epoch" and m.value == "never")
    assert card.delta == "unstable: η too large", cards


def test_a_start_already_at_the_target_is_said_to_be_so_on_the_page():
    at = run_app({"w": "10", "b": "10", "y": "1"})
    assert "little left to learn" in page_text(at)
    assert "try more epochs" not in page_text(at)
    assert "1 − " in " ".join(m.value for m in at.metric)


@pytest.mark.parametrize(
    ("y", "floors"),
    [
        # Cross-entropy's floor is the entropy H(y) = −[y ln y + (1 − y) ln(1 − y)], reached at a = y;
        # the quadratic cost's is 0, also at a = y.
        (0.5, {"quadratic": 0.0, "cross_entropy": math.log(2)}),
        (0.2, {"quadratic": 0.0, "cross_entropy": -(0.2 * math.log(0.2) + 0.8 * math.log(0.8))}),
    ],
)
def test_cost_left_measures_each_loss_from_its_own_floor(y, floors):
    scenario = Scenario(y=y, eta=0.5, epochs=3000)
    frame = runs(scenario)
    for loss, floor in floors.items():
        run = frame[frame["loss"] == loss]
        cost = run["cost"].to_numpy()
        expected = (cost - floor) / (cost[0] - floor)
        np.testing.assert_allclose(run["cost_left"].to_numpy(), expected, rtol=1e-6, atol=1e-9)
        assert run["cost_left"].iloc[0] == 1.0 and run["cost_left"].iloc[-1] < 1e-6


def test_equal_gradients_run_the_sigmoid_quadratic_cost_at_four_times_eta():
    # At a = ½ (z = 0, target 0): quadratic ∂C/∂z = (a − y)σ′(z) = ½ · ¼, cross-entropy's = ½.
    scenario = Scenario(balance=True)
    assert (
        scenario.eta_for("quadratic") == 4 * scenario.eta
        and scenario.eta_for("cross_entropy") == scenario.eta
    )
    frame = runs(scenario)
    plain = runs(Scenario(eta=0.6, losses=("quadratic",)))
    np.testing.assert_array_equal(frame[frame["loss"] == "quadratic"]["z"].to_numpy(), plain["z"].to_numpy())
    text = " ".join(findings(frame, "sigmoid", scenario))
    assert "Quadratic with η = 0.6 (4× η)" in text


def test_equal_gradients_for_softmax_match_the_log_likelihood_gradient_at_a_y_one_half():
    # a_y = ½ with K = 3 (others ¼): quadratic ∂C/∂z_y = −a_y[(1 − a_y)² + Σ a_j²] = −½(¼ + ⅛) = −3/16;
    # log-likelihood's = a_y − 1 = −½, so the quadratic cost gets η × 8/3.
    scenario = Scenario(neuron="softmax", losses=("quadratic", "log_likelihood"), balance=True)
    assert scenario.eta_for("quadratic") == pytest.approx(scenario.eta * 8 / 3, rel=1e-12)


def test_the_page_runs_the_balanced_scenario_from_a_link():
    at = run_app({"balance": "true"})
    assert not at.exception
    assert "trains with η = 0.6" in " ".join(c.value for c in at.caption)
