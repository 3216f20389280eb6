"""The learning-speed map: for a grid of starts × learning rates, the epochs each loss needs
until the output error reaches a goal.

Every cell is one single-example run: the kernels' `speed_map` runs each with the epoch step of
the single run (from the start a clicked cell loads: w = 0, b = z₀,
or W = 0 and the start margin's logits), so a cell's epochs are its run's by construction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from lossdemo.engine import kernels, validation
from lossdemo.engine.losses import get_loss
from lossdemo.engine.milestones import OSCILLATION_WINDOW, round_off
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, get_optimizer
from lossdemo.engine.shape import optimum, sigmoid_shape, softmax_shape
from lossdemo.engine.sigmoid import INPUT_BOUND, MAX_ETA
from lossdemo.engine.softmax import MAX_CLASSES, start_logits

GRID_SIZES = (2, 400)  # values per axis
MAX_CAP = 20_000
Z0_BOUND = 40.0  # |starting logit| of a sigmoid cell
MARGIN_BOUND = 30.0  # |initial margin of the strongest wrong class over the target|


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
    """Epochs to the goal |a − a*| ≤ goal, reached and kept to the cap, for every (starting logit
    z0 = w·x + b, η) cell and loss, under one optimizer; a* is the loss's own optimum for y (y
    itself but for focal with a soft target). One example: every update moves (w, b) along (x, 1),
    so a run depends on (w, b) only through z0 (to rounding), and the cell stands for every start
    with that z0; it is run from w = 0, b = z0.

    One row per (loss, cell): loss, z0, a0 = σ(z0), eta, error0 = |a0 − a*|, goal, epochs, learned,
    unstable (reached the goal and left it, or ends oscillating across a* above round-off), band
    (absolute error's: the band around a* it hovers in, about one step). A cell not learned has
    epochs = cap + 1. attrs["optimum"] holds each loss's a*.
    """
    entries, rule = _losses("sigmoid", losses), get_optimizer(optimizer)
    x = validation.number("x", x, -INPUT_BOUND, INPUT_BOUND)
    y = validation.number("y", y, 0.0, 1.0)
    z0 = checked_axis("z0", z0, lambda v: np.abs(v) <= Z0_BOUND, f"in [{-Z0_BOUND:g}, {Z0_BOUND:g}]")
    etas = checked_axis("etas", etas, _eta_ok, f"in (0, {MAX_ETA:g}]")
    tolerance, cap = checked_tolerance(tolerance), validation.integer("cap", cap, 1, MAX_CAP)

    start, eta = (np.ascontiguousarray(g.ravel()) for g in np.meshgrid(z0, etas, indexing="ij"))
    blocks, aims_at = [], {}
    for entry in entries:
        starts, epochs, unstable = _outputs(start.size)
        aim = aims_at[entry.key] = optimum(sigmoid_shape, entry, {"y": y}, y)[0]
        aims = (aim, round_off(aim), entry.smooth)

        loop = kernels.sigmoid_kernels(entry.delta, rule.update).speed_map

        def run(part: slice, loop=loop, aims=aims, starts=starts, epochs=epochs, unstable=unstable) -> None:
            cells = (start[part], eta[part], cap, tolerance or 0.0, OSCILLATION_WINDOW)
            outputs = (starts[part], epochs[part], unstable[part])
            loop(rule.state_size, x, y, *aims, *cells, *outputs)

        kernels.on_every_core(run, start.size)
        cell = {"z0": start, "a0": starts[:, 0], "eta": eta, "error0": np.abs(starts[:, 0] - aim)}
        blocks.append(_block(entry.key, cell, starts, epochs, unstable, cap))
    scenario = {
        "axis": "z0",
        "worst_error": max(y, 1.0 - y),
        "neuron": "sigmoid",
        "x": x,
        "y": y,
        "optimum": aims_at,
    }
    return _frame(blocks, cap, tolerance, **scenario, optimizer=rule.key)


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
    """Epochs to the goal |a_target − a*| ≤ goal for every (initial margin, η) cell and loss, under
    one optimizer; a* is the loss's own optimum (1, but 1 − ε + ε/K for label smoothing).

    The start is b = start_logits(classes, target, margin) with W = 0 and the single input x.
    One row per (loss, cell): loss, margin, eta, error0, goal, epochs, learned, unstable
    (epochs = cap + 1 and learned = False when the goal is not reached and kept within `cap`).
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

    rows, eta = (
        np.ascontiguousarray(g.ravel()) for g in np.meshgrid(np.arange(margins.size), etas, indexing="ij")
    )
    logits = np.array([start_logits(classes, target, m) for m in margins])[rows]
    blocks, aims_at = [], {}
    for entry in entries:
        starts, epochs, unstable = _outputs(eta.size)
        aim = aims_at[entry.key] = optimum(softmax_shape, entry, {"classes": classes, "target": target}, 1.0)[
            0
        ]
        aims = (aim, round_off(aim), entry.smooth)

        loop = kernels.softmax_kernels(entry.delta, rule.update).speed_map

        def run(part: slice, loop=loop, aims=aims, starts=starts, epochs=epochs, unstable=unstable) -> None:
            cells = (logits[part], eta[part], cap, tolerance or 0.0, OSCILLATION_WINDOW)
            outputs = (starts[part], epochs[part], unstable[part])
            loop(rule.state_size, x, target, *aims, *cells, *outputs)

        kernels.on_every_core(run, eta.size)
        cell = {"margin": margins[rows], "eta": eta, "error0": np.abs(starts[:, 0] - aim)}
        blocks.append(_block(entry.key, cell, starts, epochs, unstable, cap))
    scenario = {
        "axis": "margin",
        "worst_error": 1.0,
        "neuron": "softmax",
        "classes": classes,
        "target": target,
        "optimum": aims_at,
    }
    return _frame(blocks, cap, tolerance, **scenario, x=x, optimizer=rule.key)


def _outputs(cells: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays a map kernel fills: (output at the start, goal, band) per cell, epochs, unstable."""
    return np.empty((cells, 3)), np.empty(cells, dtype=np.int64), np.empty(cells, dtype=bool)


def _block(loss: str, cell: dict, starts: np.ndarray, epochs, unstable, cap: int) -> pd.DataFrame:
    """One loss's cells: a cell learned when it settled within the goal and is not unstable."""
    learned = (epochs >= 0) & ~unstable
    return pd.DataFrame(
        {"loss": loss, **cell, "goal": starts[:, 1], "epochs": np.where(learned, epochs, cap + 1)}
        | {"learned": learned, "unstable": unstable, "band": starts[:, 2]}
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


def _frame(blocks: list[pd.DataFrame], cap: int, tolerance: float | None, **scenario) -> pd.DataFrame:
    """The tidy result, one block of cells per loss, with the run's settings in `attrs`."""
    frame = pd.concat(blocks, ignore_index=True)
    frame.attrs = {**scenario, "cap": cap, "tolerance": tolerance}
    return frame


def joined(sweeps: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Sweeps of one grid and settings, each of other losses, as the one sweep of all their losses
    (its rows in the order of `sweeps`, each loss's optimum in its attrs), so a page can keep each
    loss's sweep and show any set of them."""
    frame = pd.concat(sweeps, ignore_index=True)
    optimum = {loss: aim for sweep in sweeps for loss, aim in sweep.attrs["optimum"].items()}
    frame.attrs = sweeps[0].attrs | {"optimum": optimum}
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
