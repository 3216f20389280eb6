"""The Chinese page in a real browser: its glyphs are drawn (not the empty boxes of a missing
font), the switch changes the language and the URL, and a link copied from a Chinese page's address
bar, with options chosen by name, opens again without a warning."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from live import ALL_CHARTS_DRAWN_JS, assert_clean, open_app, wait_for_chart, wait_for_idle

from tests.untranslated import english_words

pytestmark = pytest.mark.browser

TITLE_ZH = "为什么代价函数决定了神经元学习的快慢"

# The text the page draws, charts' SVG text included (axis labels, legends, titles), without what is
# not words: icons (drawn from the ligature names they hold), formulas (KaTeX), style sheets, and
# Streamlit's own "Skip to main content" link, which the page cannot translate.
SHOWN_TEXT_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']").cloneNode(true);
  const notWords = "[data-testid^='stIcon'], [data-testid='stExpanderIcon'], .katex, style, script, "
    + "[data-testid='stSkipToContent']";
  app.querySelectorAll(notWords).forEach((e) => e.remove());
  app.querySelectorAll("*").forEach((e) => e.append(" "));  // words of adjacent elements stay apart
  return app.textContent;
}"""

# Two different characters drawn in the page's heading font: with no font for them both are the
# same empty box (and so is a code point no font has).
GLYPHS_DIFFER_JS = r"""() => {
  const heading = document.querySelector("[data-testid='stHeading'] h2, h1, h2");
  const family = getComputedStyle(heading).fontFamily;
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 40;
  const g = canvas.getContext("2d");
  const drawn = (ch) => {
    g.clearRect(0, 0, 64, 40); g.font = `32px ${family}`; g.fillText(ch, 2, 34);
    return Array.from(g.getImageData(0, 0, 64, 40).data).join(",");
  };
  const a = drawn("代"), b = drawn("价"), none = drawn("\u{10FFFD}");
  return a !== b && a !== none && b !== none;
}"""


DOCUMENT_LANG_JS = "() => document.documentElement.lang"


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def heading(page) -> str:
    """The page's title (the sidebar has headings of its own)."""
    return page.get_by_test_id("stMain").get_by_test_id("stHeading").first.inner_text()


def test_the_chinese_page_draws_chinese_glyphs(cjk_font, page, page_log):
    open_app(page, "lang=zh")
    wait_for_chart(page)
    assert heading(page).strip() == TITLE_ZH
    assert page.evaluate(GLYPHS_DIFFER_JS), "Chinese characters are drawn as empty boxes: no CJK font"
    assert page.title().startswith("lossdemo：")
    page.wait_for_function(f"() => ({DOCUMENT_LANG_JS})() === 'zh-CN'")
    assert_clean(page, page_log)


@pytest.mark.parametrize(
    "query", ["lang=zh", "lang=zh&view=Up+close", "lang=zh&neuron=softmax&view=Loss+shape"]
)
def test_a_chinese_page_as_drawn_shows_no_english_word(page, page_log, query):
    """What the browser draws, charts' SVG text included (axis labels, legends, titles)."""
    open_app(page, query)
    page.wait_for_function(ALL_CHARTS_DRAWN_JS)
    assert english_words(page.evaluate(SHOWN_TEXT_JS)) == []
    assert_clean(page, page_log)


def test_the_switch_changes_the_language_the_documents_language_and_the_link(page, page_log):
    """The document's <html lang> follows too (screen readers, CJK fonts, the browser's offer to
    translate): Streamlit's own is always "en"."""
    open_app(page, "eta=0.5")
    wait_for_chart(page)
    page.wait_for_function(f"() => ({DOCUMENT_LANG_JS})() === 'en'")
    sidebar(page).get_by_role("radio", name="中文").click()
    page.wait_for_url(re.compile(r"[?&]lang=zh(&|$)"))
    wait_for_idle(page)
    assert heading(page).strip() == TITLE_ZH
    page.wait_for_function(f"() => ({DOCUMENT_LANG_JS})() === 'zh-CN'")
    assert "eta=0.5" in page.url  # every other setting stays
    sidebar(page).get_by_role("radio", name="English").click()
    page.wait_for_url(lambda url: "lang=" not in url)  # English is this browser's language
    wait_for_idle(page)
    assert "Why the loss decides" in heading(page)
    page.wait_for_function(f"() => ({DOCUMENT_LANG_JS})() === 'en'")
    assert_clean(page, page_log)


def test_a_link_copied_from_a_chinese_address_bar_opens_again_without_warnings(page, page_log):
    """Options shown by name (optimizer, losses) go to the URL as the link spells them, not as the
    page's language names them."""
    open_app(page, "lang=zh")
    wait_for_chart(page)
    sidebar(page).get_by_role("radio", name="动量").click()
    page.wait_for_url(re.compile(r"[?&]optimizer=momentum(&|$)"))
    wait_for_idle(page)
    sidebar(page).get_by_role("button", name="焦点损失").click()
    page.wait_for_url(re.compile(r"[?&]losses=Focal(&|$)"))
    wait_for_idle(page)
    copied = urllib.parse.urlsplit(page.url).query
    open_app(page, copied)
    wait_for_chart(page)
    assert page.get_by_test_id("stAlert").count() == 0, page.get_by_test_id("stAlert").first.inner_text()
    assert sidebar(page).get_by_role("radio", name="动量").get_attribute("aria-checked") == "true"
    assert urllib.parse.urlsplit(page.url).query == copied
    assert_clean(page, page_log)


# While a replay plays only fragments rerun, each in a thread of its own: the progress bar's text is
# written by such a rerun, so an epoch past 0 there is a fragment's own words.
PROGRESS_JS = """() => [...document.querySelectorAll("[data-testid='stProgress']")]
  .map((p) => p.textContent).join('|')"""


def test_a_replay_speaks_chinese_in_every_frame(page, page_log):
    open_app(page, "lang=zh&speed=4")
    wait_for_chart(page)
    page.locator(".st-key-play button").first.click()
    page.wait_for_function(f"() => /第 [1-9][0-9,]* 个迭代期/.test(({PROGRESS_JS})())", timeout=15_000)
    assert "At epoch" not in page.get_by_test_id("stMain").inner_text()
    assert "代价函数" in page.get_by_test_id("stMain").inner_text()  # the live numbers' table
    page.locator(".st-key-play button").first.click()  # pause
    wait_for_idle(page)
    assert_clean(page, page_log)
