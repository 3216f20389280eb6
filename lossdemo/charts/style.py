"""What every chart shares: one colour (Okabe–Ito, colour-blind safe, for the first eight) and one
dash pattern per loss, assigned by the loss's position in the registry so adding a loss needs no
change here;
fonts large enough for the back of a classroom; downsampling; and a per-process cache of specs
(per language: a chart's words are in the language it was built in)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache, wraps

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.step_rules import GRADIENT
from lossdemo.language import words
from lossdemo.language.messages import _, current

PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ((8, 4), (1, 0), (2, 3), (10, 3, 2, 3), (4, 4), (6, 2), (1, 3), (12, 2, 2, 2))
RULE_STYLE = ("#000000", (1, 3))  # a run stepped by a rule that is not the gradient: black dots
MAX_POINTS = 2000
PANEL_WIDTH = 300
# A heatmap's cells are left out of the accessibility tree: Vega-Lite would otherwise format a
# description ("w: 1.2; b: 0.8; …") into each of up to 20,402 cells as the browser draws them (0.3 s
# of the Landscape's 3.6 s in Chromium, measured on SVG surfaces), text no screen reader user steps
# through cell by cell.
# The chart's own description says what the map shows; its axes, legend and title stay readable.
HEATMAP_CELLS = {"aria": False}
PANEL_HEIGHT = 190


FONTS = {"axis": (13, 14), "title": (16, 13), "legend": (14, 14)}  # (labels or title, titles or subtitle)
FONT = '"Source Sans", "Source Sans Pro", sans-serif'  # the page's own font


Style = tuple[str, str, tuple[int, ...]]  # (run's name in the charts, colour, dash)


def colour(position: int) -> str:
    """The colour of the loss at `position` in its kind's registry: the palette's eight, then each
    of them again mixed with white (half, then two thirds, …), so that every loss of a kind keeps a
    colour of its own however many the registry holds (the dashes repeat every eight)."""
    base, mixed = PALETTE[position % len(PALETTE)], position // len(PALETTE)
    if mixed == 0:
        return base
    share = mixed / (mixed + 1)  # of white
    channels = (int(base[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * share):02X}" for c in channels)


def _style(neuron: str, loss: str) -> tuple[str, tuple[int, ...]]:
    position = list(LOSSES[neuron]).index(loss)
    return colour(position), DASHES[position % len(DASHES)]


def _look(neuron: str, key: str, series: tuple[Style, ...]) -> tuple[str, tuple[int, ...]]:
    """A run's colour and dash: its loss's (`key` a loss), or with `series` the series named `key`."""
    if not series:
        return _style(neuron, key)
    return next((colour, dash) for name, colour, dash in series if name == key)


def line_word(neuron: str, key: str, series: tuple[Style, ...] = ()) -> str:
    """A word for a loss's line style (or with `series`, a series' line), as every chart draws it."""
    dash = _look(neuron, key, series)[1]
    return (
        _("solid line") if dash == (1, 0) else _("dotted line") if dash == RULE_STYLE[1] else _("dashed line")
    )


def line_sample(neuron: str, key: str, width: int = 36, series: tuple[Style, ...] = ()) -> str:
    """A short stretch of a loss's line (or with `series`, a series' line) in its colour and line
    style, as an HTML span hidden from screen readers (a CSS border: the page's HTML keeps no
    inline SVG). It stands beside the run's name, which keeps the page's text colour (most of the
    palette is too light to read as text)."""
    colour, dash = _look(neuron, key, series)
    style = "solid" if dash == (1, 0) else "dotted" if dash[0] <= 2 else "dashed"
    return (
        f'<span aria-hidden="true" style="display:inline-block;width:{width}px;vertical-align:middle;'
        f'border-top:4px {style} {colour}"></span>'
    )


def legend_html(neuron: str, names: Mapping[str, str], series: tuple[Style, ...] = ()) -> str:
    """Which line is which run, in one row that wraps: `line_sample` and name per run (`names`: name
    by loss key, or by series label with `series`)."""
    items = "".join(
        f'<span style="white-space:nowrap">{line_sample(neuron, key, series=series)} {name}</span>'
        for key, name in names.items()
    )
    return f'<div style="display:flex;flex-wrap:wrap;gap:0.25rem 1.5rem">{items}</div>'


def loss_scale(neuron: str, losses: tuple[str, ...]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and dash scales over the losses (display names, in the current language), each styled
    as `line_sample` draws it: `losses` are all of the neuron's registry keys, so a loss looks the
    same whatever is shown."""
    names = [_(words.loss_words(neuron, key).name) for key in losses]
    styles = [_style(neuron, key) for key in losses]
    colour = alt.Scale(domain=names, range=[c for c, _ in styles])
    dash = alt.Scale(domain=names, range=[list(d) for _, d in styles])
    return colour, dash


def series_styles(runs: pd.DataFrame, neuron: str) -> tuple[Style, ...]:
    """The colour and dash of each series of a frame with `series`, `start`, `loss` and `rule`
    columns. From one start, a loss keeps its own style and a step rule is drawn in black dots;
    comparing starts, each start has its colour, and its dash too when all runs are of one kind
    (otherwise the dash tells the loss or the rule)."""
    firsts = runs.groupby("series", sort=False, observed=True).head(1)
    starts = list(dict.fromkeys(firsts["start"]))
    kinds = set(zip(firsts["loss"], firsts["rule"]))
    styles = []
    for label, start, loss, rule in firsts[["series", "start", "loss", "rule"]].itertuples(index=False):
        colour, dash = _style(neuron, loss) if rule == GRADIENT else RULE_STYLE
        if len(starts) > 1:
            colour = PALETTE[starts.index(start) % len(PALETTE)]
            dash = DASHES[starts.index(start) % len(DASHES)] if len(kinds) == 1 else dash
        styles.append((str(label), colour, dash))
    return tuple(styles)


def series_scale(styles: tuple[Style, ...]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and dash scales over the runs' names, as `series_styles` gives them."""
    names = [name for name, _, _ in styles]
    colour = alt.Scale(domain=names, range=[c for _, c, _ in styles])
    return colour, alt.Scale(domain=names, range=[list(d) for _, _, d in styles])


def downsample(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """At most `max_points` evenly spread epochs per loss, always keeping the first and last."""
    epochs = frame["epoch"].to_numpy()
    last = int(epochs.max())
    if last + 1 <= max_points:
        return frame
    keep = np.unique(np.linspace(0, last, max_points).round().astype(int))
    return frame[np.isin(epochs, keep)]


def own_title(field: str, title: str) -> dict[str, str]:
    """The `title` argument of an encoding or tooltip of `field`: none where `title` is the field's
    own name, which Vega-Lite shows anyway (the English spec), else `title` (another language's)."""
    return {} if title == field else {"title": title}


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
    """`chart`'s Vega-Lite spec as JSON, built once per process, language and arguments (its words
    are in the language it is built in). Building one costs about a second (Altair), so sessions
    that ask for the same spec at once wait for one build instead of each building it."""
    lock = threading.Lock()

    @lru_cache(maxsize=32)
    def built(lang: str, *args) -> str:
        # Not validated here (a third of a build): tests/test_chart_specs.py checks every view's specs.
        return json.dumps(chart(*args).to_dict(validate=False))

    @wraps(chart)
    def spec(*args) -> str:
        with lock:
            return built(current(), *args)

    return spec
