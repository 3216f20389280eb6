"""The softmax layer's start and its σ-path coordinate, against values written out by hand:
`start_logits` (the target at 0, the class after it at the margin, every other class at
min(margin, 0)) and the column `lead` = z_y − ln Σ_{j≠y} e^{z_j}, for which a_y = σ(lead)."""

from __future__ import annotations

import math

import pytest

from lossdemo import simulate_softmax, start_logits


@pytest.mark.parametrize(
    ("target", "margin", "expected"),
    [
        # K = 4: the rival is the class after the target (wrapping round), at the margin.
        (0, 3.0, [0.0, 3.0, 0.0, 0.0]),  # a positive margin: the others at min(3, 0) = 0
        (1, 2.5, [0.0, 0.0, 2.5, 0.0]),
        (3, 1.0, [1.0, 0.0, 0.0, 0.0]),
        (0, -2.0, [0.0, -2.0, -2.0, -2.0]),  # a negative margin: the others at min(−2, 0) = −2
        (1, -1.5, [-1.5, 0.0, -1.5, -1.5]),
        (3, -4.0, [-4.0, -4.0, -4.0, 0.0]),
        (2, 0.0, [0.0, 0.0, 0.0, 0.0]),
    ],
)
def test_start_logits_put_the_rival_at_the_margin_and_the_other_wrong_classes_at_min_margin_0(
    target, margin, expected
):
    assert start_logits(4, target, margin) == expected


@pytest.mark.parametrize("loss", ["quadratic", "log_likelihood"])
def test_the_sigma_path_lead_is_z_y_minus_the_log_sum_exp_of_the_other_logits(loss):
    logits, target, classes = [1.0, -0.5, 0.3, 2.0], 2, 4
    run = simulate_softmax(loss, [[0.0]] * classes, logits, [0.7], target, 0.5, 40)
    # At the start, from the logits themselves: ℓ = 0.3 − ln(e^1 + e^−0.5 + e^2) ≈ −2.0715.
    start = 0.3 - math.log(math.exp(1.0) + math.exp(-0.5) + math.exp(2.0))
    assert start == pytest.approx(-2.0715, abs=1e-4)
    assert run["lead"].iloc[0] == pytest.approx(start, rel=1e-12)
    for _, row in run.iterrows():
        z = [row[f"z_{j}"] for j in range(classes)]
        lead = z[target] - math.log(sum(math.exp(z[j]) for j in range(classes) if j != target))
        assert row["lead"] == pytest.approx(lead, rel=1e-9, abs=1e-12), row["epoch"]
        # The reason for this coordinate: the target's probability is σ(ℓ), on the sigmoid curve.
        assert row["a_y"] == pytest.approx(1 / (1 + math.exp(-lead)), rel=1e-9), row["epoch"]
