"""Data sets of several training examples: how a run tells them from one example, how they are
checked, and the long form of a run's per-example columns.

A run takes one example as numbers (x, y), exactly as before, or a data set as sequences (a list,
tuple, numpy array or pandas Series) of 1 to MAX_EXAMPLES examples. Every check raises ValueError
naming the parameter (with the example's index where one entry is at fault), the value received
and what is accepted, in the words of `validation`.

Runs on a data set carry per-example columns named `<quantity>_ex<i>` (example i, from 0), next
to the aggregate columns; `long_examples` turns them into one row per (epoch, example), the form a
chart layer consumes.
"""

from __future__ import annotations

import re
from functools import cache
from numbers import Integral

import numpy as np
import pandas as pd

from lossdemo.engine.validation import shown

MAX_EXAMPLES = 100
SEQUENCES = (list, tuple, np.ndarray, pd.Series)  # what counts as several examples
_PER_EXAMPLE = re.compile(r"^(?P<quantity>.+)_ex(?P<example>\d+)$")


def several(*values: object) -> bool:
    """Is any value a data set (a sequence) rather than one example's number? One isinstance
    per value, so the single-example path costs nothing measurable for it."""
    return any(isinstance(value, SEQUENCES) for value in values)


def _entries(name: str, value: object, what: str) -> list:
    """The entries of a sequence of 1 to MAX_EXAMPLES examples, or a ValueError."""
    if not isinstance(value, SEQUENCES) or (isinstance(value, np.ndarray) and value.ndim == 0):
        raise ValueError(
            f"{name} must be a sequence of 1 to {MAX_EXAMPLES} {what}, one per example, like the "
            f"other data-set parameter; got {shown(value)}"
        )
    count = len(value)
    if not 1 <= count <= MAX_EXAMPLES:
        got = "an empty sequence" if count == 0 else f"{count} entries"
        raise ValueError(f"{name} must hold 1 to {MAX_EXAMPLES} examples; got {got}")
    return value.tolist() if isinstance(value, np.ndarray | pd.Series) else list(value)


def numbers(name: str, value: object, low: float, high: float) -> np.ndarray:
    """A sequence of 1 to MAX_EXAMPLES finite real numbers in [low, high] (no bools, no strings)."""
    entries = _entries(name, value, "numbers")
    for i, v in enumerate(entries):
        ok = isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_)
        if not ok or not low <= v <= high:  # NaN fails the comparison; so do ±inf out of range
            raise ValueError(f"{name}[{i}] must be a finite number in [{low:g}, {high:g}]; got {shown(v)}")
    return np.array(entries, dtype=float)


def labels(name: str, value: object, classes: int) -> np.ndarray:
    """A sequence of 1 to MAX_EXAMPLES class labels, integers from 0 to classes − 1."""
    entries = _entries(name, value, "class labels")
    for i, v in enumerate(entries):
        if not isinstance(v, Integral) or isinstance(v, bool | np.bool_) or not 0 <= v < classes:
            raise ValueError(f"{name}[{i}] must be an integer from 0 to {classes - 1}; got {shown(v)}")
    return np.array(entries, dtype=np.int64)


def same_length(name: str, value: np.ndarray, other: str, count: int) -> None:
    """`value` must hold one entry per example of `other` (which has `count`)."""
    if value.shape[0] != count:
        raise ValueError(
            f"{name} must hold one entry per example of {other} ({count}); "
            f"got {value.shape[0]}: {shown(value.tolist())}"
        )


def sigmoid_examples(x: object, y: object, bound: float) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of a sigmoid neuron's data set: inputs within ±bound, targets in [0, 1], as many of
    each. A number beside a sequence is refused rather than repeated: a data set is explicit."""
    xs = numbers("x", x, -bound, bound)
    ys = numbers("y", y, 0.0, 1.0)
    same_length("y", ys, "x", xs.size)
    return xs, ys


def softmax_examples(
    x: object, y: object, inputs: int, classes: int, bound: float
) -> tuple[np.ndarray, np.ndarray]:
    """(X, labels) of a softmax layer's data set: y holds n class labels, x is an n×d table (a
    nested list or a 2-D array) whose every row has the layer's d inputs within ±bound."""
    ys = labels("y", y, classes)
    rows = _entries("x", x, "rows of inputs")
    if len(rows) != ys.size:
        raise ValueError(
            f"x must hold one row of inputs per label of y ({ys.size}); got {len(rows)} rows: {shown(x)}"
        )
    for i, row in enumerate(rows):
        entries = _entries(f"x[{i}]", row, "inputs") if isinstance(row, SEQUENCES) else None
        if entries is None or len(entries) != inputs:
            got = shown(row) if entries is None else f"{len(entries)} inputs: {shown(row)}"
            raise ValueError(
                f"x[{i}] must be a row of {inputs} numbers (x is n×d, d = {inputs} = columns of W); got {got}"
            )
        numbers(f"x[{i}]", entries, -bound, bound)
    return np.array([list(row) for row in rows], dtype=float).reshape(ys.size, inputs), ys


def mean_rows(values: np.ndarray) -> np.ndarray:
    """The mean of each row of a (rows, n) array: a sum from −0.0, IEEE's additive identity
    (numpy's sums start from +0.0, which turns a lone −0.0 into +0.0), divided by n. For one
    example, the example's own bits."""
    return np.add.reduce(values, axis=1, initial=-0.0) / values.shape[1]


@cache
def column_index(aggregates: tuple[str, ...], quantities: tuple[str, ...], count: int) -> pd.Index:
    """The columns of a data-set run: epoch, the aggregates, then `<q>_ex<i>` per quantity and
    example. Built once per layout: making a pandas Index of a few hundred names costs more than a
    300-epoch run's frame otherwise does."""
    return pd.Index(["epoch", *aggregates, *(f"{q}_ex{i}" for q in quantities for i in range(count))])


def run_frame(block: np.ndarray, aggregates: tuple[str, ...], quantities: tuple[str, ...]) -> pd.DataFrame:
    """A data-set run's table from its float columns (the aggregates, then each quantity's examples):
    the integer epoch first. The epoch goes in under a number and the names go on afterwards, as in
    `frames.run_table` (inserting under a name rebuilds pandas' string index)."""
    count = (block.shape[1] - len(aggregates)) // len(quantities)
    frame = pd.DataFrame(block, copy=False)
    frame.insert(0, -1, np.arange(block.shape[0]))
    frame.columns = column_index(aggregates, quantities, count)
    return frame


def long_examples(run: pd.DataFrame, keep: tuple[str, ...] = ("loss", "series")) -> pd.DataFrame:
    """One row per (epoch, example) from a run's per-example columns `<quantity>_ex<i>`: columns
    epoch, example (i), each quantity under its own name (z, a, error, …), and the `keep` columns
    the run has (a scenario's loss or series), repeated. Empty quantities if the run has none."""
    found: dict[str, int] = {}
    for column in run.columns:
        match = _PER_EXAMPLE.match(str(column))
        if match:
            quantity, example = match["quantity"], int(match["example"])
            found[quantity] = max(found.get(quantity, 0), example + 1)
    count = max(found.values(), default=0)
    rows = len(run)
    frame = {
        "epoch": np.repeat(run["epoch"].to_numpy(), count),
        "example": np.tile(np.arange(count), rows),
    }
    frame |= {name: np.repeat(run[name].to_numpy(), count) for name in keep if name in run}
    for quantity in found:
        columns = [f"{quantity}_ex{i}" for i in range(count)]
        frame[quantity] = run[columns].to_numpy().ravel()
    return pd.DataFrame(frame)
