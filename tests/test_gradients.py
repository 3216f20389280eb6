"""The gradient columns are the gradients of the cost column, and a run follows its own rule.

Finite differences: every cost is evaluated by the engine itself (a run of 0 epochs at perturbed
parameters) and differenced centrally. The step moves z by δ = 1e-7 · S, with S = max(1, |w·x|,
|b|) the size of the numbers that make up z (softmax: the largest Σ_k |W_jk x_k| + |b_j|): z is
only known to about eps · S, so a smaller step would difference rounding noise, and a larger one
would add the truncation error δ² · C‴ / 6. The comparison allows a relative error of 1e-6 plus an
absolute one of 1e-7 (per unit of |x| for a weight), a safe margin over the rounding noise, plus
that truncation error with |C‴| ≤ 1 (per unit of |x| for a weight). The truncation term matters
only for softmax layers, where S reaches 5·10⁴ (δ = 5·10⁻³, δ²/6 = 4·10⁻⁶): a random seed found
logits of 5 made of W x ≈ 21084 and b = −21079, where the difference quotient is off by 3.7e-7.
For a sigmoid neuron S ≤ 10⁴ and δ²/6 ≤ 2·10⁻⁷ · |C‴| stays below the absolute 1e-7.
(|C‴| in one logit: at most 1/(6√3) ≈ 0.096 for log-likelihood, about 0.2 for the quadratic cost.)

Where finite differences say nothing: a cost near 1/2 resolves changes only down to its last bit
(~1e-16), so where the quadratic cost's slope σ′(z) is below that, deep in saturation
(|z| ≳ 37), the cost is flat to machine precision and its difference quotient is 0 whatever the
true gradient. The properties of every loss whose gradient carries the slope (`carries_slope`:
quadratic, absolute error) therefore draw z from the band |z| ≤ 30 (for softmax, all logits
within ±15) and set b = z − w·x; the others (cross-entropy, log-likelihood, focal, label
smoothing) are linear in their wrong tails, never flat there, and draw w, b (W, b) directly over
the whole wide range. Absolute error has a kink at a = y: its points keep |a − y| above the step.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lossdemo import LOSSES, simulate_sigmoid, simulate_softmax

STEP = 1e-7
RTOL, ATOL = 1e-6, 1e-7


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def central_difference(cost, p: float, h: float) -> float:
    up, down = p + h, p - h
    return (cost(up) - cost(down)) / (up - down)


def close(numeric: float, exact: float, atol: float) -> bool:
    return abs(numeric - exact) <= RTOL * abs(exact) + atol


# --- sigmoid neuron -------------------------------------------------------------------------


@st.composite
def sigmoid_points(draw):
    loss = draw(st.sampled_from(list(LOSSES["sigmoid"])))
    w, x, y = draw(floats(-1e3, 1e3)), draw(floats(-10, 10)), draw(floats(0, 1))
    flat_tails = LOSSES["sigmoid"][loss].carries_slope
    b = draw(floats(-30, 30)) - w * x if flat_tails else draw(floats(-1e3, 1e3))
    return loss, w, b, x, y


def sigmoid_cost(loss, w, b, x, y) -> float:
    return simulate_sigmoid(loss, w, b, x, y, 1.0, 0)["cost"].iloc[0]


@settings(max_examples=300, deadline=None)
@given(sigmoid_points())
def test_sigmoid_gradients_equal_central_differences_of_the_cost(point):
    loss, w, b, x, y = point
    row = simulate_sigmoid(loss, w, b, x, y, 1.0, 0).iloc[0]
    dz = STEP * max(1.0, abs(w * x), abs(b))
    if loss == "absolute":
        assume(abs(row["a"] - y) > dz)  # σ′ ≤ ¼: a moves less than dz, so no kink in between
    fd_w = central_difference(lambda v: sigmoid_cost(loss, v, b, x, y), w, dz / max(1.0, abs(x)))
    fd_b = central_difference(lambda v: sigmoid_cost(loss, w, v, x, y), b, dz)
    assert close(fd_w, row["grad_w"], ATOL * max(1.0, abs(x))), (fd_w, row["grad_w"])
    assert close(fd_b, row["grad_b"], ATOL), (fd_b, row["grad_b"])


@settings(max_examples=100, deadline=None)
@given(floats(-1e3, 1e3), floats(-1e3, 1e3), floats(-10, 10), floats(0, 1), st.integers(0, 30))
def test_cross_entropy_gradient_is_exactly_a_minus_y_times_x(w, b, x, y, epochs):
    run = simulate_sigmoid("cross_entropy", w, b, x, y, 0.5, epochs)
    assert (run["grad_w"] == (run["a"] - y) * x).all()
    assert (run["grad_b"] == run["a"] - y).all()


@settings(max_examples=100, deadline=None)
@given(floats(-1e3, 1e3), floats(-1e3, 1e3), floats(-10, 10), floats(0, 1), st.integers(0, 30))
def test_quadratic_gradient_is_exactly_a_minus_y_times_sigma_prime_times_x(w, b, x, y, epochs):
    run = simulate_sigmoid("quadratic", w, b, x, y, 0.5, epochs)
    assert (run["grad_w"] == (run["a"] - y) * run["sigma_prime"] * x).all()
    assert (run["grad_b"] == (run["a"] - y) * run["sigma_prime"]).all()


@pytest.mark.parametrize("loss", ["quadratic", "cross_entropy"])
def test_sigmoid_row_k_is_the_state_after_k_gradient_steps(loss):
    w, b, x, y, eta = 0.7, -0.4, 1.5, 0.25, 0.3
    run = simulate_sigmoid(loss, w, b, x, y, eta, 2)
    assert list(run["epoch"]) == [0, 1, 2]
    for k in range(3):
        z = w * x + b
        a = 1 / (1 + math.exp(-z))
        grad_z = (a - y) * a * (1 - a) if loss == "quadratic" else a - y
        row = run.iloc[k]
        assert row["w"] == pytest.approx(w, rel=1e-12)
        assert row["b"] == pytest.approx(b, rel=1e-12)
        assert row["a"] == pytest.approx(a, rel=1e-12)
        assert row["grad_w"] == pytest.approx(grad_z * x, rel=1e-12)
        w, b = w - eta * grad_z * x, b - eta * grad_z


# --- softmax layer --------------------------------------------------------------------------


@st.composite
def softmax_points(draw):
    loss = draw(st.sampled_from(list(LOSSES["softmax"])))
    classes, inputs = draw(st.integers(2, 10)), draw(st.integers(1, 5))
    W = draw(arrays(float, (classes, inputs), elements=floats(-1e3, 1e3)))
    x = draw(arrays(float, (inputs,), elements=floats(-10, 10)))
    if LOSSES["softmax"][loss].carries_slope:
        b = draw(arrays(float, (classes,), elements=floats(-15, 15))) - W @ x
    else:
        b = draw(arrays(float, (classes,), elements=floats(-1e3, 1e3)))
    return loss, W, b, x, draw(st.integers(0, classes - 1))


def softmax_cost(loss, W, b, x, y) -> float:
    return simulate_softmax(loss, W, b, x, y, 1.0, 0)["cost"].iloc[0]


def softmax_step(W, b, x) -> float:
    """δ, the change of a logit in each finite difference: STEP times the size of its parts."""
    return STEP * max(1.0, float((np.abs(W) @ np.abs(x) + np.abs(b)).max()))


def softmax_numeric_gradient(loss, W, b, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Central differences of the cost in every W_jk and b_j."""
    dz = softmax_step(W, b, x)

    def moved(arr, index, value):
        out = arr.copy()
        out[index] = value
        return out

    grad_W = np.array(
        [
            [
                central_difference(
                    lambda v, j=j, k=k: softmax_cost(loss, moved(W, (j, k), v), b, x, y),
                    W[j, k],
                    dz / max(1.0, abs(x[k])),
                )
                for k in range(W.shape[1])
            ]
            for j in range(W.shape[0])
        ]
    )
    grad_b = np.array(
        [
            central_difference(lambda v, j=j: softmax_cost(loss, W, moved(b, j, v), x, y), b[j], dz)
            for j in range(len(b))
        ]
    )
    return grad_W, grad_b


# Logits of 5 made of W x = 21084 and b = −21079: δ = 4.2e-3, the truncation error 3.7e-7.
LARGE_PARTS = ("quadratic", np.full((2, 3), 753.0), np.full(2, -21079.0), np.array([10.0, 10.0, 8.0]), 1)


@settings(max_examples=100, deadline=None)
@given(softmax_points())
@example(LARGE_PARTS)
def test_softmax_gradients_equal_central_differences_of_the_cost(point):
    loss, W, b, x, y = point
    row = simulate_softmax(loss, W, b, x, y, 1.0, 0).iloc[0]
    grad_W, grad_b = softmax_numeric_gradient(loss, W, b, x, y)
    # Per logit: the absolute tolerance plus the truncation error δ²·|C‴|/6 with |C‴| ≤ 1.
    allowed = ATOL + softmax_step(W, b, x) ** 2 / 6
    assert close(grad_b[y], row["grad_b_y"], allowed), (grad_b[y], row["grad_b_y"], allowed)
    numeric_norm = math.sqrt((grad_W**2).sum() + (grad_b**2).sum())
    atol = allowed * math.sqrt(len(b) * (1 + (np.maximum(1.0, np.abs(x)) ** 2).sum()))
    assert close(numeric_norm, row["grad_norm"], atol), (numeric_norm, row["grad_norm"])


@settings(max_examples=100, deadline=None)
@given(softmax_points(), st.integers(0, 30))
def test_softmax_columns_hold_every_class_probability_and_the_target_slope(point, epochs):
    loss, W, b, x, y = point
    classes = len(b)
    run = simulate_softmax(loss, W, b, x, y, 0.5, epochs)
    assert len(run) == epochs + 1
    assert list(run["epoch"]) == list(range(epochs + 1))
    probabilities = run[[f"a_{j}" for j in range(classes)]]
    assert f"a_{classes}" not in run
    assert np.all(np.isfinite(probabilities.to_numpy()))
    assert np.allclose(probabilities.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (run["a_y"] == run[f"a_{y}"]).all()
    assert (run["sigma_prime"] == run["a_y"] * (1 - run["a_y"])).all()


def softmax_by_hand(loss, W, b, x, y, eta, epochs):
    """Rows (z, a, cost, ∂C/∂z) of gradient descent on W and b, from the textbook formulas
    (Nielsen, ch. 3, "Softmax"): ∂C/∂z = a − t for log-likelihood, J(a − t) for the quadratic cost."""
    rows = []
    t = np.eye(len(b))[y]
    for _ in range(epochs + 1):
        z = W @ x + b
        a = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        if loss == "log_likelihood":
            cost, grad_z = -math.log(a[y]), a - t
        else:
            cost, grad_z = 0.5 * ((a - t) ** 2).sum(), (np.diag(a) - np.outer(a, a)) @ (a - t)
        grad_W = np.outer(grad_z, x)
        rows.append((z, a, cost, grad_z, math.sqrt((grad_W**2).sum() + (grad_z**2).sum())))
        W, b = W - eta * grad_W, b - eta * grad_z
    return rows


@pytest.mark.parametrize("loss", ["log_likelihood", "quadratic"])
def test_softmax_row_k_is_the_state_after_k_updates_of_W_and_b(loss):
    W = np.array([[0.5, -1.0], [2.0, 0.3], [-0.7, 1.1]])
    b, x, y, eta = np.array([0.1, 1.0, -0.5]), np.array([0.8, -1.2]), 0, 0.4
    run = simulate_softmax(loss, W, b, x, y, eta, 2)
    assert len(run) == 3
    for k, (z, a, cost, grad_z, norm) in enumerate(softmax_by_hand(loss, W, b, x, y, eta, 2)):
        row = run.iloc[k]
        assert [row[f"z_{j}"] for j in range(3)] == pytest.approx(z, rel=1e-12)
        assert [row[f"a_{j}"] for j in range(3)] == pytest.approx(a, rel=1e-12)
        assert row["cost"] == pytest.approx(cost, rel=1e-12)
        assert row["grad_b_y"] == pytest.approx(grad_z[y], rel=1e-12)
        assert row["grad_norm"] == pytest.approx(norm, rel=1e-12)
