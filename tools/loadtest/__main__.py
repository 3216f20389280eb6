"""The command line: `python -m tools.loadtest --help`."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import tools.loadtest
from tools.loadtest.lecture import SCENARIOS, Options
from tools.loadtest.protocol import Endpoint
from tools.loadtest.report import table
from tools.loadtest.run import run
from tools.server import APP, streamlit_command, streamlit_server


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    summary = tools.loadtest.__doc__.split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m tools.loadtest", description=summary)
    parser.add_argument("--url", help="a running app (loopback only); default: start our own server")
    parser.add_argument(
        "--app", type=Path, default=APP, help="the app our own server runs (default: this repo's app.py)"
    )
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument(
        "--duration", type=_positive, default=60.0, help="seconds each student uses the page after loading it"
    )
    parser.add_argument(
        "--mode",
        choices=("think", "burst", "replay"),
        default="think",
        help="think: each student changes a control every 5-15 s; burst: all change eta at the same "
        "instant, every --burst-interval s; replay: all click Play at once, then watch for --duration s",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--think", type=_positive, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"), help="think time, s"
    )
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which sessions join")
    parser.add_argument("--burst-interval", type=_positive, default=15.0)
    parser.add_argument("--timeout", type=_positive, default=30.0, help="seconds per load or change")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait before RSS after close")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the one page load before measuring")
    parser.add_argument(
        "--link",
        action="append",
        default=[],
        metavar="QUERY",
        help="a shared link's query string, e.g. 'eta=1.0&w=2' (repeatable; default: six built-in links)",
    )
    parser.add_argument(
        "--pid", type=int, action="append", default=[], help="server process to sample (repeatable)"
    )
    parser.add_argument(
        "--spread-ips",
        type=int,
        default=1,
        metavar="N",
        help="use N loopback source networks 127.0.<k>.1 (so nginx ip_hash spreads sessions)",
    )
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    if args.think[0] > args.think[1]:
        parser.error("--think MIN must not exceed MAX")
    if args.url:
        try:
            Endpoint.parse(args.url)
        except ValueError as error:
            parser.error(str(error))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    options = Options(
        sessions=args.sessions,
        duration=args.duration,
        mode=args.mode,
        seed=args.seed,
        think=tuple(args.think),
        ramp=max(0.0, args.ramp),
        burst_interval=args.burst_interval,
        timeout=args.timeout,
        settle=max(0.0, args.settle),
        spread_ips=args.spread_ips,
        links=tuple(link.lstrip("?") for link in args.link) or SCENARIOS,
        warm_up=not args.no_warm_up,
    )
    if args.url:
        report = run(args.url, options, args.pid)
    else:
        app = args.app.resolve()
        with streamlit_server(app) as (url, pid):
            command = " ".join(streamlit_command(Endpoint.parse(url).port, app)[1:])
            print(f"started {command} (pid {pid}) in {app.parent}", flush=True)
            report = run(url, options, [pid, *args.pid])
    print(table(report))
    return 1 if report.error_count else 0


if __name__ == "__main__":
    sys.exit(main())
