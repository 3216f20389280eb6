"""Timings of the engine: `python -m tools.bench [--only SECTION] [--repeats N]`.

Each section is a function that takes the repeat count and returns rows; `SECTIONS` lists them in
the order they run. Add a section by writing one more such function and listing it. Beside the
engine each row may time a yardstick in the same run: a naive per-epoch loop in plain Python
(checked first to agree with the engine), or the plainest numba loop for the same numbers
(`tools.yardsticks`). A speed is then a ratio to something measured at the same moment, not a
figure that drifts with the machine.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lossdemo import LOSSES, MAX_EPOCHS, simulate_sigmoid, simulate_softmax, start_logits
from lossdemo.controls.map_settings import AXES, ETA_AXIS, map_sweep
from lossdemo.engine.losses import FOCAL_GAMMA, SMOOTHING
from lossdemo.engine.network import OUTPUT_LOSSES, train_network
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, OPTIMIZERS
from lossdemo.engine.start_sweep import sweep_starts
from tools import yardsticks

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    case: str
    ms: float  # median wall time of the engine
    naive_ms: float | None = None  # the same computation by a yardstick (see the module's docstring)
    target_ms: float | None = None


def median_ms(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def _sigmoid_terms(loss: str, z: float, e: float, a: float, y: float) -> tuple[float, float]:
    """Cost and ∂C/∂z of one sigmoid loss at one epoch, written out with `math`."""
    slope = a * (1 - a)
    up, down = max(z, 0.0) + math.log1p(e), max(-z, 0.0) + math.log1p(e)  # −ln(1 − a), −ln a
    if loss == "quadratic":
        return 0.5 * (a - y) ** 2, (a - y) * slope
    if loss == "cross_entropy":
        return up - y * z, a - y
    if loss == "focal":
        g, b = FOCAL_GAMMA, math.exp(-up)
        cost = y * b**g * down + (1 - y) * a**g * up
        return cost, y * b**g * (-g * a * down - b) + (1 - y) * a**g * (a + g * b * up)
    if loss == "absolute":
        return abs(a - y), 0.0 if a == y else math.copysign(slope, a - y)
    raise KeyError(loss)


def _softmax_terms(loss: str, z: list, m: float, total: float, a: list, y: int) -> tuple[float, list]:
    """Cost and ∂C/∂z of one softmax loss at one epoch, written out with `math`."""
    r = [aj - (j == y) for j, aj in enumerate(a)]
    if loss == "log_likelihood":
        return math.log(total) - (z[y] - m), r
    if loss == "quadratic":
        s = sum(aj * rj for aj, rj in zip(a, r))
        return 0.5 * sum(rj * rj for rj in r), [aj * rj - aj * s for aj, rj in zip(a, r)]
    if loss == "focal":
        g, b = FOCAL_GAMMA, sum(aj for j, aj in enumerate(a) if j != y)
        log_a_y = z[y] - m - math.log(total)
        weight = g * b ** (g - 1) * a[y] * log_a_y - b**g
        return -(b**g) * log_a_y, [-weight * rj for rj in r]
    if loss == "label_smoothing":
        q = [(1 - SMOOTHING) * (j == y) + SMOOTHING / len(z) for j in range(len(z))]
        cost = sum(qj * (math.log(total) - (zj - m)) for qj, zj in zip(q, z))
        return cost, [aj - qj for aj, qj in zip(a, q)]
    raise KeyError(loss)


NAIVE = {
    "sigmoid": ("quadratic", "cross_entropy", "focal", "absolute"),
    "softmax": ("quadratic", "log_likelihood", "focal", "label_smoothing"),
}  # the losses the naive loops know


def naive_sigmoid(loss: str, w: float, b: float, x: float, y: float, eta: float, epochs: int):
    rows = []
    for epoch in range(epochs + 1):
        z = w * x + b
        e = math.exp(-abs(z))
        a = 1 / (1 + e) if z >= 0 else e / (1 + e)
        cost, grad_z = _sigmoid_terms(loss, z, e, a, y)
        rows.append((epoch, w, b, z, a, cost, grad_z * x, grad_z, a * (1 - a)))
        w, b = w - eta * grad_z * x, b - eta * grad_z
    names = ["epoch", "w", "b", "z", "a", "cost", "grad_w", "grad_b", "sigma_prime"]
    return pd.DataFrame(rows, columns=names)


def naive_softmax(loss: str, W, b, x, y: int, eta: float, epochs: int):
    W, b, x = [list(map(float, r)) for r in W], list(map(float, b)), list(map(float, x))
    classes, rows = len(b), []
    for epoch in range(epochs + 1):
        z = [sum(wk * xk for wk, xk in zip(Wj, x)) + bj for Wj, bj in zip(W, b)]
        m = max(z)
        e = [math.exp(zj - m) for zj in z]
        total = sum(e)
        a = [ej / total for ej in e]
        cost, g = _softmax_terms(loss, z, m, total, a, y)
        norm = math.sqrt(sum((gj * xk) ** 2 for gj in g for xk in x) + sum(gj * gj for gj in g))
        rows.append((epoch, *z, *a, cost, g[y], norm, a[y] * (1 - a[y])))
        W = [[wk - eta * gj * xk for wk, xk in zip(Wj, x)] for Wj, gj in zip(W, g)]
        b = [bj - eta * gj for bj, gj in zip(b, g)]
    names = [f"z_{j}" for j in range(classes)] + [f"a_{j}" for j in range(classes)]
    return pd.DataFrame(rows, columns=["epoch", *names, "cost", "grad_b_y", "grad_norm", "sigma_prime"])


def check_agreement(engine: pd.DataFrame, naive: pd.DataFrame, case: str) -> None:
    for name in naive:
        gap = np.abs(engine[name].to_numpy() - naive[name].to_numpy())
        if not np.all(gap <= 1e-9 * (1 + np.abs(naive[name].to_numpy()))):
            raise AssertionError(f"{case}: engine and naive loop disagree on {name} by {gap.max():.3g}")


def compare(neuron: str, epochs: int, repeats: int, target_ms: float) -> list[Row]:
    """Engine and naive loop for every loss of `neuron` (the engine alone for a loss the naive
    loops do not know), from a badly wrong start."""
    if neuron == "sigmoid":
        args = (2.0, 2.0, 1.0, 0.0, 0.15, epochs)
        engine, naive = simulate_sigmoid, naive_sigmoid
    else:
        args = (np.zeros((3, 1)), start_logits(3, 0, 4.0), [1.0], 0, 0.15, epochs)
        engine, naive = simulate_softmax, naive_softmax
    rows = []
    for loss in LOSSES[neuron]:
        case = f"{neuron} {loss}, {epochs:,} epochs"
        naive_ms = None  # a loss registered later than the naive loops has no naive twin
        if loss in NAIVE[neuron]:
            check_agreement(engine(loss, *args), naive(loss, *args), case)
            naive_ms = median_ms(lambda loss=loss: naive(loss, *args), repeats)
        ms = median_ms(lambda loss=loss: engine(loss, *args), repeats)
        rows.append(Row(case, ms, naive_ms, target_ms))
    return rows


def short_runs(repeats: int) -> list[Row]:
    return compare("sigmoid", 300, repeats, 1.0) + compare("softmax", 300, repeats, 1.0)


def optimizer_runs(repeats: int) -> list[Row]:
    """Momentum and Adam on every loss, 300 epochs from a badly wrong start (no naive twin: the
    tests hold them to PyTorch's update rules)."""
    starts = {
        "sigmoid": (2.0, 2.0, 1.0, 0.0, 0.15, 300),
        "softmax": (np.zeros((3, 1)), start_logits(3, 0, 4.0), [1.0], 0, 0.15, 300),
    }
    engines = {"sigmoid": simulate_sigmoid, "softmax": simulate_softmax}
    return [
        Row(
            f"{neuron} {loss}, {optimizer}, 300 epochs",
            median_ms(lambda n=neuron, loss=loss, o=optimizer: engines[n](loss, *starts[n], o), repeats),
            None,
            1.0,
        )
        for optimizer in OPTIMIZERS
        if optimizer != DEFAULT_OPTIMIZER
        for neuron in starts
        for loss in LOSSES[neuron]
    ]


def kernels(repeats: int) -> list[Row]:
    """Issue #32's cases, each beside a yardstick timed in the same run: 100,000-epoch runs (the
    frames included) against plain numba loops of the same epochs, the learning-speed map's default
    grid against a numba loop over its cells that keeps nothing but each cell's last output, the
    start plane against a plain numba plane, and a fresh process's first run with empty and with
    warm numba caches. The yardstick's column holds its time; "× yardstick" is engine / yardstick."""
    rows = []
    out = np.empty(MAX_EPOCHS + 1)
    yardsticks.sigmoid_run(True, 4.0, 0.3, 0.0, out[:10])
    both = ("quadratic", "cross_entropy")
    engine = median_ms(
        lambda: [simulate_sigmoid(loss, 2.0, 2.0, 1.0, 0.0, 0.15, MAX_EPOCHS) for loss in both], repeats
    )
    plain = median_ms(lambda: [yardsticks.sigmoid_run(q, 4.0, 0.3, 0.0, out) for q in (True, False)], repeats)
    rows.append(
        Row("sigmoid, quadratic + cross-entropy, 100,000 epochs, frames included", engine, plain, 10.0)
    )

    logits, table = np.array(start_logits(3, 0, 4.0)), np.empty((MAX_EPOCHS + 1, 3))
    yardsticks.softmax_run(logits.copy(), 0, 0.3, table[:10])
    engine = median_ms(
        lambda: simulate_softmax("log_likelihood", np.zeros((3, 1)), logits, [1.0], 0, 0.15, MAX_EPOCHS),
        repeats,
    )
    plain = median_ms(lambda: yardsticks.softmax_run(logits.copy(), 0, 0.3, table), repeats)
    rows.append(Row("softmax K = 3, log-likelihood, 100,000 epochs, frame included", engine, plain, 60.0))

    z0, eta = (np.ascontiguousarray(g.ravel()) for g in np.meshgrid(AXES["z0"], ETA_AXIS, indexing="ij"))
    last = np.empty(z0.size)
    yardsticks.map_cells(True, z0[:2], eta[:2], 0.0, 10, last[:2])
    engine = median_ms(lambda: map_sweep("sigmoid", {"x": 1.0, "y": 0.0}, "half", 2000), repeats)
    plain = median_ms(
        lambda: [yardsticks.map_cells(q, z0, eta, 0.0, 2000, last) for q in (True, False)], repeats
    )
    case = f"speed map {AXES['z0'].size} × {ETA_AXIS.size} cells, cap 2,000, both losses, as the page asks"
    rows.append(Row(case, engine, plain, plain))

    xs, ys = bench_data_set()
    axis = np.linspace(-6.0, 6.0, 41)
    w0, b0 = (np.ascontiguousarray(g.ravel()) for g in np.meshgrid(axis, axis, indexing="ij"))
    frame = sweep_starts(list(both), xs, ys, axis, axis, 0.15, cap=1000)
    goal, epochs = frame["goal"].to_numpy()[: w0.size].copy(), np.empty(w0.size, dtype=np.int64)
    x_arr, y_arr = np.array(xs), np.array(ys)
    engine = median_ms(lambda: sweep_starts(list(both), xs, ys, axis, axis, 0.15, cap=1000), repeats)
    plain = median_ms(
        lambda: [
            yardsticks.plane_cells(q, x_arr, y_arr, w0, b0, 0.15, goal, 1000, epochs) for q in (True, False)
        ],
        repeats,
    )
    rows.append(Row("start plane 41 × 41, 20 examples, cap 1,000, both losses", engine, plain, 400.0))

    with tempfile.TemporaryDirectory() as cache:
        for when in ("empty", "warm"):
            first = _fresh_process(cache)
            rows.append(Row(f"fresh process, numba cache {when}: import lossdemo", first[0], None, None))
            target = 1500.0 if when == "empty" else 300.0
            rows.append(
                Row(
                    f"fresh process, numba cache {when}: first 300-epoch run of a loss",
                    first[1],
                    None,
                    target,
                )
            )
    lines = sum(len(path.read_text().splitlines()) for path in (ROOT / "lossdemo" / "engine").glob("*.py"))
    rows.append(Row(f"engine folder: {lines:,} lines (target 3,000)", 0.0, None, None))
    return rows


FRESH = """
import time
begin = time.perf_counter()
from lossdemo import simulate_sigmoid
imported = time.perf_counter()
simulate_sigmoid("focal", 2.0, 2.0, 1.0, 0.0, 0.15, 300)
print(1e3 * (imported - begin), 1e3 * (time.perf_counter() - imported))
"""


def _fresh_process(cache: str) -> tuple[float, float]:
    """(import, first run) in ms in a new Python whose numba cache is the folder `cache`."""
    env = os.environ | {"NUMBA_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", FRESH], env=env, capture_output=True, text=True, check=True)
    first, run = map(float, out.stdout.split())
    return first, run


def network_runs(repeats: int) -> list[Row]:
    """The digit experiment as the Network tab trains it by default: 64 → 30 → 10, 30 epochs of
    mini-batches of 10, η = 0.5, one loss per row."""
    return [
        Row(
            f"network 64-30-10, 30 epochs, {loss}",
            median_ms(lambda loss=loss: train_network(loss, eta=0.5), repeats),
            None,
            300.0,
        )
        for loss in OUTPUT_LOSSES
    ]


def bench_data_set(n: int = 20) -> tuple[list[float], list[float]]:
    """n examples, reproducible: inputs spread over ±4, targets mostly by the sign of x with a
    few flipped (overlapping classes, so no run reaches zero error)."""
    rng = np.random.default_rng(18)
    xs = rng.uniform(-4.0, 4.0, n)
    ys = np.where(rng.random(n) < 0.15, xs < 0, xs > 0).astype(float)
    return xs.tolist(), ys.tolist()


def data_set_runs(repeats: int) -> list[Row]:
    """Issue #18's engine: 300 epochs on 20 examples from a badly wrong start (w = −2, b = 2),
    per loss and optimizer (target 2 ms for gradient descent); the cost landscape of both losses on
    a 100 × 100 window of 20 examples (target 50 ms); the start plane, epochs to the goal from
    60 × 60 starts (cap 1,000, η = 0.15) for both losses (target 1 s; a third of the repeats)."""
    from lossdemo.engine.landscape import landscape, window
    from lossdemo.engine.start_sweep import sweep_starts

    xs, ys = bench_data_set()
    rows = [
        Row(
            f"sigmoid {loss}, {optimizer}, 20 examples, 300 epochs",
            median_ms(
                lambda loss=loss, o=optimizer: simulate_sigmoid(loss, -2.0, 2.0, xs, ys, 0.15, 300, o),
                repeats,
            ),
            None,
            2.0 if optimizer == DEFAULT_OPTIMIZER else None,
        )
        for optimizer in OPTIMIZERS
        for loss in ("quadratic", "cross_entropy")
    ]
    w_axis, b_axis = window(-2.0, 2.0, radius=5.0, points=100)
    both = ["quadratic", "cross_entropy"]
    ms = median_ms(lambda: landscape(both, xs, ys, w_axis, b_axis), repeats)
    rows.append(Row("landscape 100×100, 20 examples, quadratic and cross-entropy", ms, None, 50.0))
    axis = np.linspace(-6.0, 6.0, 60)
    ms = median_ms(lambda: sweep_starts(both, xs, ys, axis, axis, 0.15, cap=1000), max(1, repeats // 3))
    rows.append(
        Row("start plane 60×60, cap 1,000, 20 examples, quadratic and cross-entropy", ms, None, 1000.0)
    )
    return rows


def page(repeats: int) -> list[Row]:
    """Script time of the whole page after a change (AppTest; needs streamlit installed)."""
    from tools.page_bench import page_times

    return [Row(case, ms, None, target) for case, ms, target in page_times(repeats)]


SECTIONS: dict[str, Callable[[int], list[Row]]] = {
    "kernels": kernels,
    "short": short_runs,
    "optimizers": optimizer_runs,
    "network": network_runs,
    "data_sets": data_set_runs,
    "page": page,
}


def table(rows: list[tuple[str, Row]]) -> str:
    """A pipe table that reads aligned as plain text and renders as markdown."""
    head = ["section", "case", "engine ms", "yardstick ms", "× yardstick", "target ms", "met"]
    body = [
        [
            section,
            row.case,
            f"{row.ms:.3f}",
            "" if row.naive_ms is None else f"{row.naive_ms:.3f}",
            "" if row.naive_ms is None else f"{row.ms / row.naive_ms:.2f}",
            "" if row.target_ms is None else f"< {row.target_ms:g}",
            "" if row.target_ms is None else ("yes" if row.ms < row.target_ms else "NO"),
        ]
        for section, row in rows
    ]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    numeric = [False, False, True, True, True, True, False]

    def line(cells):
        padded = (c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + ":" if n else "-" * (w + 2) for w, n in zip(widths, numeric)) + "|"
    return "\n".join([line(head), rule, *map(line, body)])


def machine() -> str:
    """The processor (and whether it has AVX-512, where numpy's exp and log are its own code), the
    cores and the Python the figures were measured on."""
    cpu, flags = platform.machine(), ""
    info = Path("/proc/cpuinfo")
    if info.is_file():
        text = info.read_text()
        cpu = next(
            (line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name")),
            cpu,
        )
        flags = ", AVX-512" if "avx512f" in text else ", no AVX-512"
    return f"{cpu}{flags}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=SECTIONS, help="run one section")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case (median shown)")
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(SECTIONS)
    rows = [(name, row) for name in names for row in SECTIONS[name](args.repeats)]
    print(machine())
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
