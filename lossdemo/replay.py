"""Replaying a run: the epoch cursor moves `speed` epochs per frame and stops at the last epoch."""

from __future__ import annotations

SPEEDS = (1, 4, 16, 64)  # epochs per frame
FRAME_SECONDS = 0.25  # four frames a second: smooth enough, and a server keeps up with several presenters


def advance(epoch: int, speed: int, last: int) -> tuple[int, bool]:
    """The next frame's epoch, and whether the replay goes on after it."""
    following = min(epoch + speed, last)
    return following, following < last
