"""A gradient check at one epoch: each analytic gradient beside a central finite difference of
the cost, both from the engine. It shows students what a gradient is and that the engine is right.

A finite difference (C(p + h) − C(p − h))/2h inherits the round-off of the two costs: each is
within a few ulps of its true value, so the difference can be off by about ULPS·ε·(|C₊| + |C₋|)/2h
(`Check.noise`), 1e-10 for costs near ½, whatever the gradient. Analytic and numeric agree when they
differ by less than AGREE of their size plus that noise; where the noise is as large as the
gradients themselves, the finite difference cannot resolve them and the check says so instead of
calling a relative error of round-off values agreement or disagreement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine.sigmoid import sigmoid_cost
from lossdemo.engine.softmax import softmax_cost

STEP = 1e-5  # relative step of the finite difference
AGREE = 1e-6  # relative error below which analytic and numeric agree
ULPS = 8  # how many ulps of round-off each cost value may carry
EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class Check:
    parameter: str
    analytic: float
    numeric: float
    noise: float = 0.0  # how far the costs' round-off can move the finite difference

    @property
    def relative_error(self) -> float:
        scale = max(abs(self.analytic), abs(self.numeric))
        return 0.0 if scale == 0 else abs(self.analytic - self.numeric) / scale

    @property
    def resolvable(self) -> bool:
        """Are the gradients larger than what round-off can do to the finite difference?"""
        return max(abs(self.analytic), abs(self.numeric)) > self.noise

    @property
    def agrees(self) -> bool:
        scale = max(abs(self.analytic), abs(self.numeric))
        return not self.resolvable or abs(self.analytic - self.numeric) <= AGREE * scale + self.noise


def _central(parameter: str, analytic: float, cost: Callable[[float], float], value: float) -> Check:
    """The check of one parameter at `value`: the finite difference of `cost` there and its noise."""
    h = STEP * max(1.0, abs(value))
    up, down = cost(value + h), cost(value - h)
    noise = ULPS * EPS * (abs(up) + abs(down)) / (2 * h)
    return Check(parameter, analytic, (up - down) / (2 * h), noise)


def check_sigmoid(row: pd.Series, loss: str, start: Mapping[str, float]) -> list[Check]:
    """∂C/∂w and ∂C/∂b at the row's (w, b) against central differences of the engine's cost."""
    w, b, x, y = float(row["w"]), float(row["b"]), start["x"], start["y"]

    def cost(w_: float, b_: float) -> float:
        return sigmoid_cost(loss, w_, b_, x, y)

    return [
        _central("w", float(row["grad_w"]), lambda v: cost(v, b), w),
        _central("b", float(row["grad_b"]), lambda v: cost(w, v), b),
    ]


def check_softmax(row: pd.Series, loss: str, start: Mapping[str, float]) -> list[Check]:
    """∂C/∂b_y, ∂C/∂W_y and ∂C/∂b of the strongest rival class at the row's logits, against
    central differences of the engine's cost (z = W x + b, so b_j moves z_j by 1 and W_j by x)."""
    target, x = int(start["target"]), float(start["x"])
    classes = sum(1 for name in row.index if name.startswith("z_") and name[2:].isdigit())
    logits = np.array([row[f"z_{j}"] for j in range(classes)])
    rival = max((j for j in range(classes) if j != target), key=lambda j: logits[j])

    def moved(j: int, slope: float) -> Callable[[float], float]:
        def cost(value: float) -> float:
            shifted = logits.copy()
            shifted[j] += slope * value
            return softmax_cost(loss, shifted, target)

        return cost

    grad_y, grad_rival = float(row[f"grad_z_{target}"]), float(row[f"grad_z_{rival}"])
    return [
        _central("b_y", grad_y, moved(target, 1.0), 0.0),
        _central("W_y", grad_y * x, moved(target, x), 0.0),
        _central(f"b_{rival}", grad_rival, moved(rival, 1.0), 0.0),
    ]


CHECKS = {"sigmoid": check_sigmoid, "softmax": check_softmax}  # per neuron kind
