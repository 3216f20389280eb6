"""Every view of the page works for every neuron kind of the registry, and shows that kind's own
symbols: the views ask the registry instead of branching on the kind."""

from __future__ import annotations

import pytest
from apptest_helpers import run_app

from lossdemo.controls.url import VIEWS
from lossdemo.engine.neurons import KINDS


@pytest.fixture(scope="module", autouse=True)
def _coarse(coarse_speed_map):
    """The map is opened here but not under test: a coarse grid keeps it fast."""


@pytest.mark.parametrize("view", [*VIEWS, "present"])
@pytest.mark.parametrize("neuron", list(KINDS))
def test_every_view_works_for_every_neuron_kind(neuron, view):
    query = {"neuron": neuron} | ({"present": "true"} if view == "present" else {"view": view})
    at = run_app(query)
    assert not at.exception, [e.message for e in at.exception]
    kind = KINDS[neuron]
    labels = [m.label for m in at.metric]
    if view == "present" or view == VIEWS[0]:
        assert kind.slope in labels or any(kind.slope in m.value for m in at.markdown), view
