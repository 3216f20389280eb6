"""lossdemo: watch the choice of loss decide how fast a neuron learns.

The page only: callbacks and small view helpers first, then the page in screen order (sidebar,
header, summary and lesson, the replay controls, the live numbers, then the tabs Curves, Up close
and Speed map). A replay moves the charts' cursor in the browser and reruns only the fragments
with numbers in them. Every number comes from the `lossdemo` package; runs, maps and chart specs
are cached at this boundary."""

import threading
from dataclasses import astuple, dataclass, replace
from functools import partial
from urllib.parse import urlencode

import pandas as pd
import pyarrow as pa
import streamlit as st

from lossdemo import LOSSES, NEURONS
from lossdemo.controls import replay
from lossdemo.charts.epochs import PANELS, epoch_chart_data, epoch_chart_spec, loss_style
from lossdemo.teaching.explain import chain_rule, findings, output_column, step_ratio, summarize
from lossdemo.teaching.gradient_check import AGREE, check_sigmoid, check_softmax
from lossdemo.teaching.lesson import STEPS
from lossdemo.controls.url import PARAMS, parse_query, parse_value, share_query
from lossdemo.controls.replay import NUMBERS_SECONDS, cursor_params, position
from lossdemo.controls.scenario import PRESETS, Scenario, default_losses, preset_values, rows_at, runs, to_csv
from lossdemo.charts.sigma_path import sigma_path_data, sigma_path_spec
from lossdemo.charts.speed_map import bias_for, map_spec, speed_map

URL = "query-params"
LONG_RUN_WORK = 20_000  # neuron-updates (a 1.8 MB frame, about 10 ms) from which a run counts as long
SCENARIO_KEYS = ("neuron", "losses", "eta", "epochs", "w", "b", "x", "y", "classes", "target", "margin")
PAGE_CSS = '<style>[data-testid="stMainBlockContainer"] { padding-top: 3rem; }</style>'
PRESENTATION_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
[data-testid="stMain"] { font-size: 1.25rem; }
[data-testid="stMetricValue"] { font-size: 2.8rem; }
</style>"""

st.set_page_config(page_title="lossdemo: why the loss decides how fast a neuron learns", layout="wide")


def arrow(frame: pd.DataFrame) -> bytes:
    """A chart dataset as Arrow IPC bytes, which st.vega_lite_chart sends without converting again."""
    # One thread: pyarrow's default pool fights every session's script thread for the GIL.
    table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


@dataclass(frozen=True)
class Prepared:
    """A scenario's runs and everything the page shows of them that does not depend on the epoch."""

    frame: pd.DataFrame
    starts: dict[str, pd.Series]  # each loss's first row
    chart: bytes  # the epoch chart's data, as Arrow
    path: dict[str, bytes]  # the σ chart's data, as Arrow
    story: list[str]  # the findings
    summaries: list


def prepare(scenario: Scenario) -> Prepared:
    frame = runs(scenario)
    starts = rows_at(frame, scenario, 0)
    path = {name: arrow(data) for name, data in sigma_path_data(frame, scenario.neuron).items()}
    chart = arrow(epoch_chart_data(frame, scenario.neuron))
    story, summaries = findings(frame, scenario.neuron, scenario), summarize(frame, scenario.neuron)
    return Prepared(frame, starts, chart, path, story, summaries)


@st.cache_resource
def turns(kind: str) -> threading.Lock:
    """One lock per kind of run ("short", "long"): runs of a kind are prepared one at a time. The
    sessions' threads share one interpreter lock, so preparing several at once finishes none of
    them sooner; one at a time, each finishes early, and the short ones never wait for a long one."""
    return threading.Lock()


# st.cache_resource, not st.cache_data: the frames are only read, never changed, so every session
# shares one copy instead of receiving its own on every run. Keys are plain tuples (they hash fast).
@st.cache_resource(max_entries=16, ttl=1800, show_spinner=False)
def prepared_short(key: tuple) -> Prepared:
    with turns("short"):
        return prepare(Scenario(*key))


# A 100,000-epoch softmax run is 29 MB: only two long runs are kept.
@st.cache_resource(max_entries=2, ttl=1800, show_spinner=False)
def prepared_long(key: tuple) -> Prepared:
    with turns("long"):
        return prepare(Scenario(*key))


def prepared_for(scenario: Scenario) -> Prepared:
    """The scenario's runs and what the page shows of them, from the cache for its size."""
    cached = prepared_long if scenario.work() >= LONG_RUN_WORK else prepared_short
    return cached(astuple(scenario))


@st.cache_resource(max_entries=16, ttl=1800, show_spinner="Running every start and learning rate…")
def cached_map(neuron: str, x: float, y: float, classes: int, target: int, goal: str, cap: int):
    shown = speed_map(neuron, x, y, classes, target, goal, cap)
    return replace(shown, cells=arrow(shown.cells))


# Callbacks: they run before the script, so they may set any control's value.


def read_url_once() -> None:
    """On a session's first run, turn the URL into valid control values and keep the notes. A link
    that needed corrections is replaced by its corrected form before any widget reads it."""
    if "url_notes" in st.session_state:
        return
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    values, notes = parse_query(query)
    st.session_state.url_notes = notes
    if "preset" in values:
        preset = preset_values(values["preset"])
        st.session_state.update({key: preset[key] for key in SCENARIO_KEYS if key not in values})
    st.session_state.update(values)
    clean = {key: value if isinstance(value, list) else [value] for key, value in share_query(values).items()}
    if notes or any(query.get(key) != value for key, value in clean.items()):
        st.query_params.from_dict(clean)  # a link spelled as the widgets write it, then read afresh
        st.rerun()


def load_preset(name: str | None) -> None:
    """Set every control to the preset's values; the link names the preset until a control moves."""
    if name is not None:
        st.query_params["preset"] = name
        st.session_state.preset = name
        values = preset_values(name)
        st.session_state.update({key: values[key] for key in SCENARIO_KEYS})
        st.session_state.epoch = 0
        st.session_state.playing = False
    st.session_state.url_notes = []


def changed() -> None:
    """A control moved by hand: the scenario is no longer the preset, and old link notes go."""
    st.session_state.preset = None
    st.session_state.url_notes = []
    st.query_params.pop("preset", None)


def neuron_changed() -> None:
    st.session_state.losses = list(default_losses(st.session_state.neuron))
    changed()


def load_cell() -> None:
    """A click on the map: load that start and η, keeping w and moving b (snapped to the controls)."""
    picked = st.session_state.map_pick.selection.get("pick") or []
    if not picked:
        return
    cell = picked[0]
    if st.session_state.get("neuron", PARAMS["neuron"].default) == "sigmoid":
        w, x = st.session_state.get("w", PARAMS["w"].default), st.session_state.get("x", PARAMS["x"].default)
        st.session_state.b = parse_value(PARAMS["b"], str(bias_for(cell["a0"], w, x)))[0]
    else:
        st.session_state.margin = parse_value(PARAMS["margin"], str(cell["margin"]))[0]
    st.session_state.eta = parse_value(PARAMS["eta"], str(cell["eta"]))[0]
    changed()


def replay_at(last: int) -> int:
    """The inspected epoch: the stored one, or, while playing, where the replay has got to."""
    state = st.session_state
    epoch = min(state.get("epoch", 0), last)
    if not state.get("playing"):
        return epoch
    return position(epoch, state.play_speed, replay.clock() - state.play_started, last)


def hold() -> None:
    """Stop a replay where it has got to: that epoch goes to the slider and the URL."""
    if st.session_state.get("playing"):
        st.session_state.epoch = replay_at(st.session_state.epochs)
        st.session_state.playing = False


def start(at: int) -> None:
    """Play from epoch `at`, timed from now, at the chosen speed."""
    state = st.session_state
    state.epoch, state.playing = at, True
    state.play_started, state.play_speed = replay.clock(), state.get("speed", PARAMS["speed"].default)


def toggle_play() -> None:
    if st.session_state.get("playing"):
        hold()
    else:
        epoch = st.session_state.get("epoch", 0)
        start(0 if epoch >= st.session_state.epochs else epoch)


def speed_changed() -> None:
    """A new speed during a replay goes on from where the replay has got to."""
    if st.session_state.get("playing"):
        start(replay_at(st.session_state.epochs))


def step_by(delta: int) -> None:
    hold()
    st.session_state.epoch = min(max(st.session_state.get("epoch", 0) + delta, 0), st.session_state.epochs)


# View helpers.


def clamp(key: str, high: int) -> None:
    """Keep a stored value within a range that another control just narrowed."""
    if st.session_state.get(key, 0) > high:
        st.session_state[key] = high


def control(widget, name: str, **kwargs):
    """A widget for URL parameter `name`, labelled and bounded as the parameter says."""
    p = PARAMS[name]
    kwargs.setdefault("on_change", changed)
    if widget is st.slider:
        kwargs = {"min_value": p.low, "max_value": p.high, "step": p.step, "value": p.default} | kwargs
    elif widget is st.select_slider:
        kwargs = {"options": p.options, "value": p.default} | kwargs
    elif widget is st.toggle:
        kwargs = {"value": p.default} | kwargs
    # persist_state keeps a control's value (and its URL parameter) while it is not on screen:
    # the other neuron's start, the map's settings on another tab, everything in presentation mode.
    return widget(p.label, key=name, help=p.help, bind=URL, persist_state="page", **kwargs)


def replay_controls(epochs: int, one_row: bool) -> None:
    """Play, step, reset, speed and the epoch slider (in the same row, or below). A replay that has
    reached the last epoch stops here, before the slider is drawn."""
    if st.session_state.get("playing") and replay_at(epochs) >= epochs:
        st.session_state.epoch, st.session_state.playing = epochs, False
    clamp("epoch", epochs)
    playing = st.session_state.get("playing", False)
    if one_row:
        controls, slider = st.columns([1.25, 1], vertical_alignment="bottom")
    else:
        controls = slider = st.container()
    row = controls.container(horizontal=True, vertical_alignment="bottom")
    row.button(
        "Pause" if playing else "Play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        key="play",
        on_click=toggle_play,
        type="primary",
        shortcut="Space",
        help="Replay the training run (keyboard: space)",
    )
    row.button(
        "Back", icon=":material/chevron_left:", key="back", on_click=step_by, args=(-1,), shortcut="Left"
    )
    row.button(
        "Step", icon=":material/chevron_right:", key="forward", on_click=step_by, args=(1,), shortcut="Right"
    )
    row.button(
        "Reset",
        icon=":material/skip_previous:",
        key="reset",
        on_click=step_by,
        args=(-st.session_state.epochs,),
        shortcut="Home",
    )
    with row:
        control(
            st.segmented_control,
            "speed",
            options=PARAMS["speed"].options,
            default=PARAMS["speed"].default,
            required=True,
            on_change=speed_changed,
        )
    if not playing:  # while playing, a progress bar stands here (`epoch_numbers`)
        with slider:
            control(st.slider, "epoch", max_value=epochs, on_change="rerun")


def live_numbers(rows: dict, neuron: str, big: bool) -> None:
    """The run's state at the inspected epoch: large metrics side by side, or one compact table."""
    gradient = "grad_w" if neuron == "sigmoid" else "grad_b_y"
    labels = {
        output_column(neuron): f"output {output_column(neuron)}",
        "cost": "cost C",
        gradient: "gradient ∂C/∂w" if neuron == "sigmoid" else "gradient ∂C/∂b_y",
        "sigma_prime": "σ′(z)" if neuron == "sigmoid" else "a_y(1 − a_y)",
    }
    if not big:
        table = ["| loss | " + " | ".join(labels.values()) + " |", "|---" * (len(labels) + 1) + "|"]
        for loss, row in rows.items():
            values = " | ".join(f"{row[field]:.4g}" for field in labels)
            table.append(f"| **{LOSSES[neuron][loss].name}** | {values} |")
        st.markdown("\n".join(table))
        return
    for loss, row in rows.items():
        name, *cells = st.columns([1.2, 1, 1, 1, 1], vertical_alignment="bottom")
        colour, line = loss_style(neuron, loss)
        name.html(
            f'<div style="color:{colour};font-size:2rem;font-weight:700">{LOSSES[neuron][loss].name}</div>'
            f'<div style="color:{colour}">{line} in the charts</div>'
        )
        for cell, (field, label) in zip(cells, labels.items()):
            cell.metric(label, f"{row[field]:.4g}")


def one_epoch(path_data: dict, starts: dict, rows: dict, scenario: Scenario, epoch: int) -> None:
    """The chain rule, the σ path and the gradient check at one epoch."""
    neuron = scenario.neuron
    target = scenario.y if neuron == "sigmoid" else scenario.target
    breakdowns = [chain_rule(row, neuron, loss, scenario.x, target) for loss, row in rows.items()]
    st.markdown(f"**The gradient at epoch {epoch:,}, factor by factor** (highlighted: a slope below 0.05)")
    for breakdown in breakdowns:
        st.caption(breakdown.name)
        st.latex(breakdown.latex)
    ratio = step_ratio(breakdowns)
    if ratio:
        st.markdown(f"**{ratio}**")
    st.vega_lite_chart(
        spec=sigma_path_spec(path_data, neuron, starts, rows),
        theme=None,
        alt="The sigmoid curve with each loss's path over the epochs drawn on it; points coloured by "
        "epoch, the start and the inspected epoch marked.",
    )
    st.markdown(
        f"**Gradient check at epoch {epoch:,}**: each analytic gradient against a central finite "
        f"difference of the cost. They agree when the relative error is below {AGREE:g}."
    )
    table = ["| loss | gradient | analytic | finite difference | relative error | agree? |", "|" + "---|" * 6]
    for loss, row in rows.items():
        checks = (
            check_sigmoid(row, loss, scenario.x, target)
            if neuron == "sigmoid"
            else check_softmax(row, loss, target)
        )
        for c in checks:
            verdict = ":green[**✓ yes**]" if c.agrees else ":red[**✗ no**]"
            table.append(
                f"| {LOSSES[neuron][loss].name} | ∂C/∂{c.parameter} | {c.analytic:.10g} | {c.numeric:.10g} "
                f"| {c.relative_error:.1e} | {verdict} |"
            )
    st.markdown("\n".join(table))


timer_on = bool(st.session_state.get("playing"))
every = NUMBERS_SECONDS if timer_on else None


@st.fragment(run_every=every)
def epoch_numbers(scenario: Scenario, present: bool) -> None:
    """The live numbers at the inspected epoch. While a replay plays, only this fragment (and the
    open close-up) reruns, a few times a second; the charts' cursor moves in the browser."""
    frame = prepared_for(scenario).frame
    epoch = replay_at(scenario.epochs)
    if timer_on and epoch >= scenario.epochs:
        st.rerun()  # the end: a full run stops the replay and its timers
    rows = rows_at(frame, scenario, epoch)
    where = f"At epoch {epoch:,} of {scenario.epochs:,}"
    if timer_on:
        # In place of the epoch slider: a slider the browser still held would send its old value
        # with every frame's request and undo the epoch a pause stores.
        st.progress(epoch / max(scenario.epochs, 1), text=where)
    elif not present:
        st.caption(where)
    live_numbers(rows, scenario.neuron, big=present)


@st.fragment(run_every=every)
def closeup(scenario: Scenario) -> None:
    """The chain rule, the σ path and the gradient check, following a replay like the numbers."""
    prepared = prepared_for(scenario)
    epoch = replay_at(scenario.epochs)
    rows = rows_at(prepared.frame, scenario, epoch)
    one_epoch(prepared.path, prepared.starts, rows, scenario, epoch)


def epoch_views(scenario: Scenario, log_scale: bool, present: bool, story: list[str]) -> None:
    """Everything tied to the inspected epoch, and the map; only the open tab's content runs."""
    replay_controls(scenario.epochs, one_row=present)
    if st.session_state.get("playing", False) != timer_on:
        st.rerun()  # starting or stopping the replay's timers takes a full run
    epoch_numbers(scenario, present)
    prepared = prepared_for(scenario)
    state = st.session_state
    cursor = cursor_params(state.epoch, state.get("play_speed", 1), scenario.epochs, timer_on)
    chart_args = (prepared.chart, scenario.neuron, log_scale, cursor, scenario.target_output())
    if present:
        for index, column in enumerate(st.columns(len(PANELS[scenario.neuron]))):
            with column:
                st.vega_lite_chart(
                    spec=epoch_chart_spec(*chart_args, panel=index),
                    theme=None,
                    alt=f"{PANELS[scenario.neuron][index].title}, over the epochs, one line per loss.",
                )
        return
    curves, closeup_tab, speed = st.tabs(PARAMS["view"].options, key="view", on_change="rerun", bind=URL)
    if curves.open:
        with curves:
            st.vega_lite_chart(
                spec=epoch_chart_spec(*chart_args),
                theme=None,
                alt="Four charts over the epochs, one line per loss: cost, gradient size, the activation's "
                "slope, and the output against its target. " + " ".join(story),
            )
    if closeup_tab.open:
        with closeup_tab:
            closeup(scenario)
    if speed.open:
        with speed:
            speed_map_view(scenario, prepared.starts)


def speed_map_view(scenario: Scenario, starts: dict) -> None:
    """The learning-speed map with its controls and its one-sentence summary."""
    neuron = scenario.neuron
    st.markdown(
        "Every update moves (w, b) along (x, 1), so z changes by −η(1 + x²)·∂C/∂z: a run depends on w and "
        "b only through **z₀ = w·x + b**. So one map over the start and η covers every start you could "
        "pick " + ("for this x and y." if neuron == "sigmoid" else "for this K, target class and x.")
    )
    left, right = st.columns(2)
    with left:
        goal = control(st.select_slider, "goal")
    with right:
        cap = control(st.select_slider, "cap")
    shown = cached_map(neuron, scenario.x, scenario.y, scenario.classes, scenario.target, goal, cap)
    start = next(iter(starts.values()))["a"] if neuron == "sigmoid" else scenario.margin
    st.vega_lite_chart(
        spec=map_spec(shown, float(start), scenario.eta),
        theme=None,
        key="map_pick",
        on_select=load_cell,
        selection_mode="pick",
        alt="Two heatmaps, one per loss: epochs until the output error reaches the goal for every start "
        "(horizontal) and learning rate (vertical, log scale); grey cells did not learn.",
    )
    slow, fast = list(LOSSES[neuron])
    compared = shown.comparison
    st.markdown(
        f"{LOSSES[neuron][slow].name} cost needs more than {compared.factor:g}× as many epochs as "
        f"{LOSSES[neuron][fast].name.lower()} on **{compared.share_slower:.0%}** of this map; it never "
        f"reaches the goal within {cap:,} epochs on {compared.slow_capped / compared.cells:.0%} of it "
        f"({LOSSES[neuron][fast].name.lower()}: {compared.fast_capped / compared.cells:.0%}). "
        "Click a cell to load that start and η."
    )


# The page.

read_url_once()

with st.sidebar:
    st.header("Scenario")
    neuron = control(
        st.segmented_control,
        "neuron",
        options=NEURONS,
        default=NEURONS[0],
        required=True,
        on_change=neuron_changed,
    )
    st.selectbox(
        PARAMS["preset"].label,
        [key for key, preset in PRESETS.items() if preset.scenario.neuron == neuron],
        index=None,
        format_func=lambda key: PRESETS[key].label,
        placeholder="Choose a ready-made start…",
        key="preset",
        help=PARAMS["preset"].help,
        on_change=lambda: load_preset(st.session_state.preset),
    )
    losses = control(
        st.pills,
        "losses",
        options=list(LOSSES[neuron]),
        selection_mode="multi",
        default=list(LOSSES[neuron]),
        format_func=lambda key: LOSSES[neuron][key].name,
    )
    eta = control(st.select_slider, "eta")
    epochs = control(st.select_slider, "epochs")
    st.subheader("Start")
    if neuron == "sigmoid":
        w, b, x, y = (control(st.slider, name) for name in ("w", "b", "x", "y"))
        scenario = Scenario(neuron, tuple(losses), eta, epochs, w=w, b=b, x=x, y=y)
    else:
        classes = control(st.slider, "classes")
        clamp("target", classes - 1)
        target = control(st.slider, "target", max_value=classes - 1)
        x, margin = (control(st.slider, name) for name in ("x", "margin"))
        scenario = Scenario(
            neuron, tuple(losses), eta, epochs, x=x, classes=classes, target=target, margin=margin
        )
    st.subheader("View")
    log_scale = control(st.toggle, "log", on_change="rerun")
    if not st.session_state.get("present"):
        control(st.toggle, "present", on_change="rerun")

present = bool(st.session_state.get("present"))
if present:
    st.html(PRESENTATION_CSS)
    title, toggle = st.columns([4, 1], vertical_alignment="center")
    title.subheader("Why the loss decides how fast a neuron learns")
    with toggle:
        control(st.toggle, "present", on_change="rerun")
else:
    st.html(PAGE_CSS)
    st.header("Why the loss decides how fast a neuron learns", divider="blue")
    slope, fast = ("σ′(z)", "cross-entropy") if neuron == "sigmoid" else ("a_y(1 − a_y)", "log-likelihood")
    st.markdown(
        "The same neuron, the same start, the same learning rate: only the **loss** differs. "
        f"Watch where **{slope}** is tiny: there the quadratic cost's gradient is tiny and its cost curve "
        f"stays flat, while {fast} keeps learning fast."
    )
if st.session_state.url_notes:
    st.warning(
        "Some link parameters were ignored or corrected:\n\n- " + "\n- ".join(st.session_state.url_notes)
    )

if not losses:
    st.info("Select at least one loss in the sidebar to compare.")
    st.stop()

# Only small things at the script's top level: the widgets' callbacks keep this run's globals
# alive until the session's next run, so a run's frame held here would outlive its cache entry.
story = prepared_for(scenario).story
if not present:
    for column, summary in zip(st.columns(len(losses), border=True), prepared_for(scenario).summaries):
        colour, line = loss_style(neuron, summary.loss)
        column.html(f'<b style="color:{colour};font-size:1.3rem">{summary.name}</b> ({line})')
        cost, output, halved = column.columns(3)
        cost.metric(
            "Final cost",
            f"{summary.final_cost:.3g}",
            delta=f"{summary.final_cost / summary.start_cost - 1:+.0%}" if summary.start_cost else None,
            delta_color="inverse",
            help="The change is from the cost at the start. Costs of different losses are on different "
            "scales: compare each loss with its own start.",
        )
        output.metric(f"Final output {output_column(neuron)}", f"{summary.final_output:.3g}")
        halved.metric(
            "Halved at epoch",
            "not within run" if summary.halved_at is None else f"{summary.halved_at:,}",
            help="First epoch where the output error |output − target| is at most half its starting value.",
        )
    st.markdown("\n\n".join(story))
    lesson = st.expander(
        "Lesson: why the loss decides the speed, in five steps",
        icon=":material/school:",
        key="lesson",
        on_change="rerun",
    )
    if lesson.open:  # its twenty elements are built and sent only while it is open
        with lesson:
            for number, step in enumerate(STEPS):
                st.subheader(step.title)
                st.markdown(step.text)
                st.markdown(f"**Look at:** {step.look}")
                st.button(
                    f"Load: {PRESETS[step.preset].label}",
                    key=f"lesson_{number}",
                    on_click=load_preset,
                    args=(step.preset,),
                )

epoch_views(scenario, log_scale, present, story)
if present:
    st.stop()

with st.sidebar:
    st.subheader("Share")
    values = {key: st.session_state.get(key) for key in PARAMS}
    st.caption("This link reproduces exactly what you see:")
    query = urlencode(share_query(values), doseq=True)
    st.code(f"{st.context.url or ''}{'?' if query else ''}{query}", language=None, wrap_lines=True)
    st.download_button(
        "Download the runs (CSV)",
        data=partial(to_csv, scenario),
        file_name="lossdemo-runs.csv",
        mime="text/csv",
        on_click="ignore",
    )
