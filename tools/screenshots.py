"""Screenshots of the live page for the README: starts `streamlit run app.py` (tools/server.py) and
Debian's Chromium (tests/browser/live.py) exactly as the browser tests do, opens the page, waits for a
finished run and drawn charts, and saves PNGs.

    python3 -m tools.screenshots              # the README's screenshots, into tests/browser/screenshots/
    python3 -m tools.screenshots OUT.png [--query "neuron=softmax"] [--width 1280 --height 720]
        [--full-page]                         # one screenshot
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import NamedTuple

from tests.browser import live
from tools.server import REPO_ROOT, streamlit_server

SCREENSHOTS = REPO_ROOT / "tests" / "browser" / "screenshots"
PRESENT = "present=true&epoch=60"


class Shot(NamedTuple):
    out: Path
    query: str
    width: int
    height: int
    full_page: bool = False


# The page at its defaults down to its charts, and presentation mode on a projector (1280 × 720,
# 1920 × 1080) and on a phone (390 × 844), where the page itself is shown too; the whole page with
# the badly wrong start trained by Adam, down to its comparison with gradient descent; the Network
# tab whole.
README_SHOTS = (
    Shot(SCREENSHOTS / "page.png", "", 1400, 1750),
    Shot(SCREENSHOTS / "page-390x844.png", "", 390, 844),
    Shot(SCREENSHOTS / "present-1280x720.png", PRESENT, 1280, 720),
    Shot(SCREENSHOTS / "present-1920x1080.png", PRESENT, 1920, 1080),
    Shot(SCREENSHOTS / "present-390x844.png", PRESENT, 390, 844),
    Shot(SCREENSHOTS / "adam.png", "preset=adam_badly_wrong", 1400, 1200, full_page=True),
    Shot(SCREENSHOTS / "lesson-2-1280x720.png", "lesson=2&present=true", 1280, 720),
    Shot(SCREENSHOTS / "lesson-3-1280x720.png", "lesson=3&present=true", 1280, 720),
    Shot(SCREENSHOTS / "landscape.png", "view=Landscape&data_preset=plateau&w=-8&b=0", 1400, 1800),
    Shot(SCREENSHOTS / "network.png", "view=Network", 1400, 1400, full_page=True),
    Shot(SCREENSHOTS / "page-zh.png", "lang=zh", 1400, 1750),
    Shot(SCREENSHOTS / "page-zh-390x844.png", "lang=zh", 390, 844),
)

# Streamlit scrolls inside stMain (and the sidebar), not the document, so Playwright's full_page alone
# captures one viewport: grow the viewport to the content's height instead.
CONTENT_HEIGHT_JS = """() => Math.max(window.innerHeight, ...[...document.querySelectorAll(
  "[data-testid='stMain'], [data-testid='stSidebarContent']")].map((e) => e.scrollHeight))"""
TWO_FRAMES_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


def grow_to_content(page, width: int) -> int:
    """Resize the viewport until it holds the whole page (bounded); return the final height."""
    height = page.viewport_size["height"]
    for _ in range(5):
        wanted = min(page.evaluate(CONTENT_HEIGHT_JS), 20_000)
        if wanted <= height:
            break
        height = wanted
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(TWO_FRAMES_JS)
        page.wait_for_function(live.ALL_CHARTS_DRAWN_JS)
    return height


def take(browser, url: str, shot: Shot) -> int:
    """Take one screenshot; return how many exceptions the page shows."""
    started = time.perf_counter()
    context = browser.new_context(base_url=url, viewport={"width": shot.width, "height": shot.height})
    page = context.new_page()
    try:
        live.open_app(page, shot.query)
        try:
            page.wait_for_function(live.ALL_CHARTS_DRAWN_JS, timeout=15_000)
        except Exception:
            print("screenshots: warning: not every chart was drawn; taking the page as it is")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        height = grow_to_content(page, shot.width) if shot.full_page else shot.height
        exceptions = page.get_by_test_id("stException").count()
        shot.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot.out), full_page=shot.full_page)
    finally:
        context.close()
    print(
        f"wrote {shot.out} ({shot.width}×{height}{', full page' if shot.full_page else ''}, "
        f"query {shot.query or '(none)'}) in {time.perf_counter() - started:.1f} s"
    )
    if exceptions:
        print(f"screenshots: warning: {shot.out.name} shows {exceptions} exception(s)", file=sys.stderr)
    return exceptions


def main(argv: list[str] | None = None) -> int:
    summary = __doc__.split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python3 -m tools.screenshots", description=summary)
    parser.add_argument("out", type=Path, nargs="?", help="one PNG to write (default: the README's set)")
    parser.add_argument("--query", default="", help='query string without "?", e.g. "neuron=softmax&eta=0.5"')
    parser.add_argument("--width", type=int, default=live.VIEWPORT["width"])
    parser.add_argument("--height", type=int, default=live.VIEWPORT["height"])
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the viewport")
    args = parser.parse_args(argv)
    shots = README_SHOTS
    if args.out:
        shots = (Shot(args.out, args.query, args.width, args.height, args.full_page),)

    problem = live.environment_problem()
    if problem:
        print(f"screenshots: {problem}", file=sys.stderr)
        return 2
    with streamlit_server() as (url, _pid), live.chromium() as browser:
        exceptions = sum(take(browser, url, shot) for shot in shots)
    return 1 if exceptions else 0


if __name__ == "__main__":
    sys.exit(main())
