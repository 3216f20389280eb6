"""The start plane of a data set: for every start (w₀, b₀) of a grid, the epochs a sigmoid neuron
needs under gradient descent until its mean output error reaches the goal, per loss.

This is the learning-speed map (`sweep`) for several examples. With one example a start mattered
only through z₀ = w₀·x + b₀; with several, starts that the landscape puts on a plateau of the
quadratic cost take far longer (or never arrive), while cross-entropy from the same starts does.
Each cell runs gradient descent on its own, w ← w − (η/n) Σ δ_i x_i, b ← b − (η/n) Σ δ_i with
the registry's ∂C/∂z, in a loop written out from the registry and compiled (`tracing`), and leaves
the loop at the epoch its goal is reached: a map costs what its slow cells cost. The sums run over
the examples in order, the run's product M·δ in another order, so a cell's count can differ from
its run's by an epoch where the error meets the goal to the last bits.

Epochs count until the goal is first reached (not reached and kept, as the single-example map
does): with several examples the mean error can rise again while the cost falls, and the question
this map answers is how long gradient descent takes to get there from each start.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import pandas as pd

from lossdemo.engine import dataset, validation
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.losses import SigmoidLoss, get_loss
from lossdemo.engine.milestones import goal_for
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_ETA
from lossdemo.engine.sigmoid_loop import traced_sigmoid
from lossdemo.engine.sweep import MAX_CAP, checked_axis, checked_tolerance
from lossdemo.engine.tracing import Recording, compile_loop, in_order_sum, is_compiled, term

START_BOUND = 100.0  # |w₀|, |b₀| of a cell
_WORKERS = min(4, os.cpu_count() or 1)  # threads that run the cells


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
    loss: SigmoidLoss,
    w: np.ndarray,
    b: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    eta: float,
    goal: np.ndarray,
    cap: int,
) -> np.ndarray:
    """The first epoch (0 … cap) whose mean error is within the goal, per cell; cap + 1 if none.
    The compiled loop releases the GIL, so parts of the cells run on every core (_WORKERS threads;
    small parts, because the slow cells lie together on a plateau)."""
    loop, rate, cap = _plane_loop(loss), eta / ys.size, int(cap)
    w, b, xs, ys, goal = (np.ascontiguousarray(v, dtype=float) for v in (w, b, xs, ys, goal))
    if not is_compiled(loop):  # in the interpreter a step on arrays costs what one cell's step costs
        return plane_reference(loss, w, b, xs, ys, rate, goal, cap)
    epochs = np.empty(w.size, dtype=np.int64)

    def run(part: slice) -> None:
        loop(w[part], b[part], xs, ys, rate, goal[part], cap, epochs[part])

    size = -(-w.size // (4 * _WORKERS))
    with ThreadPoolExecutor(_WORKERS) as pool:
        list(pool.map(run, [slice(i, i + size) for i in range(0, w.size, size)]))
    return epochs


def plane_reference(
    loss: SigmoidLoss,
    w: np.ndarray,
    b: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    rate: float,
    goal: np.ndarray,
    cap: int,
) -> np.ndarray:
    """The plane loop's operations on arrays, every cell still on its way at once (one column
    each): its epochs, bit for bit. σ as `activations.sigmoid`, ∂C/∂z from the registry, and each
    sum over the examples in the loop's order."""
    x, y = xs[:, None], ys[:, None]
    epochs, cells = np.full(w.size, cap + 1, dtype=np.int64), np.arange(w.size)
    for k in range(cap + 1):
        z = x * w + b
        a, slope = sigmoid(z)
        arrived = in_order_sum(np.abs(a - y)) / ys.size <= goal
        epochs[cells[arrived]] = k
        going = ~arrived
        if k == cap or not going.any():
            break
        delta = loss.delta(z, a, slope, y)[:, going]
        cells, goal = cells[going], goal[going]
        w = w[going] - rate * in_order_sum(delta * x)
        b = b[going] - rate * in_order_sum(delta)
    return epochs


@cache
def _plane_loop(loss: SigmoidLoss) -> Callable:
    """loop(ws, bs, xs, ys, rate, goal, cap, epochs): for each cell c, gradient descent from
    (ws[c], bs[c]) until the mean error (1/n) Σ |a_i − y_i| is within goal[c]; epochs[c] is that
    epoch, or cap + 1. σ as `sigmoid_loop.traced_sigmoid`, ∂C/∂z from the registry."""
    recording = Recording()
    w, b = recording.input("w"), recording.input("b")
    x, y = recording.input("x"), recording.input("y")
    z = x * w + b
    a, slope = traced_sigmoid(z)
    delta, error = loss.delta(z, a, slope, y), abs(a - y)
    before, body = recording.write([delta, error])
    return compile_loop(
        f"{loss.key} start plane",
        ["ws", "bs", "xs", "ys", "rate", "goal", "cap", "epochs"],
        ["n = ys.size", *before],
        "for c in range(ws.size):",
        [
            "w = ws[c]",
            "b = bs[c]",
            "epochs[c] = cap + 1",
            "for k in range(cap + 1):",
            "    total_error = 0.0",
            "    grad_w = 0.0",
            "    grad_b = 0.0",
            "    for i in range(n):",
            "        x = xs[i]",
            "        y = ys[i]",
            *(f"        {line}" for line in body),
            f"        total_error += {term(error)}",
            f"        grad_w += {term(delta)} * x",
            f"        grad_b += {term(delta)}",
            "    if total_error / n <= goal[c]:",
            "        epochs[c] = k",
            "        break",
            "    w = w - rate * grad_w",
            "    b = b - rate * grad_b",
        ],
    )
