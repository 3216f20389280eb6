"""A gradient check at one epoch: each analytic gradient beside a central finite difference of
the cost, both from the engine. It shows students what a gradient is and that the engine is right.

A finite difference (C(p + h) − C(p − h))/2h inherits the round-off of the two costs. A cost is
computed from logits z (cross-entropy as softplus(z) − y·z, the quadratic cost from σ(z) ≈ 1), so
its round-off is a few ulps of the larger of |C| and |z|, not of C alone: the difference can be
off by about ULPS·ε·(|C₊| + |C₋| + 2(|z| + 1))/2h (`Check.noise`), 1e-10 and more whatever the
gradient. Analytic and numeric agree when they differ by less than AGREE of their size plus that
noise; where the noise is as large as the gradients themselves, the finite difference cannot
resolve them and the check says so instead of calling a relative error of round-off values
agreement or disagreement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine.sigmoid import sigmoid_cost
from lossdemo.engine.softmax import softmax_cost
from lossdemo.language.messages import _

STEP = 1e-5  # relative step of the finite difference
AGREE = 1e-6  # relative error below which analytic and numeric agree
ULPS = 32  # how many ulps of max(|C|, |z| + 1) of round-off a cost value may carry
EPS = float(np.finfo(float).eps)
CORNER = 1e-3  # one-sided slopes this far apart (relatively) meet at a corner of the cost


@dataclass(frozen=True)
class Check:
    parameter: str
    analytic: float
    numeric: float
    noise: float = 0.0  # how far the costs' round-off can move the finite difference
    corner: bool = False  # the cost has a corner here: the analytic value is a one-sided slope

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
        """Within AGREE of their size plus the noise (or unresolvable); never at a corner, where the
        cost has no derivative to agree with."""
        if self.corner:
            return False
        scale = max(abs(self.analytic), abs(self.numeric))
        return not self.resolvable or abs(self.analytic - self.numeric) <= AGREE * scale + self.noise


def _central(
    parameter: str, analytic: float, cost: Callable[[float], float], value: float, logits: float
) -> Check:
    """The check of one parameter at `value`: the finite difference of `cost` there and its noise,
    for costs computed from logits up to `logits` in size."""
    h = STEP * max(1.0, abs(value))
    up, down = cost(value + h), cost(value - h)
    noise = ULPS * EPS * (abs(up) + abs(down) + 2 * (logits + 1.0)) / (2 * h)
    check = Check(parameter, analytic, (up - down) / (2 * h), noise)
    if check.agrees:
        return check
    # A corner (the absolute error's at a = y) between the two points: the slopes on either side
    # differ, and the analytic value is one of them.
    middle = cost(value)
    sides = ((up - middle) / h, (middle - down) / h)
    apart = abs(sides[0] - sides[1]) > CORNER * max(map(abs, sides))
    one_side = any(abs(analytic - side) <= CORNER * abs(analytic) + 4 * noise for side in sides)
    return Check(parameter, analytic, check.numeric, noise, corner=apart and one_side)


def check_sigmoid(row: pd.Series, loss: str, start: Mapping[str, object]) -> list[Check]:
    """∂C/∂w and ∂C/∂b at the row's (w, b) against central differences of the engine's cost (the
    mean cost where x and y are a data set's sequences)."""
    w, b, x, y = float(row["w"]), float(row["b"]), start["x"], start["y"]
    logits = float(np.max(np.abs(w * np.asarray(x, dtype=float) + b)))

    def cost(w_: float, b_: float) -> float:
        return sigmoid_cost(loss, w_, b_, x, y)

    return [
        _central("w", float(row["grad_w"]), lambda v: cost(v, b), w, logits),
        _central("b", float(row["grad_b"]), lambda v: cost(w, v), b, logits),
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
    size = float(np.max(np.abs(logits)))
    return [
        _central("b_y", grad_y, moved(target, 1.0), 0.0, size),
        _central("W_y", grad_y * x, moved(target, x), 0.0, size),
        _central(f"b_{rival}", grad_rival, moved(rival, 1.0), 0.0, size),
    ]


CHECKS = {"sigmoid": check_sigmoid, "softmax": check_softmax}  # per neuron kind


def _state(check: Check) -> str:
    """A check's relative error in words, or why there is none to give."""
    if check.corner:
        return _("a corner")
    if not check.resolvable:
        return _("too small to resolve")
    return _("relative error {error}").format(error=f"{check.relative_error:.1e}")


def check_sentence(checks: list[Check]) -> str:
    """The checks in one sentence (under a data set's table): each gradient beside its central
    difference with their relative error, and the verdict."""
    parts = _(", ").join(
        _("∂C/∂{parameter} = {analytic} against {numeric} ({error})").format(
            parameter=c.parameter,
            analytic=f"{c.analytic:.6g}",
            numeric=f"{c.numeric:.6g}",
            error=_state(c),
        )
        for c in checks
    )
    if any(c.corner for c in checks):
        verdict = _(
            "the cost has a corner here, where an example's output equals its target: no derivative "
            "exists, and the gradient is the slope on one side"
        )
    elif not any(c.resolvable for c in checks):
        verdict = _("too small for a finite difference to check")
    elif all(c.agrees for c in checks):
        verdict = _("they agree")
    else:
        verdict = _("they do not agree")
    return _("Gradient check by central differences of the mean cost: {parts}; {verdict}.").format(
        parts=parts, verdict=verdict
    )
