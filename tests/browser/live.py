"""Start Debian's Chromium and open the live page in it (the server: `tools.server`).

Shared by the browser tests (`conftest.py`) and the screenshot tool (`python -m tools.screenshots`).
Playwright is imported lazily, so this module imports even where Playwright is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
# The Debian packages the browser tests need; the README names them all in one line.
CHROMIUM_PACKAGE = "chromium"
CJK_FONT_PACKAGE = "fonts-noto-cjk"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
APP_TIMEOUT_MS = 30_000

CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
NOT_RUNNING = "[data-testid='stApp'][data-test-script-state='notRunning']"
SKELETON = "[data-testid='stSkeleton']"
STALE = "[data-stale='true']"
CHART = "[data-testid='stVegaLiteChart']"
# Every Vega-Lite chart on the page (whatever its layout) has an SVG with at least one drawn mark.
ALL_CHARTS_DRAWN_JS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
  .every((c) => c.querySelector("svg g.role-mark path, svg g.role-mark rect, svg g.role-mark line"))"""
# The epochs are four charts, one per panel, inside the container keyed `epoch_panels` (Streamlit gives
# it the class st-key-epoch_panels). `epochPanels()` lists them (empty until all four are there),
# `epochChart()` is that container (or undefined), `panelsOf(chart)` lists the panel groups of a
# concatenated Vega-Lite chart (concat_<row>_concat_<col>_group, as the Network tab draws), and
# `drawnLines(el)` the line paths with real geometry under an element.
JS_HELPERS = r"""
const panelsOf = (chart) => [...chart.querySelectorAll("svg g.mark-group")].filter(
  (g) => [...g.classList].some((c) => /^concat_\d+_concat_\d+_group$/.test(c)));
const epochPanels = () => {
  const found = [...document.querySelectorAll(".st-key-epoch_panels [data-testid='stVegaLiteChart']")];
  return found.length === 4 ? found : [];
};
const epochChart = () => epochPanels().length ? document.querySelector(".st-key-epoch_panels") : undefined;
const drawnLines = (el) => [...el.querySelectorAll("g.mark-line path")].filter(
  (p) => /^M[^Z]*L/.test(p.getAttribute("d") || ""));
const titlesOf = (el) => [...el.querySelectorAll("g.role-title-text text")].map((t) => t.textContent);
"""


def js(body: str) -> str:
    """A page function `(arg) => { body }` that can use the epoch-chart helpers above."""
    return f"(arg) => {{ {JS_HELPERS}\n{body} }}"


# Truthy (the page's performance.now(): ms since navigation start) once every panel of the epoch chart
# has a drawn title and at least one drawn line.
CHART_DRAWN_JS = js(
    """const panels = epochPanels();
  if (!panels.length) return false;
  const drawn = panels.every((g) => drawnLines(g).length > 0 && titlesOf(g).some((t) => t.trim()));
  return drawn ? performance.now() : false;"""
)


def assert_clean(page, page_log) -> None:
    """No Python exception on the page, no console error, no uncaught page error, no dialog
    (`page_log` is the browser tests' PageLog fixture)."""
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert page_log.console_errors == []
    assert page_log.page_errors == []
    assert page_log.dialogs == []


def environment_problem() -> str | None:
    """Why a browser test cannot run here, or None if Playwright and Chromium are both present."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"playwright is not importable ({error}); install requirements-dev.txt"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Debian's Chromium is missing at {CHROMIUM} (sudo apt-get install {CHROMIUM_PACKAGE})"
    return None


def cjk_font_problem() -> str | None:
    """Why Chromium would draw Chinese characters as empty boxes here, or None if fontconfig (what
    Chromium finds fonts with on Linux) lists a font for Chinese."""
    if shutil.which("fc-list") is None:
        return (
            "fontconfig's fc-list is not on PATH, so whether a font for Chinese is installed cannot be "
            f"told: sudo apt-get install fontconfig {CJK_FONT_PACKAGE}"
        )
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    if not listed.strip():
        return (
            "no font for Chinese is installed (`fc-list :lang=zh` lists none), so Chromium would draw "
            f"the Chinese page as empty boxes: sudo apt-get install {CJK_FONT_PACKAGE}"
        )
    return None


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_app(page: Page, query: str = "", timeout: float = APP_TIMEOUT_MS) -> None:
    """Navigate to the app (relative to the context's base_url) with an optional query string, and wait
    until the websocket is connected, the first script run has finished and no skeleton is left."""
    query = query.lstrip("?")
    page.goto("/" + (f"?{query}" if query else ""), timeout=timeout)
    wait_for_idle(page, timeout)


def wait_for_chart(page: Page, timeout: float = APP_TIMEOUT_MS) -> float:
    """Wait until the epoch chart is drawn; return when (ms after navigation start) it was first seen."""
    return page.wait_for_function(CHART_DRAWN_JS, polling="raf", timeout=timeout).json_value()


def wait_for_idle(page: Page, timeout: float = APP_TIMEOUT_MS) -> None:
    """Connected, no script running, and nothing left over from a run: no skeleton and no element
    Streamlit still marks stale (drawn faded until the run that follows a click has redrawn it; a
    click's rerun may not have started yet when the page first reads "not running")."""
    page.wait_for_selector(CONNECTED, state="attached", timeout=timeout)
    page.wait_for_selector(NOT_RUNNING, state="attached", timeout=timeout)
    page.wait_for_selector(SKELETON, state="detached", timeout=timeout)
    page.wait_for_selector(STALE, state="detached", timeout=timeout)
    page.wait_for_selector(NOT_RUNNING, state="attached", timeout=timeout)
