"""A softmax layer with two classes and log-likelihood is a sigmoid neuron with cross-entropy at
twice the learning rate (the lesson's aside in step 4). Checked against two loops written here from
the formulas: the layer's two logits, each moved by −η(1 + x²)(a_j − t_j) (∂C/∂z = a − t for
log-likelihood; W = 0 and the bias each add a term), and the neuron's logit, moved by
−2η(1 + x²)(a − 1) (cross-entropy, target 1)."""

from __future__ import annotations

import math
import re

from apptest_helpers import markdown_texts, run_app
from hypothesis import given
from hypothesis import strategies as st

from lossdemo.controls.presets import PRESETS
from lossdemo.teaching.two_classes import twin_runs, two_class_aside

EPOCHS = 120


def layer_by_hand(margin: float, x: float, eta: float, epochs: int) -> list[float]:
    """a_y of the two-class layer, target class 0 at logit 0 and the rival at `margin`."""
    z, out = [0.0, margin], []
    for _ in range(epochs + 1):
        top = max(z)
        e = [math.exp(v - top) for v in z]
        a = [v / sum(e) for v in e]
        out.append(a[0])
        z = [z[0] - eta * (1 + x * x) * (a[0] - 1.0), z[1] - eta * (1 + x * x) * a[1]]
    return out


def neuron_by_hand(z: float, x: float, eta: float, epochs: int) -> list[float]:
    out = []
    for _ in range(epochs + 1):
        a = 1 / (1 + math.exp(-z))
        out.append(a)
        z -= eta * (1 + x * x) * (a - 1.0)
    return out


@given(
    margin=st.floats(-10, 10),
    x=st.floats(-3, 3),
    eta=st.sampled_from((0.001, 0.01, 0.15, 0.5, 1.0, 2.0)),
)
def test_the_two_class_layer_runs_as_the_sigmoid_neuron_at_twice_eta(margin, x, eta):
    layer, neuron = twin_runs(margin, x, eta, EPOCHS)
    by_hand = layer_by_hand(margin, x, eta, EPOCHS)
    twin = neuron_by_hand(-margin, x, 2 * eta, EPOCHS)
    assert max(abs(p - q) for p, q in zip(by_hand, twin)) < 1e-12  # the identity itself
    assert max(abs(p - q) for p, q in zip(layer, by_hand)) < 1e-12
    assert max(abs(p - q) for p, q in zip(neuron, twin)) < 1e-12


def test_at_the_same_eta_the_sigmoid_neuron_does_not_match():
    """The factor 2 is not cosmetic: at η the neuron falls behind the layer."""
    layer = layer_by_hand(5.0, 1.0, 0.15, 50)
    same_eta = neuron_by_hand(-5.0, 1.0, 0.15, 50)
    assert max(abs(p - q) for p, q in zip(layer, same_eta)) > 0.2


@given(margin=st.floats(-10, 10), x=st.floats(-3, 3), eta=st.sampled_from((0.01, 0.15, 1.0)))
def test_the_asides_table_and_its_largest_difference_are_the_runs(margin, x, eta):
    text = two_class_aside(margin=margin, x=x, eta=eta, epochs=EPOCHS, classes=3, target=1)
    layer = layer_by_hand(margin, x, eta, EPOCHS)
    neuron = neuron_by_hand(-margin, x, 2 * eta, EPOCHS)
    rows = re.findall(r"^\| ([\d,]+) \| ([\d.]+) \| ([\d.]+) \|$", text, re.MULTILINE)
    assert [int(e.replace(",", "")) for e, _, _ in rows] == [0, 40, 80, 120]
    for epoch, shown_layer, shown_neuron in rows:
        k = int(epoch.replace(",", ""))
        half_unit = 5e-7 + 1e-15  # six decimals, rounded either way at a tie
        assert (
            abs(float(shown_layer) - layer[k]) <= half_unit
            and abs(float(shown_neuron) - neuron[k]) <= half_unit
        )
    assert f"η = {2 * eta:g})" in text and f"η = {eta:g})" in text
    gap = float(re.search(r"differ by at most ([\d.e+-]+) ", text).group(1))
    assert gap < 1e-12
    assert "-0 " not in text and "−0 " not in text


def test_lesson_step_four_shows_the_aside_for_its_own_start():
    at = run_app({"lesson": "4"})
    scenario = PRESETS["confidently_wrong"].scenario
    aside = next(text for text in markdown_texts(at) if text.startswith("**Aside: two classes.**"))
    assert f"(margin {scenario.margin:g}, x = {scenario.x:g})" in aside
    assert f"at η = {2 * scenario.eta:g}" in aside
