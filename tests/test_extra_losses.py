"""Adding a loss is one registry entry: with four test-only losses registered per neuron kind
beside the built-in ones (however many those are), every view of the page, the summaries, the map,
the CSV and the replay work without a change anywhere else, each loss is drawn in a colour of its
own, and the page shows each loss's own formulas."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import run_app

from lossdemo import simulate_sigmoid, simulate_softmax
from lossdemo.charts.style import PALETTE, colour
from lossdemo.controls.scenario import Scenario, to_csv
from lossdemo.engine.activations import softplus
from lossdemo.engine.losses import LOSSES, Loss, register, unregister
from lossdemo.language import words
from lossdemo.language.words import LossWords, loss_words
from lossdemo.page import cache


def scaled_sigmoid(factor: float) -> tuple[Loss, LossWords]:
    """factor × cross-entropy: its gradient is factor × (a − y), so it learns factor× faster."""

    def delta(z, a, sp, y):
        return factor * (a - y)

    loss = Loss(
        f"ce_times_{factor:g}",
        "sigmoid",
        carries_slope=False,
        cost=lambda z, a, y: factor * (softplus(z) - y * z),
        delta=delta,
    )
    return loss, LossWords(
        name=f"{factor:g}× cross-entropy",
        purpose="A test-only loss.",
        cost_tex=rf"C = {factor:g}\,\mathrm{{CE}}_{{test}}",
        delta_tex=rf"\frac{{\partial C}}{{\partial z}} = {factor:g}(a - y)_{{test}}",
        chain_tex=rf"{factor:g}\,(a - y)",
        values_tex=lambda v: rf"{factor:g}\cdot({v.num(v.a - v.y)})",
    )


def scaled_softmax(factor: float) -> tuple[Loss, LossWords]:
    def cost(z, a, t):
        m = z.max(axis=-1, keepdims=True)
        return factor * (np.log(np.exp(z - m).sum(axis=-1)) - ((t * z).sum(axis=-1) - m[..., 0]))

    def delta(z, a, t, out):
        for j in range(a.size):
            out[j] = factor * (a[j] - t[j])

    loss = Loss(f"ll_times_{factor:g}", "softmax", carries_slope=False, cost=cost, delta=delta)
    return loss, LossWords(
        name=f"{factor:g}× log-likelihood",
        purpose="A test-only loss.",
        cost_tex=rf"C = -{factor:g}\ln a_y^{{test}}",
        delta_tex=rf"\frac{{\partial C}}{{\partial z}} = {factor:g}(a - t)_{{test}}",
        chain_tex=rf"{factor:g}(a_y - 1)",
        values_tex=lambda v: rf"{factor:g}({v.num(v.a)} - 1)",
    )


EXTRA = [scaled_sigmoid(f) for f in (0.5, 2.0, 3.0, 4.0)] + [scaled_softmax(f) for f in (0.5, 2.0, 3.0, 4.0)]
BUILT_IN = {neuron: len(losses) for neuron, losses in LOSSES.items()}


@pytest.fixture(scope="module", autouse=True)
def four_more_losses_per_kind(coarse_speed_map):
    for loss, said in EXTRA:
        register(loss)
        words.LOSSES[loss.neuron, loss.key] = said
    cache.speed_map.clear()
    yield
    for loss, _said in EXTRA:
        unregister(loss.neuron, loss.key)
        del words.LOSSES[loss.neuron, loss.key]
    cache.speed_map.clear()


def test_the_registry_holds_four_more_losses_per_kind_while_registered():
    assert {neuron: len(losses) for neuron, losses in LOSSES.items()} == {
        neuron: count + 4 for neuron, count in BUILT_IN.items()
    }


def test_the_palette_gives_every_loss_a_colour_of_its_own_however_many_are_registered():
    many = [colour(position) for position in range(5 * len(PALETTE))]
    assert many[: len(PALETTE)] == list(PALETTE)  # the colour-blind-safe eight come first
    assert len(set(many)) == len(many)
    assert all(len(c) == 7 and int(c[1:], 16) >= 0 for c in many)


def test_a_registered_loss_runs_in_the_engine_with_its_own_gradient():
    # 2× cross-entropy moves z by exactly twice cross-entropy's first step.
    plain = simulate_sigmoid("cross_entropy", 2.0, 2.0, 1.0, 0.0, 0.15, 1)
    doubled = simulate_sigmoid("ce_times_2", 2.0, 2.0, 1.0, 0.0, 0.15, 1)
    assert doubled["z"].iloc[1] - 4.0 == pytest.approx(2 * (plain["z"].iloc[1] - 4.0), rel=1e-12)
    run = simulate_softmax("ll_times_2", np.zeros((3, 1)), [0.0, 2.0, 0.0], [1.0], 0, 0.1, 3)
    assert run["grad_z_y"].iloc[0] == pytest.approx(2 * (np.exp(0) / (2 + np.exp(2)) - 1), rel=1e-12)


def chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


@pytest.mark.parametrize("neuron", ["sigmoid", "softmax"])
def test_every_view_works_with_every_registered_loss(neuron):
    keys = list(LOSSES[neuron])
    at = run_app({"neuron": neuron, "losses": keys})
    assert not at.exception
    names = [loss_words(neuron, key).name for key in keys]
    # One summary card per loss, and each loss's own formulas on the page.
    assert len(at.metric) >= 3 * len(keys)
    latex = [element.value for element in at.latex]
    for said in (loss_words(neuron, key) for key in keys):
        assert any(said.cost_tex in text and said.delta_tex in text for text in latex)
    # The findings compare every slower loss with the fastest one.
    story = " ".join(m.value for m in at.markdown if m.value.startswith("From "))
    assert "as many epochs as" in story or "same speed" in story
    # The epoch chart draws every loss, each in its own colour.
    spec = chart_specs(at)[0]
    scales = [
        layer["encoding"]["color"]["scale"]
        for layer in _layers(spec)
        if "scale" in layer.get("encoding", {}).get("color", {})
    ]
    assert scales and all(scale["domain"] == names for scale in scales)
    assert all(len(set(scale["range"])) == len(keys) for scale in scales)
    for view in ("Up close", "Loss shape", "Speed map"):
        at = run_app({"neuron": neuron, "losses": keys}, view=view)
        assert not at.exception, view
    # The map: one heatmap per loss of the registry, and one sentence per loss against the fastest.
    spec = chart_specs(at)[-1]
    assert [panel["layer"][0]["title"] for panel in spec["hconcat"]] == names
    map_text = " ".join(m.value for m in at.markdown if "of this map" in m.value)
    assert map_text.count("needs more than") == len(keys) - 1
    # Replay and presentation mode.
    at = run_app({"neuron": neuron, "losses": keys})
    at.button(key="play").click().run()
    assert not at.exception
    at = run_app({"neuron": neuron, "losses": keys, "present": "true"})
    assert not at.exception


def _layers(spec: dict):
    for key in ("vconcat", "hconcat", "concat", "layer"):
        for part in spec.get(key, []):
            yield part
            yield from _layers(part)


@pytest.mark.parametrize("neuron", ["sigmoid", "softmax"])
def test_the_csv_holds_every_loss(neuron):
    keys = tuple(LOSSES[neuron])
    scenario = Scenario(neuron=neuron, losses=keys, epochs=20)
    frame = pd.read_csv(io.StringIO(to_csv(scenario)), comment="#")
    assert list(dict.fromkeys(frame["loss"])) == list(keys)
    assert len(frame) == 21 * len(keys)
