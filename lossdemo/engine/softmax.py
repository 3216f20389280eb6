"""A training run of one softmax layer (K classes) on one example (x, target class y).

As for the sigmoid neuron, each gradient-descent update moves z = W x + b by −η(‖x‖² + 1)·∂C/∂z,
so that loop (`softmax_loop.softmax_logits`) follows the K logits only. Momentum and Adam step
otherwise, so their loop follows every weight and bias. Every column is computed afterwards with
numpy, at each row's parameters.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, validation
from lossdemo.engine.activations import softmax
from lossdemo.engine.frames import run_table
from lossdemo.engine.losses import SoftmaxLoss, get_loss
from lossdemo.engine.optimizer_loop import Gradient, follow_written
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, Optimizer, get_optimizer
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_EPOCHS, MAX_ETA, PARAM_BOUND
from lossdemo.engine.softmax_loop import softmax_logits, traced_softmax

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


def parameter_logits(
    loss: SoftmaxLoss,
    optimizer: Optimizer,
    W: np.ndarray,
    b: np.ndarray,
    x: np.ndarray,
    y: int,
    eta: float,
    epochs: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(logits, step) after 0 … epochs updates of any optimizer, which sees ∂C/∂W_jk = ∂C/∂z_j·x_k
    and ∂C/∂b_j = ∂C/∂z_j (`gradient`; the loop is `optimizers.follow`, written out by
    `optimizer_loop`)."""
    classes, inputs = W.shape
    fixed = (*x.tolist(), *one_hot(classes, y))
    params, step = follow_written(
        optimizer, gradient(loss, classes, inputs), [*W.ravel().tolist(), *b.tolist()], fixed, eta, epochs
    )
    z = params[:, classes * inputs :].copy()
    weights = params[:, : classes * inputs].reshape(epochs + 1, classes, inputs)
    for k in range(inputs):
        z = z + weights[:, :, k] * x[k]
    return z, step


@cache
def gradient(loss: SoftmaxLoss, classes: int, inputs: int) -> Gradient:
    """∂C/∂(W, b) of a layer with these shapes, from its input x and one-hot target t (the fixed
    numbers x_0 … x_{n−1}, t_0 … t_{K−1}): the logits z_j = b_j + Σ_k W_jk x_k summed left to
    right, the softmax as `softmax_loop.reference_logits` computes it, the loss's ∂C/∂z; recorded,
    and on floats (the reference)."""

    def traced(params: list, *fixed) -> list:
        xs, t = list(fixed[:inputs]), list(fixed[inputs:])
        z = _logits(params, xs, classes)
        g = loss.delta(z, traced_softmax(z), t)
        return [gj * xk for gj in g for xk in xs] + list(g)

    def on_floats(params: list[float], *fixed: float) -> list[float]:
        xs, t = list(fixed[:inputs]), list(fixed[inputs:])
        z = _logits(params, xs, classes)
        m = max(z)
        e = [float(np.exp(zj - m)) for zj in z]
        total = e[0]
        for ej in e[1:]:
            total = total + ej
        g = [float(gj) for gj in loss.delta(z, [ej / total for ej in e], t)]
        return [gj * xk for gj in g for xk in xs] + g

    names = (*(f"x{k}" for k in range(inputs)), *(f"t{j}" for j in range(classes)))
    example = (
        tuple(0.25 * (j % 3) - 0.4 for j in range(classes * (inputs + 1))),
        (*(0.5 + k for k in range(inputs)), *one_hot(classes, classes - 1)),
    )
    return Gradient(
        f"{loss.key} softmax layer {classes}×{inputs}",
        classes * (inputs + 1),
        names,
        traced,
        on_floats,
        example,
    )


def _logits(params: list, xs: list, classes: int) -> list:
    """z_j = b_j + Σ_k W_jk x_k, summed left to right, from the parameters (W row by row, then b)."""
    inputs = len(xs)
    biases = params[classes * inputs :]
    z = []
    for j in range(classes):
        zj = biases[j]
        for k in range(inputs):
            zj = zj + params[j * inputs + k] * xs[k]
        z.append(zj)
    return z


def checked_layer(W, b) -> tuple[np.ndarray, np.ndarray]:
    """A layer's weights (K × d, K classes, d inputs) and biases (K), checked."""
    W = validation.array("W", W, (None, None), PARAM_BOUND)
    classes, inputs = W.shape
    validation.integer("number of classes (rows of W)", classes, 2, MAX_CLASSES)
    validation.integer("number of inputs (columns of W)", inputs, 1, MAX_INPUTS)
    return W, validation.array("b", b, (classes,), PARAM_BOUND)


def simulate_softmax(
    loss: str, W, b, x, y: int, eta: float, epochs: int, optimizer: str = DEFAULT_OPTIMIZER
) -> pd.DataFrame:
    """A full-batch training run of a softmax layer; epochs + 1 rows, one per state, with `step`
    the length of the update of all weights and biases made from that row (for the last row, the
    one the optimizer would make next).

    y as a sequence of 1 to 100 labels (x then n×d): a data set, run by `softmax_examples`."""
    if dataset.several(y):
        from lossdemo.engine.softmax_examples import simulate_softmax_examples  # it imports this module

        return simulate_softmax_examples(loss, W, b, x, y, eta, epochs, optimizer)
    entry = get_loss("softmax", loss)
    rule = get_optimizer(optimizer)
    W, b = checked_layer(W, b)
    classes, inputs = W.shape
    x = validation.array("x", x, (inputs,), INPUT_BOUND)
    y = validation.integer("y", y, 0, classes - 1)
    eta = validation.positive("eta", eta, MAX_ETA)
    epochs = validation.integer("epochs", epochs, 0, MAX_EPOCHS)

    stretch = float(x @ x) + 1.0
    if rule.along_gradient:
        z = softmax_logits(entry, (W @ x + b).tolist(), one_hot(classes, y), eta * stretch, epochs)
    else:
        z, step = parameter_logits(entry, rule, W, b, x, y, eta, epochs)
    a_cols = softmax(list(z.T))
    grad = entry.delta(list(z.T), a_cols, one_hot(classes, y))
    a = np.column_stack(a_cols)
    grad_norm = np.sqrt(sum(g * g for g in grad) * stretch)
    if rule.along_gradient:  # then the parameters and steps follow from the gradients
        step = eta * grad_norm
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
        "step": step,
    }
    columns |= {f"a_{j}": a[:, j] for j in range(classes)}
    columns |= {f"z_{j}": z[:, j] for j in range(classes)}
    columns |= {f"grad_z_{j}": grad[j] for j in range(classes)}
    return run_table(columns)
