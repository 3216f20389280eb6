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


PLATEAU = 0.9  # "still stuck": the error is above this fraction of where it started


@dataclass(frozen=True)
class Milestones:
    """When one loss's run first brought the output error to 90 % and 50 % of its start."""

    loss: str
    name: str
    carries_slope: bool
    start_error: float
    final_error: float
    left_plateau: int | None
    halved: int | None
    overshot: bool  # the error rose at some epoch: a sign of too large a learning rate

    def lag(self) -> tuple[float, float]:
        """Sorts the slowest learner last: later halving, then less of the error removed."""
        halved = float("inf") if self.halved is None else self.halved
        return halved, self.final_error / self.start_error if self.start_error else 0.0


def milestones(runs: pd.DataFrame, neuron: str) -> list[Milestones]:
    found = []
    for loss, run in runs.groupby("loss", sort=False):
        errors = run["error"].to_numpy()
        entry = LOSSES[neuron][loss]
        found.append(
            Milestones(
                loss=loss,
                name=entry.name,
                carries_slope=entry.carries_slope,
                start_error=float(errors[0]),
                final_error=float(errors[-1]),
                left_plateau=first_epoch_within(errors, PLATEAU * errors[0]),
                halved=first_epoch_within(errors, goal_for(errors[0], None)),
                overshot=bool(np.any(np.diff(errors) > 0)),
            )
        )
    return found
