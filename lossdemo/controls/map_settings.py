"""The learning-speed map's settings: the grids of starts and learning rates it sweeps, the goals
and caps it offers, and the start a clicked cell stands for."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lossdemo.engine.neurons import get_kind

AXES = {
    "a0": np.linspace(0.005, 0.995, 200),  # sigmoid: initial output a0 = σ(z0)
    "margin": np.linspace(-5.0, 10.0, 200),  # softmax: lead of the strongest wrong class
}
ETA_AXIS = np.geomspace(0.001, 10.0, 120)
SHOWN_EVERY = 3  # the browser gets every third row and column: 2,680 cells per map
GOALS = ("half", "0.1", "0.05", "0.01")
CAPS = (500, 1000, 2000, 5000)


def tolerance(goal: str) -> float | None:
    """The sweep's tolerance for a goal choice: None means half the initial error."""
    return None if goal == "half" else float(goal)


def start_axis(neuron: str) -> np.ndarray:
    return AXES[get_kind(neuron).map_axis]


def map_sweep(neuron: str, start: Mapping[str, object], goal: str, cap: int) -> pd.DataFrame:
    """Every loss of the neuron over the default grid, for the start parameters it depends on
    (`NeuronKind.map_start`)."""
    kind = get_kind(neuron)
    return kind.sweep(list(kind.losses), start_axis(neuron), ETA_AXIS, tolerance(goal), cap, **start)
