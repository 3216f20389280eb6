"""A gradient check at one epoch: each analytic gradient beside a central finite difference of
the cost, both from the engine. It shows students what a gradient is and that the engine is right."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine.sigmoid import sigmoid_cost
from lossdemo.engine.softmax import softmax_cost

STEP = 1e-5  # relative step of the finite difference
AGREE = 1e-6  # relative error below which analytic and numeric agree
TINY = 1e-12  # absolute difference that counts as agreement however small the gradient


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
    def agrees(self) -> bool:
        return self.relative_error < AGREE or abs(self.analytic - self.numeric) < TINY


def _central(cost, value: float) -> float:
    h = STEP * max(1.0, abs(value))
    return (cost(value + h) - cost(value - h)) / (2 * h)


def check_sigmoid(row: pd.Series, loss: str, x: float, y: float) -> list[Check]:
    """∂C/∂w and ∂C/∂b at the row's (w, b) against central differences of the engine's cost."""
    w, b = float(row["w"]), float(row["b"])

    def cost(w_: float, b_: float) -> float:
        return sigmoid_cost(loss, w_, b_, x, y)

    return [
        Check("w", float(row["grad_w"]), _central(lambda v: cost(v, b), w)),
        Check("b", float(row["grad_b"]), _central(lambda v: cost(w, v), b)),
    ]


def check_softmax(row: pd.Series, loss: str, target: int) -> list[Check]:
    """∂C/∂b_y at the row's logits against a central difference of the engine's cost."""
    classes = sum(1 for name in row.index if name.startswith("z_") and name[2:].isdigit())
    logits = np.array([row[f"z_{j}"] for j in range(classes)])

    def cost(value: float) -> float:
        shifted = logits.copy()
        shifted[target] = value
        return softmax_cost(loss, shifted, target)

    return [Check("b_y", float(row["grad_b_y"]), _central(cost, float(logits[target])))]
