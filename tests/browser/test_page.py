"""The page in a real browser: it loads, draws the epoch chart, reacts to the sidebar, keeps the URL
in sync, opens shared links, and neutralises hostile links. Fixtures: see conftest.py."""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest
from live import assert_clean, js, open_app, wait_for_chart, wait_for_idle

pytestmark = pytest.mark.browser

PANELS_JS = js(
    """return epochPanels().map(
    (g) => ({title: titlesOf(g).join(" "), lines: drawnLines(g).length}));"""
)
LINE_PATHS_JS = js(
    """const chart = epochChart();
  return chart ? drawnLines(chart).map((p) => p.getAttribute("d")).join("|") : "";"""
)
ALT_JS = js(
    """const chart = epochPanels()[0];
  return {role: chart.getAttribute("role"), label: chart.getAttribute("aria-label"), count:
    document.querySelectorAll("[data-testid='stVegaLiteChart'][role='graphics-document']").length};"""
)
METRICS_JS = "() => [...document.querySelectorAll(\"[data-testid='stMetricValue']\")].map(e => e.textContent)"
XSS_MARK = "lossdemo-xss-probe"


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def slider_value(page, label: str) -> str | None:
    return sidebar(page).get_by_role("slider", name=label).get_attribute("aria-valuetext")


def inspected_epoch(page) -> str | None:
    return (
        page.get_by_test_id("stMain")
        .get_by_role("slider", name="Epoch to inspect")
        .get_attribute("aria-valuetext")
    )


def neuron_button(page, neuron: str):
    """The neuron segmented control's option (an ARIA radio), named after its kind ("Softmax layer")."""
    return sidebar(page).get_by_role("radio", name=re.compile(rf"^\s*{neuron}\b", re.IGNORECASE))


def neuron_checked(page, neuron: str) -> bool:
    return neuron_button(page, neuron).get_attribute("aria-checked") == "true"


def chart_state(page) -> tuple[str, list[str]]:
    return page.evaluate(LINE_PATHS_JS), page.evaluate(METRICS_JS)


def wait_for_new_chart(page, before: tuple[str, list[str]]) -> None:
    """Wait until the rerun triggered by an interaction has drawn different lines, then until idle."""
    page.wait_for_function(
        f"(old) => {{ const now = ({LINE_PATHS_JS})(); return now.length > 0 && now !== old; }}",
        arg=before[0],
        polling="raf",
    )
    wait_for_idle(page)
    wait_for_chart(page)


def load(page, timings, query: str = "") -> None:
    """Open the app like `live.open_app`, and also measure first paint: navigation start → the epoch
    chart's SVG drawn (polled every animation frame). Recorded for the terminal summary, never asserted."""
    cold = timings.pages_opened == 1 and not any(line.startswith("first paint") for line in timings.lines)
    started = time.perf_counter()
    page.goto("/" + (f"?{query}" if query else ""))
    painted_ms = wait_for_chart(page)
    wait_for_idle(page)
    finished = time.perf_counter() - started
    wait_for_chart(page)
    timings.record(
        f"first paint{' (first page of the session)' if cold else ''}: chart drawn {painted_ms / 1000:.2f} s "
        f"after navigation start; run finished {finished:.2f} s after page.goto"
        + (f" [?{query[:40]}]" if query else "")
    )


def test_page_loads_and_draws_the_four_panel_chart(page, page_log, timings):
    load(page, timings)
    assert page.get_by_test_id("stMain").get_by_role("heading").first.inner_text().strip()

    panels = page.evaluate(PANELS_JS)
    assert len(panels) == 4, panels
    for panel in panels:
        assert panel["title"].strip(), f"a panel without a drawn title: {panels}"
        assert panel["lines"] >= 1, f"a panel without drawn lines: {panels}"
    titles = [p["title"] for p in panels]
    assert any(t.startswith("Cost") for t in titles), titles
    assert any("Gradient" in t for t in titles), titles
    # Default scenario: two losses, one line each; the gradient panel draws two quantities per loss.
    assert sorted(p["lines"] for p in panels) == [2, 2, 2, 4], panels
    assert page.get_by_test_id("stMetricValue").count() >= 2

    # The alt text: Streamlit 1.67 puts role="graphics-document" and aria-label on the
    # [data-testid='stVegaLiteChart'] element itself, one per chart on the page.
    found = page.evaluate(ALT_JS)
    assert found["role"] == "graphics-document"
    assert found["count"] == page.get_by_test_id("stVegaLiteChart").count()
    label = found["label"] or ""
    assert len(label) >= 40, label
    assert "cost" in label.lower() and "gradient" in label.lower(), label
    assert_clean(page, page_log)


def test_learning_rate_slider_rerenders_and_writes_the_url(page, page_log, timings):
    load(page, timings)
    assert "eta=" not in page.url  # the default is not written into the URL
    assert slider_value(page, "Learning rate η") == "0.15"
    before = chart_state(page)

    thumb = sidebar(page).get_by_role("slider", name="Learning rate η")
    thumb.focus()
    started = time.perf_counter()
    thumb.press("ArrowRight")
    wait_for_new_chart(page, before)
    rerun = time.perf_counter() - started
    timings.record(f"rerun after a slider key press: new chart drawn in {rerun:.2f} s")

    assert slider_value(page, "Learning rate η") == "0.2"
    # The arrow key moved the focused slider only, not the page's "Right" shortcut (Step).
    assert inspected_epoch(page) == "0"
    after = chart_state(page)
    assert after[0] != before[0]
    assert after[1] != before[1], "the metric values did not change with the learning rate"
    page.wait_for_url(re.compile(r"[?&]eta=0\.2(&|$)"))
    assert_clean(page, page_log)


def test_softmax_segmented_control_switches_the_neuron(page, page_log, timings):
    load(page, timings)
    before = chart_state(page)

    neuron_button(page, "softmax").click()
    wait_for_new_chart(page, before)

    assert neuron_checked(page, "softmax")
    assert not neuron_checked(page, "sigmoid")
    assert sidebar(page).get_by_role("slider", name="Start margin").count() == 1
    titles = [p["title"] for p in page.evaluate(PANELS_JS)]
    assert any("Target probability" in t for t in titles), titles
    page.wait_for_url(re.compile(r"[?&]neuron=softmax(&|$)", re.IGNORECASE))
    assert_clean(page, page_log)


def test_choosing_a_preset_sets_the_controls(page, page_log, timings):
    load(page, timings)
    before = chart_state(page)

    sidebar(page).get_by_role("combobox", name="Preset scenario").click()
    page.get_by_role("option", name=re.compile(r"^Slightly wrong")).click()
    wait_for_new_chart(page, before)

    assert slider_value(page, "Initial weight w") == "0.60"
    assert slider_value(page, "Initial bias b") == "0.90"
    assert chart_state(page)[1] != before[1]
    page.wait_for_url(re.compile(r"[?&]b=0\.9(&|$)"))
    wait_for_idle(page)
    assert_clean(page, page_log)
    # The URL names the preset by its key, as the page's own links do, never by its label.
    query = urllib.parse.urlsplit(page.url).query
    expected = {"preset": ["slightly_wrong"], "w": ["0.6"], "b": ["0.9"]}
    assert urllib.parse.parse_qs(query) == expected, page.url

    # A link copied now opens the same scenario, with the preset named and no warning.
    load(page, timings, query)
    assert slider_value(page, "Initial weight w") == "0.60"
    assert slider_value(page, "Initial bias b") == "0.90"
    chosen = sidebar(page).get_by_role("combobox", name="Preset scenario").input_value()
    assert chosen.startswith("Slightly wrong"), chosen
    assert page.get_by_test_id("stAlert").count() == 0, page.get_by_test_id("stAlert").first.inner_text()
    assert_clean(page, page_log)


def test_the_lesson_starts_and_page_down_goes_to_the_next_step(page, page_log, timings):
    load(page, timings)
    page.get_by_role("button", name="Start the lesson").click()
    page.wait_for_url(re.compile(r"[?&]lesson=1(&|$)"))
    wait_for_idle(page)
    assert slider_value(page, "Initial weight w") == "0.60"  # step 1: the book's mildly wrong start
    page.keyboard.press("PageDown")  # a presentation clicker's "next"
    page.wait_for_url(re.compile(r"[?&]lesson=2(&|$)"))
    wait_for_idle(page)
    assert slider_value(page, "Initial weight w") == "2.00"  # step 2: the badly wrong start
    assert page.get_by_role("tab", name="Up close", selected=True).count() == 1
    assert_clean(page, page_log)


def test_shared_link_opens_with_its_values(page, page_log, timings):
    load(page, timings, "neuron=softmax&margin=6&eta=0.5")
    assert neuron_checked(page, "softmax")
    assert slider_value(page, "Start margin") == "6.00"
    assert slider_value(page, "Learning rate η") == "0.5"
    assert page.get_by_test_id("stAlert").count() == 0, page.get_by_test_id("stAlert").first.inner_text()
    assert_clean(page, page_log)


def test_script_payloads_in_a_link_are_shown_as_a_warning_and_never_run(page, page_log, timings):
    script = f"<script>alert('{XSS_MARK}');window.__xss=1</script>"
    image = f"<img src=x onerror=\"alert('{XSS_MARK}');window.__xss=1\">"
    query = urllib.parse.urlencode([("neuron", "softmax"), ("margin", script), (script, "1"), ("eta", image)])
    load(page, timings, query)

    warning = page.get_by_test_id("stAlert").filter(has=page.get_by_test_id("stAlertContentWarning"))
    assert warning.count() == 1
    text = warning.inner_text()
    assert "ignored" in text and "margin" in text and "eta" in text, text
    assert "<" not in text, text

    assert XSS_MARK not in page.content()
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x'], [onerror]").count() == 0
    inline_scripts = page.evaluate("() => [...document.scripts].filter(s => !s.src).map(s => s.textContent)")
    assert not [s for s in inline_scripts if "xss" in s or "alert" in s], inline_scripts
    assert "script" not in urllib.parse.unquote(page.url).lower(), page.url
    assert_clean(page, page_log)


def test_link_copied_from_the_address_bar_opens_without_warnings(page, page_log, timings):
    load(page, timings)
    before = chart_state(page)
    neuron_button(page, "softmax").click()
    wait_for_new_chart(page, before)
    thumb = sidebar(page).get_by_role("slider", name="Learning rate η")
    thumb.focus()
    before = chart_state(page)
    thumb.press("ArrowRight")
    wait_for_new_chart(page, before)
    page.wait_for_url(re.compile(r"[?&]eta="))
    shared, metrics = page.url, chart_state(page)[1]

    open_app(page, urllib.parse.urlsplit(shared).query)
    wait_for_chart(page)
    assert page.get_by_test_id("stAlert").count() == 0, page.get_by_test_id("stAlert").first.inner_text()
    assert neuron_checked(page, "softmax")
    assert slider_value(page, "Learning rate η") == "0.2"
    assert chart_state(page)[1] == metrics
    assert_clean(page, page_log)


def test_preset_link_applies_the_preset(page, page_log, timings):
    load(page, timings, "preset=slightly_wrong")
    assert slider_value(page, "Initial weight w") == "0.60"
    assert slider_value(page, "Initial bias b") == "0.90"
    assert_clean(page, page_log)
