"""The learning-speed map: for a grid of starts × learning rates, the epochs each loss needs
until the output error reaches a goal.

Every cell is one single-example run, and as in `neuron.z_trajectory` and `unrolled.softmax_logits`
only z moves. All cells of a loss step together as numpy arrays through the same registry `delta`
and the array twins of the activations, so each cell does the single run's arithmetic in the same
order and its epoch count equals the single run's exactly. Cells retire once they reach the goal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from lossdemo.engine import validation
from lossdemo.engine.activations import sigmoid, softmax
from lossdemo.engine.losses import get_loss
from lossdemo.engine.milestones import goal_for
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_ETA
from lossdemo.engine.softmax import MAX_CLASSES, one_hot, start_logits

GRID_SIZES = (2, 400)  # values per axis
MAX_CAP = 20_000
MARGIN_BOUND = 30.0  # |initial margin of the strongest wrong class over the target|
_RETIRE_EVERY = 32  # epochs between compactions of the active cells (sooner if many are done)


def sweep_sigmoid(
    losses: Sequence[str],
    x: float,
    y: float,
    a0: Sequence[float],
    etas: Sequence[float],
    tolerance: float | None = None,
    cap: int = 2000,
) -> pd.DataFrame:
    """Epochs to the goal |a − y| ≤ goal for every (initial output a0, η) cell and loss.

    One row per (loss, cell): loss, a0, z0 = logit(a0) (the start, e.g. w = 0, b = z0), eta,
    error0 = |σ(z0) − y|, goal, epochs, learned. A cell that does not reach the goal within `cap`
    epochs has learned = False and epochs = cap + 1.
    """
    entries = _losses("sigmoid", losses)
    x = validation.number("x", x, -INPUT_BOUND, INPUT_BOUND)
    y = validation.number("y", y, 0.0, 1.0)
    a0 = _axis("a0", a0, lambda v: (v > 0.0) & (v < 1.0), "strictly between 0 and 1")
    etas = _axis("etas", etas, _eta_ok, f"in (0, {MAX_ETA:g}]")
    tolerance, cap = _tolerance(tolerance), validation.integer("cap", cap, 1, MAX_CAP)

    start, eta = (g.ravel() for g in np.meshgrid(a0, etas, indexing="ij"))
    z0 = np.log(start) - np.log1p(-start)
    step = eta * (1.0 + x * x)
    error0 = np.abs(sigmoid(z0)[0] - y)
    goal = goal_for(error0, tolerance)
    cell = {"a0": start, "z0": z0, "eta": eta, "error0": error0, "goal": goal}

    def runner(entry):
        delta = entry.delta

        def error_and_gradient(z):
            a, sp = sigmoid(z[0])
            return np.abs(a - y), [delta(z[0], a, sp, y)]

        return _epochs([z0], step, goal, error_and_gradient, cap)

    return _frame(entries, cell, runner, cap, tolerance, neuron="sigmoid", x=x, y=y)


def sweep_softmax(
    losses: Sequence[str],
    classes: int,
    target: int,
    x: float,
    margins: Sequence[float],
    etas: Sequence[float],
    tolerance: float | None = None,
    cap: int = 2000,
) -> pd.DataFrame:
    """Epochs to the goal 1 − a_target ≤ goal for every (initial margin, η) cell and loss.

    The start is b = start_logits(classes, target, margin) with W = 0 and the single input x.
    One row per (loss, cell): loss, margin, eta, error0, goal, epochs, learned (epochs = cap + 1
    and learned = False when the goal is not reached within `cap` epochs).
    """
    entries = _losses("softmax", losses)
    classes = validation.integer("classes", classes, 2, MAX_CLASSES)
    target = validation.integer("target", target, 0, classes - 1)
    x = validation.number("x", x, -INPUT_BOUND, INPUT_BOUND)
    margins = _axis(
        "margins", margins, lambda v: np.abs(v) <= MARGIN_BOUND, f"in [{-MARGIN_BOUND:g}, {MARGIN_BOUND:g}]"
    )
    etas = _axis("etas", etas, _eta_ok, f"in (0, {MAX_ETA:g}]")
    tolerance, cap = _tolerance(tolerance), validation.integer("cap", cap, 1, MAX_CAP)

    inputs = np.array([x])  # as simulate_softmax: z0 = W x + b with W = 0, step = η(‖x‖² + 1)
    logits = np.array([start_logits(classes, target, m) for m in margins]) + np.zeros((classes, 1)) @ inputs
    rows, eta = (g.ravel() for g in np.meshgrid(np.arange(margins.size), etas, indexing="ij"))
    z0 = [np.ascontiguousarray(logits[rows, j]) for j in range(classes)]
    step = eta * (float(inputs @ inputs) + 1.0)
    error0 = 1.0 - softmax(z0)[target]
    goal = goal_for(error0, tolerance)
    cell = {"margin": margins[rows], "eta": eta, "error0": error0, "goal": goal}
    t = one_hot(classes, target)

    def runner(entry):
        delta = entry.delta

        def error_and_gradient(z):
            a = softmax(z)
            return 1.0 - a[target], delta(z, a, t)

        return _epochs(z0, step, goal, error_and_gradient, cap)

    return _frame(
        entries, cell, runner, cap, tolerance, neuron="softmax", classes=classes, target=target, x=x
    )


@dataclass(frozen=True)
class LossComparison:
    """How much slower loss `slow` learns than loss `fast` over the cells of one sweep.

    A cell that never reaches the goal counts as cap + 1 epochs (its `epochs` in the sweep), so
    with capped cells the shares and ratios are lower bounds; `slow_capped` and `fast_capped`
    say how many cells that concerns.
    """

    slow: str
    fast: str
    factor: float
    cells: int
    slower_cells: int  # cells where slow needs more than factor × the epochs of fast
    share_slower: float  # slower_cells / cells
    slow_capped: int
    fast_capped: int


def fastest_loss(frame: pd.DataFrame) -> str:
    """The loss of a sweep that needs the fewest epochs over all its cells (a capped cell counts
    as cap + 1), the one every other loss is compared with."""
    totals = frame.groupby("loss", sort=False)["epochs"].sum()
    return str(totals.idxmin())


def compare_losses(frame: pd.DataFrame, slow: str, fast: str, factor: float = 10.0) -> LossComparison:
    """Numbers for one summary sentence: where does `slow` need over `factor`× the epochs of `fast`?"""
    factor = validation.positive("factor", factor, 1e6)
    present = frame["loss"].unique().tolist()
    for name, key in (("slow", slow), ("fast", fast)):
        if key not in present:
            raise ValueError(f"{name} must be one of the frame's losses {', '.join(present)}; got {key!r}")
    axis = "a0" if "a0" in frame else "margin"
    table = frame.pivot(index=[axis, "eta"], columns="loss", values="epochs")
    learned = frame.pivot(index=[axis, "eta"], columns="loss", values="learned")
    s = table[slow].to_numpy(dtype=float)
    f = table[fast].to_numpy(dtype=float)
    slower = int(np.count_nonzero(s > factor * f))
    return LossComparison(
        slow=slow,
        fast=fast,
        factor=factor,
        cells=len(s),
        slower_cells=slower,
        share_slower=slower / len(s),
        slow_capped=int(np.count_nonzero(~learned[slow].to_numpy(dtype=bool))),
        fast_capped=int(np.count_nonzero(~learned[fast].to_numpy(dtype=bool))),
    )


def _epochs(
    z: list[np.ndarray],
    step: np.ndarray,
    goal: np.ndarray,
    error_and_gradient: Callable[[list[np.ndarray]], tuple[np.ndarray, list[np.ndarray]]],
    cap: int,
) -> np.ndarray:
    """Epoch of the first error ≤ goal per cell (cap + 1 if none), stepping z ← z − step·∂C/∂z.

    Done cells get goal −1 (never hit again) and leave the arrays at the next compaction; a cell
    whose z did not change in the last update is stuck for good and leaves as not learned.
    """
    epochs = np.full(step.size, cap + 1, dtype=np.int64)
    alive, goal = np.arange(step.size), goal.copy()
    previous, done = None, 0
    for k in range(cap + 1):
        error, grad = error_and_gradient(z)
        hit = error <= goal
        if hit.any():
            hit = np.flatnonzero(hit)
            epochs[alive[hit]] = k
            goal[hit] = -1.0
            done += hit.size
        if k == cap:
            break
        if 4 * done >= alive.size or (k % _RETIRE_EVERY == 0 and k):
            keep = goal >= 0.0
            if previous is not None:
                keep &= ~np.logical_and.reduce([zj == pj for zj, pj in zip(z, previous)])
            if not keep.all():
                alive, step, goal = alive[keep], step[keep], goal[keep]
                z, grad = [zj[keep] for zj in z], [gj[keep] for gj in grad]
                done = 0
                if not alive.size:
                    break
        previous = z
        z = [zj - step * gj for zj, gj in zip(z, grad)]
    return epochs


def _frame(entries, cell: dict, runner, cap: int, tolerance: float | None, **scenario) -> pd.DataFrame:
    """The tidy result, one block of cells per loss, with the run's settings in `attrs`."""
    blocks = []
    for entry in entries:
        epochs = runner(entry)
        blocks.append(pd.DataFrame({"loss": entry.key, **cell, "epochs": epochs, "learned": epochs <= cap}))
    frame = pd.concat(blocks, ignore_index=True)
    frame.attrs = {**scenario, "cap": cap, "tolerance": tolerance}
    return frame


def _losses(neuron: str, losses: Sequence[str]) -> list:
    keys = [losses] if isinstance(losses, str) else list(losses)
    if not keys or len(set(keys)) != len(keys):
        raise ValueError(f"losses must be a non-empty list of distinct loss keys; got {keys!r}")
    return [get_loss(neuron, key) for key in keys]


def _axis(name: str, values, inside: Callable[[np.ndarray], np.ndarray], accepted: str) -> np.ndarray:
    """A strictly increasing grid axis of GRID_SIZES finite values, each `inside` the range."""
    arr = validation.array(name, values, (None,), math.inf)
    n_low, n_high = GRID_SIZES
    if not n_low <= arr.size <= n_high:
        raise ValueError(f"{name} must hold {n_low} to {n_high} values; got {arr.size}")
    bad = np.flatnonzero(~inside(arr))
    if bad.size:
        i = bad[0]
        raise ValueError(f"{name} must hold values {accepted}; got {name}[{i}] = {float(arr[i])!r}")
    bad = np.flatnonzero(np.diff(arr) <= 0)
    if bad.size:
        i = bad[0]
        raise ValueError(
            f"{name} must be strictly increasing; "
            f"got {name}[{i}] = {float(arr[i])!r}, {name}[{i + 1}] = {float(arr[i + 1])!r}"
        )
    return arr


def _eta_ok(v: np.ndarray) -> np.ndarray:
    return (v > 0.0) & (v <= MAX_ETA)


def _tolerance(value: object) -> float | None:
    """None (half the initial error) or an absolute error in (0, 1)."""
    if value is None:
        return None
    ok = isinstance(value, Real) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or not 0 < value < 1:
        raise ValueError(
            f"tolerance must be None (half the initial error) or a number in (0, 1); got {value!r}"
        )
    return float(value)
