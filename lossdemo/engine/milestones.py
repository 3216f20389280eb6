"""When a run reached its goals: the epoch its output error first fell to a goal, the epoch from
which it stayed there, and whether it ends oscillating. The single runs' summaries and the
learning-speed map count epochs with the same compiled functions (`kernels`)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lossdemo.engine import kernels, validation


def goal_for(initial_error: float | np.ndarray, tolerance: float | None) -> float | np.ndarray:
    """The error to reach: half the initial error, or `tolerance` when one is given.

    Works on one run's initial error (a float) and on a sweep's array of them alike."""
    if tolerance is None:
        return 0.5 * initial_error
    return np.full_like(initial_error, tolerance) if isinstance(initial_error, np.ndarray) else tolerance


def first_epoch_within(errors: np.ndarray, goal: float) -> int | None:
    """The first epoch whose output error is at most `goal`, or None if no row gets there."""
    errors = validation.array("errors", errors, (None,), 1.0)
    goal = validation.number("goal", goal, 0.0, 1.0)
    epoch = kernels.first_within(errors, goal)
    return None if epoch < 0 else int(epoch)


def settled_within(errors: np.ndarray, goal: float) -> int | None:
    """The first epoch from which the output error stays at most `goal` to the end of the run:
    reached *and stayed*. None if the last epoch is above the goal."""
    errors = validation.array("errors", errors, (None,), 1.0)
    goal = validation.number("goal", goal, 0.0, 1.0)
    epoch = kernels.settled_within(errors, goal)
    return None if epoch < 0 else int(epoch)


OSCILLATION_WINDOW = 20  # epochs at the end of a run in which an oscillation is looked for


def oscillates(signed_errors: np.ndarray, window: int = OSCILLATION_WINDOW, floor: float = 0.0) -> bool:
    """Does output − optimum keep changing sign at the end of the run without shrinking? At least
    half of the last `window` steps cross it, and the late half's largest distance from it is
    above `floor` (round-off) and at least 90 % of the early half's: a cycle, not a damped
    approach."""
    return bool(kernels.oscillates(np.ascontiguousarray(signed_errors, dtype=float), window, floor))


ROUND_OFF = 16 * float(np.finfo(float).eps)  # an output's round-off, relative to its size


def round_off(optimum: float) -> float:
    """How close to its optimum an output can settle before rounding, not learning, decides the
    rest: a few ulps of the larger of the output and its distance from 1 (σ(z) is 1/(1 + e^−z)
    or e^z/(1 + e^z): its last bits are relative to 1 above ½). Within this a sign that flips
    every epoch is rounding, not oscillation."""
    return ROUND_OFF * max(optimum, 1.0 - optimum)


class Settled(NamedTuple):
    halved: int | None  # the epoch from which the error stays within the goal, or None
    unstable: bool  # got within the goal and left it, or ends oscillating above round-off
    band: float  # the band a loss whose step does not shrink hovers in (0 for a smooth loss)
    goal: float  # the goal applied: the larger of the goal and the band, where the band counts


def settle(signed: np.ndarray, goal: float, floor: float, smooth: bool) -> Settled:
    """How one run settled, from its signed error to its optimum per epoch, by the rule the
    learning-speed map applies to its cells (`kernels.settle`)."""
    signed = np.ascontiguousarray(signed, dtype=float)
    halved, unstable, band, goal = kernels.settle(
        signed, float(goal), OSCILLATION_WINDOW, float(floor), bool(smooth)
    )
    return Settled(None if halved < 0 else int(halved), bool(unstable), float(band), float(goal))
