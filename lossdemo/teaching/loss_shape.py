"""The loss-shape chart in words: what each loss's gradient is where its run stands at the
inspected epoch, read off the curves (`engine.shape`)."""

from __future__ import annotations

import pandas as pd

from lossdemo.engine.neurons import get_kind
from lossdemo.language import words
from lossdemo.language.messages import _
from lossdemo.teaching.summaries import number, unit


def _listing(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=_(", ").join(items[:-1]), last=items[-1])


def shape_sentence(points: pd.DataFrame, neuron: str) -> str:
    """One sentence with each loss's |∂C/∂z| at its run's point (`engine.shape.shape_points`): at
    the shared output when every run stands at the same one (as at the start), else with each
    run's own output."""
    kind, note = get_kind(neuron), words.KINDS[neuron].points_note
    epoch = int(points["epoch"].iloc[0])
    shared = points["output"].nunique() == 1
    values = [
        (_("{value} for {name}") if shared else _("{value} for {name} (at {output} = {at})")).format(
            value=number(abs(row.delta)),
            name=words.loss_name(neuron, row.loss).lower(),
            output=kind.output,
            at=unit(row.output),
        )
        for row in points.itertuples()
    ]
    where = (
        _("{output} = {value} (epoch {epoch})").format(
            output=kind.output, value=unit(points["output"].iloc[0]), epoch=f"{epoch:,}"
        )
        if shared
        else _("epoch {epoch}").format(epoch=f"{epoch:,}")
    )
    note = _(" ({note})").format(note=_(note)) if note else ""
    return _("At {where}, |{symbol}| is {values}{note}.").format(
        where=where, symbol=kind.delta_symbol, values=_listing(values), note=note
    )
