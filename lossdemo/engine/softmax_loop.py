"""A softmax layer's training loop over its K logits: the readable reference, and the same loop
written out as straight-line Python for speed.

`reference_logits` is the specification: softmax (max subtracted, exps summed left to right) and
the update z ← z − step·∂C/∂z, one epoch at a time over lists. Looping over lists costs the
interpreter more than the arithmetic, so `softmax_logits` runs the same loop written out once per
(loss, K) by `tracing`: the loss's `delta` runs on placeholders that record each operation, and
the recorded lines are compiled into a loop that keeps the K logits in local variables.

The written-out loop can only be trusted if the recording saw every operation. So a placeholder
refuses (raises TracingError) whatever it cannot write out: comparing, branching (`if`, `max`,
`==` on the target), converting to a float or an index, iterating. And each compiled loop is
checked against the reference on a few epochs before it is used.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

from lossdemo.engine.losses import SoftmaxLoss
from lossdemo.engine.tracing import Recording, Traced, TracingError, compile_loop, run_written, term

__all__ = ["TracingError", "reference_logits", "softmax_logits", "traced_softmax"]


def reference_logits(
    loss: SoftmaxLoss, z0: list[float], t: list[float], step: float, epochs: int
) -> np.ndarray:
    """Logits after 0 … epochs updates, shape (epochs + 1, K), one epoch at a time over lists."""
    rows, z = [list(z0)], list(z0)
    for _ in range(epochs):
        m = max(z)
        e = [float(np.exp(zj - m)) for zj in z]
        total = e[0]
        for ej in e[1:]:
            total = total + ej
        a = [ej / total for ej in e]
        z = [zj - step * dj for zj, dj in zip(z, loss.delta(z, a, t))]
        rows.append(z)
    return np.array(rows, dtype=float).reshape(epochs + 1, len(z0))


def softmax_logits(
    loss: SoftmaxLoss, z0: list[float], t: list[float], step: float, epochs: int
) -> np.ndarray:
    """The same logits as `reference_logits`, bit for bit, from the written-out loop."""
    loop = _loop(loss, len(z0))

    def written() -> np.ndarray:
        zs = np.empty((epochs + 1, len(z0)))
        loop(*map(float, z0), *map(float, t), float(step), int(epochs), zs)
        return zs

    return run_written(written, lambda: reference_logits(loss, z0, t, step, epochs))


def traced_softmax(z: list[Traced]) -> list[Traced]:
    """Softmax of traced logits with `reference_logits`' operations: the maximum (written here,
    not by a loss), exps of the differences, their sum left to right, the quotients."""
    recording = z[0].recording
    m = recording.record(f"max({', '.join(f'{{{j}}}' for j in range(len(z)))})", *z)
    e = [np.exp(zj - m) for zj in z]
    total = e[0]
    for ej in e[1:]:
        total = total + ej
    return [ej / total for ej in e]


@cache
def _loop(loss: SoftmaxLoss, classes: int) -> Callable:
    """loop(z_0 … z_{K−1}, t_0 … t_{K−1}, step, epochs, zs): zs[k] = the logits after k updates."""
    recording = Recording()
    z = [recording.input(f"z{j}") for j in range(classes)]
    t = [recording.input(f"t{j}", varying=False) for j in range(classes)]
    step = recording.input("step", varying=False)
    delta = loss.delta(z, traced_softmax(z), t)
    if not isinstance(delta, list | tuple) or len(delta) != classes:
        raise TracingError(f"a softmax loss's delta must return {classes} components; got {delta!r}")
    after = [zj - step * dj for zj, dj in zip(z, delta)]
    before, body = recording.write(after)
    names = [zj.name for zj in z]
    loop = compile_loop(
        f"{loss.key} softmax loop, {classes} classes",
        [*names, *(tj.name for tj in t), "step", "epochs", "zs"],
        [*(f"zs[0, {j}] = {name}" for j, name in enumerate(names)), *before],
        "for k in range(1, epochs + 1):",
        [
            *body,
            f"{', '.join(names)}, = {', '.join(term(v) for v in after)},",
            *(f"zs[k, {j}] = {name}" for j, name in enumerate(names)),
        ],
    )
    _check(loss, classes, loop)
    return loop


def _check(loss: SoftmaxLoss, classes: int, loop: Callable) -> None:
    """The written-out loop must give the reference's bits on a few epochs for every target class."""
    z0 = [(-1.0) ** j * (0.75 + 0.5 * j) for j in range(classes)]
    for target in range(classes):
        t = [1.0 if j == target else 0.0 for j in range(classes)]
        got = np.empty((5, classes))
        loop(*z0, *t, 0.7, 4, got)
        if got.tobytes() != reference_logits(loss, z0, t, 0.7, 4).tobytes():
            raise TracingError(
                f"the written-out loop of the softmax loss {loss.key!r} differs from the reference"
            )
