"""The cost landscape of a sigmoid neuron on a data set: C(w, b) and |∇C| over a grid of (w, b),
per loss of the registry, and where the neuron is saturated on some example (σ′(z_i) < 0.05).

With one example a run depends on (w, b) only through z = w·x + b, so the cost over (w, b) is a
ridge; with several examples the surface has a shape, and it shows the claim this module exists
for: cross-entropy's cost is convex in (w, b), the quadratic cost is not, and has plateaus where σ′
is small for the examples that are wrong.

Every grid point evaluates all n examples at once, arrays of shape (rows, columns, n): σ and ∂C/∂z
as a run computes them (`sigmoid.points`) and the registry's cost, so a point of the surface is the
cost column of a run started there (to rounding: the sums over the examples run in another order).
Rows of b are taken in chunks that keep each array near a million numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, validation
from lossdemo.engine.losses import get_loss
from lossdemo.engine.sigmoid import INPUT_BOUND, PARAM_BOUND, points

GRID_POINTS = (2, 400)  # values per axis (the page draws at least 100 × 100)
DEFAULT_POINTS = 101  # an odd count puts the centre of a window on the grid
SLOPE_FLOOR = 0.05  # σ′ below this on some example: the neuron is saturated there
FLAT_GRADIENT = 1e-3  # |∇C| below this: a plateau for gradient descent at the page's η
_CHUNK = 1 << 20  # numbers per (rows, columns, n) array


@dataclass(frozen=True)
class Landscape:
    """Surfaces over the grid w (columns) × b (rows): every array has shape (b.size, w.size)."""

    w: np.ndarray
    b: np.ndarray
    cost: dict[str, np.ndarray]  # loss key -> C(w, b), the mean cost over the examples
    gradient_norm: dict[str, np.ndarray]  # loss key -> |∇C| = ‖(∂C/∂w, ∂C/∂b)‖
    saturated: np.ndarray  # σ′(w·x_i + b) < slope_floor for at least one example i
    slope_floor: float

    def flat_share(self, loss: str, below: float = FLAT_GRADIENT) -> float:
        """The share of the grid where the loss's |∇C| is below `below`: its plateaus."""
        return float(np.mean(self.gradient_norm[loss] < below))

    def frame(self) -> pd.DataFrame:
        """Long form for a heatmap or contour chart: one row per (loss, b, w) with columns loss,
        w, b, cost, gradient_norm and saturated."""
        w, b = np.meshgrid(self.w, self.b)
        blocks = [
            pd.DataFrame(
                {
                    "loss": key,
                    "w": w.ravel(),
                    "b": b.ravel(),
                    "cost": self.cost[key].ravel(),
                    "gradient_norm": self.gradient_norm[key].ravel(),
                    "saturated": self.saturated.ravel(),
                }
            )
            for key in self.cost
        ]
        return pd.concat(blocks, ignore_index=True)


def window(
    w: float, b: float, radius: float = 4.0, points: int = DEFAULT_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """Axes of a square window of half-width `radius` centred on (w, b), `points` values each."""
    w = validation.number("w", w, -PARAM_BOUND, PARAM_BOUND)
    b = validation.number("b", b, -PARAM_BOUND, PARAM_BOUND)
    radius = validation.positive("radius", radius, PARAM_BOUND)
    points = validation.integer("points", points, *GRID_POINTS)
    offsets = np.linspace(-radius, radius, points)
    return w + offsets, b + offsets


def landscape(
    losses: Sequence[str],
    x,
    y,
    w_axis,
    b_axis,
    slope_floor: float = SLOPE_FLOOR,
) -> Landscape:
    """C(w, b), |∇C| per loss and the saturated region over the grid w_axis × b_axis, for the
    data set (x, y) (sequences of 1 to 100 examples, or one example's numbers)."""
    keys = [losses] if isinstance(losses, str) else list(losses)
    if not keys or len(set(keys)) != len(keys):
        raise ValueError(f"losses must be a non-empty list of distinct loss keys; got {keys!r}")
    entries = [get_loss("sigmoid", key) for key in keys]
    if not dataset.several(x, y):
        x, y = [x], [y]
    xs, ys = dataset.sigmoid_examples(x, y, INPUT_BOUND)
    w_axis, b_axis = _grid_axis("w_axis", w_axis), _grid_axis("b_axis", b_axis)
    slope_floor = validation.positive("slope_floor", slope_floor, 0.25)

    shape = (b_axis.size, w_axis.size)
    cost = {entry.key: np.empty(shape) for entry in entries}
    norm = {entry.key: np.empty(shape) for entry in entries}
    saturated = np.empty(shape, dtype=bool)
    n = xs.size
    rows = max(1, _CHUNK // (w_axis.size * n))
    for start in range(0, b_axis.size, rows):
        part = slice(start, start + rows)
        z = b_axis[part, None, None] + w_axis[None, :, None] * xs
        for entry in entries:
            a, sp, delta = points(entry, z, ys)
            cost[entry.key][part] = np.sum(entry.cost(z, a, ys), axis=2) / n
            norm[entry.key][part] = np.hypot(delta @ xs / n, np.sum(delta, axis=2) / n)
        saturated[part] = np.min(sp, axis=2) < slope_floor
    return Landscape(w_axis, b_axis, cost, norm, saturated, slope_floor)


def _grid_axis(name: str, values) -> np.ndarray:
    """A strictly increasing axis of GRID_POINTS values within ±PARAM_BOUND."""
    axis = validation.array(name, values, (None,), PARAM_BOUND)
    low, high = GRID_POINTS
    if not low <= axis.size <= high:
        raise ValueError(f"{name} must hold {low} to {high} values; got {axis.size}")
    return validation.increasing(name, axis)
