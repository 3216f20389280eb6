"""The public reference values of the single-neuron demos in Michael Nielsen, *Neural Networks
and Deep Learning*, chapter 3 ("The cross-entropy cost function"), and the worked example of
why the quadratic cost learns slowly from a badly wrong start.

Every run: x = 1, y = 0, η = 0.15.
"""

import pytest

from lossdemo import simulate_sigmoid

X, Y, ETA = 1.0, 0.0, 0.15


def run(loss: str, w: float, b: float, epochs: int = 300):
    return simulate_sigmoid(loss, w, b, X, Y, ETA, epochs)


def test_quadratic_from_0_6_0_9_starts_at_0_82_and_reaches_about_0_09_after_300_epochs():
    a = run("quadratic", 0.6, 0.9)["a"]
    assert round(a.iloc[0], 2) == 0.82
    assert round(a.iloc[300], 2) == 0.09


def test_quadratic_from_2_2_starts_at_0_98_and_barely_moves_for_150_epochs():
    a = run("quadratic", 2.0, 2.0)["a"]
    assert round(a.iloc[0], 2) == 0.98
    assert (a.iloc[:151] > 0.9).all()


def test_quadratic_from_2_2_reaches_about_0_20_after_300_epochs():
    a = run("quadratic", 2.0, 2.0)["a"]
    assert round(a.iloc[300], 2) == 0.20


def test_cross_entropy_from_2_2_drops_below_one_half_at_epoch_17():
    a = run("cross_entropy", 2.0, 2.0, epochs=20)["a"]
    below = a < 0.5
    assert below.any()
    assert below.idxmax() == 17
    assert (a.iloc[17:] < 0.5).all()


def test_issue_example_quadratic_gradient_at_2_2_is_a_minus_y_times_sigma_prime():
    first = run("quadratic", 2.0, 2.0, epochs=0).iloc[0]
    assert first["a"] == pytest.approx(0.982, abs=5e-4)
    assert first["sigma_prime"] == pytest.approx(0.0177, abs=5e-5)
    assert first["grad_w"] == pytest.approx(0.0173, abs=5e-5)
    assert first["grad_w"] == first["grad_b"]


def test_issue_example_cross_entropy_gradient_at_2_2_is_57_times_the_quadratic_one():
    quadratic = run("quadratic", 2.0, 2.0, epochs=0).iloc[0]
    cross_entropy = run("cross_entropy", 2.0, 2.0, epochs=0).iloc[0]
    assert cross_entropy["grad_w"] == pytest.approx(0.982, abs=5e-4)
    assert round(cross_entropy["grad_w"] / quadratic["grad_w"]) == 57
    # The ratio is exactly 1/σ′(z): the factor the cross-entropy gradient does not carry.
    assert cross_entropy["grad_w"] / quadratic["grad_w"] == pytest.approx(1 / quadratic["sigma_prime"])
