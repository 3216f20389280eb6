"""Each loss's cost C and ∂C/∂z against the output, over the output's whole range (0, 1): the
picture that explains the speeds, where the quadratic cost's gradient flattens out as the output
saturates while cross-entropy's stays the error itself.

A curve is drawn along the coordinate of the kind's σ curve (`NeuronKind.curve`): z for a sigmoid
neuron, the target's lead ℓ for a softmax layer, whose output is σ(z) or a_y = σ(ℓ). The numbers
come from the loss registry's own `cost` and `delta`, evaluated at logits the kind chooses for that
coordinate (`NeuronKind.shape`): a sigmoid neuron's z itself, or a softmax layer's canonical logits
(`canonical_logits`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
import pandas as pd

from lossdemo.engine import sigmoid, softmax
from lossdemo.engine.losses import Loss
from lossdemo.engine.milestones import round_off

Shape = tuple[np.ndarray, np.ndarray, np.ndarray]  # the output, the cost and ∂C/∂z (the target's)


class Kind(Protocol):
    """What a curve needs of a neuron kind (`neurons.NeuronKind`)."""

    losses: dict[str, Loss]
    curve: tuple[str, str]  # the run's columns on the σ curve: its coordinate first
    delta: str  # the run's column of ∂C/∂z (the target's)
    shape: Callable[[Loss, np.ndarray, Mapping[str, object]], Shape]


EVEN_IN_OUTPUT = 200  # curve points evenly spread in the output over (0, 1)
EVEN_IN_COORDINATE = 120  # and evenly spread in z (or ℓ), which reach into the saturated tails
REACH = 10.0  # the tails reach at least to z = ±10 (outputs 4.5e-05 and 1 − 4.5e-05)


def sigmoid_shape(entry: Loss, z: np.ndarray, start: Mapping[str, object]) -> Shape:
    """a = σ(z), C and ∂C/∂z of a sigmoid neuron at the logits z, for the start's target y."""
    y = float(start["y"])
    a, _, delta = sigmoid.points(entry, z, y)
    return a, entry.cost(z, a, y), delta


def canonical_logits(lead: np.ndarray, classes: int, target: int) -> np.ndarray:
    """The logits (one row per lead) at which a softmax layer's curves are taken: the target's at
    ℓ + ln(K − 1), every other class's at 0. Its lead is then ℓ, so a_y = σ(ℓ), and the other
    classes share 1 − a_y equally: the spread the losses here like best, so a run whose rivals
    are unequal has the same a_y but, under quadratic cost and label smoothing, a higher cost than
    its curve shows (and under quadratic cost a larger |∂C/∂z_y|)."""
    z = np.zeros((len(lead), classes))
    z[:, target] = lead + math.log(classes - 1)
    return z


def softmax_shape(entry: Loss, lead: np.ndarray, start: Mapping[str, object]) -> Shape:
    """a_y, C and ∂C/∂z_y of a softmax layer at the canonical logits of each lead ℓ."""
    classes, target = int(start["classes"]), int(start["target"])
    z, t = canonical_logits(lead, classes, target), softmax.one_hot(classes, [target])
    a, delta = softmax.points(entry, z, t)
    return a[:, target], entry.cost(z, a, t), delta[:, target]


REACH_OPTIMUM = 60.0  # |z| (or |ℓ|) searched for an optimum: σ(60) is 1 to the last bit


def optimum(
    shape: Callable, entry: Loss, start: Mapping[str, object], target: float
) -> tuple[float, float | None]:
    """(the output a loss aims at for this start's target, the coordinate it lies at): where the
    loss's ∂C/∂z (the target's) along the kind's σ curve (`shape`) is zero, found by bisection on
    the registry's delta; an end of (0, 1), at no coordinate (None), where it never changes sign
    (the cost falls all the way there). Quadratic cost, cross-entropy and absolute error aim at y;
    focal with 0 < y < 1 at a point pulled toward ½; label smoothing at a_y = 1 − ε + ε/K. An
    optimum within round-off of the target (`milestones.round_off`) is the target itself: the
    bisection finds it to the last bits of the coordinate, not of the output."""
    found, at = _optimum(shape, entry, tuple(sorted(start.items())))
    return (target if abs(found - target) <= round_off(target) else found), at


@lru_cache(maxsize=1024)
def _optimum(shape: Callable, entry: Loss, start: tuple) -> tuple[float, float | None]:
    start = dict(start)
    u = np.linspace(-REACH_OPTIMUM, REACH_OPTIMUM, 2401)
    output, _, delta = shape(entry, u, start)
    sign = np.sign(delta)
    roots = np.flatnonzero((sign[:-1] * sign[1:] < 0) | (sign[:-1] == 0))
    if not roots.size:
        return (0.0 if sign[0] > 0 else 1.0), None
    low, high = u[roots[0]], u[roots[0] + 1]
    if sign[roots[0]] == 0:
        return float(output[roots[0]]), float(low)
    for _ in range(80):  # to the last bit of the coordinate
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if np.sign(shape(entry, np.array([middle]), start)[2][0]) == sign[roots[0]]:
            low = middle
        else:
            high = middle
    at = 0.5 * (low + high)
    return float(shape(entry, np.array([at]), start)[0][0]), float(at)


def curvature(shape: Callable, entry: Loss, start: Mapping[str, object]) -> float | None:
    """d(∂C/∂z)/dz at the loss's optimum, by a central difference of the registry's delta: what
    decides how large a step the optimum tolerates. None where the optimum is an end of (0, 1) or
    the loss is not smooth there."""
    at = _optimum(shape, entry, tuple(sorted(start.items())))[1]
    if at is None or not entry.smooth:
        return None
    h = 1e-4 * max(1.0, abs(at))
    delta = shape(entry, np.array([at - h, at + h]), start)[2]
    return float((delta[1] - delta[0]) / (2 * h))


def coordinates(seen: np.ndarray) -> np.ndarray:
    """Where the curves are taken, in z (or ℓ), ascending: evenly spread in the output σ over
    (0, 1), so a linear output axis shows the whole curve, and evenly spread over [−REACH, REACH]
    widened to every value in `seen` (the runs'), so each run's point lies within its curve."""
    share = np.arange(1, EVEN_IN_OUTPUT) / EVEN_IN_OUTPUT
    low, high = min(-REACH, float(np.min(seen))), max(REACH, float(np.max(seen)))
    return np.unique(
        np.concatenate([np.log(share / (1.0 - share)), np.linspace(low, high, EVEN_IN_COORDINATE)])
    )


def shape_frame(
    kind: Kind, losses: tuple[str, ...], start: Mapping[str, object], at: np.ndarray
) -> pd.DataFrame:
    """One row per loss and coordinate in `at`: loss (key), the coordinate `u` (z or ℓ), the
    output, the cost and ∂C/∂z (the target's), each from the loss registry through `kind.shape`."""
    parts = []
    for loss in losses:
        output, cost, delta = kind.shape(kind.losses[loss], np.asarray(at, dtype=float), start)
        parts.append(pd.DataFrame({"loss": loss, "u": at, "output": output, "cost": cost, "delta": delta}))
    return pd.concat(parts, ignore_index=True)


def shape_points(
    kind: Kind,
    rows: Mapping[str, pd.Series] | Sequence[tuple[str, pd.Series]],
    start: Mapping[str, object],
) -> pd.DataFrame:
    """Each run's own point, in the columns of `shape_frame`: the coordinate of the run's row (z, or
    ℓ), its output, its cost and its ∂C/∂z (the target's). A sigmoid run's point lies on its curve;
    a softmax run's lies on its curve only while its rivals share 1 − a_y equally (the curves'
    assumption), and above it (a higher cost, a larger quadratic |∂C/∂z_y|) where they do not.
    `rows`: each run's row by its loss, or (loss, row) pairs when a loss has several runs."""
    pairs = list(rows.items() if isinstance(rows, Mapping) else rows)
    coordinate, output = kind.curve
    return pd.DataFrame(
        {
            "loss": [loss for loss, _ in pairs],
            "u": [float(row[coordinate]) for _, row in pairs],
            "output": [float(row[output]) for _, row in pairs],
            "cost": [float(row["cost"]) for _, row in pairs],
            "delta": [float(row[kind.delta]) for _, row in pairs],
            "epoch": [int(row["epoch"]) for _, row in pairs],
        }
    )
