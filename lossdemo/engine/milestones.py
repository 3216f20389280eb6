"""When a run reached its goals: the epoch its output error first fell to a fraction of where it
started, per loss. The summaries, the findings and the learning-speed map all count epochs so."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine import validation
from lossdemo.engine.losses import LOSSES


def goal_for(initial_error: float | np.ndarray, tolerance: float | None) -> float | np.ndarray:
    """The error to reach: half the initial error, or `tolerance` when one is given.

    Works on one run's initial error (a float) and on a sweep's array of them alike."""
    if tolerance is None:
        return 0.5 * initial_error
    return np.full_like(initial_error, tolerance) if isinstance(initial_error, np.ndarray) else tolerance


def first_epoch_within(errors: np.ndarray, goal: float) -> int | None:
    """The first epoch whose output error is at most `goal`, or None if no row gets there."""
    errors = validation.array("errors", errors, (None,), 1.0)
    goal = validation.number("goal", goal, 0.0, 1.0)
    hits = np.flatnonzero(errors <= goal)
    return int(hits[0]) if hits.size else None


def settled_within(errors: np.ndarray, goal: float) -> int | None:
    """The first epoch from which the output error stays at most `goal` to the end of the run:
    reached *and stayed*. None if the last epoch is above the goal."""
    errors = validation.array("errors", errors, (None,), 1.0)
    goal = validation.number("goal", goal, 0.0, 1.0)
    above = np.flatnonzero(errors > goal)
    if not above.size:
        return 0
    return None if above[-1] == errors.size - 1 else int(above[-1]) + 1


OSCILLATION_WINDOW = 20  # epochs at the end of a run in which an oscillation is looked for


def oscillates(signed_errors: np.ndarray, window: int = OSCILLATION_WINDOW) -> bool:
    """Does output − target keep changing sign at the end of the run without shrinking? At least
    half of the last `window` steps cross the target, and the late half's largest distance from
    the target is at least 90 % of the early half's: a cycle, not a damped approach."""
    tail = np.asarray(signed_errors, dtype=float)[-(window + 1) :]
    if tail.size < window + 1:
        return False
    crossings = np.count_nonzero(tail[1:] * tail[:-1] < 0)
    early, late = np.abs(tail[: tail.size // 2]).max(), np.abs(tail[tail.size // 2 :]).max()
    return crossings >= window // 2 and late > 0 and late >= 0.9 * early


PLATEAU = 0.9  # "still stuck": the error is above this fraction of where it started


@dataclass(frozen=True)
class Milestones:
    """How one loss's run went: when the output error first fell below 90 % of its start, when it
    first fell to half its start, when it fell there for good, and whether it ended unstable."""

    loss: str
    name: str
    carries_slope: bool
    start_error: float
    final_error: float
    left_plateau: int | None  # first epoch at most 90 % of the start error
    reached: int | None  # first epoch at most half the start error
    halved: int | None  # first epoch from which it stays at most half the start error
    unstable: bool  # reached the goal and left it again, or oscillates across the target at the end
    overshot: bool  # the error rose at some epoch

    def lag(self) -> tuple[float, float]:
        """Sorts the slowest learner last: later halving, then less of the error removed."""
        halved = float("inf") if self.halved is None else self.halved
        return halved, self.final_error / self.start_error if self.start_error else 0.0


def milestones(runs: pd.DataFrame, neuron: str, output: str, target: float) -> list[Milestones]:
    """The milestones of every run in `runs`, whose column `output` should reach `target`: one per
    loss, or per series where a `series` column names the runs (then the series is the name)."""
    found = []
    by = "series" if "series" in runs else "loss"
    for key, run in runs.groupby(by, sort=False, observed=True):
        errors = run["error"].to_numpy()
        goal = goal_for(errors[0], None)
        reached, halved = first_epoch_within(errors, goal), settled_within(errors, goal)
        loss = run["loss"].iloc[0]
        entry = LOSSES[neuron][loss]
        found.append(
            Milestones(
                loss=loss,
                name=entry.name if by == "loss" else str(key),
                carries_slope=entry.carries_slope,
                start_error=float(errors[0]),
                final_error=float(errors[-1]),
                left_plateau=first_epoch_within(errors, PLATEAU * errors[0]),
                reached=reached,
                halved=halved,
                unstable=(reached is not None and halved is None)
                or oscillates(run[output].to_numpy() - target),
                overshot=bool(np.any(np.diff(errors) > 0)),
            )
        )
    return found
