"""Every bad input raises ValueError whose message names the parameter, shows the value received
and says what is accepted."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossdemo import MAX_EPOCHS, get_loss, simulate_sigmoid, simulate_softmax, start_logits

SIGMOID = dict(loss="quadratic", w=0.6, b=0.9, x=1.0, y=0.0, eta=0.15, epochs=10)
SOFTMAX = dict(
    loss="log_likelihood", W=[[1.0], [0.5], [-1.0]], b=[0, 0, 0], x=[1.0], y=0, eta=0.15, epochs=10
)
RUNS = {"sigmoid": (simulate_sigmoid, SIGMOID), "softmax": (simulate_softmax, SOFTMAX)}


def case(id_: str, change: dict, *fragments: str):
    """A bad input: the change to a valid call, and what its error message must contain."""
    return pytest.param(change, fragments, id=id_)


def assert_rejected(run, valid: dict, change: dict, fragments: tuple[str, ...]) -> None:
    with pytest.raises(ValueError) as error:
        run(**(valid | change))
    for fragment in fragments:
        assert fragment in str(error.value)


def test_the_valid_calls_used_below_are_accepted():
    assert len(simulate_sigmoid(**SIGMOID)) == 11
    assert len(simulate_softmax(**SOFTMAX)) == 11


NUMERIC_CASES = [
    case("eta-zero", {"eta": 0}, "eta", "got 0", "(0, 1000]"),
    case("eta-negative", {"eta": -0.1}, "eta", "got -0.1", "(0, 1000]"),
    case("eta-above-bound", {"eta": 1000.5}, "eta", "got 1000.5", "(0, 1000]"),
    case("eta-nan", {"eta": math.nan}, "eta", "got nan", "finite number"),
    case("eta-inf", {"eta": math.inf}, "eta", "got inf", "finite number"),
    case("eta-string", {"eta": "0.1"}, "eta", "got '0.1'", "(0, 1000]"),
    case("eta-none", {"eta": None}, "eta", "got None", "(0, 1000]"),
    case("eta-bool", {"eta": True}, "eta", "got True", "(0, 1000]"),
    case("eta-huge-int", {"eta": 10**400}, "eta", "got 1000000", "(0, 1000]"),
    case("epochs-negative", {"epochs": -1}, "epochs", "got -1", f"integer from 0 to {MAX_EPOCHS}"),
    case("epochs-float", {"epochs": 10.0}, "epochs", "got 10.0", "integer"),
    case("epochs-fraction", {"epochs": 2.5}, "epochs", "got 2.5", "integer"),
    case("epochs-string", {"epochs": "10"}, "epochs", "got '10'", "integer"),
    case("epochs-none", {"epochs": None}, "epochs", "got None", "integer"),
    case("epochs-bool", {"epochs": True}, "epochs", "got True", "integer"),
    case("epochs-above-max", {"epochs": MAX_EPOCHS + 1}, "epochs", f"got {MAX_EPOCHS + 1}", "from 0 to"),
]


@pytest.mark.parametrize("kind", RUNS)
@pytest.mark.parametrize(("change", "fragments"), NUMERIC_CASES)
def test_step_size_and_epochs_are_checked_for_both_neurons(kind, change, fragments):
    run, valid = RUNS[kind]
    assert_rejected(run, valid, change, fragments)


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        case("unknown-loss", {"loss": "hinge"}, "loss", "got 'hinge'", "quadratic", "cross_entropy"),
        case("softmax-loss", {"loss": "log_likelihood"}, "loss", "'log_likelihood'", "cross_entropy"),
        case("loss-none", {"loss": None}, "loss", "got None", "quadratic", "cross_entropy"),
        case("loss-list", {"loss": ["quadratic"]}, "loss", "got ['quadratic']", "quadratic", "cross_entropy"),
        case("w-nan", {"w": math.nan}, "w must", "got nan", "[-1e+06, 1e+06]"),
        case("w-inf", {"w": math.inf}, "w must", "got inf", "[-1e+06, 1e+06]"),
        case("w-above-bound", {"w": 2e6}, "w must", "got 2000000.0", "[-1e+06, 1e+06]"),
        case("w-huge-int", {"w": 10**400}, "w must", "got 1000000", "[-1e+06, 1e+06]"),
        case("w-string", {"w": "0.6"}, "w must", "got '0.6'", "finite number"),
        case("w-list", {"w": [0.6]}, "w must", "got [0.6]", "finite number"),
        case("b-negative-inf", {"b": -math.inf}, "b must", "got -inf", "[-1e+06, 1e+06]"),
        case("b-none", {"b": None}, "b must", "got None", "finite number"),
        case("b-bool", {"b": False}, "b must", "got False", "finite number"),
        case("x-above-bound", {"x": 1000.5}, "x must", "got 1000.5", "[-1000, 1000]"),
        case("x-nan", {"x": math.nan}, "x must", "got nan", "[-1000, 1000]"),
        case("x-complex", {"x": 1j}, "x must", "got 1j", "finite number"),
        case("y-above-one", {"y": 1.5}, "y must", "got 1.5", "[0, 1]"),
        case("y-below-zero", {"y": -0.1}, "y must", "got -0.1", "[0, 1]"),
        case("y-bool", {"y": True}, "y must", "got True", "[0, 1]"),
        case("y-string", {"y": "1"}, "y must", "got '1'", "[0, 1]"),
    ],
)
def test_sigmoid_rejects_bad_input(change, fragments):
    assert_rejected(simulate_sigmoid, SIGMOID, change, fragments)


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        case("unknown-loss", {"loss": "hinge"}, "loss", "got 'hinge'", "log_likelihood", "quadratic"),
        case("sigmoid-loss", {"loss": "cross_entropy"}, "loss", "'cross_entropy'", "log_likelihood"),
        case("ragged-W", {"W": [[1.0, 2.0], [3.0]]}, "W must", "got [[1.0, 2.0], [3.0]]", "array of numbers"),
        case("W-none", {"W": None}, "W must", "got None", "array of numbers"),
        case("W-strings", {"W": [["1"], ["2"], ["3"]]}, "W must", "got [['1'], ['2'], ['3']]", "numbers"),
        case("W-bools", {"W": [[True], [False], [True]]}, "W must", "got [[True]", "array of numbers"),
        case("W-vector", {"W": [1.0, 0.5, -1.0]}, "W must", "got shape 3", "shape n×n"),
        case("W-nan", {"W": [[1.0], [math.nan], [0.0]]}, "W must", "nan", "[-1e+06, 1e+06]"),
        case("W-above-bound", {"W": [[1.0], [2e6], [0.0]]}, "W must", "2000000.0", "[-1e+06, 1e+06]"),
        case("W-huge-int", {"W": [[1], [10**400], [0]]}, "W must", "got [[1], [1000", "array of numbers"),
        case(
            "one-class",
            {"W": [[1.0]], "b": [0.0]},
            "number of classes (rows of W)",
            "got 1",
            "integer from 2 to 20",
        ),
        case(
            "too-many-classes",
            {"W": np.zeros((21, 1)), "b": np.zeros(21)},
            "number of classes (rows of W)",
            "got 21",
            "from 2 to 20",
        ),
        case(
            "too-many-inputs",
            {"W": np.zeros((3, 101)), "x": np.zeros(101)},
            "number of inputs (columns of W)",
            "got 101",
            "from 1 to 100",
        ),
        case("b-shorter-than-W", {"b": [0.0, 0.0]}, "b must", "got shape 2", "shape 3"),
        case("b-matrix", {"b": [[0.0], [0.0], [0.0]]}, "b must", "got shape 3×1", "shape 3"),
        case("b-inf", {"b": [0.0, math.inf, 0.0]}, "b must", "inf", "[-1e+06, 1e+06]"),
        case("x-longer-than-W", {"x": [1.0, 2.0]}, "x must", "got shape 2", "shape 1"),
        case("x-scalar", {"x": 1.0}, "x must", "got shape scalar", "shape 1"),
        case("x-string", {"x": ["one"]}, "x must", "got ['one']", "array of numbers"),
        case("x-bool", {"x": [True]}, "x must", "got [True]", "array of numbers"),
        case("x-above-bound", {"x": [1000.5]}, "x must", "got [1000.5]", "[-1000, 1000]"),
        case("y-is-K", {"y": 3}, "y must", "got 3", "integer from 0 to 2"),
        case("y-negative", {"y": -1}, "y must", "got -1", "integer from 0 to 2"),
        case("y-float", {"y": 1.0}, "y must", "got 1.0", "integer from 0 to 2"),
        case("y-fraction", {"y": 0.5}, "y must", "got 0.5", "integer from 0 to 2"),
        case("y-bool", {"y": True}, "y must", "got True", "integer from 0 to 2"),
        case("y-string", {"y": "0"}, "y must", "got '0'", "integer from 0 to 2"),
        case("y-none", {"y": None}, "y must", "got None", "integer from 0 to 2"),
    ],
)
def test_softmax_rejects_bad_input(change, fragments):
    assert_rejected(simulate_softmax, SOFTMAX, change, fragments)


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        case("one-class", {"classes": 1}, "classes", "got 1", "integer from 2 to 20"),
        case("too-many-classes", {"classes": 21}, "classes", "got 21", "integer from 2 to 20"),
        case("classes-float", {"classes": 3.0}, "classes", "got 3.0", "integer from 2 to 20"),
        case("classes-string", {"classes": "3"}, "classes", "got '3'", "integer from 2 to 20"),
        case("target-is-K", {"target": 3}, "target", "got 3", "integer from 0 to 2"),
        case("target-negative", {"target": -1}, "target", "got -1", "integer from 0 to 2"),
        case("target-none", {"target": None}, "target", "got None", "integer from 0 to 2"),
        case("margin-nan", {"margin": math.nan}, "margin", "got nan", "[-1e+06, 1e+06]"),
        case("margin-inf", {"margin": math.inf}, "margin", "got inf", "[-1e+06, 1e+06]"),
        case("margin-above-bound", {"margin": 2e6}, "margin", "got 2000000.0", "[-1e+06, 1e+06]"),
        case("margin-string", {"margin": "2"}, "margin", "got '2'", "finite number"),
        case("margin-bool", {"margin": True}, "margin", "got True", "finite number"),
    ],
)
def test_start_logits_rejects_bad_input(change, fragments):
    valid = dict(classes=3, target=0, margin=2.0)
    assert start_logits(**valid) == [0.0, 2.0, 0.0]
    assert_rejected(start_logits, valid, change, fragments)


@pytest.mark.parametrize(
    ("neuron", "loss", "fragments"),
    [
        pytest.param(
            "tanh", "quadratic", ("neuron", "got 'tanh'", "sigmoid", "softmax"), id="unknown-neuron"
        ),
        pytest.param(None, "quadratic", ("neuron", "got None", "sigmoid", "softmax"), id="neuron-none"),
        pytest.param(
            "softmax", "cross_entropy", ("loss", "got 'cross_entropy'", "log_likelihood"), id="wrong-kind"
        ),
    ],
)
def test_get_loss_rejects_unknown_names(neuron, loss, fragments):
    with pytest.raises(ValueError) as error:
        get_loss(neuron, loss)
    for fragment in fragments:
        assert fragment in str(error.value)
