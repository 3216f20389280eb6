"""The loss registry: each loss is its cost and its ∂C/∂z, in the spirit of Nielsen's network2.py.

One signature per neuron kind, in stable form (from z, never from a rounded log of a):

- sigmoid: `cost(z, a, y)` over numpy arrays; `delta(z, a, sp, y)` = ∂C/∂z of one example from
  the logit z, the output a = σ(z), the slope sp = σ′(z) and the target y in [0, 1];
- softmax: `cost(z, a, t)` over (rows, K) arrays with one-hot target rows t; `delta(z, a, t, out)`
  writes ∂C/∂z_j of one example into out[j] from its K logits, outputs and one-hot target.

Every `delta` is plain arithmetic on floats, which numba compiles into every kernel that calls it
(`kernels.inlined`): a loss is one entry here, and runs, charts, the map and the page ask the
registry.
Its words (name, purpose, formulas) live with the page's other words, under its key
(`lossdemo.language.registry`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lossdemo.engine.activations import softplus

NEURONS = ("sigmoid", "softmax")
FOCAL_GAMMA = 2  # γ of the focal losses (Lin et al. 2017's choice; no α weighting)
SMOOTHING = 0.1  # ε of label smoothing
TINY = 1e-300  # the softmax focal ∂C/∂z takes ln(a_y + TINY): finite at a_y = 0, exact above 1e-284


@dataclass(frozen=True)
class Loss:
    key: str
    neuron: str
    carries_slope: bool  # does ∂C/∂z carry the activation's slope σ′(z) (softmax: a_y(1 − a_y))?
    cost: Callable[[Any, Any, Any], Any]
    delta: Callable  # plain arithmetic, which numba compiles into the kernels (`kernels.inlined`)
    # Does ∂C/∂z shrink to 0 as the output nears the loss's optimum? Not for absolute error, whose
    # step keeps its size there: its output hovers around the optimum instead of settling.
    smooth: bool = True

    def __post_init__(self) -> None:
        if self.neuron not in NEURONS:
            raise ValueError(f"neuron must be one of {', '.join(NEURONS)}; got {self.neuron!r}")
        if not callable(self.delta):
            raise ValueError(f"delta must be a function; got {self.delta!r}")


def _gamma(gamma: object) -> int:
    if isinstance(gamma, bool) or not isinstance(gamma, int) or not 0 <= gamma <= 10:
        raise ValueError(f"gamma must be an integer from 0 to 10; got {gamma!r}")
    return gamma


def _quadratic(z, a, sp, y):
    return (a - y) * sp


def _cross_entropy(z, a, sp, y):
    return a - y


def _absolute(z, a, sp, y):
    return np.sign(a - y) * sp


def focal_sigmoid(gamma: int = FOCAL_GAMMA) -> Loss:
    """Focal loss of a sigmoid neuron (Lin et al. 2017, without α):
    C = −[y (1 − a)^γ ln a + (1 − y) a^γ ln(1 − a)]; γ = 0 is cross-entropy.

    ∂C/∂z by hand, with b = 1 − a, so da/dz = ab, d(ln a)/dz = b and d(ln b)/dz = −a:
        d/dz [b^γ ln a] = −γ b^(γ−1)·ab·ln a + b^γ·b = b^γ (b − γ a ln a)
        d/dz [a^γ ln b] =  γ a^(γ−1)·ab·ln b − a^γ·a = a^γ (γ b ln b − a)
    so  ∂C/∂z = y b^γ (γ a ln a − b) + (1 − y) a^γ (a − γ b ln b);
    γ = 0 gives −yb + (1 − y)a = a − y. σ′(z) = ab cancels against the 1/a and 1/b of ∂C/∂a.

    Stable form: ln a = −softplus(−z) and ln b = −softplus(z), both from ln(1 + e^−|z|), and
    b = e^(ln b), which keeps 1 − a's relative precision as a → 1 (1.0 − a would not).
    """
    gamma = _gamma(gamma)

    def cost(z, a, y):
        up, down = softplus(z), softplus(-z)  # −ln(1 − a), −ln a
        return y * np.exp(-up) ** gamma * down + (1.0 - y) * a**gamma * up

    def delta(z, a, sp, y):
        r = abs(z)
        tail = math.log1p(math.exp(-r))
        log_a = -(0.5 * (r - z) + tail)
        log_b = -(0.5 * (r + z) + tail)
        b = math.exp(log_b)
        return y * b**gamma * (gamma * a * log_a - b) + (1.0 - y) * a**gamma * (a - gamma * b * log_b)

    key = "focal" if gamma == FOCAL_GAMMA else f"focal_{gamma}"
    return Loss(key, "sigmoid", carries_slope=False, cost=cost, delta=delta)


def _rivals_and_target(a, t):
    """(Σ_{j≠y} a_j, a_y) per row of a for one-hot rows t: the rivals' share keeps its relative
    precision as a_y → 1, where 1 − a_y would not."""
    return ((1.0 - t) * a).sum(axis=-1), (t * a).sum(axis=-1)


def _neg_log_target(z, a, t):
    """−ln a_y per row: log1p(b / a_y) with b the rivals' share (accurate as a_y → 1), or
    logsumexp(z) − z_y where a_y is below TINY (underflowed to 0 or subnormal)."""
    b, a_y = _rivals_and_target(a, t)
    m = z.max(axis=-1, keepdims=True)
    exact = np.log(np.exp(z - m).sum(axis=-1)) - ((t * z).sum(axis=-1) - m[..., 0])
    return np.where(a_y >= TINY, np.log1p(b / np.maximum(a_y, TINY)), exact)


def _softmax_quadratic(z, a, t, out):
    s = 0.0
    for j in range(a.size):
        s += a[j] * (a[j] - t[j])
    for j in range(a.size):
        out[j] = a[j] * (a[j] - t[j]) - a[j] * s


def _log_likelihood(z, a, t, out):
    for j in range(a.size):
        out[j] = a[j] - t[j]


def focal_softmax(gamma: int = FOCAL_GAMMA) -> Loss:
    """Focal loss of a softmax layer: C = −(1 − a_y)^γ ln a_y; γ = 0 is log-likelihood.

    ∂C/∂z_j by hand, with b = 1 − a_y: ∂C/∂a_y = γ b^(γ−1) ln a_y − b^γ / a_y and
    ∂a_y/∂z_j = a_y (t_j − a_j), so
        ∂C/∂z_j = [γ b^(γ−1) a_y ln a_y − b^γ] (t_j − a_j);
    γ = 0 gives a_j − t_j.

    b = Σ_{j≠y} a_j keeps its relative precision as a_y → 1, and ln a_y = −log1p(b / a_y) is
    accurate from there down to the smallest normal a_y; adding TINY keeps it finite where a_y
    underflows to 0 and changes nothing above 1e-284 (below that a_y ln a_y < 1e-281, nothing
    next to b^γ ≈ 1).
    """
    gamma = _gamma(gamma)
    lower = max(gamma - 1, 0)

    def delta(z, a, t, out):
        a_y = b = 0.0
        for j in range(a.size):
            a_y += t[j] * a[j]
            b += (1.0 - t[j]) * a[j]
        log_a_y = -math.log1p(b / (a_y + TINY))
        weight = gamma * b**lower * a_y * log_a_y - b**gamma
        for j in range(a.size):
            out[j] = weight * (t[j] - a[j])

    def cost(z, a, t):
        return _rivals_and_target(a, t)[0] ** gamma * _neg_log_target(z, a, t)

    key = "focal" if gamma == FOCAL_GAMMA else f"focal_{gamma}"
    return Loss(key, "softmax", carries_slope=False, cost=cost, delta=delta)


def label_smoothing(epsilon: float = SMOOTHING) -> Loss:
    """Log-likelihood against the smoothed target q = (1 − ε) t + ε/K, exactly as
    `torch.nn.functional.cross_entropy(z, y, label_smoothing=ε)`:
    C = −Σ_j q_j ln a_j = logsumexp(z) − Σ_j q_j z_j, and ∂C/∂z = a − q (Σ q_j = 1).

    Its minimum, at a = q, is the entropy of q > 0, and its optimum a_y = 1 − ε + ε/K < 1.
    """
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not 0 <= epsilon < 1:
        raise ValueError(f"epsilon must be a number in [0, 1); got {epsilon!r}")
    epsilon = float(epsilon)
    keep = 1.0 - epsilon

    def delta(z, a, t, out):
        share = epsilon / a.size
        for j in range(a.size):
            out[j] = a[j] - (keep * t[j] + share)

    def cost(z, a, t):
        m = z.max(axis=-1, keepdims=True)
        nll = np.log(np.exp(z - m).sum(axis=-1, keepdims=True)) - (z - m)  # −ln a_j ≥ 0, every j
        return keep * (t * nll).sum(axis=-1) + epsilon / z.shape[-1] * nll.sum(axis=-1)

    key = "label_smoothing" if epsilon == SMOOTHING else f"label_smoothing_{epsilon:g}"
    return Loss(key, "softmax", carries_slope=False, cost=cost, delta=delta)


def _log_likelihood_cost(z, a, t):
    return _neg_log_target(z, a, t)


_ENTRIES: list[Loss] = [
    Loss("quadratic", "sigmoid", True, lambda z, a, y: 0.5 * (a - y) ** 2, _quadratic),
    Loss("cross_entropy", "sigmoid", False, lambda z, a, y: softplus(z) - y * z, _cross_entropy),
    focal_sigmoid(FOCAL_GAMMA),
    Loss("absolute", "sigmoid", True, lambda z, a, y: np.abs(a - y), _absolute, smooth=False),
    Loss("quadratic", "softmax", True, lambda z, a, t: 0.5 * ((a - t) ** 2).sum(axis=-1), _softmax_quadratic),
    Loss("log_likelihood", "softmax", False, _log_likelihood_cost, _log_likelihood),
    focal_softmax(FOCAL_GAMMA),
    label_smoothing(SMOOTHING),
]


LOSSES: dict[str, dict[str, Loss]] = {
    neuron: {loss.key: loss for loss in _ENTRIES if loss.neuron == neuron} for neuron in NEURONS
}
# What a fresh page compares: the source article's two losses per kind (any subset can be chosen).
DEFAULT_LOSSES: dict[str, tuple[str, ...]] = {
    "sigmoid": ("quadratic", "cross_entropy"),
    "softmax": ("quadratic", "log_likelihood"),
}


def register(loss: Loss) -> None:
    """Add a loss to the registry (or replace the one with its neuron and key)."""
    if not isinstance(loss, Loss):
        raise ValueError(f"a loss must be a Loss; got {loss!r}")
    LOSSES[loss.neuron][loss.key] = loss


def unregister(neuron: str, key: str) -> None:
    """Remove a loss added with `register` (tests use it to add a loss for a while)."""
    get_loss(neuron, key)
    del LOSSES[neuron][key]


def get_loss(neuron: str, key: str) -> Loss:
    """The registry entry for `key` under `neuron`, or a ValueError saying what exists."""
    if not isinstance(neuron, str) or neuron not in LOSSES:
        raise ValueError(f"neuron must be one of {', '.join(NEURONS)}; got {neuron!r}")
    if not isinstance(key, str) or key not in LOSSES[neuron]:
        accepted = ", ".join(LOSSES[neuron])
        raise ValueError(f"loss must be one of {accepted} for a {neuron} neuron; got {key!r}")
    return LOSSES[neuron][key]
