"""The page's layout on the screens it is used on: the charts on the first screen of a laptop or a
projector in the normal view, and on a phone no sideways scrolling, readable chart labels, the
replay in at most two rows and the first chart within two screens. Fixtures: see conftest.py."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from live import ALL_CHARTS_DRAWN_JS, assert_clean, js, open_app, wait_for_chart

pytestmark = pytest.mark.browser

# Where the epoch panels' drawn lines are, relative to the viewport and to the top of the main
# column's content (Streamlit scrolls inside stMain, not the document), and how wide the panels are.
PANELS_BOX_JS = js(
    """const main = document.querySelector("[data-testid='stMain']");
  const block = document.querySelector("[data-testid='stMainBlockContainer']").getBoundingClientRect();
  const panels = epochPanels().map((c) => c.getBoundingClientRect());
  const lines = epochPanels().flatMap((c) => drawnLines(c)).map((p) => p.getBoundingClientRect());
  return {
    linesTop: Math.min(...lines.map((r) => r.top)),
    contentTop: Math.min(...lines.map((r) => r.top)) + main.scrollTop,
    widths: panels.map((r) => r.width),
    blockWidth: block.width - parseFloat(getComputedStyle(
      document.querySelector("[data-testid='stMainBlockContainer']")).paddingLeft) * 2,
  };"""
)
# Font sizes (px, as drawn) of the epoch panels' axis labels and titles.
LABEL_SIZES_JS = js(
    """return epochPanels().flatMap((c) => [...c.querySelectorAll(
    "g.role-axis-label text, g.role-axis-title text")])
    .map((t) => parseFloat(getComputedStyle(t).fontSize));"""
)
SCROLL_WIDTH_JS = """() => ({
  document: document.documentElement.scrollWidth,
  main: document.querySelector("[data-testid='stMain']").scrollWidth,
  viewport: window.innerWidth})"""
# The distinct rows the replay's buttons and speed choice sit in: the row is aligned at the bottom
# (the speed choice has a label above it): bottom edges more than 8 px apart are different rows.
REPLAY_ROWS_JS = """() => [".st-key-play", ".st-key-back", ".st-key-forward", ".st-key-reset",
  ".st-key-speed"].map((s) => document.querySelector(s).getBoundingClientRect().bottom).sort((a, b) => a - b)
  .filter((bottom, i, all) => i === 0 || bottom - all[i - 1] > 8).length"""

DESKTOPS = [(1280, 720), (1440, 900), (1920, 1080)]
PHONES = [(390, 844), (360, 740)]


def new_page(browser, app_url, size):
    context = browser.new_context(base_url=app_url, viewport={"width": size[0], "height": size[1]})
    return context, context.new_page()


@contextmanager
def watched_page(browser, app_url, size, page_log):
    """A page of this size whose console errors go to `page_log`, closed afterwards."""
    context, page = new_page(browser, app_url, size)
    page.on("console", lambda m: page_log.console_errors.append(m.text) if m.type == "error" else None)
    try:
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("size", DESKTOPS, ids=[f"{w}x{h}" for w, h in DESKTOPS])
def test_the_normal_view_shows_the_charts_lines_on_the_first_screen_container_wide(browser, app_url, size):
    context, page = new_page(browser, app_url, size)
    try:
        open_app(page)
        wait_for_chart(page)
        box = page.evaluate(PANELS_BOX_JS)
        assert box["linesTop"] < size[1] - 20, f"the first lines are at y = {box['linesTop']:.0f}"
        # Two panels a row share the main column's width.
        assert all(width > 0.4 * box["blockWidth"] for width in box["widths"]), box
    finally:
        context.close()


# The top of each epoch panel's plot area: its highest grid line.
PLOT_TOPS_JS = js(
    """return epochPanels().map((c) => Math.min(...[...c.querySelectorAll("g.role-axis-grid line")]
    .map((l) => l.getBoundingClientRect().top)));"""
)


def test_on_a_laptop_with_the_sidebar_open_the_first_panels_plot_areas_start_in_the_top_450_px(
    browser, app_url
):
    """1280 × 720, the sidebar open: a compact header (title and the lesson's button in one row), so
    that the first row of panels shows whole on a laptop's or a projector's first screen."""
    context, page = new_page(browser, app_url, (1280, 720))
    try:
        open_app(page)
        wait_for_chart(page)
        assert page.get_by_test_id("stSidebar").is_visible()
        tops = page.evaluate(PLOT_TOPS_JS)
        assert len(tops) == 4 and max(tops[:2]) <= 450, tops
    finally:
        context.close()


# Chart titles and subtitles that Vega cut short to fit ("…" at the end): Streamlit gives a chart's
# own title a width limit (the chart's width less 40 px), so a panel's title must not be its own.
CUT_TITLES_JS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart'] g.role-title text")]
  .map((t) => t.textContent).filter((t) => t.endsWith("…"))"""


@pytest.mark.parametrize("neuron", ["sigmoid", "softmax"])
def test_in_presentation_mode_no_panel_title_or_subtitle_is_cut_short(browser, app_url, neuron, page_log):
    """Four panels a row at 1280 × 720, as narrow as they get on a projector."""
    with watched_page(browser, app_url, (1280, 720), page_log) as page:
        open_app(page, f"present=true&neuron={neuron}")
        page.wait_for_function(ALL_CHARTS_DRAWN_JS)
        assert page.evaluate(CUT_TITLES_JS) == []
        assert_clean(page, page_log)


@pytest.mark.parametrize("size", PHONES, ids=[f"{w}x{h}" for w, h in PHONES])
def test_on_a_phone_nothing_scrolls_sideways_and_the_first_chart_is_within_two_screens(
    browser, app_url, size, page_log
):
    with watched_page(browser, app_url, size, page_log) as page:
        open_app(page)
        wait_for_chart(page)
        widths = page.evaluate(SCROLL_WIDTH_JS)
        assert widths["document"] == widths["viewport"] and widths["main"] <= widths["viewport"], widths
        box = page.evaluate(PANELS_BOX_JS)
        assert box["contentTop"] < 2 * size[1], (
            f"the first chart's lines start {box['contentTop']:.0f} px down"
        )
        assert all(width > 0.85 * box["blockWidth"] for width in box["widths"]), box  # full width
        sizes = page.evaluate(LABEL_SIZES_JS)
        assert sizes and min(sizes) >= 11, sorted(sizes)[:5]
        assert page.evaluate(REPLAY_ROWS_JS) <= 2
        # The sidebar opens over the page and its controls fit the screen.
        page.get_by_test_id("stExpandSidebarButton").click()
        eta = page.get_by_test_id("stSidebar").get_by_role("slider", name="Learning rate η")
        eta.wait_for()
        page.wait_for_function(SIDEBAR_OPEN_JS)  # measured once it has slid in, not on its way
        slider = eta.bounding_box()
        assert slider["x"] >= 0 and slider["x"] + slider["width"] <= size[0], slider
        assert_clean(page, page_log)


# The sidebar has finished sliding in: no transition left running on it or inside it.
SIDEBAR_OPEN_JS = """() => {
  const bar = document.querySelector("[data-testid='stSidebar']");
  return bar !== null && bar.getAnimations({subtree: true}).length === 0
    && bar.getBoundingClientRect().left >= 0;
}"""


# Every chart and table of the main column, as wide as drawn, and the column's width.
CONTENT_WIDTHS_JS = """() => {
  const block = document.querySelector("[data-testid='stMainBlockContainer']");
  const inner = block.getBoundingClientRect().width - 2 * parseFloat(getComputedStyle(block).paddingLeft);
  const parts = [...block.querySelectorAll(
    "[data-testid='stVegaLiteChart'], [data-testid='stMarkdown'] table")];
  return {inner, widths: parts.map((e) => Math.max(e.scrollWidth, e.getBoundingClientRect().width))};
}"""


@pytest.mark.parametrize("size", PHONES, ids=[f"{w}x{h}" for w, h in PHONES])
def test_the_landscape_tab_fits_a_phone(browser, app_url, size, page_log):
    """Each loss's surface, its examples' outputs and slopes and its table at the inspected epoch
    stack in the phone's one column: nothing wider than the screen."""
    with watched_page(browser, app_url, size, page_log) as page:
        open_app(page, "view=Landscape&data_preset=overlapping&epoch=120")
        page.wait_for_function(ALL_CHARTS_DRAWN_JS)
        page.get_by_text("Every example at epoch 120.").wait_for()
        widths = page.evaluate(SCROLL_WIDTH_JS)
        assert widths["document"] == widths["viewport"] and widths["main"] <= widths["viewport"], widths
        content = page.evaluate(CONTENT_WIDTHS_JS)
        # Two surfaces, four panels of the examples' outputs and slopes, two tables at least.
        assert len(content["widths"]) >= 8, content
        assert max(content["widths"]) <= content["inner"] + 1, content
        assert_clean(page, page_log)


PROJECTORS = [(1280, 720), (1920, 1080)]
# The top of every cost surface's plot (its heatmap's image), relative to the viewport.
SURFACE_TOPS_JS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
  .filter((c) => c.querySelector("g.mark-image image"))
  .map((c) => c.querySelector("g.mark-image image").getBoundingClientRect().top)"""


@pytest.mark.parametrize("size", PROJECTORS, ids=[f"{w}x{h}" for w, h in PROJECTORS])
def test_on_a_projector_the_landscape_shows_its_surfaces_on_the_first_screen(
    browser, app_url, size, page_log
):
    with watched_page(browser, app_url, size, page_log) as page:
        open_app(page, "present=true&view=Landscape&data_preset=overlapping")
        page.wait_for_function(ALL_CHARTS_DRAWN_JS)
        tops = page.evaluate(SURFACE_TOPS_JS)
        assert len(tops) >= 2 and max(tops[:2]) < size[1] - 100, tops
        assert_clean(page, page_log)


# Every number card's label and value whose text is wider than its box (Streamlit cuts it with "…").
CUT_METRICS_JS = """() => [...document.querySelectorAll(
  "[data-testid='stMetricValue'], [data-testid='stMetricLabel']")].flatMap((metric) => {
  const box = metric.querySelector("[data-testid='stMarkdownContainer']");
  return box && box.scrollWidth > box.clientWidth + 1
    ? [`${metric.innerText.trim()} (${box.scrollWidth} px in ${box.clientWidth})`] : [];
})"""
ALL_SIGMOID_LOSSES = "losses=Quadratic&losses=Cross-entropy&losses=Focal&losses=Absolute+error"
ALL_SOFTMAX_LOSSES = (
    "neuron=softmax&losses=Log-likelihood&losses=Quadratic&losses=Focal&losses=Label+smoothing"
)
# Long numbers: every loss after 100,000 epochs at y = 1, where outputs read "1 − 3.3e-05", costs
# "8.02e-06" and a slow loss "not yet"; an η far too large ("unstable"); the Chinese labels.
LONG_NUMBERS = [
    f"{ALL_SIGMOID_LOSSES}&epochs=100000&epoch=100000&y=1",
    f"{ALL_SIGMOID_LOSSES}&epochs=100000&epoch=100000&y=1&lang=zh",
    f"{ALL_SOFTMAX_LOSSES}&epochs=100000&epoch=100000",
    "eta=10&y=0.5&epochs=1000&epoch=1000",
]


# A laptop's page in both modes, and a phone's presentation mode with its large live numbers; on a
# phone's normal page every card has the screen's whole width (the columns stack).
@pytest.mark.parametrize(
    ("size", "present"),
    [((1280, 720), False), ((1280, 720), True), ((390, 844), True)],
    ids=["1280x720-normal", "1280x720-presentation", "390x844-presentation"],
)
def test_every_number_card_shows_its_whole_label_and_value(browser, app_url, size, present, page_log):
    """The summary cards (normal view) and the live numbers (presentation mode) with the longest
    numbers the controls make: Streamlit cuts a metric too wide for its column to "0.00…". On the
    Loss shape tab: the cards are the same under every tab, and its one chart is drawn sooner than
    four panels of four losses' 100,000 epochs."""
    with watched_page(browser, app_url, size, page_log) as page:
        for query in LONG_NUMBERS:
            open_app(page, f"{query}&view=Loss+shape" + ("&present=true" if present else ""))
            page.wait_for_function(ALL_CHARTS_DRAWN_JS)
            assert page.get_by_test_id("stMetricValue").count() >= 6, query
            assert page.evaluate(CUT_METRICS_JS) == [], query
        assert_clean(page, page_log)


# Every formula on show wider than its box (it would scroll inside it, cut at the box's edge).
# KaTeX's display box measures 2 px wider than the box it fits in: more than 3 px is a cut.
CUT_FORMULAS_JS = """() => [...document.querySelectorAll(".katex-display")]
  .filter((e) => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 3)
  .map((e) => `${e.innerText.replace(/\\s+/g, " ").slice(0, 40)}… (${e.scrollWidth} px)`)"""


@pytest.mark.parametrize("losses", [ALL_SIGMOID_LOSSES, ALL_SOFTMAX_LOSSES], ids=["sigmoid", "softmax"])
def test_every_losss_formulas_fit_a_laptops_page(browser, app_url, losses, page_log):
    """Curves (each loss's C and ∂C/∂z, the chain rule at the inspected epoch) and Up close (the
    chain rule) with every loss of the neuron at 1280 × 720: focal's chain rule once ran 1,177 px
    wide in a 791 px column, and four losses' formulas side by side 339-1,115 px in 185."""
    with watched_page(browser, app_url, (1280, 720), page_log) as page:
        for view in ("Curves", "Up+close"):
            open_app(page, f"{losses}&view={view}")
            page.wait_for_function(ALL_CHARTS_DRAWN_JS)
            assert page.locator(".katex-display").count() >= 4, view
            assert page.evaluate(CUT_FORMULAS_JS) == [], view
        assert_clean(page, page_log)
