"""Replaying a run: the epoch cursor moves `speed` epochs per frame, ten frames a second, and
stops at the last epoch.

The cursor on the charts moves in the browser: a Vega timer (`cursor_params`) counts frames from
the moment the chart appears, so a replay costs the server nothing per frame. The numbers under the
cursor are rerun on the server a few times a second, and `position` gives them the same epoch from
the same clock arithmetic: time since Play, in whole frames, times the speed.
"""

from __future__ import annotations

import math
import time

SPEEDS = (1, 4, 16, 64)  # epochs per frame
FRAME_SECONDS = 0.1  # the charts' cursor: ten frames a second, drawn by the browser
NUMBERS_SECONDS = 0.25  # the numbers under the cursor: rerun on the server four times a second
clock = time.monotonic  # the server's replay clock (tests replace it)


def position(start: int, speed: int, elapsed: float, last: int) -> int:
    """The epoch a replay started at `start` has reached after `elapsed` seconds."""
    frames = math.floor(max(elapsed, 0.0) / FRAME_SECONDS + 1e-9)
    return min(start + speed * frames, last)


def cursor_params(epoch: int, speed: int, last: int, playing: bool) -> list[dict]:
    """Vega-Lite parameters for the inspected-epoch cursor (`cursor`): fixed at `epoch`, or, while
    playing, moved by a browser timer from `epoch` exactly as `position` moves it."""
    if not playing:
        return [{"name": "cursor", "value": epoch}]
    ms = round(FRAME_SECONDS * 1000)
    reached = f"min({epoch} + {speed} * floor((now() - cursor_start) / {ms}), {last})"
    return [
        # Vega-Lite hands extra properties of a parameter (here `on`) through to its Vega signal.
        {"name": "cursor_start", "expr": "now()"},
        {
            "name": "cursor",
            "value": epoch,
            "on": [{"events": {"type": "timer", "throttle": ms}, "update": reached}],
        },
    ]
