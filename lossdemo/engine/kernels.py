"""The training loops, compiled by numba: one plain kernel per task, written like the textbook loop.

Every run of the page goes through a few loops, made for one loss's ∂C/∂z and one optimizer's
update (`sigmoid_kernels`, `softmax_kernels`): a run records each epoch (`train`); the
learning-speed map's cells make the same epochs one cell after another (`speed_map`), with the
same epoch step (`step`), so a clicked cell equals the run it loads; the start plane's cells too
(`plane`). The loss's `delta` and the optimizer's `update` are plain functions that numba compiles
into each loop that calls them (`inlined`), as if they were written there, so a new loss is still
one registry entry. Each loop is compiled, or loaded from numba's disk cache, at its first call
(`Kernel`): a page that never opens the map never pays for it.

No fast-math: each operation is IEEE arithmetic in the written order. The tests compare every
kernel with plain one-epoch-at-a-time oracles within a relative 1e-12.

`NUMBA_DISABLE_JIT=1` runs all of this as plain Python (slowly), for a processor or a Python that
numba does not support.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import tempfile
import threading
import types as python
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

try:
    import fcntl
except ImportError:  # Windows: no locks between processes; each compiles what it needs
    fcntl = None

import numba
import numpy as np
from numba import types
from numba.core import serialize
from numba.extending import register_jitable

F, INT = types.float64, types.int64
VECTOR, MATRIX, CUBE = F[::1], F[:, ::1], F[:, :, ::1]
INTS, FLAGS = INT[::1], types.boolean[::1]
# No fast-math; errors as numpy's (inf and nan, not exceptions); the GIL released; cached on disk.
OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy"}


def compiled(signature=None, **extra):
    """numba.njit with the engine's OPTIONS (typed at the first call, unless a signature is given)."""
    return (
        numba.njit(signature, **OPTIONS, **extra) if signature is not None else numba.njit(**OPTIONS, **extra)
    )


def fingerprint(*functions: Callable) -> str:
    """A short name for these functions' code and constants, the same in every process: numba's
    pickles of them, hashed."""
    return hashlib.sha256(serialize.dumps(functions)).hexdigest()[:16]


def named(function: Callable, fingerprint: str) -> Callable:
    """`function` with `fingerprint` added to its qualified name.

    numba names a function's machine code after its qualified name and a number it counts up in
    each process, and keeps one piece of code per name when it links loops loaded from its disk
    cache: two different functions that were compiled in two processes under one name (the ∂C/∂z
    of two losses, say, or two losses' epoch steps) would share one code in a third. A name that
    says what the function computes cannot be shared by two different ones. numba's cache also puts
    a loop in a file named after it: one file per loss and optimizer, so two processes saving
    different losses' loops at once cannot swap them (numba numbers a file's entries as it saves)."""
    function.__qualname__ = f"{function.__qualname__}.{fingerprint}"
    return function


def inlined(function: Callable, always: bool = False) -> Callable:
    """A copy of `function` (plain, or a numba dispatcher's) that numba compiles for the loops
    that call it (numba's `register_jitable`), `named` after its code; Python can still call it as
    it is. `always`: numba writes its code into each loop that calls it before typing it
    (`inline="always"`), where a call would stay a call: a 100,000-epoch run's epoch step, whose
    call cost a third of the run.

    A copy: numba's disk cache tells the loops made for different losses apart by their closure
    variables, pickled, and a copy is pickled with its code (an original defined at a module's top
    level would be pickled by its name), so an edited loss gets its loops compiled afresh."""
    function = getattr(function, "py_func", function)
    copy = python.FunctionType(
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    return register_jitable(inline="always" if always else "never")(named(copy, fingerprint(copy)))


LOCKS = Path(tempfile.gettempdir()) / "lossdemo-kernels"


@contextlib.contextmanager
def one_process_at_a_time(name: str) -> Iterator[None]:
    """Hold a lock on this machine for compiling the loop `name`: a process that needs a loop
    another one is compiling waits for it to be saved in numba's cache, then loads it from there
    (compiling takes 0.3–1 s, loading milliseconds), as a server's replicas or a test suite's
    workers starting at once would otherwise each compile it."""
    lock = None
    if fcntl is not None:
        try:
            LOCKS.mkdir(exist_ok=True)
            lock = open(LOCKS / f"{name}.lock", "w")  # noqa: SIM115 (closed below)
        except OSError:  # e.g. the folder belongs to another user: compile without waiting
            lock = None
    if lock is None:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class Kernel:
    """A loop called from Python with a fixed signature, compiled (or loaded from numba's cache)
    at its first call rather than when it is made, one process at a time; `named` after what it
    was made for."""

    def __init__(self, function: Callable, signature, made_for: str) -> None:
        self.function, self.signature, self.__doc__ = named(function, made_for), signature, function.__doc__
        self._compiled: Callable | None = None
        self._lock = threading.Lock()

    def __call__(self, *args) -> None:
        if self._compiled is None:
            with self._lock, one_process_at_a_time(self.function.__qualname__):
                if self._compiled is None:
                    self._compiled = numba.njit(self.signature, **OPTIONS)(self.function)
        return self._compiled(*args)


def kernel(*arguments, made_for: str) -> Callable[[Callable], Kernel]:
    """A `Kernel` of these argument types, returning nothing (its results go into arrays)."""
    return lambda function: Kernel(function, types.void(*arguments), made_for)


WORKERS = min(4, os.cpu_count() or 1)  # threads a map's cells are shared out to


def on_every_core(run: Callable[[slice], None], cells: int) -> None:
    """run(part) over parts of `cells` cells in WORKERS threads (the kernels release the GIL):
    four parts a thread, so a thread that drew slow cells (they lie together) does not hold up
    the rest."""
    size = -(-cells // (4 * WORKERS))
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(run, [slice(i, i + size) for i in range(0, cells, size)]))


# σ and softmax are called by the epoch steps, which numba's cache key pickles: plain functions
# (pickled by name), not dispatchers (pickled with a name new in every process).
@register_jitable
def sigmoid(z):
    """(σ(z), σ′(z)) of one float, without overflow; σ′ is capped at its true maximum ¼ (near
    z = 0, e/(1 + e)² can round one ulp above it)."""
    e = math.exp(-abs(z))
    one_plus_e = 1.0 + e
    return (1.0 if z >= 0.0 else e) / one_plus_e, min(e / (one_plus_e * one_plus_e), 0.25)


@register_jitable
def softmax(z, a):
    """a = softmax(z): the largest logit subtracted first, the exponentials summed in order."""
    top = z[0]
    for j in range(1, z.size):
        top = max(top, z[j])
    total = 0.0
    for j in range(z.size):
        a[j] = math.exp(z[j] - top)
        total += a[j]
    for j in range(z.size):
        a[j] /= total


@register_jitable
def length(u, v):
    """‖(u, v)‖: the square root of the squares where they neither overflow nor underflow (as fast
    as a multiply), `math.hypot` elsewhere (which scales, and is slower)."""
    squares = u * u + v * v
    return math.sqrt(squares) if 1e-290 < squares < 1e290 else math.hypot(u, v)


@compiled()
def norm(v):
    """The length of the vector v, without overflow or underflow of its squares."""
    top = 0.0
    for value in v:
        top = max(top, abs(value))
    if top == 0.0:
        return 0.0
    total = 0.0
    for value in v:
        total += (value / top) * (value / top)
    return top * math.sqrt(total)


@compiled()
def first_within(errors, goal):
    """The first index whose error is at most goal; −1 if none."""
    for k in range(errors.size):
        if errors[k] <= goal:
            return k
    return -1


@compiled()
def settled_within(errors, goal):
    """The first index from which every error to the end is at most goal (reached *and stayed*);
    −1 if the last one is above it."""
    k = errors.size
    while k > 0 and errors[k - 1] <= goal:
        k -= 1
    return k if k < errors.size else -1


@compiled()
def oscillates(signed, window, floor):
    """Does the signed error keep changing sign over the last `window` steps without shrinking?
    At least half of them cross zero, and the late half's largest distance is above `floor` (the
    round-off of the output: below it a sign is rounding, not a jump) and at least 90 % of the
    early half's: a cycle, not a damped approach."""
    if signed.size < window + 1:
        return False
    tail = signed[signed.size - window - 1 :]
    crossings = 0
    for k in range(1, tail.size):
        crossings += tail[k] * tail[k - 1] < 0.0
    half = tail.size // 2
    early, late = np.abs(tail[:half]).max(), np.abs(tail[half:]).max()
    return crossings >= window // 2 and late > floor and late >= 0.9 * early


@compiled()
def last_step(signed, window):
    """The largest change of the signed error from one epoch to the next over the last `window`
    epochs, if it crossed zero there (0 if it did not: a run still on its way is not hovering):
    about the band a loss whose step does not shrink hovers in."""
    largest, crossed = 0.0, False
    for k in range(max(signed.size - window, 1), signed.size):
        largest = max(largest, abs(signed[k] - signed[k - 1]))
        crossed = crossed or signed[k] * signed[k - 1] < 0.0
    return largest if crossed else 0.0


@compiled()
def settle(signed, goal, window, floor, smooth):
    """(epochs, unstable, band, goal) of one run from its signed error to its optimum per epoch.

    A smooth loss settled from the epoch its error stays within the goal (−1: never), and is
    unstable if it got there and left, or ends oscillating above round-off (`floor`). A loss whose
    step does not shrink (not smooth) hovers around its optimum within about one step, `band`:
    it counts as settled once it stays within the larger of the goal and that band, if the band
    is narrower than where it started, and is never called unstable. The goal returned is the one
    applied."""
    errors = np.abs(signed)
    band = 0.0 if smooth else last_step(signed, window)
    if band < errors[0]:
        goal = max(goal, band)
    halved = settled_within(errors, goal)
    if not smooth:
        return halved, False, band, goal
    reached = first_within(errors, goal) >= 0
    return halved, (reached and halved < 0) or oscillates(signed, window, floor), band, goal


@compiled()
def _goal(error0, tolerance):
    """Half the start's error, or the tolerance when one is given (> 0)."""
    return tolerance if tolerance > 0.0 else 0.5 * error0


class SigmoidKernels(NamedTuple):
    train: Kernel
    speed_map: Kernel
    plane: Kernel


@functools.cache
def sigmoid_kernels(delta: Callable, update: Callable) -> SigmoidKernels:
    """The loops of a sigmoid neuron under the loss's δ(z, a, σ′(z), y) -> ∂C/∂z of one example
    and the optimizer's update(g, state, p, t, η) -> the change to subtract from parameter p at
    update t (it updates that parameter's numbers state[p])."""
    delta, update = inlined(delta), inlined(update)
    made_for = fingerprint(delta, update)

    def step(w, b, xs, ys, eta, state, t, k, a, slope, d):
        """One epoch of full-batch training from (w, b): the forward and backward pass over the
        examples (filling row k of each example's a = σ(z), σ′(z) and δ = ∂C/∂z at z = w·x + b),
        then update t of the optimizer along the mean gradient ((1/n) Σ δ_i x_i, (1/n) Σ δ_i).
        Returns the changes to subtract from w and b, and the mean |a − y| at (w, b)."""
        grad_w = grad_b = error = 0.0
        for i in range(xs.size):
            z = w * xs[i] + b
            out, sp = sigmoid(z)
            di = delta(z, out, sp, ys[i])
            a[k, i], slope[k, i], d[k, i] = out, sp, di
            grad_w += di * xs[i]
            grad_b += di
            error += abs(out - ys[i])
        n = xs.size
        change_w = update(grad_w / n, state, 0, t, eta)
        return change_w, update(grad_b / n, state, 1, t, eta), error / n

    # A run has the step written into its loop; the map's cells call it (faster there, measured).
    step, run_step = inlined(step), inlined(step, always=True)

    @kernel(
        F,
        F,
        VECTOR,
        VECTOR,
        F,
        MATRIX,
        VECTOR,
        VECTOR,
        VECTOR,
        VECTOR,
        MATRIX,
        MATRIX,
        MATRIX,
        made_for=made_for,
    )
    def train(w, b, xs, ys, eta, state, ws, bs, steps, errors, a, slope, d):
        """Full-batch training of one sigmoid neuron on the examples (xs, ys) from (w, b): entry k
        of every output is the state after k updates (ws, bs; errors: the mean |a − y|; a, slope,
        d: a row with one column per example), and steps[k] the length ‖(Δw, Δb)‖ of the update
        made from it (for the last, the one the optimizer would make next). state holds the
        optimizer's numbers per parameter, zeros at the start."""
        for k in range(errors.size):
            ws[k], bs[k] = w, b
            change_w, change_b, errors[k] = run_step(w, b, xs, ys, eta, state, k + 1.0, k, a, slope, d)
            steps[k] = length(change_w, change_b)
            w, b = w - change_w, b - change_b

    @kernel(
        INT, F, F, F, F, types.boolean, VECTOR, VECTOR, INT, F, INT, MATRIX, INTS, FLAGS, made_for=made_for
    )
    def speed_map(
        state_size, x, y, aim, floor, smooth, z0, eta, cap, tolerance, window, starts, epochs, unstable
    ):
        """The learning-speed map of one loss: cell c is the run of `train` from w = 0, b = z0[c]
        on the example (x, y) at eta[c] for `cap` epochs, made by the same `step`. Its error is
        |a − aim| (aim: the loss's optimum for y); starts[c] = (the output at the start, the goal,
        the band it hovers in), epochs[c] = the epoch from which the error stays within the goal
        (−1: never) and unstable[c] whether it got there and left, or ends oscillating above the
        round-off `floor` (`settle`; `smooth` is the loss's)."""
        xs, ys = np.array([x]), np.array([y])
        a, slope, d = np.empty((1, 1)), np.empty((1, 1)), np.empty((1, 1))
        signed = np.empty(cap + 1)
        for c in range(z0.size):
            w, b, state = 0.0, z0[c], np.zeros((2, state_size))
            for k in range(cap + 1):
                epoch = step(w, b, xs, ys, eta[c], state, k + 1.0, 0, a, slope, d)
                signed[k] = a[0, 0] - aim
                starts[c, 0] = a[0, 0] if k == 0 else starts[c, 0]
                w, b = w - epoch[0], b - epoch[1]
            goal = _goal(abs(signed[0]), tolerance)
            starts[c, 1] = goal
            epochs[c], unstable[c], starts[c, 2], _ = settle(signed, goal, window, floor, smooth)

    @kernel(INT, VECTOR, VECTOR, VECTOR, VECTOR, F, VECTOR, INT, INTS, made_for=made_for)
    def plane(state_size, xs, ys, w0, b0, eta, goal, cap, epochs):
        """The start plane of a data set: cell c trains from (w0[c], b0[c]) at eta with `step`, as
        a run on the data set does, and epochs[c] is the first epoch (0 … cap) whose mean error is
        within goal[c], or cap + 1."""
        n = xs.size
        a, slope, d = np.empty((1, n)), np.empty((1, n)), np.empty((1, n))
        for c in range(w0.size):
            w, b, epochs[c], state = w0[c], b0[c], cap + 1, np.zeros((2, state_size))
            for k in range(cap + 1):
                epoch = step(w, b, xs, ys, eta, state, k + 1.0, 0, a, slope, d)
                if epoch[2] <= goal[c]:
                    epochs[c] = k
                    break
                w, b = w - epoch[0], b - epoch[1]

    return SigmoidKernels(train, speed_map, plane)


@functools.cache
def sigmoid_points(delta: Callable) -> Kernel:
    """a, σ′(z) and ∂C/∂z at each logit z[i] for the target y[i], as a run computes them."""
    delta = inlined(delta)
    made_for = fingerprint(delta)

    @kernel(VECTOR, VECTOR, VECTOR, VECTOR, VECTOR, made_for=made_for)
    def points(z, y, a, slope, d):
        for i in range(z.size):
            a[i], slope[i] = sigmoid(z[i])
            d[i] = delta(z[i], a[i], slope[i], y[i])

    return points


class SoftmaxKernels(NamedTuple):
    train: Kernel
    speed_map: Kernel


@functools.cache
def softmax_kernels(delta: Callable, update: Callable) -> SoftmaxKernels:
    """The loops of a softmax layer under the loss's δ(z, a, t, out), which writes ∂C/∂z_j of one
    example into out[j] from its K logits, outputs and one-hot target, and the optimizer's update
    (as `sigmoid_kernels`)."""
    delta, update = inlined(delta), inlined(update)
    made_for = fingerprint(delta, update)

    def step(p, X, T, eta, state, t, z, a, d, grad, changes):
        """One epoch of full-batch training of a softmax layer at the parameters p = (W row by row,
        then b) on the examples (rows of X, one-hot rows of T): each example's logits z = W x + b,
        outputs a and δ = ∂C/∂z (rows of z, a and d), the mean gradient `grad` over p, then update
        t of the optimizer on every parameter (changes[q] is subtracted from p[q], in place).
        Returns the mean 1 − a_y at p."""
        classes, inputs, n = T.shape[1], X.shape[1], X.shape[0]
        grad[:] = 0.0
        error = 0.0
        for i in range(n):
            for j in range(classes):
                zj = p[classes * inputs + j]
                for k in range(inputs):
                    zj += p[j * inputs + k] * X[i, k]
                z[i, j] = zj
            softmax(z[i], a[i])
            delta(z[i], a[i], T[i], d[i])
            for j in range(classes):
                for k in range(inputs):
                    grad[j * inputs + k] += d[i, j] * X[i, k]
                grad[classes * inputs + j] += d[i, j]
                error += T[i, j] * (1.0 - a[i, j])
        for q in range(p.size):
            grad[q] /= n
            changes[q] = update(grad[q], state, q, t, eta)
            p[q] -= changes[q]
        return error / n

    step, run_step = inlined(step), inlined(step, always=True)

    @kernel(VECTOR, MATRIX, MATRIX, F, MATRIX, VECTOR, VECTOR, VECTOR, CUBE, CUBE, CUBE, made_for=made_for)
    def train(p, X, T, eta, state, steps, norms, errors, z, a, d):
        """Full-batch training of a softmax layer from the parameters p (W row by row, then b;
        updated in place) on the examples (X, T): z, a and d hold each row's logits, outputs and
        ∂C/∂z per example (rows, examples, classes); errors[k] is the mean 1 − a_y, norms[k] the
        length of the gradient over all of W and b and steps[k] the length of the update made from
        row k (the last row's: the next one). state holds the optimizer's numbers per parameter,
        zeros at the start."""
        grad, changes = np.empty(p.size), np.empty(p.size)
        for k in range(steps.size):
            errors[k] = run_step(p, X, T, eta, state, k + 1.0, z[k], a[k], d[k], grad, changes)
            norms[k], steps[k] = norm(grad), norm(changes)

    @kernel(
        INT, F, INT, F, F, types.boolean, MATRIX, VECTOR, INT, F, INT, MATRIX, INTS, FLAGS, made_for=made_for
    )
    def speed_map(
        state_size,
        x,
        target,
        aim,
        floor,
        smooth,
        logits,
        eta,
        cap,
        tolerance,
        window,
        starts,
        epochs,
        unstable,
    ):
        """The learning-speed map of a softmax loss: cell c is the run of `train` from W = 0,
        b = logits[c] on the input x with the target class `target`, at eta[c] for `cap` epochs,
        made by the same `step`. Its error is |a_target − aim|; the outputs as the sigmoid map's."""
        classes = logits.shape[1]
        X, T = np.array([[x]]), np.zeros((1, classes))
        T[0, target] = 1.0
        z, a, d = np.empty((1, classes)), np.empty((1, classes)), np.empty((1, classes))
        grad, changes, signed = np.empty(2 * classes), np.empty(2 * classes), np.empty(cap + 1)
        for c in range(eta.size):
            p = np.concatenate((np.zeros(classes), logits[c]))
            state = np.zeros((2 * classes, state_size))
            for k in range(cap + 1):
                step(p, X, T, eta[c], state, k + 1.0, z, a, d, grad, changes)
                signed[k] = a[0, target] - aim
                starts[c, 0] = a[0, target] if k == 0 else starts[c, 0]
            goal = _goal(abs(signed[0]), tolerance)
            starts[c, 1] = goal
            epochs[c], unstable[c], starts[c, 2], _ = settle(signed, goal, window, floor, smooth)

    return SoftmaxKernels(train, speed_map)


@functools.cache
def softmax_points(delta: Callable) -> Kernel:
    """The outputs and ∂C/∂z at each row of logits z for the one-hot target row T[i], as a run
    computes them."""
    delta = inlined(delta)
    made_for = fingerprint(delta)

    @kernel(MATRIX, MATRIX, MATRIX, MATRIX, made_for=made_for)
    def points(z, T, a, d):
        for i in range(z.shape[0]):
            softmax(z[i], a[i])
            delta(z[i], a[i], T[i], d[i])

    return points
