"""A chart as Vega draws it, without a browser: vl-convert's scene graph of a spec whose datasets
are frames, the items of its marks, and the pixels of an image mark's PNG."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import vl_convert
from PIL import Image


def scene(spec: dict) -> dict:
    """The scene graph of a spec with its datasets inline."""
    spec = dict(
        spec,
        datasets={
            name: json.loads(data.to_json(orient="records")) for name, data in spec["datasets"].items()
        },
    )
    return vl_convert.vegalite_to_scenegraph(json.dumps(spec))


def marks(node, marktype: str) -> list[list[dict]]:
    """The items of every mark of this type, each mark's as a list."""
    found = []
    if isinstance(node, dict):
        if node.get("marktype") == marktype and node.get("role") == "mark":
            found.append(node["items"])
        for value in node.values():
            found += marks(value, marktype)
    elif isinstance(node, list):
        for value in node:
            found += marks(value, marktype)
    return found


def pixels(url: str) -> np.ndarray:
    """The RGBA pixels of a PNG data URL, rows from the top."""
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA"))
