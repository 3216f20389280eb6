"""lossdemo: watch the choice of loss decide how fast a neuron learns.

The page only: sidebar controls, then the main area in screen order. Every number comes from
the `lossdemo` package; runs and chart specs are cached here, at the page boundary."""

import streamlit as st

from lossdemo import LOSSES, NEURONS
from lossdemo.charts import epoch_chart_spec
from lossdemo.explain import output_column, summarize
from lossdemo.params import PARAMS, parse_query
from lossdemo.scenario import PRESETS, Scenario, default_losses, preset_values, runs

URL = "query-params"
SCENARIO_KEYS = ("eta", "epochs", "w", "b", "x", "y", "classes", "target", "margin", "losses")

st.set_page_config(page_title="lossdemo: why the loss decides how fast a neuron learns", layout="wide")


@st.cache_data(max_entries=64, show_spinner=False)
def cached_runs(scenario: Scenario):
    return runs(scenario)


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


def apply_preset() -> None:
    name = st.session_state.preset
    if name is not None:
        values = preset_values(name)
        values["losses"] = list(values["losses"])
        st.session_state.update({key: values[key] for key in ("neuron", *SCENARIO_KEYS)})


def forget_preset() -> None:
    st.session_state.preset = None


def neuron_changed() -> None:
    st.session_state.losses = list(default_losses(st.session_state.neuron))
    forget_preset()


def control(widget, name: str, **kwargs):
    """A sidebar widget for URL parameter `name`, labelled and bounded as the parameter says."""
    p = PARAMS[name]
    kwargs.setdefault("on_change", forget_preset)
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
        [k for k, p in PRESETS.items() if p.scenario.neuron == neuron],
        index=None,
        format_func=lambda k: PRESETS[k].label,
        placeholder="Choose a ready-made start…",
        key="preset",
        help=PARAMS["preset"].help,
        bind=URL,
        on_change=apply_preset,
    )
    losses = control(
        st.pills,
        "losses",
        options=list(LOSSES[neuron]),
        selection_mode="multi",
        default=list(LOSSES[neuron]),
        format_func=lambda k: LOSSES[neuron][k].name,
    )
    eta = control(st.select_slider, "eta")
    epochs = control(st.select_slider, "epochs", format_func=lambda n: f"{n:,}")
    if neuron == "sigmoid":
        st.subheader("Start")
        w = control(st.slider, "w")
        b = control(st.slider, "b")
        x = control(st.slider, "x")
        y = control(st.slider, "y")
        scenario = Scenario(neuron, tuple(losses), eta, epochs, w=w, b=b, x=x, y=y)
    else:
        st.subheader("Start")
        classes = control(st.slider, "classes")
        target = control(st.slider, "target", max_value=classes - 1)
        x = control(st.slider, "x")
        margin = control(st.slider, "margin")
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

st.vega_lite_chart(
    spec=epoch_chart_spec(frame, neuron, log_scale, 0, scenario.target_output()),
    alt="Four charts over the epochs, one line per loss: cost, gradient size, the activation's slope, "
    "and the output against its target.",
)
