"""The Landscape tab's charts: per shown loss the cost C(w, b) over a window around the runs as a
heatmap, lighter where the neuron is saturated on some example, with the run's gradient-descent
path and the inspected epoch on it; under them every example's output over the epochs; and, on
request, the start plane: per loss the epochs gradient descent needs from every start (w₀, b₀).

Data: `surface_images` (dataset `surface_image`: per loss the heatmap as one image, a pixel per
grid point, and the range of its colour scale), `surface_data` (dataset `surface`: one row per loss
and every PICK_STRIDE-th grid point each way, the cells that show the numbers on hover and take a
click), `path_data` (dataset
`path`: one row per loss and epoch, at most MAX_POINTS epochs), `outputs_data` (dataset
`outputs`: one row per loss, epoch and example, at most OUTPUT_EPOCHS epochs) and `starts_data`
(dataset `starts`: one row per loss and start; the sidebar's start is dataset `start`). The
inspected epoch is the Vega-Lite parameter `cursor` (`controls.replay.cursor_params`), which a
replay moves in the browser. A click on a surface selects its grid point: the point selection PICK, fields w
and b, which the page loads as the start.

The losses' names in the data are as the page gives them (they only pick each panel's rows); the
charts show them, and every other word, in the current language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.charts.raster import heatmap_url
from lossdemo.charts.speed_map import STATUS
from lossdemo.charts.style import (
    HEATMAP_CELLS,
    PANEL_WIDTH,
    downsample,
    loss_scale,
    own_title,
    readable,
    spec_cache,
)
from lossdemo.engine.dataset import long_examples
from lossdemo.engine.landscape import DEFAULT_POINTS, SLOPE_FLOOR, Landscape, window
from lossdemo.language.messages import _

SURFACE, IMAGE, PATH, OUTPUTS, STARTS, START = (
    "surface",
    "surface_image",
    "path",
    "outputs",
    "starts",
    "start",
)
PICK = "start_pick"  # the surfaces' click selection
# The surfaces' window, [low, high] in w and in b: chart parameters, so that one spec serves every
# window the runs ask for (building it again with Altair for each new window was three quarters of
# a Landscape rerun).
WINDOW = ("window_w", "window_b")
# The cells that show a surface's numbers on hover and take a click: every other grid point each
# way (from the first, so a window's centre and edges are among them), a quarter of the elements a
# browser would lay out for every grid point; the surface itself is drawn as one image.
PICK_STRIDE = 2
SATURATED_OPACITY = 0.55  # the heatmap's pixels where some example is saturated: lighter
MIN_RADIUS = 4.0  # the smallest window: a short run still shows the surface around it
MARGIN = 1.2  # the window's half-width over the half-extent of the runs' paths
OUTPUT_EPOCHS = 500  # epochs per run in the outputs chart (20 examples each)
SIZE = PANEL_WIDTH  # a square panel: w and b on the same scale
PHONE_SIZE = 270  # a surface drawn alone: with its axis, at most a 360 px phone's column wide


def window_around(
    runs: Mapping[str, pd.DataFrame], points: int = DEFAULT_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """A square window (`points` values each way) holding every run's whole path in (w, b), centred
    on the paths' extent, at least MIN_RADIUS wide each way: one window for every loss, so their
    surfaces compare."""
    w = np.concatenate([run["w"].to_numpy() for run in runs.values()])
    b = np.concatenate([run["b"].to_numpy() for run in runs.values()])
    half = max(np.ptp(w), np.ptp(b)) / 2
    return window((w.min() + w.max()) / 2, (b.min() + b.max()) / 2, max(MIN_RADIUS, MARGIN * half), points)


def surface_data(surface: Landscape, names: Mapping[str, str]) -> pd.DataFrame:
    """`Landscape.frame()` at every PICK_STRIDE-th grid point along w and along b, each loss by its
    name: loss, w, b, cost, gradient_norm, saturated."""
    frame = surface.frame()
    picked = frame["w"].isin(surface.w[::PICK_STRIDE]) & frame["b"].isin(surface.b[::PICK_STRIDE])
    frame = frame[picked.to_numpy()].reset_index(drop=True)
    frame["loss"] = frame["loss"].map(names)
    return frame


def surface_images(surface: Landscape, names: Mapping[str, str]) -> pd.DataFrame:
    """Each loss's heatmap as one image (`raster.heatmap_url`): loss (by its name), url, and low and
    high, the range of its cost over the grid, which its colour scale spans. A pixel per grid point,
    the highest b at the top; lighter (SATURATED_OPACITY) where some example is saturated."""
    opacity = np.where(surface.saturated, SATURATED_OPACITY, 1.0)[::-1]
    rows = []
    for key, cost in surface.cost.items():
        low, high = float(cost.min()), float(cost.max())
        rows.append(
            {"loss": names[key], "url": heatmap_url(cost[::-1], low, high, opacity), "low": low, "high": high}
        )
    return pd.DataFrame(rows)


def path_data(runs: Mapping[str, pd.DataFrame], names: Mapping[str, str]) -> pd.DataFrame:
    """Each run's path: loss, epoch, w, b, cost and mean error, at most MAX_POINTS epochs a run."""
    columns = ["epoch", "w", "b", "cost", "error"]
    frames = [downsample(run)[columns].assign(loss=names[key]) for key, run in runs.items()]
    return pd.concat(frames, ignore_index=True)


def outputs_data(runs: Mapping[str, pd.DataFrame], names: Mapping[str, str], x, y) -> pd.DataFrame:
    """Every example's output over the epochs: loss, epoch, example (from 1, as the editor counts),
    its x and target y, its output a and its slope σ′(z); at most OUTPUT_EPOCHS epochs a run."""
    frames = []
    for key, run in runs.items():
        long = long_examples(downsample(run, OUTPUT_EPOCHS), keep=())
        frames.append(
            pd.DataFrame(
                {
                    "loss": names[key],
                    "epoch": long["epoch"],
                    "example": long["example"] + 1,
                    "x": np.asarray(x, dtype=float)[long["example"]],
                    "target": np.asarray(y, dtype=float)[long["example"]],
                    "a": long["a"],
                    "sigma_prime": long["sigma_prime"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def starts_data(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """A start plane (`engine.start_sweep.sweep_starts`) as the chart draws it: loss (by its name),
    w0, b0, error0, epochs, learned, and shade, the epochs on a log colour scale that starts at 1
    (0: a start already within its goal)."""
    cells = frame[["loss", "w0", "b0", "error0", "epochs", "learned"]].copy()
    cells["loss"] = cells["loss"].map(names)
    cells["shade"] = np.maximum(cells["epochs"], 1)
    return cells


def _inspected(data: str, name: str) -> alt.Chart:
    """The last row of a loss's path (or outputs) at or before the inspected epoch."""
    return (
        alt.Chart(alt.Data(name=data))
        .transform_filter(f"datum.loss === {json.dumps(name)} && datum.epoch <= cursor")
        .transform_joinaggregate(shown="max(epoch)")
        .transform_filter(alt.datum.epoch == alt.datum.shown)
    )


def _js(text: str) -> str:
    """`text` as a single-quoted string literal of a Vega expression."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _surface_view(i: int) -> str:
    """The name of panel i's heatmap view: the click selection listens on these views."""
    return f"surface_{i}"


def _cost_range(i: int) -> str:
    """The name of the parameter that holds panel i's colour scale's [low, high] (its image's)."""
    return f"cost_range_{i}"


def _surface_panel(i: int, name: str, colour: str, points: tuple[int, int], alone: bool):
    """One loss's surface, SIZE square in the grid; drawn `alone`, PHONE_SIZE square with its colour
    legend under it, so that it fits a phone's column at its own size (w and b on one scale). The
    window is `points` = (along w, along b) grid cells, its extent the parameters WINDOW: the image
    (a pixel per grid point) spans it, so each pixel is centred on its grid point; over it, every
    PICK_STRIDE-th grid point's cell, invisible and PICK_STRIDE grid cells wide and high, shows
    that point's numbers on hover and takes a click."""
    size = PHONE_SIZE if alone else SIZE
    domain_w, domain_b = (alt.ExprRef(expr=param) for param in WINDOW)
    scale_w, scale_b = (alt.Scale(domain=domain, nice=False, zero=False) for domain in (domain_w, domain_b))
    x = alt.X("w:Q", title="w", scale=scale_w, axis=alt.Axis(grid=False))
    y = alt.Y("b:Q", title="b", scale=scale_b, axis=alt.Axis(grid=False))
    low_w, high_w, low_b, high_b = (alt.ExprRef(expr=f"{param}[{end}]") for param in WINDOW for end in (0, 1))
    image = (
        alt.Chart(alt.Data(name=IMAGE))
        .transform_filter(alt.datum.loss == name)
        .mark_image(aspect=False, smooth=False, aria=False)
        .encode(
            x=alt.X(datum=low_w, type="quantitative", scale=scale_w),
            x2=alt.X2(datum=high_w),
            y=alt.Y(datum=low_b, type="quantitative", scale=scale_b),
            y2=alt.Y2(datum=high_b),
            url="url:N",
        )
    )
    saturated, unsaturated = _("σ′ < 0.05 for some example"), _("no example saturated")
    cell = PICK_STRIDE * size
    heat = (
        alt.Chart(alt.Data(name=SURFACE), name=_surface_view(i))
        .transform_filter(alt.datum.loss == name)
        .transform_calculate(where=f"datum.saturated ? {_js(saturated)} : {_js(unsaturated)}")
        .mark_rect(
            cursor="pointer",
            width=cell / points[0],
            height=cell / points[1],
            fillOpacity=0,
            clip=True,
            **HEATMAP_CELLS,
        )
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "cost:Q",
                scale=alt.Scale(scheme="viridis", domain=alt.ExprRef(expr=_cost_range(i))),
                legend=alt.Legend(
                    title=_("cost C"),
                    orient="bottom" if alone else "right",
                    gradientLength=size - 40,
                ),
            ),
            tooltip=[
                alt.Tooltip("w:Q", format=".3g"),
                alt.Tooltip("b:Q", format=".3g"),
                alt.Tooltip("cost:Q", title=_("cost C"), format=".4g"),
                alt.Tooltip("gradient_norm:Q", title="|∇C|", format=".3g"),
                alt.Tooltip("where:N", title=_("saturation")),
            ],
        )
    )
    tips = [
        alt.Tooltip("epoch:Q", **own_title("epoch", _("epoch"))),
        alt.Tooltip("w:Q", format=".4g"),
        alt.Tooltip("b:Q", format=".4g"),
        alt.Tooltip("cost:Q", title=_("cost C"), format=".4g"),
        alt.Tooltip("error:Q", title=_("mean error"), format=".3g"),
    ]
    path = alt.Chart(alt.Data(name=PATH)).transform_filter(alt.datum.loss == name)
    line = alt.X("w:Q", scale=alt.Scale(domain=domain_w)), alt.Y("b:Q", scale=alt.Scale(domain=domain_b))
    halo = path.mark_line(color="white", strokeWidth=6, clip=True).encode(*line, order="epoch:Q")
    trail = path.mark_line(color=colour, strokeWidth=3, clip=True).encode(
        *line, order="epoch:Q", tooltip=tips
    )
    start = (
        path.transform_filter(alt.datum.epoch == 0)
        .mark_point(shape="square", size=140, filled=True, color=colour, stroke="white", strokeWidth=2)
        .encode(*line, tooltip=tips)
    )
    here = (
        _inspected(PATH, name)
        .mark_point(size=260, filled=True, fill="white", stroke="#000000", strokeWidth=3)
        .encode(*line, tooltip=tips)
    )
    return alt.layer(image, heat, halo, trail, start, here).properties(
        width=size,
        height=size,
        title=alt.Title(
            _("{loss}: cost C(w, b)").format(loss=_(name)),
            subtitle=[_("lighter: σ′ < 0.05 for some example"), _("□ start, ○ inspected epoch")],
            anchor="start",
        ),
    )


def landscape_chart(
    neuron: str,
    losses: tuple[str, ...],
    names: tuple[str, ...],
    points: tuple[int, int],
    panel: int | None = None,
) -> alt.TopLevelMixin:
    """One panel per loss (`losses` the registry keys shown, `names` their names): the heatmap of
    C(w, b) over the window (`points` grid cells along w and b; its extent in w and in b the
    parameters WINDOW, which `landscape_spec` sets), the run's path, its start and the inspected
    epoch. Each loss's colour scale is its own: costs differ in scale. Given
    `panel` (a loss's index), that panel alone, its colour legend under it, narrow enough for a phone.

    A click on a heatmap selects that grid point's (w, b) as PICK. The selection is declared once at
    the top with the heatmaps' views: adding one selection to each panel makes Altair merge the
    copies with a warning."""
    colour = loss_scale(neuron, losses)[0]
    shown = range(len(names)) if panel is None else [panel]
    panels = [_surface_panel(i, names[i], colour.range[i], points, alone=panel is not None) for i in shown]
    pick = alt.TopLevelSelectionParameter(
        name=PICK,
        select=alt.PointSelectionConfig(type="point", fields=["w", "b"], on="click", clear=False),
        views=[_surface_view(i) for i in shown],
    )
    if panel is not None:  # its plot PHONE_SIZE square, the titles, axes and legend around it
        return readable(panels[0].properties(params=[pick], autosize=alt.AutoSizeParams(type="pad")))
    chart = alt.hconcat(*panels).properties(params=[pick]).resolve_scale(color="independent")
    return readable(chart)


EXAMPLE_FIELDS = ("a", "sigma_prime")  # the outputs chart's two rows: each example's output and σ′(z)
EXAMPLE_HEIGHTS = {"a": 190, "sigma_prime": 150}  # their plots' heights


def _example_panel(
    neuron: str, losses: tuple[str, ...], names: tuple[str, ...], i: int, field: str
) -> alt.LayerChart:
    """One loss's panel of one of EXAMPLE_FIELDS: a line per example over the epochs, in the loss's
    colour and dash, with the targets as ticks at the right edge (outputs) or the saturation line
    σ′ = SLOPE_FLOOR (slopes), and the inspected epoch as a rule."""
    colour, dash = loss_scale(neuron, losses)
    name = names[i]
    data = alt.Chart(alt.Data(name=OUTPUTS)).transform_filter(alt.datum.loss == name)
    example = alt.Tooltip("example:O", **own_title("example", _("example")))
    tips = [
        example,
        alt.Tooltip("x:Q"),
        alt.Tooltip("target:Q", title=_("target y")),
        alt.Tooltip("epoch:Q", **own_title("epoch", _("epoch"))),
        alt.Tooltip("a:Q", title=_("output a"), format=".4g"),
        alt.Tooltip("sigma_prime:Q", title="σ′(z)", format=".4g"),
    ]
    output = field == "a"
    lines = data.mark_line(color=colour.range[i], strokeDash=dash.range[i], strokeWidth=2).encode(
        x=alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(nice=False)),
        y=alt.Y(
            f"{field}:Q",
            title=_("output a of each example") if output else _("σ′(z) of each example"),
            scale=alt.Scale(domain=[0, 1] if output else [0, 0.25]),
        ),
        detail="example:N",
        tooltip=tips,
    )
    if output:
        marks = (
            data.transform_aggregate(target="min(target)", last="max(epoch)", groupby=["example"])
            .mark_tick(color="#000000", thickness=2, size=14)
            .encode(
                x="last:Q",
                y="target:Q",
                tooltip=[example, alt.Tooltip("target:Q", **own_title("target", _("target")))],
            )
        )
        title = alt.Title(
            _("{loss}: each example's output").format(loss=_(name)),
            subtitle=_("ticks: the targets"),
            anchor="start",
        )
    else:
        marks = (
            alt.Chart(alt.Data(values=[{"floor": SLOPE_FLOOR}]))
            .mark_rule(color="#000000", strokeDash=[6, 3], strokeWidth=1)
            .encode(y="floor:Q", tooltip=[alt.Tooltip("floor:Q", title=_("saturated below"))])
        )
        title = alt.Title(
            _("{loss}: each example's σ′(z)").format(loss=_(name)),
            subtitle=_("dashes: σ′ = {floor}; below it the example is saturated").format(
                floor=f"{SLOPE_FLOOR:g}"
            ),
            anchor="start",
        )
    cursor = (
        alt.Chart(alt.Data(values=[{}]))
        .transform_calculate(at="cursor")
        .mark_rule(color="#222222", strokeDash=[2, 2], strokeWidth=2)
        .encode(x="at:Q", tooltip=[alt.Tooltip("at:Q", title=_("inspected epoch"))])
    )
    return alt.layer(lines, marks, cursor).properties(title=title)


def outputs_chart(
    neuron: str, losses: tuple[str, ...], names: tuple[str, ...], panel: tuple[int, str] | None = None
) -> alt.TopLevelMixin:
    """Every example's output a_i (first row) and σ′(z_i) (second row) over the epochs, one panel per
    loss (`_example_panel`); or, given `panel` = (loss index, field), that panel alone at the width of
    its container, as the page draws it."""
    if panel is not None:  # the container's height is the whole chart's: plot, titles and axis
        one = _example_panel(neuron, losses, names, *panel)
        return readable(one.properties(width="container", height=EXAMPLE_HEIGHTS[panel[1]] + 90))
    rows = [
        alt.hconcat(
            *(
                _example_panel(neuron, losses, names, i, field).properties(
                    width=SIZE, height=EXAMPLE_HEIGHTS[field]
                )
                for i in range(len(names))
            )
        )
        for field in EXAMPLE_FIELDS
    ]
    return readable(alt.vconcat(*rows))


def starts_chart(
    neuron: str,
    losses: tuple[str, ...],
    names: tuple[str, ...],
    cap: int,
    points: tuple[int, int],
) -> alt.TopLevelMixin:
    """One heatmap per loss of the epochs gradient descent needs from each start (w₀, b₀) until the
    mean error is half its start value, as the learning-speed map draws epochs (viridis on a log
    scale, one legend for all panels; grey: not within `cap`), over the surfaces' window (`points`
    = (along w, along b) starts, each drawn centred on its start; the window's extent the parameters
    WINDOW), with the sidebar's start as a square."""
    colour = loss_scale(neuron, losses)[0]
    missed_label = _("not within {cap} epochs").format(cap=f"{cap:,}")
    domain_w, domain_b = (alt.ExprRef(expr=param) for param in WINDOW)
    x = alt.X("w0:Q", title=_("start w₀"), scale=alt.Scale(domain=domain_w, nice=False, zero=False))
    y = alt.Y("b0:Q", title=_("start b₀"), scale=alt.Scale(domain=domain_b, nice=False, zero=False))
    tips = [
        alt.Tooltip("w0:Q", title="w₀", format=".3g"),
        alt.Tooltip("b0:Q", title="b₀", format=".3g"),
        alt.Tooltip("error0:Q", title=_("starting mean error"), format=".3g"),
        alt.Tooltip("epochs:Q", title=_("epochs (>{cap}: not within the cap)").format(cap=f"{cap:,}")),
    ]
    panels = []
    for i, name in enumerate(names):
        cells_of = (
            alt.Chart(alt.Data(name=STARTS))
            .transform_filter(alt.datum.loss == name)
            .transform_calculate(
                status=f"datum.learned ? 'learned' : {json.dumps(missed_label, ensure_ascii=False)}"
            )
            .mark_rect(clip=True, width=SIZE / points[0], height=SIZE / points[1], **HEATMAP_CELLS)
            .encode(x=x, y=y, tooltip=tips)
        )
        learned = cells_of.transform_filter(alt.datum.learned).encode(
            fill=alt.Fill(
                "shade:Q",
                title=_("epochs to half the starting error"),
                scale=alt.Scale(type="log", scheme="viridis", domain=[1, cap], reverse=True),
                legend=alt.Legend(
                    orient="bottom", direction="horizontal", gradientLength=SIZE, titleLimit=SIZE
                ),
            )
        )
        missed = cells_of.transform_filter(~alt.datum.learned).encode(
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(domain=[missed_label], range=[STATUS["did not learn"]]),
                legend=alt.Legend(orient="bottom"),
            )
        )
        start = (
            alt.Chart(alt.Data(name=START))
            .mark_point(
                shape="square", size=140, filled=True, color=colour.range[i], stroke="white", strokeWidth=2
            )
            .encode(
                x=alt.X("w:Q", scale=alt.Scale(domain=domain_w)),
                y=alt.Y("b:Q", scale=alt.Scale(domain=domain_b)),
                tooltip=[
                    alt.Tooltip("w:Q", title=_("sidebar's w")),
                    alt.Tooltip("b:Q", title=_("sidebar's b")),
                ],
            )
        )
        panels.append(
            alt.layer(learned, missed, start).properties(
                width=SIZE,
                height=SIZE,
                title=alt.Title(
                    _("{loss}: epochs from each start").format(loss=_(name)),
                    subtitle=[_("grey: {label}").format(label=missed_label), _("□ the sidebar's start")],
                    anchor="start",
                ),
            )
        )
    return readable(alt.hconcat(*panels).resolve_scale(fill="shared", color="shared"))


def window_params(w_axis: np.ndarray, b_axis: np.ndarray) -> list[dict]:
    """The parameters WINDOW of an evenly spaced grid `w_axis` × `b_axis` drawn as cells centred on
    its points: each axis from half a cell before its first point to half a cell after its last."""
    return [
        {"name": name, "value": [float(axis[0] - half), float(axis[-1] + half)]}
        for name, axis in zip(WINDOW, (w_axis, b_axis))
        for half in [(axis[1] - axis[0]) / 2]
    ]


_landscape_spec = spec_cache(landscape_chart)
_outputs_spec = spec_cache(outputs_chart)
_starts_spec = spec_cache(starts_chart)


def landscape_spec(
    data: Mapping[str, object],
    neuron: str,
    losses: tuple[str, ...],
    names: tuple[str, ...],
    w_axis: np.ndarray,
    b_axis: np.ndarray,
    cursor: list[dict],
    description: str,
    panel: int | None = None,
) -> dict:
    """`landscape_chart`'s spec (every panel, or one `panel`) for the grid `w_axis` × `b_axis`, with
    its datasets (`surface` and `path`, frames or Arrow bytes, and `surface_image`, the frame of
    `surface_images`: a panel's may hold its loss's rows only), the epoch cursor and the accessible
    `description`. Each panel's colour scale spans its image's range (parameter `cost_range_<i>`)."""
    spec = json.loads(_landscape_spec(neuron, losses, names, (w_axis.size, b_axis.size), panel))
    extents = data[IMAGE].set_index("loss")
    ranges = [
        {"name": _cost_range(i), "value": [float(extents.at[names[i], end]) for end in ("low", "high")]}
        for i in (range(len(names)) if panel is None else [panel])
    ]
    spec["description"] = description
    spec["params"] = spec.get("params", []) + cursor + window_params(w_axis, b_axis) + ranges
    spec["datasets"] = {IMAGE: data[IMAGE], SURFACE: data[SURFACE], PATH: data[PATH]}
    return spec


def outputs_spec(
    data: object,
    neuron: str,
    losses: tuple[str, ...],
    names: tuple[str, ...],
    cursor: list[dict],
    description: str,
    panel: tuple[int, str] | None = None,
) -> dict:
    """`outputs_chart`'s spec (the whole grid, or one `panel`) with its dataset (`outputs_data`, or
    the panel's loss's rows of it), the epoch cursor and `description`."""
    spec = json.loads(_outputs_spec(neuron, losses, names, panel))
    spec["description"] = description
    spec["params"] = spec.get("params", []) + cursor
    spec["datasets"] = {OUTPUTS: data}
    return spec


def starts_spec(
    cells: object,
    neuron: str,
    losses: tuple[str, ...],
    names: tuple[str, ...],
    cap: int,
    w0: np.ndarray,
    b0: np.ndarray,
    start: tuple[float, float],
    description: str,
) -> dict:
    """`starts_chart`'s spec for the starts `w0` × `b0`, with its datasets (`starts_data`, a frame
    or Arrow bytes, and the sidebar's `start` (w, b)) and the accessible `description`."""
    spec = json.loads(_starts_spec(neuron, losses, names, cap, (w0.size, b0.size)))
    spec["description"] = description
    spec["params"] = window_params(w0, b0)
    spec["datasets"] = {STARTS: cells, START: pd.DataFrame({"w": [start[0]], "b": [start[1]]})}
    return spec
