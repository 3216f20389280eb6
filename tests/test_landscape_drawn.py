"""The Landscape's heatmaps as Vega draws them (vl-convert's scene graph, no browser): the cost
surfaces (an image each, a pixel per grid point, under cells that show the numbers) and the start
plane. Each grid point's pixel or cell is centred where its (w, b) is on the axes, and the cells
tile the plot with neither gap nor overlap."""

from __future__ import annotations

import re
from collections import Counter

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert
from drawn import marks, pixels, scene

from lossdemo import simulate_sigmoid
from lossdemo.charts.landscape import (
    IMAGE,
    PATH,
    PHONE_SIZE,
    PICK_STRIDE,
    SIZE,
    SURFACE,
    landscape_spec,
    path_data,
    starts_data,
    starts_spec,
    surface_data,
    surface_images,
)
from lossdemo.charts.raster import heatmap_url
from lossdemo.engine.landscape import landscape, window
from lossdemo.engine.start_sweep import sweep_starts

NAMES = {"quadratic": "Quadratic", "cross_entropy": "Cross-entropy"}
XS, YS = [-1.0, 0.5, 2.0], [0.0, 1.0, 1.0]


def rgb(fill: str) -> list[int]:
    """[r, g, b] of Vega's "rgb(r, g, b)"."""
    return [int(part) for part in re.findall(r"\d+", fill)]


@pytest.mark.parametrize(
    ("points", "panel", "size"), [(11, 0, PHONE_SIZE), (11, 1, PHONE_SIZE), (7, None, SIZE)]
)
def test_each_surface_is_an_image_over_the_plot_a_pixel_per_grid_point_in_the_colour_vega_gives_it(
    points, panel, size
):
    w_axis, b_axis = window(0.5, -1.5, radius=4.0, points=points)
    runs = {key: simulate_sigmoid(key, 2.0, 2.0, XS, YS, 0.15, 5) for key in NAMES}
    surface = landscape(tuple(NAMES), XS, YS, w_axis, b_axis)
    datasets = {
        SURFACE: surface_data(surface, NAMES),
        PATH: path_data(runs, NAMES),
        IMAGE: surface_images(surface, NAMES),
    }
    shown = list(NAMES) if panel is None else [list(NAMES)[panel]]
    if panel is not None:  # as the page draws a panel: its loss's rows only
        datasets = {name: rows[rows["loss"] == NAMES[shown[0]]] for name, rows in datasets.items()}
    cursor = [{"name": "cursor", "value": 0}]
    spec = landscape_spec(
        datasets, "sigmoid", tuple(NAMES), tuple(NAMES.values()), w_axis, b_axis, cursor, "", panel
    )
    drawn = scene(spec)
    images, cells = marks(drawn, "image"), marks(drawn, "rect")
    assert len(images) == len(cells) == len(shown)
    pitch = size / points  # the plot is `size` square; the window's domain is `points` cells wide
    picked = range(0, points, PICK_STRIDE)
    for key, (image,), hover in zip(shown, images, cells):
        # The image spans the plot, so pixel k (of `points`) is centred at (k + ½)·pitch: where w_k
        # (b_k, from the top down) is on an axis from half a cell before the first grid point to
        # half a cell after the last.
        assert (image["x"], image["y"], image["width"], image["height"]) == pytest.approx((0, 0, size, size))
        image = pixels(image["url"])
        assert image.shape == (points, points, 4)
        cost = surface.cost[key]
        (scale,) = [
            p["value"]
            for p in spec["params"]
            if p["name"] == f"cost_range_{shown.index(key) if panel is None else panel}"
        ]
        assert scale == [cost.min(), cost.max()]  # the colour scale spans the whole grid's costs
        # The cells that show numbers and take a click: every other grid point each way, each
        # centred on it, PICK_STRIDE pitches wide.
        assert len(hover) == len(picked) ** 2
        seen = set()
        for cell in hover:
            assert cell["width"] == pytest.approx(PICK_STRIDE * pitch)
            # Centred at (k + ½)·pitch across and (points − 1 − j + ½)·pitch down: grid point (w_k, b_j).
            k = (cell["x"] + cell["width"] / 2) / pitch - 0.5
            j = points - 1 - ((cell["y"] + cell["height"] / 2) / pitch - 0.5)
            assert k == pytest.approx(round(k)) and j == pytest.approx(round(j))
            k, j = round(k), round(j)
            seen.add((k, j))
            # The pixel there has the colour Vega gives the cell's cost (its datum's) on the chart's
            # own colour scale, and is lighter (more transparent) where an example is saturated.
            pixel = image[points - 1 - j, k]
            assert np.abs(pixel[:3].astype(int) - rgb(cell["fill"])).max() <= 1, (k, j)
            assert pixel[3] == (140 if surface.saturated[j, k] else 255)
        assert seen == {(k, j) for k in picked for j in picked}


@pytest.mark.parametrize(("low", "high"), [(0.0, 1.0), (2.0, 2.0)])
def test_a_pixel_has_the_colour_vega_gives_its_value_also_on_a_scale_of_one_value(low, high):
    values = np.array([[low, high], [(low + high) / 2, low + 0.3 * (high - low)]])
    rows = [{"v": float(v), "i": i} for i, v in enumerate(values.ravel())]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_rect()
        .encode(
            x="i:O",
            color=alt.Color("v:Q", scale=alt.Scale(scheme="viridis", domain=[low, high])),
        )
    )
    (cells,) = marks(vl_convert.vegalite_to_scenegraph(chart.to_json()), "rect")
    expected = [rgb(cell["fill"]) for cell in sorted(cells, key=lambda cell: cell["x"])]
    image = pixels(heatmap_url(values, low, high, np.ones(values.shape)))
    assert np.abs(image[..., :3].reshape(-1, 3).astype(int) - expected).max() <= 1
    assert (image[..., 3] == 255).all()


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
