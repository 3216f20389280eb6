"""A chart as Vega draws it, without a browser: vl-convert's scene graph of a spec whose datasets
are frames, and the items of its marks."""

from __future__ import annotations

import json

import vl_convert


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
