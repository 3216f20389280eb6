"""The learning-speed map: every cell equals its single run exactly, and the map shows the science."""

import math

import numpy as np
import pandas as pd
import pytest
from findings_oracle import aim, status
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lossdemo import LOSSES, simulate_sigmoid, simulate_softmax, start_logits
from lossdemo.engine import optimizers
from lossdemo.engine.milestones import first_epoch_within, goal_for
from lossdemo.engine.sweep import (
    LossComparison,
    compare_losses,
    fastest_loss,
    joined,
    sweep_sigmoid,
    sweep_softmax,
)

OPTIMIZERS = tuple(optimizers.OPTIMIZERS)
SIGMOID = tuple(LOSSES["sigmoid"])
SOFTMAX = tuple(LOSSES["softmax"])
DEFAULT_Z0 = np.round(np.arange(-100, 101) * 0.1, 10)
DEFAULT_ETAS = np.geomspace(0.001, 10.0, 16)


def single_sigmoid(loss, z0, x, y, eta, cap, tolerance, w=0.0, b=None, optimizer="gd"):
    """The reference: one engine run from w·x + b = z0, classified by `status`."""
    run = simulate_sigmoid(loss, w, z0 if b is None else b, x, y, eta, cap, optimizer)
    optimum, floor, smooth = aim("sigmoid", loss, y=y)
    signed = run["a"].to_numpy() - optimum
    return status(signed, goal_for(abs(signed[0]), tolerance), cap, floor, smooth)


def single_softmax(loss, classes, target, x, margin, eta, cap, tolerance, optimizer="gd"):
    b = start_logits(classes, target, margin)
    run = simulate_softmax(loss, np.zeros((classes, 1)), b, [x], target, eta, cap, optimizer)
    optimum, floor, smooth = aim("softmax", loss, classes=classes)
    signed = run["a_y"].to_numpy() - optimum
    return status(signed, goal_for(abs(signed[0]), tolerance), cap, floor, smooth)


def assert_cell_matches(row, single, cap):
    assert (row.learned, row.epochs, row.unstable) == single, row


def check_sigmoid_frame(frame, x, y, cap, tolerance):
    optimizer = frame.attrs["optimizer"]
    for row in frame.itertuples():
        single = single_sigmoid(row.loss, row.z0, x, y, row.eta, cap, tolerance, optimizer=optimizer)
        assert_cell_matches(row, single, cap)


def check_softmax_frame(frame, classes, target, x, cap, tolerance):
    optimizer = frame.attrs["optimizer"]
    for row in frame.itertuples():
        single = single_softmax(row.loss, classes, target, x, row.margin, row.eta, cap, tolerance, optimizer)
        assert_cell_matches(row, single, cap)


# --- exact agreement with single runs ---------------------------------------------------------

EXTREME_Z0 = [-40.0, -20.7, -3.9, -0.85, 0.0, 0.85, 3.5, 20.7, 36.7]
ETAS = [0.001, 0.01, 0.15, 1.0, 3.0, 10.0, 1000.0]


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize(
    ("x", "y", "tolerance"),
    [(1.0, 0.0, None), (-1.5, 0.3, 0.2), (0.5, 1.0, 0.9), (3.0, 0.5, None)],
)
def test_every_sigmoid_cell_equals_its_single_run(x, y, tolerance, optimizer):
    cap = 300
    frame = sweep_sigmoid(SIGMOID, x, y, EXTREME_Z0, ETAS, tolerance=tolerance, cap=cap, optimizer=optimizer)
    check_sigmoid_frame(frame, x, y, cap, tolerance)


def test_sigmoid_cells_cover_capped_and_epoch_0_and_1_and_stuck_cells():
    half = sweep_sigmoid(SIGMOID, 1.0, 0.0, EXTREME_Z0, ETAS, cap=300)
    loose = sweep_sigmoid(SIGMOID, 0.5, 1.0, EXTREME_Z0, ETAS, tolerance=0.9, cap=300)
    assert (~half["learned"]).any() and (half["epochs"] == 1).any()
    assert (loose["epochs"] == 0).any()
    stuck = half[(half["loss"] == "quadratic") & (half["z0"] == 36.7) & (half["eta"] <= 10)]
    assert not stuck["learned"].any()


def test_sampled_cells_of_the_default_grid_equal_their_single_runs():
    frame = sweep_sigmoid(SIGMOID, 1.0, 0.0, DEFAULT_Z0, DEFAULT_ETAS, cap=2000)
    rng = np.random.default_rng(6)
    picks = [frame[~frame["learned"]], frame[frame["epochs"] <= 2], frame[frame["learned"]]]
    sample = pd.concat([p.iloc[rng.choice(len(p), size=min(8, len(p)), replace=False)] for p in picks])
    check_sigmoid_frame(sample, 1.0, 0.0, 2000, None)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize(
    ("classes", "target", "x", "tolerance"),
    [(3, 0, 1.0, None), (4, 3, -0.7, 0.5), (2, 1, 2.0, 0.99)],
)
def test_every_softmax_cell_equals_its_single_run(classes, target, x, tolerance, optimizer):
    cap = 250
    margins = [-30.0, -2.0, 0.0, 1.5, 5.0, 30.0]
    frame = sweep_softmax(
        SOFTMAX, classes, target, x, margins, ETAS[:-1], tolerance=tolerance, cap=cap, optimizer=optimizer
    )
    check_softmax_frame(frame, classes, target, x, cap, tolerance)


def test_softmax_cells_cover_capped_and_epoch_0_and_1():
    margins = [-30.0, -2.0, 0.0, 1.5, 5.0, 30.0]
    frame = sweep_softmax(SOFTMAX, 3, 0, 1.0, margins, ETAS[:-1], cap=250)
    loose = sweep_softmax(SOFTMAX, 2, 1, 2.0, margins, ETAS[:-1], tolerance=0.99, cap=250)
    assert (~frame["learned"]).any() and (frame["epochs"] == 1).any()
    assert (loose["epochs"] == 0).any()


logits = st.floats(-10.0, 10.0)
rates = st.floats(0.001, 20.0)


@settings(max_examples=25, deadline=None)
@given(
    z0=st.lists(logits, min_size=2, max_size=2, unique=True).map(sorted),
    etas=st.lists(rates, min_size=2, max_size=2, unique=True).map(sorted),
    x=st.floats(-3.0, 3.0),
    y=st.floats(0.0, 1.0),
    tolerance=st.none() | st.floats(0.001, 0.999),
    cap=st.integers(1, 150),
    optimizer=st.sampled_from(OPTIMIZERS),
)
def test_any_small_sigmoid_map_equals_its_single_runs(z0, etas, x, y, tolerance, cap, optimizer):
    frame = sweep_sigmoid(SIGMOID, x, y, z0, etas, tolerance=tolerance, cap=cap, optimizer=optimizer)
    check_sigmoid_frame(frame, x, y, cap, tolerance)


@settings(max_examples=15, deadline=None)
@given(
    classes=st.integers(2, 5),
    target=st.integers(0, 4),
    margins=st.lists(st.floats(-8.0, 8.0), min_size=2, max_size=2, unique=True).map(sorted),
    etas=st.lists(rates, min_size=2, max_size=2, unique=True).map(sorted),
    x=st.floats(-3.0, 3.0),
    tolerance=st.none() | st.floats(0.001, 0.999),
    cap=st.integers(1, 100),
    optimizer=st.sampled_from(OPTIMIZERS),
)
def test_any_small_softmax_map_equals_its_single_runs(
    classes, target, margins, etas, x, tolerance, cap, optimizer
):
    target = target % classes
    frame = sweep_softmax(
        SOFTMAX, classes, target, x, margins, etas, tolerance=tolerance, cap=cap, optimizer=optimizer
    )
    check_softmax_frame(frame, classes, target, x, cap, tolerance)


@settings(max_examples=40, deadline=None)
@given(
    loss=st.sampled_from(SIGMOID),
    z0=st.floats(-13.0, 4.5),
    eta=st.floats(0.01, 5.0),
    x=st.floats(-3.0, 3.0),
    y=st.sampled_from([0.0, 1.0]),
    at=st.integers(1, 60),
)
def test_a_goal_set_to_a_single_runs_own_error_is_met_at_exactly_that_epoch(loss, z0, eta, x, y, at):
    """Knife-edge goals: a cell off by one rounding anywhere would be classified otherwise here."""
    grid = {"z0": [z0, z0 + 0.03], "etas": [eta, 2 * eta]}
    optimum, floor, smooth = aim("sigmoid", loss, y=y)
    engine_optimum = sweep_sigmoid([loss], x, y, cap=1, **grid).attrs["optimum"][loss]
    assert engine_optimum == pytest.approx(optimum, rel=1e-12, abs=1e-15)
    signed = simulate_sigmoid(loss, 0.0, z0, x, y, eta, 60)["a"].to_numpy() - engine_optimum
    tolerance = float(abs(signed[at]))
    assume(0.0 < tolerance < 1.0)
    frame = sweep_sigmoid([loss], x, y, tolerance=tolerance, cap=60, **grid)
    row = frame.iloc[0]
    assert (row.learned, row.epochs, row.unstable) == status(signed, tolerance, 60, floor, smooth)


@settings(max_examples=25, deadline=None)
@given(
    loss=st.sampled_from(SOFTMAX),
    classes=st.integers(2, 5),
    margin=st.floats(-3.0, 8.0),
    eta=st.floats(0.01, 5.0),
    x=st.floats(-3.0, 3.0),
    at=st.integers(1, 40),
)
def test_a_softmax_goal_set_to_a_single_runs_own_error_is_met_at_exactly_that_epoch(
    loss, classes, margin, eta, x, at
):
    b = start_logits(classes, 0, margin)
    run = simulate_softmax(loss, np.zeros((classes, 1)), b, [x], 0, eta, 40)
    optimum, floor, smooth = aim("softmax", loss, classes=classes)
    grid = ([margin, margin + 0.5], [eta, 2 * eta])
    engine_optimum = sweep_softmax([loss], classes, 0, x, *grid, cap=1).attrs["optimum"][loss]
    assert engine_optimum == pytest.approx(optimum, rel=1e-12, abs=1e-15)
    signed = run["a_y"].to_numpy() - engine_optimum
    tolerance = float(abs(signed[at]))
    assume(0.0 < tolerance < 1.0)
    frame = sweep_softmax([loss], classes, 0, x, *grid, tolerance, cap=40)
    row = frame.iloc[0]
    assert (row.learned, row.epochs, row.unstable) == status(signed, tolerance, 40, floor, smooth)


SMALL = sweep_sigmoid(SIGMOID, 1.0, 0.0, np.linspace(-4.0, 4.0, 9), [0.01, 0.15, 2.0], cap=300)


@settings(max_examples=40, deadline=None)
@given(cell=st.integers(0, len(SMALL) - 1), share=st.floats(0.0, 1.0))
def test_the_map_over_w0_and_b0_is_constant_along_w0_x_plus_b0(cell, share):
    row = SMALL.iloc[cell]
    w = math.trunc(row.z0 * share * 8) / 8  # a multiple of 1/8 between 0 and z0, so b is exact
    b = row.z0 - w
    assert w * 1.0 + b == row.z0
    single = single_sigmoid(row.loss, row.z0, 1.0, 0.0, row.eta, 300, None, w=w, b=b)
    assert_cell_matches(row, single, 300)


@pytest.mark.parametrize("loss", SIGMOID)
def test_a_cell_that_reaches_the_goal_at_the_cap_is_learned_and_one_epoch_later_is_not(loss):
    full = sweep_sigmoid([loss], 1.0, 0.0, [0.4, 2.2], [0.01, 0.02], cap=2000)
    epochs = int(full["epochs"].iloc[0])
    assert 1 < epochs <= 2000
    at_cap = sweep_sigmoid([loss], 1.0, 0.0, [0.4, 2.2], [0.01, 0.02], cap=epochs)
    short = sweep_sigmoid([loss], 1.0, 0.0, [0.4, 2.2], [0.01, 0.02], cap=epochs - 1)
    assert (at_cap["learned"].iloc[0], at_cap["epochs"].iloc[0]) == (True, epochs)
    assert (short["learned"].iloc[0], short["epochs"].iloc[0]) == (False, epochs)


# --- what the map shows ------------------------------------------------------------------------


def test_badly_wrong_quadratic_is_never_faster_and_strictly_slower_wherever_cross_entropy_learns():
    frame = sweep_sigmoid(SIGMOID, 1.0, 0.0, np.linspace(2.2, 5.3, 12), DEFAULT_ETAS, cap=2000)
    table = frame.pivot(index=["z0", "eta"], columns="loss", values="epochs")
    learns = frame[frame["loss"] == "cross_entropy"].set_index(["z0", "eta"])["learned"]
    assert (table["quadratic"] >= table["cross_entropy"]).all()
    assert (table["quadratic"] > table["cross_entropy"])[learns].all()
    assert learns.any()


def test_confidently_wrong_softmax_quadratic_is_never_faster_than_log_likelihood():
    frame = sweep_softmax(SOFTMAX, 3, 0, 1.0, np.linspace(2.0, 10.0, 9), DEFAULT_ETAS[::4], cap=2000)
    table = frame.pivot(index=["margin", "eta"], columns="loss", values="epochs")
    assert (table["quadratic"] >= table["log_likelihood"]).all()


def test_the_frame_is_tidy_one_row_per_loss_and_cell_without_missing_values():
    frame = sweep_sigmoid(SIGMOID, 1.0, 0.0, [-1.4, 0.0, 1.4], [0.1, 1.0], cap=50)
    assert list(frame.columns) == [
        "loss",
        "z0",
        "a0",
        "eta",
        "error0",
        "goal",
        "epochs",
        "learned",
        "unstable",
        "band",
    ]
    assert len(frame) == len(SIGMOID) * 6
    assert frame["epochs"].dtype == np.int64 and frame["learned"].dtype == bool
    assert not frame.isna().any().any()
    assert frame.attrs["cap"] == 50
    assert np.allclose(1 / (1 + np.exp(-frame["z0"])), frame["a0"], rtol=1e-15, atol=0)
    soft = sweep_softmax(SOFTMAX, 3, 0, 1.0, [0.0, 2.0], [0.1, 1.0], tolerance=0.5, cap=50)
    assert list(soft.columns) == [
        "loss",
        "margin",
        "eta",
        "error0",
        "goal",
        "epochs",
        "learned",
        "unstable",
        "band",
    ]
    assert (soft["goal"] == 0.5).all()


def sigmoid_sweep(losses):
    return sweep_sigmoid(losses, 1.5, 0.3, [-2.0, 0.0, 2.0], [0.1, 3.0], cap=40)


def softmax_sweep(losses):
    return sweep_softmax(losses, 3, 1, 1.0, [-2.0, 2.0], [0.1, 3.0], tolerance=0.5, cap=40)


@pytest.mark.parametrize(("sweep", "losses"), [(sigmoid_sweep, SIGMOID), (softmax_sweep, SOFTMAX)])
def test_each_losss_sweep_joined_is_the_sweep_of_all_the_losses(sweep, losses):
    """The page keeps each loss's sweep and joins those it shows: label smoothing's and focal's
    optima (not the target) must survive the join with their own loss."""
    losses = list(losses)[::-1]
    together, apart = sweep(losses), joined([sweep([loss]) for loss in losses])
    pd.testing.assert_frame_equal(apart, together)
    assert apart.attrs == together.attrs
    assert list(apart.attrs["optimum"]) == losses


# --- helpers for the page ----------------------------------------------------------------------


def test_first_epoch_within_returns_the_first_row_at_or_below_the_goal_or_none():
    errors = np.array([0.8, 0.6, 0.4, 0.5, 0.3])
    assert first_epoch_within(errors, 0.4) == 2
    assert first_epoch_within(errors, 0.8) == 0
    assert first_epoch_within(errors, 0.1) is None
    assert goal_for(0.8, None) == 0.4 and goal_for(0.8, 0.1) == 0.1


def test_compare_losses_counts_capped_cells_as_cap_plus_one():
    frame = pd.DataFrame(
        {
            "loss": ["q"] * 4 + ["ce"] * 4,
            "z0": [0.1, 0.2, 0.3, 0.4] * 2,
            "eta": [0.5] * 8,
            "error0": [0.9, 0.9, 0.3, 0.9] * 2,
            "epochs": [100, 5, 2001, 2001, 5, 5, 10, 0],
            "learned": [True, True, False, False] + [True] * 4,
            "unstable": [False, False, False, True] + [False] * 4,
        }
    )
    frame.attrs |= {"axis": "z0", "worst_error": 1.0}
    got = compare_losses(frame, "q", "ce")
    # Cells where q takes over 10× ce's epochs: 100 > 50, 2001 > 100, 2001 > 0 (5 vs 5 is not).
    # Not learned: two (one of them unstable); of those one started less than 0.5 off.
    assert got == LossComparison("q", "ce", 10.0, 4, 3, 0.75, 2, 0, 1, 0, 1)
    assert fastest_loss(frame) == "ce"  # 20 epochs in all against 4,107
    with pytest.raises(ValueError, match="slow must be one of the frame's losses q, ce; got 'x'"):
        compare_losses(frame, "x", "ce")


# --- bad input ---------------------------------------------------------------------------------


def sig(**changes):
    args = {"losses": SIGMOID, "x": 1.0, "y": 0.0, "z0": [-1.4, 1.4], "etas": [0.1, 1.0]} | changes
    return lambda: sweep_sigmoid(**args)


def soft(**changes):
    args = {"losses": SOFTMAX, "classes": 3, "target": 0, "x": 1.0, "margins": [0.0, 2.0]}
    return lambda: sweep_softmax(**(args | {"etas": [0.1, 1.0]} | changes))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (sig(losses=["quadratic", "hinge"]), f"loss must be one of {', '.join(SIGMOID)} .*'hinge'"),
        (sig(losses=[]), "losses must be a non-empty list"),
        (sig(losses=["quadratic", "quadratic"]), "distinct"),
        (sig(x=1e4), r"x must be a finite number in \[-1000, 1000\]; got 10000.0"),
        (sig(y=1.5), r"y must be a finite number in \[0, 1\]; got 1.5"),
        (sig(z0=[-41.0, 0.5]), r"z0 must hold values in \[-40, 40\]; got z0\[0\] = -41.0"),
        (sig(z0=[0.5, 40.5]), r"z0 must hold values in \[-40, 40\]; got z0\[1\] = 40.5"),
        (sig(z0=[0.5]), "z0 must hold 2 to 400 values; got 1"),
        (sig(z0=np.linspace(-1, 1, 401)), "z0 must hold 2 to 400 values; got 401"),
        (sig(z0=[0.5, 0.4]), r"z0 must be strictly increasing; got z0\[0\] = 0.5, z0\[1\] = 0.4"),
        (sig(z0=[0.5, 0.5]), r"z0 must be strictly increasing; got z0\[0\] = 0.5, z0\[1\] = 0.5"),
        (sig(z0=[0.5, float("nan")]), "z0 must hold finite numbers"),
        (sig(z0="abc"), "z0 must be an array of numbers"),
        (sig(etas=[0.0, 1.0]), r"etas must hold values in \(0, 1000\]; got etas\[0\] = 0.0"),
        (sig(etas=[1.0, 2000.0]), r"etas must hold values in \(0, 1000\]; got etas\[1\] = 2000.0"),
        (sig(tolerance=1.0), r"tolerance must be None \(half the initial error\) or a number in \(0, 1\)"),
        (sig(tolerance=0.0), r"tolerance .* in \(0, 1\); got 0.0"),
        (sig(tolerance=True), "tolerance .*; got True"),
        (sig(cap=0), "cap must be an integer from 1 to 20000; got 0"),
        (sig(cap=20_001), "cap must be an integer from 1 to 20000; got 20001"),
        (sig(cap=10.0), "cap must be an integer from 1 to 20000; got 10.0"),
        (soft(losses=["cross_entropy"]), "loss must be one of .* for a softmax neuron; got .cross_entropy."),
        (soft(classes=1), "classes must be an integer from 2 to 20; got 1"),
        (soft(target=3), "target must be an integer from 0 to 2; got 3"),
        (soft(margins=[0.0, 31.0]), r"margins must hold values in \[-30, 30\]; got margins\[1\] = 31.0"),
        (soft(etas=[-1.0, 1.0]), r"etas must hold values in \(0, 1000\]; got etas\[0\] = -1.0"),
        (soft(tolerance=2), r"tolerance .*; got 2"),
    ],
)
def test_bad_input_names_the_parameter_the_value_and_what_is_accepted(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("errors", "goal", "message"),
    [
        ([0.5, 0.2], -0.1, r"goal must be a finite number in \[0, 1\]; got -0.1"),
        ([0.5, 0.2], float("nan"), "goal must be a finite number"),
        ([[0.5]], 0.1, "errors must have shape n; got shape 1×1"),
        ([0.5, 1.5], 0.1, r"errors must hold finite numbers in \[-1, 1\]"),
    ],
)
def test_first_epoch_within_rejects_bad_goals_and_errors(errors, goal, message):
    with pytest.raises(ValueError, match=message):
        first_epoch_within(errors, goal)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (sig(z0=[0.1, 0.2, 0.2, 0.3]), "z0"),
        (sig(etas=[0.1, 0.2, 0.2, 0.3]), "etas"),
        (soft(margins=[0.1, 0.2, 0.2, 0.3]), "margins"),
    ],
)
def test_a_map_axis_with_a_repeated_value_is_rejected(call, name):
    # A repeated value is not strictly increasing: [0.1, 0.2, 0.2, 0.3] fails at entries 1 and 2.
    message = rf"{name} must be strictly increasing; got {name}\[1\] = 0.2, {name}\[2\] = 0.2"
    with pytest.raises(ValueError, match=message):
        call()
