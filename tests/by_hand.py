"""Gradient descent written out in plain Python, one float at a time, as an oracle independent of
the engine's numpy code: Nielsen, *Neural Networks and Deep Learning*, ch. 3, for the sigmoid
neuron (δ = ∂C/∂z = (a − y)·σ′(z) under the quadratic cost, a − y under cross-entropy; ∂C/∂w = δ·x,
∂C/∂b = δ); for a softmax layer ∂C/∂z = a − t under log-likelihood, J(a − t) with
J = diag(a) − a aᵀ under the quadratic cost. Not a test module."""

from __future__ import annotations

import math


def sigmoid_outputs(
    loss: str, w: float, b: float, x: float, y: float, eta: float, epochs: int
) -> list[float]:
    """The output a after 0, 1, …, epochs gradient steps."""
    outputs = []
    for _ in range(epochs + 1):
        a = 1 / (1 + math.exp(-(w * x + b)))
        outputs.append(a)
        delta = (a - y) * (a * (1 - a) if loss == "quadratic" else 1.0)
        w, b = w - eta * delta * x, b - eta * delta
    return outputs


def halving_epoch(outputs: list[float], target: float) -> int | None:
    """The first epoch whose error |a − target| is at most half the starting error."""
    start = abs(outputs[0] - target)
    return next((k for k, a in enumerate(outputs) if abs(a - target) <= start / 2), None)


def sigmoid_numbers(loss: str, w: float, b: float, x: float, y: float, eta: float, epoch: int):
    """(a, C, ∂C/∂w, σ′(z)) after `epoch` gradient steps on (w, b)."""
    for step in range(epoch + 1):
        a = 1 / (1 + math.exp(-(w * x + b)))
        slope = a * (1 - a)
        delta = (a - y) * (slope if loss == "quadratic" else 1.0)
        if step == epoch:
            cross_entropy = -(y * math.log(a) + (1 - y) * math.log(1 - a))
            cost = 0.5 * (a - y) ** 2 if loss == "quadratic" else cross_entropy
            return a, cost, delta * x, slope
        w, b = w - eta * delta * x, b - eta * delta
    raise AssertionError("unreachable")


def softmax_numbers(loss: str, logits: list[float], target: int, x: float, eta: float, epoch: int):
    """(a_y, C, ∂C/∂b_y, a_y(1 − a_y)) after `epoch` steps z ← z − η(x² + 1)·∂C/∂z (W starts at 0,
    so z = W x + b moves by that step; ∂C/∂b_y = ∂C/∂z_y)."""
    z = list(logits)
    for step in range(epoch + 1):
        exps = [math.exp(v - max(z)) for v in z]
        a = [e / sum(exps) for e in exps]
        t = [1.0 if j == target else 0.0 for j in range(len(z))]
        if loss == "log_likelihood":
            delta = [a[j] - t[j] for j in range(len(z))]
            cost = -math.log(a[target])
        else:
            inner = sum(a[j] * (a[j] - t[j]) for j in range(len(z)))
            delta = [a[i] * (a[i] - t[i]) - a[i] * inner for i in range(len(z))]
            cost = 0.5 * sum((a[j] - t[j]) ** 2 for j in range(len(z)))
        if step == epoch:
            return a[target], cost, delta[target], a[target] * (1 - a[target])
        z = [z[j] - eta * (x * x + 1) * delta[j] for j in range(len(z))]
    raise AssertionError("unreachable")
