"""The epoch chart: cost, gradient size, the slope factor and the output over the epochs, one
line per loss (or per series: one loss from several starts, a step rule beside the gradient), in a
2×2 grid (or one panel at a time for presentation mode).

Data: the runs in the shape of `long_form` (dataset `runs`); the target output is the Vega-Lite
parameter `target` and the inspected epoch the parameter `cursor` (`controls.replay.cursor_params`).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from lossdemo.charts.style import (
    PANEL_HEIGHT,
    PANEL_WIDTH,
    Style,
    downsample,
    loss_scale,
    own_title,
    readable,
    series_scale,
    spec_cache,
)
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.neurons import KINDS, NeuronKind
from lossdemo.language import words
from lossdemo.language.messages import DEFAULT, _, speaking


@dataclass(frozen=True)
class Panel:
    title: str
    axis: str
    fields: tuple[tuple[str, str], ...]  # (column, series label); a second one is drawn thinner
    subtitle: str | list[str]  # a list is drawn as lines, so a narrow panel keeps its width
    log_able: bool = False


def _panels(kind: NeuronKind) -> tuple[Panel, ...]:
    """Cost, gradient, slope and output over the epochs, in the kind's columns and symbols, their
    words in the current language."""
    (gradient, symbol), (second, second_symbol) = kind.gradient, kind.second_gradient
    output = _(words.KINDS[kind.key].output_label)
    return (
        Panel(
            _("Cost still to lose"),
            "(C − C_min)/(C₀ − C_min)",
            (("cost_left", "(C − C_min)/(C₀ − C_min)"),),
            _("1 at the start, 0 at the loss's own minimum"),
            log_able=True,
        ),
        Panel(
            _("Gradient size"),
            _("|gradient|"),
            ((gradient, f"|{symbol}|"), (second, second_symbol)),
            [
                _("thick |{symbol}|, thin {second}{note}").format(
                    symbol=symbol,
                    second=second_symbol,
                    note=_(words.KINDS[kind.key].gradient_note)
                    if words.KINDS[kind.key].gradient_note
                    else "",
                ),
                _("the gradient, not yet times η"),
            ],
            log_able=True,
        ),
        Panel(
            kind.slope,
            kind.slope,
            (("sigma_prime", kind.slope),),
            _("the factor quadratic cost multiplies in"),
        ),
        Panel(
            output[0].upper() + output[1:],
            output,
            ((kind.output, kind.output),),
            _("green dashes: {target}").format(target=_(words.KINDS[kind.key].target_label)),
        ),
    )


def panels(neuron: str) -> tuple[Panel, ...]:
    """The epoch chart's panels for a neuron kind, their words in the current language."""
    return _panels(KINDS[neuron])


with speaking(DEFAULT):  # the panels' structure (columns, labels, scales); its words are English
    PANELS = {key: _panels(kind) for key, kind in KINDS.items()}


def run_names(runs: pd.DataFrame, neuron: str) -> pd.Categorical:
    """Each row's run as the charts name it: its series label, or its loss's name (in the current
    language, as `style.loss_scale` names it)."""
    if "series" in runs:
        return pd.Categorical(runs["series"])
    codes, keys = pd.factorize(runs["loss"])  # keys in the order of the runs, from the column's codes
    return pd.Categorical.from_codes(codes, categories=[words.loss_name(neuron, key) for key in keys])


def long_form(runs: pd.DataFrame, neuron: str, panel_set: tuple[Panel, ...] | None = None) -> pd.DataFrame:
    """One row per run (loss or series), epoch and plotted quantity of the panels (`panel_set`, by
    default the kind's), its value with its sign in the column `signed` (a panel that can take a
    log scale plots its magnitude, which the chart computes: the browser receives each number
    once), the run's name in the column `loss`. Built from numpy arrays and categoricals: it is
    recomputed for every new scenario, so it must be cheap."""
    loss = run_names(runs, neuron)
    names = list(loss.categories)
    panel_set = PANELS[neuron] if panel_set is None else panel_set
    labels = [label for panel in panel_set for _column, label in panel.fields]
    panels, series, signed = [], [], []
    for index, panel in enumerate(panel_set):
        for column, label in panel.fields:
            data = runs[column].to_numpy()
            panels.append(np.full(len(data), index))
            series.append(np.full(len(data), labels.index(label)))
            signed.append(data)
    repeats, epochs = len(panels), runs["epoch"].to_numpy()
    return pd.DataFrame(
        {
            "loss": pd.Categorical.from_codes(np.tile(loss.codes, repeats), categories=names),
            # The narrowest integers that hold them: the browser receives every row of this table.
            "epoch": np.tile(epochs.astype(np.int16 if epochs.max() < 2**15 else np.int32), repeats),
            "panel": np.concatenate(panels).astype(np.int8),
            "series": pd.Categorical.from_codes(np.concatenate(series), categories=labels),
            "signed": np.concatenate(signed),
        }
    )


DATASET = "runs"


def _hover() -> alt.Parameter:
    return alt.selection_point(
        name="hover", fields=["epoch"], nearest=True, on="pointerover", clear="pointerout", empty=False
    )


def _panel(
    neuron: str,
    losses: tuple[str, ...],
    index: int,
    log_scale: bool,
    hover: alt.Parameter,
    legend: bool = True,
    series: tuple[Style, ...] = (),
    panel_set: tuple[Panel, ...] | None = None,
    drawn: tuple[str, ...] = (),
) -> alt.LayerChart:
    """One quantity over the epochs, panel `index` of `panel_set` (by default the kind's panels): a
    line per run (and per quantity), the hover and epoch rules. Runs are the losses, styled as every
    chart styles them, or the given `series`. The losses' legend lists the `drawn` ones (every loss
    of the kind, if none are given)."""
    panel = (panels(neuron) if panel_set is None else panel_set)[index]
    colour, dash = series_scale(series) if series else loss_scale(neuron, losses)
    # A series' name says loss and start: one per line, never cut short.
    shown = alt.Legend(title=_("run"), orient="top", direction="vertical", labelLimit=0) if series else None
    only = {"values": [_(words.loss_words(neuron, key).name) for key in drawn]} if drawn else {}
    loss_legend = alt.Legend(title=_("loss"), orient="top", **only)
    log = log_scale and panel.log_able
    base = (
        alt.Chart(title=alt.Title(panel.title, subtitle=panel.subtitle, anchor="start"))
        .transform_filter(alt.datum.panel == index)
        .transform_calculate(value="abs(datum.signed)" if panel.log_able else "datum.signed")
    )
    if log:
        base = base.transform_filter(alt.datum.value > 0)
    x = alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(nice=False))
    y = alt.Y("value:Q", title=panel.axis, scale=alt.Scale(type="log" if log else "linear"))
    # The first quantity thick, the second thin, as the subtitle says: the domain in the panel's
    # order (Vega-Lite would sort the labels, and "|∂C/∂b|" sorts before "|∂C/∂w|").
    labels = [label for _column, label in panel.fields]
    width = (
        alt.StrokeWidth("series:N", scale=alt.Scale(domain=labels, range=[3, 1.5]), legend=None)
        if len(panel.fields) > 1
        else alt.value(3)
    )
    lines = base.mark_line().encode(
        x=x,
        y=y,
        color=alt.Color(
            "loss:N",
            scale=colour,
            legend=(shown or loss_legend) if legend else None,
        ),
        strokeDash=alt.StrokeDash("loss:N", scale=dash, legend=None),
        detail="series:N",
        strokeWidth=width,
    )
    # One invisible point per epoch is what the hover finds nearest; only the hovered epoch's
    # points are drawn, so long runs do not put thousands of hidden marks in the page. These
    # pointer aids stay out of the accessibility tree (aria=False): the lines and rules carry it.
    selectors = (
        base.transform_window(rank="row_number()", groupby=["epoch"])
        .transform_filter(alt.datum.rank == 1)
        .mark_point(opacity=0, size=10, aria=False)
        .encode(x=x, y=alt.value(0))
        .add_params(hover)
    )
    points = (
        base.transform_filter(hover)
        .mark_point(size=80, filled=True, aria=False)
        .encode(
            x=x,
            y=y,
            color=alt.Color("loss:N", scale=colour, legend=None),
            tooltip=[
                alt.Tooltip("loss:N", title=_("run"))
                if series
                else alt.Tooltip("loss:N", **own_title("loss", _("loss"))),
                alt.Tooltip("epoch:Q", **own_title("epoch", _("epoch"))),
                alt.Tooltip("series:N", title=_("quantity")),
                alt.Tooltip("signed:Q", title=_("value"), format=".4g"),
            ],
        )
    )
    hover_rule = base.mark_rule(color="#555555", aria=False).encode(x=x).transform_filter(hover)
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


def epoch_chart(
    neuron: str,
    losses: tuple[str, ...],
    log_scale: bool,
    panel: int | None = None,
    series: tuple[Style, ...] = (),
    drawn: tuple[str, ...] = (),
) -> alt.TopLevelMixin:
    """Cost, gradient, slope and output over epochs in a 2×2 grid with one hover rule shared by
    all four panels and a legend of the `drawn` losses, or one of them (`panel`) alone at the width
    of its container. Its data is the dataset `runs` (see `epoch_chart_spec`), in the shape of
    `long_form`; the target output is the `target` parameter, the inspected epoch `cursor`. With
    `series` (`style.series_styles`) the lines are those runs, with a legend of their names."""
    hover = _hover()
    if panel is not None:
        return single_panel(_panel(neuron, losses, panel, log_scale, hover, legend=False, series=series))
    panels = [
        _panel(neuron, losses, index, log_scale, hover, series=series, drawn=drawn).properties(
            width=PANEL_WIDTH, height=PANEL_HEIGHT
        )
        for index in range(len(PANELS[neuron]))
    ]
    with warnings.catch_warnings():
        # Sharing one hover parameter across the panels is the point; Altair warns that it merged them.
        warnings.filterwarnings("ignore", message="Automatically deduplicated selection parameter")
        grid = alt.vconcat(
            alt.hconcat(panels[0], panels[1]), alt.hconcat(panels[2], panels[3]), data=alt.Data(name=DATASET)
        )
    return readable(grid.resolve_scale(color="shared", strokeWidth="independent"))


def single_panel(layers: alt.LayerChart, dataset: str = DATASET) -> alt.TopLevelMixin:
    """A panel drawn alone, at the width of its container, on the named dataset."""
    return readable(
        layers.properties(width="container", height=PANEL_HEIGHT + 60, data=alt.Data(name=dataset))
    )


def panel_chart(
    neuron: str,
    losses: tuple[str, ...],
    panel_set: tuple[Panel, ...],
    index: int | None,
    log_scale: bool,
    dataset: str,
    drawn: tuple[str, ...] = (),
) -> alt.TopLevelMixin:
    """Another set of panels (`panel_set`, whose data is `long_form(runs, neuron, panel_set)` as
    `dataset`), drawn as the epoch chart draws its own: panel `index` alone (the page names the
    lines above it), or with `index` None all of them in a row with one hover rule and a legend of
    the `drawn` losses, the figure for slides."""
    hover = _hover()
    if index is not None:
        return single_panel(
            _panel(neuron, losses, index, log_scale, hover, legend=False, panel_set=panel_set), dataset
        )
    row = [
        _panel(neuron, losses, i, log_scale, hover, panel_set=panel_set, drawn=drawn).properties(
            width=PANEL_WIDTH, height=PANEL_HEIGHT
        )
        for i in range(len(panel_set))
    ]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Automatically deduplicated selection parameter")
        figure = alt.hconcat(*row, data=alt.Data(name=dataset))
    return readable(figure.resolve_scale(color="shared", strokeWidth="independent"))


def _target() -> alt.Chart:
    """The target output: a horizontal rule at the `target` parameter."""
    return (
        alt.Chart(alt.Data(values=[{}]))
        .transform_calculate(at="target")
        .mark_rule(color="#009E73", strokeDash=[6, 3], strokeWidth=2)
        .encode(y="at:Q", tooltip=[alt.Tooltip("at:Q", title=_("target"))])
    )


def _cursor() -> alt.Chart:
    """The inspected epoch: a vertical rule at the `cursor` parameter (`replay.cursor_params`),
    which a replay moves in the browser."""
    return (
        alt.Chart(alt.Data(values=[{}]))
        .transform_calculate(at="cursor")
        .mark_rule(color="#222222", strokeDash=[2, 2], strokeWidth=2)
        .encode(x="at:Q", tooltip=[alt.Tooltip("at:Q", title=_("inspected epoch"))])
    )


_cached_spec = spec_cache(epoch_chart)


def epoch_chart_data(runs: pd.DataFrame, neuron: str) -> pd.DataFrame:
    """What the epoch chart plots: at most MAX_POINTS epochs per loss, in the shape of `long_form`."""
    return long_form(downsample(runs), neuron)


def epoch_chart_description(runs: pd.DataFrame, neuron: str) -> str:
    """The epoch chart in words for screen readers (its Vega-Lite `description`): what it plots and
    where each loss's output went, from the runs (in the shape of `scenario.runs`: runs over the same
    epochs, one after the other)."""
    kind = KINDS[neuron]
    quantities = _(", ").join(panel.title.lower() for panel in panels(neuron))
    epochs = int(runs["epoch"].iat[-1])
    outputs = runs[kind.output].to_numpy().reshape(-1, epochs + 1)  # a row per run, in their order
    output = _(words.KINDS[kind.key].output_label)
    moves = _("; ").join(
        _("{name}: {output} from {first} to {last}").format(
            name=name, output=output, first=f"{values[0]:.3g}", last=f"{values[-1]:.3g}"
        )
        for name, values in zip(run_names(runs, neuron).categories, outputs, strict=True)
    )
    last = f"{epochs:,}"
    if "series" in runs:
        return _("Over {epochs} epochs, one line per run: {quantities}. {moves}.").format(
            epochs=last, quantities=quantities, moves=moves
        )
    return _("Over {epochs} epochs, one line per loss: {quantities}. {moves}.").format(
        epochs=last, quantities=quantities, moves=moves
    )


def epoch_chart_spec(
    data: pd.DataFrame,
    neuron: str,
    log_scale: bool,
    cursor: list[dict],
    target: float,
    description: str,
    panel: int | None = None,
    series: tuple[Style, ...] = (),
    drawn: tuple[str, ...] = (),
) -> dict:
    """The Vega-Lite spec of `epoch_chart` with its data (`epoch_chart_data`; for one `panel`, that
    panel's rows of it are enough, the others are filtered out anyway), its epoch cursor
    (`replay.cursor_params`), the `target` output and its `description`
    (`epoch_chart_description`, the accessible name; a single panel's names the panel first)
    attached. The chart is built once per (neuron, scale,
    panel, series): building it costs far more than the simulation. `series`: the runs' styles,
    when they are series; `drawn`: the losses the whole figure's legend lists."""
    spec = json.loads(_cached_spec(neuron, tuple(LOSSES[neuron]), log_scale, panel, series, drawn))
    if panel is not None:
        description = _("{title}. {description}").format(
            title=panels(neuron)[panel].title, description=description
        )
    spec["description"] = description
    spec["params"] = spec.get("params", []) + cursor + [{"name": "target", "value": target}]
    spec["datasets"] = {DATASET: data}
    return spec
