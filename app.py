"""lossdemo: watch the choice of loss decide how fast a neuron learns.

The page only: sidebar controls, then the main area in screen order. Every number comes from
the `lossdemo` package; runs and chart specs are cached here, at the page boundary."""

from urllib.parse import urlencode

import streamlit as st

from lossdemo import LOSSES, NEURONS
from lossdemo.charts import epoch_chart_spec, sigma_path_spec
from lossdemo.explain import chain_rule, findings, output_column, step_ratio, summarize
from lossdemo.gradcheck import AGREE, check_sigmoid, check_softmax
from lossdemo.lesson import STEPS
from lossdemo.params import PARAMS, parse_query, parse_value, share_query
from lossdemo.scenario import PRESETS, Scenario, default_losses, preset_values, runs, to_csv
from lossdemo.speedmap import bias_for, map_spec, sweep
from lossdemo.sweep import compare_losses

URL = "query-params"
SCENARIO_KEYS = ("neuron", "losses", "eta", "epochs", "w", "b", "x", "y", "classes", "target", "margin")

st.set_page_config(page_title="lossdemo: why the loss decides how fast a neuron learns", layout="wide")


@st.cache_data(max_entries=64, show_spinner=False)
def cached_runs(scenario: Scenario):
    return runs(scenario)


@st.cache_data(max_entries=16, show_spinner="Running every start and learning rate…")
def cached_sweep(neuron: str, x: float, y: float, classes: int, target: int, goal: str, cap: int):
    return sweep(neuron, x, y, classes, target, goal, cap)


def read_url_once() -> None:
    """On a session's first run, turn the URL into valid control values and keep the notes."""
    if "url_notes" in st.session_state:
        return
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    values, notes = parse_query(query)
    for key in query:
        if key not in PARAMS:
            del st.query_params[key]
    st.session_state.update(values)
    st.session_state.url_notes = notes


def load_preset(name: str | None) -> None:
    if name is not None:
        values = preset_values(name)
        st.session_state.update({key: values[key] for key in SCENARIO_KEYS})
        st.session_state.losses = list(values["losses"])
        st.session_state.epoch = 0
    st.session_state.url_notes = []


def changed() -> None:
    """A control moved by hand: the scenario is no longer the preset, and old link notes go."""
    st.session_state.preset = None
    st.session_state.url_notes = []


def neuron_changed() -> None:
    st.session_state.losses = list(default_losses(st.session_state.neuron))
    changed()


def load_cell() -> None:
    """A click on the map: load that start and η, keeping w and moving b (snapped to the controls)."""
    picked = st.session_state.map_pick.selection.get("pick") or []
    if not picked:
        return
    cell = picked[0]
    if st.session_state.get("neuron", "sigmoid") == "sigmoid":
        w, x = st.session_state.get("w", PARAMS["w"].default), st.session_state.get("x", PARAMS["x"].default)
        st.session_state.b = parse_value(PARAMS["b"], str(bias_for(cell["a0"], w, x)))[0]
    else:
        st.session_state.margin = parse_value(PARAMS["margin"], str(cell["margin"]))[0]
    st.session_state.eta = parse_value(PARAMS["eta"], str(cell["eta"]))[0]
    changed()


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
    return widget(p.label, key=name, help=p.help, bind=URL, **kwargs)


read_url_once()

with st.sidebar:
    st.header("Scenario")
    neuron = control(
        st.segmented_control,
        "neuron",
        options=NEURONS,
        default=NEURONS[0],
        required=True,
        format_func=str.capitalize,
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
        bind=URL,
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
    epochs = control(st.select_slider, "epochs", format_func=lambda n: f"{n:,}")
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

st.header("Why the loss decides how fast a neuron learns", divider="blue")
st.markdown(
    "The same neuron, the same start, the same learning rate: only the **loss** differs. "
    "Watch where **σ′(z)** is tiny: there the quadratic cost's gradient is tiny and its cost curve "
    "stays flat, while cross-entropy (or log-likelihood) keeps learning fast."
)
if st.session_state.url_notes:
    st.warning(
        "Some link parameters were ignored or corrected:\n\n- " + "\n- ".join(st.session_state.url_notes)
    )

if not losses:
    st.info("Select at least one loss in the sidebar to compare.")
    st.stop()

frame = cached_runs(scenario)
for summary in summarize(frame, neuron):
    name, cost, output, halved = st.columns([1.3, 1, 1, 1.3], vertical_alignment="center")
    name.subheader(summary.name)
    cost.metric("Final cost", f"{summary.final_cost:.3g}")
    output.metric(f"Final output {output_column(neuron)}", f"{summary.final_output:.3f}")
    halved.metric(
        "Error halved at epoch",
        "not within run" if summary.halved_at is None else f"{summary.halved_at:,}",
        help="First epoch where |output − target| is at most half its starting value.",
    )
story = findings(frame, neuron, scenario)
st.markdown("\n\n".join(story))

clamp("epoch", epochs)
epoch = control(st.slider, "epoch", max_value=epochs, on_change="rerun")
curves, closeup, speed, lesson, share = st.tabs(
    ["Over the epochs", "One epoch up close", "Learning-speed map", "Lesson", "Share & download"]
)

with curves:
    st.vega_lite_chart(
        spec=epoch_chart_spec(frame, neuron, log_scale, epoch, scenario.target_output()),
        alt="Four charts over the epochs, one line per loss: cost, gradient size, the activation's slope, "
        "and the output against its target. " + " ".join(story),
    )

with closeup:
    rows = {loss: frame[(frame["loss"] == loss) & (frame["epoch"] == epoch)].iloc[0] for loss in losses}
    target_value = scenario.y if neuron == "sigmoid" else scenario.target
    breakdowns = [chain_rule(row, neuron, loss, scenario.x, target_value) for loss, row in rows.items()]
    st.markdown(f"**The gradient at epoch {epoch:,}, factor by factor** (highlighted: a slope below 0.05)")
    for breakdown in breakdowns:
        st.caption(breakdown.name)
        st.latex(breakdown.latex)
    ratio = step_ratio(breakdowns)
    if ratio:
        st.markdown(f"**{ratio}**")
    st.vega_lite_chart(
        spec=sigma_path_spec(frame, neuron, epoch),
        alt="The sigmoid curve with each loss's path over the epochs drawn on it; points coloured by "
        "epoch, the start and the inspected epoch marked.",
    )
    st.markdown(
        f"**Gradient check at epoch {epoch:,}**: each analytic gradient against a central finite "
        f"difference of the cost. They agree when the relative error is below {AGREE:g}."
    )
    table = [
        "| loss | gradient | analytic | finite difference | relative error | agree? |",
        "|---|---|---|---|---|---|",
    ]
    for loss, row in rows.items():
        checks = (
            check_sigmoid(row, loss, scenario.x, scenario.y)
            if neuron == "sigmoid"
            else check_softmax(row, loss, scenario.target)
        )
        for c in checks:
            verdict = ":green[**✓ yes**]" if c.agrees else ":red[**✗ no**]"
            table.append(
                f"| {LOSSES[neuron][loss].name} | ∂C/∂{c.parameter} | {c.analytic:.10g} | {c.numeric:.10g} "
                f"| {c.relative_error:.1e} | {verdict} |"
            )
    st.markdown("\n".join(table))

with speed:
    st.markdown(
        "Every update moves (w, b) along (x, 1), so z changes by −η(1 + x²)·∂C/∂z: a run depends on w and b "
        "only through **z₀ = w·x + b**. So one map over the start and η covers every start you could pick "
        + ("for this x and y." if neuron == "sigmoid" else "for this K, target class and x.")
    )
    left, right = st.columns(2)
    with left:
        goal = control(st.select_slider, "goal", format_func=lambda g: "half the start" if g == "half" else g)
    with right:
        cap = control(st.select_slider, "cap", format_func=lambda n: f"{n:,}")
    cells = cached_sweep(neuron, scenario.x, scenario.y, scenario.classes, scenario.target, goal, cap)
    start = frame["a"].iloc[0] if neuron == "sigmoid" else scenario.margin
    st.vega_lite_chart(
        spec=map_spec(cells, neuron, float(start), eta),
        key="map_pick",
        on_select=load_cell,
        selection_mode="pick",
        alt="Two heatmaps, one per loss: epochs until the output error reaches the goal for every start "
        "(horizontal) and learning rate (vertical, log scale); grey cells did not learn.",
    )
    slow, fast = list(LOSSES[neuron])
    share_ = compare_losses(cells, slow, fast)
    st.markdown(
        f"{LOSSES[neuron][slow].name} cost needs more than {share_.factor:g}× as many epochs as "
        f"{LOSSES[neuron][fast].name.lower()} on **{share_.share_slower:.0%}** of this map; "
        f"it never reaches the goal within {cap:,} epochs on {share_.slow_capped / share_.cells:.0%} of it "
        f"({LOSSES[neuron][fast].name.lower()}: {share_.fast_capped / share_.cells:.0%}). "
        "Click a cell to load that start and η."
    )

with lesson:
    for number, step in enumerate(STEPS):
        st.subheader(step.title)
        st.markdown(step.text)
        st.markdown(f"👀 **Look at:** {step.look}")
        st.button(
            f"Load: {PRESETS[step.preset].label}",
            key=f"lesson_{number}",
            on_click=load_preset,
            args=(step.preset,),
        )

with share:
    values = {key: st.session_state.get(key) for key in PARAMS}
    link = f"{st.context.url or ''}?{urlencode(share_query(values), doseq=True)}"
    st.markdown("**Share this scenario**: this link reproduces exactly what you see.")
    st.code(link, language=None, wrap_lines=True)
    st.download_button(
        "Download the runs (CSV)",
        data=lambda: to_csv(scenario, frame),
        file_name="lossdemo-runs.csv",
        mime="text/csv",
        on_click="ignore",
    )
