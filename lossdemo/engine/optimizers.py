"""The optimizer registry: how a gradient becomes a step, in the spirit of the loss registry.

Each entry is its update rule as code, `update(g, state, p, t, eta) -> change`: from parameter
p's gradient g at update t (1, 2, …) and the numbers the optimizer keeps for it (`state[p]`, a row
of `state_size` zeros at the start, updated in place), the change to subtract from the parameter.
The rule is plain arithmetic, which numba compiles into every kernel that calls it. Its words (name,
purpose, formulas, the PyTorch call it equals) live under its key in `lossdemo.language.words`.
Adding an optimizer (RMSProp, say) means adding one entry here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from lossdemo.engine import validation

MOMENTUM = 0.9  # μ of torch.optim.SGD(momentum=0.9)
BETAS = (0.9, 0.999)  # torch.optim.Adam's defaults
EPS = 1e-8


@dataclass(frozen=True)
class Optimizer:
    key: str
    state_size: int  # the numbers it keeps per parameter between updates
    update: Callable  # (g, state, p, t, η) -> change; numba compiles it into the kernels
    along_gradient: bool  # is every change η·g? Then a single-example run moves its logits alone


def _gd(g, state, p, t, eta):
    return eta * g


def _momentum(g, state, p, t, eta):
    """torch.optim.SGD with momentum μ, no dampening, not Nesterov: its buffer starts as the first
    gradient, which μ·0 + g gives exactly."""
    state[p, 0] = MOMENTUM * state[p, 0] + g
    return eta * state[p, 0]


def _adam(g, state, p, t, eta):
    """torch.optim.Adam with bias correction, as the pseudo-code of its documentation."""
    beta1, beta2 = BETAS
    state[p, 0] = beta1 * state[p, 0] + (1.0 - beta1) * g
    state[p, 1] = beta2 * state[p, 1] + (1.0 - beta2) * (g * g)
    m_hat = state[p, 0] / (1.0 - beta1**t)
    v_hat = state[p, 1] / (1.0 - beta2**t)
    return eta * m_hat / (math.sqrt(v_hat) + EPS)


OPTIMIZERS: dict[str, Optimizer] = {
    entry.key: entry
    for entry in (
        Optimizer("gd", 0, _gd, along_gradient=True),
        Optimizer("momentum", 1, _momentum, along_gradient=False),
        Optimizer("adam", 2, _adam, along_gradient=False),
    )
}
DEFAULT_OPTIMIZER = "gd"


def get_optimizer(key: object) -> Optimizer:
    """The registry entry for `key`, or a ValueError naming the accepted keys."""
    return OPTIMIZERS[validation.choice("optimizer", key, tuple(OPTIMIZERS))]
