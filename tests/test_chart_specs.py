"""Every chart the page sends is valid Vega-Lite: the page builds its specs without Altair's
validation (a third of a build), so the specs of every view, both neuron kinds, an optimizer's
comparison, a log scale, compared starts and the start plane are checked here against the Vega-Lite
schema that ships with Altair."""

from __future__ import annotations

import pytest
from altair.vegalite.v6.schema.core import Root
from apptest_helpers import charts, open_view, run_app, spec_of

from lossdemo.controls.url import VIEWS

SCENARIOS = {
    "sigmoid": {},
    "softmax": {"neuron": "softmax", "classes": "3", "losses": ["Log-likelihood", "Label smoothing"]},
    "adam, log scale, starts, a data set": {
        "optimizer": "adam",
        "log": "true",
        "starts": "2:2,0.6:0.9",
        "data_preset": "outlier",  # the Landscape's start plane is offered for a data set
    },
}


def problem(spec: dict) -> str | None:
    """Why `spec` is not Vega-Lite, or None."""
    try:
        Root.validate(spec)
    except Exception as error:  # schemapi's ValidationError (jsonschema's)
        return str(error).splitlines()[0][:300]
    return None


@pytest.fixture(scope="module", autouse=True)
def _coarse(coarse_speed_map):
    """The map's spec is under test, not its grid."""


@pytest.mark.parametrize("query", SCENARIOS.values(), ids=SCENARIOS)
def test_every_chart_of_every_view_is_valid_vega_lite(query):
    at = run_app(query)
    sent = []
    for view in VIEWS:
        open_view(at, view)
        if view == "Landscape" and "data_preset" in query:
            at.toggle(key="map_starts").set_value(True).run()
        assert not at.exception, (view, [e.message for e in at.exception])
        sent += [(view, spec_of(chart)) for chart in charts(at)]
    assert {view for view, _ in sent} >= {"Curves", "Up close", "Loss shape", "Speed map", "Network"}
    problems = [f"{view}: {problem(spec)}" for view, spec in sent if problem(spec)]
    assert problems == []


def test_the_check_finds_a_spec_that_is_not_vega_lite():
    spec = spec_of(charts(run_app())[0])
    assert problem(spec) is None
    spec["width"] = "wide"
    assert "wide" in problem(spec)
