"""The loss-shape chart: each shown loss's cost C and |∂C/∂z| against the output over its whole
range (0, 1), one line per loss in its colour and dash, with each run's point at the inspected
epoch marked on its curve. The chart is built once per neuron, losses and scale; the curves are
attached per scenario, the points per epoch.

Data: named datasets `curves` and `points` in the shape of `loss_shape_data` (`points` also has
the epoch), and `target` (the output the run should reach, `at`)."""

from __future__ import annotations

import json
import warnings

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.charts.style import loss_scale, own_title, readable, spec_cache
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.neurons import get_kind
from lossdemo.language import words
from lossdemo.language.messages import _

WIDTH, HEIGHT = 380, 260


def loss_shape_data(frame: pd.DataFrame, neuron: str) -> pd.DataFrame:
    """`engine.shape.shape_frame` (or `shape_points`) in long form: one row per loss, point and
    panel (0: the cost, 1: |∂C/∂z|), with the loss's display name (in the current language, as
    `style.loss_scale` names it) and the plotted `value`."""
    names = frame["loss"].map({key: words.loss_name(neuron, key) for key in LOSSES[neuron]})
    panels = [
        frame.assign(loss=names, panel=index, value=value)
        for index, value in enumerate((frame["cost"], np.abs(frame["delta"])))
    ]
    return pd.concat(panels, ignore_index=True).drop(columns=["cost", "delta"])


def _panel(
    neuron: str, losses: tuple[str, ...], index: int, log_scale: bool, hover: alt.Parameter
) -> alt.LayerChart:
    """One quantity against the output: a line per loss, the hovered output's values, the target
    and each run's point."""
    kind = get_kind(neuron)
    colour, dash = loss_scale(neuron, losses)
    delta = f"|{kind.delta_symbol}|"
    title, axis, subtitle = (
        (_("Cost C"), _("cost C"), _("each loss's own scale: compare shapes, not heights")),
        (
            _("Gradient size {delta}").format(delta=delta),
            delta,
            _("what every step is made of: where it is small, learning is slow"),
        ),
    )[index]
    note = (
        [_("with {note}").format(note=_(words.KINDS[kind.key].shape_note))]
        if words.KINDS[kind.key].shape_note
        else []
    )
    subtitles = [subtitle, *note]
    x = alt.X("output:Q", title=_(words.KINDS[kind.key].output_label), scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("value:Q", title=axis, scale=alt.Scale(type="log" if log_scale else "linear"))
    shown = alt.datum.panel == index
    if log_scale:
        shown = shown & (alt.datum.value > 0)
    curves = alt.Chart(alt.Data(name="curves"), title=alt.Title(title, subtitle=subtitles, anchor="start"))
    curves = curves.transform_filter(shown)
    loss_colour = alt.Color("loss:N", scale=colour, legend=alt.Legend(title=_("loss"), orient="top"))
    lines = curves.mark_line(strokeWidth=3).encode(
        x=x, y=y, color=loss_colour, strokeDash=alt.StrokeDash("loss:N", scale=dash, legend=None)
    )
    selectors = (
        curves.transform_window(rank="row_number()", groupby=["u"])
        .transform_filter(alt.datum.rank == 1)
        .mark_point(opacity=0, size=10, aria=False)  # pointer aids stay out of the accessibility tree
        .encode(x=x, y=alt.value(0))
        .add_params(hover)
    )
    tooltip = [
        alt.Tooltip("loss:N", **own_title("loss", _("loss"))),
        alt.Tooltip("output:Q", title=kind.output, format=".4g"),
        alt.Tooltip("value:Q", title=axis, format=".4g"),
    ]
    hovered = (
        curves.transform_filter(hover)
        .mark_point(size=70, filled=True, aria=False)
        .encode(x=x, y=y, color=alt.Color("loss:N", scale=colour, legend=None), tooltip=tooltip)
    )
    target = (
        alt.Chart(alt.Data(name="target"))
        .mark_rule(color="#009E73", strokeDash=[6, 3], strokeWidth=2)
        .encode(x="at:Q", tooltip=[alt.Tooltip("at:Q", title=_(words.KINDS[kind.key].target_label))])
    )
    points = (
        alt.Chart(alt.Data(name="points"))
        .transform_filter(shown)
        .mark_point(size=220, filled=True, stroke="#222222", strokeWidth=2, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color("loss:N", scale=colour, legend=None),
            tooltip=[alt.Tooltip("epoch:Q", title=_("inspected epoch")), *tooltip],
        )
    )
    return alt.layer(lines, selectors, hovered, target, points).properties(width=WIDTH, height=HEIGHT)


def loss_shape_chart(neuron: str, losses: tuple[str, ...], log_scale: bool) -> alt.TopLevelMixin:
    """The cost and |∂C/∂z| of each of `losses` against the output, side by side, with one hover
    shared by both: pointing at an output shows every loss's cost and gradient there."""
    hover = alt.selection_point(
        name="hover", fields=["u"], nearest=True, on="pointerover", clear="pointerout", empty=False
    )
    panels = [_panel(neuron, losses, index, log_scale, hover) for index in range(2)]
    with warnings.catch_warnings():
        # Sharing the hover across the panels is the point; Altair warns that it merged them.
        warnings.filterwarnings("ignore", message="Automatically deduplicated selection parameter")
        return readable(alt.hconcat(*panels).resolve_scale(color="shared"))


_cached_spec = spec_cache(loss_shape_chart)


def loss_shape_spec(
    curves: pd.DataFrame | bytes, points: pd.DataFrame, neuron: str, log_scale: bool, target: float
) -> dict:
    """The spec of `loss_shape_chart` for the losses in `points` (one row per run, from
    `shape_points`), with the curves (`loss_shape_data`, as a frame or Arrow bytes), the runs'
    points and the target attached."""
    losses = tuple(dict.fromkeys(points["loss"]))
    spec = json.loads(_cached_spec(neuron, losses, log_scale))
    spec["datasets"] = {
        "curves": curves,
        "points": loss_shape_data(points, neuron),
        "target": pd.DataFrame({"at": [target]}),
    }
    return spec
