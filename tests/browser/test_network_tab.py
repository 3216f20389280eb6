"""The Network tab in a browser: a link opens it, its 2×2 chart draws a line per loss in each
panel and the digits are drawn; a control writes its URL parameter. Page times are recorded."""

from __future__ import annotations

import re
import time

import pytest
from live import js, open_app, wait_for_idle
from test_page import assert_clean

pytestmark = pytest.mark.browser

# Per panel of the Network tab's 2×2 chart (found by its first panel's title): its title and how
# many lines are drawn; and how many pixels the digits chart draws.
NETWORK_JS = js(
    """const chart = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].find(
    (c) => titlesOf(c).some((t) => t.startsWith("Accuracy on digits")));
  if (!chart) return null;
  const digits = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].find(
    (c) => titlesOf(c).some((t) => t.includes("test digits")));
  return {panels: panelsOf(chart).map((g) => ({title: titlesOf(g)[0], lines: drawnLines(g).length})),
          pixels: digits ? digits.querySelectorAll("g.mark-rect path").length : 0};"""
)


def drawn(page) -> dict:
    """Wait until the chart has four panels with lines and the 12 digits' 768 pixels are drawn."""
    page.wait_for_function(
        f"""() => {{ const s = ({NETWORK_JS})();
        return s && s.panels.length === 4 && s.panels.every((p) => p.lines > 0) && s.pixels >= 768; }}""",
        timeout=120_000,
    )
    return page.evaluate(NETWORK_JS)


def test_a_link_opens_the_network_tab_and_draws_its_charts(page, page_log, timings):
    started = time.perf_counter()
    open_app(page, "view=Network&net_epochs=5", timeout=120_000)
    shown = drawn(page)
    first = time.perf_counter() - started
    assert shown["panels"][0]["title"] == "Accuracy on digits it never trained on"
    assert shown["panels"][0]["lines"] >= 6, "test and training accuracy of each of the three losses"
    assert all(p["lines"] >= 3 for p in shown["panels"]), "a line per loss in every panel"
    assert "After epoch 1 the test accuracy is" in page.get_by_test_id("stMain").inner_text()
    started = time.perf_counter()
    page.reload()
    wait_for_idle(page)
    drawn(page)
    timings.record(
        f"Network tab (net_epochs=5): charts drawn {first:.2f} s after page.goto (training), "
        f"{time.perf_counter() - started:.2f} s after a reload (cached)"
    )
    assert_clean(page, page_log)


def test_a_network_control_writes_its_url_parameter(page, page_log):
    open_app(page, "view=Network&net_epochs=5&net_hidden=10", timeout=120_000)
    drawn(page)
    page.get_by_test_id("stMain").get_by_role("radio", name=re.compile(r"^\s*large\s*$")).click()
    page.wait_for_url(re.compile(r"[?&]net_init=large"))
    wait_for_idle(page, 120_000)
    drawn(page)
    assert "view=Network" in page.url
    assert_clean(page, page_log)
