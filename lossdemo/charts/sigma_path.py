"""The σ chart of the close-up: σ(z) and σ′(z) with each loss's path over the epochs drawn on the
curve (for softmax, a_y = σ(ℓ) against the target's lead ℓ), one panel per run (a loss, or a
series). The chart is built once per neuron and runs, the data attached per scenario and epoch."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.charts.epochs import PANEL_HEIGHT, PANEL_WIDTH, downsample, readable, run_names, spec_cache
from lossdemo.charts.style import own_title
from lossdemo.engine.activations import sigmoid
from lossdemo.engine.neurons import get_kind
from lossdemo.language import words
from lossdemo.language.messages import N_, _

PATH_POINTS = 400
MARKERS = (N_("start"), N_("inspected epoch"))  # the marks' names, as the legend shows them


def sigma_path_chart(neuron: str, names: tuple[str, ...]) -> alt.ConcatChart:
    """σ(z) and σ′(z) with each run's path of (z, a) over the epochs drawn on the curve, one panel
    per run (`names`: as the charts name the runs); for softmax, a_y against the target's lead
    ℓ = z_y − ln Σ_{j≠y} e^{z_j}, for which a_y = σ(ℓ) exactly at every K, so the path lies on the
    same curve.
    Data: named datasets `curve` (z, value, curve), `path` (loss, epoch, z, a) and `marks` (the
    same columns and `marker`: the start and the inspected epoch)."""
    kind = get_kind(neuron)
    x_title, y_title = (_(title) for title in words.KINDS[kind.key].curve_titles)
    markers = [_(marker) for marker in MARKERS]
    x = alt.X("z:Q", title=x_title)
    curves = (
        alt.Chart(alt.Data(name="curve"))
        .mark_line(color="#888888")
        .encode(
            x=x,
            y=alt.Y("value:Q", title=y_title),
            strokeDash=alt.StrokeDash(
                "curve:N",
                scale=alt.Scale(domain=list(kind.curve_names), range=[[1, 0], [4, 3]]),
                legend=alt.Legend(title=None, orient="top"),
            ),
        )
    )
    panels = []
    for name in names:
        path = alt.Chart(alt.Data(name="path"), title=name).transform_filter(alt.datum.loss == name)
        trail = path.mark_circle(size=36, opacity=0.85).encode(
            x=x,
            y="a:Q",
            color=alt.Color(
                "epoch:Q", scale=alt.Scale(scheme="viridis"), legend=alt.Legend(title=_("epoch"))
            ),
            tooltip=[
                alt.Tooltip("epoch:Q", **own_title("epoch", _("epoch"))),
                alt.Tooltip("z:Q", format=".4g"),
                alt.Tooltip("a:Q", title=y_title, format=".4g"),
            ],
        )
        marks = (
            alt.Chart(alt.Data(name="marks"))
            .transform_filter(alt.datum.loss == name)
            .mark_point(size=260, strokeWidth=3, filled=False)
            .encode(
                x=x,
                y="a:Q",
                shape=alt.Shape(
                    "marker:N",
                    scale=alt.Scale(domain=markers, range=["circle", "diamond"]),
                    legend=alt.Legend(title=None, orient="top"),
                ),
                color=alt.value("#222222"),
            )
        )
        panels.append(alt.layer(curves, trail, marks).properties(width=PANEL_WIDTH, height=PANEL_HEIGHT + 40))
    description = _(
        "{curve} and {slope} against {x}, one panel per loss ({losses}), with the loss's path over the "
        "epochs drawn on the curve, coloured by epoch; a circle marks the start, a diamond the inspected "
        "epoch."
    ).format(curve=kind.curve_names[0], slope=kind.curve_names[1], x=x_title, losses=_(", ").join(names))
    # Two panels a row: four losses side by side would be wider than a laptop's page.
    figure = alt.concat(*panels, columns=2, description=description)
    return readable(figure.resolve_scale(color="shared"))


_cached_path_spec = spec_cache(sigma_path_chart)


def sigma_path_data(runs: pd.DataFrame, neuron: str) -> dict[str, pd.DataFrame]:
    """The σ chart's curves over a z range covering the run, and each run's downsampled path.
    Computed once per scenario; `sigma_path_spec` adds the start and the inspected epoch."""
    z_col, a_col = get_kind(neuron).curve
    low = min(-8.0, float(runs[z_col].min()) - 0.5)
    high = max(8.0, float(runs[z_col].max()) + 0.5)
    z = np.linspace(low, high, 400)
    a, slope = sigmoid(z)
    curve = pd.DataFrame({"z": np.concatenate([z, z]), "value": np.concatenate([a, slope])})
    curve["curve"] = np.repeat(get_kind(neuron).curve_names, len(z))
    shown = downsample(runs, PATH_POINTS)
    path = pd.DataFrame(
        {
            "loss": run_names(shown, neuron),
            "epoch": shown["epoch"],
            "z": shown[z_col],
            "a": shown[a_col],
        }
    )
    return {"curve": curve, "path": path}


def sigma_path_spec(
    data: dict,
    neuron: str,
    start: dict[str, pd.Series],
    inspected: dict[str, pd.Series],
    names: dict[str, str],
) -> dict:
    """The spec of `sigma_path_chart` with its data (`sigma_path_data`, as frames or Arrow bytes)
    and marks at each run's first row (`start`) and its row at the inspected epoch; `names` gives
    each run's name in the charts by its key in those rows (`scenario.rows_at`)."""
    z_col, a_col = get_kind(neuron).curve
    first, now = (_(marker) for marker in MARKERS)  # as the chart's legend names them
    marked = [(loss, row, first) for loss, row in start.items()]
    marked += [(loss, row, now) for loss, row in inspected.items()]
    marks = pd.DataFrame(
        {
            "loss": [names[key] for key, _row, _marker in marked],
            "epoch": [int(row["epoch"]) for _key, row, _marker in marked],
            "z": [float(row[z_col]) for _key, row, _marker in marked],
            "a": [float(row[a_col]) for _key, row, _marker in marked],
            "marker": [marker for _key, _row, marker in marked],
        }
    )
    spec = json.loads(_cached_path_spec(neuron, tuple(names[key] for key in inspected)))
    spec["datasets"] = {**data, "marks": marks}
    return spec
