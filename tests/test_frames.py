"""The run table is the frame pandas builds from the same columns: same names, order, dtypes and
values, whatever the mix of float and integer columns and wherever the integer ones stand."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from lossdemo.engine.frames import run_table

NAMES = st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=12, unique=True)


@given(names=NAMES, rows=st.integers(0, 40), integer=st.data(), seed=st.integers(0, 2**32 - 1))
def test_run_table_equals_pandas_own_frame(names, rows, integer, seed):
    rng = np.random.default_rng(seed)
    is_integer = integer.draw(st.lists(st.booleans(), min_size=len(names), max_size=len(names)))
    columns = {
        name: rng.integers(-5, 5, rows) if whole else rng.normal(size=rows)
        for name, whole in zip(names, is_integer)
    }
    pd.testing.assert_frame_equal(run_table(columns), pd.DataFrame(columns))


def test_frames_with_the_same_names_do_not_share_values():
    columns = {"epoch": np.arange(3), "cost": np.array([3.0, 2.0, 1.0])}
    first, second = run_table(columns), run_table(columns)
    first.loc[0, "cost"] = 99.0
    assert second.loc[0, "cost"] == 3.0 and columns["cost"][0] == 3.0
    assert list(second.columns) == ["epoch", "cost"] and second["epoch"].dtype == np.int64
