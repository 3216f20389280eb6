"""The real network's charts: accuracy, cost, stuck outputs and the hidden layer's σ′
over the epochs in a 2×2 grid, one colour and dash per loss; and the first test digits with each
loss's answer.

Data: `network_data` of the runs (dataset `network`: one row per loss and epoch) and
`digits_data` of the test images (dataset `digits`: one row per pixel).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.charts.style import (
    DASHES,
    HEATMAP_CELLS,
    PALETTE,
    PANEL_HEIGHT,
    PANEL_WIDTH,
    own_title,
    readable,
    spec_cache,
)
from lossdemo.engine.network import COLUMNS, OUTPUT_LOSSES
from lossdemo.language.messages import N_, _

DATASET, DIGITS = "network", "digits"
DIGIT_PIXELS = 8  # the images are 8×8
DIGIT_SIZE = 72  # pixels a digit is drawn across


@dataclass(frozen=True)
class Panel:
    title: str  # title, subtitle, axis and what each field is: English, translated where shown
    subtitle: str
    axis: str
    fields: tuple[tuple[str, str], ...]  # (column, what it is); a second one is drawn thinner
    format: str  # of the values in tooltips
    axis_format: str
    domain: tuple[float, float] | None = None


# The panels' words are marked with N_ and translated where the chart is built.
PANELS = (
    Panel(
        N_("Accuracy on digits it never trained on"),
        N_("thick: the 500 test digits; thin: the 1,297 training digits"),
        N_("accuracy"),
        (("test_accuracy", N_("test accuracy")), ("train_accuracy", N_("training accuracy"))),
        ".1%",
        ".0%",
        (0.0, 1.0),
    ),
    Panel(
        N_("Training cost"),
        N_("each loss on its own scale: compare how fast it falls, not its height"),
        N_("mean cost C"),
        (("cost", N_("cost")),),
        ".4g",
        ".3~g",  # 10 (without a precision Vega picks one from the ticks and writes "1e+1")
    ),
    Panel(
        N_("Outputs stuck at the wrong end"),
        N_("σ′ < 0.05 while |a − t| > 0.5: these slow the quadratic loss only"),
        N_("share of outputs"),
        (("output_saturation", N_("outputs stuck")),),
        ".2%",
        ".1%",
    ),
    Panel(
        N_("The hidden layer's mean σ′"),
        N_("a factor of every loss's hidden gradient: cross-entropy fixes the output layer only"),
        N_("mean σ′"),
        (("hidden_sigma_prime", N_("hidden σ′")),),
        ".3f",
        ".2f",
        (0.0, 0.25),
    ),
)


def network_data(runs: Mapping[str, pd.DataFrame], names: Mapping[str, str]) -> pd.DataFrame:
    """One row per loss and epoch: the loss's name (in the current language, as the chart's legend
    names it), then the engine's columns as they are."""
    frames = [run[COLUMNS].assign(loss=_(names[key])) for key, run in runs.items()]
    return pd.concat(frames, ignore_index=True)[["loss", *COLUMNS]]


def _scales(losses: tuple[str, ...], names: tuple[str, ...]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and dash by each loss's position among the network's losses, whichever are shown; the
    losses by their names in the current language, as `network_data` writes them."""
    positions = [list(OUTPUT_LOSSES).index(key) % len(PALETTE) for key in losses]
    shown = [_(name) for name in names]
    colour = alt.Scale(domain=shown, range=[PALETTE[p] for p in positions])
    dash = alt.Scale(domain=shown, range=[list(DASHES[p]) for p in positions])
    return colour, dash


def _panel(panel: Panel, colour: alt.Scale, dash: alt.Scale) -> alt.Chart:
    columns = [column for column, _label in panel.fields]
    what = "''"
    for column, label in reversed(panel.fields):
        shown = _(label)
        what = f"datum.key === '{column}' ? '{shown}' : {what}"
    y_scale = alt.Scale(domain=list(panel.domain)) if panel.domain else alt.Scale(zero=True)
    width = (
        alt.StrokeWidth("key:N", scale=alt.Scale(domain=columns, range=[3, 1.5]), legend=None)
        if len(columns) > 1
        else alt.value(3)
    )
    return (
        alt.Chart(title=alt.Title(_(panel.title), subtitle=_(panel.subtitle), anchor="start"))
        .transform_fold(columns)
        .transform_calculate(what=what)
        .mark_line(point=alt.OverlayMarkDef(size=30, filled=True))
        .encode(
            x=alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(nice=False)),
            y=alt.Y("value:Q", title=_(panel.axis), scale=y_scale, axis=alt.Axis(format=panel.axis_format)),
            color=alt.Color("loss:N", scale=colour, legend=alt.Legend(title=_("loss"), orient="top")),
            strokeDash=alt.StrokeDash("loss:N", scale=dash, legend=None),
            detail="key:N",
            strokeWidth=width,
            tooltip=[
                alt.Tooltip("loss:N", **own_title("loss", _("loss"))),
                alt.Tooltip("epoch:Q", **own_title("epoch", _("epoch"))),
                alt.Tooltip("what:N", title=_("quantity")),
                alt.Tooltip("value:Q", title=_("value"), format=panel.format),
            ],
        )
        .properties(width=PANEL_WIDTH, height=PANEL_HEIGHT)
    )


def network_chart(losses: tuple[str, ...], names: tuple[str, ...]) -> alt.VConcatChart:
    """The 2×2 grid over the epochs for these losses (keys, and their names as the data has them)."""
    colour, dash = _scales(losses, names)
    panels = [_panel(panel, colour, dash) for panel in PANELS]
    description = _("Over the epochs, one line per loss ({losses}): {quantities}.").format(
        losses=_(", ").join(_(name) for name in names),
        quantities=_(", ").join(_(panel.title).lower() for panel in PANELS),
    )
    grid = alt.vconcat(
        alt.hconcat(panels[0], panels[1]),
        alt.hconcat(panels[2], panels[3]),
        data=alt.Data(name=DATASET),
        description=description,
    )
    return readable(grid.resolve_scale(color="shared", strokeWidth="independent"))


_network_spec = spec_cache(network_chart)


def network_spec(data: object, losses: tuple[str, ...], names: tuple[str, ...]) -> dict:
    """`network_chart`'s Vega-Lite spec with its data (`network_data`, as a frame or Arrow bytes)."""
    spec = json.loads(_network_spec(losses, names))
    spec["datasets"] = {DATASET: data}
    return spec


def digits_data(images: np.ndarray, labels: list[int], predictions: Mapping[str, list[int]]) -> pd.DataFrame:
    """One row per pixel of each image (image, row, col, ink in [0, 1]) with the image's caption:
    its number and label, then each loss's (name's) prediction with ✓ or ✗, lines split by "|"; in
    the current language."""
    count = len(images)
    mark = lambda said, label: "✓" if said == label else "✗"  # noqa: E731
    captions = [
        "|".join(
            [_("{number}. a {digit}").format(number=i + 1, digit=label)]
            + [
                _("{loss}: {answer} {mark}").format(loss=_(name), answer=s[i], mark=mark(s[i], label))
                for name, s in predictions.items()
            ]
        )
        for i, label in enumerate(labels[:count])
    ]
    rows, cols = np.indices((DIGIT_PIXELS, DIGIT_PIXELS)).reshape(2, -1)
    return pd.DataFrame(
        {
            "image": np.repeat(np.arange(count), rows.size),
            "row": np.tile(rows, count),
            "col": np.tile(cols, count),
            "ink": np.asarray(images, dtype=float).reshape(count, -1).ravel(),
            "caption": np.repeat(captions, rows.size),
        }
    )


def digits_chart(count: int, epochs: int, columns: int = 4) -> alt.FacetChart:
    """`count` digits as grey 8×8 heatmaps, each captioned with every loss's answer after `epochs`."""
    square = alt.Axis(labels=False, ticks=False, title=None, domain=False, grid=False)
    pixels = (
        alt.Chart()
        .mark_rect(**HEATMAP_CELLS)
        .encode(
            x=alt.X("col:O", axis=square),
            y=alt.Y("row:O", axis=square),
            color=alt.Color("ink:Q", scale=alt.Scale(scheme="greys", domain=[0, 1]), legend=None),
            tooltip=[alt.Tooltip("ink:Q", title=_("ink"), format=".2f")],
        )
        .properties(width=DIGIT_SIZE, height=DIGIT_SIZE)
    )
    lines = "split(datum.value, '|')"
    header = alt.Header(title=None, labelExpr=lines, labelOrient="bottom", labelAlign="left")
    chart = pixels.facet(
        facet=alt.Facet("caption:N", sort=alt.EncodingSortField(field="image", op="min"), header=header),
        columns=columns,
        data=alt.Data(name=DIGITS),
        description=_(
            "The first {count} test digits as 8×8 grey images, each captioned with every loss's answer "
            "after epoch {epoch} and whether it is right."
        ).format(count=count, epoch=epochs),
        title=alt.Title(
            _("The first {count} test digits and each loss's answer after epoch {epoch}").format(
                count=count, epoch=epochs
            ),
            subtitle=_("✓ right, ✗ wrong: the network has not seen these digits"),
            anchor="start",
        ),
    )
    return readable(chart).configure_header(labelFontSize=13, labelLineHeight=16)


_digits_spec = spec_cache(digits_chart)


def digits_spec(data: object, count: int, epochs: int) -> dict:
    """`digits_chart`'s Vega-Lite spec with its data (`digits_data`, as a frame or Arrow bytes)."""
    spec = json.loads(_digits_spec(count, epochs))
    spec["datasets"] = {DIGITS: data}
    return spec
