"""The gradient check (lossdemo.teaching.gradient_check) against gradients worked out by hand in
plain Python, away from x = 1 (where ∂C/∂w = ∂C/∂b and a row showing the wrong one goes unseen),
and its verdict on an analytic gradient that is slightly off."""

from __future__ import annotations

import math

import dataset_by_hand
import pandas as pd
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from lossdemo import LOSSES, simulate_sigmoid, simulate_softmax, start_logits
from lossdemo.engine.sigmoid import sigmoid_cost
from lossdemo.teaching.gradient_check import Check, check_sentence, check_sigmoid, check_softmax

W, B, X, Y, ETA, EPOCH = 1.5, -0.5, -2.5, 0.2, 0.15, 5


def by_hand_sigmoid(loss: str, w: float, b: float, x: float, y: float, eta: float, epoch: int):
    """(∂C/∂w, ∂C/∂b) after `epoch` gradient steps, by the chain rule of Nielsen ch. 3: with
    δ = ∂C/∂z = (a − y)·σ′(z) (quadratic) or a − y (cross-entropy), ∂C/∂w = δ·x and ∂C/∂b = δ."""
    for step in range(epoch + 1):
        a = 1 / (1 + math.exp(-(w * x + b)))
        delta = (a - y) * (a * (1 - a) if loss == "quadratic" else 1.0)
        if step == epoch:
            return delta * x, delta
        w, b = w - eta * delta * x, b - eta * delta
    raise AssertionError("unreachable")


def by_hand_softmax_log_likelihood(logits: list[float], target: int, x: float, eta: float, epoch: int):
    """The logits and ∂C/∂z = a − t (one-hot t) after `epoch` steps z ← z − η(x² + 1)·∂C/∂z."""
    z = list(logits)
    for step in range(epoch + 1):
        top = max(z)
        exps = [math.exp(v - top) for v in z]
        a = [e / sum(exps) for e in exps]
        grad = [a[j] - (1.0 if j == target else 0.0) for j in range(len(z))]
        if step == epoch:
            return z, grad
        z = [z[j] - eta * (x * x + 1) * grad[j] for j in range(len(z))]
    raise AssertionError("unreachable")


@pytest.mark.parametrize("loss", ["quadratic", "cross_entropy"])
def test_the_b_row_of_the_sigmoid_gradient_check_is_dC_db_at_an_input_other_than_1(loss):
    row = simulate_sigmoid(loss, W, B, X, Y, ETA, EPOCH).iloc[EPOCH]
    grad_w, grad_b = by_hand_sigmoid(loss, W, B, X, Y, ETA, EPOCH)
    assert grad_w == pytest.approx(-2.5 * grad_b) and abs(grad_w - grad_b) > 1e-3 * abs(grad_b)
    checks = {c.parameter: c for c in check_sigmoid(row, loss, {"w": W, "b": B, "x": X, "y": Y})}
    assert list(checks) == ["w", "b"]
    assert checks["w"].analytic == pytest.approx(grad_w, rel=1e-9)
    assert checks["b"].analytic == pytest.approx(grad_b, rel=1e-9)
    assert checks["w"].numeric == pytest.approx(grad_w, rel=1e-6)
    assert checks["b"].numeric == pytest.approx(grad_b, rel=1e-6)
    assert all(c.resolvable and c.agrees for c in checks.values())


def test_the_softmax_gradient_check_scales_dC_dW_y_by_an_input_other_than_1():
    # K = 3, target 0, margin 2: start logits (0, 2, 0); log-likelihood, x = −2.5.
    run = simulate_softmax("log_likelihood", [[0.0]] * 3, [0.0, 2.0, 0.0], [X], 0, ETA, EPOCH)
    z, grad = by_hand_softmax_log_likelihood([0.0, 2.0, 0.0], 0, X, ETA, EPOCH)
    start = {"classes": 3, "target": 0, "x": X, "margin": 2.0}
    checks = {c.parameter: c for c in check_softmax(run.iloc[EPOCH], "log_likelihood", start)}
    rival = max((1, 2), key=lambda j: z[j])
    assert rival == 1 and list(checks) == ["b_y", "W_y", "b_1"]
    for name, expected in (("b_y", grad[0]), ("W_y", grad[0] * X), ("b_1", grad[1])):
        assert checks[name].analytic == pytest.approx(expected, rel=1e-9), name
        assert checks[name].numeric == pytest.approx(expected, rel=1e-6), name
        assert checks[name].agrees, name


def test_an_analytic_gradient_off_by_a_relative_1e_4_does_not_agree():
    row = simulate_sigmoid("cross_entropy", W, B, X, Y, ETA, EPOCH).iloc[EPOCH].copy()
    row["grad_w"] *= 1 + 1e-4
    checks = {c.parameter: c for c in check_sigmoid(row, "cross_entropy", {"w": W, "b": B, "x": X, "y": Y})}
    assert checks["w"].relative_error == pytest.approx(1e-4, rel=1e-2)
    assert checks["w"].resolvable and not checks["w"].agrees
    assert checks["b"].agrees  # the untouched gradient still agrees
    # The same verdicts on plain numbers: 1e-4 apart says no, 1e-8 apart says yes.
    assert not Check("w", 0.5 * (1 + 1e-4), 0.5).agrees
    assert Check("w", 0.5 * (1 + 1e-8), 0.5).agrees


def on_grid(low: float, high: float, step: float) -> st.SearchStrategy[float]:
    return st.integers(0, round((high - low) / step)).map(lambda k: round(low + k * step, 10))


@given(
    loss=st.sampled_from(list(LOSSES["sigmoid"])),
    w=on_grid(-10, 10, 0.1),
    b=on_grid(-10, 10, 0.1),
    x=on_grid(-3, 3, 0.1),
    y=on_grid(0, 1, 0.05),
)
@example(loss="quadratic", w=10.0, b=10.0, x=1.0, y=0.0)  # z = 20: ∂C/∂w ≈ 2e-9, round-off 5e-13
@example(loss="quadratic", w=10.0, b=10.0, x=3.0, y=0.0)  # z = 40: ∂C/∂w ≈ 3e-17, unresolvable
@settings(max_examples=200, deadline=None)
def test_the_engines_sigmoid_gradient_never_fails_its_check_anywhere_on_the_sliders(loss, w, b, x, y):
    row = simulate_sigmoid(loss, w, b, x, y, 0.15, 0).iloc[0]
    corner = loss == "absolute" and corner_within_step(w, b, [x], [y])
    checks = check_sigmoid(row, loss, {"w": w, "b": b, "x": x, "y": y})
    assert [check.parameter for check in checks] == ["w", "b"]  # no check may go missing
    for check in checks:
        assert check.agrees or (corner and check.corner), check
        assert not check.corner or corner, check
        if max(abs(check.analytic), abs(check.numeric)) >= 1e-3:  # far above any round-off here
            assert check.resolvable and check.relative_error < 1e-6, check


@given(
    loss=st.sampled_from(list(LOSSES["softmax"])),
    classes=st.integers(2, 10),
    margin=on_grid(-10, 10, 0.5),
    x=on_grid(-3, 3, 0.5),
)
@settings(max_examples=100, deadline=None)
def test_the_engines_softmax_gradient_never_fails_its_check(loss, classes, margin, x):
    logits = start_logits(classes, 0, margin)
    row = simulate_softmax(loss, [[0.0]] * classes, logits, [x], 0, 0.15, 0).iloc[0]
    start = {"classes": classes, "target": 0, "x": x, "margin": margin}
    checks = check_softmax(row, loss, start)
    rival = max(range(1, classes), key=lambda j: logits[j])
    assert [check.parameter for check in checks] == ["b_y", "W_y", f"b_{rival}"]
    for check in checks:
        assert check.agrees, check


def test_round_off_noise_widens_agreement_only_by_itself():
    """Agreement is |analytic − numeric| ≤ 1e-6·size + noise: noise 1e-11 forgives a gap of 5e-13
    at 2e-9, not a gap of 1e-10; a gradient under the noise is not resolvable."""
    assert Check("w", 2.0e-9, 2.0e-9 + 5e-13, noise=1e-11).agrees
    assert not Check("w", 2.0e-9, 2.0e-9 + 1e-10, noise=1e-11).agrees
    assert not Check("w", 5e-12, 0.0, noise=1e-11).resolvable
    assert Check("w", 5e-12, 0.0, noise=1e-11).agrees


def corner_within_step(w: float, b: float, xs, ys) -> bool:
    """Does some example's a − y change sign between the difference's two points, in w or in b?"""
    h_w, h_b = 1e-5 * max(1.0, abs(w)), 1e-5 * max(1.0, abs(b))
    for x, y in zip(xs, ys):
        for dw, db in ((h_w, 0.0), (0.0, h_b)):
            low = dataset_by_hand.output((w - dw) * x + (b - db)) - y
            high = dataset_by_hand.output((w + dw) * x + (b + db)) - y
            if low * high <= 0:
                return True
    return False


data_sets = st.lists(st.tuples(on_grid(-3, 3, 0.1), on_grid(0, 1, 0.05)), min_size=1, max_size=20)


@given(
    loss=st.sampled_from(dataset_by_hand.SIGMOID_LOSSES),
    w=on_grid(-10, 10, 0.1),
    b=on_grid(-10, 10, 0.1),
    data=data_sets,
)
@example(loss="quadratic", w=-8.0, b=0.0, data=[(1.0, 1.0), (-1.0, 0.0)])  # the plateau: ∂C/∂b = 0
@settings(max_examples=100, deadline=None)
def test_a_data_sets_gradient_checks_against_its_mean_cost_and_never_disagrees(loss, w, b, data):
    xs, ys = [p[0] for p in data], [p[1] for p in data]
    # A cost from logits z is accurate to a few ulps of |z| (cross-entropy is softplus(z) − y·z).
    logits = max(abs(w * x + b) for x in xs)
    assert sigmoid_cost(loss, w, b, xs, ys) == pytest.approx(
        dataset_by_hand.cost(loss, w, b, xs, ys), rel=1e-12, abs=1e-14 * (1 + logits)
    )
    grad_w, grad_b = dataset_by_hand.gradient(loss, w, b, xs, ys)
    row = pd.Series({"w": w, "b": b, "grad_w": grad_w, "grad_b": grad_b})
    checks = check_sigmoid(row, loss, {"x": xs, "y": ys})
    assert [c.parameter for c in checks] == ["w", "b"]
    # The absolute error |a − y| has a corner at a = y: where a step of the difference crosses it,
    # no derivative exists and the central difference averages the two one-sided slopes.
    corner = loss == "absolute" and corner_within_step(w, b, xs, ys)
    for check in checks:
        assert check.agrees or (corner and check.corner), check
        assert not check.corner or corner, check
    assume(not corner)  # the sentence at a corner: test_a_corner_of_the_absolute_error_is_named
    sentence = check_sentence(checks)
    assert sentence.endswith("; they agree.") or sentence.endswith(
        "; too small for a finite difference to check."
    )
    assert ("too small for a finite difference to check" in sentence) == (
        not any(c.resolvable for c in checks)
    )


def test_a_data_sets_gradient_off_by_a_relative_1e_4_does_not_agree():
    xs, ys = [1.0, -2.0, 0.5], [1.0, 0.0, 1.0]
    grad_w, grad_b = dataset_by_hand.gradient("cross_entropy", 0.3, -0.2, xs, ys)
    row = pd.Series({"w": 0.3, "b": -0.2, "grad_w": grad_w * (1 + 1e-4), "grad_b": grad_b})
    checks = check_sigmoid(row, "cross_entropy", {"x": xs, "y": ys})
    assert not checks[0].agrees and checks[1].agrees
    assert check_sentence(checks).endswith("; they do not agree.")


@pytest.mark.parametrize("data", [[(-0.6, 0.5)], [(-0.6, 0.5), (1.0, 1.0)]])
def test_a_corner_of_the_absolute_error_is_named_not_called_a_disagreement(data):
    """w = −9, b = −5.4, x = −0.6: z = 9·0.6 − 5.4 is 0 but for a rounding of 9e-16, so a = ½ = y
    up to an ulp: |a − y| has its corner there, where the slopes on the two sides are ±σ′(z)·x."""
    xs, ys = [p[0] for p in data], [p[1] for p in data]
    grad_w, grad_b = dataset_by_hand.gradient("absolute", -9.0, -5.4, xs, ys)
    row = pd.Series({"w": -9.0, "b": -5.4, "grad_w": grad_w, "grad_b": grad_b})
    checks = check_sigmoid(
        row, "absolute", {"x": xs if len(xs) > 1 else xs[0], "y": ys if len(ys) > 1 else ys[0]}
    )
    assert all(c.corner and not c.agrees for c in checks), checks
    sentence = check_sentence(checks)
    assert "(a corner)" in sentence and "the cost has a corner here" in sentence
    assert "do not agree" not in sentence
