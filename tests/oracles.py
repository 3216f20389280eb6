"""Training written out one epoch at a time in plain Python floats: the specification the engine's
compiled kernels are compared with, within a relative 1e-12. Not a test module.

Each epoch is the textbook's: z = w·x + b (softmax: z_j = b_j + Σ_k W_jk x_k), the output
σ(z) (softmax: e^(z_j − max z) / Σ e^(z_k − max z)), the loss's ∂C/∂z for each example, the mean
gradient over the examples ((1/n) Σ δ_i x_i, (1/n) Σ δ_i), and the optimizer's update as PyTorch
documents it (`torch_rules`). The loss's ∂C/∂z is the registry's, called on one example's floats:
its values are held against the definitions, finite differences and PyTorch in test_losses.
"""

from __future__ import annotations

import math

import numpy as np
from torch_rules import torch_adam, torch_sgd, torch_sgd_momentum

from lossdemo.engine.losses import LOSSES

OPTIMIZERS = {"gd": torch_sgd, "momentum": torch_sgd_momentum, "adam": torch_adam}


def sigmoid(z: float) -> tuple[float, float]:
    """σ(z) and σ′(z) = σ(z)(1 − σ(z)), from e^−|z| so that neither overflows."""
    e = math.exp(-abs(z))
    a = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
    return a, e / ((1.0 + e) * (1.0 + e))


def softmax(z: list[float]) -> list[float]:
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    total = sum(exps)
    return [v / total for v in exps]


def sigmoid_example(loss: str, w: float, b: float, x: float, y: float) -> tuple[float, float, float]:
    """(z, a, ∂C/∂z) of one example at (w, b)."""
    z = w * x + b
    a, slope = sigmoid(z)
    return z, a, float(LOSSES["sigmoid"][loss].delta(z, a, slope, y))


def sigmoid_gradient(loss: str, xs, ys):
    """grad([w, b]) = the data set's mean (∂C/∂w, ∂C/∂b)."""

    def grad(params):
        deltas = [sigmoid_example(loss, *params, x, y)[2] for x, y in zip(xs, ys)]
        return [sum(d * x for d, x in zip(deltas, xs)) / len(xs), sum(deltas) / len(xs)]

    return grad


def sigmoid_run(loss: str, optimizer: str, w: float, b: float, xs, ys, eta: float, epochs: int) -> np.ndarray:
    """(w, b) after 0 … epochs updates, shape (epochs + 1, 2)."""
    return OPTIMIZERS[optimizer]([w, b], sigmoid_gradient(loss, xs, ys), eta, epochs)


def softmax_example(loss: str, W, b, x, y: int) -> tuple[list[float], list[float], list[float]]:
    """(z, a, ∂C/∂z) of one example (inputs x, target class y) at the layer (W, b)."""
    classes = len(b)
    z = [b[j] + sum(W[j][k] * x[k] for k in range(len(x))) for j in range(classes)]
    a = softmax(z)
    t = np.array([1.0 if j == y else 0.0 for j in range(classes)])
    out = np.empty(classes)
    LOSSES["softmax"][loss].delta(np.array(z), np.array(a), t, out)
    return z, a, out.tolist()


def softmax_gradient(loss: str, classes: int, inputs: int, X, labels):
    """grad(params) over params = (W row by row, then b): the data set's mean gradient."""

    def grad(params):
        W = [params[j * inputs : (j + 1) * inputs] for j in range(classes)]
        b = params[classes * inputs :]
        total = [0.0] * len(params)
        for x, y in zip(X, labels):
            delta = softmax_example(loss, W, b, x, y)[2]
            for j in range(classes):
                for k in range(inputs):
                    total[j * inputs + k] += delta[j] * x[k]
                total[classes * inputs + j] += delta[j]
        return [g / len(labels) for g in total]

    return grad


def softmax_run(loss: str, optimizer: str, W, b, X, labels, eta: float, epochs: int) -> np.ndarray:
    """The parameters (W row by row, then b) after 0 … epochs updates."""
    classes, inputs = len(b), len(X[0])
    params = [float(v) for row in W for v in row] + [float(v) for v in b]
    return OPTIMIZERS[optimizer](params, softmax_gradient(loss, classes, inputs, X, labels), eta, epochs)


def softmax_logits(params: np.ndarray, X, classes: int) -> np.ndarray:
    """Each row's logits per example, shape (rows, n, K), from the parameter rows."""
    inputs = len(X[0])
    W = params[:, : classes * inputs].reshape(-1, classes, inputs)
    return np.einsum("rkd,nd->rnk", W, np.asarray(X, dtype=float)) + params[:, None, classes * inputs :]
