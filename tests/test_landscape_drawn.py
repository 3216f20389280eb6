"""The Landscape's heatmaps as Vega draws them (vl-convert's scene graph, no browser): the cost
surfaces and the start plane. Each grid point's cell is centred where its (w, b) is on the axes,
and the cells tile the plot with neither gap nor overlap."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from drawn import marks, scene

from lossdemo import simulate_sigmoid
from lossdemo.charts.landscape import (
    PATH,
    PHONE_SIZE,
    SIZE,
    SURFACE,
    landscape_spec,
    path_data,
    starts_data,
    starts_spec,
    surface_data,
)
from lossdemo.engine.landscape import landscape, window
from lossdemo.engine.start_sweep import sweep_starts

NAMES = {"quadratic": "Quadratic", "cross_entropy": "Cross-entropy"}
XS, YS = [-1.0, 0.5, 2.0], [0.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("points", "panel", "size"), [(11, 0, PHONE_SIZE), (11, 1, PHONE_SIZE), (7, None, SIZE)]
)
def test_the_surface_cells_tile_the_plot_each_centred_on_its_grid_point(points, panel, size):
    w_axis, b_axis = window(0.5, -1.5, radius=4.0, points=points)
    runs = {key: simulate_sigmoid(key, 2.0, 2.0, XS, YS, 0.15, 5) for key in NAMES}
    datasets = {
        SURFACE: surface_data(landscape(tuple(NAMES), XS, YS, w_axis, b_axis), NAMES),
        PATH: path_data(runs, NAMES),
    }
    cursor = [{"name": "cursor", "value": 0}]
    spec = landscape_spec(
        datasets, "sigmoid", tuple(NAMES), tuple(NAMES.values()), w_axis, b_axis, cursor, "", panel
    )
    surfaces = marks(scene(spec), "rect")
    assert len(surfaces) == (1 if panel is not None else len(NAMES))
    pitch = size / points  # the plot is `size` square; the window's domain is `points` cells wide
    for cells in surfaces:
        assert len(cells) == points * points
        left = np.array([cell["x"] for cell in cells])
        top = np.array([cell["y"] for cell in cells])
        width = np.array([cell["width"] for cell in cells])
        height = np.array([cell["height"] for cell in cells])
        assert width == pytest.approx(pitch) and height == pytest.approx(pitch)
        # Cell k's centre is at (k + ½)·pitch: where w_k (b_k) is on an axis whose domain runs
        # from half a cell before the first grid point to half a cell after the last.
        edges = np.arange(points) * pitch
        assert np.unique(left.round(9)) == pytest.approx(edges)
        assert np.unique(top.round(9)) == pytest.approx(edges)
        assert len({(round(x, 9), round(y, 9)) for x, y in zip(left, top)}) == points * points


def test_the_start_plane_draws_each_start_centred_in_its_cell_and_the_cells_tile_the_plot():
    axis = np.linspace(-3.0, 3.0, 5)
    plane = pd.concat(
        [sweep_starts(key, XS, YS, axis, axis, 0.15, cap=50) for key in NAMES], ignore_index=True
    )
    spec = starts_spec(
        starts_data(plane, NAMES),
        "sigmoid",
        tuple(NAMES),
        tuple(NAMES.values()),
        50,
        axis,
        axis,
        (2.0, 2.0),
        "",
    )
    cells = [cell for mark in marks(scene(spec), "rect") for cell in mark]  # learned and not, both panels
    assert len(cells) == len(NAMES) * axis.size**2
    pitch = SIZE / axis.size
    assert all(
        cell["width"] == pytest.approx(pitch) and cell["height"] == pytest.approx(pitch) for cell in cells
    )
    corners = Counter((round(cell["x"] / pitch, 9), round(cell["y"] / pitch, 9)) for cell in cells)
    grid = {(float(i), float(j)) for i in range(axis.size) for j in range(axis.size)}
    assert set(corners) == grid and set(corners.values()) == {len(NAMES)}  # each start once a panel
