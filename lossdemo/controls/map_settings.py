"""The learning-speed map's settings: the grids of starts and learning rates it sweeps, the goals
and caps it offers, and the start a clicked cell stands for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lossdemo.controls.scenario import ETA_CHOICES
from lossdemo.engine.losses import DEFAULT_LOSSES
from lossdemo.engine.neurons import get_kind
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER

# On the sidebar's own grids, so that a clicked cell loads exactly the start and η it shows.
AXES = {
    "z0": np.round(np.arange(-100, 101) * 0.1, 10),  # sigmoid: the starting logit z0 = w·x + b (b's grid)
    "margin": np.round(np.arange(-10, 21) * 0.5, 10),  # softmax: the start margin's grid
}
ETA_AXIS = np.array(ETA_CHOICES)
GOALS = ("half", "0.1", "0.05", "0.01")
CAPS = (500, 1000, 2000, 5000)


def tolerance(goal: str) -> float | None:
    """The sweep's tolerance for a goal choice: None means half the initial error."""
    return None if goal == "half" else float(goal)


def start_axis(neuron: str) -> np.ndarray:
    return AXES[get_kind(neuron).map_axis]


def map_sweep(
    neuron: str,
    start: Mapping[str, object],
    goal: str,
    cap: int,
    losses: Sequence[str] | None = None,
    optimizer: str = DEFAULT_OPTIMIZER,
) -> pd.DataFrame:
    """The losses (default: the kind's default comparison) over the default grid under one
    optimizer, for the start parameters the map depends on (`NeuronKind.map_start`)."""
    losses = list(DEFAULT_LOSSES[neuron] if losses is None else losses)
    kind = get_kind(neuron)
    return kind.sweep(losses, start_axis(neuron), ETA_AXIS, tolerance(goal), cap, optimizer, **start)
