"""Every threshold the teaching layer decides by, held by an explicit example on each side of it
(not left to a property test that may or may not draw the boundary):

- 1.5×, "about the same speed" (summaries: the comparison, and "Why" with and without halving);
- σ′ = 0.05, "tiny" (summaries' "Why", the chain rule's highlighted slope);
- a start error of half the largest an output can have, "badly wrong" (summaries' "Why");
- 90 % of the start error, and ten epochs of it, "the plateau" (summaries' progress);
- a start error of 1e-3, "little left to learn" (summaries);
- 1e-3, where the chain rule writes a number in scientific form;
- 1e-9 of the largest |δᵢ|, "pulls as hard" (the Landscape tab), and 8 ε, "cancels to round-off";
- 1e-6 relative, where a gradient check agrees;
- the network's spread between the losses, which narrows, stays or widens.

The runs are made here, number by number (a sigmoid neuron with target y = 0, whose output is its
error), so each example sits exactly on its boundary; the expected words are written here."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossdemo.controls.scenario import Scenario
from lossdemo.language.messages import speaking
from lossdemo.teaching.chain_rule import LiveValues, tex_number
from lossdemo.teaching.gradient_check import Check
from lossdemo.teaching.landscape import mean_text, pull_sentence
from lossdemo.teaching.network import NETWORK_LOSSES, accuracy_sentence
from lossdemo.teaching.summaries import findings

EPS = np.finfo(float).eps
below = lambda value: float(np.nextafter(value, -np.inf))  # noqa: E731  the float just under
above = lambda value: float(np.nextafter(value, np.inf))  # noqa: E731  the float just over


def error_curve(epochs: int, *steps: tuple[int, float], start: float) -> np.ndarray:
    """An output error that is `start` at epoch 0 and takes each (epoch, value) from that epoch on."""
    errors = np.full(epochs + 1, start)
    for epoch, value in steps:
        errors[epoch:] = value
    return errors


def sigmoid_runs(errors: dict[str, np.ndarray], slopes: dict[str, float] | None = None) -> pd.DataFrame:
    """Runs of a sigmoid neuron with target 0 whose outputs are `errors` (per loss), in the columns
    the teaching layer reads; σ′ at the start is `slopes[loss]` (0.2 by default) and ∂C/∂z is
    0.1 × the output for a loss that carries σ′, the output itself for one that does not."""
    slopes = slopes or {}
    frames = []
    for loss, a in errors.items():
        sigma_prime = np.full(len(a), 0.2)
        sigma_prime[0] = slopes.get(loss, 0.2)
        grad_z = (0.1 if loss == "quadratic" else 1.0) * a
        columns = {"epoch": np.arange(len(a)), "a": a, "sigma_prime": sigma_prime, "grad_z": grad_z}
        frames.append(pd.DataFrame({"loss": loss, **columns}))
    return pd.concat(frames, ignore_index=True)


def said(errors: dict[str, np.ndarray], slopes: dict[str, float] | None = None) -> str:
    epochs = len(next(iter(errors.values()))) - 1
    scenario = Scenario(losses=tuple(errors), epochs=epochs, y=0.0)
    return " ".join(findings(sigmoid_runs(errors, slopes), "sigmoid", scenario))


# ---------------------------------------------------------------------------------------------
# 1.5×: "about the same speed", and "Why"


def halving(at: int, start: float = 0.75) -> np.ndarray:
    """Left the plateau at epoch 1, halved the error for good at epoch `at`, within 60 epochs."""
    return error_curve(60, (1, 0.5 * start + 0.125), (at, 0.25 * start), start=start)


def test_a_loss_that_needed_exactly_1_5_times_the_epochs_is_slower_and_said_why():
    text = said({"quadratic": halving(30), "cross_entropy": halving(20)})
    assert "Quadratic needed 1.5× as many epochs as Cross-entropy to halve the error for good." in text
    assert "same speed" not in text
    assert "Why:" in text


def test_a_loss_that_needed_just_under_1_5_times_the_epochs_learns_at_about_the_same_speed():
    text = said({"quadratic": halving(29), "cross_entropy": halving(20)})  # 1.45×
    assert "Both losses learn at about the same speed here." in text
    assert "as many epochs as" not in text
    assert "Why:" not in text


def never_halving(final: float) -> np.ndarray:
    return error_curve(60, (1, final), start=0.75)  # half is 0.375: never reached


@pytest.mark.parametrize(
    ("slow_final", "why"),
    [
        (0.625, True),  # removed 0.125 against 0.1875: exactly 1.5× less
        (below(0.625), False),  # removed a hair more than 0.125: less than 1.5× less
    ],
)
def test_without_halving_why_is_said_from_1_5_times_less_of_the_error_removed(slow_final, why):
    text = said({"quadratic": never_halving(slow_final), "cross_entropy": never_halving(0.5625)})
    assert "No loss halved the error within 60 epochs" in text
    assert ("Why:" in text) == why, text


# ---------------------------------------------------------------------------------------------
# σ′ = 0.05 and "badly wrong": which "Why"

TINY = "tiny next to its peak of 0.25"
SLOW_FINISH = "a slow finish, not a stall at a wrong start"
EVEN_WHERE = "so at the same η it learns more slowly even where nothing saturates"


@pytest.mark.parametrize(
    ("slope", "start", "expected"),
    [
        (0.05, 0.75, EVEN_WHERE),  # σ′ = 0.05 is not small
        (below(0.05), 0.75, TINY),
        (below(0.05), 0.5, TINY),  # half the largest error (1 for y = 0): badly wrong
        (below(0.05), below(0.5), SLOW_FINISH),  # nearer than that: the last stretch is slow
        (0.05, below(0.5), EVEN_WHERE),
    ],
)
def test_why_names_a_tiny_slope_below_0_05_and_a_badly_wrong_start_from_half_the_largest_error(
    slope, start, expected
):
    runs = {"quadratic": halving(30, start), "cross_entropy": halving(20, start)}
    why = [s for s in re.split(r"(?<=\.) ", said(runs, {"quadratic": slope})) if s.startswith("Why:")]
    assert len(why) == 1, why
    assert expected in why[0], why[0]
    assert sum(phrase in why[0] for phrase in (TINY, SLOW_FINISH, EVEN_WHERE)) == 1, why[0]


def test_the_chain_rule_highlights_a_slope_below_0_05_only():
    live = lambda slope: LiveValues(a=0.5, y=0.0, sigma_prime=slope, rivals=0.0, classes=0)  # noqa: E731
    assert "colorbox" in live(below(0.05)).slope()
    assert "colorbox" not in live(0.05).slope()


def test_the_chain_rule_writes_numbers_below_1e_3_in_scientific_form():
    assert tex_number(1e-3) == "0.001"
    assert tex_number(below(1e-3)) == r"1.00\times 10^{-3}"
    assert tex_number(-1e-3) == "-0.001"
    assert tex_number(-below(1e-3)) == r"-1.00\times 10^{-3}"


# ---------------------------------------------------------------------------------------------
# The plateau: above 90 % of the start error, for ten epochs or more

PLATEAU_START = 0.625


def plateau_until(epoch: int, value: float) -> np.ndarray:
    """The start error until `epoch`, `value` from there, a quarter of it from epoch 30."""
    return error_curve(60, (epoch, value), (30, 0.25 * PLATEAU_START), start=PLATEAU_START)


@pytest.mark.parametrize(
    ("errors", "until"),
    [
        (plateau_until(10, 0.9 * PLATEAU_START), 10),  # exactly 90 % at epoch 10: it left there
        (plateau_until(9, 0.9 * PLATEAU_START), None),  # left after 9 epochs: no plateau to speak of
        (plateau_until(5, above(0.9 * PLATEAU_START)), 30),  # just above 90 %: still on it until 30
        (plateau_until(5, 0.9 * PLATEAU_START), None),  # exactly 90 % at epoch 5
    ],
    ids=["90%-at-10", "90%-at-9", "above-90%-at-5", "90%-at-5"],
)
def test_the_plateau_is_above_90_percent_of_the_start_for_ten_epochs_or_more(errors, until):
    text = said({"cross_entropy": errors})
    plateau = re.search(r"kept the output error above 90% of its start until epoch (\d+)", text)
    assert (plateau and int(plateau[1])) == until or (plateau is None and until is None), text
    assert "halved the output error for good at epoch 30" in text or "halved it for good at epoch 30" in text


# ---------------------------------------------------------------------------------------------
# A start error of 1e-3: "little left to learn"


@pytest.mark.parametrize(("start", "little"), [(1e-3, False), (below(1e-3), True)])
def test_little_is_left_to_learn_only_below_a_start_error_of_1e_3(start, little):
    errors = error_curve(60, (20, 0.25 * start), start=start)
    text = said({"quadratic": errors, "cross_entropy": errors})
    assert ("little left to learn" in text) == little, text


# ---------------------------------------------------------------------------------------------
# The Landscape tab: ties within 1e-9 of the largest |δᵢ|, means within 8 ε of their terms


@pytest.mark.parametrize(("second", "equal"), [(1 - 1e-9, True), (below(1 - 1e-9), False)])
def test_examples_pull_equally_hardest_within_1e_9_of_the_largest(second, equal):
    at = pd.DataFrame({"grad_z": [1.0, -second, 0.25], "x": [1.0, 1.0, 1.0]})
    text = pull_sentence(at)
    if equal:
        assert "Examples 1, 2 pull equally hardest (|δ| = 1)." in text, text
    else:
        assert "Example 1 pulls hardest (δ = 1)." in text, text


@pytest.mark.parametrize(("mean", "cancels"), [(8 * EPS, True), (above(8 * EPS), False), (-8 * EPS, True)])
def test_a_mean_within_8_eps_of_its_terms_is_round_off(mean, cancels):
    text = mean_text(mean, np.array([1.0, -1.0]))
    assert (text == "0 (to round-off)") == cancels, text


# ---------------------------------------------------------------------------------------------
# A gradient check agrees within 1e-6 of the gradient's size


@pytest.mark.parametrize(("numeric", "agrees"), [(999_999.0, True), (below(999_999.0), False)])
def test_a_gradient_check_agrees_within_1e_6_of_its_size(numeric, agrees):
    assert 1e-6 * 1e6 == 1.0  # the allowance, exactly: the example sits on the boundary
    assert Check("w", 1e6, numeric).agrees is agrees


# ---------------------------------------------------------------------------------------------
# The network's spread between the losses: it narrows, stays or widens as the runs' rounded
# percentages say, in English and in Chinese (缩小 narrows, 扩大 widens, 保持 stays)

SPREAD = re.compile(r"spread between the losses (narrows|widens) from (\d+) to (\d+)|stays at (\d+)")
SPREAD_ZH = re.compile(r"从 (\d+) 个百分点(缩小|扩大)到 (\d+) 个百分点|保持在 (\d+) 个百分点")


def network_runs(early: list[float], final: list[float]) -> dict[str, pd.DataFrame]:
    keys = list(NETWORK_LOSSES)[: len(early)]
    return {
        key: pd.DataFrame(
            {"epoch": [0, 1, 2], "test_accuracy": [0.1, a, b], "hidden_sigma_prime": [0.2, 0.2, 0.2]}
        )
        for key, a, b in zip(keys, early, final, strict=True)
    }


def check_spread(early: list[float], final: list[float]) -> None:
    runs = network_runs(early, final)
    points = [
        max(round(100 * a) for a in side) - min(round(100 * a) for a in side) for side in (early, final)
    ]
    way = "narrows" if points[1] < points[0] else "widens" if points[1] > points[0] else "stays"
    m = SPREAD.search(accuracy_sentence(runs))
    assert m, accuracy_sentence(runs)
    if way == "stays":
        assert m[4] and int(m[4]) == points[0], m[0]
    else:
        assert (m[1], int(m[2]), int(m[3])) == (way, *points), (m[0], points)
    with speaking("zh"):
        chinese = accuracy_sentence(runs)
    m = SPREAD_ZH.search(chinese)
    assert m, chinese
    if way == "stays":
        assert m[4] and int(m[4]) == points[0], m[0]
    else:
        assert (m[2], int(m[1]), int(m[3])) == ({"narrows": "缩小", "widens": "扩大"}[way], *points), m[0]


@pytest.mark.parametrize(
    ("early", "final"),
    [
        ([0.74, 0.50], [0.90, 0.88]),  # 24 → 2 points: narrows
        ([0.74, 0.72], [0.90, 0.70]),  # 2 → 20: widens
        ([0.74, 0.70], [0.90, 0.86]),  # 4 → 4: stays
        ([0.744, 0.70], [0.90, 0.855]),  # rounded 74 − 70 = 4 against 90 − 86 = 4: stays, not 4.4 → 4.5
        ([0.30, 0.10, 0.20], [0.50, 0.495, 0.49]),  # three losses, 20 → 1
    ],
    ids=["narrows", "widens", "stays", "rounded", "three"],
)
def test_the_spread_between_the_networks_losses_narrows_stays_or_widens_as_the_runs_say(early, final):
    check_spread(early, final)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, len(NETWORK_LOSSES)).flatmap(
        lambda n: st.tuples(*[st.tuples(st.floats(0, 1), st.floats(0, 1))] * n)
    )
)
def test_the_spread_is_read_from_the_runs_for_any_accuracies(pairs):
    check_spread([a for a, _ in pairs], [b for _, b in pairs])
