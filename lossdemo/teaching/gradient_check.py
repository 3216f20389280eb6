"""A gradient check at one epoch: each analytic gradient beside a central finite difference of
the cost, both from the engine. It shows students what a gradient is and that the engine is right.

Where both numbers are below what a finite difference of a cost can resolve (`TINY`), the check
says so instead of calling a relative error of two round-off values agreement or disagreement.
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
TINY = 1e-12  # gradients this small are below what a finite difference of the cost resolves


@dataclass(frozen=True)
class Check:
    parameter: str
    analytic: float
    numeric: float

    @property
    def relative_error(self) -> float:
        scale = max(abs(self.analytic), abs(self.numeric))
        return 0.0 if scale == 0 else abs(self.analytic - self.numeric) / scale

    @property
    def resolvable(self) -> bool:
        """Is either gradient large enough for a finite difference to say anything about it?"""
        return max(abs(self.analytic), abs(self.numeric)) >= TINY

    @property
    def agrees(self) -> bool:
        return not self.resolvable or self.relative_error < AGREE


def _central(cost: Callable[[float], float], value: float) -> float:
    h = STEP * max(1.0, abs(value))
    return (cost(value + h) - cost(value - h)) / (2 * h)


def check_sigmoid(row: pd.Series, loss: str, start: Mapping[str, float]) -> list[Check]:
    """∂C/∂w and ∂C/∂b at the row's (w, b) against central differences of the engine's cost."""
    w, b, x, y = float(row["w"]), float(row["b"]), start["x"], start["y"]

    def cost(w_: float, b_: float) -> float:
        return sigmoid_cost(loss, w_, b_, x, y)

    return [
        Check("w", float(row["grad_w"]), _central(lambda v: cost(v, b), w)),
        Check("b", float(row["grad_b"]), _central(lambda v: cost(w, v), b)),
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
        Check("b_y", grad_y, _central(moved(target, 1.0), 0.0)),
        Check("W_y", grad_y * x, _central(moved(target, x), 0.0)),
        Check(f"b_{rival}", grad_rival, _central(moved(rival, 1.0), 0.0)),
    ]


CHECKS = {"sigmoid": check_sigmoid, "softmax": check_softmax}  # per neuron kind
