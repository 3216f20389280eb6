"""The class poll's answers as the projector shows them: one horizontal bar per choice, in the
question's order, with its count at the bar's end; after Reveal the right choice is marked ✓ and
drawn in green, the others in grey.

Data: inline, one row per choice: `choice` (its words), `count`, `right` (bool)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from lossdemo.charts.style import PALETTE, readable
from lossdemo.language.messages import _

ASKED, RIGHT, OTHER = PALETTE[1], PALETTE[2], "#BBBBBB"  # blue, green, grey
BAR_HEIGHT = 48  # pixels per choice
FONT_SIZE = 17  # the choices and counts, read from the back of the room


def poll_spec(words: Sequence[str], counts: Sequence[int], right: int | None) -> dict:
    """The bars of one question: `words` of its choices, `counts` of answers to each, and the index
    of the right choice once revealed (None before)."""
    rows = [
        {"choice": f"✓ {word}" if index == right else word, "count": count, "right": index == right}
        for index, (word, count) in enumerate(zip(words, counts))
    ]
    revealed = alt.condition(alt.datum.right, alt.value(RIGHT), alt.value(OTHER))
    colour = alt.value(ASKED) if right is None else revealed
    y = alt.Y("choice:N", sort=None, title=None, axis=alt.Axis(labelLimit=320, labelFontSize=FONT_SIZE))
    x = alt.X("count:Q", title=_("answers"), axis=alt.Axis(tickMinStep=1, format="d"))
    base = alt.Chart(alt.Data(values=rows)).encode(y=y, x=x)
    bars = base.mark_bar().encode(color=colour)
    labels = base.mark_text(align="left", dx=4, fontSize=FONT_SIZE).encode(text="count:Q")
    chart = (bars + labels).properties(height=BAR_HEIGHT * len(rows), width="container")
    spec = readable(chart).to_dict()
    spec["description"] = _("Answers per choice: {counts}").format(
        counts=_(", ").join(f"{row['choice']} {row['count']}" for row in rows)
    )
    return spec
