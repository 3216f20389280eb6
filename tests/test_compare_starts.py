"""Comparing starts and the book widget's rule: the series a scenario runs, each exactly the single
run it overlays; their charts, told apart by colour and dash with a legend; the CSV with every start;
the `starts` link parameter; the findings, checked against a plain-Python oracle; and the page.

Nielsen, Neural Networks and Deep Learning, ch. 3: x = 1, y = 0, η = 0.15, the quadratic cost, from
(w, b) = (0.6, 0.9) (output 0.82) and from (2, 2) (output 0.98)."""

from __future__ import annotations

import io
import math
import re
from dataclasses import replace

import pandas as pd
import pytest
from apptest_helpers import chart_datasets, epoch_chart, epoch_data, open_page, run_app, sigma_chart, the_csv
from by_hand import sigmoid_outputs
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lossdemo.charts.epochs import epoch_chart_data, epoch_chart_description, epoch_chart_spec
from lossdemo.charts.style import series_styles
from lossdemo.controls.presets import PRESETS, preset_values
from lossdemo.controls.scenario import DEFAULT, Scenario, runs, simulate, to_csv
from lossdemo.controls.url import parse_query, share_query
from lossdemo.language.words import loss_words
from lossdemo.teaching.comparison import comparison_findings
from lossdemo.teaching.summaries import unit

BOOK = Scenario(losses=("quadratic",), starts=((0.6, 0.9), (2.0, 2.0)))
SERIES_COLUMNS = ["series", "start", "rule", "loss", "cost_left"]


@pytest.fixture(autouse=True, scope="module")
def _coarse(coarse_speed_map):
    """The learning-speed map is not under test here: a coarse grid keeps every page run fast."""


def by_series(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        str(label): run.drop(columns=SERIES_COLUMNS).reset_index(drop=True)
        for label, run in frame.groupby("series", sort=False, observed=True)
    }


grid = lambda low, high, step: st.integers(0, round((high - low) / step)).map(  # noqa: E731
    lambda k: round(low + k * step, 10)
)
sigmoid_starts = st.lists(
    st.tuples(grid(-10, 10, 0.1), grid(-10, 10, 0.1)), min_size=2, max_size=3, unique=True
)
margins = st.lists(grid(-5, 10, 0.5).map(lambda m: (m,)), min_size=2, max_size=3, unique=True)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    neuron=st.sampled_from(["sigmoid", "softmax"]),
    eta=st.sampled_from([0.005, 0.15, 1.0, 10.0]),
    epochs=st.sampled_from([10, 300]),
    widget=st.booleans(),
)
def test_each_series_is_exactly_the_single_run_it_overlays(data, neuron, eta, epochs, widget):
    losses = ("quadratic", "cross_entropy") if neuron == "sigmoid" else ("log_likelihood", "quadratic")
    starts = data.draw(sigmoid_starts if neuron == "sigmoid" else margins)
    varied = ("w", "b") if neuron == "sigmoid" else ("margin",)
    scenario = Scenario(neuron, losses, eta, epochs, starts=starts, widget_rule=widget)
    runs_by_series = by_series(runs(scenario))
    for start in starts:
        single = replace(
            scenario, losses=losses[:1], starts=(), widget_rule=False, **dict(zip(varied, start))
        )
        label = next(
            label
            for label in runs_by_series
            if f"start {', '.join(f'{n} = {v:g}' for n, v in zip(varied, start))} (" in label
        )
        assert label.startswith(loss_words(scenario.neuron, losses[0]).name)
        pd.testing.assert_frame_equal(runs_by_series[label], simulate(single, losses[0]), check_exact=True)
    assert len(runs_by_series) == len(starts) * (1 if not widget or neuron == "softmax" else 3)


@settings(max_examples=30, deadline=None)
@given(
    w=grid(-10, 10, 0.1),
    b=grid(-10, 10, 0.1),
    y=grid(0, 1, 0.05),
    x=grid(-3, 3, 0.1),
    eta=st.sampled_from([0.001, 0.005, 0.15, 2.0, 10.0]),
)
def test_with_the_widget_rule_the_gradient_runs_are_the_plain_runs_bit_for_bit(w, b, y, x, eta):
    plain = Scenario(eta=eta, w=w, b=b, x=x, y=y)
    frame = runs(replace(plain, widget_rule=True))
    expected = runs(plain)
    assert list(expected.columns) == list(runs(replace(plain, widget_rule=False)).columns)
    assert "series" not in expected
    shown = frame[frame["rule"] == "gradient descent"].drop(columns=["series", "start", "rule"])
    shown = shown.reset_index(drop=True).astype({"loss": expected["loss"].dtype})
    pd.testing.assert_frame_equal(shown, expected, check_exact=True)
    rule = frame[frame["rule"] == "widget"]
    assert rule["series"].unique().tolist() == ["Cross-entropy, book's widget rule (not the gradient)"]
    assert math.isfinite(rule.drop(columns=["series", "start", "rule", "loss"]).to_numpy(float).sum())


def layers(spec: dict) -> list[dict]:
    """Every layer of the 2×2 epoch chart."""
    return [layer for row in spec["vconcat"] for panel in row["hconcat"] for layer in panel["layer"]]


def legend_titles(spec: dict) -> set[str]:
    return {
        layer["encoding"]["color"]["legend"]["title"]
        for layer in layers(spec)
        if (layer.get("encoding", {}).get("color", {}).get("legend") or {}).get("title")
    }


def test_the_charts_tell_the_starts_apart_by_colour_and_dash_with_a_legend():
    frame = runs(replace(BOOK, starts=((0.6, 0.9), (2.0, 2.0), (-1.0, 3.0))))
    styles = series_styles(frame, "sigmoid")
    described = epoch_chart_description(frame, "sigmoid")
    spec = epoch_chart_spec(
        epoch_chart_data(frame, "sigmoid"), "sigmoid", False, [], 0.0, described, series=styles
    )
    labels = frame["series"].cat.categories.tolist()
    lines = [layer for layer in layers(spec) if "strokeDash" in layer.get("encoding", {})]
    assert len(lines) == 4  # one line layer per panel
    for line in lines:
        colour, dash = line["encoding"]["color"], line["encoding"]["strokeDash"]
        assert colour["field"] == dash["field"] == "loss"
        assert colour["scale"]["domain"] == labels == dash["scale"]["domain"]
        assert (
            len(set(colour["scale"]["range"])) == 3 and len({tuple(d) for d in dash["scale"]["range"]}) == 3
        )
    assert legend_titles(spec) == {"run"}
    assert set(spec["datasets"]["runs"]["loss"]) == set(labels)
    assert labels[0] == "Quadratic · start w = 0.6, b = 0.9 (a₀ = 0.82)"
    assert labels[1] == "Quadratic · start w = 2, b = 2 (a₀ = 0.98)"


def test_the_csv_has_every_start_and_every_run():
    text = to_csv(BOOK)
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert table.groupby("start", sort=False).size().to_dict() == {
        "w = 0.6, b = 0.9": 301,
        "w = 2, b = 2": 301,
    }
    expected = runs(BOOK).astype({"series": "str", "loss": "str"})
    pd.testing.assert_frame_equal(table, expected, check_exact=True, check_dtype=False)
    assert "# starts = ((0.6, 0.9), (2.0, 2.0))" in text


@pytest.mark.parametrize(
    ("raw", "starts"),
    [
        ("0.6:0.9,2:2", "0.6:0.9,2:2"),
        ("0.6:0.9,2:2,-1:3", "0.6:0.9,2:2,-1:3"),
        ("0.60:0.9,2.0:2", "0.6:0.9,2:2"),
    ],
)
def test_a_starts_link_reads_back_and_writes_itself_again(raw, starts):
    values, notes = parse_query({"starts": [raw]})
    assert values == {"starts": starts} and notes == []
    assert share_query({"starts": starts}) == {"starts": starts}
    assert share_query({"starts": ""}) == {}


@pytest.mark.parametrize(
    "raw",
    [
        "0.6:0.9",
        "<script>alert(1)</script>",
        "nan:1,2:2",
        "0.6,2",
        "1:2:3,2:2",
        "2:2,2:2",
        "",
        "0.6:0.9;2:2",
        "9" * 50,
    ],
)
def test_bad_starts_give_a_note_and_no_comparison(raw):
    values, notes = parse_query({"starts": [raw]})
    assert values == {"starts": ""}
    assert notes and all(note.startswith("starts:") for note in notes)
    assert not any(ch in note for note in notes for ch in "<>[]`*$_")


def test_an_empty_starts_says_compare_the_losses_even_over_a_preset_that_compares_starts():
    """Since a link leaves out what its preset says, `starts=` is how it turns a preset's comparison
    of starts off: there a value, not a mistake, so no note (without such a base it is named, as
    above); and the share link writes it so."""
    values, notes = parse_query({"preset": ["book_two_starts"], "starts": [""]})
    assert values == {"preset": "book_two_starts", "starts": ""} and notes == []
    link = preset_values("book_two_starts") | {"preset": "book_two_starts", "starts": ""}
    assert share_query(link) == {"preset": "book_two_starts", "starts": ""}


def test_a_start_off_the_grid_is_snapped_and_extra_starts_dropped_with_notes():
    values, notes = parse_query({"starts": ["50:0.93,2:2,1:1,3:3"]})
    assert values == {"starts": "10:0.9,2:2,1:1"}
    assert len(notes) == 2


# ---------------------------------------------------------------------------------------------
# The findings, against an oracle: plain-Python gradient descent, halving counted by hand


def halved_for_good(outputs: list[float], y: float) -> int | None:
    errors = [abs(a - y) for a in outputs]
    goal = errors[0] / 2
    k = len(errors)
    while k > 0 and errors[k - 1] <= goal:
        k -= 1
    return None if k == len(errors) else k


@settings(max_examples=60, deadline=None)
@given(
    starts=st.lists(st.tuples(grid(-4, 4, 0.1), grid(-4, 4, 0.1)), min_size=2, max_size=3, unique=True),
    loss=st.sampled_from(["quadratic", "cross_entropy"]),
    x=grid(-1.5, 1.5, 0.1),
    y=grid(0, 1, 0.05),
    eta=st.sampled_from([0.05, 0.15, 0.3]),
    epochs=st.sampled_from([100, 300, 1000]),
)
def test_the_comparison_names_each_starts_halving_epoch_and_the_worse_starts_delay(
    starts, loss, x, y, eta, epochs
):
    scenario = Scenario(losses=(loss,), eta=eta, epochs=epochs, x=x, y=y, starts=tuple(starts))
    outputs = {start: sigmoid_outputs(loss, *start, x, y, eta, epochs) for start in starts}
    errors = {start: abs(out[0] - y) for start, out in outputs.items()}
    for out in outputs.values():  # away from the rounding boundary of "half the start error"
        assume(all(abs(abs(a - y) - abs(out[0] - y) / 2) > 1e-9 for a in out))
    assume(len(set(errors.values())) == len(errors) and min(errors.values()) > 1e-3)
    halved = {start: halved_for_good(out, y) for start, out in outputs.items()}
    sentences = comparison_findings(runs(scenario), scenario)
    first = sentences[0]
    for start, k in halved.items():
        w, b = start
        said = re.search(rf"start w = {w:g}, b = {b:g} \(a₀ = [^)]*\) ([^;]*)", first)[1]
        if k is None:
            assert "for good" not in said, said
        else:
            assert said.endswith(f"for good at epoch {k:,}") or said.endswith(f"for good at epoch {k:,}."), (
                said
            )
    best, worst = min(starts, key=errors.get), max(starts, key=errors.get)
    delay = [s for s in sentences if s.startswith("With ") and "the worse start" in s]
    if halved[best] is not None and halved[worst] is not None:
        extra = halved[worst] - halved[best]
        (text,) = delay
        assert (
            f"w = {worst[0]:g}, b = {worst[1]:g}, error" in text
            and f"w = {best[0]:g}, b = {best[1]:g}, error" in text
        )
        if extra > 0:
            assert f"took {extra:,} epochs longer" in text
            if halved[best]:
                assert f"({halved[worst] / halved[best]:.3g}× as many)" in text
        elif extra < 0:
            assert f"{-extra:,} epochs sooner" in text
        else:
            assert "at the same epoch" in text
    elif halved[best] is not None:
        assert any(f"did not within {epochs:,} epochs" in s for s in sentences)
    else:
        assert delay == []
    slopes = [s for s in sentences if s.startswith("The quadratic gradient carries")]
    assert len(slopes) == (loss == "quadratic")
    for text in slopes:
        for start, out in outputs.items():
            a0 = out[0]
            assert f"from w = {start[0]:g}, b = {start[1]:g} σ′(z) = {a0 * (1 - a0):.3g}," in text


def test_the_widget_rule_findings_state_the_books_figures():
    scenario = PRESETS["textbook_widget"].scenario
    text = " ".join(comparison_findings(runs(scenario), scenario))
    a0 = 1 / (1 + math.exp(-4))
    assert "is not gradient descent" in text and "divided by σ′(z)" in text
    assert (
        f"σ′(z) = {a0 * (1 - a0):.3g}, its first step is {1 / (a0 * (1 - a0)):.3g}× the true gradient's"
        in text
    )
    assert "It ends at a = 0.0479 after 300 epochs" in text
    assert "with the true gradient at η = 0.005, cross-entropy ends at a = 0.78." in text


# ---------------------------------------------------------------------------------------------
# The page


def test_the_book_two_starts_preset_overlays_both_starts_on_the_page(downloads):
    at = open_page({"preset": "book_two_starts"})
    assert not at.exception and not at.warning
    chart = epoch_chart(at)
    data = chart_datasets(chart)["runs"]
    labels = ["Quadratic · start w = 0.6, b = 0.9 (a₀ = 0.82)", "Quadratic · start w = 2, b = 2 (a₀ = 0.98)"]
    assert sorted(data["loss"].unique()) == labels
    legend = " ".join(h.proto.body for h in at.get("html"))
    assert all(label in legend for label in labels)  # the row of line samples above the panels
    story = " ".join(m.value for m in at.markdown)
    assert "the worse start (w = 2, b = 2, error 0.982) took" in story
    table = pd.read_csv(io.StringIO(the_csv(downloads).data()), comment="#")
    assert sorted(table["start"].unique()) == ["w = 0.6, b = 0.9", "w = 2, b = 2"]


def test_a_bad_starts_link_warns_and_shows_the_usual_page():
    at = run_app({"starts": "<b>0.6:0.9</b>"})
    assert not at.exception and len(at.warning) == 1 and "starts:" in at.warning[0].value
    assert at.session_state["starts"] == ""
    data = epoch_data(at)
    assert sorted(data["loss"].unique()) == ["Cross-entropy", "Quadratic"]


def test_the_widget_rule_is_off_by_default_and_its_preset_runs_it_beside_the_gradient():
    fresh = run_app()
    assert fresh.toggle(key="widget_rule").value is False
    assert "widget" not in " ".join(epoch_data(fresh)["loss"].unique())
    at = run_app({"preset": "textbook_widget"})
    assert not at.exception
    names = set(epoch_data(at)["loss"])
    assert names == {"Quadratic", "Cross-entropy", "Cross-entropy, book's widget rule (not the gradient)"}
    story = " ".join(m.value for m in at.markdown)
    assert "cross-entropy ends at a = 0.78" in story and "is not gradient descent" in story
    assert DEFAULT.widget_rule is False


@pytest.mark.parametrize("name", ["book_two_starts", "textbook_widget"])
def test_up_close_takes_apart_every_gradient_run_and_draws_every_run(name):
    scenario = PRESETS[name].scenario
    at = run_app({"preset": name}, view="Up close")
    assert not at.exception
    labels = runs(scenario)["series"].cat.categories.tolist()
    gradient_runs = [label for label in labels if "widget rule" not in label]
    assert [c.value for c in at.caption if c.value in labels] == gradient_runs
    assert set(chart_datasets(sigma_chart(at))["path"]["loss"]) == set(labels)
    checks = next(m.value for m in at.markdown if m.value.startswith("| loss | gradient | analytic"))
    assert "✗" not in checks and all(label in checks for label in gradient_runs)


@pytest.mark.parametrize("name", ["book_two_starts", "textbook_widget"])
def test_the_loss_shape_puts_every_run_on_its_losss_curve(name):
    """Two starts of one loss, or the widget rule beside its true twin, are points on the same
    curve: one per place, each named by its loss with its own output."""
    frame = runs(PRESETS[name].scenario)
    at = run_app({"preset": name, "epoch": "100"}, view="Loss shape")
    assert not at.exception
    here = frame[frame["epoch"] == 100]
    places = set(zip(here["loss"], here["a"]))
    sentence = next(m.value for m in at.markdown if m.value.startswith("**At epoch 100"))
    assert sentence.count(" for ") == len(places) == len(here), sentence
    for loss, a in places:
        assert f"for {loss_words('sigmoid', loss).name.lower()} (at a = {unit(a)})" in sentence, sentence
