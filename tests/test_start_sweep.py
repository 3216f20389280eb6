"""The start plane (issue #18): epochs from every start (w₀, b₀) to the goal, per loss, against
single runs, and the trap the landscape shows: from the quadratic cost's plateau gradient descent
does not arrive where cross-entropy does."""

from __future__ import annotations

import numpy as np
import pytest

from lossdemo import simulate_sigmoid
from lossdemo.engine.start_sweep import sweep_starts

TRAP_X, TRAP_Y = [1.0, -1.0], [1.0, 0.0]  # test_landscape's documented data set


def first_within(run, goal: float, cap: int) -> int:
    hits = np.flatnonzero(run["error"].to_numpy() <= goal)
    return int(hits[0]) if hits.size else cap + 1


def test_every_cell_counts_what_its_single_run_counts():
    """Sampled cells against full runs (mean error column): equal, or one epoch apart where the
    error meets the goal to the last bits (the two update in another order)."""
    rng = np.random.default_rng(18)
    xs = rng.uniform(-3, 3, 8).tolist()
    ys = (rng.random(8) < 0.5).astype(float).tolist()
    axis = np.linspace(-4, 4, 12)
    frame = sweep_starts(["quadratic", "cross_entropy"], xs, ys, axis, axis, 0.5, cap=300)
    assert len(frame) == 2 * 144
    for row in frame.sample(30, random_state=3).itertuples():
        run = simulate_sigmoid(row.loss, row.w0, row.b0, xs, ys, 0.5, 300)
        assert run["error"].iloc[0] == pytest.approx(row.error0, rel=1e-12)
        assert abs(first_within(run, row.goal, 300) - row.epochs) <= 1, row


def test_from_the_quadratic_plateau_only_cross_entropy_arrives():
    """Starts with w₀ ≤ −8 are confidently wrong on both examples (|z| ≥ 7): there the quadratic
    gradient is below σ′(7) ≈ 9e-4, so 500 steps at η = 1 move (w, b) by less than 0.5, still on the
    plateau, while cross-entropy's gradient is about 1 and gets out at once."""
    w0, b0 = np.linspace(-10, -8, 5), np.linspace(-1, 1, 5)
    frame = sweep_starts(["quadratic", "cross_entropy"], TRAP_X, TRAP_Y, w0, b0, 1.0, tolerance=0.25, cap=500)
    learned = frame.groupby("loss")["learned"].mean()
    assert learned["cross_entropy"] == 1.0
    assert learned["quadratic"] == 0.0


def test_bad_start_plane_input_is_refused():
    axis = [0.0, 1.0]
    with pytest.raises(ValueError, match=r"w0 must hold values in \[-100, 100\]; got w0\[1\] = 200.0"):
        sweep_starts("quadratic", TRAP_X, TRAP_Y, [0.0, 200.0], axis, 0.5)
    with pytest.raises(ValueError, match=r"y must hold one entry per example of x \(2\)"):
        sweep_starts("quadratic", TRAP_X, [0.0], axis, axis, 0.5)
    with pytest.raises(ValueError, match=r"cap must be an integer"):
        sweep_starts("quadratic", TRAP_X, TRAP_Y, axis, axis, 0.5, cap=0)
