"""The optimizers: gradient descent, momentum and Adam follow the update rules of PyTorch's
documentation, written out here one float at a time (independently of the engine: their own
softmax, their own gradients, PyTorch's first momentum step b₁ = g₁); every run stays finite
without a warning over the whole range of the inputs; bad names are refused."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from torch_rules import torch_adam, torch_sgd, torch_sgd_momentum

from lossdemo import LOSSES, simulate_sigmoid, simulate_softmax, start_logits
from lossdemo.controls.scenario import Scenario, to_csv
from lossdemo.engine.optimizers import OPTIMIZERS, get_optimizer
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_ETA, PARAM_BOUND
from lossdemo.engine.sweep import sweep_sigmoid

ORACLES = {"gd": torch_sgd, "momentum": torch_sgd_momentum, "adam": torch_adam}


def sigmoid_gradient(loss, x, y):
    """(∂C/∂w, ∂C/∂b) by hand: δ = (a − y)σ′(z) (quadratic) or a − y (cross-entropy)."""

    def grad(params):
        w, b = params
        z = w * x + b
        a = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
        delta = (a - y) * (a * (1 - a) if loss == "quadratic" else 1.0)
        return [delta * x, delta]

    return grad


def softmax_gradient(loss, classes, target, x):
    """∂C/∂(W, b) by hand for one input x: W = params[:K], b = params[K:]; δ = a − t
    (log-likelihood) or J(a − t), J = diag(a) − a aᵀ (quadratic); ∂C/∂W_j = δ_j x, ∂C/∂b_j = δ_j."""

    def grad(params):
        z = [params[j] * x + params[classes + j] for j in range(classes)]
        top = max(z)
        exps = [math.exp(v - top) for v in z]
        a = [e / sum(exps) for e in exps]
        t = [1.0 if j == target else 0.0 for j in range(classes)]
        if loss == "log_likelihood":
            delta = [a[j] - t[j] for j in range(classes)]
        else:
            inner = sum(a[j] * (a[j] - t[j]) for j in range(classes))
            delta = [a[j] * (a[j] - t[j]) - a[j] * inner for j in range(classes)]
        return [d * x for d in delta] + delta

    return grad


SIGMOID_CASES = [
    (2.0, 2.0, 1.0, 0.0, 0.15, 300),
    (0.6, 0.9, -1.5, 0.3, 0.5, 200),
    (-3.0, 1.0, 2.0, 1.0, 3.0, 150),
]
SOFTMAX_CASES = [(3, 0, 1.0, 4.0, 0.15, 300), (4, 2, -0.7, 5.0, 1.0, 200), (2, 1, 2.0, -1.0, 0.05, 150)]


def assert_close(got, expected):
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("loss", ["quadratic", "cross_entropy"])
@pytest.mark.parametrize("case", SIGMOID_CASES)
def test_a_sigmoid_run_follows_pytorchs_update_rule(optimizer, loss, case):
    w, b, x, y, eta, epochs = case
    run = simulate_sigmoid(loss, w, b, x, y, eta, epochs, optimizer)
    expected = ORACLES[optimizer]([w, b], sigmoid_gradient(loss, x, y), eta, epochs)
    assert_close(run[["w", "b"]].to_numpy(), expected)
    z = expected[:, 0] * x + expected[:, 1]
    assert_close(run["z"].to_numpy(), z)
    # The cost and gradient columns are those of the row's own parameters.
    grads = np.array([sigmoid_gradient(loss, x, y)(row) for row in expected])
    assert_close(run[["grad_w", "grad_b"]].to_numpy(), grads)
    # The step: the length of the change from each row to the next.
    assert_close(run["step"].to_numpy()[:-1], np.hypot(*np.diff(expected, axis=0).T))


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("loss", ["quadratic", "log_likelihood"])
@pytest.mark.parametrize("case", SOFTMAX_CASES)
def test_a_softmax_run_follows_pytorchs_update_rule(optimizer, loss, case):
    classes, target, x, margin, eta, epochs = case
    b0 = start_logits(classes, target, margin)
    W0 = [0.25 * (j - 1) for j in range(classes)]  # not zero: the weights must move on their own
    run = simulate_softmax(loss, np.array(W0)[:, None], b0, [x], target, eta, epochs, optimizer)
    grad = softmax_gradient(loss, classes, target, x)
    expected = ORACLES[optimizer]([*W0, *b0], grad, eta, epochs)
    z = expected[:, :classes] * x + expected[:, classes:]
    assert_close(run[[f"z_{j}" for j in range(classes)]].to_numpy(), z)
    deltas = np.array([grad(row)[classes:] for row in expected])
    assert_close(run[f"grad_z_{target}"].to_numpy(), deltas[:, target])
    assert_close(run["step"].to_numpy()[:-1], np.linalg.norm(np.diff(expected, axis=0), axis=1))


def test_the_last_rows_step_is_the_one_the_optimizer_would_make_next():
    longer = simulate_sigmoid("quadratic", 2.0, 2.0, 1.0, 0.0, 0.15, 11, "adam")
    run = simulate_sigmoid("quadratic", 2.0, 2.0, 1.0, 0.0, 0.15, 10, "adam")
    pd.testing.assert_frame_equal(run, longer.iloc[:11], check_exact=True)


# --- gradient descent: the long, unstable and saturated runs --------------------------------------


@pytest.mark.parametrize("loss", ["quadratic", "cross_entropy"])
@pytest.mark.parametrize("case", [(0.6, 0.9, 1.0, 0.0, 10.0, 2000), (2.0, 2.0, 1.0, 0.5, 5.0, 400)])
def test_gradient_descent_at_a_large_eta_follows_the_plain_loop(loss, case):
    """η = 10 from the book's start, and η = 5 at y = ½ where cross-entropy cycles forever."""
    w, b, x, y, eta, epochs = case
    run = simulate_sigmoid(loss, *case)
    expected = torch_sgd([w, b], sigmoid_gradient(loss, x, y), eta, epochs)
    assert_close(run[["w", "b"]].to_numpy(), expected)
    np.testing.assert_allclose(run["step"], eta * np.hypot(run["grad_w"], run["grad_b"]), rtol=1e-14)


@pytest.mark.parametrize("loss", ["quadratic", "log_likelihood"])
def test_gradient_descent_steps_a_softmax_layer_by_eta_times_its_gradient(loss):
    run = simulate_softmax(loss, np.zeros((3, 1)), [0.0, 4.0, 0.0], [1.5], 0, 0.7, 50)
    np.testing.assert_allclose(run["step"], 0.7 * run["grad_norm"], rtol=1e-15)


# --- finite, without warnings, over the whole range ---------------------------------------------

finite = {"allow_nan": False, "allow_infinity": False}


@settings(max_examples=60, deadline=None)
@given(
    optimizer=st.sampled_from(list(OPTIMIZERS)),
    loss=st.sampled_from(list(LOSSES["sigmoid"])),
    w=st.floats(-PARAM_BOUND, PARAM_BOUND, **finite),
    b=st.floats(-PARAM_BOUND, PARAM_BOUND, **finite),
    x=st.floats(-INPUT_BOUND, INPUT_BOUND, **finite),
    y=st.floats(0.0, 1.0),
    eta=st.floats(1e-6, MAX_ETA, **finite),
    epochs=st.integers(0, 400),
)
@example("adam", "quadratic", PARAM_BOUND, PARAM_BOUND, INPUT_BOUND, 0.0, MAX_ETA, 400)
@example("momentum", "focal", -PARAM_BOUND, PARAM_BOUND, -INPUT_BOUND, 1.0, MAX_ETA, 400)
@example("adam", "absolute", 0.0, 0.0, 0.0, 0.5, MAX_ETA, 400)
def test_every_sigmoid_run_stays_finite(optimizer, loss, w, b, x, y, eta, epochs):
    run = simulate_sigmoid(loss, w, b, x, y, eta, epochs, optimizer)
    assert np.isfinite(run.to_numpy()).all()
    assert (run["step"] >= 0).all() and (run["cost"] >= 0).all()


@settings(max_examples=40, deadline=None)
@given(
    optimizer=st.sampled_from(list(OPTIMIZERS)),
    loss=st.sampled_from(list(LOSSES["softmax"])),
    classes=st.integers(2, 10),
    data=st.data(),
    x=st.floats(-INPUT_BOUND, INPUT_BOUND, **finite),
    eta=st.floats(1e-6, MAX_ETA, **finite),
    epochs=st.integers(0, 300),
)
def test_every_softmax_run_stays_finite(optimizer, loss, classes, data, x, eta, epochs):
    b = data.draw(
        st.lists(st.floats(-PARAM_BOUND, PARAM_BOUND, **finite), min_size=classes, max_size=classes)
    )
    W = data.draw(
        st.lists(st.floats(-PARAM_BOUND, PARAM_BOUND, **finite), min_size=classes, max_size=classes)
    )
    target = data.draw(st.integers(0, classes - 1))
    run = simulate_softmax(loss, np.array(W)[:, None], b, [x], target, eta, epochs, optimizer)
    assert np.isfinite(run.to_numpy()).all()
    assert (run["step"] >= 0).all() and (run["cost"] >= 0).all()


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["sgd", "Adam", "", None, 3, ["adam"]])
def test_an_unknown_optimizer_is_refused_with_the_accepted_keys(bad):
    accepted = "'gd', 'momentum', 'adam'"
    for call in (
        lambda: simulate_sigmoid("quadratic", 2.0, 2.0, 1.0, 0.0, 0.15, 10, bad),
        lambda: simulate_softmax("quadratic", [[0.0], [0.0]], [0.0, 1.0], [1.0], 0, 0.15, 10, bad),
        lambda: get_optimizer(bad),
    ):
        with pytest.raises(ValueError, match="optimizer must be one of") as info:
            call()
        assert accepted in str(info.value) and repr(bad)[:20] in str(info.value)


def test_the_map_refuses_an_unknown_optimizer_and_the_csv_names_the_one_used():
    accepted = ", ".join(f"'{key}'" for key in OPTIMIZERS)
    with pytest.raises(ValueError, match=re.escape(f"optimizer must be one of {accepted}; got 'nesterov'")):
        sweep_sigmoid(["quadratic"], 1.0, 0.0, [0.0, 1.0], [0.1, 0.2], optimizer="nesterov")
    scenario = Scenario(optimizer="adam", epochs=10)
    text = to_csv(scenario)
    assert "# optimizer = adam\n" in text
    rows = pd.read_csv(io.StringIO(text), comment="#")
    expected = simulate_sigmoid("quadratic", 2.0, 2.0, 1.0, 0.0, 0.15, 10, "adam")["step"].to_numpy()
    np.testing.assert_allclose(rows[rows["loss"] == "quadratic"]["step"].to_numpy(), expected, rtol=1e-15)
