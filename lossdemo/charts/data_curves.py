"""The Landscape tab's data set over the epochs: each loss's mean cost and the size of its
gradient, drawn as the epoch chart draws a panel (`epochs.panel_chart`), one line per loss, with
the inspected epoch as a rule.

Data: `curves_data` (dataset `curves`, in the shape of `epochs.long_form` over these panels, at
most MAX_POINTS epochs a run); the inspected epoch is the Vega-Lite parameter `cursor`
(`controls.replay.cursor_params`), which a replay moves in the browser.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lossdemo.charts.epochs import Panel, long_form, panel_chart
from lossdemo.charts.style import downsample, spec_cache
from lossdemo.engine.losses import LOSSES
from lossdemo.language.messages import DEFAULT, _, speaking

CURVES = "curves"


def _curve_panels() -> tuple[Panel, ...]:
    """The data set's mean cost and its gradient's two components, their words in the current language."""
    return (
        Panel(
            _("Mean cost"),
            "C = (1/n) Σ Cᵢ",
            (("cost", "C"),),
            _("the mean of the examples' costs"),
            log_able=True,
        ),
        Panel(
            _("Gradient size"),
            _("|gradient|"),
            (("grad_w", "|∂C/∂w|"), ("grad_b", "|∂C/∂b|")),
            [_("thick |∂C/∂w|, thin |∂C/∂b|"), _("the means of δᵢ·xᵢ and of δᵢ")],
            log_able=True,
        ),
    )


with speaking(DEFAULT):  # the panels' structure (columns and labels); its words are English
    CURVE_PANELS = _curve_panels()


def curves_data(runs: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """What the panels plot from each loss's run on the data set (by loss key, in the order shown):
    `epochs.long_form` of the runs' epoch, mean cost and gradient, at most MAX_POINTS epochs a run."""
    parts = [downsample(run)[["epoch", "cost", "grad_w", "grad_b"]] for run in runs.values()]
    stacked = pd.concat(parts, ignore_index=True)
    keys = list(runs)
    codes = np.repeat(np.arange(len(keys)), [len(part) for part in parts])
    stacked.insert(0, "loss", pd.Categorical.from_codes(codes, categories=keys))
    return long_form(stacked, "sigmoid", CURVE_PANELS)


def curves_chart(
    neuron: str, losses: tuple[str, ...], index: int | None, log_scale: bool, drawn: tuple[str, ...] = ()
):
    """Panel `index` of the data set's curves alone, at the width of its container; or with `index`
    None both in a row, with a legend of the `drawn` losses (the figure for slides)."""
    return panel_chart(neuron, losses, _curve_panels(), index, log_scale, CURVES, drawn)


_curves_spec = spec_cache(curves_chart)


def curves_spec(
    data: object,
    neuron: str,
    index: int | None,
    log_scale: bool,
    cursor: list[dict],
    description: str,
    drawn: tuple[str, ...] = (),
) -> dict:
    """`curves_chart`'s spec for panel `index` (or both), with its dataset (`curves_data` or the
    panel's rows of it, a frame or Arrow bytes), the epoch cursor and the accessible `description`
    (led by the panel's title); `drawn`: the losses the figure's legend lists."""
    spec = json.loads(_curves_spec(neuron, tuple(LOSSES[neuron]), index, log_scale, drawn))
    if index is not None:
        description = _("{title}. {description}").format(
            title=_curve_panels()[index].title, description=description
        )
    spec["description"] = description
    spec["params"] = spec.get("params", []) + cursor
    spec["datasets"] = {CURVES: data}
    return spec
