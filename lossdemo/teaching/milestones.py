"""How each run went, in numbers the sentences use, each judged against the loss's own optimum:
when its error left its start, first fell to half of it, fell there for good, whether it ended
unstable or hovering, and where it aims; each run named in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.milestones import first_epoch_within, round_off, settle
from lossdemo.engine.neurons import NeuronKind
from lossdemo.language.words import loss_words

PLATEAU = 0.9  # "still stuck": the error is above this fraction of where it started


@dataclass(frozen=True)
class Milestones:
    """How one loss's run went. Its error is the distance of the output from the loss's own
    optimum (the target itself, but for a loss that aims elsewhere on purpose)."""

    loss: str
    name: str  # the loss's name (marked for the catalogue), or the series' name
    carries_slope: bool
    smooth: bool  # does the loss's step shrink near its optimum?
    target: float  # what the output should reach: y, or 1
    optimum: float  # what the loss aims at for that target
    start_error: float  # |output − optimum| at the start
    final_error: float
    left_plateau: int | None  # first epoch at most 90 % of the start error
    reached: int | None  # first epoch within the goal (half the start error, or the hover band)
    halved: int | None  # first epoch from which it stays within the goal
    unstable: bool  # reached the goal and left it, or ends oscillating above round-off
    band: float  # a loss whose step does not shrink: the band around its optimum it hovers in
    overshot: bool  # the output crossed its optimum at some epoch, by more than round-off
    round_off: float  # errors below this are rounding

    def lag(self) -> tuple[float, float]:
        """Sorts the slowest learner last: later halving, then less of the error removed."""
        halved = float("inf") if self.halved is None else self.halved
        return halved, self.final_error / self.start_error if self.start_error else 0.0

    @property
    def aims_elsewhere(self) -> bool:
        """Is the loss's optimum somewhere else than the target (focal with a soft target, label
        smoothing)?"""
        return abs(self.optimum - self.target) > self.round_off

    @property
    def hovering(self) -> bool:
        """Does it end hovering around its optimum, a step's width away, rather than settling?"""
        return not self.smooth and self.band > self.round_off and self.final_error > self.round_off


def milestones(runs: pd.DataFrame, kind: NeuronKind, start: Mapping[str, object]) -> list[Milestones]:
    """The milestones of every run in `runs` of this kind from this start (the target it shares):
    one per loss, or per series where a `series` column names the runs (then the series is the
    name)."""
    found = []
    by = "series" if "series" in runs else "loss"
    target = kind.target_output(start)
    for key, run in runs.groupby(by, sort=False, observed=True):
        loss = run["loss"].iloc[0]
        entry = LOSSES[kind.key][loss]
        aim = kind.optimum(loss, start)
        floor = round_off(aim)
        signed = run[kind.output].to_numpy() - aim
        errors = np.abs(signed)
        settled = settle(signed, 0.5 * errors[0], floor, entry.smooth)
        crossed = (signed[1:] * signed[:-1] < 0) & (np.minimum(errors[1:], errors[:-1]) > floor)
        found.append(
            Milestones(
                loss=loss,
                name=loss_words(kind.key, loss).name if by == "loss" else str(key),
                carries_slope=entry.carries_slope,
                smooth=entry.smooth,
                target=target,
                optimum=aim,
                start_error=float(errors[0]),
                final_error=float(errors[-1]),
                left_plateau=first_epoch_within(errors, PLATEAU * errors[0]),
                reached=first_epoch_within(errors, settled.goal),
                halved=settled.halved,
                unstable=settled.unstable,
                band=settled.band,
                overshot=bool(crossed.any()),
                round_off=floor,
            )
        )
    return found
