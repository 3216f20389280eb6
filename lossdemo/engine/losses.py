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

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from lossdemo.engine.activations import softplus
from lossdemo.language.messages import N_

NEURONS = ("sigmoid", "softmax")
FOCAL_GAMMA = 2  # γ of the focal losses (Lin et al. 2017's choice; no α weighting)
SMOOTHING = 0.1  # ε of label smoothing
TINY = 1e-300  # the softmax focal ∂C/∂z takes ln(a_y + TINY): finite at a_y = 0, exact above 1e-284


# The purposes of the parametrised losses, as the registry's entries (γ = FOCAL_GAMMA, ε = SMOOTHING)
# say them: those are the catalogue's messages. A loss built with another γ or ε (the tests') has
# its value written into the English text.
FOCAL_SIGMOID_PURPOSE = N_(
    "Cross-entropy with each side weighted by its own error to the power γ = 2 "
    "(Lin et al. 2017, for rare hard examples among many easy ones): a badly wrong neuron "
    "learns as fast as with cross-entropy, but the gradient fades like the error cubed near "
    "the target, so the last stretch is slow."
)
FOCAL_SOFTMAX_PURPOSE = N_(
    "Log-likelihood weighted by (1 − a_y)^γ, γ = 2 (Lin et al. 2017, to focus on "
    "hard examples): a confidently wrong layer learns as fast as with log-likelihood, but the "
    "gradient fades like (1 − a_y)³ near the target, so the last stretch is slow."
)
LABEL_SMOOTHING_PURPOSE = N_(
    "Log-likelihood against a softened target (1 − ε)t + ε/K, ε = 0.1 (as PyTorch's "
    "cross_entropy with label_smoothing), against overconfidence: it learns as fast when wrong, "
    "but its optimum is a_y = 1 − ε + ε/K < 1 and its minimum is above 0."
)


class Live(Protocol):
    """The live values a loss writes its chain-rule factors with (see `Loss.values_tex`)."""

    a: float  # the output: a (sigmoid) or a_y (softmax)
    y: float  # the target output: y, or 1 for the softmax target class
    rivals: float  # softmax: Σ_{j≠y} a_j²
    classes: int  # softmax: the number of classes K (0 for a sigmoid neuron)

    def num(self, value: float) -> str: ...

    def slope(self) -> str: ...  # the slope σ′(z) or a_y(1 − a_y), highlighted where small


@dataclass(frozen=True)
class Loss:
    key: str
    neuron: str
    name: str
    purpose: str  # one line: what the loss is for and when it slows down
    # "C = …" and "∂C/∂z = …", shown one under the other in half a laptop's page; a formula too
    # wide for that breaks its line with \\ (each line centred).
    cost_tex: str
    delta_tex: str
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


def _power(gamma: int) -> Callable[[Any], Any]:
    """x ↦ x^γ by repeated multiplication (x^0 = 1): the same operations on a float and on an
    array, where `x ** 2.0` would be libm's pow on a float but x·x on an array."""
    if gamma == 0:
        return lambda x: 1.0
    if gamma == 1:
        return lambda x: x
    if gamma == 2:
        return lambda x: x * x

    def power(x):
        result = x
        for _ in range(gamma - 1):
            result = result * x
        return result

    return power


def _gamma(gamma: object) -> int:
    if isinstance(gamma, bool) or not isinstance(gamma, int) or not 0 <= gamma <= 10:
        raise ValueError(f"gamma must be an integer from 0 to 10; got {gamma!r}")
    return gamma


def _power_tex(base: str, n: int) -> str:
    return "1" if n == 0 else base if n == 1 else f"{base}^{{{n}}}"


def _xlnx(p: float) -> float:
    """p ln p, 0 at p = 0 (its limit): for the live values of the focal losses."""
    return p * math.log(p) if p > 0 else 0.0


def focal_sigmoid(gamma: int = FOCAL_GAMMA) -> SigmoidLoss:
    """Focal loss of a sigmoid neuron (Lin et al. 2017, without α):
    C = −[y (1 − a)^γ ln a + (1 − y) a^γ ln(1 − a)]; γ = 0 is cross-entropy.

    ∂C/∂z by hand, with b = 1 − a, so da/dz = ab, d(ln a)/dz = b and d(ln b)/dz = −a:
        d/dz [b^γ ln a] = −γ b^(γ−1)·ab·ln a + b^γ·b = b^γ (b − γ a ln a)
        d/dz [a^γ ln b] =  γ a^(γ−1)·ab·ln b − a^γ·a = a^γ (γ b ln b − a)
    so  ∂C/∂z = y b^γ (γ a ln a − b) + (1 − y) a^γ (a − γ b ln b);
    γ = 0 gives −yb + (1 − y)a = a − y. σ′(z) = ab cancels against the 1/a and 1/b of ∂C/∂a,
    so the gradient does not carry it (sp is not used).

    Stable form: ln a = −softplus(−z) and ln b = −softplus(z), both from tail = ln(1 + e^−|z|):
    softplus(±z) = max(±z, 0) + tail, max(±z, 0) = (|z| ± z)/2 exactly; and b = e^(ln b), which
    keeps 1 − a's relative precision as a → 1 (1.0 − a would not). Only ufuncs and arithmetic,
    so a float and an array element get the same bits.
    """
    gamma = _gamma(gamma)
    power = _power(gamma)

    def cost(z, a, y):
        up, down = softplus(z), softplus(-z)  # −ln(1 − a), −ln a
        return y * power(np.exp(-up)) * down + (1.0 - y) * power(a) * up

    def delta(z, a, sp, y):
        r = abs(z)
        tail = np.log1p(np.exp(-r))
        log_a = -(0.5 * (r - z) + tail)
        log_b = -(0.5 * (r + z) + tail)
        b = np.exp(log_b)
        return y * power(b) * (gamma * a * log_a - b) + (1.0 - y) * power(a) * (a - gamma * b * log_b)

    g = gamma
    return SigmoidLoss(
        key="focal" if gamma == FOCAL_GAMMA else f"focal_{gamma}",
        neuron="sigmoid",
        name=N_("Focal") if gamma == FOCAL_GAMMA else f"Focal (γ = {gamma})",
        purpose=FOCAL_SIGMOID_PURPOSE.replace("γ = 2", f"γ = {gamma}"),
        cost_tex=rf"C = -\big[y(1 - a)^{{\gamma}}\ln a \\ {{}} + (1 - y)\,a^{{\gamma}}\ln(1 - a)\big],"
        rf"\ \gamma = {g}",
        delta_tex=r"\frac{\partial C}{\partial z} = y(1 - a)^{\gamma}\left[\gamma a\ln a - (1 - a)\right]"
        r" \\ {} + (1 - y)\,a^{\gamma}\left[a - \gamma(1 - a)\ln(1 - a)\right]",
        chain_tex=rf"\left(y\,{_power_tex('(1 - a)', g)}\left[{g}a\ln a - (1 - a)\right]"
        rf" + (1 - y)\,{_power_tex('a', g)}\left[a - {g}(1 - a)\ln(1 - a)\right]\right)",
        values_tex=lambda v: (
            rf"\left({v.num(v.y)}\cdot{v.num((1 - v.a) ** g)}\left[{v.num(g * _xlnx(v.a) - (1 - v.a))}\right]"
            rf" + {v.num(1 - v.y)}\cdot{v.num(v.a**g)}\left[{v.num(v.a - g * _xlnx(1 - v.a))}\right]\right)"
        ),
        carries_slope=False,
        cost=cost,
        delta=delta,
    )


def _neg_log_target(z, a, y):
    """−ln a_y per row: log1p(b / a_y) with b = Σ_{j≠y} a_j (accurate as a_y → 1, where
    logsumexp(z) − z_y loses its relative precision), or logsumexp(z) − z_y where a_y is below
    TINY (underflowed to 0 or subnormal)."""
    a_y = a[:, y]
    b = np.delete(a, y, axis=1).sum(axis=1)
    return np.where(a_y >= TINY, np.log1p(b / np.maximum(a_y, TINY)), _log_likelihood_cost(z, a, y))


def focal_softmax(gamma: int = FOCAL_GAMMA) -> SoftmaxLoss:
    """Focal loss of a softmax layer: C = −(1 − a_y)^γ ln a_y; γ = 0 is log-likelihood.

    ∂C/∂z_j by hand, with b = 1 − a_y: ∂C/∂a_y = γ b^(γ−1) ln a_y − b^γ / a_y and
    ∂a_y/∂z_j = a_y (t_j − a_j), so
        ∂C/∂z_j = [γ b^(γ−1) a_y ln a_y − b^γ] (t_j − a_j);
    γ = 0 gives a_j − t_j.

    Stable and without branches (for the tracer of `softmax_loop`): a_y = Σ t_j a_j exactly;
    b = Σ (1 − t_j) a_j, the rivals' share, keeps its relative precision as a_y → 1 (1 − a_y
    would not); ln a_y = −ln((a_y + b)/a_y) = −log1p(b / a_y), accurate from a_y → 1 (≈ −b) down
    to the smallest normal a_y. Adding TINY keeps ln a_y finite where a_y underflows to 0, and
    changes nothing above 1e-284 (TINY is below half an ulp of a_y); below that a_y ln a_y is
    under 1e-281, nothing next to b^γ ≈ 1. (a_y + TINY costs less than np.maximum(a_y, TINY).)
    """
    gamma = _gamma(gamma)
    power, lower = _power(gamma), _power(max(gamma - 1, 0))

    def delta(z, a, t):
        a_y, b = t[0] * a[0], (1.0 - t[0]) * a[0]
        for aj, tj in zip(a[1:], t[1:]):
            a_y = a_y + tj * aj
            b = b + (1.0 - tj) * aj
        log_a_y = -np.log1p(b / (a_y + TINY))
        weight = gamma * lower(b) * a_y * log_a_y - power(b)
        return [weight * (tj - aj) for aj, tj in zip(a, t)]

    def cost(z, a, y):
        return power(np.delete(a, y, axis=1).sum(axis=1)) * _neg_log_target(z, a, y)

    g = gamma
    return SoftmaxLoss(
        key="focal" if gamma == FOCAL_GAMMA else f"focal_{gamma}",
        neuron="softmax",
        name=N_("Focal") if gamma == FOCAL_GAMMA else f"Focal (γ = {gamma})",
        purpose=FOCAL_SOFTMAX_PURPOSE.replace("γ = 2", f"γ = {gamma}"),
        cost_tex=rf"C = -(1 - a_y)^{{\gamma}}\ln a_y,\ \gamma = {g}",
        delta_tex=r"\frac{\partial C}{\partial z} = \left[\gamma(1 - a_y)^{\gamma - 1}a_y\ln a_y"
        r" - (1 - a_y)^{\gamma}\right] \\ {} \times (t - a)",
        chain_tex=rf"\left[{g}{_power_tex('(1 - a_y)', max(g - 1, 0))}\,a_y\ln a_y"
        rf" - {_power_tex('(1 - a_y)', g)}\right](1 - a_y)",
        values_tex=lambda v: (
            rf"\left[{g}\cdot{v.num((1 - v.a) ** (g - 1) if g else 0.0)}\cdot({v.num(_xlnx(v.a))})"
            rf" - {v.num((1 - v.a) ** g)}\right]({v.num(1 - v.a)})"
        ),
        carries_slope=False,
        cost=cost,
        delta=delta,
    )


def label_smoothing(epsilon: float = SMOOTHING) -> SoftmaxLoss:
    """Log-likelihood against the smoothed target q = (1 − ε) t + ε/K, exactly as
    `torch.nn.functional.cross_entropy(z, y, label_smoothing=ε)`:
    C = −Σ_j q_j ln a_j = logsumexp(z) − Σ_j q_j z_j, and ∂C/∂z = a − q (Σ q_j = 1).

    Its minimum, at a = q, is the entropy of q > 0, and its optimum a_y = 1 − ε + ε/K < 1.
    ε = 0 is log-likelihood, bit for bit (1·t + 0 = t; 1·x + 0·s = x).
    """
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not 0 <= epsilon < 1:
        raise ValueError(f"epsilon must be a number in [0, 1); got {epsilon!r}")
    epsilon = float(epsilon)
    keep = 1.0 - epsilon

    def delta(z, a, t):
        share = epsilon / len(a)
        return [aj - (keep * tj + share) for aj, tj in zip(a, t)]

    def cost(z, a, y):
        m = z.max(axis=1, keepdims=True)
        nll = np.log(np.exp(z - m).sum(axis=1, keepdims=True)) - (z - m)  # −ln a_j ≥ 0, every j
        return keep * nll[:, y] + epsilon / z.shape[1] * nll.sum(axis=1)

    e = f"{epsilon:g}"
    return SoftmaxLoss(
        key="label_smoothing" if epsilon == SMOOTHING else f"label_smoothing_{e}",
        neuron="softmax",
        name=N_("Label smoothing") if epsilon == SMOOTHING else f"Label smoothing (ε = {e})",
        purpose=LABEL_SMOOTHING_PURPOSE.replace("ε = 0.1", f"ε = {e}"),
        cost_tex=rf"C = -\sum_j q_j \ln a_j, \\ q = (1 - \varepsilon)\,t + \varepsilon/K,\ \varepsilon = {e}",
        delta_tex=r"\frac{\partial C}{\partial z} = a - q",
        chain_tex=r"a_y - \left(1 - \varepsilon + \tfrac{\varepsilon}{K}\right)",
        values_tex=lambda v: rf"{v.num(v.a)} - {v.num(keep + epsilon / v.classes)}",
        carries_slope=False,
        cost=cost,
        delta=delta,
    )


_ENTRIES: list[Loss] = [
    SigmoidLoss(
        key="quadratic",
        neuron="sigmoid",
        name=N_("Quadratic"),
        purpose=N_(
            "The mean squared error of regression; its gradient carries σ′(z), so it stalls "
            "wherever the sigmoid saturates."
        ),
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
        name=N_("Cross-entropy"),
        purpose=N_(
            "The loss of logistic regression; σ′(z) cancels, so the gradient is the error "
            "itself and never stalls in saturation."
        ),
        cost_tex=r"C = -\left[y \ln a + (1 - y) \ln(1 - a)\right]",
        delta_tex=r"\frac{\partial C}{\partial z} = a - y",
        chain_tex=r"(a - y)",
        values_tex=lambda v: rf"({v.num(v.a - v.y)})",
        carries_slope=False,
        cost=lambda z, a, y: softplus(z) - y * z,
        delta=lambda z, a, sp, y: a - y,
    ),
    focal_sigmoid(FOCAL_GAMMA),
    SigmoidLoss(
        key="absolute",
        neuron="sigmoid",
        name=N_("Absolute error"),
        purpose=N_(
            "The mean absolute error of robust regression; its gradient is sign(a − y)·σ′(z): "
            "the size of the error drops out and only σ′(z) is left, so it stalls in saturation like "
            "quadratic and keeps its full step right up to the target."
        ),
        cost_tex=r"C = |a - y|",
        delta_tex=r"\frac{\partial C}{\partial z} = \operatorname{sign}(a - y)\,\sigma'(z)",
        chain_tex=r"\operatorname{sign}(a - y)\,\sigma'(z)",
        values_tex=lambda v: rf"\operatorname{{sign}}({v.num(v.a - v.y)})\cdot{v.slope()}",
        carries_slope=True,
        cost=lambda z, a, y: np.abs(a - y),
        delta=lambda z, a, sp, y: np.sign(a - y) * sp,
    ),
    SoftmaxLoss(
        key="quadratic",
        neuron="softmax",
        name=N_("Quadratic"),
        purpose=N_(
            "Squared error on the probabilities; the softmax Jacobian multiplies in a_y, so "
            "it stalls when the layer is confidently wrong."
        ),
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
        name=N_("Log-likelihood"),
        purpose=N_(
            "The loss of multinomial logistic regression; no slope factor, so a confidently "
            "wrong layer learns fastest."
        ),
        cost_tex=r"C = -\ln a_y",
        delta_tex=r"\frac{\partial C}{\partial z} = a - t",
        chain_tex=r"a_y - 1",
        values_tex=lambda v: rf"{v.num(v.a)} - 1",
        carries_slope=False,
        cost=_log_likelihood_cost,
        delta=lambda z, a, t: [aj - tj for aj, tj in zip(a, t)],
    ),
    focal_softmax(FOCAL_GAMMA),
    label_smoothing(SMOOTHING),
]


def _index(entries: list[Loss]) -> dict[str, dict[str, Loss]]:
    return {neuron: {loss.key: loss for loss in entries if loss.neuron == neuron} for neuron in NEURONS}


LOSSES: dict[str, dict[str, Loss]] = _index(_ENTRIES)
# What a fresh page compares: the source article's two losses per kind (any subset can be chosen).
DEFAULT_LOSSES: dict[str, tuple[str, ...]] = {
    "sigmoid": ("quadratic", "cross_entropy"),
    "softmax": ("quadratic", "log_likelihood"),
}


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
