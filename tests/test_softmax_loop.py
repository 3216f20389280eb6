"""The softmax loop: the written-out loop does the reference loop's arithmetic, bit for bit, for
any loss and K, and it refuses any ∂C/∂z it cannot write out instead of compiling a wrong loop."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.softmax import MAX_CLASSES, one_hot
from lossdemo.engine.softmax_loop import TracingError, reference_logits, softmax_logits


def list_loop(delta, z0: list[float], t: list[float], step: float, epochs: int) -> np.ndarray:
    """A second reference written here: softmax and the update over Python lists, epoch by epoch."""
    rows, z = [z0], z0
    for _ in range(epochs):
        m = max(z)
        e = [float(np.exp(v - m)) for v in z]
        total = e[0]
        for v in e[1:]:
            total = total + v
        z = [zj - step * dj for zj, dj in zip(z, delta(z, [v / total for v in e], t))]
        rows.append(z)
    return np.array(rows)


def every_operator(z, a, t):
    """A made-up ∂C/∂z that uses each operator, reflected ones, constants, powers and ufuncs."""
    head = -(2.0 * a[0] - t[0]) / (1.5 + a[-1]) + np.log1p(a[0] ** 2) - 0.5 ** a[0]
    return [
        head + (1.0 - aj) * tj / 3.0 - 0.3 / (aj + 2.0) * aj + aj / 7.0 + 1e-3 * np.tanh(zj)
        for zj, aj, tj in zip(z, a, t)
    ]


logits = st.floats(-50.0, 50.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    loss=st.sampled_from(sorted(LOSSES["softmax"])),
    data=st.data(),
    step=st.floats(1e-3, 100.0),
    epochs=st.integers(0, 60),
)
def test_every_softmax_loss_matches_both_references_bit_for_bit(loss, data, step, epochs):
    classes = data.draw(st.integers(2, MAX_CLASSES), label="classes")
    z0 = data.draw(st.lists(logits, min_size=classes, max_size=classes), label="z0")
    t = one_hot(classes, data.draw(st.integers(0, classes - 1), label="y"))
    entry = LOSSES["softmax"][loss]
    got = softmax_logits(entry, z0, t, step, epochs)
    assert got.shape == (epochs + 1, classes)
    assert got.tobytes() == reference_logits(entry, z0, t, step, epochs).tobytes()
    assert got.tobytes() == list_loop(entry.delta, z0, t, step, epochs).tobytes()


@pytest.mark.parametrize("classes", [2, 3, 7])
def test_a_delta_using_every_operator_is_written_out_in_its_own_order(classes):
    entry = replace(LOSSES["softmax"]["quadratic"], key="every_operator", delta=every_operator)
    z0 = [0.5 * j - 1.0 for j in range(classes)]
    t = one_hot(classes, classes - 1)
    got = softmax_logits(entry, z0, t, 0.7, 25)
    assert got.tobytes() == list_loop(every_operator, z0, t, 0.7, 25).tobytes()


def test_a_run_of_zero_epochs_is_the_start():
    entry = LOSSES["softmax"]["log_likelihood"]
    assert softmax_logits(entry, [1.0, -2.0, 3.0], one_hot(3, 1), 0.5, 0).tolist() == [[1.0, -2.0, 3.0]]


def branches_on_the_target(z, a, t):
    """∂C/∂z of log-likelihood, written with a branch on the target: right on floats, but a
    recording of one path would bake that path into every epoch."""
    return [aj - 1.0 if tj == 1.0 else aj for aj, tj in zip(a, t)]


def truth_test(z, a, t):
    return [aj - tj if aj else aj for aj, tj in zip(a, t)]


def builtin_max(z, a, t):
    top = max(a)
    return [aj - tj + 0.0 * top for aj, tj in zip(a, t)]


def python_float(z, a, t):
    return [float(aj) - tj for aj, tj in zip(a, t)]


def indexing_by_the_target(z, a, t):
    y = t.index(1.0)
    return [aj - (1.0 if j == y else 0.0) for j, aj in enumerate(a)]


def wrong_length(z, a, t):
    return [aj - tj for aj, tj in zip(a[1:], t[1:])]


@pytest.mark.parametrize(
    "delta",
    [branches_on_the_target, truth_test, builtin_max, python_float, indexing_by_the_target, wrong_length],
    ids=lambda f: f.__name__,
)
def test_a_delta_the_loop_cannot_write_out_is_refused(delta):
    entry = replace(LOSSES["softmax"]["log_likelihood"], key=f"bad_{delta.__name__}", delta=delta)
    with pytest.raises(TracingError, match="delta"):
        softmax_logits(entry, [0.0, 1.0, -1.0], one_hot(3, 0), 0.5, 3)


def test_the_refused_branching_delta_is_right_on_floats_so_only_the_refusal_protects_the_loop():
    z0, t = [0.0, 1.0, -1.0], one_hot(3, 0)
    good = reference_logits(LOSSES["softmax"]["log_likelihood"], z0, t, 0.5, 5)
    branching = replace(LOSSES["softmax"]["log_likelihood"], key="branching", delta=branches_on_the_target)
    assert reference_logits(branching, z0, t, 0.5, 5).tobytes() == good.tobytes()
