"""A class poll in real browsers: one teacher and twelve students' phones through two lesson
questions (`python -m tools.loadtest.poll` takes 150 phones through one, over the protocol). The
students join by the link the teacher's page shows (one of them on a Chinese phone), answer, some
change their answer, the teacher reveals and moves on, and the projector's counts are checked
against what was sent."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from live import APP_TIMEOUT_MS, assert_clean, open_app, wait_for_idle

pytestmark = pytest.mark.browser

STUDENTS = 12
PHONE = {"width": 390, "height": 844}
CHINESE = 3  # the student whose phone is set to Chinese
LIVE_MS = 10_000  # the projector and the phones poll every 2 s: well within this
# The projector's bars: the count drawn at the end of each bar, in the question's order.
BARS_JS = """() => [...document.querySelectorAll(
  ".st-key-poll_panel [data-testid='stVegaLiteChart'] svg g.mark-text.role-mark text")]
  .map((t) => t.textContent)"""


def phones(browser, count: int) -> list:
    """`count` phone pages, one of them set to Chinese. Each page is a session of its own (Streamlit's
    sessions are its pages' connections), so the English ones share a context and its cache."""
    contexts = {locale: browser.new_context(viewport=PHONE, locale=locale) for locale in ("en-US", "zh-CN")}
    pages = [contexts["zh-CN" if student == CHINESE else "en-US"].new_page() for student in range(count)]
    for page in pages:
        page.set_default_timeout(APP_TIMEOUT_MS)
    return pages


def answer(pages: list, choices: dict[int, int]) -> None:
    """Students (index → choice's position) pick their choice and press Send, all at once: each
    click is made on every page before waiting for any page. The clicks are forced: Playwright's
    wait for a stable element needs animation frames, which Chromium gives only the page in front."""
    for student, choice in choices.items():
        pages[student].get_by_test_id("stRadioGroup").locator("label").nth(choice).click(force=True)
    for student in choices:
        pages[student].locator(".st-key-poll_send button:not([disabled])").click(force=True)
    for student in choices:
        pages[student].get_by_test_id("stAlertContentSuccess").wait_for(timeout=LIVE_MS)


def projector_shows(teacher, answered: str, bars: list[int]) -> None:
    """Wait until the teacher's panel says `answered` (e.g. "12 of 12") and draws bars of these
    counts, in the question's order."""
    teacher.get_by_test_id("stMetricValue").filter(has_text=answered).wait_for(timeout=LIVE_MS)
    wanted = [str(count) for count in bars]
    deadline = time.monotonic() + LIVE_MS / 1000
    while (drawn := teacher.evaluate(BARS_JS)) != wanted and time.monotonic() < deadline:
        teacher.wait_for_timeout(100)
    assert drawn == wanted


def test_a_teacher_and_twelve_phones_through_two_questions(browser, app_url, page, page_log, timings):
    started = time.perf_counter()
    teacher = page
    open_app(teacher, "lesson=2")
    teacher.get_by_role("button", name="Start a class poll").click()
    link = teacher.locator(".st-key-poll_panel [data-testid='stCode'] code").first
    link.wait_for()
    assert "room=" in link.inner_text() and "teacher" not in link.inner_text()
    students = phones(browser, STUDENTS)
    for student in students:
        student.goto(link.inner_text(), wait_until="commit")
    for student in students:
        wait_for_idle(student)
        student.get_by_test_id("stRadioGroup").wait_for()
    assert "用二次代价时，哪个起点先把误差稳定地减半？" in students[CHINESE].inner_text("body")
    teacher.get_by_test_id("stMetricValue").filter(has_text=f"0 of {STUDENTS}").wait_for(timeout=LIVE_MS)
    timings.record(f"poll: {STUDENTS} phones joined after {time.perf_counter() - started:.1f} s")

    # Question 1 (step 2): the mildly wrong start, the badly wrong one, about the same.
    first = {student: student % 3 for student in range(STUDENTS)}
    answer(students, first)
    changed = {student: (choice + 1) % 3 for student, choice in first.items() if student % 5 == 0}
    answer(students, changed)  # within a second of their first: sent again a moment later
    final = Counter((first | changed).values())
    projector_shows(teacher, f"{STUDENTS} of {STUDENTS}", [final[choice] for choice in range(3)])
    teacher.get_by_role("button", name="Reveal").click()
    right = f"{final[0] / STUDENTS:.0%}"
    teacher.get_by_text(f"{right} got it right ({final[0]} of {STUDENTS})").wait_for(timeout=LIVE_MS)
    students[CHINESE].get_by_text("答案：略有偏差的起点").wait_for(timeout=LIVE_MS)
    timings.record(f"poll: question 1 revealed after {time.perf_counter() - started:.1f} s")

    # Question 2 (step 3): the phones follow the teacher's Next.
    teacher.get_by_role("button", name="Next: step 3").click()
    for student in students:
        student.get_by_test_id("stRadioGroup").locator("label").nth(2).wait_for(timeout=LIVE_MS)
    assert "交叉熵" in students[CHINESE].inner_text("body")
    second = {student: 1 for student in range(STUDENTS) if student % 4}  # three in four: cross-entropy
    answer(students, second)
    projector_shows(
        teacher,
        f"{len(second)} of {STUDENTS}",
        [0, len(second), 0],  # quadratic, cross-entropy, about the same
    )
    timings.record(f"poll: two questions, {STUDENTS} phones, in {time.perf_counter() - started:.1f} s")
    for student in students:
        assert student.get_by_test_id("stException").count() == 0
    for context in {student.context for student in students}:
        context.close()
    assert_clean(teacher, page_log)
