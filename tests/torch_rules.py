"""PyTorch's optimizers as its documentation writes them, one parameter at a time in plain Python:
oracles for the engine's gradient descent, momentum and Adam, independent of its code. Not a test
module."""

from __future__ import annotations

import math

import numpy as np


def torch_sgd(params, grad, lr, epochs):
    """torch.optim.SGD(lr): θ ← θ − lr·g. Returns the parameters after 0 … epochs updates."""
    rows = [list(params)]
    for _ in range(epochs):
        params = [p - lr * gi for p, gi in zip(params, grad(params))]
        rows.append(params)
    return np.array(rows)


def torch_sgd_momentum(params, grad, lr, epochs, mu=0.9):
    """torch.optim.SGD(lr, momentum=mu), dampening 0, not Nesterov: b_1 = g_1, b_t = μ b_{t−1} + g_t,
    θ ← θ − lr·b_t. Returns the parameters after 0 … epochs updates."""
    rows, buf = [list(params)], None
    for _ in range(epochs):
        g = grad(params)
        buf = list(g) if buf is None else [mu * bi + gi for bi, gi in zip(buf, g)]
        params = [p - lr * bi for p, bi in zip(params, buf)]
        rows.append(params)
    return np.array(rows)


def torch_adam(params, grad, lr, epochs, betas=(0.9, 0.999), eps=1e-8):
    """torch.optim.Adam(lr, betas, eps), no weight decay, not amsgrad: m_t, v_t, their bias
    corrections m̂_t = m_t/(1 − β₁ᵗ), v̂_t = v_t/(1 − β₂ᵗ), θ ← θ − lr·m̂_t/(√v̂_t + ε)."""
    b1, b2 = betas
    m, v = [0.0] * len(params), [0.0] * len(params)
    rows = [list(params)]
    for t in range(1, epochs + 1):
        g = grad(params)
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * gi**2 for vi, gi in zip(v, g)]
        params = [
            p - lr * (mi / (1 - b1**t)) / (math.sqrt(vi / (1 - b2**t)) + eps)
            for p, mi, vi in zip(params, m, v)
        ]
        rows.append(params)
    return np.array(rows)
