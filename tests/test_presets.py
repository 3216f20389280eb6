"""The ready-made scenarios, pinned to the literal values they are meant to have. The expected values
are written out here, never read from PRESETS or from the Scenario defaults: a preset (or a default
it inherits) that drifts must fail a test.

The two sigmoid starts are Michael Nielsen's, *Neural Networks and Deep Learning*, ch. 3 ("The
cross-entropy cost function"): one input x = 1, target y = 0, learning rate η = 0.15, 300 epochs,
from (w, b) = (2, 2), whose initial output is 0.98, and from (w, b) = (0.6, 0.9), output 0.82."""

from __future__ import annotations

import math
from dataclasses import asdict

import pytest

from lossdemo.controls.presets import PRESETS, preset_values
from lossdemo.controls.scenario import simulate

SIGMOID = {"neuron": "sigmoid", "losses": ("quadratic", "cross_entropy")}
SOFTMAX = {"neuron": "softmax", "losses": ("quadratic", "log_likelihood")}
# Fields a kind does not use still have to hold the page's defaults (they come back when the
# neuron is switched): w = b = 2, x = 1, y = 0, 3 classes, target 0, margin 4.
UNUSED = {"w": 2.0, "b": 2.0, "x": 1.0, "y": 0.0, "classes": 3, "target": 0, "margin": 4.0, "balance": False}
UNUSED |= {"starts": (), "widget_rule": False}
GD = {"optimizer": "gd"}
BOOK = {"eta": 0.15, "epochs": 300, "x": 1.0, "y": 0.0}  # Nielsen ch. 3

EXPECTED = {
    "badly_wrong": UNUSED | GD | SIGMOID | BOOK | {"w": 2.0, "b": 2.0},
    "slightly_wrong": UNUSED | GD | SIGMOID | BOOK | {"w": 0.6, "b": 0.9},
    "saturated_low": UNUSED | GD | SIGMOID | {"eta": 0.15, "epochs": 300, "w": -2.0, "b": -2.0, "y": 1.0},
    "textbook_eta": UNUSED | GD | SIGMOID | {"eta": 0.005, "epochs": 1000, "w": 2.0, "b": 2.0},
    "book_two_starts": UNUSED
    | GD
    | BOOK
    | {"neuron": "sigmoid", "losses": ("quadratic",), "starts": ((0.6, 0.9), (2.0, 2.0))},
    "textbook_widget": UNUSED
    | GD
    | SIGMOID
    | {"eta": 0.005, "epochs": 300, "w": 2.0, "b": 2.0, "widget_rule": True},
    "adam_badly_wrong": UNUSED | SIGMOID | BOOK | {"w": 2.0, "b": 2.0, "optimizer": "adam"},
    "confidently_wrong": UNUSED | GD | SOFTMAX | {"eta": 0.15, "epochs": 300, "margin": 5.0},
    "softmax_close": UNUSED | GD | SOFTMAX | {"eta": 0.15, "epochs": 300, "margin": -1.0},
}


def test_the_presets_are_exactly_the_intended_ones():
    assert list(PRESETS) == list(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_preset_holds_its_literal_intended_values(name):
    assert asdict(PRESETS[name].scenario) | {"losses": PRESETS[name].scenario.losses} == EXPECTED[name]
    starts = ",".join(":".join(f"{v:g}" for v in start) for start in EXPECTED[name]["starts"])
    assert preset_values(name) == EXPECTED[name] | {
        "losses": list(EXPECTED[name]["losses"]),
        "starts": starts,
    }


@pytest.mark.parametrize(
    ("name", "w", "b", "initial_output"),
    [("badly_wrong", 2.0, 2.0, 0.98), ("slightly_wrong", 0.6, 0.9, 0.82)],
)
def test_the_book_presets_are_nielsens_chapter_3_starts(name, w, b, initial_output):
    """Nielsen, Neural Networks and Deep Learning, ch. 3: x = 1, y = 0, η = 0.15; the neuron starting
    at (w, b) = (2, 2) outputs 0.98, the one at (0.6, 0.9) outputs 0.82."""
    scenario = PRESETS[name].scenario
    assert (scenario.neuron, scenario.x, scenario.y, scenario.eta) == ("sigmoid", 1.0, 0.0, 0.15)
    assert (scenario.w, scenario.b) == (w, b)
    assert f"w = {w:g}, b = {b:g}" in PRESETS[name].label and "Nielsen ch. 3" in PRESETS[name].label
    by_hand = 1 / (1 + math.exp(-(w * 1.0 + b)))  # σ(w·x + b) at x = 1
    assert round(by_hand, 2) == initial_output
    for loss in scenario.losses:
        assert round(simulate(scenario, loss)["a"].iloc[0], 2) == initial_output, loss
