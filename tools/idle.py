"""How quickly each view of the page opens in a browser, against a plain Streamlit page of the same
content (`tools/plain_page.py`) timed in the same run, as issue #36 asks.

Debian's Chromium (tests/browser/live.py) opens each view (`?view=…`) in a fresh browser context,
from navigation until the page is idle: connected, no script running, nothing stale, every chart
drawn. Cold: the first load after its server started (`streamlit run`, caches empty); warm: the
median of the next `--loads` loads. Each view gets a fresh server of the page and one of the plain
page, and their warm loads alternate, so the machine's drift falls on both alike.

    python3 -m tools.idle [--loads 5] [--views Curves,Landscape] [--app PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

from lossdemo.controls.url import VIEWS
from tests.browser import live
from tools.server import APP, streamlit_server

PLAIN = Path(__file__).resolve().parent / "plain_page.py"


def load_seconds(browser, url: str) -> float:
    """Seconds from navigation until the page at `url` is idle with every chart drawn."""
    context = browser.new_context(viewport=live.VIEWPORT)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, timeout=live.APP_TIMEOUT_MS)
    live.wait_for_idle(page, timeout=120_000)
    page.wait_for_function(live.ALL_CHARTS_DRAWN_JS, timeout=120_000)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def view_times(browser, app: Path, view: str, loads: int) -> dict[str, float]:
    """Cold and warm seconds of the view and of the plain page, each on its own fresh server."""
    query = "" if view == VIEWS[0] else f"/?view={quote(view)}"
    with streamlit_server(app) as (page_url, _), streamlit_server(PLAIN) as (plain_url, _):
        times = {
            "view cold": load_seconds(browser, page_url + query),
            "plain cold": load_seconds(browser, plain_url),
        }
        warm, plain = [], []
        for _ in range(loads):
            warm.append(load_seconds(browser, page_url + query))
            plain.append(load_seconds(browser, plain_url))
    return times | {"view warm": statistics.median(warm), "plain warm": statistics.median(plain)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tools.idle", description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=5, help="warm loads of each (default 5)")
    parser.add_argument("--views", default=",".join(VIEWS), help="comma-separated views (default: all)")
    parser.add_argument("--app", type=Path, default=APP, help="the app to serve (default: this checkout's)")
    args = parser.parse_args(argv)
    problem = live.environment_problem()
    if problem:
        print(f"idle: {problem}", file=sys.stderr)
        return 2
    print("| view | cold s (plain) | × plain | warm s (plain) | × plain |")
    print("|---|---:|---:|---:|---:|")
    with live.chromium() as browser:
        for view in args.views.split(","):
            t = view_times(browser, args.app, view, args.loads)
            cells = []
            for when in ("cold", "warm"):
                mine, plain = t[f"view {when}"], t[f"plain {when}"]
                cells.append(f"{mine:.2f} ({plain:.2f}) | {mine / plain:.2f}")
            print(f"| {view} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
