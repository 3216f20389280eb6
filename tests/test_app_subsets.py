"""Every subset of one to four losses, for both neuron kinds, opens the page without an exception,
and the Loss shape tab draws each chosen loss's curves and point and names it in its sentence. One
session per kind walks through the subsets as a student would: each new subset renders the tab the
last one ended on, then the Loss shape, then the next of the other tabs in turn, so every tab is
drawn for several subsets of each size (half the page runs of opening every tab for every subset)
and what the subsets share (the network, chart specs) is computed once."""

from __future__ import annotations

from itertools import combinations
from math import comb

import pytest
from apptest_helpers import chart_datasets, charts, open_view, run_app

from lossdemo.controls.url import VIEWS
from lossdemo.engine.losses import LOSSES, NEURONS
from lossdemo.language.words import loss_words

SUBSETS = {
    neuron: [subset for size in range(1, 5) for subset in combinations(LOSSES[neuron], size)]
    for neuron in NEURONS
}
EPOCH = 120  # inspected throughout, so every run's point has moved off the shared start


@pytest.fixture(scope="module", autouse=True)
def _coarse(coarse_speed_map):
    """Every subset opens the map, which is not under test here: a coarse grid keeps it fast."""


def assert_loss_shape_shows(at, neuron: str, subset: tuple[str, ...]) -> None:
    names = [loss_words(neuron, key).name for key in subset]
    (data,) = [chart_datasets(el) for el in charts(at) if "curves" in chart_datasets(el)]
    assert set(data["curves"]["loss"]) == set(names)
    points = data["points"]
    assert sorted(points["loss"]) == sorted(names * 2)  # one point per loss on each of the two panels
    assert set(points["epoch"]) == {EPOCH}
    (sentence,) = [m.value for m in at.markdown if m.value.startswith("**At ")]
    assert all(f" for {name.lower()}" in sentence for name in names), sentence


@pytest.mark.parametrize("neuron", NEURONS)
def test_every_subset_of_up_to_four_losses_opens_every_view(neuron):
    count = len(LOSSES[neuron])
    assert len(SUBSETS[neuron]) == sum(comb(count, size) for size in range(1, min(count, 4) + 1))
    at = run_app({"neuron": neuron, "epoch": str(EPOCH)})
    others = [view for view in VIEWS if view != "Loss shape"]
    drawn = {view: set() for view in VIEWS}  # the subset sizes each tab was drawn with
    for index, subset in enumerate(SUBSETS[neuron]):
        # The new losses render the open tab (where the last subset ended), then two tabs.
        at.pills(key="losses").set_value(list(subset)).run()
        for view in (at.session_state["view"], "Loss shape", others[index % len(others)]):
            open_view(at, view)
            assert not at.exception, (subset, view, [e.message for e in at.exception])
            drawn[view].add(len(subset))
            if view == "Loss shape":
                assert_loss_shape_shows(at, neuron, subset)
        assert list(at.session_state["losses"]) == list(subset)
    assert all(len(sizes) >= 2 for sizes in drawn.values()), drawn
