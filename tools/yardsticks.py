"""Yardsticks for the engine's benchmarks: the plainest numba loops that compute the same numbers,
written for one loss each with nothing shared, no registry, no recording beyond what is asked, no
numpy inside. `tools.bench` times them in the same run as the engine, so a speed is a ratio to
them and not a figure that drifts with the machine."""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True)
def sigmoid_run(quadratic: bool, z: float, step: float, y: float, out: np.ndarray) -> None:
    """out[k] = z after k gradient-descent updates of one neuron on one example."""
    for k in range(out.size):
        out[k] = z
        e = math.exp(-abs(z))
        a = (1.0 if z >= 0 else e) / (1.0 + e)
        z -= step * ((a - y) * a * (1.0 - a) if quadratic else a - y)


@numba.njit(cache=True)
def softmax_run(z: np.ndarray, target: int, step: float, out: np.ndarray) -> None:
    """out[k] = the logits after k gradient-descent updates under log-likelihood."""
    a = np.empty(z.size)
    for k in range(out.shape[0]):
        top = z.max()
        total = 0.0
        for j in range(z.size):
            out[k, j] = z[j]
            a[j] = math.exp(z[j] - top)
            total += a[j]
        for j in range(z.size):
            z[j] -= step * (a[j] / total - (1.0 if j == target else 0.0))


@numba.njit(cache=True)
def map_cells(quadratic: bool, z0: np.ndarray, eta: np.ndarray, y: float, cap: int, out: np.ndarray) -> None:
    """out[c] = the output after `cap` updates from z0[c] at eta[c] (x = 1, so the step is 2η)."""
    for c in range(z0.size):
        z, a = z0[c], 0.0
        for _ in range(cap + 1):
            e = math.exp(-abs(z))
            a = (1.0 if z >= 0 else e) / (1.0 + e)
            z -= 2.0 * eta[c] * ((a - y) * a * (1.0 - a) if quadratic else a - y)
        out[c] = a


@numba.njit(cache=True)
def plane_cells(quadratic: bool, xs, ys, w0, b0, eta: float, goal, cap: int, out) -> None:
    """out[c] = the first epoch whose mean |a − y| is within goal[c], from (w0[c], b0[c])."""
    n = xs.size
    for c in range(w0.size):
        w, b, out[c] = w0[c], b0[c], cap + 1
        for k in range(cap + 1):
            grad_w = grad_b = error = 0.0
            for i in range(n):
                z = w * xs[i] + b
                e = math.exp(-abs(z))
                a = (1.0 if z >= 0 else e) / (1.0 + e)
                d = (a - ys[i]) * a * (1.0 - a) if quadratic else a - ys[i]
                grad_w += d * xs[i]
                grad_b += d
                error += abs(a - ys[i])
            if error / n <= goal[c]:
                out[c] = k
                break
            w -= eta * grad_w / n
            b -= eta * grad_b / n
