"""What each session measured, the run's Report, percentiles, and the table printed at the end."""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from tools.loadtest.lecture import BURST_CHANGES, Options
from tools.loadtest.sampling import Sampler

TARGET_SESSIONS = 100
TARGET_REPLAY_SESSIONS = 30  # presenters replaying at once
TARGET_FRAME_P95_S = 0.25
TARGET_THINK_P95_S = 1.0
TARGET_BURST_MAX_S = 10.0
TARGET_PEAK_RSS_MB = 600.0


@dataclass
class SessionResult:
    index: int
    scenario: str
    loaded: bool = False
    completed: bool = False
    load_s: float | None = None
    changes_sent: int = 0
    changes_finished: int = 0
    latencies: list[float] = field(default_factory=list)
    changes: list[tuple[str, str, float]] = field(default_factory=list)  # (key, value, seconds)
    reruns: int = 0  # page updates the server finished: the first load and every change
    early_for_rerun: int = 0  # runs that ended early because another run followed (st.rerun)
    frames_requested: int = 0  # fragment auto-reruns sent (a run_every timer, e.g. replay)
    frames_finished: int = 0
    frame_latencies: list[float] = field(default_factory=list)  # frame request → fragment run finished
    watch_s: float = 0.0  # replay mode: seconds spent watching the replay
    frame_interval: float = 0.0  # the fragment timer's interval the server asked for
    bytes_received: int = 0
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str = "") -> None:
        self.errors[kind] += 1
        if detail and len(self.error_samples) < 3:
            self.error_samples.append(f"{kind}: {detail}")


@dataclass
class Report:
    options: Options
    results: list[SessionResult]
    bursts: list[list[float]]  # per burst: every session's latency
    rss_before_mb: dict[int, float]
    rss_after_mb: dict[int, float]
    sampler: Sampler | None
    wall_s: float
    warm_up_s: float | None = None
    client_cpu_s: float = 0.0  # this load generator's own CPU time: it shares the machine
    load_average: tuple[float, float] = (math.nan, math.nan)  # 1-minute, at the start and the end

    @property
    def errors(self) -> Counter:
        total: Counter = Counter()
        for r in self.results:
            total.update(r.errors)
        return total

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def completed(self) -> int:
        return sum(r.completed for r in self.results)

    @property
    def latencies(self) -> list[float]:
        return sorted(x for r in self.results for x in r.latencies)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted `values` (nan if empty)."""
    if not values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(values)))
    return values[rank - 1]


def _ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:,.0f} ms"


def table(report: Report) -> str:
    o = report.options
    target_sessions = TARGET_REPLAY_SESSIONS if o.mode == "replay" else TARGET_SESSIONS
    lat = report.latencies
    p50, p95, p99 = (percentile(lat, q) for q in (50, 95, 99))
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((name, value, target, "" if ok is None else ("ok" if ok else "MISSED")))

    row(
        "sessions completed",
        f"{report.completed} / {o.sessions}",
        f"{target_sessions} sessions",
        report.completed == o.sessions and o.sessions >= target_sessions,
    )
    errors = report.errors
    detail = ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"
    row("errors", f"{report.error_count} ({detail})", "0", report.error_count == 0)
    if report.warm_up_s is not None:
        row("warm-up: one page load before the test", _ms(report.warm_up_s))
    loads = sorted(r.load_s for r in report.results if r.load_s is not None)
    row("first load → finished p50 / p95", f"{_ms(percentile(loads, 50))} / {_ms(percentile(loads, 95))}")
    sent = sum(r.changes_sent for r in report.results)
    done = sum(r.changes_finished for r in report.results)
    row("changes finished / sent", f"{done} / {sent}", "all", done == sent and sent > 0)
    what = "click Play → finished" if o.mode == "replay" else "change → finished"
    row(f"{what} p50", _ms(p50))
    if o.mode == "think":
        row(f"{what} p95", _ms(p95), "< 1 s", p95 < TARGET_THINK_P95_S)
    else:
        row(f"{what} p95", _ms(p95))
    row(f"{what} p99", _ms(p99))
    requested = sum(r.frames_requested for r in report.results)
    finished = sum(r.frames_finished for r in report.results)
    if requested or finished:
        row("fragment auto-reruns finished / sent", f"{finished:,} / {requested:,}")
    watching = [r for r in report.results if r.watch_s > 0]
    if watching:
        rates = sorted(r.frames_finished / r.watch_s for r in watching)
        intervals = [r.frame_interval for r in watching if r.frame_interval > 0]
        row(
            "replay frames per student per s: mean / min",
            f"{sum(rates) / len(rates):.1f} / {rates[0]:.1f}",
            f"{1 / min(intervals):g} (the page's timer)" if intervals else "no timer started",
        )
        frames = sorted(t for r in watching for t in r.frame_latencies)
        frame_p95 = percentile(frames, 95)
        row(
            "replay frame → finished p50 / p95",
            f"{_ms(percentile(frames, 50))} / {_ms(frame_p95)}",
            f"p95 < {TARGET_FRAME_P95_S * 1000:g} ms",
            frame_p95 < TARGET_FRAME_P95_S,
        )
    early = sum(r.early_for_rerun for r in report.results)
    if early:
        row("runs ended early for a rerun (st.rerun)", f"{early:,}")
    if o.mode == "burst":
        for number, values in enumerate(report.bursts):
            worst = max(values) if values else math.nan
            key, value = BURST_CHANGES[number % len(BURST_CHANGES)]
            row(
                f"burst {number + 1} ({key} = {value}): finished / max",
                f"{len(values)} / {o.sessions}, {_ms(worst)}",
                "all within 10 s",
                len(values) == o.sessions and worst < TARGET_BURST_MAX_S,
            )
    s = report.sampler
    if s is None:
        row("server RSS / CPU", "not sampled (give --pid)")
    else:
        many = len(s.pids) > 1
        for pid in s.pids:
            name = f"pid {pid}" if many else "server"
            row(
                f"{name} RSS before load",
                f"{report.rss_before_mb[pid]:,.0f} MB",
            )
            peak = s.peak_rss_mb[pid]
            row(
                f"{name} peak RSS",
                f"{peak:,.0f} MB",
                f"< {TARGET_PEAK_RSS_MB:g} MB",
                peak < TARGET_PEAK_RSS_MB,
            )
            row(
                f"{name} RSS {o.settle:g} s after close",
                f"{report.rss_after_mb[pid]:,.0f} MB "
                f"({report.rss_after_mb[pid] - report.rss_before_mb[pid]:+,.0f} MB vs before)",
            )
            row(
                f"{name} CPU peak (1 s) / mean",
                f"{s.peak_cpu[pid]:,.0f} % / {s.mean_cpu(pid):,.0f} % of one core",
            )
        if many:
            row("all replicas peak RSS (sum)", f"{s.peak_total_rss_mb:,.0f} MB")
    updates = sum(r.reruns + r.frames_finished for r in report.results)
    if updates:
        received = sum(r.bytes_received for r in report.results)
        what = "page updates (runs + replay frames)" if finished else "page updates"
        row(f"{what} finished; data per update", f"{updates:,}; {received / updates / 1024:,.0f} KiB")
        if s is not None:
            cpu = sum(s.cpu_seconds.values())
            row("server CPU per page update", f"{cpu / updates * 1000:,.0f} ms")
    row(
        "load generator CPU (same machine)", f"{report.client_cpu_s / report.wall_s * 100:,.0f} % of one core"
    )
    row(
        "machine load average at start / end",
        f"{report.load_average[0]:.1f} / {report.load_average[1]:.1f} ({os.cpu_count()} CPUs)",
    )
    row("wall time", f"{report.wall_s:,.1f} s")

    head = (f"load test: {o.mode} mode, {o.sessions} sessions, {o.duration:g} s, seed {o.seed}", "", "", "")
    widths = [max(len(r[i]) for r in [*rows, ("metric", "measured", "target", "")]) for i in range(4)]
    lines = [head[0], ""]
    header = ("metric", "measured", "target", "")
    for r in [header, tuple("-" * w for w in widths), *rows]:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    slowest = sorted((c for r in report.results for c in r.changes), key=lambda c: -c[2])[:5]
    if slowest:
        lines += ["", "slowest changes: " + ", ".join(f"{k}={v} {_ms(t)}" for k, v, t in slowest)]
    samples = [s for r in report.results for s in r.error_samples]
    if samples:
        lines += ["", "first errors:"] + [f"  - {s}" for s in samples[:8]]
    return "\n".join(lines)
