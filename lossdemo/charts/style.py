"""What every chart shares: one colour (Okabe–Ito, colour-blind safe) and one dash pattern per
loss, assigned by the loss's position in the registry so adding a loss needs no change here;
fonts large enough for the back of a classroom; downsampling; and a per-process cache of specs."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from functools import lru_cache, wraps

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.engine.losses import LOSSES

PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ((8, 4), (1, 0), (2, 3), (10, 3, 2, 3), (4, 4), (6, 2), (1, 3), (12, 2, 2, 2))
MAX_POINTS = 2000
PANEL_WIDTH = 300
PANEL_HEIGHT = 190


FONTS = {"axis": (13, 14), "title": (16, 13), "legend": (14, 14)}  # (labels or title, titles or subtitle)
FONT = '"Source Sans", "Source Sans Pro", sans-serif'  # the page's own font


def _style(neuron: str, loss: str) -> tuple[str, tuple[int, ...]]:
    position = list(LOSSES[neuron]).index(loss) % len(PALETTE)
    return PALETTE[position], DASHES[position]


def line_word(neuron: str, loss: str) -> str:
    """A word for a loss's line style, as every chart draws it."""
    return "solid line" if _style(neuron, loss)[1] == (1, 0) else "dashed line"


def line_sample(neuron: str, loss: str, width: int = 36) -> str:
    """A short stretch of a loss's line in its colour and line style, as an HTML span hidden from
    screen readers (a CSS border: the page's HTML keeps no inline SVG). It stands beside the loss's
    name, which keeps the page's text colour (most of the palette is too light to read as text)."""
    colour, dash = _style(neuron, loss)
    style = "solid" if dash == (1, 0) else "dotted" if dash[0] <= 2 else "dashed"
    return (
        f'<span aria-hidden="true" style="display:inline-block;width:{width}px;vertical-align:middle;'
        f'border-top:4px {style} {colour}"></span>'
    )


def loss_scale(neuron: str, losses: tuple[str, ...]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and dash scales over the losses (display names), each styled as `line_sample` draws it:
    `losses` are all of the neuron's registry keys, so a loss looks the same whatever is shown."""
    names = [LOSSES[neuron][key].name for key in losses]
    styles = [_style(neuron, key) for key in losses]
    colour = alt.Scale(domain=names, range=[c for c, _ in styles])
    dash = alt.Scale(domain=names, range=[list(d) for _, d in styles])
    return colour, dash


def downsample(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """At most `max_points` evenly spread epochs per loss, always keeping the first and last."""
    epochs = frame["epoch"].to_numpy()
    last = int(epochs.max())
    if last + 1 <= max_points:
        return frame
    keep = np.unique(np.linspace(0, last, max_points).round().astype(int))
    return frame[np.isin(epochs, keep)]


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
