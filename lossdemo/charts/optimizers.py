"""The optimizer comparison: each shown loss trained by gradient descent and by another optimizer,
from the same start with the same η, over the epochs: the output, the gradient and the step
taken. Colour is the loss, as in every chart; the dash is the optimizer (solid: gradient descent).

Data: `comparison_data`'s frame (dataset `comparison`)."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from lossdemo.charts.epochs import run_names
from lossdemo.charts.style import (
    PANEL_HEIGHT,
    Style,
    downsample,
    loss_scale,
    own_title,
    readable,
    series_scale,
    spec_cache,
)
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.neurons import KINDS
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER
from lossdemo.language import words
from lossdemo.language.messages import _

DATASET = "comparison"
DASHES = ([1, 0], [7, 4])  # gradient descent, the other optimizer
COMPARISON_WIDTH = 200  # three panels side by side fit the page's main column


def _panels(neuron: str) -> tuple[tuple[str, str, str, bool], ...]:
    """(column, title, subtitle, log scale) per panel, in the kind's columns and symbols, the words
    in the current language."""
    kind = KINDS[neuron]
    symbol = f"∂C/∂{kind.delta.removeprefix('grad_')}"
    output = _(words.KINDS[kind.key].output_label)
    return (
        (
            kind.output,
            output[0].upper() + output[1:],
            _("towards {target}").format(target=_(words.KINDS[kind.key].target_label)),
            False,
        ),
        (
            kind.delta,
            _("Gradient |{symbol}|").format(symbol=symbol),
            _("what the loss hands the optimizer"),
            True,
        ),
        ("step", _("Step taken ‖Δp‖"), _("how far the parameters move"), True),
    )


def comparison_data(baseline: pd.DataFrame, runs: pd.DataFrame, neuron: str, optimizer: str) -> pd.DataFrame:
    """One row per optimizer, run, epoch and panel (at most MAX_POINTS epochs per run); the
    gradient and the step as magnitudes. A run is named as the epoch chart names it (`run_names`):
    its loss, or its series; the optimizer by its name in the current language."""
    parts = []
    for key, frame in ((DEFAULT_OPTIMIZER, baseline), (optimizer, runs)):
        frame = downsample(frame)
        for index, (column, _title, _subtitle, log) in enumerate(_panels(neuron)):
            values = frame[column].to_numpy()
            parts.append(
                pd.DataFrame(
                    {
                        "loss": run_names(frame, neuron).astype(str),
                        "optimizer": words.optimizer_name(key),
                        "epoch": frame["epoch"].to_numpy(),
                        "panel": index,
                        "value": abs(values) if log else values,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def comparison_chart(neuron: str, optimizer: str, series: tuple[Style, ...] = ()) -> alt.TopLevelMixin:
    """Output, gradient and step over the epochs side by side, a line per loss (or per series, in
    their colours: `style.series_styles`) and optimizer."""
    colour = (series_scale(series) if series else loss_scale(neuron, tuple(LOSSES[neuron])))[0]
    dash = alt.Scale(
        domain=[words.optimizer_name(DEFAULT_OPTIMIZER), words.optimizer_name(optimizer)], range=list(DASHES)
    )
    panels = []
    for index, (_column, title, subtitle, log) in enumerate(_panels(neuron)):
        base = alt.Chart(title=alt.Title(title, subtitle=subtitle, anchor="start")).transform_filter(
            alt.datum.panel == index
        )
        if log:
            base = base.transform_filter(alt.datum.value > 0)
        lines = base.mark_line(strokeWidth=2.5).encode(
            x=alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(nice=False)),
            y=alt.Y("value:Q", title=title, scale=alt.Scale(type="log" if log else "linear")),
            color=alt.Color(
                "loss:N",
                scale=colour,
                legend=alt.Legend(title=_("run"), orient="top", direction="vertical", labelLimit=0)
                if series
                else alt.Legend(title=_("loss"), orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "optimizer:N", scale=dash, legend=alt.Legend(title=_("optimizer"), orient="top")
            ),
            detail="optimizer:N",
            tooltip=[
                alt.Tooltip("loss:N", **own_title("loss", _("loss"))),
                alt.Tooltip("optimizer:N", **own_title("optimizer", _("optimizer"))),
                alt.Tooltip("epoch:Q", **own_title("epoch", _("epoch"))),
                alt.Tooltip("value:Q", format=".4g", **own_title("value", _("value"))),
            ],
        )
        panels.append(lines.properties(width=COMPARISON_WIDTH, height=PANEL_HEIGHT))
    return readable(alt.hconcat(*panels, data=alt.Data(name=DATASET)))


_cached_spec = spec_cache(comparison_chart)


def comparison_spec(
    data, neuron: str, optimizer: str, drawn: tuple[str, ...], series: tuple[Style, ...] = ()
) -> dict:
    """The Vega-Lite spec of `comparison_chart` with its data (a frame, or Arrow) attached; built
    once per (neuron, optimizer, series). Its colour scale holds every loss of the neuron, so that a
    loss looks the same whatever is shown; its legend lists the runs `drawn`, by their names."""
    spec = json.loads(_cached_spec(neuron, optimizer, series))
    for panel in spec["hconcat"]:
        panel["encoding"]["color"]["legend"]["values"] = list(drawn)
    spec["datasets"] = {DATASET: data}
    return spec
