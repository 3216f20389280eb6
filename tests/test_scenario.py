"""A page's runs: every selected loss's engine run, stacked in the scenario's order, and the row
of any loss at any epoch found by position."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from test_app_sharing import scenario_of
from test_params import valid_states

from lossdemo.scenario import row_at, runs, simulate


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
def test_row_at_is_the_row_of_that_loss_and_epoch(state):
    scenario, epoch = scenario_of(state), state["epoch"]
    frame = runs(scenario)
    for loss in scenario.losses:
        row = row_at(frame, scenario, loss, epoch)
        scanned = frame[(frame["loss"] == loss) & (frame["epoch"] == epoch)]
        assert len(scanned) == 1
        pd.testing.assert_series_equal(row, scanned.iloc[0])
