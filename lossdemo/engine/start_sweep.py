"""The start plane of a data set: for every start (w₀, b₀) of a grid, the epochs a sigmoid neuron
needs under gradient descent until its mean output error reaches the goal, per loss.

This is the learning-speed map (`sweep`) for several examples. With one example a start mattered
only through z₀ = w₀·x + b₀; with several, starts that the landscape puts on a plateau of the
quadratic cost take far longer (or never arrive), while cross-entropy from the same starts does.
Each cell runs gradient descent on its own, w ← w − (η/n) Σ δ_i x_i, b ← b − (η/n) Σ δ_i,
with the epoch of a run on the data set (the kernels' `plane`), and leaves the loop at the epoch
its goal is reached: a map costs what its slow cells cost. The cells are shared out between
threads (the kernel releases the GIL).

Epochs count until the goal is first reached (not reached and kept, as the single-example map
does): with several examples the mean error can rise again while the cost falls, and the question
this map answers is how long gradient descent takes to get there from each start.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, kernels, validation
from lossdemo.engine.losses import Loss, get_loss
from lossdemo.engine.milestones import goal_for
from lossdemo.engine.optimizers import get_optimizer
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_ETA, points
from lossdemo.engine.sweep import MAX_CAP, checked_axis, checked_tolerance

START_BOUND = 100.0  # |w₀|, |b₀| of a cell


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
    error0 = np.mean(np.abs(points(entries[0], z0, ys)[0] - ys), axis=1)
    goal = goal_for(error0, tolerance)
    blocks = []
    for entry in entries:
        epochs = _epochs_to_goal(entry, w, b, xs, ys, eta, goal, cap)
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
    loss: Loss,
    w: np.ndarray,
    b: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    eta: float,
    goal: np.ndarray,
    cap: int,
) -> np.ndarray:
    """The first epoch (0 … cap) whose mean error is within the goal, per cell; cap + 1 if none."""
    w, b, xs, ys, goal = (np.ascontiguousarray(v, dtype=float) for v in (w, b, xs, ys, goal))
    epochs, descent = np.empty(w.size, dtype=np.int64), get_optimizer("gd")

    def run(part: slice) -> None:
        cells = (w[part], b[part], eta, goal[part], cap, epochs[part])
        kernels.sigmoid_kernels(loss.delta, descent.update).plane(descent.state_size, xs, ys, *cells)

    kernels.on_every_core(run, w.size)
    return epochs
