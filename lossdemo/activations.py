"""Sigmoid and softmax, written so that a Python float and a numpy array give the same bits.

The single-run loops work on floats and the learning-speed map on arrays; both call numpy's
exp and then the same arithmetic in the same order, so a map cell equals its single run exactly.
"""

from __future__ import annotations

from functools import reduce

import numpy as np


def sigmoid_scalar(z: float) -> tuple[float, float]:
    """σ(z) and σ′(z) for one float, without overflow for any finite z."""
    e = float(np.exp(-abs(z)))
    one_plus_e = 1.0 + e
    return (1.0 if z >= 0 else e) / one_plus_e, e / (one_plus_e * one_plus_e)


def sigmoid(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ(z) and σ′(z) elementwise; the same bits as `sigmoid_scalar`."""
    e = np.exp(-np.abs(z))
    one_plus_e = 1.0 + e
    return np.where(z >= 0, 1.0, e) / one_plus_e, e / (one_plus_e * one_plus_e)


def softplus(z: np.ndarray) -> np.ndarray:
    """ln(1 + e^z), finite for any finite z."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def softmax_scalar(z: list[float]) -> list[float]:
    """Softmax of K floats (max subtracted first), summed left to right."""
    m = max(z)
    exp = np.exp
    e = [float(exp(v - m)) for v in z]
    total = e[0]
    for v in e[1:]:
        total = total + v
    return [v / total for v in e]


def softmax(z: list[np.ndarray]) -> list[np.ndarray]:
    """Softmax over K arrays (one per class); the same bits as `softmax_scalar` per element."""
    m = reduce(np.maximum, z)
    e = [np.exp(v - m) for v in z]
    total = e[0]
    for v in e[1:]:
        total = total + v
    return [v / total for v in e]
