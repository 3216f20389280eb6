"""Training runs of one softmax layer (K classes, d inputs): on one example (x, target class y), or
on a data set of n examples (rows x_i of an n×d table, class labels y_i), full-batch.

The loop is `kernels.softmax_kernels(delta, update).train`: each epoch computes every example's
logits z = W x + b, the outputs a = softmax(z) and ∂C/∂z (the loss's `delta`), steps W and b
along the mean gradient ((1/n) Σ δ_i x_iᵀ, (1/n) Σ δ_i) by the optimizer's `update`, and records
it all. The costs and the per-class columns are computed afterwards over the whole run with numpy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, kernels, validation
from lossdemo.engine.dataset import mean_rows
from lossdemo.engine.frames import run_table
from lossdemo.engine.losses import Loss, get_loss
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, get_optimizer
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_EPOCHS, MAX_ETA, PARAM_BOUND

MAX_CLASSES = 20
MAX_INPUTS = 100
# The per-example columns `<quantity>_ex<i>` of a run on a data set, in the order they appear.
EXAMPLE_QUANTITIES = ("z_y", "lead", "a_y", "error", "sigma_prime", "cost", "grad_z_y")


def start_logits(classes: int, target: int, margin: float) -> list[float]:
    """Logits where the strongest wrong class leads the target (logit 0) by `margin`.

    One wrong class (the one after the target) sits at `margin`, the others at min(margin, 0).
    """
    classes = validation.integer("classes", classes, 2, MAX_CLASSES)
    target = validation.integer("target", target, 0, classes - 1)
    margin = validation.number("margin", margin, -PARAM_BOUND, PARAM_BOUND)
    rival = (target + 1) % classes
    return [0.0 if j == target else margin if j == rival else min(margin, 0.0) for j in range(classes)]


def one_hot(classes: int, labels) -> np.ndarray:
    """Rows t with t[i, labels[i]] = 1 and 0 elsewhere (one row for one label)."""
    return np.eye(classes)[labels]


def checked_layer(W, b) -> tuple[np.ndarray, np.ndarray]:
    """A layer's weights (K × d, K classes, d inputs) and biases (K), checked."""
    W = validation.array("W", W, (None, None), PARAM_BOUND)
    classes, inputs = W.shape
    validation.integer("number of classes (rows of W)", classes, 2, MAX_CLASSES)
    validation.integer("number of inputs (columns of W)", inputs, 1, MAX_INPUTS)
    return W, validation.array("b", b, (classes,), PARAM_BOUND)


def checked_data(x, y, inputs: int, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(X, labels): one example's input row and label, or a data set's n×d table and n labels."""
    if dataset.several(y):
        return dataset.softmax_examples(x, y, inputs, classes, INPUT_BOUND)
    x = validation.array("x", x, (inputs,), INPUT_BOUND)
    return x[None, :], np.array([validation.integer("y", y, 0, classes - 1)])


def softmax_cost(loss: str, z, y: int) -> float:
    """The cost of a softmax layer whose logits are z, for target class y, as a run's cost column."""
    entry = get_loss("softmax", loss)
    z = validation.array("z", z, (None,), PARAM_BOUND)
    validation.integer("number of classes (entries of z)", z.size, 2, MAX_CLASSES)
    t = one_hot(z.size, [validation.integer("y", y, 0, z.size - 1)])
    a, _ = points(entry, z[None, :], t)
    return float(entry.cost(z[None, :], a, t)[0])


def points(entry: Loss, z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a, ∂C/∂z) at each row of logits z (rows, K) for the one-hot target rows t, as a run
    computes them."""
    z = np.ascontiguousarray(z, dtype=float)
    t = np.array(np.broadcast_to(t, z.shape), dtype=float, order="C")
    a, d = np.empty_like(z), np.empty_like(z)
    kernels.softmax_points(entry.delta)(z, t, a, d)
    return a, d


def simulate_softmax(
    loss: str, W, b, x, y, eta: float, epochs: int, optimizer: str = DEFAULT_OPTIMIZER
) -> pd.DataFrame:
    """A full-batch training run of a softmax layer; epochs + 1 rows, one per state, with `step`
    the length of the update of all weights and biases made from that row (for the last row, the
    one the optimizer would make next).

    One example (x: d inputs, y: a class): columns epoch, z_y, lead (ℓ = z_y − ln Σ_{j≠y} e^{z_j}),
    a_y, error (1 − a_y), cost, grad_z_y (= grad_b_y), grad_norm (over all of W and b),
    sigma_prime (a_y(1 − a_y)), step, and a_j, z_j, grad_z_j for every class j.

    A data set (x: n×d, y: a sequence of n labels): the same columns, where z_y, lead, a_y, error,
    sigma_prime, cost and grad_z_y are means over the examples of each one's own (each with its own
    label), grad_z_j = ∂C/∂b_j and a_j, z_j are class j's means; then error_max, the worst
    example's error, sigma_prime_min, the smallest slope, and `<q>_ex<i>` for q in
    EXAMPLE_QUANTITIES, example i's own values.
    """
    entry, rule = get_loss("softmax", loss), get_optimizer(optimizer)
    W, b = checked_layer(W, b)
    classes, inputs = W.shape
    X, labels = checked_data(x, y, inputs, classes)
    eta = validation.positive("eta", eta, MAX_ETA)
    epochs = validation.integer("epochs", epochs, 0, MAX_EPOCHS)

    rows, n, T = epochs + 1, labels.size, one_hot(classes, labels)
    steps, norms, errors = np.empty((3, rows))
    z, a, d = np.empty((3, rows, n, classes))
    p = np.concatenate([W.ravel(), b])
    state = np.zeros((p.size, rule.state_size))
    loop = kernels.softmax_kernels(entry.delta, rule.update).train
    loop(p, X, T, eta, state, steps, norms, errors, z, a, d)

    own = _own(entry, z, a, d, T)
    columns = {
        "z_y": mean_rows(own["z_y"]),
        "lead": mean_rows(own["lead"]),
        "a_y": mean_rows(own["a_y"]),
        "error": errors,
        "cost": mean_rows(own["cost"]),
        "grad_z_y": mean_rows(own["grad_z_y"]),
        "grad_b_y": mean_rows(own["grad_z_y"]),
        "grad_norm": norms,
        "sigma_prime": mean_rows(own["sigma_prime"]),
        "step": steps,
        **{f"a_{j}": mean_rows(a[:, :, j]) for j in range(classes)},
        **{f"z_{j}": mean_rows(z[:, :, j]) for j in range(classes)},
        **{f"grad_z_{j}": mean_rows(d[:, :, j]) for j in range(classes)},
    }
    if not dataset.several(y):
        return run_table({"epoch": np.arange(rows), **columns})
    columns["error_max"] = np.max(own["error"], axis=1)
    columns["sigma_prime_min"] = np.min(own["sigma_prime"], axis=1)
    blocks = [np.column_stack(list(columns.values())), *(own[q] for q in EXAMPLE_QUANTITIES)]
    return dataset.run_frame(np.concatenate(blocks, axis=1), tuple(columns), EXAMPLE_QUANTITIES)


def _own(entry: Loss, z: np.ndarray, a: np.ndarray, d: np.ndarray, T: np.ndarray) -> dict[str, np.ndarray]:
    """Each example's quantities of its own label, shape (rows, n): z_y, the lead ℓ, a_y, the
    error 1 − a_y, the slope a_y(1 − a_y), the cost and ∂C/∂z_y."""
    target = T.astype(bool)
    z_y = z[:, target]
    others = np.where(target, -np.inf, z)
    top = others.max(axis=2)
    lead = z_y - top - np.log(np.exp(others - top[:, :, None]).sum(axis=2))
    a_y = a[:, target]
    return {
        "z_y": z_y,
        "lead": lead,
        "a_y": a_y,
        "error": 1.0 - a_y,
        "sigma_prime": a_y * (1.0 - a_y),
        "cost": entry.cost(z, a, T),
        "grad_z_y": d[:, target],
    }
