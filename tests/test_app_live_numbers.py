"""The live numbers (AppTest): every label shows the quantity it names, at an epoch past the start,
in the compact table and in presentation mode's large metrics. The expected values come from
plain-Python gradient descent (by_hand.py), never from the engine. A label over the wrong column
(∂C/∂b for ∂C/∂w, ‖∇C‖ for ∂C/∂b_y) fails."""

from __future__ import annotations

import math

import pytest
from apptest_helpers import run_app
from by_hand import sigmoid_numbers, softmax_numbers

SIGMOID_LABELS = ("output a", "cost C", "gradient ∂C/∂w", "σ′(z)")
SOFTMAX_LABELS = ("output a_y", "cost C", "gradient ∂C/∂b_y", "a_y(1 − a_y)")
NAMES = {"quadratic": "Quadratic", "cross_entropy": "Cross-entropy", "log_likelihood": "Log-likelihood"}


# Sigmoid: x = −1.5 (so ∂C/∂w = −1.5·∂C/∂b, not equal to it), y = 0.2, from (w, b) = (2, 2), η = 0.15.
SIGMOID = ({"x": "-1.5", "y": "0.2", "epoch": "40"}, SIGMOID_LABELS, ("quadratic", "cross_entropy"))
# Softmax: K = 4, target 2, margin 3 → logits (0, 0, 0, 3) (the rival is class 3), x = 0.5, η = 0.15.
SOFTMAX = (
    {"neuron": "softmax", "classes": "4", "target": "2", "margin": "3", "x": "0.5", "epoch": "25"},
    SOFTMAX_LABELS,
    ("quadratic", "log_likelihood"),
)


def expected(query: dict[str, str], loss: str) -> tuple[float, ...]:
    epoch = int(query["epoch"])
    if query.get("neuron") == "softmax":
        return softmax_numbers(loss, [0.0, 0.0, 0.0, 3.0], 2, 0.5, 0.15, epoch)
    return sigmoid_numbers(loss, 2.0, 2.0, -1.5, 0.2, 0.15, epoch)


def table_rows(at, labels: tuple[str, ...]) -> dict[str, list[str]]:
    header = "| loss | " + " | ".join(labels) + " |"
    tables = [m.value for m in at.markdown if m.value.startswith("| loss |") and "analytic" not in m.value]
    assert len(tables) == 1, tables
    lines = tables[0].splitlines()
    assert lines[0] == header
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    return {row[0].strip("*"): row[1:] for row in rows}


@pytest.mark.parametrize(("query", "labels", "losses"), [SIGMOID, SOFTMAX], ids=["sigmoid", "softmax"])
def test_every_live_number_in_the_table_is_the_quantity_its_label_names(query, labels, losses):
    at = run_app(query)
    assert not at.exception
    rows = table_rows(at, labels)
    assert list(rows) == [NAMES[loss] for loss in losses]
    for loss in losses:
        for label, cell, value in zip(labels, rows[NAMES[loss]], expected(query, loss), strict=True):
            assert float(cell) == pytest.approx(value, rel=1e-3), (loss, label, cell, value)


@pytest.mark.parametrize(("query", "labels", "losses"), [SIGMOID, SOFTMAX], ids=["sigmoid", "softmax"])
def test_every_large_live_number_in_presentation_mode_is_the_quantity_its_label_names(query, labels, losses):
    at = run_app(query | {"present": "true"})
    assert not at.exception
    shown = [(m.label, m.value) for m in at.metric if m.label in labels]
    assert [label for label, _ in shown] == list(labels) * len(losses)
    for index, loss in enumerate(losses):
        mine = shown[index * len(labels) : (index + 1) * len(labels)]
        for (label, text), value in zip(mine, expected(query, loss), strict=True):
            # Three significant digits, read across a room: off by at most half a unit of the third.
            half_unit = 0.5 * 10 ** (math.floor(math.log10(abs(value))) - 2)
            assert abs(float(text) - value) <= 1.000001 * half_unit, (loss, label, text, value)
