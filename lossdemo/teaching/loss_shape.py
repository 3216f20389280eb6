"""The loss-shape chart in words: what each loss's gradient is where its run stands at the
inspected epoch, read off the curves (`engine.shape`)."""

from __future__ import annotations

import pandas as pd

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.neurons import get_kind
from lossdemo.teaching.summaries import unit


def _listing(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def shape_sentence(points: pd.DataFrame, neuron: str) -> str:
    """One sentence with each loss's |∂C/∂z| at its run's point (`engine.shape.shape_points`): at
    the shared output when every run stands at the same one (as at the start), else with each
    run's own output."""
    kind, names = get_kind(neuron), LOSSES[neuron]
    epoch = int(points["epoch"].iloc[0])
    shared = points["output"].nunique() == 1
    values = [
        f"{abs(row.delta):.3g} for {names[row.loss].name.lower()}"
        + ("" if shared else f" (at {kind.output} = {unit(row.output)})")
        for row in points.itertuples()
    ]
    where = (
        f"{kind.output} = {unit(points['output'].iloc[0])} (epoch {epoch:,})"
        if shared
        else f"epoch {epoch:,}"
    )
    note = f", with {kind.shape_note}" if kind.shape_note else ""
    return f"At {where}, |{kind.delta_symbol}| is {_listing(values)}{note}."
