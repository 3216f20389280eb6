"""When a run reached its goals: the epoch its output error first fell to a goal, the epoch from
which it stayed there, and whether it ends oscillating. The single runs' summaries and the
learning-speed map count epochs with the same compiled functions (`kernels`)."""

from __future__ import annotations

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


def oscillates(signed_errors: np.ndarray, window: int = OSCILLATION_WINDOW) -> bool:
    """Does output − target keep changing sign at the end of the run without shrinking? At least
    half of the last `window` steps cross the target, and the late half's largest distance from
    the target is at least 90 % of the early half's: a cycle, not a damped approach."""
    return bool(kernels.oscillates(np.ascontiguousarray(signed_errors, dtype=float), window))
