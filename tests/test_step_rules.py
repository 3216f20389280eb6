"""The book widget's step rule: what Nielsen's interactive cross-entropy demo (Neural Networks and
Deep Learning, ch. 3) does, w ← w − η·(∂C/∂a)·x, b ← b − η·∂C/∂a with ∂C/∂a = (a − y)/(a(1 − a)),
checked against a few lines of plain Python; finite over the controls' whole range; and apart from
the loss registry, so the true-gradient runs do not change."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossdemo import simulate_sigmoid
from lossdemo.engine.losses import LOSSES
from lossdemo.engine.neurons import KINDS
from lossdemo.engine.step_rules import WIDGET_RULE, simulate_widget_rule
from lossdemo.language.words import RULES as RULE_WORDS


def by_hand(w: float, b: float, x: float, y: float, eta: float, epochs: int, widget: bool) -> list[float]:
    """The output a after 0 … epochs updates, stepping by ∂C/∂a (widget) or by ∂C/∂z = a − y."""
    outputs = []
    for _ in range(epochs + 1):
        a = 1.0 / (1.0 + math.exp(-(w * x + b)))
        outputs.append(a)
        step = (a - y) / (a * (1.0 - a)) if widget else a - y
        w, b = w - eta * step * x, b - eta * step
    return outputs


def test_the_books_figures_from_the_badly_wrong_start_at_its_eta():
    """From (w, b) = (2, 2), x = 1, y = 0, η = 0.005: the true gradient leaves a ≈ 0.78 after 300
    epochs; the widget's rule brings a below 0.5 by epoch 66."""
    true = by_hand(2.0, 2.0, 1.0, 0.0, 0.005, 300, widget=False)
    widget = by_hand(2.0, 2.0, 1.0, 0.0, 0.005, 300, widget=True)
    assert round(true[300], 2) == 0.78
    assert next(k for k, a in enumerate(widget) if a < 0.5) == 66
    engine = simulate_widget_rule(2.0, 2.0, 1.0, 0.0, 0.005, 300)
    assert int(np.argmax(engine["a"].to_numpy() < 0.5)) == 66
    assert round(simulate_sigmoid("cross_entropy", 2.0, 2.0, 1.0, 0.0, 0.005, 300)["a"].iloc[300], 2) == 0.78


@settings(max_examples=200, deadline=None)
@given(
    w=st.floats(-2, 2),
    b=st.floats(-2, 2),
    x=st.floats(-1, 1),
    y=st.floats(0, 1),
    eta=st.sampled_from([0.001, 0.002, 0.005]),
)
def test_the_rule_is_the_hand_written_loop_where_that_loop_is_defined(w, b, x, y, eta):
    """Where a(1 − a) is far from 0 and the steps are small (larger ones overshoot, and the rule
    then amplifies every rounding difference), the engine is the naive loop, to rounding."""
    expected = by_hand(w, b, x, y, eta, 40, widget=True)
    np.testing.assert_allclose(
        simulate_widget_rule(w, b, x, y, eta, 40)["a"], expected, rtol=1e-9, atol=1e-12
    )


def test_the_columns_report_cross_entropys_cost_and_true_gradient_and_the_path_steps_by_dc_da():
    run = simulate_widget_rule(0.6, 0.9, 2.0, 0.25, 0.01, 5)
    true = simulate_sigmoid("cross_entropy", 0.6, 0.9, 2.0, 0.25, 0.01, 5)
    assert list(run.columns) == list(true.columns)
    a = run["a"].to_numpy()
    np.testing.assert_allclose(run["grad_z"], a - 0.25, rtol=1e-12)
    np.testing.assert_allclose(run["grad_w"], (a - 0.25) * 2.0, rtol=1e-12)
    cost = -(0.25 * np.log(a) + 0.75 * np.log(1 - a))
    np.testing.assert_allclose(run["cost"], cost, rtol=1e-12)
    dc_da = (a - 0.25) / (a * (1 - a))
    np.testing.assert_allclose(np.diff(run["b"]), -0.01 * dc_da[:-1], rtol=1e-9)
    np.testing.assert_allclose(np.diff(run["w"]), -0.01 * dc_da[:-1] * 2.0, rtol=1e-9)
    np.testing.assert_allclose(run["z"], run["w"] * 2.0 + run["b"], rtol=1e-9)


@settings(max_examples=150, deadline=None)
@given(
    w=st.floats(-10, 10),
    b=st.floats(-10, 10),
    x=st.floats(-3, 3),
    y=st.floats(0, 1),
    eta=st.sampled_from([0.001, 0.15, 1.0, 10.0]),
    epochs=st.sampled_from([0, 1, 50, 2000]),
)
def test_every_column_is_finite_for_every_input_the_controls_allow(w, b, x, y, eta, epochs):
    run = simulate_widget_rule(w, b, x, y, eta, epochs)
    assert len(run) == epochs + 1
    assert np.isfinite(run.to_numpy(dtype=float)).all()
    assert ((run["a"] >= 0) & (run["a"] <= 1)).all()


def test_past_the_rules_range_the_run_holds_its_state():
    """From z = 40 with η = 10, x = 3 the first step is about 100·e⁴⁰: the run lands far past
    |z| = 100 and stays there, finite."""
    run = simulate_widget_rule(10.0, 10.0, 3.0, 0.5, 10.0, 100_000)
    assert run["z"].iloc[1] < -1e18
    assert (run["z"].iloc[1:] == run["z"].iloc[1]).all()
    assert np.isfinite(run.to_numpy(dtype=float)).all()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("w", (math.nan, 0.0, 1.0, 0.0, 0.1, 10)),
        ("y", (0.0, 0.0, 1.0, 1.5, 0.1, 10)),
        ("eta", (0.0, 0.0, 1.0, 0.0, 0.0, 10)),
        ("epochs", (0.0, 0.0, 1.0, 0.0, 0.1, 10**9)),
        ("x", (0.0, 0.0, math.inf, 0.0, 0.1, 10)),
    ],
)
def test_input_beyond_the_engines_range_raises_a_value_error_naming_it(name, args):
    with pytest.raises(ValueError, match=f"^{name} "):
        simulate_widget_rule(*args)


def test_the_rule_is_a_step_rule_of_the_sigmoid_kind_and_not_a_loss():
    assert KINDS["sigmoid"].step_rules == (WIDGET_RULE,) and KINDS["softmax"].step_rules == ()
    assert all(WIDGET_RULE.key not in losses for losses in LOSSES.values())
    assert "not the gradient" in RULE_WORDS[WIDGET_RULE.key].name
