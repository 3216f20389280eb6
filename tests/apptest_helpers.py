"""Shared helpers for the AppTest-level page tests: run the page, find its charts by what their
spec contains (never by position), read the charts' Arrow datasets, and compute the engine's own
runs for the scenario the page shows."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow.ipc
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from lossdemo import simulate_sigmoid, simulate_softmax, start_logits
from lossdemo.charts.epochs import DATASET, PANELS
from lossdemo.controls.scenario import Scenario
from lossdemo.controls.url import parse_starts

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 30  # seconds per script run: generous, the machine is shared with benchmarks

FILE_NAME = "lossdemo-runs.csv"  # the page's CSV download
PAGE_TIMEOUT = 60  # seconds per script run in `open_page`; the learning-speed map's sweep can take several
BASE_URL = "http://localhost:8501/"
START = {"sigmoid": ("w", "b", "y"), "softmax": ("classes", "target", "margin")}  # besides x and η

SIGMOID_KEYS = ("neuron", "losses", "eta", "epochs", "w", "b", "x", "y", "optimizer")
SOFTMAX_KEYS = ("neuron", "losses", "eta", "epochs", "x", "classes", "target", "margin", "optimizer")


def run_app(query: Mapping[str, str | list[str]] | None = None, view: str | None = None) -> AppTest:
    """A fresh session of the page, run once, optionally opened with URL query parameters and
    then switched to one of its views (tabs render only when open)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return open_view(at, view) if view else at


def open_page(query: Mapping[str, str | list[str]]) -> AppTest:
    """A fresh session opened at BASE_URL with this query string (the page's share link reads it)."""
    at = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT)
    at.context = {"url": BASE_URL}
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def share_links(at: AppTest) -> list[str]:
    """The links of the sidebar's Share expander, opened as a click opens it: the page's link, then
    the exercise-link builder's (an open class poll's links, which name its room, are not these)."""
    at.session_state["share_link"] = True  # the expander builds its contents only while open
    at.run()
    return [c.value for c in at.code if "room=" not in c.value]


def scenario_of(state: Mapping[str, object]) -> Scenario:
    """The scenario a complete set of control values (as `strategies.valid_states` draws) describes."""
    neuron = state["neuron"]
    start = {key: state[key] for key in (*START[neuron], "x")}
    return Scenario(
        neuron,
        tuple(state["losses"]),
        state["eta"],
        state["epochs"],
        **start,
        balance=state["balance"],
        optimizer=state["optimizer"],
        starts=parse_starts(state["starts"], neuron)[0] if state.get("starts") else (),
        widget_rule=bool(state.get("widget_rule")),
    )


def runs_datasets(at: AppTest) -> list[pd.DataFrame]:
    """The `runs` dataset of every chart over the epochs on the page. Each of the four panels holds
    only its own rows (in panel order, as `long_form` stacks them): their parts are joined into one."""
    found, parts = [], []
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            if dataset.name == DATASET:
                table = pyarrow.ipc.open_stream(io.BytesIO(dataset.data.data)).read_all().to_pandas()
                if table["panel"].nunique() == 1:
                    parts.append(table)
                else:
                    found.append(table.reset_index(drop=True))
    for first in range(0, len(parts), 4):
        found.append(pd.concat(parts[first : first + 4], ignore_index=True))
    return found


def epoch_data(at: AppTest) -> pd.DataFrame:
    """What the four panels over the epochs plot, joined in panel order (`long_form`'s)."""
    return pd.concat([chart_datasets(el)[DATASET] for el in epoch_panels(at)], ignore_index=True)


def chart_datasets(el) -> dict[str, pd.DataFrame]:
    """The named datasets of a vega_lite_chart element, as DataFrames."""
    return {
        ds.name: pyarrow.ipc.open_stream(io.BytesIO(ds.data.data)).read_all().to_pandas()
        for ds in el.proto.datasets
    }


def spec_of(el) -> dict:
    return json.loads(el.proto.spec)


def cursor_of(el) -> dict:
    """The `cursor` parameter of an epoch chart: where its inspected-epoch rule stands (and, while a
    replay plays, the browser timer that moves it)."""
    return next(p for p in spec_of(el)["params"] if p["name"] == "cursor")


def charts(at: AppTest) -> list:
    return list(at.get("vega_lite_chart"))


def select_on_chart(at: AppTest, chart, selection: dict[str, list[dict]]) -> AppTest:
    """Run the page as the browser does after a click on a chart drawn with `on_select`: the widget
    states of the last run plus the chart's own, holding `selection` (each selection parameter's
    name → the selected points' fields). AppTest has no API for chart selections, so the chart's
    state is added to the states it sends by itself; the chart's callback runs as after a click."""
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps({"selection": selection})))
    return at._run(states)


def open_view(at: AppTest, view: str) -> AppTest:
    """Switch the page's tabs to `view` (only the open tab's content is rendered)."""
    if at.session_state["view"] != view:
        at.session_state["view"] = view
        if "view" in at.query_params:  # AppTest resends its URL on every run, where the URL wins
            at.query_params["view"] = view
        at.run()
    return at


PANEL_TITLES = {panel.title for panels in PANELS.values() for panel in panels}


def epoch_panels(at: AppTest) -> list:
    """The four charts over the epochs (on the Curves tab, opened if need be), in panel order: the
    charts whose accessible description starts with an epoch panel's title."""
    open_view(at, "Curves")
    found = [el for el in charts(at) if spec_of(el).get("description", "").split(". ")[0] in PANEL_TITLES]
    assert len(found) == 4, f"expected four epoch panels, found {len(found)}"
    return found


def epoch_chart(at: AppTest):
    """The first chart over the epochs; every panel holds the same runs and cursor."""
    return epoch_panels(at)[0]


def sigma_chart(at: AppTest):
    """The σ-path chart (on the Up close tab, opened if need be): top-level `concat` and a
    `curve` dataset."""
    open_view(at, "Up close")
    found = [el for el in charts(at) if "concat" in spec_of(el) and "curve" in chart_datasets(el)]
    assert len(found) == 1, f"expected one σ-path chart, found {len(found)}"
    return found[0]


def page_scenario(at: AppTest) -> Scenario:
    """The scenario the page's controls describe right now (read from the session state)."""
    state = at.session_state
    neuron = state["neuron"]
    keys = SIGMOID_KEYS if neuron == "sigmoid" else SOFTMAX_KEYS
    values = {key: state[key] for key in keys}
    values["losses"] = tuple(values["losses"])
    # A Streamlit session state has no get(); these two widgets are not always on the page.
    extra = {key: state[key] for key in ("starts", "widget_rule") if key in state}
    compared = parse_starts(extra["starts"], neuron)[0] if extra.get("starts") else ()
    return Scenario(**values, starts=compared, widget_rule=bool(extra.get("widget_rule")))


def set_scenario(at: AppTest, scenario: Scenario) -> AppTest:
    """Set the sidebar to `scenario` through its widgets (neuron first: it swaps the sliders)."""
    if at.segmented_control(key="neuron").value != scenario.neuron:
        at.segmented_control(key="neuron").set_value(scenario.neuron).run()
    at.pills(key="losses").set_value(list(scenario.losses))
    at.select_slider(key="eta").set_value(scenario.eta)
    at.select_slider(key="epochs").set_value(scenario.epochs)
    at.segmented_control(key="optimizer").set_value(scenario.optimizer)
    names = ("w", "b", "x", "y") if scenario.neuron == "sigmoid" else ("classes", "x", "margin")
    for name in names:
        at.slider(key=name).set_value(getattr(scenario, name))
    at.run()
    if scenario.neuron == "softmax" and at.slider(key="target").value != scenario.target:
        at.slider(key="target").set_value(scenario.target).run()
    assert not at.exception
    assert page_scenario(at) == scenario
    return at


def engine_run(scenario: Scenario, loss: str) -> pd.DataFrame:
    """The engine's run of one loss, called directly (not through the page's helpers)."""
    s = scenario
    if s.neuron == "sigmoid":
        return simulate_sigmoid(loss, s.w, s.b, s.x, s.y, s.eta_for(loss), s.epochs, s.optimizer)
    logits = start_logits(s.classes, s.target, s.margin)
    return simulate_softmax(
        loss, [[0.0]] * s.classes, logits, [s.x], s.target, s.eta_for(loss), s.epochs, s.optimizer
    )


def metric_values(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def markdown_texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def loss_metrics(at: AppTest) -> list[dict[str, str]]:
    """Per loss, in page order: the shown final cost, final output and halving epoch (with the
    output metric's label), found by label so other metrics on the page do not interfere."""
    rows: list[dict[str, str]] = []
    for m in at.metric:
        if m.label == "Final cost":
            rows.append({"cost": m.value, "change": m.delta})
        elif m.label.startswith("Final output"):
            rows[-1] |= {"output": m.value, "output_label": m.label}
        elif m.label == "Halved at epoch":
            rows[-1] |= {"halved": m.value, "halved_note": m.delta or None}
    return rows


def the_csv(registered: list) -> object:
    """The page's one CSV download among those the `downloads` fixture recorded."""
    found = [d for d in registered if d.file_name == FILE_NAME]
    assert len(found) == 1, (
        f"expected one download named {FILE_NAME}, got {[d.file_name for d in registered]}"
    )
    return found[0]
