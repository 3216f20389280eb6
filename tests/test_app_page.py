"""AppTest-level tests of the dashboard page: it runs, its charts carry the engine's
numbers, and every control, preset and toggle does what it says.

Charts are found by what their spec contains, widgets by key, metrics by label, so the tests
survive new sections on the page. Expected numbers come from the engine called directly."""

from __future__ import annotations

import gc
import io
import math
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from apptest_helpers import (
    FILE_NAME,
    chart_datasets,
    charts,
    cursor_of,
    engine_run,
    epoch_chart,
    epoch_data,
    epoch_panels,
    loss_metrics,
    markdown_texts,
    open_view,
    page_scenario,
    run_app,
    set_scenario,
    sigma_chart,
    spec_of,
)
from by_hand import halving_epoch, sigmoid_outputs
from findings_oracle import stacked_runs, truths

from lossdemo import LOSSES
from lossdemo.charts.epochs import PANELS, epoch_chart_data, run_names
from lossdemo.controls.presets import PRESETS
from lossdemo.controls.scenario import DEFAULT, Scenario, runs
from lossdemo.language.words import loss_words
from lossdemo.teaching.summaries import findings

# The quantities each panel of the 2×2 chart must plot, in panel order.
PANEL_COLUMNS = {
    "sigmoid": (("cost_left",), ("grad_w", "grad_b"), ("sigma_prime",), ("a",)),
    "softmax": (("cost_left",), ("grad_b_y", "grad_norm"), ("sigma_prime",), ("a_y",)),
}
GRADIENT_PANEL = 1  # plotted as magnitudes
MAX_CHART_EPOCHS = 2000
# A fresh page compares the source article's two losses from DEFAULT's start; switching to softmax
# selects the softmax layer's two (quadratic and log-likelihood).
FRESH = DEFAULT
SOFTMAX_DEFAULT = Scenario(neuron="softmax", losses=("quadratic", "log_likelihood"))


def series_columns(neuron: str) -> dict[tuple[int, str], str]:
    """(panel, series label) → engine column, from the chart module's panel list."""
    return {
        (index, label): column for index, panel in enumerate(PANELS[neuron]) for column, label in panel.fields
    }


def runs_dataset(at) -> pd.DataFrame:
    return epoch_data(at)


def assert_epoch_chart_matches_engine(at, scenario: Scenario) -> None:
    """Every point of the `runs` dataset equals the engine's run at the same epoch, for every
    run (each selected loss, or each series) and every plotted quantity; each run keeps epoch 0 and
    the last epoch."""
    data = runs_dataset(at)
    frame = runs(scenario)
    frame["name"] = run_names(frame, scenario.neuron)
    names = {key: loss_words(scenario.neuron, key).name for key in LOSSES[scenario.neuron]}
    assert "series" in frame or set(data["loss"]) == {names[loss] for loss in scenario.losses}
    assert set(data["loss"]) == set(frame["name"])
    columns = series_columns(scenario.neuron)
    for loss in frame["name"].unique():
        run = frame[frame["name"] == loss].set_index("epoch")
        mine = data[data["loss"] == loss]
        for (panel, label), part in mine.groupby(["panel", "series"]):
            column = columns[(panel, label)]
            epochs = part["epoch"].to_numpy()
            assert epochs[0] == 0 and epochs[-1] == scenario.epochs, (loss, label)
            assert len(epochs) <= MAX_CHART_EPOCHS
            assert np.all(np.diff(epochs) > 0), "one point per epoch, in order"
            expected = run.loc[epochs, column].to_numpy()
            np.testing.assert_array_equal(part["signed"].to_numpy(), expected, err_msg=f"{loss} {label}")


def shown_cost(cost: float) -> str:
    """3 significant digits, trailing zeros kept where dropping them would pass the cost off as
    exact (0.99952 as 1.00, never 1)."""
    text = f"{cost:.3g}"
    return text if float(text) == cost else f"{cost:#.3g}"


def expected_metrics(scenario: Scenario) -> list[dict[str, str]]:
    """The metrics the page should show, computed from the engine's full runs."""
    rows = []
    out = "a" if scenario.neuron == "sigmoid" else "a_y"
    truth = truths(stacked_runs(scenario), scenario)
    for loss in scenario.losses:
        run = engine_run(scenario, loss)
        t = truth[loss_words(scenario.neuron, loss).name]
        final = run[out].iloc[-1]
        note = f"hovers ±{t.band:.2g}" if t.hovering() else None
        if t.unstable():
            halved, note = "never", "unstable: η too large"
        elif t.settled() is None:
            halved = "never" if t.hovering() else "not yet"
        else:
            halved = f"{t.settled():,}"
        start, end = run["cost"].iloc[0], run["cost"].iloc[-1]
        # The change from the start, signed: a falling cost is negative (−99.7 %), and one that fell
        # by more than 99.95 % but not to 0 says what is left: −(100 − 0.045)%, never −100 %.
        change = f"{100 * (end - start) / start:+.3g}%" if start else None
        if change == "-100%" and end:
            change = f"-(100 − {100 * end / start:.2g})%"
        rows.append(
            {
                "cost": shown_cost(end),
                "change": change,
                # Never a false 0 or 1: within 5e-4 of 1 the output is written 1 − ε.
                "output": f"1 − {1 - final:.2g}" if 0 < 1 - final < 5e-4 else f"{final:.3g}",
                "output_label": f"Final output {out}",
                "halved": halved,
                "halved_note": note,
            }
        )
    return rows


def controls(at, neuron: str) -> dict[str, object]:
    """What the sidebar widgets show, read from the widgets themselves."""
    shown = {
        "neuron": at.segmented_control(key="neuron").value,
        "losses": tuple(at.pills(key="losses").value),
        "eta": at.select_slider(key="eta").value,
        "epochs": at.select_slider(key="epochs").value,
        "x": at.slider(key="x").value,
    }
    names = ("w", "b", "y") if neuron == "sigmoid" else ("classes", "target", "margin")
    return shown | {name: at.slider(key=name).value for name in names}


def scenario_controls(scenario: Scenario) -> dict[str, object]:
    shown = {
        "neuron": scenario.neuron,
        "losses": scenario.losses,
        "eta": scenario.eta,
        "epochs": scenario.epochs,
        "x": scenario.x,
    }
    names = ("w", "b", "y") if scenario.neuron == "sigmoid" else ("classes", "target", "margin")
    return shown | {name: getattr(scenario, name) for name in names}


def to_softmax(at):
    return at.segmented_control(key="neuron").set_value("softmax").run()


def test_default_page_runs_without_exception_on_the_default_scenario():
    at = run_app()
    assert not at.exception
    assert controls(at, "sigmoid") == scenario_controls(FRESH)
    assert page_scenario(at) == FRESH
    assert at.selectbox(key="preset").value is None
    assert not at.warning


def test_the_epochs_are_four_container_wide_panels_two_a_row_with_one_series_per_loss_and_quantity():
    at = run_app()
    panels = epoch_panels(at)
    assert [spec_of(el)["description"].split(". ")[0] for el in panels] == [
        p.title for p in PANELS["sigmoid"]
    ]
    assert all(spec_of(el)["width"] == "container" for el in panels)
    legend = " ".join(h.proto.body for h in at.get("html"))
    assert all(loss_words("sigmoid", key).name in legend for key in FRESH.losses)
    assert loss_words("sigmoid", "focal").name not in legend  # only the losses shown
    data = runs_dataset(at)
    columns = series_columns("sigmoid")
    for panel, expected in enumerate(PANEL_COLUMNS["sigmoid"]):
        part = data[data["panel"] == panel]
        series = part.groupby(["loss", "series"]).size()
        assert sorted({loss for loss, _ in series.index}) == sorted(
            loss_words("sigmoid", key).name for key in FRESH.losses
        )
        assert len(series) == len(FRESH.losses) * len(expected), f"panel {panel}"
        assert {columns[(panel, label)] for _, label in series.index} == set(expected)
        assert (series == DEFAULT.epochs + 1).all(), "300 epochs fit the chart whole: 301 points"


def test_epoch_chart_values_equal_the_engine_run_at_every_epoch():
    at = run_app()
    assert_epoch_chart_matches_engine(at, FRESH)


def test_epoch_chart_at_100000_epochs_keeps_2000_epochs_per_loss_but_metrics_use_the_full_run():
    at = run_app()
    at.select_slider(key="epochs").set_value(100_000).run()
    assert not at.exception
    scenario = replace(FRESH, epochs=100_000)
    assert page_scenario(at) == scenario
    assert_epoch_chart_matches_engine(at, scenario)
    data = runs_dataset(at)
    per_loss = data[data["panel"] == 0].groupby("loss")["epoch"]
    assert per_loss.nunique().between(MAX_CHART_EPOCHS - 1, MAX_CHART_EPOCHS).all()
    assert (per_loss.min() == 0).all() and (per_loss.max() == 100_000).all()

    metrics = loss_metrics(at)
    assert metrics == expected_metrics(scenario)
    # The halving epochs, by plain-Python gradient descent, are not among the charted epochs:
    # the metrics can only have come from the full 100,001-row runs.
    halved = [
        halving_epoch(sigmoid_outputs(loss, 2.0, 2.0, 1.0, 0.0, 0.15, 400), 0.0)
        for loss in ("quadratic", "cross_entropy")
    ]
    assert [m["halved"] for m in metrics] == [f"{epoch:,}" for epoch in halved]
    charted = set(per_loss.get_group("Quadratic"))
    assert set(halved).isdisjoint(charted), (halved, sorted(charted)[:10])


def test_switching_to_softmax_shows_softmax_charts_and_metrics():
    at = to_softmax(run_app())
    assert not at.exception
    assert page_scenario(at) == SOFTMAX_DEFAULT
    assert at.pills(key="losses").value == ["quadratic", "log_likelihood"]
    assert_epoch_chart_matches_engine(at, SOFTMAX_DEFAULT)
    data = runs_dataset(at)
    columns = series_columns("softmax")
    for panel, expected in enumerate(PANEL_COLUMNS["softmax"]):
        labels = set(data.loc[data["panel"] == panel, "series"])
        assert {columns[(panel, label)] for label in labels} == set(expected)
    assert loss_metrics(at) == expected_metrics(SOFTMAX_DEFAULT)
    assert set(chart_datasets(sigma_chart(at))["path"]["loss"]) == {"Quadratic", "Log-likelihood"}


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_loads_via_the_selectbox_and_sets_the_controls(name):
    scenario = PRESETS[name].scenario
    at = run_app()
    if scenario.neuron != "sigmoid":
        at = to_softmax(at)
    at.selectbox(key="preset").set_value(name).run()
    assert not at.exception
    assert at.selectbox(key="preset").value == name
    assert controls(at, scenario.neuron) == scenario_controls(scenario)
    assert at.slider(key="epoch").value == 0
    assert page_scenario(at) == scenario
    metrics = loss_metrics(at)
    assert metrics == expected_metrics(scenario) or (
        not scenario.plain() and len(metrics) == len(scenario.series())
    )
    assert_epoch_chart_matches_engine(at, scenario)


def test_changing_a_control_after_a_preset_clears_the_preset_and_keeps_its_other_values():
    at = run_app()
    at.selectbox(key="preset").set_value("slightly_wrong").run()
    at.select_slider(key="eta").set_value(0.3).run()
    assert not at.exception
    assert at.selectbox(key="preset").value is None
    scenario = Scenario(w=0.6, b=0.9, eta=0.3)
    assert controls(at, "sigmoid") == scenario_controls(scenario)
    assert loss_metrics(at) == expected_metrics(scenario)
    assert_epoch_chart_matches_engine(at, scenario)


MOVES = [
    ("sigmoid", "slider", "w", 0.5),
    ("sigmoid", "select_slider", "eta", 0.5),
    ("sigmoid", "select_slider", "epochs", 100),
    ("sigmoid", "slider", "y", 0.3),
    ("sigmoid", "slider", "x", -1.5),
    ("softmax", "slider", "margin", 1.5),
    ("softmax", "slider", "classes", 6),
    ("softmax", "slider", "x", 2.0),
]


@pytest.mark.parametrize(("neuron", "widget", "key", "value"), MOVES)
def test_moving_a_control_changes_the_charts_data_to_the_new_run(neuron, widget, key, value):
    at = run_app()
    if neuron == "softmax":
        at = to_softmax(at)
    before = {
        name: chart_datasets(el) for name, el in (("epoch", epoch_chart(at)), ("path", sigma_chart(at)))
    }
    getattr(at, widget)(key=key).set_value(value).run()
    assert not at.exception
    scenario = page_scenario(at)
    assert getattr(scenario, key) == value
    after = {name: chart_datasets(el) for name, el in (("epoch", epoch_chart(at)), ("path", sigma_chart(at)))}
    assert not before["epoch"]["runs"].equals(after["epoch"]["runs"])
    assert not before["path"]["path"].equals(after["path"]["path"])
    assert_epoch_chart_matches_engine(at, scenario)
    assert loss_metrics(at) == expected_metrics(scenario)


def test_moving_the_target_class_reruns_the_engine_for_that_class(downloads):
    # The start logits put the strongest rival right after the target and treat the other
    # classes alike, so cost, ∂C/∂b_y, ‖∇C‖ and a_y are the same for every target class. What
    # differs is which class they are about: here class 2 of 3, whose rival is class 0 (2 + 1
    # wraps round to 0), starting at logits (4, 0, 0) for (class 0, class 1, class 2).
    at = to_softmax(run_app(view="Up close"))
    at.slider(key="target").set_value(2).run()
    assert not at.exception
    scenario = page_scenario(at)
    assert scenario.target == 2
    assert_epoch_chart_matches_engine(at, scenario)
    assert loss_metrics(at) == expected_metrics(scenario)
    # The gradient check names the rival's bias: b_0, not b_1 as for target 0.
    open_view(at, "Up close")
    check = next(m.value for m in at.markdown if m.value.startswith("| loss | gradient | analytic"))
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in check.splitlines()[2:]]
    assert [row[1] for row in rows] == ["∂C/∂b_y", "∂C/∂W_y", "∂C/∂b_0"] * 2
    # The CSV (the last run's download) is the run for target 2: it says so, and a_y is the
    # probability of class 2.
    text = [d for d in downloads if d.file_name == FILE_NAME][-1].data()
    assert "# target = 2\n" in text
    frame = pd.read_csv(io.StringIO(text), comment="#")
    np.testing.assert_array_equal(frame["a_y"], frame["a_2"])
    np.testing.assert_array_equal(frame["z_y"], frame["z_2"])
    first = frame[frame["epoch"] == 0].iloc[0]
    assert [first["z_0"], first["z_1"], first["z_2"]] == [4.0, 0.0, 0.0]
    assert first["a_2"] == pytest.approx(1 / (2 + math.exp(4)))  # e^0 / (e^4 + e^0 + e^0)


def test_fewer_classes_pull_the_target_class_back_into_range():
    at = to_softmax(run_app())
    at.slider(key="target").set_value(2).run()
    at.slider(key="classes").set_value(2).run()
    assert not at.exception
    assert at.slider(key="target").value == 1
    scenario = Scenario(neuron="softmax", losses=SOFTMAX_DEFAULT.losses, classes=2, target=1)
    assert page_scenario(at) == scenario
    assert_epoch_chart_matches_engine(at, scenario)


def test_fewer_epochs_pull_the_inspected_epoch_back_into_range():
    at = run_app()
    at.slider(key="epoch").set_value(250).run()
    at.select_slider(key="epochs").set_value(100).run()
    assert not at.exception
    assert at.slider(key="epoch").value == 100
    assert cursor_of(epoch_chart(at))["value"] == 100


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(w=-1.5, b=3.0, x=2.0, y=0.3, eta=0.5, epochs=200),
        PRESETS["textbook_eta"].scenario,  # quadratic never halves: "not yet"
        Scenario(neuron="softmax", losses=("log_likelihood", "quadratic"), classes=5, margin=7.5),
    ],
    ids=["sigmoid", "sigmoid-never-halves", "softmax"],
)
def test_metrics_agree_with_the_engine(scenario):
    at = set_scenario(run_app(), scenario)
    assert loss_metrics(at) == expected_metrics(scenario)


def test_deselecting_every_loss_shows_an_info_message_and_no_chart():
    at = run_app()
    at.pills(key="losses").set_value([]).run()
    assert not at.exception
    assert [el.value for el in at.info] == ["Select at least one loss in the sidebar to compare."]
    assert not charts(at)
    assert not loss_metrics(at)
    at.pills(key="losses").set_value(["cross_entropy"]).run()
    assert not at.exception
    assert_epoch_chart_matches_engine(at, Scenario(losses=("cross_entropy",)))


def y_scale_types(at) -> list[str]:
    """The y scale type of each panel's line layer, in panel order."""
    return [spec_of(el)["layer"][0]["encoding"]["y"]["scale"]["type"] for el in epoch_panels(at)]


@pytest.mark.parametrize("neuron", ["sigmoid", "softmax"])
def test_log_scale_toggle_puts_cost_and_gradient_on_a_log_axis(neuron):
    at = run_app()
    if neuron == "softmax":
        at = to_softmax(at)
    assert y_scale_types(at) == ["linear"] * 4
    at.toggle(key="log").set_value(True).run()
    assert not at.exception
    assert y_scale_types(at) == ["log", "log", "linear", "linear"]
    at.toggle(key="log").set_value(False).run()
    assert y_scale_types(at) == ["linear"] * 4


@pytest.mark.parametrize("neuron", ["sigmoid", "softmax"])
def test_every_chart_has_a_description_and_the_epoch_chart_states_the_findings(neuron):
    at = run_app()
    if neuron == "softmax":
        at = to_softmax(at)
    assert charts(at)
    for el in charts(at):  # the spec's description is the chart's accessible name in the browser
        assert len(spec_of(el)["description"].strip()) > 40
    scenario = page_scenario(at)
    frame = pd.concat(
        [engine_run(scenario, loss).assign(loss=loss) for loss in scenario.losses], ignore_index=True
    )
    alt = spec_of(epoch_chart(at))["description"]
    for sentence in findings(frame, neuron, scenario):
        assert sentence in alt
        assert any(sentence in text for text in markdown_texts(at))
    output = scenario.kind.output  # and where each loss's output went, from its own run
    for loss in scenario.losses:
        values = engine_run(scenario, loss)[output]
        name, first, last = loss_words(neuron, loss).name, values.iloc[0], values.iloc[-1]
        assert re.search(f"{name}: [^;]* from {first:.3g} to {last:.3g}[;.]", alt), alt


def test_preset_selectbox_offers_only_the_current_neurons_presets():
    at = run_app()
    sigmoid = [key for key, p in PRESETS.items() if p.scenario.neuron == "sigmoid"]
    labels = [PRESETS[key].label for key in sigmoid]
    assert at.selectbox(key="preset").options == labels
    at = to_softmax(at)
    softmax = [key for key, p in PRESETS.items() if p.scenario.neuron == "softmax"]
    assert at.selectbox(key="preset").options == [PRESETS[key].label for key in softmax]


@pytest.mark.parametrize("name", ["slightly_wrong", "confidently_wrong"])
def test_a_link_naming_a_preset_opens_that_presets_scenario(name):
    # The selectbox must never name a preset while the controls show something else.
    scenario = PRESETS[name].scenario
    at = run_app({"preset": name})
    assert not at.exception
    assert at.selectbox(key="preset").value == name
    assert controls(at, scenario.neuron) == scenario_controls(scenario)
    assert loss_metrics(at) == expected_metrics(scenario)


@pytest.mark.parametrize("view", ["Curves", "Up close", "Loss shape"])
def test_a_run_dropped_from_the_cache_is_freed_while_its_session_stays_open(view):
    """Nothing a session keeps between its runs (widget callbacks and the run's globals they
    reach, fragments, the CSV download) may hold a run: with a lecture hall of sessions, each
    would pin its own frame after the cache let go of it."""
    at = run_app({"epochs": "1000"}, view=view)
    st.cache_resource.clear()
    gc.collect()
    rows = 2 * (1000 + 1)
    # type(), not isinstance(): isinstance() looks through a weak proxy, and raises if its object is gone.
    alive = [o for o in gc.get_objects() if type(o) is pd.DataFrame and len(o) == rows]
    assert not alive, f"{len(alive)} frames of the page's runs outlived the cache"
    assert not at.exception


@pytest.mark.parametrize("epochs", [2**15 - 1, 2**15, 100_000])  # the epoch column's two widths
def test_the_panels_plot_the_runs_epochs_at_every_length(epochs):
    """The browser receives the epochs as the narrowest integers that hold them: none may wrap."""
    data = epoch_chart_data(runs(Scenario("sigmoid", ("quadratic",), 0.5, epochs)), "sigmoid")
    sampled = set(np.unique(np.linspace(0, epochs, 2000).round().astype(int)))  # 2,000 evenly spread
    for _panel, part in data.groupby("panel"):
        assert set(part["epoch"].astype(int)) == sampled
