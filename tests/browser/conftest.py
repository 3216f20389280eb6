"""Browser-test harness: one live `streamlit run app.py` and one headless Debian Chromium for all the
browser tests, a fresh browser context per test. The server comes from `tools.server`, the browser
from `live.py` (both shared with `python -m tools.screenshots`).

Without Playwright or /usr/bin/chromium the browser tests are skipped, and so is a test that needs a
font for Chinese where fontconfig lists none, except when CI=true: then they fail, so CI can never pass
by silently skipping them."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # `import live` here and in the tests
    sys.path.insert(0, str(HERE))

import live  # noqa: E402

from tools.server import REPO_ROOT, streamlit_server  # noqa: E402

ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            # One pytest-xdist worker runs every browser test (`--dist loadgroup`, pyproject.toml),
            # so the suite starts one server and one Chromium, not one per worker.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


@dataclass
class Timings:
    """Numbers the browser tests measure; printed in pytest's terminal summary, never asserted on."""

    lines: list[str] = field(default_factory=list)
    pages_opened: int = 0

    def record(self, text: str) -> None:
        self.lines.append(text)
        print(text)


TIMINGS = Timings()


def pytest_terminal_summary(terminalreporter) -> None:
    if TIMINGS.lines:
        terminalreporter.section("browser timings (informational)")
        for line in TIMINGS.lines:
            terminalreporter.write_line(line)


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. CI=true, so browser tests fail instead of being skipped.", pytrace=False)
    pytest.skip(reason)


AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"  # package.json; `npm ci` installs it


@pytest.fixture(scope="session")
def axe_script(browser_environment) -> Path:
    """axe-core's accessibility engine, to inject into the page."""
    if not AXE.is_file():
        skip_or_fail(f"axe-core is missing at {AXE} (run `npm ci` in the repository)")
    return AXE


@pytest.fixture(scope="session")
def cjk_font() -> None:
    """A font for Chinese that Chromium can find. Ask for it before `page`: then the check comes first,
    whether Chromium is there or not, and the page is never opened without the font."""
    problem = live.cjk_font_problem()
    if problem:
        skip_or_fail(problem)


@pytest.fixture(scope="session")
def timings() -> Timings:
    return TIMINGS


@pytest.fixture(scope="session")
def browser_environment() -> None:
    problem = live.environment_problem()
    if problem:
        skip_or_fail(problem)


# Package scope, not session: tests/browser is a package, so these end right after its last test.
# A live Playwright sync session registers a running asyncio loop, and asyncio.run() elsewhere fails.
@pytest.fixture(scope="package")
def browser(browser_environment):
    with live.chromium() as browser:
        yield browser


@pytest.fixture(scope="package")
def app_url(browser_environment, timings: Timings, tmp_path_factory) -> Iterator[str]:
    """The live page; its class polls in an SQLite file of a temporary directory."""
    started = time.perf_counter()
    polls = {"LOSSDEMO_DATA_DIR": str(tmp_path_factory.mktemp("polls")), "LOSSDEMO_DATABASE_URL": ""}
    with streamlit_server(env=polls) as (url, _pid):
        timings.record(f"streamlit server healthy after {time.perf_counter() - started:.2f} s")
        yield url


@dataclass
class PageLog:
    """What went wrong in the page: console errors, uncaught page errors and any dialog (dismissed)."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, app_url: str, page_log: PageLog, timings: Timings, request: pytest.FixtureRequest):
    """A fresh context (viewport 1400×1000, base_url = the live app) and page that records errors."""
    context = browser.new_context(base_url=app_url, viewport=live.VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(live.APP_TIMEOUT_MS)

    def on_console(message) -> None:
        if message.type == "error":
            where = message.location
            page_log.console_errors.append(f"{message.text} ({where.get('url')}:{where.get('lineNumber')})")

    def on_dialog(dialog) -> None:
        page_log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    timings.pages_opened += 1
    try:
        yield page
    finally:
        if request.node.stash.get(FAILED, False):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"{request.node.name}.png"
            try:
                page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot of the failed page: {shot}")
            except Exception as error:  # a crashed page must not hide the test's own failure
                print(f"could not take a screenshot of the failed page: {error}")
        context.close()
