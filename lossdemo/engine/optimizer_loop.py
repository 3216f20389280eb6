"""Any optimizer's loop over a run's parameters, written out per (optimizer, gradient) (`tracing`).

`optimizers.follow` is the specification: per update, the gradient at the parameters, each
parameter's change and state from the optimizer's `update`, the length of the update, the new
parameters. Over a list of parameters that costs the interpreter a dozen calls per parameter and
epoch, so `follow_written` runs the same arithmetic written out: the neuron's gradient and the
optimizer's update run once on placeholders, and the recorded lines become a loop over local
variables (every parameter and every number of its state), with what parameters share (Adam's
bias corrections β^t) computed once per epoch and what no epoch changes computed once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from lossdemo.engine.optimizers import Optimizer, follow, step_lengths
from lossdemo.engine.tracing import Recording, TracingError, compile_loop, run_written, term


@dataclass(frozen=True)
class Gradient:
    """∂C/∂p of a run's parameters from its fixed inputs, in two forms that do the same arithmetic:
    `traced(params, *inputs)` on placeholders and `on_floats(params, *inputs)` on floats."""

    title: str
    count: int  # parameters
    inputs: tuple[str, ...]  # names of the run's fixed numbers (x, y, …)
    traced: Callable[..., list]
    on_floats: Callable[..., list[float]]
    example: tuple[tuple[float, ...], tuple[float, ...]]  # parameters and inputs to check the loop on


def follow_written(
    optimizer: Optimizer, gradient: Gradient, params: list[float], inputs: tuple, eta: float, epochs: int
) -> tuple[np.ndarray, np.ndarray]:
    """What `optimizers.follow` returns for this gradient, bit for bit, from the written-out loop."""
    loop = _loop(optimizer, gradient)

    def written() -> tuple[np.ndarray, np.ndarray]:
        rows, changes = np.empty((2, epochs + 1, gradient.count))
        loop(*map(float, params), *map(float, inputs), float(eta), int(epochs), rows, changes)
        return rows, step_lengths(changes)

    def reference() -> tuple[np.ndarray, np.ndarray]:
        return follow(optimizer, list(params), lambda p: gradient.on_floats(p, *inputs), eta, epochs)

    return run_written(written, reference)


@cache
def _loop(optimizer: Optimizer, gradient: Gradient) -> Callable:
    """loop(p_0 … p_{P−1}, *inputs, eta, epochs, rows, changes): rows[t − 1] = the parameters
    after t − 1 updates and changes[t − 1] = the change the t-th update makes, t = 1 … epochs + 1."""
    recording = Recording()
    count, width = gradient.count, len(optimizer.start)
    params = [recording.input(f"p{i}") for i in range(count)]
    inputs = [recording.input(name, varying=False) for name in gradient.inputs]
    eta, t = recording.input("eta", varying=False), recording.input("t")
    memory = [f"s{i}_{k}" for i in range(count) for k in range(width)]
    states = [
        tuple(recording.input(name) for name in memory[i * width : (i + 1) * width]) for i in range(count)
    ]
    changes, kept = [], []
    for g, state in zip(gradient.traced(params, *inputs), states):
        change, state = optimizer.update(g, state, t, eta)
        changes.append(change)
        kept.extend(state)
    moved = [p - change for p, change in zip(params, changes)]
    before, body = recording.write([*changes, *moved, *kept])
    names = [p.name for p in params] + memory
    arguments = [*names[:count], *gradient.inputs, "eta", "epochs", "rows", "changes"]
    start = [f"{name} = {term(value)}" for name, value in zip(memory, optimizer.start * count)]
    loop = compile_loop(
        f"{gradient.title} loop, {optimizer.key}",
        arguments,
        [*start, *before],
        "for k in range(epochs + 1):",
        [
            "t = k + 1.0",  # the update's number, a float as in the reference's float arithmetic
            *(f"rows[k, {i}] = {name}" for i, name in enumerate(names[:count])),
            *body,
            *(f"changes[k, {i}] = {term(change)}" for i, change in enumerate(changes)),
            f"{', '.join(names)}, = {', '.join(term(v) for v in [*moved, *kept])},",
        ],
    )
    _check(optimizer, gradient, loop)
    return loop


def _check(optimizer: Optimizer, gradient: Gradient, loop: Callable) -> None:
    """The written-out loop must give `follow`'s bits on a few epochs."""
    params, inputs = gradient.example
    rows, changes = np.empty((2, 6, gradient.count))
    loop(*map(float, params), *map(float, inputs), 0.3, 5, rows, changes)
    want_rows, want_steps = follow(optimizer, list(params), lambda p: gradient.on_floats(p, *inputs), 0.3, 5)
    if rows.tobytes() != want_rows.tobytes() or step_lengths(changes).tobytes() != want_steps.tobytes():
        raise TracingError(
            f"the written-out {optimizer.key} loop of {gradient.title} differs from the reference"
        )
