"""The cost landscape (issue #18): its surfaces against the plain-Python oracle, its saturated
region, and the claim it exists to show: cross-entropy's cost is convex in (w, b) for any data
set, the quadratic cost is not."""

from __future__ import annotations

import math

import numpy as np
import pytest
from dataset_by_hand import cost as cost_by_hand
from dataset_by_hand import gradient as gradient_by_hand
from hypothesis import given, settings
from hypothesis import strategies as st

from lossdemo import simulate_sigmoid
from lossdemo.engine.landscape import GRID_POINTS, landscape, window

RNG_SEEDS = range(5)


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def random_data_set(seed: int, n: int = 20):
    rng = np.random.default_rng(seed)
    xs = rng.normal(0.0, 2.0, n)
    ys = np.where(rng.random(n) < 0.3, rng.random(n), (rng.random(n) < 0.5).astype(float))
    return xs.tolist(), ys.tolist()


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_the_surfaces_are_the_mean_cost_and_its_gradient_by_hand(seed):
    xs, ys = random_data_set(seed)
    w_axis, b_axis = window(0.3, -0.7, radius=5.0, points=100)
    surface = landscape(["quadratic", "cross_entropy", "focal", "absolute"], xs, ys, w_axis, b_axis)
    assert surface.saturated.shape == (100, 100)
    rng = np.random.default_rng(100 + seed)
    for i, j in zip(rng.integers(0, 100, 12), rng.integers(0, 100, 12)):
        w, b = w_axis[j], b_axis[i]
        for loss in surface.cost:
            expected = cost_by_hand(loss, w, b, xs, ys)
            assert surface.cost[loss][i, j] == pytest.approx(expected, rel=1e-12, abs=1e-14)
            norm = math.hypot(*gradient_by_hand(loss, w, b, xs, ys))
            assert surface.gradient_norm[loss][i, j] == pytest.approx(norm, rel=1e-10, abs=1e-14)
        slopes = [a * (1 - a) for a in (1 / (1 + math.exp(-(w * x + b))) for x in xs)]
        assert surface.saturated[i, j] == (min(slopes) < 0.05)


def test_a_point_of_the_surface_is_the_cost_of_a_run_started_there():
    xs, ys = random_data_set(7, n=9)
    w_axis, b_axis = np.linspace(-3, 3, 100), np.linspace(-2, 2, 100)
    surface = landscape("cross_entropy", xs, ys, w_axis, b_axis)
    for i, j in [(0, 0), (17, 83), (99, 50)]:
        row = simulate_sigmoid("cross_entropy", w_axis[j], b_axis[i], xs, ys, 0.1, 0).iloc[0]
        assert surface.cost["cross_entropy"][i, j] == pytest.approx(row["cost"], rel=1e-15)
        assert surface.gradient_norm["cross_entropy"][i, j] == pytest.approx(
            math.hypot(row["grad_w"], row["grad_b"]), rel=1e-14
        )


def test_one_example_gives_a_ridge_constant_along_lines_of_equal_z():
    """With one example the cost depends on (w, b) only through z = w·x + b (issue #18's reason
    for data sets): with x = 1 and equal steps on both axes, C is constant along anti-diagonals."""
    axis = np.linspace(-4, 4, 101)
    surface = landscape("quadratic", 1.0, 0.0, axis, axis)
    cost = surface.cost["quadratic"]
    assert cost[10, 30] == pytest.approx(cost[30, 10], rel=1e-12)
    assert cost[0, 100] == pytest.approx(cost[100, 0], rel=1e-12)


def test_the_long_form_has_one_row_per_loss_and_point():
    axis = np.linspace(-1, 1, 100)
    surface = landscape(["quadratic", "cross_entropy"], [1.0, -1.0], [1.0, 0.0], axis, axis)
    frame = surface.frame()
    assert list(frame.columns) == ["loss", "w", "b", "cost", "gradient_norm", "saturated"]
    assert len(frame) == 2 * 100 * 100
    point = frame[(frame["loss"] == "cross_entropy")].iloc[100 * 3 + 7]
    assert (point["w"], point["b"]) == (axis[7], axis[3])
    assert point["cost"] == surface.cost["cross_entropy"][3, 7]


# --- convexity ------------------------------------------------------------------------------


def engine_cost(loss: str, w: float, b: float, xs, ys) -> float:
    return float(simulate_sigmoid(loss, w, b, xs, ys, 0.1, 0)["cost"].iloc[0])


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            st.lists(floats(-5, 5), min_size=n, max_size=n), st.lists(floats(0, 1), min_size=n, max_size=n)
        )
    ),
    floats(-10, 10),
    floats(-10, 10),
    floats(-10, 10),
    floats(-10, 10),
)
def test_cross_entropy_cost_is_convex_along_every_segment(data, w0, b0, w1, b1):
    """Midpoint convexity C(m) ≤ (C(p) + C(q))/2 on random segments of random data sets.

    Tolerance: each example's cost softplus(z) − y·z is computed with an error of a few ulps of
    |z| + 1 (softplus(z) ≈ z cancels against y·z for y = 1), so each mean cost is off by at most
    ~8·eps·(max|z| + 1) and the three of the inequality by ~5e-15·(max|z| + 1); 1e-12·(max|z| + 1)
    leaves a 200-fold margin and is still 10¹¹ times smaller than the quadratic cost's violation
    below. Equality up to rounding must pass: where every example is saturated the cost is linear."""
    xs, ys = data
    mid_w, mid_b = 0.5 * (w0 + w1), 0.5 * (b0 + b1)
    ends = engine_cost("cross_entropy", w0, b0, xs, ys) + engine_cost("cross_entropy", w1, b1, xs, ys)
    middle = engine_cost("cross_entropy", mid_w, mid_b, xs, ys)
    biggest = max(abs(w * x + b) for w, b in ((w0, b0), (w1, b1)) for x in xs)
    assert middle <= 0.5 * ends + 1e-12 * (biggest + 1)


# The documented counterexample: two examples a classifier should separate, x = (1, −1) with
# targets y = (1, 0), on the segment b = 0 from w = −10 (both examples badly wrong and saturated)
# to w = 2 (both right). By hand, with σ(4) = 0.982014: C(−10) = ½(1 − σ(−10))² = 0.499955,
# C(2) = ½(1 − σ(2))² = 0.007105, but C(−4) = ½(1 − σ(−4))² = 0.482175 at the midpoint, far above
# the chord's 0.253530. Teaching point: when the neuron is confidently wrong on every example the
# quadratic cost is a plateau just under its maximum ½ (|∇C| ≈ 4.5e-5 at w = −10) that falls off
# in a cliff near w = 0 — concave on the way, so no convex bound applies and gradient descent
# crawls; cross-entropy along the same segment is convex, rising linearly as the neuron grows
# more wrong, with |∇C| ≈ 1 at w = −10.
TRAP_X, TRAP_Y = [1.0, -1.0], [1.0, 0.0]
TRAP_ENDS, TRAP_MIDDLE = ((-10.0, 0.0), (2.0, 0.0)), (-4.0, 0.0)


def test_the_quadratic_cost_is_not_convex_on_the_documented_data_set():
    (p, q), m = TRAP_ENDS, TRAP_MIDDLE
    by_hand = {"p": 0.499955, "q": 0.007105, "m": 0.482175}  # the comment's numbers, from σ by hand
    got = {name: engine_cost("quadratic", *point, TRAP_X, TRAP_Y) for name, point in zip("pqm", (p, q, m))}
    for name, value in by_hand.items():
        assert got[name] == pytest.approx(value, abs=1e-6)
    assert got["m"] - 0.5 * (got["p"] + got["q"]) > 0.2
    ce = {name: engine_cost("cross_entropy", *point, TRAP_X, TRAP_Y) for name, point in zip("pqm", (p, q, m))}
    assert ce["m"] < 0.5 * (ce["p"] + ce["q"])


def test_the_documented_data_set_has_a_quadratic_plateau_and_no_cross_entropy_one():
    w_axis, b_axis = window(-4.0, 0.0, radius=6.0, points=121)
    surface = landscape(["quadratic", "cross_entropy"], TRAP_X, TRAP_Y, w_axis, b_axis)
    assert surface.gradient_norm["quadratic"][60, 0] == pytest.approx(4.54e-5, rel=1e-2)  # at w = −10
    assert surface.gradient_norm["cross_entropy"][60, 0] == pytest.approx(1.0, rel=1e-3)
    assert surface.flat_share("quadratic") > 0.05 and surface.flat_share("cross_entropy") == 0.0
    assert surface.saturated[60, 0] and not surface.saturated[60, 120]  # σ′(10) < 0.05 < σ′(2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"losses": []}, "losses must be a non-empty list"),
        ({"losses": ["quadratic", "quadratic"]}, "distinct"),
        ({"losses": ["log_likelihood"]}, "loss must be one of"),
        ({"w_axis": [0.0]}, f"w_axis must hold {GRID_POINTS[0]} to {GRID_POINTS[1]} values; got 1"),
        ({"w_axis": np.linspace(0, 1, GRID_POINTS[1] + 1)}, f"got {GRID_POINTS[1] + 1}"),
        (
            {"b_axis": [0.0, 1.0, 1.0]},
            "b_axis must be strictly increasing; got b_axis[1] = 1.0, b_axis[2] = 1.0",
        ),
        ({"b_axis": [0.0, math.nan]}, "b_axis must hold finite numbers"),
        ({"x": [1.0, 2.0], "y": [0.0]}, "y must hold one entry per example of x (2)"),
        ({"y": [0.0, 2.0]}, "y[1] must be a finite number in [0, 1]; got 2.0"),
        ({"slope_floor": 0.0}, "slope_floor must be a finite number in (0, 0.25]; got 0.0"),
    ],
)
def test_bad_landscape_input_is_refused(change, message):
    valid = dict(losses=["quadratic"], x=[1.0, -1.0], y=[1.0, 0.0], w_axis=[0.0, 1.0], b_axis=[0.0, 1.0])
    with pytest.raises(ValueError) as error:
        landscape(**(valid | change))
    assert message in str(error.value)
