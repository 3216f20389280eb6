"""numba's disk cache keeps the kernels' machine code between processes: each loss's loops under
its own key, so a second loss never loads the first one's code; loops compiled in different
processes and loaded into one keep their own code (numba links functions by name); and an edited
loss is compiled afresh rather than loaded as it was. Fresh Python processes with their own cache
folder, a loss written to a file in between, and the final weight checked against a plain loop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EPOCHS, ETA, W, B, X, Y = 40, 0.5, 0.6, 0.9, 1.0, 0.0

RUN = """
import json, sys
from lossdemo.engine.losses import Loss, register
from lossdemo import simulate_sigmoid
from lossdemo.engine.kernels import sigmoid_kernels
from lossdemo.engine.optimizers import get_optimizer
import probe

out = {}
losses = {"edited": probe.delta, "scaled": probe.scaled(3.0)}
for key in json.loads(sys.argv[2]):
    delta = losses[key]
    register(Loss(key, "sigmoid", False, lambda z, a, y: 0.0 * z, delta))
    run = simulate_sigmoid(key, *json.loads(sys.argv[1]))
    loop = sigmoid_kernels(delta, get_optimizer("gd").update).train._compiled
    out[key] = [float(run["w"].iloc[-1]), sum(loop.stats.cache_hits.values())]
print(json.dumps(out))
"""

PROBE = """
def delta(z, a, sp, y):
    return {factor} * (a - y)


def scaled(factor):
    def delta(z, a, sp, y):
        return factor * (a - y)

    return delta
"""


def plain_w(factor: float) -> float:
    """w after EPOCHS gradient-descent epochs with ∂C/∂z = factor·(a − y), one float at a time."""
    import math

    w, b = W, B
    for _ in range(EPOCHS):
        a = 1.0 / (1.0 + math.exp(-(w * X + b)))
        d = factor * (a - Y)
        w, b = w - ETA * d * X, b - ETA * d
    return w


def run(folder: Path, *keys: str) -> dict[str, list[float]]:
    env = os.environ | {
        "NUMBA_CACHE_DIR": str(folder / "cache"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(folder)]),
        "NUMBA_DISABLE_JIT": "0",
    }
    start = json.dumps([W, B, X, Y, ETA, EPOCHS])
    done = subprocess.run(
        [sys.executable, "-c", RUN, start, json.dumps(keys)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="no machine code to cache")
def test_each_loss_keeps_its_own_machine_code_and_an_edited_loss_is_compiled_afresh(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text(textwrap.dedent(PROBE.format(factor=1.0)))
    run(tmp_path, "edited")  # each loss compiled in a process of its own
    run(tmp_path, "scaled")
    both = run(tmp_path, "edited", "scaled")  # and both loaded into one
    assert both["edited"] == [pytest.approx(plain_w(1.0), rel=1e-12), 1]
    assert both["scaled"] == [pytest.approx(plain_w(3.0), rel=1e-12), 1]

    source.write_text(textwrap.dedent(PROBE.format(factor=2.0)))
    os.utime(source, (source.stat().st_atime, source.stat().st_mtime + 2))
    edited = run(tmp_path, "edited", "scaled")
    assert edited["edited"] == [pytest.approx(plain_w(2.0), rel=1e-12), 0]  # compiled, not the old loop
    assert edited["scaled"] == [pytest.approx(plain_w(3.0), rel=1e-12), 1]  # still from the cache


def test_a_machine_where_the_compile_lock_cannot_be_made_still_compiles(tmp_path, monkeypatch):
    from lossdemo.engine import kernels

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr(kernels, "LOCKS", blocker / "locks")  # a folder inside a file: mkdir fails
    entered = []
    with kernels.one_process_at_a_time("any loop"):
        entered.append(True)
    assert entered == [True]
