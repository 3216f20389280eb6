"""numba's disk cache keeps the kernels' machine code between processes: each loss's loops under
its own key, so a second loss never loads the first one's code, and an edited loss is compiled
afresh rather than loaded as it was. Fresh Python processes with their own cache folder, a loss
written to a file in between, and the final weight checked against a plain loop."""

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
for key, delta in (("edited", probe.delta), ("scaled", probe.scaled(3.0))):
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


def run(folder: Path) -> dict[str, list[float]]:
    env = os.environ | {
        "NUMBA_CACHE_DIR": str(folder / "cache"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(folder)]),
        "NUMBA_DISABLE_JIT": "0",
    }
    start = json.dumps([W, B, X, Y, ETA, EPOCHS])
    done = subprocess.run(
        [sys.executable, "-c", RUN, start], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="no machine code to cache")
def test_each_loss_keeps_its_own_machine_code_and_an_edited_loss_is_compiled_afresh(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text(textwrap.dedent(PROBE.format(factor=1.0)))
    first = run(tmp_path)
    assert first["edited"][0] == pytest.approx(plain_w(1.0), rel=1e-12)
    assert first["scaled"][0] == pytest.approx(plain_w(3.0), rel=1e-12)

    source.write_text(textwrap.dedent(PROBE.format(factor=2.0)))
    os.utime(source, (source.stat().st_atime, source.stat().st_mtime + 2))
    second = run(tmp_path)
    assert second["edited"][0] == pytest.approx(plain_w(2.0), rel=1e-12)  # not the cached 1.0 loop
    assert second["scaled"][0] == pytest.approx(plain_w(3.0), rel=1e-12)
    assert second["scaled"][1] == 1  # loaded from the disk cache, not compiled again
    assert second["edited"][1] == 0
