"""A softmax layer's training loop over its K logits: the readable reference, and the same loop
written out as straight-line Python for speed.

`reference_logits` is the specification: softmax (max subtracted, exps summed left to right) and
the update z ← z − step·∂C/∂z, one epoch at a time over lists. Looping over lists costs the
interpreter more than the arithmetic, so `softmax_logits` runs the same loop written out once per
(loss, K): the loss's `delta` runs on placeholders that record each operation, and the recorded
lines are compiled into a loop that keeps the K logits in local variables.

The written-out loop can only be trusted if the recording saw every operation. So a placeholder
refuses (raises TracingError) whatever it cannot write out: comparing, branching (`if`, `max`,
`==` on the target), converting to a float or an index, iterating. And each compiled loop is
checked against the reference on a few epochs before it is used.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from functools import cache

import numpy as np

from lossdemo.engine.losses import SoftmaxLoss


class TracingError(ValueError):
    """A loss's ∂C/∂z does something the written-out loop cannot repeat exactly."""


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
    zs = array("d", z0)  # 8 bytes per logit and epoch, not a Python float
    _loop(loss, len(z0))(*z0, *t, step, epochs, zs.extend)
    return np.frombuffer(zs).reshape(epochs + 1, len(z0))


def _refuse(what: str):
    def refused(self, *args):
        raise TracingError(
            f"a softmax loss's delta must be arithmetic and numpy ufuncs on z, a and t; it used {what}, "
            "which the written-out loop cannot repeat (for example a branch on the target)"
        )

    return refused


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
    __hash__ = None

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
    __pow__, __rpow__ = _operator("**")

    def __neg__(self):
        return self._record(f"-{self.name}")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy ufuncs (np.exp, np.log1p, …) are recorded as calls of the same ufunc."""
        if method != "__call__" or kwargs or ufunc.nout != 1:
            _refuse(f"numpy's {ufunc.__name__}.{method}")(self)
        return self._record(f"np.{ufunc.__name__}({', '.join(_term(v) for v in inputs)})")

    __bool__ = _refuse("a truth test (if, and, or, max, min)")
    __eq__ = __ne__ = _refuse("== or !=")
    __lt__ = __le__ = __gt__ = __ge__ = _refuse("a comparison")
    __float__ = __int__ = __index__ = __complex__ = _refuse("a conversion to a number")
    __abs__ = _refuse("abs()")
    __iter__ = __len__ = __getitem__ = _refuse("iteration or indexing")
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _refuse("// or %")


def _term(value) -> str:
    if isinstance(value, _Traced):
        return value.name
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise TracingError(f"a softmax loss's delta used {value!r}, which is not a number")
    return repr(float(value))


@cache
def _loop(loss: SoftmaxLoss, classes: int) -> Callable:
    """loop(z_0 … z_{K−1}, t_0 … t_{K−1}, step, epochs, extend): appends each epoch's logits."""
    lines: list[str] = []
    z = [f"z{j}" for j in range(classes)]
    delta = loss.delta(
        [_Traced(name, lines) for name in z],
        [_Traced(f"a{j}", lines) for j in range(classes)],
        [_Traced(f"t{j}", lines) for j in range(classes)],
    )
    if not isinstance(delta, list | tuple) or len(delta) != classes:
        raise TracingError(f"a softmax loss's delta must return {classes} components; got {delta!r}")
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
    arguments = ", ".join([*z, *(f"t{j}" for j in range(classes)), "step", "epochs", "extend"])
    lines_of_body = "".join(f"        {line}\n" for line in body)
    source = f"def loop({arguments}):\n    exp = np.exp\n    for _ in range(epochs):\n{lines_of_body}"
    namespace: dict = {"np": np}
    exec(compile(source, f"<{loss.key} softmax loop, {classes} classes>", "exec"), namespace)
    _check(loss, classes, namespace["loop"])
    return namespace["loop"]


def _check(loss: SoftmaxLoss, classes: int, loop: Callable) -> None:
    """The written-out loop must give the reference's bits on a few epochs for every target class."""
    z0 = [(-1.0) ** j * (0.75 + 0.5 * j) for j in range(classes)]
    for target in range(classes):
        t = [1.0 if j == target else 0.0 for j in range(classes)]
        got = array("d", z0)
        loop(*z0, *t, 0.7, 4, got.extend)
        if np.frombuffer(got).tobytes() != reference_logits(loss, z0, t, 0.7, 4).tobytes():
            raise TracingError(
                f"the written-out loop of the softmax loss {loss.key!r} differs from the reference"
            )
