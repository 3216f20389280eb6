"""A page's runs: every selected loss's engine run, stacked in the scenario's order, the row of any
loss at any epoch found by position, and what the page caches once for every session."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import altair as alt
import pandas as pd
from apptest_helpers import scenario_of
from hypothesis import given, settings
from strategies import valid_states

from lossdemo.charts.style import spec_cache
from lossdemo.controls.scenario import Scenario, rows_at, runs, simulate


@settings(max_examples=60, deadline=None)
@given(valid_states(max_epochs=3000))
def test_runs_stack_each_losss_engine_run_in_the_scenarios_order(state):
    scenario = scenario_of(state)
    frame = runs(scenario)
    assert list(frame["loss"].cat.categories) == list(scenario.losses)
    assert frame["loss"].tolist() == [loss for loss in scenario.losses for _ in range(scenario.epochs + 1)]
    for loss, run in frame.groupby("loss", sort=False):
        expected = simulate(scenario, loss)
        pd.testing.assert_frame_equal(
            run.drop(columns="loss").reset_index(drop=True), expected, check_exact=True
        )


@settings(max_examples=60, deadline=None)
@given(valid_states(max_epochs=3000))
def test_rows_at_are_the_rows_of_each_loss_at_that_epoch(state):
    scenario, epoch = scenario_of(state), state["epoch"]
    frame = runs(scenario)
    rows = rows_at(frame, scenario, epoch)
    assert list(rows) == list(scenario.losses)
    for loss, row in rows.items():
        scanned = frame[(frame["loss"] == loss) & (frame["epoch"] == epoch)]
        assert len(scanned) == 1
        pd.testing.assert_series_equal(row, scanned.iloc[0])


def test_scenario_work_counts_neuron_updates():
    assert Scenario("sigmoid", ("quadratic", "cross_entropy"), 0.15, 300).work() == 600
    assert Scenario("softmax", ("log_likelihood",), 0.15, 1000, classes=4).work() == 4000


def test_a_chart_spec_asked_for_by_many_sessions_at_once_is_built_once():
    builds = []

    def chart(neuron):
        builds.append(neuron)
        time.sleep(0.05)
        return alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q")

    spec = spec_cache(chart)
    with ThreadPoolExecutor(8) as pool:
        specs = list(pool.map(spec, ["sigmoid"] * 8))
    assert builds == ["sigmoid"] and len(set(specs)) == 1
    assert json.loads(specs[0])["mark"] == {"type": "point"}
