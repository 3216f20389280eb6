"""A training run of one softmax layer (K classes) on one example (x, target class y).

As for the sigmoid neuron, each update moves z = W x + b by −η(‖x‖² + 1)·∂C/∂z, so the loop
(`unrolled.softmax_logits`) follows the K logits only and every column is computed afterwards
with numpy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lossdemo.engine import validation
from lossdemo.engine.activations import softmax
from lossdemo.engine.losses import get_loss
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_EPOCHS, MAX_ETA, PARAM_BOUND
from lossdemo.engine.softmax_loop import softmax_logits

MAX_CLASSES = 20
MAX_INPUTS = 100


def start_logits(classes: int, target: int, margin: float) -> list[float]:
    """Logits where the strongest wrong class leads the target (logit 0) by `margin`.

    One wrong class (the one after the target) sits at `margin`, the others at min(margin, 0).
    """
    classes = validation.integer("classes", classes, 2, MAX_CLASSES)
    target = validation.integer("target", target, 0, classes - 1)
    margin = validation.number("margin", margin, -PARAM_BOUND, PARAM_BOUND)
    rival = (target + 1) % classes
    return [0.0 if j == target else margin if j == rival else min(margin, 0.0) for j in range(classes)]


def one_hot(classes: int, y: int) -> list[float]:
    return [1.0 if j == y else 0.0 for j in range(classes)]


def softmax_cost(loss: str, z, y: int) -> float:
    """The cost of a softmax layer whose logits are z, for target class y, as a run's cost column."""
    entry = get_loss("softmax", loss)
    z = validation.array("z", z, (None,), PARAM_BOUND)
    validation.integer("number of classes (entries of z)", z.size, 2, MAX_CLASSES)
    y = validation.integer("y", y, 0, z.size - 1)
    a = np.column_stack(softmax(list(z[None, :].T)))
    return float(entry.cost(z[None, :], a, y)[0])


def simulate_softmax(loss: str, W, b, x, y: int, eta: float, epochs: int) -> pd.DataFrame:
    """Full-batch gradient descent on a softmax layer; epochs + 1 rows, one per state."""
    entry = get_loss("softmax", loss)
    W = validation.array("W", W, (None, None), PARAM_BOUND)
    classes, inputs = W.shape
    validation.integer("number of classes (rows of W)", classes, 2, MAX_CLASSES)
    validation.integer("number of inputs (columns of W)", inputs, 1, MAX_INPUTS)
    b = validation.array("b", b, (classes,), PARAM_BOUND)
    x = validation.array("x", x, (inputs,), INPUT_BOUND)
    y = validation.integer("y", y, 0, classes - 1)
    eta = validation.positive("eta", eta, MAX_ETA)
    epochs = validation.integer("epochs", epochs, 0, MAX_EPOCHS)

    stretch = float(x @ x) + 1.0
    z = softmax_logits(entry, (W @ x + b).tolist(), one_hot(classes, y), eta * stretch, epochs)
    a_cols = softmax(list(z.T))
    grad = entry.delta(list(z.T), a_cols, one_hot(classes, y))
    a = np.column_stack(a_cols)
    grad_norm = np.sqrt(sum(g * g for g in grad) * stretch)
    others = np.delete(z, y, axis=1)
    top = others.max(axis=1)
    columns = {
        "epoch": np.arange(epochs + 1),
        "z_y": z[:, y],
        "lead": z[:, y] - top - np.log(np.exp(others - top[:, None]).sum(axis=1)),
        "a_y": a[:, y],
        "error": 1.0 - a[:, y],
        "cost": entry.cost(z, a, y),
        "grad_z_y": grad[y],
        "grad_b_y": grad[y],
        "grad_norm": grad_norm,
        "sigma_prime": a[:, y] * (1.0 - a[:, y]),
    }
    columns |= {f"a_{j}": a[:, j] for j in range(classes)}
    columns |= {f"z_{j}": z[:, j] for j in range(classes)}
    columns |= {f"grad_z_{j}": grad[j] for j in range(classes)}
    return pd.DataFrame(columns)
