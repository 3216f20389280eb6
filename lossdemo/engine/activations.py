"""Sigmoid and softmax over numpy arrays, stable for any finite input.

The single-run loops (`neuron.z_trajectory`, `unrolled.softmax_logits`) repeat this arithmetic on
floats, in the same order and with numpy's exp, so a map cell equals its single run exactly.
"""

from __future__ import annotations

from functools import reduce

import numpy as np


def sigmoid(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ(z) and σ′(z) elementwise, without overflow for any finite z. σ′ is capped at its true
    maximum ¼: near z = 0, e/(1 + e)² can round one ulp above it."""
    e = np.exp(-np.abs(z))
    one_plus_e = 1.0 + e
    return np.where(z >= 0, 1.0, e) / one_plus_e, np.minimum(e / (one_plus_e * one_plus_e), 0.25)


def softplus(z: np.ndarray) -> np.ndarray:
    """ln(1 + e^z), finite for any finite z."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def softmax(z: list[np.ndarray]) -> list[np.ndarray]:
    """Softmax over K arrays (one per class): max subtracted first, exps summed left to right."""
    m = reduce(np.maximum, z)
    e = [np.exp(v - m) for v in z]
    total = e[0]
    for v in e[1:]:
        total = total + v
    return [v / total for v in e]
