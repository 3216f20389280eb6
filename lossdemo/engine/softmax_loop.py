"""A softmax layer's training loop as straight-line Python, traced from the loss registry.

A softmax run moves K logits each epoch. Looping over lists of K floats costs the interpreter
more than the arithmetic does, so the loop is written out once per (loss, K): the loss's `delta`
runs on placeholders that record each operation, and the recorded lines are compiled into a loop
that keeps the K logits in local variables. The operations and their order are the list code's,
so every logit is the bits `activations.softmax` and the map's array code compute.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from functools import cache

import numpy as np

from lossdemo.engine.losses import Loss


def _operator(symbol: str):
    """A binary operator for `_Traced` and its reflected twin, each recording its operands in order."""

    def forward(self, other):
        return self._record(f"{_term(self)} {symbol} {_term(other)}")

    def reflected(self, other):
        return self._record(f"{_term(other)} {symbol} {_term(self)}")

    return forward, reflected


class _Traced:
    """A float inside the loop being written: arithmetic on it records one line and names the result."""

    __slots__ = ("lines", "name")

    def __init__(self, name: str, lines: list[str]):
        self.name, self.lines = name, lines

    def _record(self, expression: str) -> _Traced:
        name = f"v{len(self.lines)}"
        self.lines.append(f"{name} = {expression}")
        return _Traced(name, self.lines)

    __add__, __radd__ = _operator("+")
    __sub__, __rsub__ = _operator("-")
    __mul__, __rmul__ = _operator("*")
    __truediv__, __rtruediv__ = _operator("/")

    def __neg__(self):
        return self._record(f"-{self.name}")


def _term(value) -> str:
    return value.name if isinstance(value, _Traced) else repr(float(value))


@cache
def _loop(loss: Loss, classes: int) -> Callable:
    """loop(z_0 … z_{K−1}, t_0 … t_{K−1}, step, epochs, exp, extend): appends each epoch's logits."""
    lines: list[str] = []
    outputs = [_Traced(f"a{j}", lines) for j in range(classes)]
    delta = loss.delta(outputs, [_Traced(f"t{j}", lines) for j in range(classes)])
    z = [f"z{j}" for j in range(classes)]
    e = [f"e{j}" for j in range(classes)]
    body = [
        f"m = max({', '.join(z)})",
        *(f"e{j} = float(exp(z{j} - m))" for j in range(classes)),
        f"total = {' + '.join(e)}",
        *(f"a{j} = e{j} / total" for j in range(classes)),
        *lines,
        *(f"z{j} = z{j} - step * {_term(dj)}" for j, dj in enumerate(delta)),
        f"extend(({', '.join(z)},))",
    ]
    arguments = ", ".join([*z, *(f"t{j}" for j in range(classes)), "step", "epochs", "exp", "extend"])
    lines_of_body = "".join(f"        {line}\n" for line in body)
    source = f"def loop({arguments}):\n    for _ in range(epochs):\n{lines_of_body}"
    namespace: dict = {}
    exec(compile(source, f"<{loss.key} softmax loop, {classes} classes>", "exec"), namespace)
    return namespace["loop"]


def softmax_logits(loss: Loss, z0: list[float], t: list[float], step: float, epochs: int) -> np.ndarray:
    """Logits after 0 … epochs updates, shape (epochs + 1, K); t is the one-hot target."""
    zs = array("d", z0)  # 8 bytes per logit and epoch, not a Python float
    _loop(loss, len(z0))(*z0, *t, step, epochs, np.exp, zs.extend)
    return np.frombuffer(zs).reshape(epochs + 1, len(z0))
