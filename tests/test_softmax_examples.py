"""A softmax layer on a data set of several examples (issue #18): mean cost and gradients against
the plain-Python oracle of `dataset_by_hand`, central differences, a run's path under every
optimizer, and one label in a sequence as today's single-example run, bit for bit.

Tolerances as in test_examples: 1e-12 relative for one evaluation (a few ulps per term, summed
in another order), 1e-9 along a path of updates (rounding grows with each)."""

from __future__ import annotations

import dataset_by_hand
import numpy as np
import pytest
from dataset_by_hand import softmax_cost_and_gradient
from hypothesis import given, settings
from hypothesis import strategies as st

from lossdemo import LOSSES, simulate_softmax
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.engine.softmax import EXAMPLE_QUANTITIES

HAND_LOSSES = dataset_by_hand.SOFTMAX_LOSSES


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def layers(draw, max_examples: int = 8):
    classes, inputs, n = draw(st.integers(2, 5)), draw(st.integers(1, 3)), draw(st.integers(2, max_examples))
    W = [draw(st.lists(floats(-3, 3), min_size=inputs, max_size=inputs)) for _ in range(classes)]
    b = draw(st.lists(floats(-3, 3), min_size=classes, max_size=classes))
    X = [draw(st.lists(floats(-3, 3), min_size=inputs, max_size=inputs)) for _ in range(n)]
    labels = draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n))
    return W, b, X, labels


def close(got: float, expected: float, rtol: float = 1e-12, atol: float = 1e-13) -> bool:
    return abs(got - expected) <= rtol * abs(expected) + atol


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(HAND_LOSSES), layers())
def test_cost_and_gradient_are_the_means_over_the_examples(loss, layer):
    W, b, X, labels = layer
    row = simulate_softmax(loss, W, b, X, labels, 0.1, 0).iloc[0]
    cost, gW, gb = softmax_cost_and_gradient(loss, W, b, X, labels)
    assert close(row["cost"], cost)
    for j, g in enumerate(gb):  # grad_z_j is ∂C/∂b_j
        assert close(row[f"grad_z_{j}"], g)
    norm = np.sqrt(sum(g * g for g in gb) + sum(g * g for r in gW for g in r))
    assert close(row["grad_norm"], norm)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(HAND_LOSSES), layers(max_examples=5))
def test_the_gradient_is_the_central_difference_of_the_cost(loss, layer):
    """The oracle's mean cost differenced in every bias (against grad_z_j) and every weight too
    (their norm against grad_norm). |z| ≤ 30 here and costs are O(10): h = 1e-6 leaves rounding
    noise ≈ 1e-9 and truncation h²|C‴|/6 ≈ 1e-12·|C‴|."""
    W, b, X, labels = layer
    row = simulate_softmax(loss, W, b, X, labels, 0.1, 0).iloc[0]
    h = 1e-6

    def difference(shift) -> float:
        up, down = shift(h), shift(-h)
        return (
            softmax_cost_and_gradient(loss, *up, X, labels)[0]
            - softmax_cost_and_gradient(loss, *down, X, labels)[0]
        ) / (2 * h)

    def bias(j):
        return lambda d: (W, [v + (d if r == j else 0.0) for r, v in enumerate(b)])

    def weight(j, k):
        return lambda d: (
            [[v + (d if (r, c) == (j, k) else 0.0) for c, v in enumerate(wr)] for r, wr in enumerate(W)],
            b,
        )

    fd_b = [difference(bias(j)) for j in range(len(b))]
    fd_w = [difference(weight(j, k)) for j in range(len(b)) for k in range(len(X[0]))]
    for j, g in enumerate(fd_b):
        assert close(row[f"grad_z_{j}"], g, 1e-6, 1e-8)
    assert close(row["grad_norm"], float(np.sqrt(sum(g * g for g in fd_b + fd_w))), 1e-6, 1e-8)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("loss", list(LOSSES["softmax"]))
def test_every_optimizer_descends_the_mean_cost(loss, optimizer):
    X = [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [0.5, -0.5]]
    labels = [0, 1, 2, 0]
    run = simulate_softmax(loss, np.zeros((3, 2)), [2.0, 0.0, -2.0], X, labels, 0.1, 200, optimizer)
    assert len(run) == 201 and np.isfinite(run.drop(columns="epoch").to_numpy()).all()
    assert run["cost"].iloc[-1] < 0.8 * run["cost"].iloc[0]
    n = len(labels)
    own = run[[f"a_y_ex{i}" for i in range(n)]].to_numpy()
    assert np.allclose(run["a_y"], own.mean(axis=1), rtol=1e-15, atol=0)
    assert (run["error_max"] == (1.0 - own).max(axis=1)).all()


def test_gradient_descent_follows_the_mean_gradient_by_hand():
    """Ten updates of W and b by hand against the run's logits."""
    W, b = [[0.5, -1.0], [0.0, 0.3], [-0.2, 0.1]], [0.1, -0.4, 0.2]
    X, labels, eta = [[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]], [2, 0, 1], 0.4
    run = simulate_softmax("quadratic", W, b, X, labels, eta, 10)
    for k in range(11):
        for i, (x, label) in enumerate(zip(X, labels)):
            z = b[label] + sum(w * v for w, v in zip(W[label], x))
            assert close(run[f"z_y_ex{i}"].iloc[k], z, 1e-9, 1e-9), (k, i)
        _, gW, gb = softmax_cost_and_gradient("quadratic", W, b, X, labels)
        W = [[w - eta * g for w, g in zip(wr, gr)] for wr, gr in zip(W, gW)]
        b = [v - eta * g for v, g in zip(b, gb)]


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(list(LOSSES["softmax"])),
    st.sampled_from(list(OPTIMIZERS)),
    st.integers(2, 4),
    st.data(),
    floats(0.01, 2.0),
    st.integers(0, 40),
)
def test_one_label_in_a_sequence_is_the_single_example_run_bit_for_bit(
    loss, optimizer, classes, data, eta, epochs
):
    inputs = data.draw(st.integers(1, 3))
    W = data.draw(
        st.lists(
            st.lists(floats(-20, 20), min_size=inputs, max_size=inputs), min_size=classes, max_size=classes
        )
    )
    b = data.draw(st.lists(floats(-20, 20), min_size=classes, max_size=classes))
    x = data.draw(st.lists(floats(-5, 5), min_size=inputs, max_size=inputs))
    label = data.draw(st.integers(0, classes - 1))
    single = simulate_softmax(loss, W, b, x, label, eta, epochs, optimizer)
    data_set = simulate_softmax(loss, W, b, np.array([x]), [label], eta, epochs, optimizer)
    for column in single:
        assert data_set[column].to_numpy().tobytes() == single[column].to_numpy().tobytes(), column
    for q in EXAMPLE_QUANTITIES:
        assert data_set[f"{q}_ex0"].to_numpy().tobytes() == data_set[q].to_numpy().tobytes(), q
