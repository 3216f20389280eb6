"""The optimizer registry: how a gradient becomes a step, in the spirit of the loss registry.

Each entry is its update rule as code, `update(g, state, t, eta) -> (change, state)`: from one
parameter's gradient g at update t (1, 2, …) and the state it kept, the change to subtract from
the parameter and the new state. The rule is plain arithmetic (and `_sqrt`), so it runs on floats
(a single run) and on arrays of cells (the learning-speed map) with the same bits. Every entry
starts from `start`, a state of zeros, and carries its formulas in LaTeX, what its state holds
and the PyTorch call it equals. Adding an optimizer (RMSProp, say) means adding one entry here.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import sub
from typing import Any

import numpy as np

from lossdemo.engine import validation
from lossdemo.language.messages import N_

MOMENTUM = 0.9  # μ of torch.optim.SGD(momentum=0.9)
BETAS = (0.9, 0.999)  # torch.optim.Adam's defaults
EPS = 1e-8


@dataclass(frozen=True)
class Optimizer:
    key: str
    name: str
    purpose: str  # one line: what it does to the step
    update_tex: str  # the update rule, LaTeX (lines separated by \\)
    state: str  # what it keeps between updates, in words
    torch: str  # the PyTorch optimizer it equals
    start: tuple[float, ...]  # its state before the first update (zeros)
    update: Callable[[Any, tuple, int, Any], tuple[Any, tuple]]  # (g, state, t, η) -> (change, state)
    along_gradient: bool  # is every change η·g? Then a single-example run moves its logits alone


def _sqrt(x):
    """√x on a float (math) or an array or a traced float (numpy; `tracing` writes it out as math's):
    both are IEEE's correctly rounded square root."""
    return math.sqrt(x) if isinstance(x, float) else np.sqrt(x)


def _gd(g, state, t, eta):
    return eta * g, state


def _momentum(g, state, t, eta):
    """torch.optim.SGD with momentum μ, no dampening, not Nesterov: its buffer starts as the first
    gradient, which μ·0 + g gives exactly."""
    velocity = MOMENTUM * state[0] + g
    return eta * velocity, (velocity,)


def _adam(g, state, t, eta):
    """torch.optim.Adam with bias correction, as the pseudo-code of its documentation."""
    beta1, beta2 = BETAS
    m = beta1 * state[0] + (1.0 - beta1) * g
    v = beta2 * state[1] + (1.0 - beta2) * (g * g)
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    return eta * m_hat / (_sqrt(v_hat) + EPS), (m, v)


OPTIMIZERS: dict[str, Optimizer] = {
    entry.key: entry
    for entry in (
        Optimizer(
            key="gd",
            name=N_("Gradient descent"),
            purpose=N_("Each step is η times the gradient: a tiny gradient makes a tiny step."),
            update_tex=r"p \leftarrow p - \eta\, g",
            state=N_("nothing"),
            torch="torch.optim.SGD(params, lr=η)",
            start=(),
            update=_gd,
            along_gradient=True,
        ),
        Optimizer(
            key="momentum",
            name=N_("Momentum"),
            purpose=N_(
                "Steps along a running sum of the gradients (μ = 0.9): a steady small gradient "
                "builds up to a step up to 10 times as long, but a tiny one stays tiny."
            ),
            update_tex=r"v \leftarrow \mu v + g,\quad p \leftarrow p - \eta\, v,\quad \mu = 0.9",
            state=N_("the velocity v per parameter (the first update sets v = g)"),
            torch="torch.optim.SGD(params, lr=η, momentum=0.9)",
            start=(0.0,),
            update=_momentum,
            along_gradient=False,
        ),
        Optimizer(
            key="adam",
            name="Adam",  # a name, the same in every language: not in the catalogue
            purpose=N_(
                "Divides each parameter's step by a running estimate of its gradient's size: the "
                "step is about η whether the gradient is tiny or not."
            ),
            update_tex=r"m \leftarrow \beta_1 m + (1 - \beta_1) g,"
            r"\quad v \leftarrow \beta_2 v + (1 - \beta_2) g^2"
            r"\\ p \leftarrow p - \eta\,\frac{m / (1 - \beta_1^t)}{\sqrt{v / (1 - \beta_2^t)} + \epsilon}"
            r"\\ \beta_1 = 0.9,\ \beta_2 = 0.999,\ \epsilon = 10^{-8}",
            state=N_("the running means m of g and v of g² per parameter, and the update count t"),
            torch="torch.optim.Adam(params, lr=η, betas=(0.9, 0.999), eps=1e-8)",
            start=(0.0, 0.0),
            update=_adam,
            along_gradient=False,
        ),
    )
}
DEFAULT_OPTIMIZER = "gd"


def get_optimizer(key: object) -> Optimizer:
    """The registry entry for `key`, or a ValueError naming the accepted keys."""
    return OPTIMIZERS[validation.choice("optimizer", key, tuple(OPTIMIZERS))]


def follow(
    optimizer: Optimizer,
    params: list[float],
    gradient: Callable[[list[float]], list[float]],
    eta: float,
    epochs: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(parameters, steps): the parameters after 0 … epochs updates, shape (epochs + 1, P), and
    per row the length ‖Δp‖ of the update the optimizer makes from that row (for the last row, the
    one it would make next). `gradient(params)` is ∂C/∂p at those parameters, one float each."""
    count, at_t = len(params), repeat
    states: tuple = (optimizer.start,) * count
    rows, moves = array("d"), array("d")  # 8 bytes a number, not a Python float
    for t in range(1, epochs + 2):
        rows.extend(params)
        changes, states = zip(*map(optimizer.update, gradient(params), states, at_t(t), at_t(eta)))
        moves.extend(changes)
        params = list(map(sub, params, changes))
    shape = (epochs + 1, count)
    return np.frombuffer(rows).reshape(shape), step_lengths(np.frombuffer(moves).reshape(shape))


def step_lengths(changes: np.ndarray) -> np.ndarray:
    """‖Δp‖ of each row of changes, without overflow or underflow: hypot(hypot(|Δp₀|, |Δp₁|), …)."""
    return np.hypot.reduce(np.abs(changes), axis=1)
