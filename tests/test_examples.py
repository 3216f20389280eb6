"""Runs on a data set of several examples (issue #18): the cost and gradients are the means of the
per-example ones, the gradients are those of the cost, a run follows its optimizer, one example
in a sequence is the single-example run bit for bit, and the columns mean what the docstring of
`sigmoid_examples` says. The oracle is `dataset_by_hand` (plain Python floats, from the formulas).

Tolerances: the engine computes σ and the costs in stable numpy forms and sums the n examples
in another order than the oracle, so the two agree to a few ulps per term; 1e-12 relative (plus
1e-13 absolute, for sums that cancel towards 0) is a thousand times that and far below any error
a wrong formula would make."""

from __future__ import annotations

import math

import dataset_by_hand
import numpy as np
import pandas as pd
import pytest
from dataset_by_hand import cost as cost_by_hand
from dataset_by_hand import gradient as gradient_by_hand
from dataset_by_hand import output, terms, train
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from lossdemo import LOSSES, simulate_sigmoid
from lossdemo.engine.dataset import MAX_EXAMPLES, long_examples
from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.engine.sigmoid import EXAMPLE_QUANTITIES

HAND_LOSSES = dataset_by_hand.SIGMOID_LOSSES  # the losses the oracle writes out
RTOL, ATOL = 1e-12, 1e-13


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def data_sets(draw, low: int = 2, high: int = 12, bound: float = 5.0):
    n = draw(st.integers(low, high))
    xs = draw(st.lists(floats(-bound, bound), min_size=n, max_size=n))
    ys = draw(st.lists(st.one_of(st.sampled_from([0.0, 1.0]), floats(0, 1)), min_size=n, max_size=n))
    return xs, ys


def close(got: float, expected: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    return abs(got - expected) <= rtol * abs(expected) + atol


def test_the_losses_and_optimizers_the_oracle_writes_out_are_registered():
    assert set(HAND_LOSSES) <= set(LOSSES["sigmoid"])
    assert set(dataset_by_hand.OPTIMIZERS) <= set(OPTIMIZERS)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(HAND_LOSSES), floats(-4, 4), floats(-4, 4), data_sets())
def test_cost_and_gradients_are_the_means_over_the_examples(loss, w, b, data):
    xs, ys = data
    row = simulate_sigmoid(loss, w, b, xs, ys, 0.1, 0).iloc[0]
    grad_w, grad_b = gradient_by_hand(loss, w, b, xs, ys)
    assert close(row["cost"], cost_by_hand(loss, w, b, xs, ys))
    assert close(row["grad_w"], grad_w) and close(row["grad_b"], grad_b)
    assert row["grad_z"] == row["grad_b"]
    for i, (x, y) in enumerate(zip(xs, ys)):
        c, d = terms(loss, w * x + b, y)
        assert close(row[f"cost_ex{i}"], c) and close(row[f"grad_z_ex{i}"], d)


def decided_steps(loss: str, optimizer: str, path, xs, ys) -> int:
    """The index of the first state on the oracle's path from which rounding can decide the next
    step (the whole path if none): under Adam, a gradient component whose terms δᵢxᵢ (or δᵢ) cancel
    to within 1e-5 of their size; for the absolute error, any example within 1e-9 of its corner
    a = y, where the gradient jumps. Adam steps by about η·g/|g| whatever g's size, so its step
    carries g's relative rounding, a few ulps of the terms' size over |g|: where the terms cancel
    to 1e-9 of their size (a mirror-image data set, or w ≈ 0 with inputs of both signs), rounding
    sets the step's sign; at 1.02e-9 a step of 0.01 came out 7e-10 apart, 6e-9 ten updates later.
    Cancelling to 1e-5 at most, each update's share stays near 1e-11, inside the paths' 1e-9."""
    for k, (w, b) in enumerate(path):
        deltas = [terms(loss, w * x + b, y)[1] for x, y in zip(xs, ys)]
        if optimizer == "adam":
            for parts in ([d * x for d, x in zip(deltas, xs)], deltas):
                size = sum(abs(part) for part in parts)
                if size > 0 and abs(sum(parts)) <= 1e-5 * size:
                    return k
        if loss == "absolute" and any(abs(output(w * x + b) - y) < 1e-9 for x, y in zip(xs, ys)):
            return k
    return len(path) - 1


@settings(max_examples=60, deadline=None)
@example(  # a mirror-image data set: ∂C/∂b is 0 but for rounding, and Adam steps b by about ±η
    "quadratic", "adam", 0.0, 0.0, ([0.0, 0.0, -1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]), 1.0
)
@example(  # the absolute error's corner: example 4 (x = 1, y = ½) is at a = y along the way
    "absolute", "adam", 1e-09, -1.0, ([0.0, 0.0, 0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.5, 1.0, 1.0]), 1.0
)
@example(  # w ≈ 0: ∂C/∂b's terms cancel to 1.02e-9 of their size at the start, and Adam's first step
    "absolute", "adam", 1e-09, -2.0, ([0.0, 2.0, 0.0, -2.0, 3.0, -1.0], [0.0, 0.0, 1.0, 0.25, 0.0, 1.0]), 1.0
)
@given(
    st.sampled_from(HAND_LOSSES),
    st.sampled_from(dataset_by_hand.OPTIMIZERS),
    floats(-3, 3),
    floats(-3, 3),
    data_sets(high=8, bound=3.0),
    floats(0.01, 1.0),
)
def test_a_run_follows_its_optimizer_on_the_mean_gradient(loss, optimizer, w, b, data, eta):
    """30 updates against the oracle's training loop: the paths agree to 1e-9 (rounding grows
    with every update, and Adam divides by √v, which amplifies it where v is tiny), as long as
    rounding cannot decide a step (`decided_steps`)."""
    xs, ys = data
    run = simulate_sigmoid(loss, w, b, xs, ys, eta, 30, optimizer)
    path = train(loss, optimizer, w, b, xs, ys, eta, 30)
    path = path[: decided_steps(loss, optimizer, path, xs, ys) + 1]
    for k, (w_k, b_k) in enumerate(path):
        assert close(run["w"].iloc[k], w_k, 1e-9, 1e-9), (k, run["w"].iloc[k], w_k)
        assert close(run["b"].iloc[k], b_k, 1e-9, 1e-9), (k, run["b"].iloc[k], b_k)
    last = run.iloc[-1]
    for i, x in enumerate(xs):  # each example's logit is the last row's w·x_i + b
        assert close(last[f"z_ex{i}"], last["w"] * x + last["b"], 1e-9, 1e-9)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(HAND_LOSSES), floats(-4, 4), floats(-4, 4), data_sets(low=1, high=20))
def test_gradients_equal_central_differences_of_the_cost(loss, w, b, data):
    """The oracle's mean cost differenced centrally against the engine's gradient columns. With
    |w|, |b| ≤ 4 and |x| ≤ 5, |z| ≤ 24, where σ′ > 1e-11 and no cost is flat to rounding. Step
    h = 1e-6: rounding noise eps·C/h ≈ 1e-10, truncation h²·|C‴|/6 with |C‴| ≲ 25·max|x|³ well
    below 1e-9: the allowance 1e-6 relative plus 1e-8 covers both."""
    xs, ys = data
    row = simulate_sigmoid(loss, w, b, xs, ys, 0.1, 0).iloc[0]
    h = 1e-6
    if loss == "absolute":  # a kink where a_i = y_i: keep every example clear of it
        assume(all(abs(row[f"a_ex{i}"] - y) > 1e-4 for i, y in enumerate(ys)))
    fd_w = (cost_by_hand(loss, w + h, b, xs, ys) - cost_by_hand(loss, w - h, b, xs, ys)) / (2 * h)
    fd_b = (cost_by_hand(loss, w, b + h, xs, ys) - cost_by_hand(loss, w, b - h, xs, ys)) / (2 * h)
    assert close(row["grad_w"], fd_w, 1e-6, 1e-8), (row["grad_w"], fd_w)
    assert close(row["grad_b"], fd_b, 1e-6, 1e-8), (row["grad_b"], fd_b)


SEQUENCE_FORMS = {
    "list": lambda v: [v],
    "tuple": lambda v: (v,),
    "array": lambda v: np.array([v]),
    "series": lambda v: pd.Series([v]),
}


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(list(LOSSES["sigmoid"])),
    st.sampled_from(list(OPTIMIZERS)),
    st.sampled_from(list(SEQUENCE_FORMS)),
    floats(-50, 50),
    floats(-50, 50),
    floats(-10, 10),
    floats(0, 1),
    floats(0.001, 5.0),
    st.integers(0, 60),
)
def test_one_example_in_a_sequence_is_the_single_example_run_bit_for_bit(
    loss, optimizer, form, w, b, x, y, eta, epochs
):
    single = simulate_sigmoid(loss, w, b, x, y, eta, epochs, optimizer)
    wrap = SEQUENCE_FORMS[form]
    data_set = simulate_sigmoid(loss, w, b, wrap(x), wrap(y), eta, epochs, optimizer)
    for column in single:
        assert data_set[column].to_numpy().tobytes() == single[column].to_numpy().tobytes(), column
        assert data_set[column].dtype == single[column].dtype
    for q in EXAMPLE_QUANTITIES:
        same = "grad_z" if q == "grad_z" else q
        assert data_set[f"{q}_ex0"].to_numpy().tobytes() == single[same].to_numpy().tobytes(), q
    assert (data_set["error_max"] == single["error"]).all()
    assert (data_set["sigma_prime_min"] == single["sigma_prime"]).all()


def test_the_aggregate_columns_are_means_and_extremes_of_the_per_example_ones():
    xs, ys = [-2.0, -0.5, 0.5, 3.0], [0.0, 1.0, 0.0, 1.0]
    run = simulate_sigmoid("quadratic", 1.5, -0.5, xs, ys, 0.5, 40)
    n = len(xs)

    def block(q):
        return run[[f"{q}_ex{i}" for i in range(n)]].to_numpy()

    assert np.allclose(run["z"], block("z").mean(axis=1), rtol=1e-15, atol=0)
    assert np.allclose(run["a"], block("a").mean(axis=1), rtol=1e-15, atol=0)
    assert np.allclose(run["error"], block("error").mean(axis=1), rtol=1e-15, atol=0)
    assert np.allclose(run["sigma_prime"], block("sigma_prime").mean(axis=1), rtol=1e-15, atol=0)
    assert np.allclose(run["cost"], block("cost").mean(axis=1), rtol=1e-15, atol=0)
    assert (run["error_max"] == block("error").max(axis=1)).all()
    assert (run["sigma_prime_min"] == block("sigma_prime").min(axis=1)).all()
    assert np.allclose(block("error"), np.abs(block("a") - np.array(ys)), rtol=0, atol=0)
    start = run.iloc[0]  # epoch 0 by hand: z_i = 1.5·x_i − 0.5
    for i, x in enumerate(xs):
        z = 1.5 * x - 0.5
        a = 1 / (1 + math.exp(-z))
        assert close(start[f"z_ex{i}"], z) and close(start[f"a_ex{i}"], a)
        assert close(start[f"sigma_prime_ex{i}"], a * (1 - a))
    assert list(run.columns[:12]) == list(simulate_sigmoid("quadratic", 1.0, 0.0, 1.0, 0.0, 0.5, 1).columns)
    assert list(run["epoch"]) == list(range(41)) and run["epoch"].dtype == np.int64
    assert np.isfinite(run.drop(columns="epoch").to_numpy()).all()


def test_the_long_form_has_one_row_per_epoch_and_example():
    xs, ys = [-1.0, 0.0, 2.0], [1.0, 0.0, 1.0]
    run = simulate_sigmoid("cross_entropy", 0.5, 0.5, xs, ys, 0.3, 5).assign(loss="cross_entropy")
    long = long_examples(run)
    assert list(long.columns) == ["epoch", "example", "loss", *EXAMPLE_QUANTITIES]
    assert len(long) == 6 * 3
    assert list(long["example"][:6]) == [0, 1, 2, 0, 1, 2]
    third = long[(long["epoch"] == 4) & (long["example"] == 2)].iloc[0]
    assert third["a"] == run["a_ex2"].iloc[4] and third["loss"] == "cross_entropy"
    assert long_examples(simulate_sigmoid("quadratic", 0.5, 0.5, 1.0, 0.0, 0.3, 2)).shape == (0, 2)


@pytest.mark.parametrize("loss", ["quadratic", "cross_entropy"])
def test_a_hundred_saturated_examples_stay_finite(loss):
    xs = np.linspace(-1000, 1000, MAX_EXAMPLES)
    ys = (xs < 0).astype(float)  # every example badly wrong at w = 1e6: |z| up to 1e9
    for optimizer in OPTIMIZERS:
        run = simulate_sigmoid(loss, 1e6, -1e6, xs, ys, 1000.0, 20, optimizer)
        assert np.isfinite(run.drop(columns="epoch").to_numpy()).all(), optimizer
        assert (run["sigma_prime_min"] == 0).all()  # σ′ underflows to 0 beyond |z| ≈ 745
