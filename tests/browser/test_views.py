"""What only a browser shows of the other views: KaTeX and the σ path, the heatmaps and a
click on a cell, the replay moving the drawn cursor, and presentation mode."""

from __future__ import annotations

import re

import pytest
from live import ALL_CHARTS_DRAWN_JS, assert_clean, open_app, wait_for_chart, wait_for_idle
from playwright.sync_api import expect

from lossdemo.charts.landscape import PHONE_SIZE

pytestmark = pytest.mark.browser

CHARTS = "[data-testid='stVegaLiteChart']"
RECT_COUNT_JS = "(el) => el.querySelectorAll('g.mark-rect path').length"
# The inspected-epoch rules of the epoch chart, as drawn: their labels and positions.
CURSOR_JS = """() => [...document.querySelectorAll("line[aria-label*='inspected epoch']")]
  .map((line) => line.getAttribute('aria-label') + ' @ ' + line.getAttribute('transform')).join('|')"""
# Where the live numbers are: "At epoch N of M", in a caption or, while playing, a progress bar.
NUMBERS_JS = """() => [...document.querySelectorAll(
  "[data-testid='stCaptionContainer'], [data-testid='stProgress']")]
  .map((c) => c.textContent).find((t) => t.includes("At epoch")) || ''"""
# A surface's heatmap image: its pixels across and down, and its size on the page.
IMAGE_JS = """async (el) => {
  const drawn = el.querySelector('g.mark-image image');
  const image = new Image();
  image.src = drawn.getAttribute('href');
  await image.decode();
  const box = drawn.getBoundingClientRect();
  return [image.naturalWidth, image.naturalHeight, Math.round(box.width), Math.round(box.height)];
}"""
LINES_WIDTH_JS = """(el) => Math.max(0, ...[...el.querySelectorAll('g.mark-line path')].map(
  (p) => p.getBBox().width))"""
TITLES_JS = "(el) => [...el.querySelectorAll('g.role-title-text text')].map((t) => t.textContent)"


def open_view(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_for_idle(page)


def test_up_close_renders_the_chain_rule_with_katex_and_draws_the_sigma_path(page, page_log):
    open_app(page, "epoch=40")
    open_view(page, "Up close")
    katex = page.locator(".katex:visible")
    katex.first.wait_for()
    assert katex.count() >= 2
    assert "0.0" in page.get_by_test_id("stMain").inner_text()
    sigma = page.locator(CHARTS).filter(has=page.locator("g.mark-symbol"))
    sigma.first.wait_for()
    assert sigma.first.locator("g.mark-line path").count() >= 2, "σ and σ′ curves drawn"
    assert "✓ yes" in page.get_by_test_id("stMain").inner_text()
    assert_clean(page, page_log)


def test_the_speed_map_draws_both_heatmaps_and_a_click_loads_that_cell(page, page_log):
    open_app(page, "w=2&b=2")
    open_view(page, "Speed map")
    heatmap = page.locator(CHARTS).filter(has=page.locator("g.mark-rect"))
    heatmap.first.wait_for()
    page.wait_for_function(f'() => document.querySelector("{CHARTS} g.mark-rect path") !== null')
    assert heatmap.first.evaluate(RECT_COUNT_JS) > 1000, "two maps of cells"
    titles = heatmap.first.evaluate(TITLES_JS)
    assert "Quadratic" in titles and "Cross-entropy" in titles
    cell = heatmap.first.locator("g.mark-rect path").nth(300)  # a cell of the first map
    cell.scroll_into_view_if_needed()
    cell.click(force=True)
    page.wait_for_url(re.compile(r"[?&]b=-?\d"))
    wait_for_idle(page)
    assert "b=2&" not in page.url + "&"
    assert_clean(page, page_log)


def test_replay_moves_the_cursor_in_the_browser_the_numbers_follow_and_pause_keeps_the_epoch(page, page_log):
    """Also: the learning rate moved up and down in turn while the replay plays, so each move returns
    to a page whose charts the browser holds and the server sends them as references, while the
    replay's fragment runs age what the browser holds four times a second: none may be missing
    ("Cached ForwardMsg MISS" stops the page; .streamlit/config.toml)."""
    open_app(page, "speed=4")
    wait_for_chart(page)
    cursor, numbers = page.evaluate(CURSOR_JS), page.evaluate(NUMBERS_JS)
    assert "At epoch 0 of" in numbers
    page.locator(".st-key-play button").first.click()
    seen = [cursor]
    for _ in range(4):  # a Vega timer in the page moves the cursor ten times a second
        page.wait_for_function(f"(seen) => !seen.includes(({CURSOR_JS})())", arg=seen, timeout=5_000)
        seen.append(page.evaluate(CURSOR_JS))
    page.wait_for_function(f"(old) => ({NUMBERS_JS})() !== old", arg=numbers, timeout=5_000)
    eta = page.get_by_test_id("stSidebar").get_by_role("slider", name="Learning rate η")
    for index in range(8):
        page.wait_for_timeout(150 + 50 * (index % 5))  # one or two of the replay's frames in between
        eta.focus()
        page.keyboard.press("ArrowLeft" if index % 2 else "ArrowRight")
    wait_for_idle(page)
    page.locator(".st-key-play button").first.click()  # pause
    wait_for_idle(page)
    page.wait_for_url(re.compile(r"[?&]epoch=\d+"))
    epoch = int(re.search(r"[?&]epoch=(\d+)", page.url).group(1))
    assert 0 < epoch <= 300
    page.wait_for_function(f"() => ({NUMBERS_JS})().includes('At epoch {epoch} of')")
    page.wait_for_function(f"() => ({CURSOR_JS})().includes('inspected epoch: {epoch} ')")
    assert "MISS" not in page.content()
    assert_clean(page, page_log)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_presentation_mode_hides_the_sidebar_and_shows_large_live_numbers(browser, app_url, size):
    context = browser.new_context(base_url=app_url, viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        open_app(page, "present=true&epoch=60")
        page.locator(CHARTS).first.wait_for()
        assert not page.get_by_test_id("stSidebar").is_visible()
        values = page.get_by_test_id("stMetricValue")
        assert values.count() == 8  # output, cost, gradient and slope for each of the two losses
        font = values.first.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
        assert font >= 40, f"live numbers are {font}px"
        assert page.locator(".st-key-play button").first.is_visible()
        charts = page.locator(CHARTS)
        assert charts.count() == 4
        for index in range(4):
            box = charts.nth(index).bounding_box()
            assert box["x"] + box["width"] <= size[0], "every panel fits the screen's width"
            # and draws its lines across most of it (a long subtitle once squeezed a plot to 3 px)
            drawn = charts.nth(index).evaluate(LINES_WIDTH_JS)
            assert drawn > 0.5 * box["width"], (
                f"panel {index}: lines span {drawn:.0f} of {box['width']:.0f} px"
            )
    finally:
        context.close()


# The chart each lesson step talks about: the epoch panels, the σ curve (Up close), the network's.
STEP_CHARTS = {1: "Curves", 2: "Up close", 3: "Curves", 4: "Curves", 5: "Curves", 6: "Curves", 7: "Network"}


def test_the_lesson_runs_end_to_end_in_presentation_mode_with_each_steps_chart_on_screen(browser, app_url):
    width, height = 1280, 720
    context = browser.new_context(base_url=app_url, viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_app(page, "lesson=1&present=true")
        for number, view in STEP_CHARTS.items():
            if number > 1:
                page.keyboard.press("PageDown")  # a presentation clicker's "next"
                page.wait_for_url(re.compile(rf"[?&]lesson={number}(&|$)"))
                wait_for_idle(page)
            # The step's view is selected once the step's run has reached the browser: wait for it.
            page.get_by_role("tab", name=view, selected=True).wait_for()
            wait_for_idle(page)
            assert page.get_by_role("tab", name=view, selected=True).count() == 1, number
            chart = page.get_by_role("tabpanel").locator(CHARTS).first
            chart.locator("svg").first.wait_for()
            box = chart.bounding_box()
            assert page.evaluate("() => window.scrollY") == 0
            # The chart starts on the first screen, and most of it (of the network's 2 × 2 grid of
            # panels, its first row) is there too.
            assert height - box["y"] >= min(0.6 * box["height"], 300), f"step {number}: chart at {box}"
            assert page.get_by_text(f"Lesson, step {number} of {len(STEP_CHARTS)}").count() == 1
        assert page.get_by_role("button", name=re.compile("^Next")).is_disabled()
    finally:
        context.close()


def test_the_landscape_draws_each_losss_surface_with_the_runs_path(page, page_log):
    open_app(page, "view=Landscape&data_preset=plateau")
    page.wait_for_function(ALL_CHARTS_DRAWN_JS)
    surfaces = page.locator(CHARTS).filter(has_text="cost C(w, b)")
    assert surfaces.count() == 2, "a surface per loss"
    for number, loss in enumerate(("Quadratic", "Cross-entropy")):
        surface = surfaces.nth(number)
        width, height, *box = surface.evaluate(IMAGE_JS)
        assert width >= 101 and height >= 101, "a pixel per grid point of a 101 × 101 window"
        assert box == [PHONE_SIZE, PHONE_SIZE], "the image fills the square plot"
        assert surface.evaluate(RECT_COUNT_JS) >= 51 * 51, "every other grid point takes hover and click"
        titles = surface.evaluate(TITLES_JS)
        assert any(t.startswith(f"{loss}: cost C(w, b)") for t in titles), titles
        assert surface.evaluate(LINES_WIDTH_JS) > 0, "the run's path is drawn on its surface"
    # The cells over the image are invisible but show a grid point's numbers and take its click.
    image = surfaces.first.locator("g.mark-image image")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    point = (box["x"] + box["width"] / 3, box["y"] + box["height"] / 3)
    page.mouse.move(*point)
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("cost C")
    before = page.url
    page.mouse.click(*point)
    page.wait_for_url(lambda url: url != before and "w=" in url and "b=" in url)  # the start loaded
    wait_for_idle(page)
    slopes = page.locator(CHARTS).filter(has_text="each example's σ′(z)")
    assert slopes.count() == 2 and all(slopes.nth(i).evaluate(LINES_WIDTH_JS) > 0 for i in range(2))
    for title in ("Mean cost", "Gradient size"):  # the data set's curves over the epochs
        curves = page.locator(CHARTS).filter(has_text=title)
        assert curves.count() == 1 and curves.first.evaluate(LINES_WIDTH_JS) > 0, title
    text = page.get_by_test_id("stMain").inner_text()
    assert "of this window has |∇C| < 0.001" in text and "Over the epochs." in text
    assert_clean(page, page_log)
