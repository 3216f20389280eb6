"""The compiled training kernels against the plain one-epoch-at-a-time loops of `oracles`, within a
relative 1e-12: every loss of the registry × every optimizer × both neuron kinds, one example and
data sets, drawn by hypothesis; the map's cells and the start plane's cells are their runs.

Why 1e-12 holds: the kernels and the oracles do the same IEEE operations in nearly the same order
(the same C library's exp and log1p), so they differ by a few ulps per epoch; 1e-12 is thousands
of times that over the short runs drawn here and far below what a wrong formula or a swapped
optimizer would give. Adam divides a gradient by its own size, so where a gradient component
cancels to rounding its step is decided by that rounding: such runs are compared only up to the
first epoch where one does (`stable_rows`)."""

from __future__ import annotations

import numpy as np
import pytest
from findings_oracle import aim, status
from hypothesis import example, given, settings
from hypothesis import strategies as st
from oracles import OPTIMIZERS as ORACLE_OPTIMIZERS
from oracles import sigmoid_gradient, sigmoid_run, softmax_gradient, softmax_logits, softmax_run

from lossdemo import LOSSES, simulate_sigmoid, simulate_softmax
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.engine.start_sweep import sweep_starts
from lossdemo.engine.sweep import sweep_sigmoid, sweep_softmax

RTOL, ATOL = 1e-12, 1e-12
CANCELLED = 1e-7  # a gradient component below this is what rounding may decide under Adam


def finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def stable_rows(optimizer: str, gradients: np.ndarray) -> int:
    """How many rows to compare: all, unless Adam meets a gradient component rounding could flip."""
    if optimizer != "adam":
        return len(gradients)
    small = np.flatnonzero(np.abs(gradients).min(axis=1) < CANCELLED)
    return int(small[0]) + 1 if small.size else len(gradients)


@st.composite
def sigmoid_data(draw):
    n = draw(st.integers(1, 5))
    xs = draw(st.lists(finite(-3, 3), min_size=n, max_size=n))
    ys = draw(st.lists(st.sampled_from([0.0, 1.0]) | finite(0, 1), min_size=n, max_size=n))
    return xs, ys


@settings(max_examples=120, deadline=None)
@given(
    loss=st.sampled_from(list(LOSSES["sigmoid"])),
    optimizer=st.sampled_from(list(ORACLE_OPTIMIZERS)),
    w=finite(-4, 4),
    b=finite(-4, 4),
    data=sigmoid_data(),
    eta=finite(0.01, 2.0),
    epochs=st.integers(0, 60),
)
@example("focal", "adam", 2.0, 2.0, ([1.0], [0.0]), 0.15, 60)
@example("absolute", "momentum", 0.6, 0.9, ([1.0, -1.0, 0.5], [0.0, 1.0, 0.3]), 0.5, 60)
def test_a_sigmoid_run_is_the_plain_loops(loss, optimizer, w, b, data, eta, epochs):
    xs, ys = data
    x, y = (xs, ys) if len(xs) > 1 else (xs[0], ys[0])
    run = simulate_sigmoid(loss, w, b, x, y, eta, epochs, optimizer)
    expected = sigmoid_run(loss, optimizer, w, b, xs, ys, eta, epochs)
    gradients = np.array([sigmoid_gradient(loss, xs, ys)(row) for row in expected])
    rows = stable_rows(optimizer, gradients)
    np.testing.assert_allclose(run[["w", "b"]].to_numpy()[:rows], expected[:rows], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        run[["grad_w", "grad_b"]].to_numpy()[:rows], gradients[:rows], rtol=1e-9, atol=1e-13
    )


@settings(max_examples=80, deadline=None)
@given(
    loss=st.sampled_from(list(LOSSES["softmax"])),
    optimizer=st.sampled_from(list(ORACLE_OPTIMIZERS)),
    classes=st.integers(2, 10),
    inputs=st.integers(1, 3),
    n=st.integers(1, 4),
    data=st.data(),
    eta=finite(0.01, 2.0),
    epochs=st.integers(0, 40),
)
def test_a_softmax_run_is_the_plain_loops(loss, optimizer, classes, inputs, n, data, eta, epochs):
    W = data.draw(
        st.lists(
            st.lists(finite(-3, 3), min_size=inputs, max_size=inputs), min_size=classes, max_size=classes
        )
    )
    b = data.draw(st.lists(finite(-6, 6), min_size=classes, max_size=classes))
    X = data.draw(st.lists(st.lists(finite(-2, 2), min_size=inputs, max_size=inputs), min_size=n, max_size=n))
    labels = data.draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n))
    x, y = (X, labels) if n > 1 else (X[0], labels[0])
    run = simulate_softmax(loss, W, b, x, y, eta, epochs, optimizer)
    params = softmax_run(loss, optimizer, W, b, X, labels, eta, epochs)
    gradients = np.array([softmax_gradient(loss, classes, inputs, X, labels)(list(row)) for row in params])
    rows = stable_rows(optimizer, gradients)
    logits = softmax_logits(params, X, classes).mean(axis=1)
    got = run[[f"z_{j}" for j in range(classes)]].to_numpy()
    np.testing.assert_allclose(got[:rows], logits[:rows], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        run["grad_norm"].to_numpy()[:rows], np.linalg.norm(gradients, axis=1)[:rows], rtol=1e-9, atol=1e-13
    )


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("loss", list(LOSSES["sigmoid"]))
def test_a_map_cell_is_the_run_it_loads(loss, optimizer):
    """Each cell's epochs are those of the run from w = 0, b = z₀ at its η (halved for good), and
    it is unstable exactly where that run is."""
    z0, etas, cap = [-3.0, 0.5, 4.0], [0.1, 1.0, 6.0], 300
    frame = sweep_sigmoid([loss], 1.0, 0.2, z0, etas, cap=cap, optimizer=optimizer)
    optimum = frame.attrs["optimum"][loss]
    assert optimum == pytest.approx(aim("sigmoid", loss, y=0.2)[0], rel=1e-12)
    assert len(frame) == len(z0) * len(etas)  # a cell for every start and η
    for cell in frame.itertuples():
        run = simulate_sigmoid(loss, 0.0, cell.z0, 1.0, 0.2, cell.eta, cap, optimizer)
        signed = run["a"].to_numpy() - optimum
        assert cell.a0 == run["a"].iloc[0] and cell.goal == abs(signed[0]) / 2
        learned, epochs, unstable = status(signed, cell.goal, cap, *aim("sigmoid", loss, y=0.2)[1:])
        assert (cell.learned, cell.epochs, cell.unstable) == (learned, epochs, unstable)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("loss", list(LOSSES["softmax"]))
def test_a_softmax_map_cell_is_the_run_it_loads(loss, optimizer):
    frame = sweep_softmax([loss], 3, 1, 1.0, [-2.0, 3.0], [0.2, 2.0], cap=200, optimizer=optimizer)
    assert len(frame) == 2 * 2  # a cell for every margin and η
    for cell in frame.itertuples():
        b = [0.0, 0.0, 0.0]
        b[2], b[0] = cell.margin, min(cell.margin, 0.0)  # start_logits: the rival after the target
        run = simulate_softmax(loss, np.zeros((3, 1)), b, [1.0], 1, cell.eta, 200, optimizer)
        signed = run["a_y"].to_numpy() - frame.attrs["optimum"][loss]
        assert cell.error0 == abs(signed[0]) and cell.goal == abs(signed[0]) / 2
        learned, epochs, unstable = status(signed, cell.goal, 200, *aim("softmax", loss, classes=3)[1:])
        assert (cell.learned, cell.epochs, cell.unstable) == (learned, epochs, unstable)


def test_a_start_plane_cell_counts_the_epochs_of_the_run_from_its_start():
    xs, ys = [-1.0, 0.5, 2.0], [0.0, 1.0, 1.0]
    frame = sweep_starts(["quadratic", "cross_entropy"], xs, ys, [-3.0, 0.0, 2.5], [-1.0, 1.5], 0.8, cap=400)
    assert len(frame) == 2 * 3 * 2  # a cell for every loss and start
    for cell in frame.itertuples():
        run = simulate_sigmoid(cell.loss, cell.w0, cell.b0, xs, ys, 0.8, 400)
        within = np.flatnonzero(run["error"].to_numpy() <= cell.goal)
        assert cell.epochs == (within[0] if within.size else 401)
