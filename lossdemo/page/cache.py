"""Caching at the page boundary: a scenario's runs and everything the page shows of them, the
learning-speed map and the Landscape tab's runs and surfaces, computed once and shared by every
session (st.cache_resource: the frames are only read, so sessions share one copy instead of each
receiving its own); the Landscape tab's start plane and the charts rendered as files for slides
(st.cache_data: small results, each session receives its own copy)."""

from __future__ import annotations

import threading
from dataclasses import astuple, dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from lossdemo.charts import figures
from lossdemo.charts.data_curves import CURVE_PANELS, curves_data
from lossdemo.charts.epochs import epoch_chart_data, epoch_chart_description, run_names
from lossdemo.charts.landscape import (
    outputs_data,
    path_data,
    starts_data,
    surface_data,
    surface_images,
    window_around,
)
from lossdemo.charts.loss_shape import loss_shape_data
from lossdemo.charts.optimizers import comparison_data
from lossdemo.charts.sigma_path import sigma_path_data
from lossdemo.charts.speed_map import axis_domain, display_cells
from lossdemo.charts.style import Style, series_styles
from lossdemo.controls.data_sets import DataRuns, Points
from lossdemo.controls.map_settings import map_sweep, start_axis
from lossdemo.controls.scenario import Scenario, rows_at, runs
from lossdemo.engine.landscape import landscape
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER
from lossdemo.engine.shape import coordinates, shape_frame
from lossdemo.engine.start_sweep import START_BOUND, sweep_starts
from lossdemo.engine.sweep import LossComparison, compare_losses, fastest_loss, joined
from lossdemo.language import words
from lossdemo.language.messages import _, current, speaking
from lossdemo.teaching.comparison import comparison_findings
from lossdemo.teaching.landscape import (
    end_sentence,
    flat_sentence,
    learning_sentences,
    saturated_sentence,
    start_sentence,
    starts_sentence,
)
from lossdemo.teaching.optimizers import versus
from lossdemo.teaching.summaries import LossSummary, findings, run_milestones, summarize

LONG_RUN_WORK = 20_000  # neuron-updates (a 1.8 MB frame, about 10 ms) from which a run counts as long
# The start plane: 41 × 41 starts, 1,000 epochs: 0.2-0.8 s per loss for 20 examples (docs/performance.md).
START_POINTS, START_CAP = 41, 1000


def arrow(frame: pd.DataFrame) -> bytes:
    """A chart dataset as Arrow IPC bytes, which st.vega_lite_chart sends without converting again."""
    return ipc(arrow_table(frame))


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A chart dataset as an Arrow table, its columns alone."""
    # One thread: pyarrow's default pool fights every session's script thread for the GIL.
    table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
    # Without pandas' description of the frame (a kilobyte): a chart reads the columns alone.
    return table.replace_schema_metadata(None)


def ipc(table: pa.Table) -> bytes:
    """An Arrow table (or a slice of one) as IPC stream bytes."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def frame(data: bytes | pd.DataFrame) -> pd.DataFrame:
    """A chart dataset as a DataFrame, whether it is one already or Arrow IPC bytes (`arrow`)."""
    return pa.ipc.open_stream(data).read_all().to_pandas() if isinstance(data, bytes) else data


def figure(spec: dict, form: str) -> str | bytes:
    """A chart's spec as the page draws it (datasets as frames or Arrow), rendered as a file: "svg"
    or "png" at the chart's size, or "slide", a PNG SLIDE_WIDTH pixels wide. The same chart asked
    again, by any session, is not rendered again."""
    datasets = {name: frame(data) for name, data in spec["datasets"].items()}
    return rendered(figures.spec_json(spec, datasets), form)


# Rendering takes seconds; files are a few hundred kB, so a few dozen are kept.
@st.cache_data(max_entries=48, ttl=1800, show_spinner=False)
def rendered(spec: str, form: str) -> str | bytes:
    if form == "svg":
        return figures.svg(spec)
    return figures.png(rendered(spec, "svg"), width=figures.SLIDE_WIDTH if form == "slide" else None)


@dataclass(frozen=True)
class Prepared:
    """A scenario's runs and everything the page shows of them that does not depend on the epoch."""

    frame: pd.DataFrame
    starts: dict[str, pd.Series]  # each run's first row
    chart: pd.DataFrame  # the epoch chart's data (the whole figure's, for slides: converted when asked)
    panels: tuple[bytes, ...]  # each panel's rows of it, as Arrow: what the page's four charts plot
    description: str  # the epoch chart in words
    story: list[str]  # the findings (and how the optimizer compares with gradient descent)
    summaries: list[LossSummary]
    comparison: bytes | None  # the optimizer comparison's data, as Arrow (None under gradient descent)
    names: dict[str, str]  # each run's name in the charts, by its key in `rows_at`
    series: tuple[Style, ...]  # each series' style, unless the runs are one per loss


def prepare(scenario: Scenario) -> Prepared:
    frame, neuron = runs(scenario), scenario.neuron
    starts = rows_at(frame, scenario, 0)
    names = dict(zip(starts, run_names(frame, neuron).categories))
    data = epoch_chart_data(frame, neuron)
    table = arrow_table(data)
    sizes = np.bincount(data["panel"].to_numpy())  # the long form's rows go panel by panel
    panels = tuple(ipc(table.slice(offset, size)) for offset, size in zip(np.cumsum(sizes) - sizes, sizes))
    description = epoch_chart_description(frame, neuron)
    found = run_milestones(frame, scenario)
    summaries = summarize(frame, scenario, found)
    if scenario.plain():
        story, series = findings(frame, neuron, scenario, found), ()
    else:
        story, series = comparison_findings(frame, scenario, found), series_styles(frame, neuron)
    comparison = None
    if scenario.optimizer != DEFAULT_OPTIMIZER:
        baseline = runs(replace(scenario, optimizer=DEFAULT_OPTIMIZER, widget_rule=False))  # the same runs
        story = story + versus(baseline, frame, scenario)
        comparison = arrow(comparison_data(baseline, frame, neuron, scenario.optimizer))
    return Prepared(frame, starts, data, panels, description, story, summaries, comparison, names, series)


@st.cache_resource
def one_at_a_time(size: str) -> threading.Lock:
    """One lock per size of run ("short", "long"): runs of a size are prepared one at a time. The
    sessions' threads share one interpreter lock, so preparing several at once finishes none of
    them sooner; one at a time, each finishes early, and the short ones never wait for a long one."""
    return threading.Lock()


# Keys are plain tuples (they hash fast) and the language the names and sentences are in: every
# cached result below that holds words is kept once per language.
@st.cache_resource(max_entries=16, ttl=1800, show_spinner=False)
def prepared_short(key: tuple, lang: str) -> Prepared:
    with one_at_a_time("short"), speaking(lang):
        return prepare(Scenario(*key))


# A 100,000-epoch softmax run is 29 MB: only two long runs are kept.
@st.cache_resource(max_entries=2, ttl=1800, show_spinner=False)
def prepared_long(key: tuple, lang: str) -> Prepared:
    with one_at_a_time("long"), speaking(lang):
        return prepare(Scenario(*key))


def prepared_for(scenario: Scenario) -> Prepared:
    """The scenario's runs and what the page shows of them, in the current language, from the
    cache for its size."""
    cached = prepared_long if scenario.work() >= LONG_RUN_WORK else prepared_short
    return cached(astuple(scenario), current())


@st.cache_resource(max_entries=16, ttl=1800, show_spinner=False)
def sigma_paths(key: tuple, lang: str) -> dict[str, bytes]:
    """The σ chart's curve and each run's path (Arrow) for a scenario given as a tuple, computed
    the first time its Up close tab opens (the Curves tab, where a page opens, does not need them)."""
    scenario = Scenario(*key)
    frame = prepared_for(scenario).frame
    with speaking(lang):
        return {name: arrow(data) for name, data in sigma_path_data(frame, scenario.neuron).items()}


@st.cache_resource(max_entries=16, ttl=1800, show_spinner=False)
def shape_curves(key: tuple, lang: str) -> bytes:
    """The loss-shape chart's curves (Arrow) for a scenario given as a tuple, computed the first
    time its tab opens: every shown loss over the output's whole range, reaching every run's z
    (or ℓ)."""
    scenario = Scenario(*key)
    kind = scenario.kind
    seen = prepared_for(scenario).frame[kind.curve[0]].to_numpy()
    losses = tuple(dict.fromkeys(series.loss for series in scenario.series()))  # the runs' losses
    frame = shape_frame(kind, losses, scenario.start(), coordinates(seen))
    with speaking(lang):
        return arrow(loss_shape_data(frame, scenario.neuron))


@dataclass(frozen=True)
class SpeedMap:
    """A sweep as the page shows it: the cells sent to the browser (Arrow), the horizontal extent
    of the start axis, and each loss's comparison with the fastest loss of the sweep."""

    cells: bytes
    domain: tuple[float, float]
    comparisons: list[LossComparison]


# Each loss's sweep is kept on its own, so adding a loss to the map computes only that loss's.
@st.cache_resource(max_entries=64, ttl=1800, show_spinner=False)
def loss_sweep(
    neuron: str, loss: str, start: tuple[tuple[str, object], ...], goal: str, cap: int, optimizer: str
) -> pd.DataFrame:
    return map_sweep(neuron, dict(start), goal, cap, [loss], optimizer)


# The callers show a spinner in the session's language while a new one is computed.
@st.cache_resource(max_entries=16, ttl=1800, show_spinner=False)
def speed_map(
    neuron: str,
    losses: tuple[str, ...],
    start: tuple[tuple[str, object], ...],
    goal: str,
    cap: int,
    optimizer: str,
    lang: str,
) -> SpeedMap:
    frame = joined([loss_sweep(neuron, loss, start, goal, cap, optimizer) for loss in losses])
    fast = fastest_loss(frame)
    slower = [loss for loss in frame["loss"].unique() if loss != fast]
    with speaking(lang):
        cells = arrow(display_cells(frame, neuron))
    return SpeedMap(
        cells=cells,
        domain=axis_domain(start_axis(neuron)),
        comparisons=[compare_losses(frame, slow, fast) for slow in slower],
    )


@dataclass(frozen=True)
class LandscapeView:
    """What the Landscape tab shows for a data set and a scenario's training settings: the charts'
    datasets (Arrow), the window's axes and the sentences, from one run per loss."""

    surface: bytes
    path: bytes
    surface_by_loss: tuple[bytes, ...]  # the rows of `surface` of each loss, in the order of the losses
    images: pd.DataFrame  # `surface_images`: each loss's heatmap as one image (a frame: two small rows)
    path_by_loss: tuple[bytes, ...]  # likewise of `path`
    outputs: bytes
    outputs_by_loss: tuple[bytes, ...]  # the rows of `outputs` of each loss, in the order of the losses
    curves: bytes  # `curves_data`: each run's mean cost and gradient over the epochs
    curves_by_panel: tuple[bytes, ...]  # its rows of each of its panels (mean cost, gradient)
    w_axis: np.ndarray
    b_axis: np.ndarray
    sentences: list[str]
    learning: list[str]  # how each run's mean cost and error went over the epochs
    params: dict[str, np.ndarray]  # each loss's (w, b) after 0 … epochs updates, shape (epochs + 1, 2)


@st.cache_resource(max_entries=16, ttl=1800, show_spinner=False)
def landscape_view(data_runs: DataRuns, lang: str) -> LandscapeView:
    """The data set's runs (one per loss) and the cost surfaces over a window around them. Only the
    charts' rows and each run's (w, b) are kept, never the runs' every column: an example's numbers
    at an epoch follow from (w, b)."""
    with one_at_a_time("landscape"), speaking(lang):
        points, losses = data_runs.points, data_runs.losses
        x, y = [p[0] for p in points], [p[1] for p in points]
        runs = data_runs.simulate()
        names = {key: _(words.loss_words("sigmoid", key).name) for key in losses}
        w_axis, b_axis = window_around(runs)
        surface = landscape(losses, x, y, w_axis, b_axis)
        first = next(iter(runs.values())).iloc[0]
        outputs = outputs_data(runs, names, x, y)
        surfaces, paths = surface_data(surface, names), path_data(runs, names)
        curves = curves_data(runs)
        return LandscapeView(
            surface=arrow(surfaces),
            path=arrow(paths),
            surface_by_loss=tuple(arrow(surfaces[surfaces["loss"] == names[loss]]) for loss in losses),
            images=surface_images(surface, names),
            path_by_loss=tuple(arrow(paths[paths["loss"] == names[loss]]) for loss in losses),
            outputs=arrow(outputs),
            outputs_by_loss=tuple(arrow(outputs[outputs["loss"] == names[loss]]) for loss in losses),
            curves=arrow(curves),
            curves_by_panel=tuple(arrow(curves[curves["panel"] == i]) for i in range(len(CURVE_PANELS))),
            w_axis=w_axis,
            b_axis=b_axis,
            sentences=[
                flat_sentence(surface, names),
                f"{saturated_sentence(surface)} {start_sentence(first, surface.slope_floor)}",
                end_sentence(runs, names),
            ],
            learning=learning_sentences(runs, names),
            params={loss: run[["w", "b"]].to_numpy() for loss, run in runs.items()},
        )


@dataclass(frozen=True)
class StartPlane:
    """The Landscape tab's start plane: its starts' axes, the cells for the chart (Arrow) and the
    sentence computed from them."""

    w0: np.ndarray
    b0: np.ndarray
    cells: bytes
    sentence: str


def plane_axis(window: tuple[float, float]) -> np.ndarray:
    """START_POINTS starts over a window's extent, cut to the starts the sweep takes (|w₀|, |b₀| ≤
    START_BOUND; an optimizer's long run can stretch the window far beyond). The window always
    holds the sidebar's start, within ±10, so what remains is never empty."""
    low, high = max(window[0], -START_BOUND), min(window[1], START_BOUND)
    return np.linspace(low, high, START_POINTS)


@st.cache_data(max_entries=16, ttl=1800, show_spinner=False)
def start_plane(
    points: Points,
    losses: tuple[str, ...],
    etas: tuple[float, ...],
    w_window: tuple[float, float],
    b_window: tuple[float, float],
    lang: str,
) -> StartPlane:
    """Epochs to half the starting mean error from each of START_POINTS × START_POINTS starts over
    the window (`w_window` × `b_window`, the surfaces'), per loss at its η (`etas`), under gradient
    descent, at most START_CAP epochs. Shared between sessions: a class asking for the same data
    set runs it once."""
    with one_at_a_time("start plane"), speaking(lang):
        x, y = [p[0] for p in points], [p[1] for p in points]
        w0, b0 = plane_axis(w_window), plane_axis(b_window)
        frame = pd.concat(
            [sweep_starts(loss, x, y, w0, b0, eta, cap=START_CAP) for loss, eta in zip(losses, etas)],
            ignore_index=True,
        )
        names = {key: _(words.loss_words("sigmoid", key).name) for key in losses}
        return StartPlane(w0, b0, arrow(starts_data(frame, names)), starts_sentence(frame, names, START_CAP))
