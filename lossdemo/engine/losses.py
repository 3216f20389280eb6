"""The loss registry: each loss is its cost and its ∂C/∂z, in the spirit of Nielsen's network2.py.

Sigmoid losses: `cost(z, a, y)` over arrays, `delta(a, sp, y)` = ∂C/∂z from the output a and
σ′(z) = sp. Softmax losses: `cost(z, a, y)` over (rows, K) arrays, `delta(a, t)` = ∂C/∂z as a
list of K components, with t the one-hot target as K floats. Every `delta` is plain arithmetic,
so it runs on floats and on arrays alike. Adding a loss means adding one entry here (and its
tests); runs, charts and texts ask the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lossdemo.engine.activations import softplus

NEURONS = ("sigmoid", "softmax")


@dataclass(frozen=True)
class Loss:
    key: str
    neuron: str
    name: str
    cost_tex: str
    delta_tex: str
    cost: Callable
    delta: Callable
    uses_slope: bool  # does ∂C/∂z carry the activation's slope σ′(z) (softmax: a_y(1 − a_y))?


def _softmax_quadratic_delta(a, t):
    r = [aj - tj for aj, tj in zip(a, t)]
    s = a[0] * r[0]
    for aj, rj in zip(a[1:], r[1:]):
        s = s + aj * rj
    return [aj * rj - aj * s for aj, rj in zip(a, r)]


def _log_likelihood_cost(z, a, y):
    m = z.max(axis=1)
    return np.log(np.exp(z - m[:, None]).sum(axis=1)) - (z[:, y] - m)


def _one_hot(a, y):
    t = np.zeros(a.shape[1])
    t[y] = 1.0
    return t


_ENTRIES = (
    Loss(
        key="quadratic",
        neuron="sigmoid",
        name="Quadratic",
        cost_tex=r"C = \tfrac{1}{2}(a - y)^2",
        delta_tex=r"\frac{\partial C}{\partial z} = (a - y)\,\sigma'(z)",
        cost=lambda z, a, y: 0.5 * (a - y) ** 2,
        delta=lambda a, sp, y: (a - y) * sp,
        uses_slope=True,
    ),
    Loss(
        key="cross_entropy",
        neuron="sigmoid",
        name="Cross-entropy",
        cost_tex=r"C = -\left[y \ln a + (1 - y) \ln(1 - a)\right]",
        delta_tex=r"\frac{\partial C}{\partial z} = a - y",
        cost=lambda z, a, y: softplus(z) - y * z,
        delta=lambda a, sp, y: a - y,
        uses_slope=False,
    ),
    Loss(
        key="quadratic",
        neuron="softmax",
        name="Quadratic",
        cost_tex=r"C = \tfrac{1}{2}\sum_j (a_j - t_j)^2",
        delta_tex=r"\frac{\partial C}{\partial z} = J\,(a - t),\quad J = \mathrm{diag}(a) - a a^{\top}",
        cost=lambda z, a, y: 0.5 * ((a - _one_hot(a, y)) ** 2).sum(axis=1),
        delta=_softmax_quadratic_delta,
        uses_slope=True,
    ),
    Loss(
        key="log_likelihood",
        neuron="softmax",
        name="Log-likelihood",
        cost_tex=r"C = -\ln a_y",
        delta_tex=r"\frac{\partial C}{\partial z} = a - t",
        cost=_log_likelihood_cost,
        delta=lambda a, t: [aj - tj for aj, tj in zip(a, t)],
        uses_slope=False,
    ),
)

LOSSES: dict[str, dict[str, Loss]] = {
    neuron: {loss.key: loss for loss in _ENTRIES if loss.neuron == neuron} for neuron in NEURONS
}


def get_loss(neuron: str, key: str) -> Loss:
    """The registry entry for `key` under `neuron`, or a ValueError saying what exists."""
    if not isinstance(neuron, str) or neuron not in LOSSES:
        raise ValueError(f"neuron must be one of {', '.join(NEURONS)}; got {neuron!r}")
    if not isinstance(key, str) or key not in LOSSES[neuron]:
        accepted = ", ".join(LOSSES[neuron])
        raise ValueError(f"loss must be one of {accepted} for a {neuron} neuron; got {key!r}")
    return LOSSES[neuron][key]
