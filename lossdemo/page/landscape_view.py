"""The Landscape tab: a sigmoid neuron trained on a data set of its own, with the sidebar's losses,
η, optimizer, epochs and start (w, b); each loss's cost C(w, b) around the runs, the runs' paths
on it (a click on it starts the runs there), every example's output, sentences computed from the
surfaces and runs, and on request the start plane: epochs to the goal from every start (w₀, b₀).

The data set lives in the session as `data` (its link form, `data_sets.data_text`; empty: the
chosen preset's) and in the URL beside `data_preset`. The editor is a new widget whenever the data
set changes (its key counts the changes), so its edits always apply to the data set it shows."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st

from lossdemo.charts.data_curves import CURVE_PANELS, curves_spec
from lossdemo.charts.landscape import (
    EXAMPLE_FIELDS,
    IMAGE,
    PATH,
    PICK,
    SURFACE,
    landscape_spec,
    outputs_spec,
    starts_spec,
)
from lossdemo.charts.style import legend_html
from lossdemo.controls.data_sets import (
    COLUMNS,
    DATA_PRESETS,
    MAX_POINTS,
    X_RANGE,
    X_STEP,
    Y_RANGE,
    Y_STEP,
    DataRuns,
    Points,
    checked_rows,
    data_points,
    data_text,
    same_rows,
    snapped,
)
from lossdemo.controls.replay import NUMBERS_SECONDS, cursor_params
from lossdemo.controls.scenario import Scenario
from lossdemo.engine.dataset import mean_rows
from lossdemo.engine.landscape import SLOPE_FLOOR
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER
from lossdemo.engine.sigmoid import examples_at
from lossdemo.engine.start_sweep import START_BOUND
from lossdemo.language import words
from lossdemo.language.messages import _, current, ngettext
from lossdemo.page import cache, state
from lossdemo.page.downloads import figure_downloads
from lossdemo.page.widgets import control, hidden, loss_columns, names
from lossdemo.teaching.gradient_check import check_sentence, check_sigmoid
from lossdemo.teaching.landscape import gradient_at, pull_sentence
from lossdemo.teaching.summaries import unit


def editor_key() -> str:
    """The editor's key: a new one for every new data set."""
    return f"data_editor_{st.session_state.get('data_version', 0)}"


def store(text: str, note: str | None) -> None:
    """Keep the data set `text` (in the session and the URL) and the editor's note, and start the
    editor afresh on it."""
    st.session_state.data = text
    st.session_state.data_note = note
    st.session_state.data_version = st.session_state.get("data_version", 0) + 1
    if text:
        st.query_params["data"] = text
    else:
        st.query_params.pop("data", None)


def preset_chosen() -> None:
    """A preset replaces the data set the tab had, edited or not."""
    store("", None)


def chosen_points(scenario: Scenario) -> Points:
    """The data set the Landscape tab trains on, as the session holds it (no widget drawn)."""
    return data_points(state.value("data_preset"), st.session_state.get("data", ""), scenario.x, scenario.y)


def own_data_set(scenario: Scenario) -> Points:
    """The Landscape tab's data set when it is not the sidebar's one example (x, y), else ()."""
    points = chosen_points(scenario)
    if scenario.neuron != "sigmoid" or points == (snapped(scenario.x, scenario.y),):
        return ()
    return points


def single_example_note(scenario: Scenario) -> None:
    """On a tab that trains the sidebar's one example while a data set of its own is chosen: which
    runs this tab shows, and where the data set's are."""
    points = own_data_set(scenario)
    if not points:
        return
    count = len(points)
    st.caption(
        ngettext(
            "This tab trains the sidebar's one example (x = {x}, y = {y}). The data set of the Landscape "
            "tab ({count} point) trains there.",
            "This tab trains the sidebar's one example (x = {x}, y = {y}). The data set of the Landscape "
            "tab ({count} points) trains there.",
            count,
        ).format(x=f"{scenario.x:g}", y=f"{scenario.y:g}", count=count)
    )


def sidebar_note(scenario: Scenario) -> None:
    """Under the start sliders while the Landscape tab trains a data set of its own: x and y there
    are the other tabs' one example (said only where the sliders are shown)."""
    points = own_data_set(scenario)
    if not points or state.value("view") != "Landscape" or hidden("x") or hidden("y"):
        return
    st.caption(
        ngettext(
            "The Landscape tab trains its data set ({count} point): x and y above are the other tabs' "
            "one example.",
            "The Landscape tab trains its data set ({count} points): x and y above are the other tabs' "
            "one example.",
            len(points),
        ).format(count=len(points))
    )


def data_set(scenario: Scenario) -> Points:
    """The preset select and the editor; the data set to train on. An edit that leaves a bad cell,
    no row or too many rows is refused with a warning naming the row and value: the last valid data
    set stays."""
    preset = control(
        st.selectbox,
        "data_preset",
        options=list(DATA_PRESETS),
        format_func=names({key: preset.label for key, preset in DATA_PRESETS.items()}),
        on_change=preset_chosen,
    )
    text = st.session_state.get("data", "")
    points = data_points(preset, text, scenario.x, scenario.y)
    edit = _(
        "Edit, add or delete rows: 1 to {most} points, x from {x_low} to {x_high}, "
        "y from {y_low} to {y_high}."
    ).format(
        most=MAX_POINTS,
        x_low=f"{X_RANGE[0]:g}",
        x_high=f"{X_RANGE[1]:g}",
        y_low=f"{Y_RANGE[0]:g}",
        y_high=f"{Y_RANGE[1]:g}",
    )
    if text:  # the preset's lesson is about its own points, not these
        said = ngettext(
            "**Edited** from this preset: {count} point.",
            "**Edited** from this preset: {count} points.",
            len(points),
        ).format(count=len(points))
    else:
        said = _(DATA_PRESETS[preset].teaches)
    st.caption(" ".join([said, edit]))
    shown = pd.DataFrame(list(points), columns=list(COLUMNS))
    edited = st.data_editor(
        shown,
        key=editor_key(),
        num_rows="dynamic",
        hide_index=True,
        column_config={
            name: st.column_config.NumberColumn(
                name, help=meaning, min_value=low, max_value=high, step=step, required=True
            )
            for name, meaning, (low, high), step in (
                ("x", _("The input"), X_RANGE, X_STEP),
                ("y", _("The target"), Y_RANGE, Y_STEP),
            )
        },
    )
    if not same_rows(edited, points):
        accepted, note = checked_rows(edited)
        if accepted is None:
            store(text, " ".join([note, _("The runs keep the last valid data set.")]))
        else:
            store(data_text(accepted), None)
        st.rerun()
    if st.session_state.get("data_note"):
        st.warning(st.session_state.data_note)
    return points


def click_note() -> str:
    """What a click on a surface does, given what the exercise link fixes (`state.load_start`)."""
    kept = [name for name in ("w", "b") if name in state.fixed()]
    if len(kept) == 2:
        return _("This exercise link fixes the start (w, b): a click on the surface does not move it.")
    if kept:
        return _("Click the surface to start there ({name} stays: the exercise link fixes it).").format(
            name=kept[0]
        )
    return _("Click the surface to start there.")


def landscape_view(scenario: Scenario, log_scale: bool, timer_on: bool, present: bool) -> None:
    """The tab for a sigmoid neuron; for another kind, a line saying what it is for. On a projector
    (`present`) the surfaces come first: the introduction is left out and the data set waits in a
    closed expander."""
    if scenario.neuron != "sigmoid":
        st.info(
            _(
                "The Landscape tab is for the sigmoid neuron: choose it in the sidebar to see its cost over "
                "(w, b)."
            )
        )
        return
    if not present:
        st.markdown(
            _(
                "**The cost over (w, b) for a data set.** Full-batch training on the data set below with the "
                "sidebar's losses, η, optimizer, epochs and start (w, b). With one example the cost is a "
                "ridge; with several it has a shape, and the quadratic cost has flat ground where the neuron "
                "is saturated on the examples it gets wrong."
            )
        )
    # The tab trains every selected loss from the sidebar's one start: a comparison of starts or the
    # widget rule belongs to the other tabs (and `eta_for` balances among the losses it shows).
    scenario = replace(scenario, starts=(), widget_rule=False)
    if present:
        count = len(chosen_points(scenario))
        label = ngettext("Data set: {count} point", "Data set: {count} points", count).format(count=count)
        with st.expander(label, icon=":material/table:"):
            points = data_set(scenario)
    else:
        points = data_set(scenario)
    losses = scenario.losses
    etas = tuple(scenario.eta_for(loss) for loss in losses)
    data_runs = DataRuns(points, losses, scenario.w, scenario.b, etas, scenario.epochs, scenario.optimizer)
    with st.spinner(_("Training on the data set and mapping its cost…")):
        shown = cache.landscape_view(data_runs, current())
    names = tuple(_(words.loss_words("sigmoid", key).name) for key in losses)
    listed = _(", ").join(names)
    epoch = state.replay_at(scenario.epochs)
    cursor = cursor_params(epoch, st.session_state.get("play_speed", 1), scenario.epochs, timer_on)
    said = " ".join(shown.sentences)
    where = ngettext(
        "{count} example, {epochs} epochs", "{count} examples, {epochs} epochs", len(points)
    ).format(count=len(points), epochs=f"{scenario.epochs:,}")
    description = _(
        "Heatmaps of the cost C(w, b) per loss ({names}) over a window around the runs, {where}, with "
        "each run's path and the inspected epoch. {said}"
    ).format(names=listed, where=where, said=said)
    axes = (shown.w_axis, shown.b_axis, cursor, description)
    for i, column in loss_columns(len(losses)):
        data = {
            SURFACE: shown.surface_by_loss[i],
            PATH: shown.path_by_loss[i],
            IMAGE: shown.images.iloc[[i]],
        }
        spec = landscape_spec(data, "sigmoid", losses, names, *axes, panel=i)
        key = f"surface_pick_{i}"
        column.vega_lite_chart(
            spec=spec,
            width="content",  # its own square size: stretched, w and b would not share a scale
            theme=None,
            key=key,
            on_select=partial(state.load_start, key),
            selection_mode=PICK,
        )
    whole = {SURFACE: shown.surface, PATH: shown.path, IMAGE: shown.images}
    figure = partial(landscape_spec, whole, "sigmoid", losses, names, *axes)  # every loss's panel in a row
    st.caption(click_note())
    st.markdown(
        " ".join(f"**{sentence}**" if i == 0 else sentence for i, sentence in enumerate(shown.sentences))
    )
    figure_downloads("landscape", figure)
    curves(shown, losses, names, where, cursor, log_scale)
    description = _(
        "Every example's output and its slope σ′(z) over the epochs, one panel per loss ({names}), "
        "{where}. {said}"
    ).format(names=listed, where=where, said=shown.sentences[-1])
    example_panels(shown, losses, names, cursor, description)
    outputs = partial(outputs_spec, shown.outputs, "sigmoid", losses, names, cursor, description)
    figure_downloads("landscape-outputs", outputs)
    every = NUMBERS_SECONDS if timer_on else None
    state.fragment(example_numbers, run_every=every)(shown, points, losses, names, scenario.epochs)
    st.download_button(
        _("Download the data set's runs (CSV)"),
        data=data_runs.csv,
        file_name="lossdemo-data-set-runs.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    start_panel(scenario, points, shown, etas)


def curves(
    shown: cache.LandscapeView,
    losses: tuple[str, ...],
    names: tuple[str, ...],
    where: str,
    cursor: list,
    log_scale: bool,
) -> None:
    """The data set's mean cost and gradient size over the epochs, one line per loss, side by side
    (one under the other on a phone), and how each run's mean cost and error went."""
    said = " ".join(shown.learning)
    description = _(
        "The data set's mean cost and the size of its gradient over the epochs, one line per loss "
        "({names}), {where}. {said}"
    ).format(names=_(", ").join(names), where=where, said=said)
    st.html(legend_html("sigmoid", dict(zip(losses, names))))
    for index, column in enumerate(st.columns(len(CURVE_PANELS))):
        spec = curves_spec(shown.curves_by_panel[index], "sigmoid", index, log_scale, cursor, description)
        column.vega_lite_chart(spec=spec, theme=None)
    st.markdown(_("**Over the epochs.** {said}").format(said=said))
    figure_downloads(
        "landscape-curves",
        partial(curves_spec, shown.curves, "sigmoid", None, log_scale, cursor, description, losses),
    )


def example_panels(
    shown: cache.LandscapeView,
    losses: tuple[str, ...],
    names: tuple[str, ...],
    cursor: list,
    description: str,
) -> None:
    """Per loss, every example's output and under it every example's σ′(z), each panel as wide as
    its column: two losses a row (one on a phone, where Streamlit stacks columns). Each chart is
    sent only its loss's rows."""
    for i, column in loss_columns(len(losses)):
        for field in EXAMPLE_FIELDS:
            spec = outputs_spec(
                shown.outputs_by_loss[i], "sigmoid", losses, names, cursor, description, (i, field)
            )
            column.vega_lite_chart(spec=spec, theme=None)


def example_numbers(
    shown: cache.LandscapeView, points: Points, losses: tuple[str, ...], names: tuple[str, ...], epochs: int
) -> None:
    """Every example at the inspected epoch, per loss: its x and target y, its output a and its slope
    σ′(z) there (bold: saturated), from the run's (w, b) at that epoch; one table per loss, two a row
    (one on a phone). Follows a replay."""
    epoch = state.replay_at(epochs)
    x, y = [p[0] for p in points], [p[1] for p in points]
    st.markdown(
        _(
            "**Every example at epoch {epoch}.** Bold: σ′(z) < {floor}, the example is saturated. "
            "δᵢ = ∂Cᵢ/∂z: how hard example i pulls on z."
        ).format(epoch=f"{epoch:,}", floor=f"{SLOPE_FLOOR:g}")
    )
    slope = lambda value: f"**{value:.3g}**" if value < SLOPE_FLOOR else f"{value:.3g}"  # noqa: E731
    header = "| # | x | y | a | σ′(z) | δᵢ |\n|---:|---:|---:|---:|---:|---:|"
    for i, column in loss_columns(len(losses)):
        w, b = shown.params[losses[i]][epoch]
        at = examples_at(losses[i], w, b, x, y)
        rows = [
            f"| {k + 1} | {xk:g} | {yk:g} | {unit(a)} | {slope(sp)} | {d:.3g} |"
            for k, (xk, yk, a, sp, d) in enumerate(zip(x, y, at["a"], at["sigma_prime"], at["grad_z"]))
        ]
        grad_w, grad_b = gradient_at(at)
        row = pd.Series({"w": w, "b": b, "grad_w": grad_w, "grad_b": grad_b})
        check = check_sentence(check_sigmoid(row, losses[i], {"x": x, "y": y}))
        where = _("{name} at (w, b) = ({w}, {b}), mean cost {cost}").format(
            name=f"**{names[i]}**",
            w=f"{w:.3g}",
            b=f"{b:.3g}",
            cost=f"{mean_rows(at[['cost']].to_numpy().T)[0]:.3g}",
        )
        column.markdown("\n".join([where, "", header, *rows, "", pull_sentence(at), "", check]))


def start_panel(
    scenario: Scenario, points: Points, shown: cache.LandscapeView, etas: tuple[float, ...]
) -> None:
    """The start plane over the surfaces' window, for two examples or more (with one, a start
    matters only through w·x + b, which the Speed map covers), computed only when asked for: it
    takes about a second, which the tab's every rerun should not pay."""
    if len(points) < 2:
        return
    losses = scenario.losses
    names = tuple(_(words.loss_words("sigmoid", key).name) for key in losses)
    listed = _(", ").join(names)
    if len(set(etas)) == 1:
        rate = f"η = {etas[0]:g}"
    else:
        each = _(", ").join(f"{n.lower()} {e:g}" for n, e in zip(names, etas))
        rate = _("each loss's η ({etas})").format(etas=each)
    w_window = (float(shown.w_axis[0]), float(shown.w_axis[-1]))
    b_window = (float(shown.b_axis[0]), float(shown.b_axis[-1]))
    cut = max(map(abs, w_window + b_window)) > START_BOUND
    window = (
        _("over the window above (cut to |w₀|, |b₀| ≤ {bound})").format(bound=f"{START_BOUND:g}")
        if cut
        else _("over the window above")
    )
    says = [
        _(
            "**Epochs from every start.** Per loss, the epochs gradient descent at {rate} needs from each of "
            "{n} × {n} starts (w₀, b₀) {window} until the mean error is half its value at that start, at "
            "most {cap} epochs."
        ).format(rate=rate, n=cache.START_POINTS, window=window, cap=f"{cache.START_CAP:,}")
    ]
    if scenario.optimizer != DEFAULT_OPTIMIZER:
        says.append(
            _("The runs above use {optimizer}; this map uses gradient descent.").format(
                optimizer=words.optimizer_name(scenario.optimizer)
            )
        )
    st.markdown(" ".join(says))
    if not st.toggle(
        _("Map the starts"),
        key="map_starts",
        help=_("Runs gradient descent from every start: a second or so per loss, kept for everyone."),
    ):
        return
    with st.spinner(_("Running gradient descent from every start (w₀, b₀)…")):
        plane = cache.start_plane(points, losses, etas, w_window, b_window, current())
    spec = starts_spec(
        plane.cells,
        "sigmoid",
        losses,
        names,
        cache.START_CAP,
        plane.w0,
        plane.b0,
        (scenario.w, scenario.b),
        _(
            "Heatmaps per loss ({names}) of the epochs gradient descent needs from each start (w₀, b₀) "
            "until the mean error is half its start value; grey: not within {cap} epochs. {said}"
        ).format(names=listed, cap=f"{cache.START_CAP:,}", said=plane.sentence),
    )
    st.vega_lite_chart(spec=spec, theme=None)
    st.markdown(plane.sentence)
    figure_downloads("landscape-starts", spec)
