"""The optimizer on the page: every optimizer with either neuron kind and several loss subsets
renders; under momentum or Adam the comparison chart draws the engine's own runs of each loss
under gradient descent and under that optimizer, step taken included; links carry the optimizer."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from apptest_helpers import (
    chart_datasets,
    engine_run,
    open_page,
    open_view,
    page_scenario,
    share_links,
    spec_of,
)

from lossdemo.charts.optimizers import DATASET
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.language.words import OPTIMIZERS as OPTIMIZER_WORDS
from lossdemo.language.words import loss_words

SUBSETS = {
    "sigmoid": (("quadratic", "cross_entropy"), ("focal",), tuple(LOSSES["sigmoid"])),
    "softmax": (("quadratic", "log_likelihood"), ("label_smoothing",), tuple(LOSSES["softmax"])),
}
CASES = [
    (optimizer, neuron, losses)
    for optimizer in OPTIMIZERS
    for neuron, subsets in SUBSETS.items()
    for losses in subsets
]


@pytest.fixture(autouse=True, scope="module")
def _coarse(coarse_speed_map):
    """The map is opened, not tested: a coarse grid keeps every page run fast."""


def comparison(at):
    found = [el for el in at.get("vega_lite_chart") if DATASET in chart_datasets(el)]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(("optimizer", "neuron", "losses"), CASES)
def test_every_optimizer_renders_with_every_kind_and_loss_subset(optimizer, neuron, losses):
    names = [loss_words(neuron, key).name for key in losses]
    at = open_page({"neuron": neuron, "optimizer": optimizer, "losses": names, "epochs": "100"})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning
    scenario = page_scenario(at)
    assert (scenario.optimizer, scenario.losses) == (optimizer, losses)
    chart = comparison(at)
    assert (chart is None) == (optimizer == "gd")
    if chart is not None:
        data = chart_datasets(chart)[DATASET]
        spec = spec_of(chart)
        assert {OPTIMIZER_WORDS["gd"].name, OPTIMIZER_WORDS[optimizer].name} == set(data["optimizer"])
        assert "Step taken" in str(spec)
        for panel in spec["hconcat"]:  # the legend names the losses drawn, not every loss of the kind
            assert panel["encoding"]["color"]["legend"]["values"] == names
        step_panel = data[data["panel"] == 2]
        for key, label in (("gd", OPTIMIZER_WORDS["gd"].name), (optimizer, OPTIMIZER_WORDS[optimizer].name)):
            for loss in losses:
                shown = step_panel[
                    (step_panel["optimizer"] == label) & (step_panel["loss"] == loss_words(neuron, loss).name)
                ]
                expected = engine_run(replace(scenario, optimizer=key), loss)["step"].to_numpy()
                np.testing.assert_array_equal(shown["value"].to_numpy(), expected)
        assert any(f"with {OPTIMIZER_WORDS[optimizer].name} (" in m.value for m in at.markdown)
    for view in ("Up close", "Speed map"):
        open_view(at, view)
        assert not at.exception, (view, [e.value for e in at.exception])


def share_link(at) -> str:
    return share_links(at)[0]  # the first: the page's


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_a_link_with_an_optimizer_opens_it_and_shares_it_again(optimizer):
    at = open_page({"optimizer": optimizer, "neuron": "softmax"})
    assert at.segmented_control(key="optimizer").value == optimizer
    query = parse_qs(urlsplit(share_link(at)).query)
    assert query["optimizer"] == [optimizer]
    again = open_page({key: values[-1] for key, values in query.items()})
    assert page_scenario(again) == page_scenario(at)


def test_the_default_optimizer_stays_out_of_the_link_and_a_bad_one_is_named():
    at = open_page({"optimizer": "gd"})
    assert "optimizer" not in share_link(at)
    bad = open_page({"optimizer": "nesterov"})  # no optimizer of the registry
    assert not bad.exception
    assert bad.segmented_control(key="optimizer").value == "gd"
    accepted = ", ".join(OPTIMIZERS)
    assert f"optimizer: “nesterov” is not one of {accepted}; ignored" in bad.warning[0].value


def test_choosing_an_optimizer_by_hand_retrains_every_loss_with_it():
    at = open_page({})
    at.segmented_control(key="optimizer").set_value("momentum").run()
    assert not at.exception
    scenario = page_scenario(at)
    assert scenario.optimizer == "momentum"
    data = chart_datasets(comparison(at))[DATASET]
    outputs = data[(data["panel"] == 0) & (data["optimizer"] == "Momentum") & (data["loss"] == "Quadratic")]
    np.testing.assert_array_equal(
        outputs["value"].to_numpy(), engine_run(scenario, "quadratic")["a"].to_numpy()
    )
