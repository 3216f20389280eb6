"""Numbers and sentences for the page, computed from the runs: per-loss summaries now, the
chain-rule breakdown and plain-language findings alongside."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lossdemo.losses import LOSSES
from lossdemo.sweep import first_epoch_within


@dataclass(frozen=True)
class LossSummary:
    loss: str
    name: str
    final_cost: float
    final_output: float
    halved_at: int | None  # first epoch whose output error is at most half the initial error


def output_column(neuron: str) -> str:
    """The column holding the neuron's output: a, or a_y for the target class of a softmax."""
    return "a" if neuron == "sigmoid" else "a_y"


def summarize(runs: pd.DataFrame, neuron: str) -> list[LossSummary]:
    """One summary per loss in `runs`, in the order the losses appear."""
    summaries = []
    for loss, run in runs.groupby("loss", sort=False):
        errors = run["error"].to_numpy()
        summaries.append(
            LossSummary(
                loss=loss,
                name=LOSSES[neuron][loss].name,
                final_cost=float(run["cost"].iloc[-1]),
                final_output=float(run[output_column(neuron)].iloc[-1]),
                halved_at=first_epoch_within(errors, 0.5 * errors[0]),
            )
        )
    return summaries
