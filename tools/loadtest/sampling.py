"""The server's resident memory (VmRSS from /proc/<pid>/status) and CPU time (/proc/<pid>/stat),
children included, sampled in a thread."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            todo.extend(int(child) for child in children)
    return found


def _rss_kb_and_ticks(pid: int) -> tuple[int, int]:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0, 0
    rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    fields = stat.rsplit(")", 1)[1].split()
    return rss, int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


@dataclass
class Usage:
    rss_mb: float
    ticks: int


def usage(pid: int) -> Usage:
    rss = ticks = 0
    for member in _descendants(pid):
        r, t = _rss_kb_and_ticks(member)
        rss, ticks = rss + r, ticks + t
    return Usage(rss / 1024, ticks)


class Sampler:
    """Samples RSS and CPU of some process trees every `interval` seconds in a thread."""

    def __init__(self, pids: Sequence[int], interval: float = 0.2) -> None:
        self.pids = list(pids)
        self.interval = interval
        self.hz = os.sysconf("SC_CLK_TCK")
        self.peak_rss_mb = dict.fromkeys(self.pids, 0.0)
        self.peak_total_rss_mb = 0.0
        self.peak_cpu = dict.fromkeys(self.pids, 0.0)  # percent of one core, per 1 s window
        self.cpu_seconds = dict.fromkeys(self.pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = self.stopped = 0.0

    def __enter__(self) -> Sampler:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.stopped = time.monotonic()

    def _run(self) -> None:
        window: dict[int, list[tuple[float, int]]] = {pid: [] for pid in self.pids}
        previous: dict[int, int] = {}
        while True:
            now = time.monotonic()
            total = 0.0
            for pid in self.pids:
                u = usage(pid)
                total += u.rss_mb
                self.peak_rss_mb[pid] = max(self.peak_rss_mb[pid], u.rss_mb)
                if pid in previous:
                    self.cpu_seconds[pid] += max(0, u.ticks - previous[pid]) / self.hz
                previous[pid] = u.ticks
                samples = window[pid]
                samples.append((now, u.ticks))
                while samples and now - samples[0][0] > 1.0 + self.interval / 2:
                    samples.pop(0)
                if len(samples) >= 2 and now - samples[0][0] >= 0.9:
                    span = now - samples[0][0]
                    cpu = max(0, samples[-1][1] - samples[0][1]) / self.hz / span * 100
                    self.peak_cpu[pid] = max(self.peak_cpu[pid], cpu)
            self.peak_total_rss_mb = max(self.peak_total_rss_mb, total)
            if self._stop.wait(self.interval):
                return

    def mean_cpu(self, pid: int) -> float:
        span = (self.stopped or time.monotonic()) - self.started
        return self.cpu_seconds[pid] / span * 100 if span > 0 else 0.0
