"""The loss registry: every ∂C/∂z is the derivative of its own cost, every loss is stable for
|z| up to 1e3, the focal and label-smoothing losses have the values of their definitions
(computed here from the formulas, with `math`), and a softmax run of the new losses is the
plain loop's (`oracles`)."""

from __future__ import annotations

import math
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from oracles import softmax_logits, softmax_run

from lossdemo import simulate_softmax
from lossdemo.engine import sigmoid as sigmoid_runs
from lossdemo.engine import softmax as softmax_runs
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.losses import (
    DEFAULT_LOSSES,
    LOSSES,
    SMOOTHING,
    focal_sigmoid,
    focal_softmax,
    label_smoothing,
)
from lossdemo.engine.softmax import one_hot
from lossdemo.language.words import loss_words
from lossdemo.teaching.chain_rule import LiveValues

SIGMOID = list(LOSSES["sigmoid"])
SOFTMAX = list(LOSSES["softmax"])
EPS = np.finfo(float).eps
H = 1e-5  # step of the central differences
RTOL = 1e-6  # truncation error h²·C‴/6 is ~1e-10 of C′ here: a wide margin, far below any real bug


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@contextmanager
def no_warnings():
    """Every warning an error, whatever the pytest configuration (numpy's overflow, 0/0, log 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def sigmoid_delta(entry, z, y):
    """∂C/∂z at the logits z, as a run computes it."""
    return sigmoid_runs.points(entry, z, y)[2]


def softmax_outputs(entry, z: np.ndarray, y: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, ∂C/∂z, one-hot t) at the rows of logits z for the target class y, as a run computes them."""
    t = one_hot(z.shape[1], [y])
    return (*softmax_runs.points(entry, z, t), t)


def delta_on_floats(entry, z, a, y: int) -> list[float]:
    """One example's ∂C/∂z, the registry's delta called on its own (a kernel calls it so)."""
    out = np.empty(len(z))
    entry.delta(np.asarray(z, dtype=float), np.asarray(a, dtype=float), one_hot(len(z), y), out)
    return out.tolist()


def test_a_fresh_page_compares_the_first_two_losses_of_each_kind():
    for neuron in LOSSES:
        assert DEFAULT_LOSSES[neuron] == tuple(LOSSES[neuron])[:2]


# --- ∂C/∂z is the derivative of the cost ---------------------------------------------------------


def close_to_difference(numeric: float, exact: float, cost: float, scale: float, step: float) -> bool:
    """A central difference is exact to RTOL plus the cost's rounding (a few eps of the size of
    the numbers it is made of) divided by the step."""
    return abs(numeric - exact) <= RTOL * abs(exact) + 16 * EPS * (1.0 + abs(cost) + scale) / step


@settings(max_examples=400, deadline=None)
@given(loss=st.sampled_from(SIGMOID), z=floats(-30, 30), y=floats(0, 1) | st.sampled_from([0.0, 1.0]))
def test_every_sigmoid_delta_is_the_central_difference_of_its_cost(loss, z, y):
    entry = LOSSES["sigmoid"][loss]
    around = np.array([z - H, z + H])
    cost = entry.cost(around, sigmoid(around)[0], y)
    numeric = (cost[1] - cost[0]) / (around[1] - around[0])
    a, _, exact = sigmoid_runs.points(entry, z, y)
    if loss == "absolute":
        assume(abs(a - y) > H)  # |da/dz| ≤ ¼: no kink between z − h and z + h
    assert close_to_difference(numeric, exact, cost.max(), abs(z), around[1] - around[0]), (numeric, exact)


@settings(max_examples=200, deadline=None)
@given(loss=st.sampled_from(SOFTMAX), data=st.data())
def test_every_softmax_delta_is_the_central_difference_of_its_cost_in_every_logit(loss, data):
    classes = data.draw(st.integers(2, 10), label="classes")
    z = data.draw(arrays(float, classes, elements=floats(-20, 20)), label="z")
    y = data.draw(st.integers(0, classes - 1), label="y")
    entry = LOSSES["softmax"][loss]
    delta = softmax_outputs(entry, z[None, :], y)[1][0]
    for j in range(classes):
        around = np.array([z, z])
        around[0, j] -= H
        around[1, j] += H
        a, _, t = softmax_outputs(entry, around, y)
        cost = entry.cost(around, a, t)
        step = around[1, j] - around[0, j]
        numeric = (cost[1] - cost[0]) / step
        assert close_to_difference(numeric, delta[j], cost.max(), np.abs(z).max(), step), (j, numeric, delta)


# --- stable for |z| up to 1e3 ---------------------------------------------------------------------

WIDE = np.concatenate(
    [np.linspace(-1e3, 1e3, 4001), [-745.5, -709.9, -37.0, -1e-300, 0.0, 1e-300, 37.0, 709.9, 745.5]]
)


@pytest.mark.parametrize("loss", SIGMOID)
@pytest.mark.parametrize("y", [0.0, 0.3, 1.0])
def test_every_sigmoid_loss_is_finite_and_warning_free_up_to_1e3(loss, y):
    entry = LOSSES["sigmoid"][loss]
    with no_warnings():
        a, sp, delta = sigmoid_runs.points(entry, WIDE, y)
        cost = entry.cost(WIDE, a, y)
        on_floats = [entry.delta(float(z), float(ai), float(si), y) for z, ai, si in zip(WIDE, a, sp)]
    assert np.isfinite(cost).all() and (cost >= 0).all()
    assert np.isfinite(delta).all() and np.isfinite(on_floats).all()


@st.composite
def wide_rows(draw):
    classes = draw(st.integers(2, 10))
    rows = draw(arrays(float, (draw(st.integers(1, 4)), classes), elements=floats(-1e3, 1e3)))
    return rows, draw(st.integers(0, classes - 1))


def extreme_rows(classes: int, y: int) -> np.ndarray:
    """The target far below a rival (a_y underflows to 0), far above, tied, and at ±1e3."""
    rows = np.zeros((5, classes))
    rows[0, y], rows[0, (y + 1) % classes] = -1e3, 1e3
    rows[1, y] = 1e3
    rows[1, [j for j in range(classes) if j != y]] = -1e3
    rows[3] = 1e3
    rows[4] = -1e3
    return rows


def check_softmax_rows(entry, z: np.ndarray, y: int) -> None:
    with no_warnings():
        a, delta, t = softmax_outputs(entry, z, y)
        cost = entry.cost(z, a, t)
        on_floats = [delta_on_floats(entry, row, a[i], y) for i, row in enumerate(z)]
    assert np.isfinite(cost).all() and (cost >= 0).all()
    assert np.isfinite(delta).all() and np.isfinite(on_floats).all()


@settings(max_examples=100, deadline=None)
@given(loss=st.sampled_from(SOFTMAX), rows=wide_rows())
def test_every_softmax_loss_is_finite_and_warning_free_up_to_1e3(loss, rows):
    check_softmax_rows(LOSSES["softmax"][loss], *rows)


@pytest.mark.parametrize("loss", SOFTMAX)
@pytest.mark.parametrize(("classes", "y"), [(2, 0), (3, 2), (10, 4)])
def test_every_softmax_loss_is_finite_at_the_extremes(loss, classes, y):
    check_softmax_rows(LOSSES["softmax"][loss], extreme_rows(classes, y), y)


# --- a run of the new losses -------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["focal", "label_smoothing"])
@pytest.mark.parametrize("classes", [3, 10])
@pytest.mark.parametrize("margin", [-2.0, 4.0, 800.0])
def test_simulate_softmax_runs_the_new_losses_as_the_plain_loop(loss, classes, margin):
    """margin 800 starts with a_y underflowed to 0."""
    b = [0.0] + [margin] + [min(margin, 0.0) - j for j in range(classes - 2)]
    x, eta, epochs = 0.5, 0.4, 300
    run = simulate_softmax(loss, np.zeros((classes, 1)), b, [x], 0, eta, epochs)
    params = softmax_run(loss, "gd", [[0.0]] * classes, b, [[x]], [0], eta, epochs)
    want = softmax_logits(params, [[x]], classes)[:, 0, :]
    np.testing.assert_allclose(
        run[[f"z_{j}" for j in range(classes)]].to_numpy(), want, rtol=1e-12, atol=1e-12
    )
    assert np.isfinite(run.to_numpy()).all()


# --- γ = 0 and ε = 0 are the plain losses -----------------------------------------------------

GRID = np.concatenate([np.linspace(-40, 40, 801), [-1e3, 1e3]])


@pytest.mark.parametrize("y", [0.0, 0.25, 1.0])
def test_sigmoid_focal_with_gamma_0_is_cross_entropy(y):
    """To the rounding of cross-entropy's cost softplus(z) − yz, a few eps of |z| (focal's
    y·softplus(−z) + (1 − y)·softplus(z) is the same function)."""
    plain, focal = LOSSES["sigmoid"]["cross_entropy"], focal_sigmoid(0)
    a = sigmoid(GRID)[0]
    for got, want in [
        (focal.cost(GRID, a, y), plain.cost(GRID, a, y)),
        (sigmoid_delta(focal, GRID, y), sigmoid_delta(plain, GRID, y)),
    ]:
        assert (np.abs(got - want) <= 1e-13 * np.abs(want) + 8 * EPS * (1 + np.abs(GRID))).all()


def random_rows(classes: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-20, 20, (200, classes))


@pytest.mark.parametrize(("classes", "y"), [(2, 1), (3, 0), (10, 7)])
def test_softmax_focal_with_gamma_0_and_label_smoothing_with_epsilon_0_are_log_likelihood(classes, y):
    z = np.vstack([random_rows(classes, classes), extreme_rows(classes, y)])
    plain = LOSSES["softmax"]["log_likelihood"]
    a, want_delta, t = softmax_outputs(plain, z, y)
    want_cost = plain.cost(z, a, t)
    for loss in (focal_softmax(0), label_smoothing(0.0)):
        np.testing.assert_allclose(loss.cost(z, a, t), want_cost, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(softmax_outputs(loss, z, y)[1], want_delta, rtol=1e-13, atol=1e-16)


# --- values of the definitions, computed here -------------------------------------------------


def sigmoid_focal_by_hand(z: float, y: float, gamma: float = 2.0) -> tuple[float, float]:
    """Cost and ∂C/∂z from the textbook form: C as defined, ∂C/∂z = ∂C/∂a · σ′(z), with 1 − a
    and the logs written from z so they stay accurate in saturation."""
    a, b = 1 / (1 + math.exp(-z)), 1 / (1 + math.exp(z))
    log_a, log_b = -math.log1p(math.exp(-z)), -math.log1p(math.exp(z))
    cost = -(y * b**gamma * log_a + (1 - y) * a**gamma * log_b)
    dc_da = -y * (-gamma * b ** (gamma - 1) * log_a + b**gamma / a) - (1 - y) * (
        gamma * a ** (gamma - 1) * log_b - a**gamma / b
    )
    return cost, dc_da * a * b


@pytest.mark.parametrize(
    ("z", "y"),
    [(2.0, 0.0), (2.0, 1.0), (-1.0, 0.3), (0.0, 0.5), (30.0, 1.0), (36.0, 1.0), (-30.0, 0.0), (-25.0, 1.0)],
)
def test_sigmoid_focal_has_the_values_of_its_definition(z, y):
    entry = LOSSES["sigmoid"]["focal"]
    cost, delta = sigmoid_focal_by_hand(z, y)
    a = sigmoid(np.array([z]))[0]
    assert entry.cost(np.array([z]), a, y)[0] == pytest.approx(cost, rel=1e-13, abs=0)
    # relative even at z = ±30, where ∂C/∂z ~ 1e-39: 1 − a rounded from a would be off by 1e-3
    assert sigmoid_delta(entry, z, y) == pytest.approx(delta, rel=1e-12, abs=0)


def test_sigmoid_focal_at_z_2_y_0_by_plain_numbers():
    a = 1 / (1 + math.exp(-2.0))  # 0.8807970779778823
    cost = -(a**2) * math.log(1 - a)
    delta = a**2 * (a - 2 * (1 - a) * math.log(1 - a))
    entry = LOSSES["sigmoid"]["focal"]
    assert entry.cost(np.array([2.0]), np.array([a]), 0.0)[0] == pytest.approx(cost, rel=1e-12, abs=0)
    assert entry.delta(2.0, a, a * (1 - a), 0.0) == pytest.approx(delta, rel=1e-12, abs=0)
    assert cost == pytest.approx(1.65008, abs=1e-5) and delta == pytest.approx(1.07671, abs=1e-5)


@pytest.mark.parametrize(("z", "y"), [(2.0, 0.0), (-1.0, 0.3), (0.0, 0.5), (25.0, 0.0)])
def test_absolute_error_has_the_values_of_its_definition(z, y):
    a = 1 / (1 + math.exp(-z))
    slope = math.exp(-z) / (1 + math.exp(-z)) ** 2
    entry = LOSSES["sigmoid"]["absolute"]
    got_a = sigmoid(np.array([z]))[0]
    assert entry.cost(np.array([z]), got_a, y)[0] == pytest.approx(abs(a - y), rel=1e-13, abs=0)
    want = 0.0 if a == y else math.copysign(slope, a - y)
    assert sigmoid_delta(entry, z, y) == pytest.approx(want, rel=1e-12, abs=0)


def softmax_by_hand(z: list[float]) -> list[float]:
    total = sum(math.exp(v) for v in z)
    return [math.exp(v) / total for v in z]


@pytest.mark.parametrize(("z", "y"), [([1.0, 2.0, 0.5], 0), ([1.0, 2.0, 0.5], 1), ([30.0, 0.0, -5.0], 0)])
def test_softmax_focal_has_the_values_of_its_definition(z, y):
    """C = −(1 − a_y)² ln a_y; ∂C/∂z_j = ∂C/∂a_y · ∂a_y/∂z_j = ∂C/∂a_y · a_y(δ_yj − a_j)."""
    a = softmax_by_hand(z)
    rest = sum(v for j, v in enumerate(a) if j != y)  # 1 − a_y, accurate when a_y ≈ 1
    log_a_y = -math.log1p(rest / a[y])
    cost = -(rest**2) * log_a_y
    dc_da = 2 * rest * log_a_y - rest**2 / a[y]
    want = [dc_da * a[y] * ((j == y) - a[j]) for j in range(3)]
    entry = LOSSES["softmax"]["focal"]
    zz = np.array([z])
    got_a, got, t = softmax_outputs(entry, zz, y)
    assert entry.cost(zz, got_a, t)[0] == pytest.approx(cost, rel=1e-12, abs=0)
    assert got[0].tolist() == pytest.approx(want, rel=1e-11, abs=0)


def torch_label_smoothing(z: list[float], y: int, epsilon: float) -> float:
    """torch.nn.functional.cross_entropy(z, y, label_smoothing=ε), one sample, written out:
    log_softmax, then (1 − ε)·nll_loss + (ε / K)·(−Σ_j log_softmax_j)."""
    top = max(z)
    log_p = [v - top - math.log(sum(math.exp(u - top) for u in z)) for v in z]
    return (1 - epsilon) * -log_p[y] + epsilon / len(z) * -sum(log_p)


@pytest.mark.parametrize(
    ("z", "y"), [([1.0, 2.0, 0.5], 0), ([1.0, 2.0, 0.5], 2), ([3.0, -1.0], 1), ([40.0, 0.0, 0.0, -3.0], 0)]
)
def test_label_smoothing_is_torch_cross_entropy_with_label_smoothing(z, y):
    classes = len(z)
    a = softmax_by_hand(z)
    q = [(1 - SMOOTHING) * (j == y) + SMOOTHING / classes for j in range(classes)]
    entry = LOSSES["softmax"]["label_smoothing"]
    zz = np.array([z])
    got_a, got, t = softmax_outputs(entry, zz, y)
    assert entry.cost(zz, got_a, t)[0] == pytest.approx(
        torch_label_smoothing(z, y, SMOOTHING), rel=1e-13, abs=0
    )
    assert got[0].tolist() == pytest.approx([aj - qj for aj, qj in zip(a, q)], rel=1e-12, abs=1e-15)


def test_label_smoothing_at_z_1_2_half_y_0_by_plain_numbers():
    z = [1.0, 2.0, 0.5]
    lse = math.log(math.e + math.e**2 + math.e**0.5)  # 2.46437...
    cost = 0.9 * (lse - 1.0) + 0.1 / 3 * (3 * lse - 3.5)
    entry = LOSSES["softmax"]["label_smoothing"]
    zz = np.array([z])
    a, _, t = softmax_outputs(entry, zz, 0)
    assert entry.cost(zz, a, t)[0] == pytest.approx(cost, rel=1e-13, abs=0)
    assert cost == pytest.approx(1.44770, abs=1e-5)


@pytest.mark.parametrize(("classes", "y"), [(2, 0), (3, 1), (10, 9)])
def test_label_smoothing_bottoms_out_above_0_at_a_y_below_1(classes, y):
    """At a = q (z = ln q) the gradient vanishes and the cost is the entropy of q, not 0; a
    more confident layer costs more."""
    q = [0.9 * (j == y) + 0.1 / classes for j in range(classes)]
    entropy = -sum(p * math.log(p) for p in q)
    entry = LOSSES["softmax"]["label_smoothing"]
    for z, above in ([math.log(p) for p in q], False), ([30.0 * (j == y) for j in range(classes)], True):
        zz = np.array([z])
        a, deltas, t = softmax_outputs(entry, zz, y)
        cost, delta = entry.cost(zz, a, t)[0], deltas[0]
        if above:
            assert cost > entropy + 1.0  # pushed back from a_y ≈ 1:
            assert delta[y] == pytest.approx(SMOOTHING * (1 - 1 / classes), rel=1e-9, abs=0)
        else:
            assert cost == pytest.approx(entropy, rel=1e-14, abs=0) and entropy > 0.19
            assert max(abs(d) for d in delta) < 1e-15
    assert q[y] == pytest.approx(0.9 + 0.1 / classes) and q[y] < 1


# --- factories and formulas on the page -------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, 1.5, 2.0, True, "2", 11])
def test_focal_factories_take_an_integer_gamma(bad):
    for factory in (focal_sigmoid, focal_softmax):
        with pytest.raises(ValueError, match="gamma must be an integer from 0 to 10"):
            factory(bad)


@pytest.mark.parametrize("bad", [-0.1, 1.0, True, "0.1", math.nan])
def test_label_smoothing_takes_an_epsilon_in_0_1(bad):
    with pytest.raises(ValueError, match=r"epsilon must be a number in \[0, 1\)"):
        label_smoothing(bad)


@pytest.mark.parametrize(("neuron", "loss"), [(n, k) for n in LOSSES for k in LOSSES[n]])
def test_a_loss_carries_the_slope_exactly_when_its_gradient_vanishes_with_it(neuron, loss):
    """carries_slope is what the page says of a loss: its ∂C/∂z (the target's) shrinks with the
    slope σ′ as a badly wrong output saturates, where a loss without it keeps a gradient of order 1."""
    entry = LOSSES[neuron][loss]
    if neuron == "sigmoid":
        delta = abs(sigmoid_delta(entry, 30.0, 0.0))  # a = 1 − 9e-14, target 0
    else:
        delta = abs(softmax_outputs(entry, np.array([[0.0, 30.0, 0.0]]), 0)[1][0, 0])
    assert (delta < 1e-10) == entry.carries_slope, delta


@pytest.mark.parametrize(("neuron", "loss"), [(n, k) for n in LOSSES for k in LOSSES[n]])
@pytest.mark.parametrize("output", [0.0, 1e-9, 0.5, 1.0])
def test_every_loss_writes_its_live_factors_even_at_a_saturated_output(neuron, loss, output):
    entry = loss_words(neuron, loss)
    classes = 3 if neuron == "softmax" else 0
    live = LiveValues(
        a=output, y=1.0 if classes else 0.3, sigma_prime=output * (1 - output), rivals=0.0, classes=classes
    )
    text = entry.values_tex(live)
    assert text and "nan" not in text and "inf" not in text
    assert entry.purpose and entry.cost_tex.startswith("C = ")
    assert entry.delta_tex.startswith(r"\frac{\partial C}{\partial z} = ")


def test_label_smoothing_writes_its_target_share_for_the_number_of_classes():
    live = LiveValues(a=0.5, y=1.0, sigma_prime=0.25, rivals=0.1, classes=4)
    assert loss_words("softmax", "label_smoothing").values_tex(live) == "0.5 - 0.925"
