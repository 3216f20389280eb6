"""The learning-speed map: one heatmap per loss of epochs to the goal over (start, η).

Data: `display_cells` of a sweep (dataset `cells`: the shown grid values with their borders) and
the current scenario (dataset `here`: the start, η and a label).
"""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.charts.style import HEATMAP_CELLS, PANEL_HEIGHT, PANEL_WIDTH, readable, spec_cache
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.neurons import get_kind
from lossdemo.language import words
from lossdemo.language.messages import N_, _


def _edges(axis: np.ndarray, log: bool) -> np.ndarray:
    """Cell borders halfway between the shown grid values (geometric halfway on a log axis)."""
    values = np.log(axis) if log else axis
    mid = (values[1:] + values[:-1]) / 2
    edges = np.concatenate([[2 * values[0] - mid[0]], mid, [2 * values[-1] - mid[-1]]])
    return np.exp(edges) if log else edges


STATUS = {N_("unstable"): "#CC79A7", N_("did not learn"): "#BBBBBB"}  # cells without an epoch count
LEARNED = N_("learned")
N_("margin")  # a start axis's column name that is a word: its tooltip's title, translated


def display_cells(frame: pd.DataFrame, neuron: str) -> pd.DataFrame:
    """The cells sent to the browser, with their borders and a status (in the current language,
    as the map's legend names it) for those without a count."""
    axis = get_kind(neuron).map_axis
    starts, etas = np.unique(frame[axis]), np.unique(frame["eta"])
    cells = frame.copy()
    unstable, stuck = (_(status) for status in STATUS)
    cells["status"] = np.where(cells["learned"], _(LEARNED), np.where(cells["unstable"], unstable, stuck))
    cells["shade"] = np.maximum(cells["epochs"], 1)  # the log colour scale starts at 1 (0: already there)
    for column, values, log in ((axis, starts, False), ("eta", etas, True)):
        edges = _edges(values, log)
        index = np.searchsorted(values, cells[column])
        low, high = edges[index], edges[index + 1]
        # Each rectangle reaches 30 % into its neighbour so that no hairline seams show between cells.
        overlap = (high / low) ** 0.3 if log else 1.0
        cells[f"{column}_lo"] = low
        cells[f"{column}_hi"] = high * overlap if log else high + 0.3 * (high - low)
    cells["loss"] = cells["loss"].map({k: words.loss_words(neuron, k).name for k in LOSSES[neuron]})
    columns = [axis, "eta", "error0", "epochs", "shade", "learned", "status"]
    return cells[["loss", *columns, f"{axis}_lo", f"{axis}_hi", "eta_lo", "eta_hi"]]


def axis_domain(starts: np.ndarray) -> tuple[float, float]:
    """The horizontal extent of the cells of a start axis."""
    edges = _edges(starts, log=False)
    return float(edges[0]), float(edges[-1])


def map_chart(
    neuron: str, losses: tuple[str, ...], cap: int, domain: tuple[float, float]
) -> alt.HConcatChart:
    """One heatmap per loss: epochs to the goal over (start, η) on a log colour scale; cells that
    never got there are grey, cells that got there but oscillate are pink ("unstable")."""
    kind = get_kind(neuron)
    axis = kind.map_axis
    pick = alt.selection_point(name="pick", fields=[axis, "eta"], on="click", clear=False)
    x = alt.X(
        f"{axis}_lo:Q",
        title=_(words.KINDS[kind.key].map_axis_title),
        scale=alt.Scale(domain=list(domain), nice=False, zero=False),
    )
    y = alt.Y("eta_lo:Q", title=_("learning rate η"), scale=alt.Scale(type="log", nice=False))
    tooltip = [
        alt.Tooltip(f"{axis}:Q", title=_(axis), format=".3g"),
        alt.Tooltip("eta:Q", title="η", format=".4g"),
        alt.Tooltip("error0:Q", title=_("starting error"), format=".3g"),
        alt.Tooltip("epochs:Q", title=_("epochs (>{cap}: did not learn)").format(cap=f"{cap:,}")),
        alt.Tooltip("status:N", title=_("status")),
    ]
    panels = []
    for name in (words.loss_words(neuron, key).name for key in losses):
        cells = (
            alt.Chart(alt.Data(name="cells"), title=_(name))
            .transform_filter(alt.datum.loss == name)
            .mark_rect(clip=True, **HEATMAP_CELLS)
            .encode(x=x, x2=f"{axis}_hi:Q", y=y, y2="eta_hi:Q", tooltip=tooltip)
        )
        learned = cells.transform_filter(alt.datum.learned).encode(
            fill=alt.Fill(
                "shade:Q",
                title=_("epochs to the goal"),
                scale=alt.Scale(type="log", scheme="viridis", domain=[1, cap], reverse=True),
                legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=320),
            )
        )
        stuck = cells.transform_filter(~alt.datum.learned).encode(
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(domain=[_(status) for status in STATUS], range=list(STATUS.values())),
                legend=alt.Legend(orient="bottom"),
            )
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
    # One legend for the epochs (fill) and one for the cells without a count (colour), shared by all.
    description = _(
        "One heatmap per loss ({losses}): epochs until the output error reaches the goal, over {axis} "
        "and the learning rate η; grey cells did not learn within {cap} epochs, pink cells reached the "
        "goal but oscillate."
    ).format(
        losses=_(", ").join(_(words.loss_words(neuron, key).name) for key in losses),
        axis=_(words.KINDS[kind.key].map_axis_title),
        cap=f"{cap:,}",
    )
    grid = alt.hconcat(*panels, description=description)
    return readable(grid.resolve_scale(fill="shared", color="shared"))


_cached_spec = spec_cache(map_chart)


def map_spec(
    cells: pd.DataFrame | bytes,
    neuron: str,
    losses: tuple[str, ...],
    cap: int,
    domain: tuple[float, float],
    start: float,
    eta: float,
) -> dict:
    """The map's Vega-Lite spec with the cells (`display_cells`, as a frame or Arrow bytes) and the
    current scenario (start, η) attached; one heatmap per loss in `losses`."""
    axis = get_kind(neuron).map_axis
    spec = json.loads(_cached_spec(neuron, tuple(losses), cap, domain))
    spec["datasets"] = {
        "cells": cells,
        "here": pd.DataFrame({axis: [start], "eta": [eta], "label": [_("this scenario")]}),
    }
    return spec
