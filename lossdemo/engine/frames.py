"""A run's table from its numpy columns.

pandas checks and copies each column of a dict on its own, which costs a 300-epoch run about as
much again as the run itself. The float columns written into one block first, the others (the
integer epoch) inserted afterwards under numbered columns, and then the column index made once per
set of names put on, give the same frame in about a tenth of that time. (Inserting under a name
costs more than the rest together: pandas' string index rebuilds its Arrow array on every insert.)
The block is laid out column after column, as pandas keeps it, so each column is one contiguous
copy and the frame takes the block without another (half the time of a row-major block at
100,000 epochs)."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd


@functools.lru_cache(maxsize=256)
def _index(names: tuple[str, ...]) -> pd.Index:
    """The column index of these names: an index is immutable, so frames can share one, and
    building it from strings costs as much as the rest of a short run's table."""
    return pd.Index(names)


def block_table(block: np.ndarray, names: tuple[str, ...]) -> pd.DataFrame:
    """The table of the float columns `names`, the rows of `block` (taken without a copy), after
    the integer epoch 0, 1, …"""
    frame = pd.DataFrame(block.T, copy=False)  # pandas keeps a block column by column: no copy
    frame.insert(0, -1, np.arange(block.shape[1]))
    frame.columns = _index(("epoch", *names))
    return frame


def run_table(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """pd.DataFrame(columns), for 1-D numpy arrays of one length, in the same column order."""
    floats = tuple(name for name, values in columns.items() if values.dtype == np.float64)
    block = np.empty((len(floats), len(next(iter(columns.values())))))
    for index, name in enumerate(floats):
        block[index] = columns[name]
    frame = pd.DataFrame(block.T, copy=False)  # pandas keeps a block column by column: no copy
    for position, values in enumerate(columns.values()):
        if values.dtype != np.float64:  # e.g. the integer epoch, at its place in the order
            frame.insert(position, -1 - position, values)
    frame.columns = _index(tuple(columns))
    return frame
