"""A training run of one sigmoid neuron on one example (x, y), under one loss and one optimizer.

Under gradient descent each update moves (w, b) along (x, 1), so z = w·x + b evolves on its own:
z ← z − η(1 + x²)·∂C/∂z, and the loop follows that one number (`sigmoid_loop.z_trajectory`).
Momentum and Adam step otherwise, so their loop follows w and b (`optimizer_loop`). Every other
column is computed afterwards over the whole run with numpy, at each row's parameters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, validation
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.frames import run_table
from lossdemo.engine.losses import Loss, get_loss
from lossdemo.engine.optimizer_loop import follow_written
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, Optimizer, get_optimizer
from lossdemo.engine.sigmoid_loop import gradient, z_trajectory

MAX_EPOCHS = 100_000
PARAM_BOUND = 1e6  # |w|, |b|
INPUT_BOUND = 1e3  # |x|
MAX_ETA = 1e3


def parameter_trajectory(
    loss: Loss, optimizer: Optimizer, w: float, b: float, x: float, y: float, eta: float, epochs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w, b, step) after 0 … epochs updates of any optimizer, which sees ∂C/∂w = ∂C/∂z·x and
    ∂C/∂b = ∂C/∂z; step is the length of the update made from each row (`optimizers.follow`,
    written out by `optimizer_loop`)."""
    params, step = follow_written(optimizer, gradient(loss), [w, b], (x, y), eta, epochs)
    return params[:, 0], params[:, 1], step


def checked_example(w: float, b: float, x: float, y: float) -> tuple[float, float, float, float]:
    """(w, b, x, y) of one neuron and one example, each checked (ValueError naming it otherwise)."""
    return (
        validation.number("w", w, -PARAM_BOUND, PARAM_BOUND),
        validation.number("b", b, -PARAM_BOUND, PARAM_BOUND),
        validation.number("x", x, -INPUT_BOUND, INPUT_BOUND),
        validation.number("y", y, 0.0, 1.0),
    )


def checked_run(w: float, b: float, x: float, y: float, eta: float, epochs: int) -> tuple:
    """(w, b, x, y, eta, epochs) of a run on one example, each checked."""
    return (
        *checked_example(w, b, x, y),
        validation.positive("eta", eta, MAX_ETA),
        validation.integer("epochs", epochs, 0, MAX_EPOCHS),
    )


def sigmoid_cost(loss: str, w: float, b: float, x: float, y: float) -> float:
    """The cost of one sigmoid neuron at (w, b) on the example (x, y), as a run's cost column; with
    sequences x and y, the data set's mean cost (`sigmoid_examples.mean_cost`)."""
    if dataset.several(x, y):
        from lossdemo.engine.sigmoid_examples import mean_cost  # it imports this module

        return mean_cost(loss, w, b, x, y)
    entry = get_loss("sigmoid", loss)
    w, b, x, y = checked_example(w, b, x, y)
    z = np.array([w * x])
    z += b
    return float(entry.cost(z, sigmoid(z)[0], y)[0])


def simulate_sigmoid(
    loss: str,
    w: float,
    b: float,
    x: float,
    y: float,
    eta: float,
    epochs: int,
    optimizer: str = DEFAULT_OPTIMIZER,
) -> pd.DataFrame:
    """A full-batch training run; row k is the state after k updates (epochs + 1 rows), with the
    cost and gradients at that row's parameters and `step`, the length ‖(Δw, Δb)‖ of the update
    the optimizer makes from that row (for the last row, the one it would make next).

    x and y as sequences of 1 to 100 examples: a data set, run by `sigmoid_examples`."""
    if dataset.several(x, y):
        from lossdemo.engine.sigmoid_examples import simulate_sigmoid_examples  # it imports this module

        return simulate_sigmoid_examples(loss, w, b, x, y, eta, epochs, optimizer)
    entry = get_loss("sigmoid", loss)
    rule = get_optimizer(optimizer)
    w, b, x, y, eta, epochs = checked_run(w, b, x, y, eta, epochs)

    if rule.along_gradient:
        z = z_trajectory(entry, w * x + b, eta * (1.0 + x * x), y, epochs)
        return run_frame(entry, z, w, b, x, y, eta)
    w_path, b_path, step = parameter_trajectory(entry, rule, w, b, x, y, eta, epochs)
    return run_frame(entry, w_path * x + b_path, w, b, x, y, eta, paths=(w_path, b_path, step))


def run_frame(
    entry: Loss,
    z: np.ndarray,
    w: float,
    b: float,
    x: float,
    y: float,
    eta: float,
    steps: np.ndarray | None = None,
    paths: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """A run's columns from its path of z: the path of (w, b) from (w, b), the output, its error,
    the loss's cost and true gradients at every row, σ′(z) and `step`. Unless an optimizer gave the
    `paths` (w, b, step) itself, row k's update moved b by −η·steps[k] and w by x times that, and
    its step is that move's length; `steps` is ∂C/∂z by default (gradient descent)."""
    a, sp = sigmoid(z)
    grad_z = entry.delta(z, a, sp, y)
    grad_w = grad_z * x
    if paths is None:  # the parameters and steps follow from what each update stepped by
        steps = grad_z if steps is None else steps
        moves = steps * x
        w_path = np.cumsum(np.concatenate(([w], -eta * moves[:-1])))
        b_path = np.cumsum(np.concatenate(([b], -eta * steps[:-1])))
        step = eta * np.hypot(moves, steps)
    else:
        w_path, b_path, step = paths
    return run_table(
        {
            "epoch": np.arange(z.size),
            "w": w_path,
            "b": b_path,
            "z": z,
            "a": a,
            "error": np.abs(a - y),
            "cost": entry.cost(z, a, y),
            "grad_z": grad_z,
            "grad_w": grad_w,
            "grad_b": grad_z,
            "sigma_prime": sp,
            "step": step,
        }
    )
