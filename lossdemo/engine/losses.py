"""The loss registry: each loss is its cost and its ∂C/∂z, in the spirit of Nielsen's network2.py.

One signature per neuron kind, in stable form (from z, never from a rounded log of a):

- sigmoid: `cost(z, a, y)` over arrays; `delta(z, a, sp, y)` = ∂C/∂z from the logit z, the output
  a = σ(z) and the slope sp = σ′(z), for a target y in [0, 1];
- softmax: `cost(z, a, y)` over (rows, K) arrays and a target class y; `delta(z, a, t)` = ∂C/∂z as
  a list of K components from the K logits, the K outputs and the one-hot target t (K floats).

Every `delta` is plain arithmetic and numpy ufuncs, so it runs on floats and on arrays alike (the
softmax one also on the tracer of `softmax_loop`, which refuses anything it cannot write out).
Each entry also carries its formulas in LaTeX (shown on the page) and the chain-rule factors with
live values. Adding a loss means adding one entry here (and its tests): runs, charts, the map,
the summaries and the page ask the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from lossdemo.engine.activations import softplus

NEURONS = ("sigmoid", "softmax")


class Live(Protocol):
    """The live values a loss writes its chain-rule factors with (see `Loss.values_tex`)."""

    a: float  # the output: a (sigmoid) or a_y (softmax)
    y: float  # the target output: y, or 1 for the softmax target class
    rivals: float  # softmax: Σ_{j≠y} a_j²

    def num(self, value: float) -> str: ...

    def slope(self) -> str: ...  # the slope σ′(z) or a_y(1 − a_y), highlighted where small


@dataclass(frozen=True)
class Loss:
    key: str
    neuron: str
    name: str
    purpose: str  # one line: what the loss is for and when it slows down
    cost_tex: str  # "C = …"
    delta_tex: str  # "∂C/∂z = …"
    chain_tex: str  # ∂C/∂z (sigmoid) or ∂C/∂z_y (softmax) as the product of its factors
    values_tex: Callable[[Live], str]  # the same factors with live values
    carries_slope: bool  # does ∂C/∂z carry the activation's slope σ′(z) (softmax: a_y(1 − a_y))?
    cost: Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class SigmoidLoss(Loss):
    delta: Callable[[Any, Any, Any, float], Any]  # (z, a, σ′(z), y) -> ∂C/∂z


@dataclass(frozen=True)
class SoftmaxLoss(Loss):
    delta: Callable[[list, list, list], list]  # (z, a, t) -> [∂C/∂z_j for j < K]


KINDS: dict[str, type[Loss]] = {"sigmoid": SigmoidLoss, "softmax": SoftmaxLoss}


def _softmax_quadratic_delta(z, a, t):
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


_ENTRIES: list[Loss] = [
    SigmoidLoss(
        key="quadratic",
        neuron="sigmoid",
        name="Quadratic",
        purpose="The mean squared error of regression; its gradient carries σ′(z), so it stalls "
        "wherever the sigmoid saturates.",
        cost_tex=r"C = \tfrac{1}{2}(a - y)^2",
        delta_tex=r"\frac{\partial C}{\partial z} = (a - y)\,\sigma'(z)",
        chain_tex=r"(a - y)\,\sigma'(z)",
        values_tex=lambda v: rf"({v.num(v.a - v.y)})\cdot{v.slope()}",
        carries_slope=True,
        cost=lambda z, a, y: 0.5 * (a - y) ** 2,
        delta=lambda z, a, sp, y: (a - y) * sp,
    ),
    SigmoidLoss(
        key="cross_entropy",
        neuron="sigmoid",
        name="Cross-entropy",
        purpose="The loss of logistic regression; σ′(z) cancels, so the gradient is the error "
        "itself and never stalls in saturation.",
        cost_tex=r"C = -\left[y \ln a + (1 - y) \ln(1 - a)\right]",
        delta_tex=r"\frac{\partial C}{\partial z} = a - y",
        chain_tex=r"(a - y)",
        values_tex=lambda v: rf"({v.num(v.a - v.y)})",
        carries_slope=False,
        cost=lambda z, a, y: softplus(z) - y * z,
        delta=lambda z, a, sp, y: a - y,
    ),
    SoftmaxLoss(
        key="quadratic",
        neuron="softmax",
        name="Quadratic",
        purpose="Squared error on the probabilities; the softmax Jacobian multiplies in a_y, so "
        "it stalls when the layer is confidently wrong.",
        cost_tex=r"C = \tfrac{1}{2}\sum_j (a_j - t_j)^2",
        delta_tex=r"\frac{\partial C}{\partial z} = J\,(a - t),\quad J = \mathrm{diag}(a) - a a^{\top}",
        chain_tex=r"a_y(1 - a_y)\,(a_y - 1) - a_y \sum_{j \ne y} a_j^2",
        values_tex=lambda v: rf"{v.slope()}\cdot({v.num(v.a - 1)}) - ({v.num(v.a)})({v.num(v.rivals)})",
        carries_slope=True,
        cost=lambda z, a, y: 0.5 * ((a - _one_hot(a, y)) ** 2).sum(axis=1),
        delta=_softmax_quadratic_delta,
    ),
    SoftmaxLoss(
        key="log_likelihood",
        neuron="softmax",
        name="Log-likelihood",
        purpose="The loss of multinomial logistic regression; no slope factor, so a confidently "
        "wrong layer learns fastest.",
        cost_tex=r"C = -\ln a_y",
        delta_tex=r"\frac{\partial C}{\partial z} = a - t",
        chain_tex=r"a_y - 1",
        values_tex=lambda v: rf"{v.num(v.a)} - 1",
        carries_slope=False,
        cost=_log_likelihood_cost,
        delta=lambda z, a, t: [aj - tj for aj, tj in zip(a, t)],
    ),
]


def _index(entries: list[Loss]) -> dict[str, dict[str, Loss]]:
    return {neuron: {loss.key: loss for loss in entries if loss.neuron == neuron} for neuron in NEURONS}


LOSSES: dict[str, dict[str, Loss]] = _index(_ENTRIES)


def register(loss: Loss) -> None:
    """Add a loss to the registry (or replace the one with its neuron and key)."""
    if loss.neuron not in NEURONS:
        raise ValueError(f"neuron must be one of {', '.join(NEURONS)}; got {loss.neuron!r}")
    kind = KINDS[loss.neuron]
    if not isinstance(loss, kind) or not callable(loss.delta):
        raise ValueError(f"a {loss.neuron} loss must be a {kind.__name__} with a delta; got {loss!r}")
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
