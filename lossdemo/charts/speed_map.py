"""The learning-speed map on the page: the default grids, the cached sweep's display, the chart,
and the start a chosen cell stands for. The vectorised computation itself lives in `sweep`."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.charts.epochs import PANEL_HEIGHT, PANEL_WIDTH, readable, spec_cache
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.sweep import LossComparison, compare_losses, sweep_sigmoid, sweep_softmax

A0_AXIS = np.linspace(0.005, 0.995, 200)  # initial output a0 = σ(z0)
MARGIN_AXIS = np.linspace(-5.0, 10.0, 200)  # softmax: lead of the strongest wrong class
ETA_AXIS = np.geomspace(0.001, 10.0, 120)
SHOWN_EVERY = 3  # the browser gets every third row and column: 2,680 cells per map
GOALS = ("half", "0.1", "0.05", "0.01")
CAPS = (500, 1000, 2000, 5000)


def tolerance(goal: str) -> float | None:
    """The sweep's tolerance for a goal choice: None means half the initial error."""
    return None if goal == "half" else float(goal)


def sweep(neuron: str, x: float, y: float, classes: int, target: int, goal: str, cap: int) -> pd.DataFrame:
    """Every loss of the neuron over the default grid."""
    losses = list(LOSSES[neuron])
    if neuron == "sigmoid":
        return sweep_sigmoid(losses, x, y, A0_AXIS, ETA_AXIS, tolerance(goal), cap)
    return sweep_softmax(losses, classes, target, x, MARGIN_AXIS, ETA_AXIS, tolerance(goal), cap)


@dataclass(frozen=True)
class SpeedMap:
    """A sweep as the page shows it (the page caches this): the cells sent to the browser and the
    comparison of the slowest-prone loss (the registry's first) with the other."""

    neuron: str
    cap: int
    cells: pd.DataFrame | bytes  # `display_cells`, or the same as Arrow IPC bytes ready to send
    comparison: LossComparison


def speed_map(neuron: str, x: float, y: float, classes: int, target: int, goal: str, cap: int) -> SpeedMap:
    frame = sweep(neuron, x, y, classes, target, goal, cap)
    slow, fast = list(LOSSES[neuron])
    return SpeedMap(neuron, cap, display_cells(frame, neuron), compare_losses(frame, slow, fast))


def _edges(axis: np.ndarray, log: bool) -> np.ndarray:
    """Cell borders halfway between the shown grid values (geometric halfway on a log axis)."""
    values = np.log(axis) if log else axis
    mid = (values[1:] + values[:-1]) / 2
    edges = np.concatenate([[2 * values[0] - mid[0]], mid, [2 * values[-1] - mid[-1]]])
    return np.exp(edges) if log else edges


def display_cells(frame: pd.DataFrame, neuron: str) -> pd.DataFrame:
    """The cells sent to the browser: every SHOWN_EVERY-th grid value on each axis, with borders."""
    axis = "a0" if neuron == "sigmoid" else "margin"
    starts, etas = np.unique(frame[axis]), np.unique(frame["eta"])
    shown_starts, shown_etas = starts[::SHOWN_EVERY], etas[::SHOWN_EVERY]
    cells = frame[frame[axis].isin(shown_starts) & frame["eta"].isin(shown_etas)].copy()
    for column, values, log in ((axis, shown_starts, False), ("eta", shown_etas, True)):
        edges = _edges(values, log)
        index = np.searchsorted(values, cells[column])
        low, high = edges[index], edges[index + 1]
        # Each rectangle reaches 30 % into its neighbour so that no hairline seams show between cells.
        overlap = (high / low) ** 0.3 if log else 1.0
        cells[f"{column}_lo"] = low
        cells[f"{column}_hi"] = high * overlap if log else high + 0.3 * (high - low)
    cells["loss"] = cells["loss"].map({k: v.name for k, v in LOSSES[neuron].items()})
    return cells[["loss", axis, "eta", "epochs", "learned", f"{axis}_lo", f"{axis}_hi", "eta_lo", "eta_hi"]]


def map_chart(neuron: str, cap: int) -> alt.HConcatChart:
    """One heatmap per loss: epochs to the goal over (start, η), one shared log colour scale;
    cells that never got there are grey. Datasets: `cells` (display_cells) and `here` (start, eta)."""
    axis = "a0" if neuron == "sigmoid" else "margin"
    x_title = "initial output a₀ = σ(w·x + b)" if neuron == "sigmoid" else "start margin (wrong class's lead)"
    pick = alt.selection_point(name="pick", fields=[axis, "eta"], on="click", clear=False)
    starts = A0_AXIS if neuron == "sigmoid" else MARGIN_AXIS
    edges = _edges(starts[::SHOWN_EVERY], log=False)
    domain = [0.0, 1.0] if neuron == "sigmoid" else [float(edges[0]), float(edges[-1])]
    x = alt.X(f"{axis}_lo:Q", title=x_title, scale=alt.Scale(domain=domain, nice=False, zero=False))
    y = alt.Y("eta_lo:Q", title="learning rate η", scale=alt.Scale(type="log", nice=False))
    tooltip = [
        alt.Tooltip(f"{axis}:Q", title="a₀" if neuron == "sigmoid" else "margin", format=".3f"),
        alt.Tooltip("eta:Q", title="η", format=".4g"),
        alt.Tooltip("epochs:Q", title=f"epochs (>{cap:,}: did not learn)"),
    ]
    panels = []
    for name in (loss.name for loss in LOSSES[neuron].values()):
        cells = alt.Chart(alt.Data(name="cells"), title=name).transform_filter(alt.datum.loss == name)
        learned = (
            cells.transform_filter(alt.datum.learned)
            .mark_rect(clip=True)
            .encode(
                x=x,
                x2=f"{axis}_hi:Q",
                y=y,
                y2="eta_hi:Q",
                color=alt.Color(
                    "epochs:Q",
                    title="epochs to the goal",
                    scale=alt.Scale(type="log", scheme="viridis", domain=[1, cap], reverse=True),
                    legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=320),
                ),
                tooltip=tooltip,
            )
        )
        stuck = (
            cells.transform_filter(~alt.datum.learned)
            .mark_rect(color="#BBBBBB", clip=True)
            .encode(x=x, x2=f"{axis}_hi:Q", y=y, y2="eta_hi:Q", tooltip=tooltip)
        )
        here = (
            alt.Chart(alt.Data(name="here"))
            .mark_point(shape="circle", size=220, strokeWidth=3, color="#D00000", filled=False)
            .encode(x=f"{axis}:Q", y="eta:Q", tooltip=[alt.Tooltip("label:N", title="")])
        )
        panels.append(
            alt.layer(learned.add_params(pick) if not panels else learned, stuck, here).properties(
                width=PANEL_WIDTH, height=PANEL_HEIGHT + 40
            )
        )
    return readable(alt.hconcat(*panels).resolve_scale(color="shared"))


_cached_spec = spec_cache(map_chart)


def map_spec(shown: SpeedMap, start: float, eta: float) -> dict:
    """The map's Vega-Lite spec with the cells and the current scenario (start, η) attached."""
    axis = "a0" if shown.neuron == "sigmoid" else "margin"
    spec = json.loads(_cached_spec(shown.neuron, shown.cap))
    spec["datasets"] = {
        "cells": shown.cells,
        "here": pd.DataFrame({axis: [start], "eta": [eta], "label": ["this scenario"]}),
    }
    return spec


def bias_for(a0: float, w: float, x: float) -> float:
    """The bias that, with weight w and input x, starts the neuron at output a0: z0 = logit(a0)."""
    return math.log(a0) - math.log1p(-a0) - w * x
