"""Page texts that used to be false in some scenario, each pinned where it was wrong."""

from __future__ import annotations

import json
import math

from apptest_helpers import epoch_panels, run_app, spec_of

from lossdemo.controls.scenario import Scenario, runs
from lossdemo.teaching.summaries import findings


def markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_a_gradient_too_small_for_finite_differences_is_not_called_an_agreement_or_a_disagreement():
    # w = b = 10, x = 3, y = 0: z = 40, the quadratic ∂C/∂w = (a − y)σ′(z)x ≈ 3e-17 while the central
    # difference of a cost this flat is 0: a relative error of 1.0 between round-off values.
    at = run_app({"w": "10", "b": "10", "x": "3"}, view="Up close")
    table = next(m.value for m in at.markdown if m.value.startswith("| loss | gradient | analytic"))
    rows = [line.split("|") for line in table.splitlines()[2:]]
    quadratic = [r for r in rows if r[1].strip() == "Quadratic"]
    assert quadratic and all(r[5].strip() == "too small to resolve" for r in quadratic)
    assert "✗ no" not in table


def test_a_gradient_the_finite_difference_resolves_only_roughly_is_not_called_a_disagreement():
    # w = b = 10, x = 1, y = 0: z = 20, the quadratic ∂C/∂w ≈ 2.06e-9, while the costs' round-off
    # (C ≈ ½, a few ulps each, h = 1e-4) moves their central difference by up to ~1e-11: the two
    # differ by 5e-13, a relative 2.6e-4 that is round-off, not a wrong gradient.
    at = run_app({"w": "10", "b": "10"}, view="Up close")
    table = next(m.value for m in at.markdown if m.value.startswith("| loss | gradient | analytic"))
    assert "✗ no" not in table
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    quadratic = [r for r in rows if r[0] == "Quadratic"]
    assert quadratic and all(r[5] == ":green[**✓ yes**]" for r in quadratic), quadratic


def test_the_absolute_errors_corner_is_named_not_called_a_disagreement():
    # w = −9, b = −5.4, x = −0.6, y = ½: z is 0 but for a rounding, a = y, where |a − y| has a
    # corner; the central difference straddles it and averages the slopes ±σ′(z)·x to about 0.
    query = {"w": "-9", "b": "-5.4", "x": "-0.6", "y": "0.5", "losses": "absolute"}
    at = run_app(query, view="Up close")
    assert not at.exception
    table = next(m.value for m in at.markdown if m.value.startswith("| loss | gradient | analytic"))
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    assert [r[1] for r in rows] == ["∂C/∂w", "∂C/∂b"]
    for row in rows:
        assert row[4].startswith("a corner of the cost") and row[5] == "—", row


def test_the_softmax_start_says_a_tie_is_a_tie():
    scenario = Scenario(neuron="softmax", losses=("quadratic", "log_likelihood"), margin=0.0)
    text = findings(runs(scenario), "softmax", scenario)[0]
    assert "ties with the target's" in text and "leads the target by 0" not in text


def test_the_gradient_panel_says_it_shows_the_gradient_not_the_step_and_when_its_lines_coincide():
    specs = [spec_of(panel) for panel in epoch_panels(run_app())]
    found = [subtitle for spec in specs for subtitle in _subtitles(spec)]
    subtitles = " ".join(json.dumps(subtitle, ensure_ascii=False) for subtitle in found)
    assert "the gradient, not yet times η" in subtitles and "one line when x = ±1" in subtitles


def test_with_x_zero_the_step_ratio_is_said_of_dc_dz_and_both_parameters():
    at = run_app({"x": "0"}, view="Up close")
    sentence = next(m.value for m in at.markdown if "∂C/∂z is" in m.value)
    # At epoch 0 (w = b = 2, x = 0: z = 2) cross-entropy's ∂C/∂z = a − y, the quadratic one
    # (a − y)σ′(z): their ratio is 1/σ′(2).
    a = 1 / (1 + math.exp(-2))
    assert f"{1 / (a * (1 - a)):,.3g}×" in sentence and "∂C/∂w = x·∂C/∂z" in sentence


def test_the_lesson_says_the_softmax_factor_is_the_leads_sigma_prime():
    at = run_app({"lesson": "4"})  # the softmax step
    assert "Softmax" in at.get("progress")[0].proto.text
    assert "every entry of the target's row carries" in markdown(at)


def _subtitles(node):
    """Every title's subtitle in a spec (a string or a list of lines)."""
    if isinstance(node, dict):
        if isinstance(node.get("title"), dict) and "subtitle" in node["title"]:
            yield node["title"]["subtitle"]
        for value in node.values():
            yield from _subtitles(value)
    elif isinstance(node, list):
        for value in node:
            yield from _subtitles(value)
