"""Figures for slides and handouts: a chart's Vega-Lite spec, exactly as the page draws it, rendered
to SVG or PNG by vl-convert (the Vega project's converter, which runs Vega itself, so the file
shows what the browser shows).

A spec here is the page's spec with its named datasets as DataFrames; `spec_json` writes them into
the spec and `svg` renders that JSON, so a cache can key on it; `png` rasterises the SVG.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import vl_convert

PNG_SCALE = 2  # a chart's PNG at twice its size on the page: sharp on a slide or in print
SLIDE_WIDTH = 1920  # the slide figure's width in pixels: a full-HD projector


def spec_json(spec: dict, datasets: dict[str, pd.DataFrame]) -> str:
    """`spec` with `datasets` (by name) written in as inline values: what the converter renders.
    Missing values (NaN) become null, as the page's Arrow data has them."""
    inline = {name: json.loads(frame.to_json(orient="records")) for name, frame in datasets.items()}
    return json.dumps({**spec, "datasets": inline}, sort_keys=True)


def with_caption(spec: dict, title: str, caption: str) -> dict:
    """The spec with a title over the whole figure and `caption` (the scenario) as its subtitle."""
    return {**spec, "title": {"text": title, "subtitle": caption, "anchor": "start", "offset": 12}}


def svg(spec: str) -> str:
    """The chart as SVG text, its size the size on the page."""
    return vl_convert.vegalite_to_svg(spec)


def png(drawing: str, width: int | None = None) -> bytes:
    """A chart's SVG drawing (`svg`) as PNG: `width` pixels wide, or PNG_SCALE times its size."""
    scale = width / svg_width(drawing) if width else PNG_SCALE
    return vl_convert.svg_to_png(drawing, scale=scale)


def svg_width(drawing: str) -> float:
    """The width of an SVG drawing, from its root element's `width` attribute."""
    root = re.search(r"<svg\b[^>]*>", drawing)
    width = re.search(r'\swidth="([\d.]+)"', root.group(0)) if root else None
    if width is None:
        raise ValueError("expected an SVG drawing whose root element has a width attribute")
    return float(width.group(1))
