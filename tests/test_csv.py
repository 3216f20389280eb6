"""The CSV download of the runs: built only when clicked, named lossdemo-runs.csv, and it parses
back (pandas, comment="#") to exactly the engine's runs — every column, every epoch, also for
100,000 epochs where the chart only shows a sample — with the scenario stated in `#` header lines.

The page's download button is deferred (its data is a callable); AppTest does not click it, so a
spy on Streamlit's MediaFileManager.add_deferred keeps the callable the page registered."""

from __future__ import annotations

import io
import re
from dataclasses import fields

import pandas as pd
import pytest
from apptest_helpers import open_page, runs_datasets, scenario_of, the_csv
from hypothesis import given, settings
from strategies import defaults, valid_states

import lossdemo.page.views
from lossdemo.charts.style import MAX_POINTS
from lossdemo.controls.presets import preset_values
from lossdemo.controls.scenario import DEFAULT, Scenario, runs, to_csv
from lossdemo.controls.url import share_query

FILE_NAME = "lossdemo-runs.csv"
FRESH_LOSSES = DEFAULT.losses  # a fresh page compares the source article's two losses


@pytest.fixture(autouse=True, scope="module")
def _coarse(coarse_speed_map):
    """The learning-speed map is not under test here: a coarse grid keeps every page run fast."""


@pytest.fixture
def csv_builds(monkeypatch) -> list[Scenario]:
    """The scenarios `to_csv` was called for by the page's download."""
    calls: list[Scenario] = []
    original = lossdemo.page.views.to_csv

    def counting(scenario):
        calls.append(scenario)
        return original(scenario)

    monkeypatch.setattr(lossdemo.page.views, "to_csv", counting)
    return calls


def parse(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), comment="#")


def as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """The engine's runs as a CSV reader sees them: the loss (and series) column is text, not categorical."""
    return frame.astype({column: "str" for column in frame.select_dtypes("category")})


def header(text: str) -> dict[str, str]:
    """The `# name = value` (or `# name: value`) lines above the table."""
    stated = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = re.fullmatch(r"#\s*(\w+)\s*[=:]\s*(.*?)\s*", line)
        if match:
            stated[match[1]] = match[2]
    return stated


def assert_header_states(text: str, scenario: Scenario) -> None:
    stated = header(text)
    for field in fields(scenario):
        value = getattr(scenario, field.name)
        assert field.name in stated, f"the header does not state {field.name}: {stated}"
        said = stated[field.name]
        if isinstance(value, tuple) and not all(isinstance(v, str) for v in value):  # the starts
            assert said == str(value), f"{field.name} = {value} stated as {said!r}"
        elif isinstance(value, tuple):
            places = [said.find(loss) for loss in value]
            assert -1 not in places and places == sorted(places), f"losses {value} stated as {said!r}"
        elif isinstance(value, str | bool):
            assert said == str(value), field.name
        else:
            assert float(said) == value, f"{field.name} = {value} stated as {said!r}"


def assert_is_the_engines_run(text: str, scenario: Scenario) -> None:
    pd.testing.assert_frame_equal(parse(text), as_read(runs(scenario)), check_exact=True)
    assert_header_states(text, scenario)


def test_the_csv_is_built_only_when_the_download_is_clicked(downloads, csv_builds):
    at = open_page({})
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 1
    assert "CSV" in buttons[0].proto.label
    assert buttons[0].proto.deferred_file_id and not buttons[0].proto.url
    assert csv_builds == [], "the CSV was built on a page run, before any click"
    download = the_csv(downloads)
    assert download.mimetype == "text/csv"
    assert_is_the_engines_run(download.data(), scenario_of(defaults("sigmoid")))
    assert len(csv_builds) == 1


SCENARIOS = {
    "sigmoid-defaults": {},
    "sigmoid-one-loss": {
        "losses": ["cross_entropy"],
        "w": -10.0,
        "b": 10.0,
        "x": -3.0,
        "y": 1.0,
        "eta": 10.0,
    },
    "softmax-10-classes": {
        "neuron": "softmax",
        "classes": 10,
        "target": 9,
        "margin": 10.0,
        "eta": 2.0,
        "epochs": 2000,
        "losses": ["log_likelihood", "quadratic"],
    },
    "softmax-2-classes": {"neuron": "softmax", "classes": 2, "target": 1, "margin": -5.0, "epochs": 10},
    "preset": {"preset": "textbook_eta"} | preset_values("textbook_eta"),
}


@pytest.mark.parametrize("change", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_the_downloaded_csv_is_exactly_the_engines_runs_of_the_page(change, downloads):
    neuron = change.get("neuron", "sigmoid")
    state = defaults(neuron) | change
    state["losses"] = list(state["losses"])
    at = open_page(share_query(state))
    assert not at.exception and not at.warning
    assert_is_the_engines_run(the_csv(downloads).data(), scenario_of(state))


def test_a_100000_epoch_csv_has_every_epoch_though_the_chart_shows_a_sample(downloads):
    at = open_page({"epochs": "100000", "eta": "0.005"})
    assert not at.exception and not at.warning
    scenario = Scenario(epochs=100_000, eta=0.005, losses=FRESH_LOSSES)
    for dataset in runs_datasets(at):
        assert dataset["epoch"].nunique() <= MAX_POINTS < 100_001
    text = the_csv(downloads).data()
    table = parse(text)
    assert len(table) == len(FRESH_LOSSES) * 100_001
    assert (table.groupby("loss")["epoch"].apply(list) == [list(range(100_001))] * len(FRESH_LOSSES)).all()
    pd.testing.assert_frame_equal(table, as_read(runs(scenario)), check_exact=True)
    assert_header_states(text, scenario)


def test_a_link_with_bad_values_downloads_the_corrected_scenario(downloads):
    at = open_page({"w": "<script>alert(1)</script>", "b": "nan", "epochs": "20", "zzz": "`x`"})
    assert not at.exception and len(at.warning) == 1
    text = the_csv(downloads).data()
    assert "<script" not in text and "nan" not in header(text).values()
    assert_is_the_engines_run(text, Scenario(epochs=20, losses=FRESH_LOSSES))


@settings(max_examples=40, deadline=None)
@given(valid_states(max_epochs=2000))
def test_to_csv_parses_back_to_the_runs_for_any_valid_scenario(state):
    scenario = scenario_of(state)
    assert_is_the_engines_run(to_csv(scenario), scenario)
