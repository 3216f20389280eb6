"""The learning-speed map: for a grid of starts × learning rates, the epochs each loss needs
until the output error reaches a goal.

Every cell is one single-example run. Under gradient descent only z moves, as in
`sigmoid.z_trajectory` and `softmax_loop.softmax_logits`; under another optimizer every weight and
bias moves with its own state, as in `optimizers.follow`. All cells of a loss step together as
numpy arrays through the same registry `delta`, the same optimizer `update` and the array twins of
the activations, so each cell does the single run's arithmetic in the same order and its epoch
count equals the single run's exactly. Cells whose state stops changing retire early.
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
from lossdemo.engine.milestones import OSCILLATION_WINDOW, goal_for
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, Optimizer, get_optimizer
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_ETA
from lossdemo.engine.softmax import MAX_CLASSES, one_hot, start_logits

GRID_SIZES = (2, 400)  # values per axis
MAX_CAP = 20_000
Z0_BOUND = 40.0  # |starting logit| of a sigmoid cell
MARGIN_BOUND = 30.0  # |initial margin of the strongest wrong class over the target|
_RETIRE_EVERY = 32  # epochs between compactions of the active cells (sooner if many are done)


def sweep_sigmoid(
    losses: Sequence[str],
    x: float,
    y: float,
    z0: Sequence[float],
    etas: Sequence[float],
    tolerance: float | None = None,
    cap: int = 2000,
    optimizer: str = DEFAULT_OPTIMIZER,
) -> pd.DataFrame:
    """Epochs to the goal |a − y| ≤ goal, reached and kept to the cap, for every (starting logit
    z0 = w·x + b, η) cell and loss, under one optimizer. One example: every update depends on the
    gradients so far, and they on z alone, so a run depends on (w, b) only through z0 and the
    cell stands for every start with that z0 (it is run from w = 0, b = z0).

    One row per (loss, cell): loss, z0, a0 = σ(z0), eta, error0 = |a0 − y|, goal, epochs, learned,
    unstable (see `_epochs`). A cell not learned has epochs = cap + 1.
    """
    entries, rule = _losses("sigmoid", losses), get_optimizer(optimizer)
    x = validation.number("x", x, -INPUT_BOUND, INPUT_BOUND)
    y = validation.number("y", y, 0.0, 1.0)
    z0 = checked_axis("z0", z0, lambda v: np.abs(v) <= Z0_BOUND, f"in [{-Z0_BOUND:g}, {Z0_BOUND:g}]")
    etas = checked_axis("etas", etas, _eta_ok, f"in (0, {MAX_ETA:g}]")
    tolerance, cap = checked_tolerance(tolerance), validation.integer("cap", cap, 1, MAX_CAP)

    start, eta = (g.ravel() for g in np.meshgrid(z0, etas, indexing="ij"))
    a0 = sigmoid(start)[0]
    error0 = np.abs(a0 - y)
    goal = goal_for(error0, tolerance)
    cell = {"z0": start, "a0": a0, "eta": eta, "error0": error0, "goal": goal}

    def runner(entry):
        delta = entry.delta

        def signed_error_and_gradient(z):
            a, sp = sigmoid(z[0])
            return a - y, [delta(z[0], a, sp, y)]

        return _epochs(_mover(rule, [start], x, eta), goal, signed_error_and_gradient, cap)

    worst = max(y, 1.0 - y)
    return _frame(
        entries,
        cell,
        runner,
        cap,
        tolerance,
        axis="z0",
        worst_error=worst,
        neuron="sigmoid",
        x=x,
        y=y,
        optimizer=rule.key,
    )


def sweep_softmax(
    losses: Sequence[str],
    classes: int,
    target: int,
    x: float,
    margins: Sequence[float],
    etas: Sequence[float],
    tolerance: float | None = None,
    cap: int = 2000,
    optimizer: str = DEFAULT_OPTIMIZER,
) -> pd.DataFrame:
    """Epochs to the goal 1 − a_target ≤ goal for every (initial margin, η) cell and loss, under
    one optimizer.

    The start is b = start_logits(classes, target, margin) with W = 0 and the single input x.
    One row per (loss, cell): loss, margin, eta, error0, goal, epochs, learned (epochs = cap + 1
    and learned = False when the goal is not reached within `cap` epochs).
    """
    entries, rule = _losses("softmax", losses), get_optimizer(optimizer)
    classes = validation.integer("classes", classes, 2, MAX_CLASSES)
    target = validation.integer("target", target, 0, classes - 1)
    x = validation.number("x", x, -INPUT_BOUND, INPUT_BOUND)
    margins = checked_axis(
        "margins", margins, lambda v: np.abs(v) <= MARGIN_BOUND, f"in [{-MARGIN_BOUND:g}, {MARGIN_BOUND:g}]"
    )
    etas = checked_axis("etas", etas, _eta_ok, f"in (0, {MAX_ETA:g}]")
    tolerance, cap = checked_tolerance(tolerance), validation.integer("cap", cap, 1, MAX_CAP)

    inputs = np.array([x])  # as simulate_softmax: z0 = W x + b with W = 0, step = η(‖x‖² + 1)
    logits = np.array([start_logits(classes, target, m) for m in margins]) + np.zeros((classes, 1)) @ inputs
    rows, eta = (g.ravel() for g in np.meshgrid(np.arange(margins.size), etas, indexing="ij"))
    z0 = [np.ascontiguousarray(logits[rows, j]) for j in range(classes)]
    error0 = 1.0 - softmax(z0)[target]
    goal = goal_for(error0, tolerance)
    cell = {"margin": margins[rows], "eta": eta, "error0": error0, "goal": goal}
    t = one_hot(classes, target)

    def runner(entry):
        delta = entry.delta

        def signed_error_and_gradient(z):
            a = softmax(z)
            return a[target] - 1.0, delta(z, a, t)

        return _epochs(_mover(rule, z0, x, eta), goal, signed_error_and_gradient, cap)

    return _frame(
        entries,
        cell,
        runner,
        cap,
        tolerance,
        axis="margin",
        worst_error=1.0,
        neuron="softmax",
        classes=classes,
        target=target,
        x=x,
        optimizer=rule.key,
    )


@dataclass(frozen=True)
class Mover:
    """How the cells of a map move: their state (arrays whose last axis is the cells), the logits
    in that state, and one update from the gradient ∂C/∂z at update t."""

    state: list[np.ndarray]
    logits: Callable[[list[np.ndarray]], list[np.ndarray]]
    advance: Callable[[list[np.ndarray], list[np.ndarray], int], list[np.ndarray]]


def _mover(rule: Optimizer, z0: list[np.ndarray], x: float, eta: np.ndarray) -> Mover:
    """Cells that start at logits z0 from weights 0 and biases z0 on the input x, as the single
    runs do. Gradient descent moves the logits alone, by η(x² + 1)·∂C/∂z (`sigmoid.z_trajectory`,
    `softmax_loop`). Any other optimizer moves each weight and bias with its own state, as
    `optimizers.follow` does, all at once: the state is [parameters (weights, then biases, one
    row each), the optimizer's state (arrays of the same shape), η]."""
    classes = len(z0)
    if rule.along_gradient:

        def glide(state, grad, t):
            step = state[-1]
            return [zj - step * gj for zj, gj in zip(state[:-1], grad)] + [step]

        return Mover([*z0, eta * (x * x + 1.0)], lambda state: state[:-1], glide)

    params = np.vstack([np.zeros((classes, eta.size)), np.array(z0)])

    def logits(state):
        return list(state[0][:classes] * x + state[0][classes:])

    def advance(state, grad, t):
        g = np.array(grad)
        change, memory = rule.update(np.vstack([g * x, g]), tuple(state[1:-1]), t, state[-1])
        return [state[0] - change, *memory, state[-1]]

    return Mover([params, *(np.full_like(params, value) for value in rule.start), eta], logits, advance)


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
    slow_capped: int  # cells where slow did not learn (unstable ones included)
    fast_capped: int
    slow_unstable: int  # cells where slow reached the goal but oscillates
    fast_unstable: int
    slow_capped_close: (
        int  # cells where slow did not learn although it started less than half as far off as it could
    )


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
    axis = frame.attrs["axis"]
    table = frame.pivot(index=[axis, "eta"], columns="loss", values="epochs")
    learned = frame.pivot(index=[axis, "eta"], columns="loss", values="learned")
    unstable = frame.pivot(index=[axis, "eta"], columns="loss", values="unstable")
    start_error = frame.pivot(index=[axis, "eta"], columns="loss", values="error0")[slow].to_numpy()
    close = start_error < 0.5 * frame.attrs["worst_error"]
    s = table[slow].to_numpy(dtype=float)
    f = table[fast].to_numpy(dtype=float)
    slower = int(np.count_nonzero(s > factor * f))
    slow_missed = ~learned[slow].to_numpy(dtype=bool)
    return LossComparison(
        slow=slow,
        fast=fast,
        factor=factor,
        cells=len(s),
        slower_cells=slower,
        share_slower=slower / len(s),
        slow_capped=int(np.count_nonzero(slow_missed)),
        fast_capped=int(np.count_nonzero(~learned[fast].to_numpy(dtype=bool))),
        slow_unstable=int(np.count_nonzero(unstable[slow].to_numpy(dtype=bool))),
        fast_unstable=int(np.count_nonzero(unstable[fast].to_numpy(dtype=bool))),
        slow_capped_close=int(np.count_nonzero(slow_missed & close)),
    )


def _epochs(
    mover: Mover,
    goal: np.ndarray,
    signed_error_and_gradient: Callable[[list[np.ndarray]], tuple[np.ndarray, list[np.ndarray]]],
    cap: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, unstable) per cell, moving the cells `cap` epochs as `mover` says.

    A cell has learned at epoch k if its output error is at most its goal from k to the cap
    (reached *and stayed*), as a single run's summary counts it; otherwise epochs = cap + 1. It
    is unstable if it reached the goal and left it again, or if output − target keeps crossing
    zero over the last epochs without shrinking (`milestones.oscillates`, the single run's rule).
    A cell whose whole state stopped changing leaves the loop early: its future is its present.
    """
    state, logits, advance = mover.state, mover.logits, mover.advance
    n = state[-1].size
    # Cells still moving, in their order (`alive` maps them to cells); a cell whose state stopped
    # changing hands its counts to the result arrays and leaves.
    alive, goal = np.arange(n), goal.copy()
    streak = np.zeros(n, dtype=np.int64)  # first epoch of the current run of epochs within the goal
    within = np.zeros(n, dtype=bool)
    reached = np.zeros(n, dtype=bool)
    tail = np.zeros((OSCILLATION_WINDOW + 1, n))  # the last signed errors, a ring buffer
    result = {"streak": streak.copy(), "within": within.copy(), "reached": reached.copy()}
    frozen = np.zeros(n, dtype=bool)
    previous = None
    for k in range(cap + 1):
        signed, grad = signed_error_and_gradient(logits(state))
        now = np.abs(signed) <= goal
        streak = np.where(now & ~within, k, streak)
        within, reached = now, reached | now
        tail[k % tail.shape[0]] = signed
        if k == cap:
            break
        if previous is not None and k % _RETIRE_EVERY == 0:
            same = [(s == p).reshape(-1, s.shape[-1]).all(axis=0) for s, p in zip(state, previous)]
            moving = ~np.logical_and.reduce(same)
            if not moving.all():
                gone = alive[~moving]
                for name, values in (("streak", streak), ("within", within), ("reached", reached)):
                    result[name][gone] = values[~moving]
                frozen[gone] = True
                alive, goal = alive[moving], goal[moving]
                streak, within, reached, tail = (
                    streak[moving],
                    within[moving],
                    reached[moving],
                    tail[:, moving],
                )
                state, grad = [s[..., moving] for s in state], [g[moving] for g in grad]
                if not alive.size:
                    break
        previous = state
        state = advance(state, grad, k + 1)
    for name, values in (("streak", streak), ("within", within), ("reached", reached)):
        result[name][alive] = values
    oscillating = np.zeros(n, dtype=bool)
    oscillating[alive] = _oscillating(tail, cap) if alive.size else False
    epochs = np.where(result["within"], result["streak"], cap + 1)
    unstable = (result["reached"] & ~result["within"]) | (oscillating & ~frozen)
    return epochs, unstable


def _oscillating(tail: np.ndarray, cap: int) -> np.ndarray:
    """`milestones.oscillates` on the last OSCILLATION_WINDOW + 1 signed errors of every cell."""
    if cap < OSCILLATION_WINDOW:
        return np.zeros(tail.shape[1], dtype=bool)
    order = [(cap - OSCILLATION_WINDOW + i) % tail.shape[0] for i in range(tail.shape[0])]
    ordered = tail[order]
    crossings = np.count_nonzero(ordered[1:] * ordered[:-1] < 0, axis=0)
    half = ordered.shape[0] // 2
    early, late = np.abs(ordered[:half]).max(axis=0), np.abs(ordered[half:]).max(axis=0)
    return (crossings >= OSCILLATION_WINDOW // 2) & (late > 0) & (late >= 0.9 * early)


def _frame(entries, cell: dict, runner, cap: int, tolerance: float | None, **scenario) -> pd.DataFrame:
    """The tidy result, one block of cells per loss, with the run's settings in `attrs`."""
    blocks = []
    for entry in entries:
        epochs, unstable = runner(entry)
        learned = (epochs <= cap) & ~unstable
        block = {"loss": entry.key, **cell, "epochs": np.where(learned, epochs, cap + 1)}
        blocks.append(pd.DataFrame(block | {"learned": learned, "unstable": unstable}))
    frame = pd.concat(blocks, ignore_index=True)
    frame.attrs = {**scenario, "cap": cap, "tolerance": tolerance}
    return frame


def _losses(neuron: str, losses: Sequence[str]) -> list:
    keys = [losses] if isinstance(losses, str) else list(losses)
    if not keys or len(set(keys)) != len(keys):
        raise ValueError(f"losses must be a non-empty list of distinct loss keys; got {keys!r}")
    return [get_loss(neuron, key) for key in keys]


def checked_axis(name: str, values, inside: Callable[[np.ndarray], np.ndarray], accepted: str) -> np.ndarray:
    """A strictly increasing grid axis of GRID_SIZES finite values, each `inside` the range."""
    arr = validation.array(name, values, (None,), math.inf)
    n_low, n_high = GRID_SIZES
    if not n_low <= arr.size <= n_high:
        raise ValueError(f"{name} must hold {n_low} to {n_high} values; got {arr.size}")
    bad = np.flatnonzero(~inside(arr))
    if bad.size:
        i = bad[0]
        raise ValueError(f"{name} must hold values {accepted}; got {name}[{i}] = {float(arr[i])!r}")
    return validation.increasing(name, arr)


def _eta_ok(v: np.ndarray) -> np.ndarray:
    return (v > 0.0) & (v <= MAX_ETA)


def checked_tolerance(value: object) -> float | None:
    """None (half the initial error) or an absolute error in (0, 1)."""
    if value is None:
        return None
    ok = isinstance(value, Real) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or not 0 < value < 1:
        raise ValueError(
            f"tolerance must be None (half the initial error) or a number in (0, 1); got {value!r}"
        )
    return float(value)
