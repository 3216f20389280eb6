"""Widgets as the frontend holds them: a widget's key and kind from its delta, the state a browser
reports for it when it is drawn, and a changed state when a student moves it."""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from streamlit.proto.WidgetStates_pb2 import WidgetState


@dataclass
class Widget:
    key: str
    id: str
    kind: str  # "slider", "select_slider", "button_group", "selectbox", "checkbox", or other
    proto: object


def user_key(widget_id: str) -> str | None:
    """The user key embedded in a widget id: "$$ID-<hash>-<key>" → "<key>"."""
    if not widget_id.startswith("$$ID-"):
        return None
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


def widget_kind(element_type: str, proto) -> str:
    if element_type == "slider" and proto.type == proto.SELECT_SLIDER:
        return "select_slider"
    return element_type


def initial_state(widget: Widget) -> WidgetState | None:
    """The value the frontend reports for a freshly drawn widget (None: it reports nothing)."""
    p = widget.proto
    state = WidgetState(id=widget.id)
    if widget.kind == "select_slider":
        if p.set_value and p.raw_value:
            values = list(p.raw_value)
        else:
            values = [p.options[int(i)] for i in (p.value if p.set_value else p.default)]
        state.string_array_value.data.extend(values)
    elif widget.kind == "slider":
        state.double_array_value.data.extend(p.value if p.set_value else p.default)
    elif widget.kind == "button_group":
        values = list(p.raw_values) if p.set_value else [p.options[i].content for i in p.default]
        state.string_array_value.data.extend(values)
    elif widget.kind == "selectbox":
        if p.set_value and p.HasField("raw_value"):
            state.string_value = p.raw_value
        elif not p.set_value and p.HasField("default"):
            state.string_value = p.options[p.default]
        else:
            return None
    elif widget.kind == "checkbox":
        state.bool_value = p.value if p.set_value else p.default
    else:
        return None
    return state


def _slider_grid(p) -> list[float]:
    steps = round((p.max - p.min) / p.step)
    return [round(p.min + k * p.step, 10) for k in range(steps + 1)]


def _option_matching(options: Sequence[str], wanted: str) -> str:
    if wanted in options:
        return wanted
    with contextlib.suppress(ValueError):
        number = float(wanted)
        for option in options:
            with contextlib.suppress(ValueError):
                if math.isclose(float(option.replace(",", "")), number):
                    return option
    raise ValueError(f"{wanted!r} is not one of the options {list(options)}")


def changed_state(
    widget: Widget, current: WidgetState | None, rng: random.Random, wanted: str | None = None
) -> tuple[WidgetState, str]:
    """A new value for `widget`: `wanted` if given, else a random one that differs from `current`.

    Returns the state to send and the value as a URL parameter would spell it."""
    p = widget.proto
    state = WidgetState(id=widget.id)
    if widget.kind == "select_slider":
        options = list(p.options)
        now = list(current.string_array_value.data) if current is not None else []
        if wanted is not None:
            value = _option_matching(options, wanted)
        else:
            value = rng.choice([o for o in options if [o] != now] or options)
        state.string_array_value.data.append(value)
        return state, value
    if widget.kind == "slider":
        grid = _slider_grid(p)
        now = list(current.double_array_value.data) if current is not None else []
        if wanted is not None:
            value = min(grid, key=lambda g: abs(g - float(wanted)))
        else:
            value = rng.choice([g for g in grid if [g] != now] or grid)
        state.double_array_value.data.append(value)
        return state, f"{value:g}"
    if widget.kind == "checkbox":
        now = current.bool_value if current is not None else p.default
        value = (wanted.lower() == "true") if wanted is not None else not now
        state.bool_value = value
        return state, str(value).lower()
    raise ValueError(f"the load test cannot change a {widget.kind} widget ({widget.key})")


def is_default(widget: Widget, state: WidgetState) -> bool:
    p = widget.proto
    fresh = Widget(widget.key, widget.id, widget.kind, p)
    if hasattr(p, "set_value"):
        copy = type(p)()
        copy.CopyFrom(p)
        copy.set_value = False
        fresh.proto = copy
    default = initial_state(fresh)
    return default is not None and default.SerializeToString() == state.SerializeToString()
