"""Every bad data set raises ValueError whose message names the parameter (with the example's
index where one entry is at fault), shows the value received and says what is accepted."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_bad_input import assert_rejected, case

from lossdemo import simulate_sigmoid, simulate_softmax
from lossdemo.engine.sigmoid import sigmoid_cost

SIGMOID = dict(loss="quadratic", w=0.6, b=0.9, x=[1.0, -1.0], y=[0.0, 1.0], eta=0.15, epochs=5)
SOFTMAX = dict(
    loss="log_likelihood",
    W=[[1.0], [0.5], [-1.0]],
    b=[0, 0, 0],
    x=[[1.0], [2.0]],
    y=[0, 2],
    eta=0.15,
    epochs=5,
)


def test_the_valid_calls_used_below_are_accepted():
    assert len(simulate_sigmoid(**SIGMOID)) == 6
    assert len(simulate_softmax(**SOFTMAX)) == 6


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        case(
            "lengths-differ",
            {"y": [0.0, 1.0, 1.0]},
            "y must hold one entry per example of x (2)",
            "got 3",
            "[0.0, 1.0, 1.0]",
        ),
        case("x-empty", {"x": [], "y": []}, "x must hold 1 to 100 examples", "got an empty sequence"),
        case(
            "x-too-many",
            {"x": [0.5] * 101, "y": [0.0] * 101},
            "x must hold 1 to 100 examples",
            "got 101 entries",
        ),
        case("y-too-many", {"y": [0.0] * 101}, "y must hold 1 to 100 examples", "got 101 entries"),
        case("x-nan", {"x": [1.0, math.nan]}, "x[1] must be a finite number in [-1000, 1000]", "got nan"),
        case("x-inf", {"x": np.array([math.inf, 1.0])}, "x[0] must be a finite number", "got inf"),
        case("x-too-large", {"x": [1.0, 1000.5]}, "x[1] must be", "[-1000, 1000]", "got 1000.5"),
        case("y-above-one", {"y": [0.0, 1.5]}, "y[1] must be a finite number in [0, 1]", "got 1.5"),
        case("y-below-zero", {"y": (-0.1, 1.0)}, "y[0] must be a finite number in [0, 1]", "got -0.1"),
        case("y-nan", {"y": [math.nan, 1.0]}, "y[0] must be", "got nan"),
        case("x-string-entry", {"x": [1.0, "2"]}, "x[1] must be a finite number", "got '2'"),
        case("x-bool-entry", {"x": [True, 1.0]}, "x[0] must be a finite number", "got True"),
        case("x-none-entry", {"x": [None, 1.0]}, "x[0] must be a finite number", "got None"),
        case("x-nested", {"x": [[1.0], [2.0]]}, "x[0] must be a finite number", "got [1.0]"),
        case("y-scalar-beside-x", {"y": 0.0}, "y must be a sequence of 1 to 100 numbers", "got 0.0"),
        case("x-scalar-beside-y", {"x": 1.0}, "x must be a sequence of 1 to 100 numbers", "got 1.0"),
        case("x-zero-d-array", {"x": np.array(1.0)}, "x must be a sequence", "got array(1.)"),
        case("x-string-array", {"x": np.array(["a", "b"])}, "x[0] must be a finite number", "got 'a'"),
    ],
)
def test_bad_sigmoid_data_sets_are_refused(change, fragments):
    assert_rejected(simulate_sigmoid, SIGMOID, change, fragments)
    # The cost at a point takes the same data sets, and refuses them in the same words.
    cost_call = {key: SIGMOID[key] for key in ("loss", "w", "b", "x", "y")}
    assert_rejected(sigmoid_cost, cost_call, {k: v for k, v in change.items() if k in cost_call}, fragments)


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        case("label-is-K", {"y": [0, 3]}, "y[1] must be an integer from 0 to 2", "got 3"),
        case("label-negative", {"y": [-1, 0]}, "y[0] must be an integer from 0 to 2", "got -1"),
        case("label-float", {"y": [0, 1.0]}, "y[1] must be an integer from 0 to 2", "got 1.0"),
        case("label-bool", {"y": [True, 0]}, "y[0] must be an integer", "got True"),
        case("labels-empty", {"y": [], "x": []}, "y must hold 1 to 100 examples", "got an empty sequence"),
        case(
            "labels-too-many", {"y": [0] * 101, "x": [[1.0]] * 101}, "y must hold 1 to 100", "got 101 entries"
        ),
        case(
            "rows-differ",
            {"x": [[1.0], [2.0], [3.0]]},
            "x must hold one row of inputs per label of y (2)",
            "got 3 rows",
        ),
        case(
            "ragged",
            {"W": [[1.0, 0.0]] * 3, "x": [[1.0, 2.0], [3.0]]},
            "x[1] must be a row of 2 numbers",
            "got 1 inputs: [3.0]",
        ),
        case("row-too-long", {"x": [[1.0], [2.0, 3.0]]}, "x[1] must be a row of 1 numbers", "got 2 inputs"),
        case("row-a-number", {"x": [[1.0], 2.0]}, "x[1] must be a row of 1 numbers", "got 2.0"),
        case("x-flat", {"x": [1.0, 2.0]}, "x[0] must be a row of 1 numbers", "got 1.0"),
        case(
            "x-nan", {"x": [[1.0], [math.nan]]}, "x[1][0] must be a finite number in [-1000, 1000]", "got nan"
        ),
        case("x-too-large", {"x": np.array([[1.0], [-2000.0]])}, "x[1][0] must be", "got -2000.0"),
        case("x-string", {"x": "ab"}, "x must be a sequence of 1 to 100 rows of inputs", "got 'ab'"),
    ],
)
def test_bad_softmax_data_sets_are_refused(change, fragments):
    assert_rejected(simulate_softmax, SOFTMAX, change, fragments)


def test_a_sequence_of_one_target_with_a_number_x_is_refused_not_broadcast():
    with pytest.raises(ValueError, match=r"x must be a sequence .* got 1\.0"):
        simulate_sigmoid("quadratic", 0.6, 0.9, 1.0, [0.0], 0.15, 5)
