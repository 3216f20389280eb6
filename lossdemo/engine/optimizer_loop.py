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

from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from lossdemo.engine.optimizers import Optimizer, follow
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
        rows, steps = array("d"), array("d")
        loop(*params, *inputs, eta, epochs, rows.extend, steps.append)
        return np.frombuffer(rows).reshape(epochs + 1, gradient.count), np.frombuffer(steps)

    def reference() -> tuple[np.ndarray, np.ndarray]:
        return follow(optimizer, list(params), lambda p: gradient.on_floats(p, *inputs), eta, epochs)

    return run_written(written, reference)


@cache
def _loop(optimizer: Optimizer, gradient: Gradient) -> Callable:
    """loop(p_0 … p_{P−1}, *inputs, eta, epochs, extend, append): extends by the parameters of
    each row and appends the length of the update made from it."""
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
    step = recording.record(f"hypot({', '.join(f'{{{i}}}' for i in range(count))})", *changes)
    moved = [p - change for p, change in zip(params, changes)]
    before, body = recording.write([step, *moved, *kept])
    names = [p.name for p in params] + memory
    arguments = [*names[:count], *gradient.inputs, "eta", "epochs", "extend", "append"]
    start = [f"{name} = {term(value)}" for name, value in zip(memory, optimizer.start * count)]
    loop = compile_loop(
        f"{gradient.title} loop, {optimizer.key}",
        arguments,
        [*start, *before],
        "for t in range(1, epochs + 2):",
        [
            f"extend(({', '.join(names[:count])},))",
            *body,
            f"append({term(step)})",
            f"{', '.join(names)}, = {', '.join(term(v) for v in [*moved, *kept])},",
        ],
    )
    _check(optimizer, gradient, loop)
    return loop


def _check(optimizer: Optimizer, gradient: Gradient, loop: Callable) -> None:
    """The written-out loop must give `follow`'s bits on a few epochs."""
    params, inputs = gradient.example
    rows, steps = array("d"), array("d")
    loop(*params, *inputs, 0.3, 5, rows.extend, steps.append)
    want_rows, want_steps = follow(optimizer, list(params), lambda p: gradient.on_floats(p, *inputs), 0.3, 5)
    if (
        np.frombuffer(rows).tobytes() != want_rows.tobytes()
        or np.frombuffer(steps).tobytes() != want_steps.tobytes()
    ):
        raise TracingError(
            f"the written-out {optimizer.key} loop of {gradient.title} differs from the reference"
        )
