"""Altair chart builders: pure functions from tidy frames to charts; no Streamlit here.

Every loss keeps one colour (Okabe–Ito, colour-blind safe) and one dash pattern in every chart,
assigned by its position in the loss registry, so adding a loss needs no change here.
"""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.engine.losses import LOSSES

PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
DASHES = ((8, 4), (1, 0), (2, 3), (10, 3, 2, 3), (4, 4), (6, 2))
MAX_POINTS = 2000
PANEL_WIDTH = 300
PANEL_HEIGHT = 190


@dataclass(frozen=True)
class Panel:
    title: str
    axis: str
    fields: tuple[tuple[str, str], ...]  # (column, series label); a second one is drawn thinner
    subtitle: str
    log_able: bool = False


PANELS = {
    "sigmoid": (
        Panel("Cost C", "cost C", (("cost", "C"),), "flat means slow learning", log_able=True),
        Panel(
            "Gradient size",
            "|gradient|",
            (("grad_w", "|∂C/∂w|"), ("grad_b", "|∂C/∂b|")),
            "thick |∂C/∂w|, thin |∂C/∂b|: the step per epoch",
            log_able=True,
        ),
        Panel("σ′(z)", "σ′(z)", (("sigma_prime", "σ′(z)"),), "the factor quadratic cost multiplies in"),
        Panel("Output a", "output a", (("a", "a"),), "green dashes: the target y"),
    ),
    "softmax": (
        Panel("Cost C", "cost C", (("cost", "C"),), "flat means slow learning", log_able=True),
        Panel(
            "Gradient size",
            "|gradient|",
            (("grad_b_y", "|∂C/∂b_y|"), ("grad_norm", "‖∇C‖")),
            "thick |∂C/∂b_y|, thin the whole gradient ‖∇C‖",
            log_able=True,
        ),
        Panel(
            "a_y(1 − a_y)",
            "a_y(1 − a_y)",
            (("sigma_prime", "a_y(1 − a_y)"),),
            "the slope quadratic cost carries",
        ),
        Panel("Target probability a_y", "a_y", (("a_y", "a_y"),), "green dashes: the target 1"),
    ),
}
FONTS = {"axis": (13, 14), "title": (16, 13), "legend": (14, 14)}  # (labels or title, titles or subtitle)
FONT = '"Source Sans", "Source Sans Pro", sans-serif'  # the page's own font


def loss_style(neuron: str, loss: str) -> tuple[str, str]:
    """The colour of a loss and a word for its line style, as every chart draws it."""
    position = list(LOSSES[neuron]).index(loss)
    return PALETTE[position], "solid line" if DASHES[position] == (1, 0) else "dashed line"


def loss_scale(neuron: str) -> tuple[alt.Scale, alt.Scale]:
    """Colour and dash scales over the neuron's losses (display names), in registry order."""
    names = [loss.name for loss in LOSSES[neuron].values()]
    colour = alt.Scale(domain=names, range=list(PALETTE[: len(names)]))
    dash = alt.Scale(domain=names, range=[list(d) for d in DASHES[: len(names)]])
    return colour, dash


def downsample(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """At most `max_points` evenly spread epochs per loss, always keeping the first and last."""
    epochs = frame["epoch"].to_numpy()
    last = int(epochs.max())
    if last + 1 <= max_points:
        return frame
    keep = np.unique(np.linspace(0, last, max_points).round().astype(int))
    return frame[np.isin(epochs, keep)]


def long_form(runs: pd.DataFrame, neuron: str) -> pd.DataFrame:
    """One row per loss, epoch and plotted quantity, with magnitudes for the gradients. Built from
    numpy arrays and categoricals: it is recomputed for every new scenario, so it must be cheap."""
    names = [LOSSES[neuron][key].name for key in runs["loss"].unique()]
    loss = pd.Categorical(runs["loss"].map({k: v.name for k, v in LOSSES[neuron].items()}), categories=names)
    labels = [label for panel in PANELS[neuron] for _, label in panel.fields]
    panels, series, values, signed = [], [], [], []
    for index, panel in enumerate(PANELS[neuron]):
        for column, label in panel.fields:
            data = runs[column].to_numpy()
            panels.append(np.full(len(data), index))
            series.append(np.full(len(data), labels.index(label)))
            values.append(np.abs(data) if panel.log_able and column != "cost" else data)
            signed.append(data)
    repeats = len(panels)
    return pd.DataFrame(
        {
            "loss": pd.Categorical.from_codes(np.tile(loss.codes, repeats), categories=names),
            "epoch": np.tile(runs["epoch"].to_numpy(), repeats),
            "panel": np.concatenate(panels),
            "series": pd.Categorical.from_codes(np.concatenate(series), categories=labels),
            "value": np.concatenate(values),
            "signed": np.concatenate(signed),
        }
    )


DATASET = "runs"


def _hover() -> alt.Parameter:
    return alt.selection_point(
        name="hover", fields=["epoch"], nearest=True, on="pointerover", clear="pointerout", empty=False
    )


def _panel(
    neuron: str, index: int, log_scale: bool, hover: alt.Parameter, legend: bool = True
) -> alt.LayerChart:
    """One quantity over the epochs: a line per loss (and per series), the hover and epoch rules."""
    panel = PANELS[neuron][index]
    colour, dash = loss_scale(neuron)
    log = log_scale and panel.log_able
    base = alt.Chart(title=alt.Title(panel.title, subtitle=panel.subtitle, anchor="start")).transform_filter(
        alt.datum.panel == index
    )
    if log:
        base = base.transform_filter(alt.datum.value > 0)
    x = alt.X("epoch:Q", title="epoch", scale=alt.Scale(nice=False))
    y = alt.Y("value:Q", title=panel.axis, scale=alt.Scale(type="log" if log else "linear"))
    width = (
        alt.StrokeWidth("series:N", scale=alt.Scale(range=[3, 1.5]), legend=None)
        if len(panel.fields) > 1
        else alt.value(3)
    )
    lines = base.mark_line().encode(
        x=x,
        y=y,
        color=alt.Color(
            "loss:N", scale=colour, legend=alt.Legend(title="loss", orient="top") if legend else None
        ),
        strokeDash=alt.StrokeDash("loss:N", scale=dash, legend=None),
        detail="series:N",
        strokeWidth=width,
    )
    # One invisible point per epoch is what the hover finds nearest; only the hovered epoch's
    # points are drawn, so long runs do not put thousands of hidden marks in the page.
    selectors = (
        base.transform_window(rank="row_number()", groupby=["epoch"])
        .transform_filter(alt.datum.rank == 1)
        .mark_point(opacity=0, size=10)
        .encode(x=x, y=alt.value(0))
        .add_params(hover)
    )
    points = (
        base.transform_filter(hover)
        .mark_point(size=80, filled=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color("loss:N", scale=colour, legend=None),
            tooltip=[
                alt.Tooltip("loss:N"),
                alt.Tooltip("epoch:Q"),
                alt.Tooltip("series:N", title="quantity"),
                alt.Tooltip("signed:Q", title="value", format=".4g"),
            ],
        )
    )
    hover_rule = base.mark_rule(color="#555555").encode(x=x).transform_filter(hover)
    layers = [
        lines,
        selectors,
        points,
        hover_rule,
        _cursor(),
    ]
    if panel.fields[0][0] in ("a", "a_y"):
        layers.append(_target())
    return alt.layer(*layers)


def epoch_chart(neuron: str, log_scale: bool, panel: int | None = None) -> alt.TopLevelMixin:
    """Cost, gradient, slope and output over epochs in a 2×2 grid with one hover rule shared by
    all four panels, or one of them (`panel`) alone at the width of its container. Data comes as
    named datasets (see `epoch_chart_spec`): the runs in the shape of `long_form` and the target
    output; the inspected epoch is the `cursor` parameter."""
    hover = _hover()
    if panel is not None:
        one = _panel(neuron, panel, log_scale, hover, legend=False).properties(
            width="container", height=PANEL_HEIGHT + 60, data=alt.Data(name=DATASET)
        )
        return readable(one)
    panels = [
        _panel(neuron, index, log_scale, hover).properties(width=PANEL_WIDTH, height=PANEL_HEIGHT)
        for index in range(len(PANELS[neuron]))
    ]
    with warnings.catch_warnings():
        # Sharing one hover parameter across the panels is the point; Altair warns that it merged them.
        warnings.filterwarnings("ignore", message="Automatically deduplicated selection parameter")
        grid = alt.vconcat(
            alt.hconcat(panels[0], panels[1]), alt.hconcat(panels[2], panels[3]), data=alt.Data(name=DATASET)
        )
    return readable(grid.resolve_scale(color="shared", strokeWidth="independent"))


def readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Fonts large enough for the back of a classroom."""
    (axis_labels, axis_titles), (title, subtitle), (legend_labels, legend_title) = FONTS.values()
    return (
        chart.configure(font=FONT)
        .configure_axis(
            labelFontSize=axis_labels,
            titleFontSize=axis_titles,
            titleFontWeight="normal",
            titleColor="#444444",
        )
        .configure_title(fontSize=title, subtitleFontSize=subtitle, subtitleColor="#555555")
        .configure_legend(labelFontSize=legend_labels, titleFontSize=legend_title)
    )


def _target() -> alt.Chart:
    """The target output: a horizontal rule at `at` of the one-row dataset `target`."""
    return (
        alt.Chart(alt.Data(name="target"))
        .mark_rule(color="#009E73", strokeDash=[6, 3], strokeWidth=2)
        .encode(y="at:Q", tooltip=[alt.Tooltip("at:Q", title="target")])
    )


def _cursor() -> alt.Chart:
    """The inspected epoch: a vertical rule at the `cursor` parameter (`replay.cursor_params`),
    which a replay moves in the browser."""
    return (
        alt.Chart(alt.Data(values=[{}]))
        .transform_calculate(at="cursor")
        .mark_rule(color="#222222", strokeDash=[2, 2], strokeWidth=2)
        .encode(x="at:Q", tooltip=[alt.Tooltip("at:Q", title="inspected epoch")])
    )


def spec_cache(chart: Callable[..., alt.TopLevelMixin]) -> Callable[..., str]:
    """`chart`'s Vega-Lite spec as JSON, built once per process and arguments. Building one costs
    about a second (Altair), so sessions that ask for the same spec at once wait for one build
    instead of each building it."""
    lock = threading.Lock()

    @lru_cache(maxsize=32)
    def built(*args) -> str:
        return json.dumps(chart(*args).to_dict())

    @wraps(chart)
    def spec(*args) -> str:
        with lock:
            return built(*args)

    return spec


_cached_spec = spec_cache(epoch_chart)


def epoch_chart_data(runs: pd.DataFrame, neuron: str) -> pd.DataFrame:
    """What the epoch chart plots: at most MAX_POINTS epochs per loss, in the shape of `long_form`."""
    return long_form(downsample(runs), neuron)


def epoch_chart_spec(
    data: pd.DataFrame,
    neuron: str,
    log_scale: bool,
    cursor: list[dict],
    target: float,
    panel: int | None = None,
) -> dict:
    """The Vega-Lite spec of `epoch_chart` with its data (`epoch_chart_data`) and its epoch cursor
    (`replay.cursor_params`) attached. The chart is built once per (neuron, scale, panel): building
    it costs far more than the simulation."""
    spec = json.loads(_cached_spec(neuron, log_scale, panel))
    spec["params"] = spec.get("params", []) + cursor
    spec["datasets"] = {DATASET: data, "target": pd.DataFrame({"at": [target]})}
    return spec
