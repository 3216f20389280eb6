"""Charts as files for slides: the SVG is a drawing of the chart with its titles, the PNG has the
size it promises, and every download is the very chart the page shows (the same spec and data)."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from apptest_helpers import chart_datasets, epoch_panels, run_app, spec_of

from lossdemo.charts import figures
from lossdemo.charts.epochs import PANELS
from lossdemo.controls.scenario import Scenario
from lossdemo.page import cache

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def svg_texts(drawing: str) -> list[str]:
    """Every text the SVG draws, parsed as XML (a malformed drawing raises)."""
    root = ET.fromstring(drawing)
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header: its signature, then the IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def open_figures(at, name: str):
    at.session_state[f"figure_{name}"] = True  # the popover builds its buttons only while open
    return at.run()


@pytest.fixture(scope="module")
def curves_page():
    """The page at the book's badly wrong start, inspected at epoch 40, on the Curves tab."""
    return run_app({"epoch": "40", "eta": "0.2"}, view="Curves")


def test_the_curves_popover_offers_svg_png_and_a_slide_with_their_mime_types(curves_page, downloads):
    open_figures(curves_page, "curves")
    files = {d.file_name: d.mimetype for d in downloads}
    assert files == {
        "lossdemo-curves.svg": "image/svg+xml",
        "lossdemo-curves.png": "image/png",
        "lossdemo-curves-slide.png": "image/png",
        "lossdemo-runs.csv": "text/csv",
    }
    assert not curves_page.exception


def test_a_closed_popover_registers_no_figure(downloads):
    run_app()
    assert [d.file_name for d in downloads] == ["lossdemo-runs.csv"]


def without_legend(layers: list) -> list:
    """Layers with their colour legends and view names left out (what differs between a panel on its
    own and the same panel in the 2×2 figure)."""
    text = re.sub(r'"legend": (\{[^{}]*\}|null|false)', '"legend": null', json.dumps(layers))
    return json.loads(re.sub(r'"(name|view)": "view_[0-9a-f_]+"', '"name": "view"', text))


def test_the_downloads_are_the_chart_on_the_page_and_valid_files(curves_page, downloads):
    open_figures(curves_page, "curves")
    svg_download = next(d for d in downloads if d.file_name == "lossdemo-curves.svg")
    spec = svg_download.data.args[0]  # what a click renders
    # The page draws the four panels as four charts; the download is them as one figure: the same
    # data, cursor, target and description, and each panel as the page draws it (the page's are as wide as
    # their columns, the figure's a fixed size, and the figure keeps one legend for all four).
    exported = {name: cache.frame(data) for name, data in spec["datasets"].items()}
    panels = epoch_panels(curves_page)
    for index, chart in enumerate(panels):
        shown = chart_datasets(chart)
        rows = exported["runs"][exported["runs"]["panel"] == index].reset_index(drop=True)
        assert shown["runs"].reset_index(drop=True).equals(rows), "each panel's own rows of the figure's runs"
        assert spec_of(chart)["params"][-2:] == spec["params"][-2:]  # the cursor and the target
    grid = [panel for row in spec["vconcat"] for panel in row["hconcat"]]
    for chart, panel in zip(panels, grid, strict=True):
        assert without_legend(spec_of(chart)["layer"]) == without_legend(panel["layer"])

    files = {d.file_name: d.data() for d in downloads}
    drawing = files["lossdemo-curves.svg"]
    texts = svg_texts(drawing)
    for panel in PANELS["sigmoid"]:
        assert panel.title in texts
    assert {"Quadratic", "Cross-entropy"} <= set(texts)
    width = figures.svg_width(drawing)
    assert png_size(files["lossdemo-curves.png"])[0] == round(figures.PNG_SCALE * width)

    slide_width, slide_height = png_size(files["lossdemo-curves-slide.png"])
    assert slide_width == figures.SLIDE_WIDTH
    assert slide_height > figures.SLIDE_WIDTH / 2, "the whole 2×2 figure, not one row of it"


def test_the_slide_is_the_page_chart_with_the_scenario_drawn_in_its_caption(curves_page, downloads):
    open_figures(curves_page, "curves")
    specs = {d.file_name: d.data.args[0] for d in downloads if d.file_name.startswith("lossdemo-curves")}
    slide = specs["lossdemo-curves-slide.png"]
    assert {k: v for k, v in slide.items() if k != "title"} == specs["lossdemo-curves.svg"]
    caption = slide["title"]["subtitle"]
    assert caption == f"{Scenario(eta=0.2).caption()}; dotted line: epoch 40"
    for part in ("Sigmoid neuron", "quadratic vs cross-entropy", "w = 2, b = 2, x = 1, y = 0", "η = 0.2"):
        assert part in caption
    assert "300 epochs" in caption
    assert caption in svg_texts(cache.figure(slide, "svg"))


@pytest.mark.parametrize(
    ("query", "view", "name", "title"),
    [
        ({}, "Up close", "sigma-path", "Cross-entropy"),
        ({}, "Speed map", "speed-map", "Quadratic"),
        ({}, "Loss shape", "loss-shape", "Cross-entropy"),
        ({"optimizer": "adam"}, "Curves", "optimizer", "optimizer"),
    ],
)
def test_every_view_offers_its_chart_as_svg_and_png(query, view, name, title, downloads, coarse_speed_map):
    at = open_figures(run_app(query, view=view), name)
    files = {d.file_name: d for d in downloads if d.file_name.startswith(f"lossdemo-{name}")}
    assert {f: d.mimetype for f, d in files.items()} == {
        f"lossdemo-{name}.svg": "image/svg+xml",
        f"lossdemo-{name}.png": "image/png",
    }
    assert any(title in text for text in svg_texts(files[f"lossdemo-{name}.svg"].data()))
    assert png_size(files[f"lossdemo-{name}.png"].data())[0] > 600
    assert not at.exception


def test_missing_values_become_null_and_the_width_comes_from_the_root_element():
    spec = figures.spec_json({"mark": "point"}, {"d": pd.DataFrame({"v": [1.0, float("nan")]})})
    assert '"datasets": {"d": [{"v": 1.0}, {"v": null}]}' in spec
    assert figures.svg_width('<svg width="735" height="1"><rect width="5"/></svg>') == 735
    with pytest.raises(ValueError, match="width"):
        figures.svg_width("<svg><rect width='5'/></svg>")


def test_the_figures_legend_names_only_the_losses_drawn(curves_page, downloads):
    open_figures(curves_page, "curves")
    texts = svg_texts(next(d for d in downloads if d.file_name == "lossdemo-curves.svg").data())
    assert "Quadratic" in texts and "Cross-entropy" in texts
    assert "Focal" not in texts and "Absolute error" not in texts
