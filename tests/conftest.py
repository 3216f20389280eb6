"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from lossdemo.controls import map_settings
from lossdemo.page import cache


@pytest.fixture(scope="module")
def coarse_speed_map():
    """A map grid ten times coarser on each axis, for modules whose pages open the map without
    testing it (the full sweep costs up to ~10 s per scenario at 10 classes and cap 5,000). The
    page's map cache is cleared before and after, so no other module sees a coarse map."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(map_settings, "AXES", {name: axis[::10] for name, axis in map_settings.AXES.items()})
        patch.setattr(map_settings, "ETA_AXIS", map_settings.ETA_AXIS[::10])
        cache.speed_map.clear()
        yield
    cache.speed_map.clear()
