"""A sigmoid neuron's training loop on one float: the readable reference, and the same loop written
out per loss (`tracing`).

`reference_z` is the specification: each epoch σ and σ′ as `activations.sigmoid` computes them,
on one float (`delta_at`), then z ← z − step·∂C/∂z. `z_trajectory` runs the same loop written out
once per loss: the loss's `delta` runs on placeholders that record its operations together with
σ's, so the loop calls no Python function per epoch beyond `math`'s, computes what two of them
share once (focal's e^−|z| is σ's), and leaves out what the loss does not use (σ′, for most
losses). `gradient` gives the same ∂C/∂(w, b) to the written-out loops of other optimizers
(`optimizer_loop`).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from functools import cache

import numpy as np

from lossdemo.engine.activations import sigmoid
from lossdemo.engine.losses import SigmoidLoss
from lossdemo.engine.optimizer_loop import Gradient
from lossdemo.engine.tracing import (
    Recording,
    Traced,
    TracingError,
    compile_loop,
    in_order_sum,
    is_compiled,
    run_written,
    term,
)


def delta_at(delta: Callable, z: float, y: float) -> float:
    """∂C/∂z at the logit z, on floats. It spells out `activations.sigmoid` operation for
    operation, so every value is the bits the map's array code computes. A delta made of numpy
    ufuncs returns a numpy float: `float` keeps the loop in Python floats (the same bits)."""
    e = float(np.exp(-abs(z)))
    one_plus_e = 1.0 + e
    slope = e / (one_plus_e * one_plus_e)
    if slope > 0.25:  # `activations.sigmoid`'s cap
        slope = 0.25
    return float(delta(z, (1.0 if z >= 0 else e) / one_plus_e, slope, y))


def reference_z(loss: SigmoidLoss, z0: float, step: float, y: float, epochs: int) -> np.ndarray:
    """z after 0 … epochs updates of gradient descent, with step = η(1 + x²), one epoch at a time."""
    zs, z = array("d", [z0]), z0
    for _ in range(epochs):
        z = z - step * delta_at(loss.delta, z, y)
        zs.append(z)
    return np.frombuffer(zs)


def traced_sigmoid(z: Traced) -> tuple[Traced, Traced]:
    """σ(z) and σ′(z) recorded with `delta_at`'s operations (its cap of σ′ at ¼ and its choice
    of numerator are the only branches, written here, not by a loss)."""
    e = np.exp(-abs(z))
    one_plus_e = 1.0 + e
    slope = z.recording.record("(0.25 if {0} > 0.25 else {0})", e / (one_plus_e * one_plus_e))
    return z.recording.record("(1.0 if {0} >= 0 else {1}) / {2}", z, e, one_plus_e), slope


def z_trajectory(loss: SigmoidLoss, z0: float, step: float, y: float, epochs: int) -> np.ndarray:
    """The same z as `reference_z`, bit for bit, from the written-out loop."""
    loop = _descent_loop(loss)

    def written() -> np.ndarray:
        zs = np.empty(epochs + 1)
        loop(float(z0), float(y), float(step), int(epochs), zs)
        return zs

    return run_written(written, lambda: reference_z(loss, z0, step, y, epochs))


@cache
def _descent_loop(loss: SigmoidLoss) -> Callable:
    """loop(z, y, step, epochs, zs): zs[k] = z after k updates, k = 0 … epochs."""
    recording = Recording()
    z = recording.input("z")
    y, step = recording.input("y", varying=False), recording.input("step", varying=False)
    a, slope = traced_sigmoid(z)
    after = z - step * loss.delta(z, a, slope, y)
    before, body = recording.write([after])
    loop = compile_loop(
        f"{loss.key} sigmoid loop",
        ["z", "y", "step", "epochs", "zs"],
        ["zs[0] = z", *before],
        "for k in range(1, epochs + 1):",
        [*body, f"z = {term(after)}", "zs[k] = z"],
    )

    def five_epochs(z0: float, y0: float) -> np.ndarray:
        zs = np.empty(6)
        loop(z0, y0, 0.7, 5, zs)
        return zs

    _check(loss, "loop", five_epochs)
    return loop


def _check(loss: SigmoidLoss, what: str, five_epochs: Callable[[float, float], np.ndarray]) -> None:
    """A written-out loop, as five_epochs(z0, y) = z after 0 … 5 updates with step 0.7, must give
    `reference_z`'s bits from a few starts."""
    for z0, y0 in ((0.75, 0.0), (-2.5, 1.0), (4.0, 0.3), (0.0, 0.5)):
        if five_epochs(z0, y0).tobytes() != reference_z(loss, z0, 0.7, y0, 5).tobytes():
            raise TracingError(
                f"the written-out {what} of the sigmoid loss {loss.key!r} differs from the reference"
            )


@cache
def gradient(loss: SigmoidLoss) -> Gradient:
    """∂C/∂(w, b) = (∂C/∂z·x, ∂C/∂z) at z = w·x + b, for the loops of optimizers other than
    gradient descent: recorded, and on floats (`delta_at`, the reference)."""

    def traced(params: list[Traced], x: Traced, y: Traced) -> list[Traced]:
        z = params[0] * x + params[1]
        g = loss.delta(z, *traced_sigmoid(z), y)
        return [g * x, g]

    def on_floats(params: list[float], x: float, y: float) -> list[float]:
        g = delta_at(loss.delta, params[0] * x + params[1], y)
        return [g * x, g]

    return Gradient(f"{loss.key} sigmoid", 2, ("x", "y"), traced, on_floats, ((0.6, -1.5), (1.3, 0.3)))


def examples_trajectory(
    loss: SigmoidLoss, z0: np.ndarray, xs: np.ndarray, ys: np.ndarray, eta: float, epochs: int
) -> np.ndarray:
    """The logits of n examples after 0 … epochs updates of full-batch gradient descent, shape
    (epochs + 1, n): z ← z − M·δ(z) with M = (η/n)(1 + x xᵀ), each δ_i = ∂C_i/∂z_i as
    `z_trajectory` computes it (for one example, its bits)."""
    move = (eta / xs.size) * (1.0 + np.multiply.outer(xs, xs))
    rows = np.empty((epochs + 1, xs.size))
    rows[0] = z0
    ys, loop = np.asarray(ys, dtype=float), _examples_loop(loss)
    if is_compiled(loop):
        loop(ys, move, int(epochs), rows, np.empty(xs.size))
    else:  # in the interpreter a step on arrays costs what one example's step costs
        examples_reference(loss, ys, move, rows)
    return rows


def examples_reference(loss: SigmoidLoss, ys: np.ndarray, move: np.ndarray, rows: np.ndarray) -> None:
    """The examples loop's operations on arrays, every example at once: from rows[0],
    rows[k] = rows[k − 1] − move·δ(rows[k − 1]), δ as `activations.sigmoid` and the registry
    compute it and each row of the product summed in the loop's order (its bits)."""
    for k in range(1, rows.shape[0]):
        z = rows[k - 1]
        rows[k] = z - in_order_sum(loss.delta(z, *sigmoid(z), ys)[:, None] * move.T)  # [j, i]: δ_j·move[i, j]


@cache
def _examples_loop(loss: SigmoidLoss) -> Callable:
    """loop(ys, move, epochs, rows, deltas): from rows[0], rows[k] = rows[k − 1] − move·δ(rows[k − 1])."""
    recording = Recording()
    z, y = recording.input("z"), recording.input("y")
    delta = loss.delta(z, *traced_sigmoid(z), y)
    before, body = recording.write([delta])
    loop = compile_loop(
        f"{loss.key} sigmoid loop over examples",
        ["ys", "move", "epochs", "rows", "deltas"],
        ["n = ys.size", *before],
        "for k in range(1, epochs + 1):",
        [
            "for i in range(n):",
            "    z = rows[k - 1, i]",
            "    y = ys[i]",
            *(f"    {line}" for line in body),
            f"    deltas[i] = {term(delta)}",
            "for i in range(n):",
            "    total = 0.0",
            "    for j in range(n):",
            "        total += move[i, j] * deltas[j]",
            "    rows[k, i] = rows[k - 1, i] - total",
        ],
    )

    def five_epochs(z0: float, y0: float) -> np.ndarray:  # one example: the single run's bits
        zs = np.full((6, 1), z0)
        loop(np.array([y0]), np.array([[0.7]]), 5, zs, np.empty(1))
        return zs

    _check(loss, "loop over examples", five_epochs)
    return loop
