"""How quickly each view of the page opens in a browser, against a plain Streamlit page of the same
content (`tools/plain_page.py`) timed in the same run, as issue #36 asks.

Debian's Chromium (tests/browser/live.py) opens each view (`?view=…`) and times it from navigation
until the page is idle: connected, no script running, nothing stale, every chart drawn. Cold: a
first visit (a fresh server, `streamlit run`, and a fresh browser profile); warm: the median of the
next `--loads` visits in that profile. Each view gets a fresh server of the page and one of the
plain page, and their warm loads alternate, so the machine's drift falls on both alike.

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
# At least one chart, and every chart drawn (live.ALL_CHARTS_DRAWN_JS alone holds for a page of none).
CHARTS_DRAWN_JS = f"""() => document.querySelector("[data-testid='stVegaLiteChart']") !== null
  && ({live.ALL_CHARTS_DRAWN_JS})()"""


def load_seconds(context, url: str) -> float:
    """Seconds from navigation until the page at `url`, opened in a new tab of the browser
    `context`, is idle with its charts drawn. RuntimeError if it shows an error instead: a page
    that failed is quick and says nothing (the plain page once timed its ModuleNotFoundError)."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, timeout=live.APP_TIMEOUT_MS)
    live.wait_for_idle(page, timeout=120_000)
    if page.get_by_test_id("stException").count():
        raise RuntimeError(f"{url} shows an error: {page.get_by_test_id('stException').first.inner_text()}")
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=120_000)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def view_times(browser, app: Path, view: str, loads: int) -> dict[str, float]:
    """Cold and warm seconds of the view and of the plain page, each on its own fresh server: cold
    is a first visit (the server's caches and the browser's empty), warm the median of `loads`
    visits after it in the same browser profile (its HTTP cache holds the page's scripts)."""
    query = "" if view == VIEWS[0] else f"/?view={quote(view)}"
    with streamlit_server(app) as (page_url, _), streamlit_server(PLAIN) as (plain_url, _):
        mine, plain = (browser.new_context(viewport=live.VIEWPORT) for _ in range(2))
        times = {
            "view cold": load_seconds(mine, page_url + query),
            "plain cold": load_seconds(plain, plain_url),
        }
        warm, plain_warm = [], []
        for _ in range(loads):
            warm.append(load_seconds(mine, page_url + query))
            plain_warm.append(load_seconds(plain, plain_url))
        for context in (mine, plain):
            context.close()
    return times | {"view warm": statistics.median(warm), "plain warm": statistics.median(plain_warm)}


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
