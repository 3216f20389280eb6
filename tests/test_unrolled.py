"""The written-out softmax loop does the list code's arithmetic, bit for bit, for any loss and K."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossdemo.engine.losses import LOSSES
from lossdemo.engine.softmax import MAX_CLASSES, one_hot
from lossdemo.engine.softmax_loop import softmax_logits


def list_loop(delta, z0: list[float], t: list[float], step: float, epochs: int) -> np.ndarray:
    """The reference: softmax and the update over Python lists, one epoch at a time."""
    rows, z = [z0], z0
    for _ in range(epochs):
        m = max(z)
        e = [float(np.exp(v - m)) for v in z]
        total = e[0]
        for v in e[1:]:
            total = total + v
        z = [zj - step * dj for zj, dj in zip(z, delta([v / total for v in e], t))]
        rows.append(z)
    return np.array(rows)


def every_operator(a, t):
    """A made-up ∂C/∂z that uses each operator, reflected ones and constants included."""
    head = -(2.0 * a[0] - t[0]) / (1.5 + a[-1])
    return [head + (1.0 - aj) * tj / 3.0 - 0.3 / (aj + 2.0) * aj + aj / 7.0 for aj, tj in zip(a, t)]


logits = st.floats(-50.0, 50.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    loss=st.sampled_from(sorted(LOSSES["softmax"])),
    data=st.data(),
    step=st.floats(1e-3, 100.0),
    epochs=st.integers(0, 60),
)
def test_every_softmax_loss_matches_the_list_loop_bit_for_bit(loss, data, step, epochs):
    classes = data.draw(st.integers(2, MAX_CLASSES), label="classes")
    z0 = data.draw(st.lists(logits, min_size=classes, max_size=classes), label="z0")
    t = one_hot(classes, data.draw(st.integers(0, classes - 1), label="y"))
    entry = LOSSES["softmax"][loss]
    got = softmax_logits(entry, z0, t, step, epochs)
    assert got.shape == (epochs + 1, classes)
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
