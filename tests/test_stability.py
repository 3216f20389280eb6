"""Every run stays finite, with a cost >= 0, however wrong the start, however large the step and
however long the run. pyproject.toml turns every warning into an error, so a single overflow or
0/0 inside numpy (a RuntimeWarning) fails these tests too; the first test checks that is so.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lossdemo import LOSSES, MAX_CLASSES, MAX_EPOCHS, simulate_sigmoid, simulate_softmax
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_ETA, PARAM_BOUND
from lossdemo.engine.softmax import MAX_INPUTS

SIGMOID_LOSSES = list(LOSSES["sigmoid"])
SOFTMAX_LOSSES = list(LOSSES["softmax"])


def floats(low: float, high: float, **kwargs) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False, **kwargs)


def assert_sane(run) -> None:
    for name, column in run.items():
        assert np.isfinite(column.to_numpy()).all(), f"column {name} is not finite"
    assert (run["cost"] >= 0).all()
    assert (run["sigma_prime"] >= 0).all() and (run["sigma_prime"] <= 0.25).all()
    outputs = run[[c for c in run if c == "a" or c.startswith("a_")]].to_numpy()
    assert ((outputs >= 0) & (outputs <= 1)).all()


def test_sigma_prime_never_exceeds_a_quarter_next_to_zero():
    z = np.concatenate([np.linspace(-1e-15, 1e-15, 20_001), [-2.8e-16, 0.0, 5e-324, -5e-324]])
    run_factor = sigmoid(z)[1]
    assert run_factor.max() == 0.25 and (run_factor <= 0.25).all()


def test_warnings_are_errors_in_this_test_suite(pytestconfig):
    assert "error" in pytestconfig.getini("filterwarnings")
    with pytest.raises(RuntimeWarning):
        np.exp(np.array(1e4))


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(SIGMOID_LOSSES),
    floats(-1e3, 1e3),
    floats(-1e3, 1e3),
    floats(-10, 10),
    floats(0, 1),
    floats(0, 100, exclude_min=True),
)
# z drifts to about −2.8e-16, where e/(1 + e)² rounds one ulp above ¼ unless capped.
@example("quadratic", 0.0, 0.0, 0.0, 0.0, 2.220446049250313e-16)
@example("cross_entropy", 0.0, 0.0, 0.0, 0.0, 2.220446049250313e-16)
def test_sigmoid_runs_of_5000_epochs_stay_finite(loss, w, b, x, y, eta):
    run = simulate_sigmoid(loss, w, b, x, y, eta, 5000)
    assert len(run) == 5001
    assert_sane(run)


@st.composite
def softmax_layers(draw):
    classes, inputs = draw(st.integers(2, 10)), draw(st.integers(1, 5))
    W = draw(arrays(float, (classes, inputs), elements=floats(-1e3, 1e3)))
    b = draw(arrays(float, (classes,), elements=floats(-1e3, 1e3)))
    x = draw(arrays(float, (inputs,), elements=floats(-10, 10)))
    return W, b, x, draw(st.integers(0, classes - 1))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SOFTMAX_LOSSES), softmax_layers(), floats(0, 100, exclude_min=True))
def test_softmax_runs_of_5000_epochs_stay_finite(loss, layer, eta):
    W, b, x, y = layer
    run = simulate_softmax(loss, W, b, x, y, eta, 5000)
    assert len(run) == 5001
    assert_sane(run)


@pytest.mark.parametrize("loss", SIGMOID_LOSSES)
def test_sigmoid_run_of_the_maximum_epochs_from_a_badly_wrong_start_stays_finite(loss):
    run = simulate_sigmoid(loss, 1e3, 1e3, 10.0, 0.3, 100.0, MAX_EPOCHS)
    assert len(run) == MAX_EPOCHS + 1
    assert_sane(run)


@pytest.mark.parametrize("loss", SOFTMAX_LOSSES)
def test_softmax_run_of_the_maximum_epochs_from_a_badly_wrong_start_stays_finite(loss):
    W = [[-1e3], [1e3], [1e3]]
    run = simulate_softmax(loss, W, [-1e3, 1e3, 0.0], [10.0], 0, 100.0, MAX_EPOCHS)
    assert len(run) == MAX_EPOCHS + 1
    assert_sane(run)


@pytest.mark.parametrize("loss", SIGMOID_LOSSES)
@pytest.mark.parametrize("y", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["plus", "minus"])
def test_sigmoid_at_the_engine_bounds_stays_finite(loss, y, sign):
    w, b, x = sign * PARAM_BOUND, sign * PARAM_BOUND, INPUT_BOUND
    assert_sane(simulate_sigmoid(loss, w, b, x, y, MAX_ETA, 1000))


@pytest.mark.parametrize("loss", SOFTMAX_LOSSES)
def test_softmax_at_the_engine_bounds_stays_finite(loss):
    signs = np.where(np.random.default_rng(0).random((MAX_CLASSES, MAX_INPUTS)) < 0.5, -1.0, 1.0)
    W, b = signs * PARAM_BOUND, np.full(MAX_CLASSES, -PARAM_BOUND)
    x = np.full(MAX_INPUTS, INPUT_BOUND)
    assert_sane(simulate_softmax(loss, W, b, x, 3, MAX_ETA, 1000))
