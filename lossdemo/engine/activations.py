"""Sigmoid and softplus over numpy arrays, stable for any finite input: for costs and curves
computed over whole arrays (a run's own σ comes from its kernel, `kernels.sigmoid`)."""

from __future__ import annotations

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
