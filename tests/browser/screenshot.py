"""Screenshot the live page: starts `streamlit run app.py` and Debian's Chromium exactly as the browser
tests do (see live.py), opens the page, waits for a finished run and drawn charts, and saves a PNG.

    python tests/browser/screenshot.py OUT.png [--query "neuron=softmax"] [--width 1280 --height 720]
        [--full-page]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import live

# Every Vega-Lite chart on the page (whatever its layout) has an SVG with at least one drawn mark.
ALL_CHARTS_DRAWN_JS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
  .every((c) => c.querySelector("svg g.role-mark path, svg g.role-mark rect, svg g.role-mark line"))"""
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
        page.wait_for_function(ALL_CHARTS_DRAWN_JS)
    return height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write the PNG")
    parser.add_argument("--query", default="", help='query string without "?", e.g. "neuron=softmax&eta=0.5"')
    parser.add_argument("--width", type=int, default=live.VIEWPORT["width"])
    parser.add_argument("--height", type=int, default=live.VIEWPORT["height"])
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the viewport")
    args = parser.parse_args(argv)

    problem = live.environment_problem()
    if problem:
        print(f"screenshot.py: {problem}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with live.streamlit_server() as url, live.chromium() as browser:
        context = browser.new_context(base_url=url, viewport={"width": args.width, "height": args.height})
        page = context.new_page()
        try:
            live.open_app(page, args.query)
            try:
                page.wait_for_function(ALL_CHARTS_DRAWN_JS, timeout=15_000)
            except Exception:
                print("screenshot.py: warning: not every chart was drawn; taking the page as it is")
            page.evaluate("() => document.fonts.ready.then(() => true)")
            height = grow_to_content(page, args.width) if args.full_page else args.height
            exceptions = page.get_by_test_id("stException").count()
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out), full_page=args.full_page)
        finally:
            context.close()
    print(
        f"wrote {args.out} ({args.width}×{height}{', full page' if args.full_page else ''}, "
        f"query {args.query or '(none)'}) in {time.perf_counter() - started:.1f} s"
    )
    if exceptions:
        print(f"screenshot.py: warning: the page shows {exceptions} exception(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
