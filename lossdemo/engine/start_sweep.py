"""The start plane of a data set: for every start (w₀, b₀) of a grid, the epochs a sigmoid neuron
needs under gradient descent until its mean output error reaches the goal, per loss.

This is the learning-speed map (`sweep`) for several examples. With one example a start mattered
only through z₀ = w₀·x + b₀; with several, starts that the landscape puts on a plateau of the
quadratic cost take far longer (or never arrive), while cross-entropy from the same starts does.
All cells of a loss step together as numpy arrays, (w, b) per cell and the logits of every example
and cell as one (n, cells) array, through the registry's ∂C/∂z: w ← w − (η/n) Σ δ_i x_i,
b ← b − (η/n) Σ δ_i. (A single run moves its logits by M·δ with M = (η/n)(1 + x xᵀ), the same
update; here the sums are elementwise, because a BLAS product over thousands of cells competes for
the cores with everything else on the machine and took five times as long. Examples down and
cells across, each sum over the examples adds n long rows, which numpy does a third faster than
n-long sums across thousands of short rows.) The update order
differs from the single run's, so a cell's count can differ from its run's by an epoch where the
error meets the goal to the last bits. A cell leaves the loop once it has reached its goal, so a
map costs what its slow cells cost.

Epochs count until the goal is first reached (not reached and kept, as the single-example map
does): with several examples the mean error can rise again while the cost falls, and the question
this map answers is how long gradient descent takes to get there from each start.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, validation
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.losses import get_loss
from lossdemo.engine.milestones import goal_for
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_ETA
from lossdemo.engine.sigmoid_examples import output_and_slope
from lossdemo.engine.sweep import MAX_CAP, checked_axis, checked_tolerance

START_BOUND = 100.0  # |w₀|, |b₀| of a cell
_RETIRE_EVERY = 16  # epochs between compactions of the cells still on their way


def sweep_starts(
    losses: Sequence[str],
    x,
    y,
    w0: Sequence[float],
    b0: Sequence[float],
    eta: float,
    tolerance: float | None = None,
    cap: int = 1000,
) -> pd.DataFrame:
    """Epochs to the goal for every start (w0[i], b0[j]) and loss, under gradient descent at η.

    The goal is the mean error (1/n) Σ |a_i − y_i| at most half the start's own (tolerance None)
    or at most `tolerance`. One row per (loss, start), starts in w0-major order: loss, w0, b0,
    error0 (the mean error at the start), goal, epochs (the first epoch within the goal; cap + 1
    if none within the cap) and learned. The frame's attrs hold x, y, η, cap and tolerance.
    """
    keys = [losses] if isinstance(losses, str) else list(losses)
    if not keys or len(set(keys)) != len(keys):
        raise ValueError(f"losses must be a non-empty list of distinct loss keys; got {keys!r}")
    entries = [get_loss("sigmoid", key) for key in keys]
    xs, ys = dataset.sigmoid_examples(x, y, INPUT_BOUND)
    inside, accepted = (lambda v: np.abs(v) <= START_BOUND), f"in [{-START_BOUND:g}, {START_BOUND:g}]"
    w0, b0 = checked_axis("w0", w0, inside, accepted), checked_axis("b0", b0, inside, accepted)
    eta = validation.positive("eta", eta, MAX_ETA)
    tolerance, cap = checked_tolerance(tolerance), validation.integer("cap", cap, 1, MAX_CAP)

    w, b = (g.ravel() for g in np.meshgrid(w0, b0, indexing="ij"))
    z0 = w[:, None] * xs + b[:, None]
    error0 = np.mean(np.abs(sigmoid(z0)[0] - ys), axis=1)
    goal = goal_for(error0, tolerance)
    blocks = []
    for entry in entries:
        epochs = _epochs_to_goal(entry.delta, w, b, xs, ys, eta, goal, cap)
        blocks.append(
            pd.DataFrame(
                {
                    "loss": entry.key,
                    "w0": w,
                    "b0": b,
                    "error0": error0,
                    "goal": goal,
                    "epochs": epochs,
                    "learned": epochs <= cap,
                }
            )
        )
    frame = pd.concat(blocks, ignore_index=True)
    frame.attrs = {"x": xs.tolist(), "y": ys.tolist(), "eta": eta, "cap": cap, "tolerance": tolerance}
    return frame


def _epochs_to_goal(
    delta,
    w: np.ndarray,
    b: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    eta: float,
    goal: np.ndarray,
    cap: int,
) -> np.ndarray:
    """The first epoch (0 … cap) whose mean error is within the goal, per cell; cap + 1 if none.
    Cells that arrived leave the arrays every _RETIRE_EVERY epochs."""
    rate = eta / ys.size
    xs, ys = xs[:, None], ys[:, None]  # one example a row, one cell a column
    epochs = np.full(w.size, cap + 1)
    alive = np.arange(w.size)
    for k in range(cap + 1):
        z = xs * w + b
        a, sp = output_and_slope(z)
        arrived = np.abs(a - ys).sum(axis=0) / ys.size <= goal
        epochs[alive[arrived & (epochs[alive] > cap)]] = k
        if k == cap:
            break
        if k % _RETIRE_EVERY == 0:
            on_way = epochs[alive] > cap
            if not on_way.all():
                alive, w, b, goal = alive[on_way], w[on_way], b[on_way], goal[on_way]
                z, a, sp = z[:, on_way], a[:, on_way], sp[:, on_way]
                if not alive.size:
                    break
        d = delta(z, a, sp, ys)
        w = w - rate * (d * xs).sum(axis=0)
        b = b - rate * d.sum(axis=0)
    return epochs
