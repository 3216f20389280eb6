"""The page's views, each drawing one part of the screen from the cached runs. They ask the
registries (neuron kinds, losses) what to show; none asks which neuron or loss it is showing."""

from __future__ import annotations

from dataclasses import asdict, astuple, replace
from functools import partial
from urllib.parse import urlencode

import streamlit as st

from lossdemo.charts.epochs import PANELS, epoch_chart_spec
from lossdemo.charts.figures import with_caption
from lossdemo.charts.loss_shape import loss_shape_spec
from lossdemo.charts.optimizers import comparison_spec
from lossdemo.charts.sigma_path import sigma_path_spec
from lossdemo.charts.speed_map import map_spec
from lossdemo.charts.style import legend_html, line_sample, line_word
from lossdemo.controls.map_settings import GOALS
from lossdemo.controls.presets import lesson_scenario
from lossdemo.controls.replay import NUMBERS_SECONDS, cursor_params
from lossdemo.controls.scenario import Scenario, rows_at, start_word, to_csv
from lossdemo.controls.url import EXERCISE_CONTROLS, PARAMS, VIEWS, share_query
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.engine.shape import shape_points
from lossdemo.language import words
from lossdemo.language.messages import N_, _, current
from lossdemo.page import poll_view, state
from lossdemo.page.cache import prepared_for, shape_curves, sigma_paths, speed_map
from lossdemo.page.downloads import figure_downloads
from lossdemo.page.landscape_view import landscape_view, own_data_set, single_example_note
from lossdemo.page.network_view import default_runs, network_view
from lossdemo.page.widgets import control, loss_columns, names, replay_controls
from lossdemo.teaching.chain_rule import SMALL_SLOPE, chain_rule, step_ratio
from lossdemo.teaching.gradient_check import AGREE, CHECKS
from lossdemo.teaching.lesson import STEPS
from lossdemo.teaching.loss_shape import shape_sentence
from lossdemo.teaching.summaries import number, percent_change, unit


def summary_cards(scenario: Scenario) -> None:
    """One bordered card per loss, one a row so the losses' numbers line up for comparing: the
    loss's name, then its final cost (and its change), final output and when it halved, each in a
    quarter of the page's width (on a phone, where Streamlit stacks columns, one under another)."""
    kind, prepared = scenario.kind, prepared_for(scenario)
    for summary in prepared.summaries:
        card = st.container(border=True)
        name, cost, output, halved = card.columns(4)
        look = line_sample(scenario.neuron, summary.key, series=prepared.series)
        line = line_word(scenario.neuron, summary.key, prepared.series)
        name.html(f'{look} <b style="font-size:1.3rem">{summary.name}</b> ({line})')
        if scenario.eta_for(summary.loss) != scenario.eta:
            name.caption(
                _("trains with η = {eta} (equal gradients at a = ½)").format(
                    eta=f"{scenario.eta_for(summary.loss):.3g}"
                )
            )
        cost.metric(
            _("Final cost"),
            number(summary.final_cost),
            delta=percent_change(summary.start_cost, summary.final_cost) if summary.start_cost else None,
            delta_color="inverse",
            help=_(
                "The change is from the cost at the start. Costs of different losses are on different "
                "scales: compare each loss with its own start."
            ),
        )
        output.metric(_("Final output {output}").format(output=kind.output), unit(summary.final_output))
        when, note = summary.settled()
        halved.metric(
            _("Halved at epoch"),
            when,
            delta=note,
            delta_color="off",
            delta_arrow="off",
            help=_(
                "The first epoch from which the output error, the distance from where the loss aims (the "
                "target, or the loss's own optimum), stays at most half its start for the rest of the run "
                "(halved for good). Not yet: not within this run. Never, unstable: it got there but keeps "
                "jumping across, η is too large. Hovers: a loss whose step does not shrink near its "
                "optimum stays about one step from it."
            ),
        )


def lesson_start() -> None:
    """The button that starts the lesson, what it does in its help."""
    if state.fixed() or st.session_state.get("lesson", 0):
        return
    st.button(
        _("Start the lesson"),
        icon=":material/school:",
        key="lesson_start",
        on_click=state.go_to_step,
        args=(1,),
        help=_(
            "The whole argument in {count} steps. Each step sets up the page for you: predict, then press "
            "Play."
        ).format(count=len(STEPS)),
    )


def poll_start(scenario: Scenario, container) -> None:
    """Outside the lesson, the button that starts a class poll on the page as it is, in `container`
    (a lesson step's poll starts in the step's panel), unless a poll is open."""
    if state.fixed() or st.session_state.get("lesson", 0) or poll_view.teaching() is not None:
        return
    poll_view.page_start(scenario, container)


def lesson(scenario: Scenario, present: bool) -> None:
    """The lesson: the step on show with its prediction prompt, its explanation and what to look at
    (computed from the step's runs), and the way on (the button that starts it stands beside the
    title, `lesson_start`). Page Down and Page Up (a presentation clicker's keys) go to the next and
    the previous step. Beside them the button that starts a class poll, and under them the poll
    while it is open."""
    if state.fixed():  # an exercise link keeps the page on its task; a step would change controls
        return
    lesson_box(scenario, present)
    poll_view.teacher_panel(scenario)


def lesson_box(scenario: Scenario, present: bool) -> None:
    number = st.session_state.get("lesson", 0)
    if not number:
        if present and poll_view.teaching() is None:  # no sidebar on a projector: it starts here
            poll_start(scenario, st.container(horizontal=True, horizontal_alignment="right"))
        return
    step = STEPS[number - 1]
    with st.container(border=True):
        title, way = st.columns([1, 1], vertical_alignment="center")
        heading = _("Lesson, step {number} of {count}: {title}").format(
            number=number, count=len(STEPS), title=_(step.title)
        )
        title.progress(number / len(STEPS), text=f"**{heading}**")
        row = way.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center")
        moves = (
            (_("Previous"), ":material/arrow_back:", "lesson_previous", number - 1, "PageUp", "secondary"),
            (_("Next"), ":material/arrow_forward:", "lesson_next", number + 1, "PageDown", "primary"),
        )
        for label, icon, key, to, shortcut, kind in moves:
            row.button(
                label,
                icon=icon,
                key=key,
                type=kind,
                disabled=not 1 <= to <= len(STEPS),
                on_click=state.go_to_step,
                args=(to,),
                shortcut=shortcut,
            )
        poll_view.lesson_start(number, row)
        st.markdown(_("**Predict, then run.** {prompt}").format(prompt=_(step.predict)))
        # On a projector the explanation waits behind a button, out of the chart's way.
        explain = _("Explain")
        more = row.popover(explain, icon=":material/menu_book:") if present else st.expander(explain, True)
        with more:
            st.markdown(_(step.text))
            shows = lesson_scenario(number)
            look = step.look(default_runs()) if shows is None else step.look(*poll_view.step_frames(number))
            st.markdown(_("**Look at** (after the replay): {look}").format(look=look))
            if step.aside is not None:
                st.markdown(step.aside(**asdict(shows or Scenario())))
            st.button(
                _("Leave the lesson"),
                icon=":material/close:",
                key="lesson_leave",
                on_click=state.go_to_step,
                args=(0,),
            )


def formulas(scenario: Scenario, rows: dict) -> None:
    """The formula strip: each shown loss's cost and ∂C/∂z, as the loss registry writes them, what
    each shown step rule steps by, and the chain rule with the live values of the inspected epoch."""
    shown = list(dict.fromkeys(series.loss for series in scenario.series()))
    for index, column in loss_columns(len(shown)):
        key, loss = shown[index], words.loss_words(scenario.neuron, shown[index])
        # With series a line is a start or a rule, not a loss: the live numbers name each line.
        sample = f"{line_sample(scenario.neuron, key)} " if scenario.plain() else ""
        column.html(f"{sample}<b>{_(loss.name)}</b>")
        column.latex(rf"\begin{{gathered}}{loss.cost_tex} \\ {loss.delta_tex}\end{{gathered}}")
    for rule in scenario.step_rules():
        st.html(f"<b>{_(words.RULES[rule.key].name)}</b>")
        st.latex(words.RULES[rule.key].tex)
    for breakdown in breakdowns(rows, scenario):
        st.caption(_("{run}, by the chain rule at this epoch").format(run=breakdown.name))
        st.latex(breakdown.latex)


def breakdowns(rows: dict, scenario: Scenario) -> list:
    """The chain rule at one epoch for every run stepped by the gradient (a step rule's steps are
    not its gradient), named as the page names the runs."""
    names = prepared_for(scenario).names
    return [
        replace(chain_rule(row, scenario.neuron, s.loss, s.start, scenario.eta_for(s.loss)), name=names[key])
        for (key, row), s in zip(rows.items(), scenario.series())
        if not s.rule
    ]


def optimizer_comparison(scenario: Scenario) -> None:
    """Each shown loss under gradient descent and under the chosen optimizer, side by side: the
    gradient the loss hands over against the step the optimizer takes (shown when it is not
    gradient descent)."""
    prepared, rule = prepared_for(scenario), words.OPTIMIZERS[scenario.optimizer]
    if prepared.comparison is None:
        return
    st.markdown(
        _(
            "**{optimizer} against gradient descent**: the same losses from the same start with the same "
            "η. {purpose} Solid lines: gradient descent; dashed: {optimizer} (`{torch}`)."
        ).format(optimizer=_(rule.name), purpose=_(rule.purpose), torch=rule.torch)
    )
    st.latex(rf"\begin{{gathered}}{rule.update_tex}\end{{gathered}}")
    drawn = tuple(prepared.names.values())
    spec = comparison_spec(prepared.comparison, scenario.neuron, scenario.optimizer, drawn, prepared.series)
    spec["description"] = _(  # the chart's accessible name
        "Three charts over the epochs, one line per loss and optimizer (gradient descent solid, "
        "{optimizer} dashed): the output, the gradient size and the length of the step taken."
    ).format(optimizer=_(rule.name))
    st.vega_lite_chart(spec=spec, theme=None)
    figure_downloads("optimizer", spec)


def live_numbers(rows: dict, scenario: Scenario, big: bool) -> None:
    """The runs' state at the inspected epoch: large metrics side by side (to 3 significant digits,
    read across a room), or one compact table (to 4). A run is a loss, or a series named by its
    label."""
    kind, prepared = scenario.kind, prepared_for(scenario)
    gradient, symbol = kind.gradient
    labels = {
        kind.output: _("output {symbol}").format(symbol=kind.output),
        "cost": _("cost C"),
        gradient: _("gradient {symbol}").format(symbol=symbol),
        "sigma_prime": kind.slope,
    }
    if not big:
        header = " | ".join([_("loss"), *labels.values()])
        table = [f"| {header} |", "|---" * (len(labels) + 1) + "|"]
        for loss, row in rows.items():
            values = " | ".join(f"{row[field]:.4g}" for field in labels)
            table.append(f"| **{prepared.names[loss]}** | {values} |")
        st.markdown("\n".join(table))
        return
    size = "1.2rem" if prepared.series else "2rem"  # a series' name also says its start
    for loss, row in rows.items():
        name, *cells = st.columns([1.2, 1, 1, 1, 1], vertical_alignment="bottom")
        sample = line_sample(scenario.neuron, loss, series=prepared.series)
        name.html(
            f'<div style="font-size:{size};font-weight:700">{prepared.names[loss]}</div>'
            "<div>"
            + _("{sample} {line} in the charts").format(
                sample=sample, line=line_word(scenario.neuron, loss, prepared.series)
            )
            + "</div>"
        )
        for cell, (field, label) in zip(cells, labels.items()):
            cell.metric(label, f"{row[field]:.3g}")


def one_epoch(rows: dict, scenario: Scenario, epoch: int) -> None:
    """The σ path, the chain rule and the gradient check at one epoch. Every run is drawn on the σ
    curve; only gradient-descent runs are taken apart (a step rule's steps are not its gradient)."""
    prepared, neuron = prepared_for(scenario), scenario.neuron
    names = prepared.names
    gradient = [(key, row, s) for (key, row), s in zip(rows.items(), scenario.series()) if not s.rule]
    taken_apart = breakdowns(rows, scenario)
    paths = sigma_paths(astuple(scenario), current())
    spec = sigma_path_spec(paths, neuron, prepared.starts, rows, names)
    st.vega_lite_chart(
        spec=spec,
        theme=None,
    )
    figure_downloads("sigma-path", spec)
    if len(gradient) < len(rows):
        st.caption(
            _("A run stepped by a rule other than the gradient is drawn above, not taken apart below.")
        )
    st.markdown(
        _("**The gradient at epoch {epoch}, factor by factor** (highlighted: a slope below {small})").format(
            epoch=f"{epoch:,}", small=f"{SMALL_SLOPE:g}"
        )
    )
    for breakdown in taken_apart:
        st.caption(breakdown.name)
        st.latex(breakdown.latex)
    x = float(scenario.start().get("x", 1.0))
    ratio = step_ratio(taken_apart, epoch, OPTIMIZERS[scenario.optimizer], scenario.neuron, x)
    if ratio:
        st.markdown(f"**{ratio}**")
    st.markdown(
        _(
            "**Gradient check at epoch {epoch}**: each analytic gradient against a central finite "
            "difference of the cost. They agree when they differ by less than {agree} of their size plus "
            "what round-off in the two costs can do to the difference; a gradient no larger than that "
            "round-off is too small for a finite difference to resolve."
        ).format(epoch=f"{epoch:,}", agree=f"{AGREE:g}")
    )
    headers = (
        _("loss"),
        _("gradient"),
        _("analytic"),
        _("finite difference"),
        _("relative error"),
        _("agree?"),
    )
    table = ["| " + " | ".join(headers) + " |", "|" + "---|" * 6]
    for key, row, s in gradient:
        for c in CHECKS[neuron](row, s.loss, s.start):
            verdict = ":green[**✓ {}**]".format(_("yes")) if c.agrees else ":red[**✗ {}**]".format(_("no"))
            error = f"{c.relative_error:.1e}" if c.resolvable else _("too small to resolve")
            if c.corner:
                error = _("a corner of the cost: no derivative here, the gradient is a one-sided slope")
            table.append(
                f"| {names[key]} | ∂C/∂{c.parameter} | {c.analytic:.10g} | {c.numeric:.10g} "
                f"| {error} | {verdict if c.resolvable and not c.corner else '—'} |"
            )
    st.markdown("\n".join(table))


def epoch_numbers(scenario: Scenario, present: bool, timer_on: bool) -> None:
    """The live numbers at the inspected epoch. While a replay plays, only this fragment (and the
    open close-up) reruns, a few times a second; the charts' cursor moves in the browser."""
    frame = prepared_for(scenario).frame
    epoch = state.replay_at(scenario.epochs)
    if timer_on and epoch >= scenario.epochs:
        st.rerun()  # the end: a full run stops the replay and its timers
    rows = rows_at(frame, scenario, epoch)
    where = _("At epoch {epoch} of {epochs}").format(epoch=f"{epoch:,}", epochs=f"{scenario.epochs:,}")
    if timer_on:
        # In place of the epoch slider: a slider the browser still held would send its old value
        # with every frame's request and undo the epoch a pause stores.
        st.progress(epoch / max(scenario.epochs, 1), text=where)
    elif not present:
        st.caption(where)
    live_numbers(rows, scenario, big=present)
    if state.value("view") == CURVES:  # Up close takes the gradient apart in its own way
        formulas(scenario, rows)


def closeup(scenario: Scenario) -> None:
    """The chain rule, the σ path and the gradient check, following a replay like the numbers."""
    epoch = state.replay_at(scenario.epochs)
    one_epoch(rows_at(prepared_for(scenario).frame, scenario, epoch), scenario, epoch)


def loss_shape(scenario: Scenario, log_scale: bool) -> None:
    """Each shown loss's cost and |∂C/∂z| against the output, each run's point at the inspected
    epoch on its curve, and what the gradients are there; follows a replay like the close-up."""
    kind, epoch = scenario.kind, state.replay_at(scenario.epochs)
    rows = rows_at(prepared_for(scenario).frame, scenario, epoch)
    if not scenario.plain():  # series: each run's point on its loss's curve, once per place
        column, pairs = kind.curve[0], {}
        for row, series in zip(rows.values(), scenario.series()):
            pairs.setdefault((series.loss, float(row[column])), (series.loss, row))
        rows = list(pairs.values())
    points = shape_points(kind, rows, scenario.start())
    sentence = shape_sentence(points, scenario.neuron)
    st.markdown(
        _(
            "Each loss's cost and gradient size |{delta}| against the output {output} over its whole range. "
            "Each step moves the logit by −η(1 + x²)·{delta}, so where a curve's gradient is small, that "
            "loss learns slowly. The large dots are where each run stands at the inspected epoch."
        ).format(delta=kind.delta_symbol, output=kind.output)
    )
    spec = loss_shape_spec(
        shape_curves(astuple(scenario), current()),
        points,
        scenario.neuron,
        log_scale,
        scenario.target_output(),
    )
    spec["description"] = _(  # the chart's accessible name
        "Two charts against the output {output}, one line per loss: the cost and the gradient size "
        "|{delta}|, with each run's point at the inspected epoch marked. {sentence}"
    ).format(output=kind.output, delta=kind.delta_symbol, sentence=sentence)
    st.vega_lite_chart(spec=spec, theme=None)
    st.markdown(f"**{sentence}**")
    figure_downloads("loss-shape", spec)


GOAL_WORDS = {"half": N_("half")}  # the map's goals that are words, not tolerances
CURVES, UP_CLOSE, LOSS_SHAPE, SPEED_MAP, LANDSCAPE, NETWORK = VIEWS  # the `view` parameter's values
# Each view's tab label (the URL keeps the English value whatever the language).
TAB_LABELS = {
    CURVES: N_("Curves"),
    UP_CLOSE: N_("Up close"),
    LOSS_SHAPE: N_("Loss shape"),
    SPEED_MAP: N_("Speed map"),
    LANDSCAPE: N_("Landscape"),
    NETWORK: N_("Network"),
}
# Views that train runs of their own: the scenario's findings and live numbers stay off their screen.
OWN_RUNS = frozenset({NETWORK, LANDSCAPE})
# Views of their own runs with the sidebar's epochs: the replay moves their inspected epoch.
OWN_REPLAY = frozenset({LANDSCAPE})


def epoch_views(scenario: Scenario, log_scale: bool, present: bool) -> None:
    """The replay, the live numbers and the tabs; only the open tab's content runs. While a replay
    plays, the numbers and the close-up rerun on a timer as fragments."""
    timer_on = bool(st.session_state.get("playing"))
    every = NUMBERS_SECONDS if timer_on else None
    follows = state.value("view") not in OWN_RUNS
    # One container whether the replay shows or not, so the tabs keep their place in the page: a
    # tab that moves is drawn afresh in the browser, which may then show its first tab, not the one
    # a lesson step chose (step 7 opens the Network, which has no replay).
    with st.container():
        if follows or state.value("view") in OWN_REPLAY:
            replay_controls(scenario.epochs, one_row=present)
            if st.session_state.get("playing", False) != timer_on:
                st.rerun()  # starting or stopping the replay's timers takes a full run
    numbers = partial(state.fragment(epoch_numbers, run_every=every), scenario, present, timer_on)
    bodies = {
        CURVES: partial(curves, scenario, log_scale, present, timer_on),
        UP_CLOSE: partial(state.fragment(closeup, run_every=every), scenario),
        LOSS_SHAPE: partial(state.fragment(loss_shape, run_every=every), scenario, log_scale),
        SPEED_MAP: partial(speed_map_view, scenario),
        LANDSCAPE: partial(landscape_view, scenario, log_scale, timer_on, present),
        NETWORK: partial(network_view, present),
    }
    for tab, name in zip(view_tabs(), VIEWS):
        if tab.open:
            with tab:
                if name not in OWN_RUNS:
                    single_example_note(scenario)
                bodies[name]()
    if follows and not present:  # the findings right under the view
        summary_cards(scenario)
        st.markdown("\n\n".join(prepared_for(scenario).story))
    if follows:  # the numbers at the inspected epoch, with the formulas on the Curves tab
        numbers()
    elif timer_on and state.value("view") in OWN_REPLAY:
        state.fragment(replay_progress, run_every=every)(scenario.epochs)


def replay_progress(epochs: int) -> None:
    """While a replay plays on a view without the live numbers: how far it has got, in place of the
    epoch slider, and a full run at the last epoch, which stops it."""
    epoch = state.replay_at(epochs)
    if epoch >= epochs:
        st.rerun()
    st.progress(
        epoch / max(epochs, 1),
        text=_("At epoch {epoch} of {epochs}").format(epoch=f"{epoch:,}", epochs=f"{epochs:,}"),
    )


def view_tabs():
    """The views' tabs, labelled in the session's language. The `view` control keeps the view's
    English name (the URL's value): a click on a tab sets it, and the URL follows it."""
    labels = {name: _(label) for name, label in TAB_LABELS.items()}
    view = st.session_state.setdefault("view", PARAMS["view"].default)
    st.session_state.view_tab = labels.get(view, labels[CURVES])  # a lesson step may have moved it
    if st.query_params.get("view", PARAMS["view"].default) != view:
        state.write_view(view)
    names = {label: name for name, label in labels.items()}
    return st.tabs(
        list(labels.values()),
        key="view_tab",
        on_change=lambda: state.write_view(names[st.session_state.view_tab]),
    )


def run_legend(scenario: Scenario) -> None:
    """Which line is which run, in one row above the panels (drawn in every panel alike)."""
    prepared = prepared_for(scenario)
    st.html(legend_html(scenario.neuron, prepared.names, prepared.series))


def curves(scenario: Scenario, log_scale: bool, present: bool, timer_on: bool) -> None:
    """The four panels over the epochs with the replay's cursor, each a chart as wide as its column:
    two a row (one on a phone, where Streamlit stacks columns), in presentation mode four. Under
    them the whole figure as files for slides, and an optimizer's comparison with gradient descent."""
    prepared = prepared_for(scenario)
    cursor = cursor_params(
        st.session_state.epoch, st.session_state.get("play_speed", 1), scenario.epochs, timer_on
    )
    chart_args = (
        scenario.neuron,
        log_scale,
        cursor,
        scenario.target_output(),
        f"{prepared.description} {' '.join(prepared.story)}",
    )
    series = {"series": prepared.series}
    panels = range(len(PANELS[scenario.neuron]))
    per_row = len(panels) if present else 2
    run_legend(scenario)
    with st.container(key="epoch_panels"):
        for first in panels[::per_row]:
            for index, column in zip(panels[first : first + per_row], st.columns(per_row)):
                spec = epoch_chart_spec(prepared.panels[index], *chart_args, panel=index, **series)
                column.vega_lite_chart(spec=spec, theme=None)
    if present:
        return
    drawn = tuple(dict.fromkeys(s.loss for s in scenario.series()))
    figure = partial(epoch_chart_spec, prepared.chart, *chart_args, **series, drawn=drawn)  # one grid
    kind = scenario.kind
    title = _("Cost, gradient, {slope} and {output} over the epochs").format(
        slope=kind.slope, output=_(words.KINDS[kind.key].output_label)
    )
    caption = _("{scenario}; dotted line: epoch {epoch}").format(
        scenario=scenario.caption(), epoch=f"{st.session_state.epoch:,}"
    )
    figure_downloads("curves", figure, slide=partial(with_caption, title=title, caption=caption))
    optimizer_comparison(scenario)


def speed_map_view(scenario: Scenario) -> None:
    """The learning-speed map with its controls and its one-sentence summary per loss."""
    kind = scenario.kind
    losses = {key: words.loss_words(scenario.neuron, key).name for key in LOSSES[scenario.neuron]}
    depends = _(", ").join(map(start_word, kind.map_start))
    st.markdown(
        _(
            "Trained with {optimizer}. With one training example every update depends only on the "
            "gradients so far, and those only on the logits (∂C/∂b = ∂C/∂z, ∂C/∂w = x·∂C/∂z): a run "
            "depends on its starting logits only, not on the weights and biases separately. So one map "
            "covers every start whose value lies on its horizontal axis, for these values of {names}."
        ).format(optimizer=words.optimizer_name(scenario.optimizer).lower(), names=depends)
    )
    left, right = st.columns(2)
    with left:
        goal = control(
            st.select_slider, "goal", format_func=names({goal: GOAL_WORDS.get(goal, goal) for goal in GOALS})
        )
    with right:
        cap = control(st.select_slider, "cap")
    start = scenario.start()
    map_start = tuple((name, start[name]) for name in kind.map_start)
    with st.spinner(_("Running every start and learning rate…")):
        shown = speed_map(
            scenario.neuron, scenario.losses, map_start, goal, cap, scenario.optimizer, current()
        )
    here = kind.map_position(start)
    spec = map_spec(shown.cells, scenario.neuron, scenario.losses, cap, shown.domain, here, scenario.eta)
    st.vega_lite_chart(
        spec=spec,
        theme=None,
        key="map_pick",
        on_select=state.load_cell,
        selection_mode="pick",
    )
    figure_downloads("speed-map", spec)
    low, high = shown.domain
    sentences = []
    if not low <= here <= high:
        sentences.append(
            _("This scenario starts at {axis} = {here}, off this map ({low} to {high}).").format(
                axis=kind.map_axis, here=f"{here:.3g}", low=f"{low:.3g}", high=f"{high:.3g}"
            )
        )
    for c in shown.comparisons:
        sentences.append(map_sentence(c, losses, cap))
    sentences.append(
        _("Click a cell to load that start ({values}) and η.").format(
            values=_(words.KINDS[kind.key].map_load_text)
        )
    )
    st.markdown(" ".join(sentences))


def map_sentence(c, losses: dict, cap: int) -> str:
    """How one loss compares with the fastest over the map, in numbers from the sweep."""
    slow, fast = _(losses[c.slow]), _(losses[c.fast]).lower()
    share = lambda count: f"{count / c.cells:.0%}"  # noqa: E731
    text = _(
        "{slow} needs more than {factor}× as many epochs as {fast} on **{slower}** of this map; it does not "
        "learn within {cap} epochs on {capped} of it ({fast}: {fast_capped})."
    ).format(
        slow=slow,
        factor=f"{c.factor:g}",
        fast=fast,
        slower=share(c.slower_cells),
        cap=f"{cap:,}",
        capped=share(c.slow_capped),
        fast_capped=share(c.fast_capped),
    )
    if c.slow_unstable or c.fast_unstable:
        text += " " + _(
            "Unstable (reached the goal, then oscillated): {slow_share} for {slow}, {fast_share} for {fast}."
        ).format(
            slow_share=share(c.slow_unstable), slow=slow.lower(), fast_share=share(c.fast_unstable), fast=fast
        )
    if c.slow_capped_close:
        text += " " + _(
            "{share} of the cells where {slow} does not learn start nearer the target than half the "
            "farthest an output can be from it, already more right than wrong: there the slow part is the "
            "last stretch, not a stall at a wrong start."
        ).format(share=f"{c.slow_capped_close / c.slow_capped:.0%}", slow=slow.lower())
    return text


def link_to(values: dict[str, object]) -> str:
    """The page's address with the query that reproduces these control values."""
    query = urlencode(share_query(values), doseq=True, safe=",:")  # hide=eta,epochs reads as written
    return f"{st.context.url or ''}{'?' if query else ''}{query}"


def control_labels(names) -> str:
    return ", ".join(_(PARAMS[name].label) for name in names)


def exercise_note() -> None:
    """On an exercise link: which controls it hides and which it locks."""
    hide, lock = st.session_state.get("hide", ()), st.session_state.get("lock", ())
    parts = [
        _("Hidden: {controls}.").format(controls=control_labels(hide)) * bool(hide),
        _("Locked: {controls}.").format(controls=control_labels(lock)) * bool(lock),
    ]
    if hide or lock:
        st.info(" ".join([_("**Exercise link.**"), *filter(None, parts)]), icon=":material/assignment:")


def share(scenario: Scenario) -> None:
    """The link that reproduces the page and a builder of links for an exercise that hides or
    locks controls, in an expander built only while it is open (a link's code block loads a syntax
    highlighter into the browser: 0.3 s of every page's first draw while it sat in the sidebar),
    and the runs as CSV."""
    st.subheader(_("Share"))
    links = st.expander(_("Link to this page"), icon=":material/link:", key="share_link", on_change="rerun")
    if links.open:
        with links:
            share_links()
    # With a data set of the Landscape tab's own, these are still the other tabs' runs: say so.
    mine = bool(own_data_set(scenario))
    st.download_button(
        _("Download the one example's runs (CSV)") if mine else _("Download the runs (CSV)"),
        data=partial(to_csv, scenario),
        file_name="lossdemo-runs.csv",
        mime="text/csv",
        on_click="ignore",
        help=_(
            "The runs of the Curves, Up close and Loss shape tabs, on the sidebar's one example (x, y); "
            "the Landscape tab has a button for its data set's runs."
        )
        if mine
        else None,
    )


def share_links() -> None:
    """The page's link, then the exercise-link builder: the controls to hide or lock, and the link
    that fixes them."""
    values = {key: st.session_state.get(key) for key in PARAMS}
    st.caption(_("This link reproduces exactly what you see:"))
    st.code(link_to(values), language=None, wrap_lines=True)
    labels = names({name: PARAMS[name].label for name in EXERCISE_CONTROLS})
    builder = _("Build an exercise link")
    st.markdown(f"**{builder}**")
    st.caption(
        _(
            "The same page for your students, with the controls you choose hidden or locked, so that "
            "they explore one thing at a time."
        )
    )
    hide = st.multiselect(_("Hide"), EXERCISE_CONTROLS, format_func=labels, key="exercise_hide")
    lock = st.multiselect(
        _("Lock (shown, not changeable)"),
        [name for name in EXERCISE_CONTROLS if name not in hide],
        format_func=labels,
        key="exercise_lock",
    )
    chosen = {
        "hide": tuple(name for name in EXERCISE_CONTROLS if name in hide),
        "lock": tuple(name for name in EXERCISE_CONTROLS if name in lock),
    }
    st.code(link_to(values | chosen), language=None, wrap_lines=True)
