"""Writing a training loop out as straight-line code from the registries' own code, and compiling it.

A single run steps one example epoch after epoch, so its loop cannot be one numpy call; in the
interpreter each operation on a list or a call of a numpy ufunc on one float costs more than the
arithmetic. The loops of `sigmoid_loop`, `softmax_loop` and `optimizer_loop` are therefore
written out: a loss's ∂C/∂z (and an optimizer's update) runs once on placeholders (`Traced`) that
record each operation, and the recorded lines become a loop over local float variables, which
numba compiles to machine code (`compile_loop`). The registries keep one definition of each
formula; the written loop repeats its operations in the same order, so it computes the same bits
as the readable reference loops, which remain the specification.

While recording, an expression seen before is not computed twice (the same operation on the same
operands gives the same bits), a line whose operands do not change between epochs is computed once
before the loop, and a line no result needs is left out.

A numpy ufunc becomes its `math` twin where that gives numpy's bits (`scalar_twin`): numpy's
float64 exp, log1p, … call the C library unless it has its own vector code for the processor,
and the check below tells the two apart. Elsewhere the written loop calls the ufunc itself, and
stays in the interpreter (`is_compiled`); there the loops over many cells or examples (the start
plane, a data set's logits) run their array form instead, which does the same operations on
arrays and adds in the loop's order (`in_order_sum`). Where numpy returns inf or nan with a
warning, `math` raises and the compiled loop goes on silently, so a caller runs its reference loop
when a written loop raises or ends with a value that is not finite (`run_written`).

Anything the recording cannot repeat exactly is refused (TracingError): comparing, branching
(`if`, `max`, `==`), converting to a number, iterating. The code that writes a loop states its own
branches explicitly (`Recording.record` with a template), and checks each compiled loop against
its reference on a few epochs before it is used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import sys
import threading
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

import numba
import numpy as np


class TracingError(ValueError):
    """A loss's ∂C/∂z (or an optimizer's update) does something the written-out loop cannot repeat."""


# Where numpy's ufunc may equal a `math` function or a plain expression on one float.
_TWINS: dict[str, str] = {
    "exp": "exp({0})",
    "expm1": "expm1({0})",
    "log": "log({0})",
    "log1p": "log1p({0})",
    "sqrt": "sqrt({0})",
    "tanh": "tanh({0})",
    "absolute": "abs({0})",
    "negative": "(-{0})",
    "sign": "(1.0 if {0} > 0.0 else -1.0 if {0} < 0.0 else {0} + 0.0)",
}
NAMESPACE = {
    "np": np,
    "inf": math.inf,
    "nan": math.nan,
    **{name: getattr(math, name) for name in ("exp", "expm1", "log", "log1p", "sqrt", "tanh")},
}


def _sample() -> np.ndarray:
    """Finite floats of every magnitude and both signs, zeros, subnormals, and a dense stretch
    where the losses evaluate their functions (|x| up to 750)."""
    rng = np.random.default_rng(20261201)
    magnitudes = 10.0 ** rng.uniform(-310.0, 308.0, 3000)
    dense = rng.uniform(-750.0, 750.0, 3000)
    unit = rng.uniform(-1.0, 1.0, 3000)
    special = np.array([0.0, -0.0, 5e-324, -5e-324, 1.0, -1.0, 0.5, 2.0, 1e-300, 709.7, -745.1])
    return np.concatenate([magnitudes, -magnitudes, dense, unit, special])


@cache
def scalar_twin(ufunc_name: str) -> str | None:
    """The template of a one-float twin of a unary numpy ufunc, or None if there is none that gives
    numpy's bits here. Checked on ~12,000 finite arguments where numpy's result is finite: where
    numpy has its own vector code for a function on this processor (exp and log with AVX-512;
    tanh on the project's AVX2 machine), it differs from the C library in the last bit for a
    large share of arguments, so a twin that agrees on all of them, in the interpreter and compiled
    (`compile_loop`), is the same function (the C library's, which numpy then calls one float at a
    time as well)."""
    template = _TWINS.get(ufunc_name)
    if template is None:
        return None
    ufunc = getattr(np, ufunc_name)
    x = _sample()
    with np.errstate(all="ignore"):
        want = ufunc(x)
    keep = np.isfinite(want)
    twin = eval(f"lambda v: {template.format('v')}", dict(NAMESPACE))
    try:
        got = np.array([twin(v) for v in x[keep].tolist()], dtype=float)
    except (ArithmeticError, ValueError):
        return None
    compiled = np.empty_like(want)
    compiled_map(template)(x, compiled)
    same = got.tobytes() == want[keep].tobytes() and compiled[keep].tobytes() == want[keep].tobytes()
    return template if same else None


def compiled_map(template: str) -> Callable:
    """map(values, out): out[i] = the template on values[i], compiled as `compile_loop` compiles."""
    body = ["v = values[i]", f"out[i] = {template.format('v')}"]
    return compile_loop(f"map {template}", ["values", "out"], [], "for i in range(values.size):", body)


class Recording:
    """The operations recorded while tracing, each a line "name = expression" that varies per
    epoch or not.

    `record` names the result of an expression template ("{0} + {1}") on its operands; the same
    expression on the same operands returns the earlier result."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, list[str], bool]] = []  # name, template, operand terms, varying
        self._seen: dict[str, Traced] = {}
        self._varying: dict[str, bool] = {}

    def input(self, name: str, varying: bool = True) -> Traced:
        """A float the loop receives: an argument (invariant) or a variable it updates (varying)."""
        self._varying[name] = varying
        return Traced(name, self)

    def record(self, template: str, *operands: object) -> Traced:
        terms = [term(v) for v in operands]
        expression = template.format(*terms)
        if expression in self._seen:
            return self._seen[expression]
        varying = any(self._varying.get(t, False) for t in terms)
        name = f"v{len(self.lines)}"
        self.lines.append((name, template, terms, varying))
        self._varying[name] = varying
        result = self._seen[expression] = Traced(name, self)
        return result

    def write(self, results: list[object]) -> tuple[list[str], list[str]]:
        """(lines before the loop, lines in the loop) that `results` need, in recorded order.

        A per-epoch value used once, by another per-epoch line, is written into that line in
        parentheses (the same operations on the same operands; a store and a load fewer)."""
        needed = {v.name for v in results if isinstance(v, Traced)}
        for name, _, terms, _ in reversed(self.lines):
            if name in needed:
                needed.update(terms)
        kept = [line for line in self.lines if line[0] in needed]
        uses = Counter(
            t
            for _, template, terms, _ in kept
            for i, t in enumerate(terms)
            for _ in range(template.count(f"{{{i}}}"))
        )
        pinned = {v.name for v in results if isinstance(v, Traced)}
        inline: dict[str, str] = {}
        before, body = [], []
        for name, template, terms, varying in kept:
            expression = template.format(
                *(f"({inline.pop(t)})" if varying and t in inline else t for t in terms)
            )
            if varying and uses[name] == 1 and name not in pinned:
                inline[name] = expression
            else:
                (body if varying else before).append(f"{name} = {expression}")
        return before, body


def _refuse(what: str):
    def refused(self, *args):
        raise TracingError(
            f"a loss's delta (or an optimizer's update) must be arithmetic and numpy ufuncs; it used {what}, "
            "which the written-out loop cannot repeat (for example a branch on the target)"
        )

    return refused


def _operator(symbol: str):
    """A binary operator for `Traced` and its reflected twin, each recording its operands in order."""

    def forward(self, other):
        return self.recording.record(f"{{0}} {symbol} {{1}}", self, other)

    def reflected(self, other):
        return self.recording.record(f"{{0}} {symbol} {{1}}", other, self)

    return forward, reflected


class Traced:
    """A float inside the loop being written: arithmetic on it records one line and names the result."""

    __slots__ = ("name", "recording")
    __hash__ = None

    def __init__(self, name: str, recording: Recording):
        self.name, self.recording = name, recording

    __add__, __radd__ = _operator("+")
    __sub__, __rsub__ = _operator("-")
    __mul__, __rmul__ = _operator("*")
    __truediv__, __rtruediv__ = _operator("/")
    __pow__, __rpow__ = _operator("**")

    def __neg__(self):
        return self.recording.record("-{0}", self)

    def __abs__(self):
        return self.recording.record("abs({0})", self)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy ufuncs (np.exp, np.log1p, …) are recorded as their `math` twin where it gives the
        same bits, else as a call of the ufunc itself."""
        if method != "__call__" or kwargs or ufunc.nout != 1:
            _refuse(f"numpy's {ufunc.__name__}.{method}")(self)
        twin = scalar_twin(ufunc.__name__) if ufunc.nin == 1 else None
        if twin is None:
            slots = ", ".join(f"{{{i}}}" for i in range(len(inputs)))
            twin = f"float(np.{ufunc.__name__}({slots}))"
        return self.recording.record(twin, *inputs)

    __bool__ = _refuse("a truth test (if, and, or, max, min)")
    __eq__ = __ne__ = _refuse("== or !=")
    __lt__ = __le__ = __gt__ = __ge__ = _refuse("a comparison")
    __float__ = __int__ = __index__ = __complex__ = _refuse("a conversion to a number")
    __iter__ = __len__ = __getitem__ = _refuse("iteration or indexing")
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _refuse("// or %")


def term(value) -> str:
    """How a recorded value or a constant appears in the written loop."""
    if isinstance(value, Traced):
        return value.name
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise TracingError(f"a loss's delta (or an optimizer's update) used {value!r}, which is not a number")
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "(-inf)"
    return repr(value) if value >= 0 else f"({value!r})"  # -1.0 ** v would be −(1.0 ** v)


def compile_loop(title: str, arguments: list[str], before: list[str], loop: str, body: list[str]) -> Callable:
    """def loop(arguments): <before>; <loop>: <body>, compiled.

    A loop of arithmetic, comparisons and `math` functions is compiled to machine code by numba
    (IEEE arithmetic in the written order, no fused or reordered operations, the C library's
    `math`: the interpreter's bits, 10-40× faster), and numba keeps the machine code on disk
    (`_source_file`), so a loop is compiled once per machine, not once per process. A loop that
    calls a numpy ufunc on one float (where no twin gives numpy's bits) stays in the interpreter:
    compiled, numba would replace the ufunc by its own scalar code."""
    lines = [f"def loop({', '.join(arguments)}):", *(f"    {line}" for line in before), f"    {loop}"]
    source = "\n".join([*lines, *(f"        {line}" for line in body)]) + "\n"
    path = _source_file(title, source)
    if path is None:
        namespace = dict(NAMESPACE)
        exec(compile(source, f"<{title}>", "exec"), namespace)
        function = namespace["loop"]
    else:
        function = _module(path).loop
    if "np" in function.__code__.co_names:
        return function
    return numba.njit(error_model="numpy", nogil=True, cache=path is not None)(function)


def is_compiled(loop: Callable) -> bool:
    """Whether `compile_loop` compiled the loop (False: it runs in the interpreter)."""
    return isinstance(loop, numba.core.dispatcher.Dispatcher)


def in_order_sum(terms: np.ndarray) -> np.ndarray:
    """0.0 + t₀ + t₁ + … over the first axis, added in that order as a written loop adds its
    terms (numpy's sum may add in pairs, which rounds differently)."""
    total = np.zeros(terms.shape[1:])
    for part in terms:
        total = total + part
    return total


def _module(path: Path) -> ModuleType:
    """The module of a loop's file, with NAMESPACE as its globals, registered under its name (numba
    imports it again to load cached machine code)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(NAMESPACE)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


# The user's own cache directory (a shared temporary one would let another user's file be run).
LOOP_FILES = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lossdemo" / "loops"


def _source_file(title: str, source: str) -> Path | None:
    """A file holding `source`, named by its hash, under LOOP_FILES: numba caches a function's
    machine code beside its file and finds it again by the function's bytecode and the file's
    time stamp, so the file is written once (again if it holds anything else). None if it cannot
    be written (no cache then)."""
    text = f"{source}# {title}, written out by lossdemo.engine.tracing\n"
    path = LOOP_FILES / f"loop_{hashlib.sha256(text.encode()).hexdigest()[:24]}.py"
    try:
        if not path.is_file() or path.read_text() != text:
            LOOP_FILES.mkdir(parents=True, exist_ok=True)
            # One name per process and thread: sessions are threads, and two may write at once.
            partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            partial.write_text(text)
            os.replace(partial, path)
    except OSError:
        return None
    return path


WRITTEN_LOOP_LIMITS = (ArithmeticError, ValueError)  # what `math` raises where numpy gives inf or nan


def run_written(written: Callable[[], object], reference: Callable[[], object]):
    """The written loop's result, or the reference loop's where the written loop met a float that
    numpy warns about: there the reference's behaviour (value, warning) is the specification. In
    the interpreter `math` refuses such a float (overflow, a domain error, a division by zero);
    compiled, the loop goes on with IEEE's inf or nan, so a result that is not finite everywhere
    is computed again by the reference."""
    try:
        result = written()
    except WRITTEN_LOOP_LIMITS:
        return reference()
    arrays = result if isinstance(result, tuple) else (result,)
    return result if all(np.isfinite(a).all() for a in arrays) else reference()
