"""Run the non-browser test suite several times, each run with a fresh random Hypothesis seed and an
empty example database, to find tests that pass or fail by chance.

    python3 -m tools.fresh_runs [-n 20] [--seed N] [-x] [-- PYTEST_ARGS ...]

Each run is `python3 -m pytest -q -p no:cacheprovider --ignore=tests/browser --hypothesis-seed=S`
(plus PYTEST_ARGS, e.g. `-- tests/test_params.py` to run one file) with

- S drawn at random for every run (from --seed, if given, so a whole series can be repeated);
- HYPOTHESIS_PROFILE=default, so the examples are random even where CI=true would derandomize them;
- HYPOTHESIS_DATABASE pointing at a new temporary directory (see tests/conftest.py), so no run
  replays examples an earlier run, or the developer's ./.hypothesis, saved; `-p no:cacheprovider`
  keeps pytest's own cache (last failures, ordering) out of it too.

It prints one line per run: its number, seed, time and result, and for a failing run the failed
tests and the path of its full log (kept under artifacts/fresh_runs/). A failure is reproduced by
running the printed pytest command with the same seed, or from the `@reproduce_failure` blob in the
log. The exit code is 1 if any run failed, else 0. Only the test suite's own output is parsed.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "artifacts" / "fresh_runs"
BASE = ["-q", "-p", "no:cacheprovider", "--ignore=tests/browser", "-rfE"]


def pytest_command(seed: int, extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "pytest", *BASE, f"--hypothesis-seed={seed}", *extra]


def failures(output: str) -> list[str]:
    """The `FAILED …` and `ERROR …` lines of pytest's short summary."""
    return [line for line in output.splitlines() if line.startswith(("FAILED ", "ERROR "))]


def one_run(number: int, seed: int, extra: list[str]) -> bool:
    """Run the suite once with `seed` and an empty database; print its line; True if it passed."""
    command = pytest_command(seed, extra)
    with tempfile.TemporaryDirectory(prefix="fresh-hypothesis-") as database:
        env = os.environ | {"HYPOTHESIS_PROFILE": "default", "HYPOTHESIS_DATABASE": database}
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
    output = result.stdout + result.stderr
    # pytest's own last line ("N passed in T s"): stderr ends with whatever else printed at exit.
    summary = next((line for line in reversed(result.stdout.splitlines()) if line.strip()), "(no output)")
    print(f"run {number}: seed {seed}, {seconds:.0f} s: {summary.strip('= ')}", flush=True)
    if result.returncode == 0:
        return True
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"run-{number}-seed-{seed}.log"
    log.write_text(f"$ {shlex.join(command)}\n\n{output}")
    for line in failures(output) or [f"pytest exited with code {result.returncode}"]:
        print(f"    {line}")
    print(f"    full log: {log}", flush=True)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=20, help="how many runs (default 20)")
    parser.add_argument("--seed", type=int, help="draw the runs' seeds from this seed (repeatable series)")
    parser.add_argument("-x", "--stop", action="store_true", help="stop after the first failing run")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    draw = random.Random(args.seed) if args.seed is not None else random.SystemRandom()
    failed = []
    for number in range(1, args.runs + 1):
        seed = draw.randrange(2**32)
        if not one_run(number, seed, args.pytest_args):
            failed.append(seed)
            if args.stop:
                break
    ran = number
    if failed:
        print(f"{len(failed)} of {ran} runs failed; seeds: {', '.join(map(str, failed))}")
        return 1
    print(f"all {ran} runs passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
