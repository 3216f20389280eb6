"""Fixtures shared by the test modules, and the Hypothesis settings profiles.

Profiles (a test's own `@settings` still overrides any of them, setting by setting):

- `ci`, loaded when CI=true: derandomized (the same examples on every run, so CI never fails by
  chance) and without an example database;
- `dev`, loaded with HYPOTHESIS_PROFILE=dev: more examples for tests that do not set their own;
- `default` otherwise: random examples, failures kept in the local `.hypothesis` database
  (or in the directory HYPOTHESIS_DATABASE names).

HYPOTHESIS_PROFILE=<name> (or pytest's --hypothesis-profile) picks any of them explicitly. Every
profile prints the reproduction blob of a failure (`print_blob`), so a log alone reproduces it.
`python3 -m tools.fresh_runs` runs the suite repeatedly with fresh seeds and no database."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase
from streamlit.runtime.media_file_manager import MediaFileManager

from lossdemo.controls import map_settings
from lossdemo.page import cache

# HYPOTHESIS_DATABASE=<dir> keeps the example database there instead of in ./.hypothesis
# (tools.fresh_runs gives every run an empty one).
_DATABASE = os.environ.get("HYPOTHESIS_DATABASE")
_LOCAL = {"database": DirectoryBasedExampleDatabase(_DATABASE)} if _DATABASE else {}
# No deadline: a run's first call compiles its loop (numba), and the machine is shared, so a time
# limit per example fails by chance; tests that care about time measure it themselves.
settings.register_profile("default", print_blob=True, deadline=None, **_LOCAL)
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
settings.register_profile("dev", max_examples=1000, print_blob=True, deadline=None, **_LOCAL)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "default")
)


@pytest.fixture(scope="module")
def coarse_speed_map():
    """A map grid ten times coarser on each axis, for modules whose pages open the map without
    testing it (the full sweep costs up to ~10 s per scenario at 10 classes and cap 5,000). The
    page's map cache is cleared before and after, so no other module sees a coarse map."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(map_settings, "AXES", {name: axis[::10] for name, axis in map_settings.AXES.items()})
        patch.setattr(map_settings, "ETA_AXIS", map_settings.ETA_AXIS[::10])
        cache.speed_map.clear()
        cache.loss_sweep.clear()
        yield
    cache.speed_map.clear()
    cache.loss_sweep.clear()


@dataclass
class Download:
    """A deferred download the page registered: `data` is the callable a click would run."""

    data: object
    mimetype: str | None
    file_name: str | None


@pytest.fixture
def downloads(monkeypatch) -> list[Download]:
    """Every deferred download a page run registers (AppTest does not click download buttons, so
    a spy on Streamlit's MediaFileManager.add_deferred keeps the callables the page handed over)."""
    registered: list[Download] = []
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        registered.append(Download(data_callable, mimetype, file_name))
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return registered
