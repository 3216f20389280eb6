"""A heatmap drawn as one image instead of one SVG element per cell: each cell one pixel, coloured
as Vega colours a value on a linear scale with the viridis scheme, as a PNG data URL that a
Vega-Lite image mark stretches over the plot (unsmoothed, so each cell stays a sharp square).

A browser lays out and paints one element instead of ten thousand, and the PNG of a smooth surface
is a few kilobytes where its cells as chart data are a few hundred."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

# Vega's viridis scheme (vega-scale's `viridis`): the colours it interpolates between, in RGB.
VIRIDIS = (
    "440154470e61481a6c482575472f7d443a834144873d4e8a39568c35608d31688e2d708e2a788e27818e23888e21918d"
    "1f988b1fa08822a8842ab07f35b77943bf7154c56866cc5d7ad1518fd744a5db36bcdf27d2e21be9e51afde725"
)
STOPS = np.array(
    [[int(VIRIDIS[i + k : i + k + 2], 16) for k in (0, 2, 4)] for i in range(0, len(VIRIDIS), 6)]
)


def viridis(t: np.ndarray) -> np.ndarray:
    """The colour (r, g, b), 0–255, of each t in [0, 1] (clamped), as Vega's viridis scheme gives
    it: linear in RGB between its neighbouring stops, rounded."""
    position = np.clip(np.asarray(t, dtype=float), 0.0, 1.0) * (len(STOPS) - 1)
    stops = np.arange(len(STOPS))
    channels = [np.interp(position, stops, STOPS[:, c]) for c in range(3)]
    return np.rint(np.stack(channels, axis=-1)).astype(np.uint8)


def heatmap_url(values: np.ndarray, low: float, high: float, opacity: np.ndarray) -> str:
    """A PNG data URL of `values` (rows from the top of the plot down, columns from its left),
    each coloured by viridis over [low, high] at its `opacity` (0–1, the alpha channel). A scale
    whose range is one value puts it in the middle, as Vega's (d3's) linear scale does."""
    span = high - low
    t = (values - low) / span if span > 0 else np.full(np.shape(values), 0.5)
    alpha = np.rint(np.asarray(opacity, dtype=float) * 255).astype(np.uint8)
    pixels = np.concatenate([viridis(t), np.broadcast_to(alpha, values.shape)[..., None]], axis=-1)
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
