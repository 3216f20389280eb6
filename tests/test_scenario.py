"""A page's runs: every selected loss's engine run, stacked in the scenario's order, the row of any
loss at any epoch found by position, and what the page caches once for every session."""

from __future__ import annotations

import json
import sys
import threading
import time

import altair as alt
import pandas as pd
from apptest_helpers import scenario_of
from hypothesis import given, settings
from strategies import valid_states

from lossdemo.charts.style import spec_cache
from lossdemo.controls.scenario import Scenario, rows_at, runs, simulate

PLAIN = {"starts": "", "widget_rule": False}  # one run per loss (series: test_compare_starts)


@settings(max_examples=60, deadline=None)
@given(valid_states(max_epochs=3000, overrides=PLAIN))
def test_runs_stack_each_losss_engine_run_in_the_scenarios_order(state):
    scenario = scenario_of(state)
    frame = runs(scenario)
    assert list(frame["loss"].cat.categories) == list(scenario.losses)
    assert frame["loss"].tolist() == [loss for loss in scenario.losses for _ in range(scenario.epochs + 1)]
    for loss, run in frame.groupby("loss", sort=False):
        expected = simulate(scenario, loss)
        pd.testing.assert_frame_equal(
            run.drop(columns=["loss", "cost_left"]).reset_index(drop=True), expected, check_exact=True
        )
        # The cost still to lose: 1 at the start (unless there is nothing to lose), never below 0.
        left = run["cost_left"].to_numpy()
        assert left[0] in (0.0, 1.0) and (left >= 0).all()


@settings(max_examples=60, deadline=None)
@given(valid_states(max_epochs=3000))
def test_rows_at_are_the_rows_of_each_run_at_that_epoch(state):
    """Keyed by loss, or by series label when the runs are series (several starts, a step rule)."""
    scenario, epoch = scenario_of(state), state["epoch"]
    frame = runs(scenario)
    rows = rows_at(frame, scenario, epoch)
    key = "series" if "series" in frame else "loss"
    assert list(rows) == list(frame[key].unique())
    assert key == "series" or list(rows) == list(scenario.losses)
    for run, row in rows.items():
        scanned = frame[(frame[key] == run) & (frame["epoch"] == epoch)]
        assert len(scanned) == 1
        pd.testing.assert_series_equal(row, scanned.iloc[0])


def test_scenario_work_counts_neuron_updates():
    assert Scenario("sigmoid", ("quadratic", "cross_entropy"), 0.15, 300).work() == 600
    assert Scenario("softmax", ("log_likelihood",), 0.15, 1000, classes=4).work() == 4000


def test_a_chart_spec_asked_for_by_many_sessions_at_once_is_built_once():
    """Eight sessions ask for the same spec while the first build is still under way. No sleep
    widens the window: every build blocks until the main thread has seen each of the other seven
    callers either waiting inside the cached function (for the first build) or building too."""
    builds, release = [], threading.Event()

    def chart(neuron):
        builds.append(neuron)
        assert release.wait(timeout=60), "never released"
        return alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q")

    spec = spec_cache(chart)
    specs: dict[int, str] = {}
    threads = [threading.Thread(target=lambda i=i: specs.__setitem__(i, spec("sigmoid"))) for i in range(8)]

    def state(thread: threading.Thread) -> str:
        """'building' (inside chart), 'waiting' (blocked in spec itself, e.g. on its lock), or 'running'."""
        frame = sys._current_frames().get(thread.ident)
        if frame is None:
            return "done"
        innermost = frame
        while frame is not None:
            if frame.f_code is chart.__code__:
                return "building"
            frame = frame.f_back
        return "waiting" if innermost.f_code is spec.__code__ else "running"

    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while True:
        states = [state(thread) for thread in threads]
        if "building" in states and all(s in ("building", "waiting") for s in states):
            break
        assert time.monotonic() < deadline, f"the callers never all arrived: {states}"
        time.sleep(0.001)  # polling a condition, not widening a race: the builds are blocked
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert builds == ["sigmoid"], f"{len(builds)} builds; callers were {states}"
    assert len(specs) == 8 and len(set(specs.values())) == 1
    assert json.loads(specs[0])["mark"] == {"type": "point"}
