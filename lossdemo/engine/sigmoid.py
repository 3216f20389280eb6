"""A training run of one sigmoid neuron on one example (x, y), under one loss.

Each update moves (w, b) along (x, 1), so z = w·x + b evolves on its own:
z ← z − η(1 + x²)·∂C/∂z. The loop follows that one number; every other column is computed
afterwards over the whole run with numpy.
"""

from __future__ import annotations

from array import array

import numpy as np
import pandas as pd

from lossdemo.engine import validation
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.losses import Loss, get_loss

MAX_EPOCHS = 100_000
PARAM_BOUND = 1e6  # |w|, |b|
INPUT_BOUND = 1e3  # |x|
MAX_ETA = 1e3


def z_trajectory(loss: Loss, z0: float, step: float, y: float, epochs: int) -> np.ndarray:
    """z after 0 … epochs updates, with step = η(1 + x²).

    The loop spells out `activations.sigmoid` on floats, operation for operation (a call per
    epoch would cost a fifth of the run), so every z is the bits the map's array code computes.
    A delta made of numpy ufuncs returns a numpy float: `float` keeps z a Python float (the same
    bits), whose arithmetic costs the loop less.
    """
    zs = array("d", [z0])  # 8 bytes per epoch, not a Python float
    append, delta, exp, z = zs.append, loss.delta, np.exp, z0
    for _ in range(epochs):
        e = float(exp(-abs(z)))
        one_plus_e = 1.0 + e
        slope = e / (one_plus_e * one_plus_e)
        if slope > 0.25:  # `activations.sigmoid`'s cap (a comparison costs the loop less than min())
            slope = 0.25
        z = z - step * float(delta(z, (1.0 if z >= 0 else e) / one_plus_e, slope, y))
        append(z)
    return np.frombuffer(zs)


def sigmoid_cost(loss: str, w: float, b: float, x: float, y: float) -> float:
    """The cost of one sigmoid neuron at (w, b) on the example (x, y), as a run's cost column."""
    entry = get_loss("sigmoid", loss)
    z = np.array(
        [
            validation.number("w", w, -PARAM_BOUND, PARAM_BOUND)
            * validation.number("x", x, -INPUT_BOUND, INPUT_BOUND)
        ]
    )
    z += validation.number("b", b, -PARAM_BOUND, PARAM_BOUND)
    y = validation.number("y", y, 0.0, 1.0)
    return float(entry.cost(z, sigmoid(z)[0], y)[0])


def simulate_sigmoid(
    loss: str, w: float, b: float, x: float, y: float, eta: float, epochs: int
) -> pd.DataFrame:
    """Full-batch gradient descent; row k is the state after k updates (epochs + 1 rows)."""
    entry = get_loss("sigmoid", loss)
    w = validation.number("w", w, -PARAM_BOUND, PARAM_BOUND)
    b = validation.number("b", b, -PARAM_BOUND, PARAM_BOUND)
    x = validation.number("x", x, -INPUT_BOUND, INPUT_BOUND)
    y = validation.number("y", y, 0.0, 1.0)
    eta = validation.positive("eta", eta, MAX_ETA)
    epochs = validation.integer("epochs", epochs, 0, MAX_EPOCHS)

    z = z_trajectory(entry, w * x + b, eta * (1.0 + x * x), y, epochs)
    return run_frame(entry, z, w, b, x, y, eta)


def run_frame(
    entry: Loss, z: np.ndarray, w: float, b: float, x: float, y: float, eta: float, steps=None
) -> pd.DataFrame:
    """A run's columns from its path of z: the path of (w, b) from (w, b), the output, its error,
    the loss's cost and true gradients at every row, and σ′(z). Row k's update moved b by
    −η·steps[k] and w by x times that; `steps` is ∂C/∂z by default (gradient descent)."""
    a, sp = sigmoid(z)
    grad_z = entry.delta(z, a, sp, y)
    grad_w = grad_z * x
    steps = grad_z if steps is None else steps
    w_path = np.cumsum(np.concatenate(([w], -eta * (steps[:-1] * x))))
    b_path = np.cumsum(np.concatenate(([b], -eta * steps[:-1])))
    return pd.DataFrame(
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
        }
    )
