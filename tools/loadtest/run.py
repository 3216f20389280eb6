"""The run: students join over the ramp, the teacher's plan times burst and replay mode, the server
is sampled meanwhile, and everything ends in a Report."""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections.abc import Sequence
from pathlib import Path

from tools.loadtest.lecture import BURST_CHANGES, REPLAY_BUTTON, SCENARIOS, Options
from tools.loadtest.protocol import Endpoint, Session, SessionFailed
from tools.loadtest.report import Report, SessionResult
from tools.loadtest.sampling import Sampler, usage
from tools.server import wait_healthy


def source_address(index: int, spread: int) -> str | None:
    """A loopback source address for session `index`, or None to let the kernel choose.

    nginx's `ip_hash` keys on the first three octets of an IPv4 client address, so sessions are
    spread over 127.0.<k>.1 to look like students on different networks."""
    if spread <= 1:
        return None
    return f"127.0.{1 + index % min(spread, 254)}.1"


class BurstPlan:
    """The teacher's announcements: the first comes a second after every student has loaded the
    page (or failed), then one every `interval` seconds while `duration` lasts."""

    def __init__(self, sessions: int, interval: float, duration: float) -> None:
        self.waiting = sessions
        self.interval = interval
        self.duration = duration
        self.times: list[float] = []
        self.end = 0.0
        self.ready = asyncio.Event()

    def arrived(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            first = asyncio.get_running_loop().time() + 1.0
            self.end = first + self.duration
            self.times = [first]
            while self.times[-1] + self.interval < self.end:
                self.times.append(self.times[-1] + self.interval)
            self.ready.set()


async def _student(
    index: int, endpoint: Endpoint, options: Options, start: float, plan: BurstPlan | None
) -> SessionResult:
    rng = random.Random(f"{options.seed}-{index}")
    result = SessionResult(index, options.links[index % len(options.links)])
    session = Session(endpoint, result, rng, options.timeout, source_address(index, options.spread_ips))
    loop = asyncio.get_running_loop()
    waiting_for_plan = plan is not None
    try:
        await asyncio.sleep(max(0.0, start - loop.time()))
        await session.open()
        result.load_s = await session.rerun()
        result.loaded = True
        if plan is None:
            end = loop.time() + options.duration
            while True:
                at = loop.time() + rng.uniform(*options.think)
                if at >= end:
                    await asyncio.sleep(max(0.0, end - loop.time()))
                    break
                await asyncio.sleep(at - loop.time())
                await session.change()
        else:
            waiting_for_plan = False
            plan.arrived()
            await plan.ready.wait()
            if options.mode == "replay":
                # "Everybody press Play": one click each, then the page's frame timer drives it.
                await asyncio.sleep(max(0.0, plan.times[0] - loop.time()))
                result.changes_sent += 1
                elapsed = await session.press(REPLAY_BUTTON)
                result.changes_finished += 1
                result.latencies.append(elapsed)
                result.changes.append((REPLAY_BUTTON, "click", elapsed))
                watch_from = loop.time()
                await asyncio.sleep(options.duration)  # watching, while the frame timer runs
                result.watch_s = loop.time() - watch_from
            else:
                for number, at in enumerate(plan.times):
                    await asyncio.sleep(max(0.0, at - loop.time()))
                    key, value = BURST_CHANGES[number % len(BURST_CHANGES)]
                    await session.change(key, value)
                await asyncio.sleep(max(0.0, plan.end - loop.time()))
        session.check_alive()
        result.completed = True
    except SessionFailed:
        pass
    except ValueError as error:  # a change the page does not offer
        result.error("client", str(error))
    finally:
        if waiting_for_plan and plan is not None:
            plan.arrived()
        await session.close()
    return result


async def _drive(endpoint: Endpoint, options: Options) -> tuple[list[SessionResult], list[list[float]]]:
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.5
    rng = random.Random(options.seed)
    starts = sorted(t0 + rng.uniform(0, options.ramp) for _ in range(options.sessions))
    interval = math.inf if options.mode == "replay" else options.burst_interval
    plan = BurstPlan(options.sessions, interval, options.duration) if options.mode != "think" else None
    results = await asyncio.gather(
        *(_student(i, endpoint, options, starts[i], plan) for i in range(options.sessions))
    )
    per_burst: list[list[float]] = [[] for _ in (plan.times if plan else ())]
    for r in results:
        for number, latency in enumerate(r.latencies[: len(per_burst)]):
            per_burst[number].append(latency)
    return list(results), per_burst


def _load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return math.nan


async def _warm_up(endpoint: Endpoint, timeout: float) -> SessionResult:
    result = SessionResult(-1, SCENARIOS[0])
    session = Session(endpoint, result, random.Random(0), timeout, None)
    try:
        await session.open()
        result.load_s = await session.rerun()
    except SessionFailed:
        pass
    finally:
        await session.close()
    return result


def warm_up(url: str, timeout: float = 60.0) -> float:
    """Load the page once (imports, first cached runs), as the teacher did before class; seconds."""
    warm = asyncio.run(_warm_up(Endpoint.parse(url), timeout))
    if warm.errors or warm.load_s is None:
        raise RuntimeError(f"the warm-up page load failed: {'; '.join(warm.error_samples)}")
    return warm.load_s


def run(url: str, options: Options, pids: Sequence[int] = ()) -> Report:
    """Drive `options.sessions` students against `url`; sample `pids` (with their children)."""
    endpoint = Endpoint.parse(url)
    wait_healthy(url, 30)
    warm_up_s = None
    if options.warm_up:
        warm_up_s = warm_up(url, max(options.timeout, 60.0))
    before = {pid: usage(pid).rss_mb for pid in pids}
    load_before = _load_average()
    started, cpu_started = time.monotonic(), time.process_time()
    sampler = Sampler(pids) if pids else None
    with sampler or contextlib.nullcontext():
        results, bursts = asyncio.run(_drive(endpoint, options))
    wall, client_cpu = time.monotonic() - started, time.process_time() - cpu_started
    load_after = _load_average()
    time.sleep(options.settle)
    after = {pid: usage(pid).rss_mb for pid in pids}
    if sampler is not None:  # the peak covers the settling time too
        for pid in pids:
            sampler.peak_rss_mb[pid] = max(sampler.peak_rss_mb[pid], after[pid])
        sampler.peak_total_rss_mb = max(sampler.peak_total_rss_mb, sum(after.values()))
    return Report(
        options,
        results,
        bursts,
        before,
        after,
        sampler,
        wall,
        warm_up_s,
        client_cpu,
        (load_before, load_after),
    )
