"""How each run went, in numbers the sentences use: when its output error left its start, first
fell to half of it, fell there for good, and whether it ended unstable; each run named in words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.milestones import first_epoch_within, goal_for, oscillates, settled_within
from lossdemo.language.words import loss_words

PLATEAU = 0.9  # "still stuck": the error is above this fraction of where it started


@dataclass(frozen=True)
class Milestones:
    """How one loss's run went: when the output error first fell below 90 % of its start, when it
    first fell to half its start, when it fell there for good, and whether it ended unstable."""

    loss: str
    name: str  # the loss's name (marked for the catalogue), or the series' name
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
                name=loss_words(neuron, loss).name if by == "loss" else str(key),
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
