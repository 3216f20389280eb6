"""Accessibility in a real browser: axe-core (Deque's engine, the one browsers' audits use) finds
no critical or serious violation on any view, and the replay works from the keyboard alone."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from live import ALL_CHARTS_DRAWN_JS, assert_clean, open_app, wait_for_chart, wait_for_idle

pytestmark = pytest.mark.browser

# Each violation of impact critical or serious, with the elements it was found on.
AXE_RUN_JS = r"""() => axe.run().then((result) => result.violations
  .filter((v) => v.impact === "critical" || v.impact === "serious")
  .map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map(
    (n) => `    ${n.target.join(" ")}: ${n.failureSummary.replace(/\n\s*/g, " ")}`).join("\n")))"""


@pytest.mark.parametrize(
    ("query", "tab"),
    [
        ("", None),
        ("", "Up close"),
        ("", "Loss shape"),
        ("", "Speed map"),
        ("data_preset=outlier", "Landscape"),
        ("", "Network"),
        ("optimizer=adam", None),
        ("present=true", None),
        ("hide=eta&lock=losses", None),
        ("lang=zh", None),
        ("lang=zh&view=Up+close", None),
    ],
    ids=[
        "curves",
        "up-close",
        "loss-shape",
        "speed-map",
        "landscape",
        "network",
        "adam",
        "presentation",
        "exercise",
        "chinese",
        "chinese-up-close",
    ],
)
def test_axe_finds_no_critical_or_serious_violation(page, page_log, axe_script, query, tab):
    open_app(page, query)
    if tab:
        page.get_by_role("tab", name=tab).click()
        # The tab's run writes its view to the URL: until then the page is idle but not yet redrawn.
        page.wait_for_url(re.compile(rf"[?&]view={re.escape(urllib.parse.quote_plus(tab))}(&|$)"))
        wait_for_idle(page)
    page.wait_for_function(ALL_CHARTS_DRAWN_JS)
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(AXE_RUN_JS)
    assert violations == [], "\n".join(violations)
    assert_clean(page, page_log)


def test_the_replay_steps_and_resets_from_the_keyboard_alone(page, page_log):
    open_app(page)
    wait_for_chart(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"[?&]epoch=1(&|$)"))
    wait_for_idle(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"[?&]epoch=2(&|$)"))
    wait_for_idle(page)
    page.keyboard.press("Home")
    page.wait_for_url(lambda url: "epoch=" not in url)
    assert_clean(page, page_log)
