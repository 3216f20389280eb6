"""Input checks shared by the engine: each raises ValueError naming the parameter,
the value received and what is accepted."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np


def shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number(name: str, value: object, low: float, high: float) -> float:
    """A finite real number in [low, high]."""
    ok = isinstance(value, Real) and not isinstance(value, bool)
    if not ok or not low <= value <= high or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number in [{low:g}, {high:g}]; got {shown(value)}")
    return float(value)


def positive(name: str, value: object, high: float) -> float:
    """A finite real number in (0, high]."""
    ok = isinstance(value, Real) and not isinstance(value, bool)
    if not ok or not 0 < value <= high or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number in (0, {high:g}]; got {shown(value)}")
    return float(value)


def integer(name: str, value: object, low: int, high: int) -> int:
    """An integer (not a bool, not a float) in [low, high]."""
    ok = isinstance(value, Integral) and not isinstance(value, bool)
    if not ok or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}; got {shown(value)}")
    return int(value)


def choice(name: str, value: object, options) -> str:
    """One of `options` (strings), given exactly."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {shown(value)}")
    return value


def array(name: str, value: object, shape: tuple[int | None, ...], bound: float) -> np.ndarray:
    """A float array of the given shape (None: any length) with finite entries within ±bound."""
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "iuf":  # no bools, strings, None or ints beyond int64
            raise TypeError
        arr = arr.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers; got {shown(value)}") from None
    wanted = "×".join("n" if s is None else str(s) for s in shape)
    if arr.ndim != len(shape) or any(s is not None and s != got for s, got in zip(shape, arr.shape)):
        got = "×".join(map(str, arr.shape)) or "scalar"
        raise ValueError(f"{name} must have shape {wanted}; got shape {got}")
    if not np.all(np.isfinite(arr)) or np.any(np.abs(arr) > bound):
        raise ValueError(f"{name} must hold finite numbers in [{-bound:g}, {bound:g}]; got {shown(value)}")
    return arr


def increasing(name: str, arr: np.ndarray) -> np.ndarray:
    """`arr` itself, if its values strictly increase (a grid axis); else ValueError naming the first
    pair that does not."""
    bad = np.flatnonzero(np.diff(arr) <= 0)
    if bad.size:
        i = bad[0]
        raise ValueError(
            f"{name} must be strictly increasing; "
            f"got {name}[{i}] = {float(arr[i])!r}, {name}[{i + 1}] = {float(arr[i + 1])!r}"
        )
    return arr
