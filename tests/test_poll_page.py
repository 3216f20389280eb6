"""The class poll's pages (lossdemo/page/poll_view.py) through AppTest, on an SQLite store in a
temporary directory: a teacher starts a poll from the lesson, students join by the link the teacher's
page shows, answer, change an answer, the teacher reveals, moves on and closes; bad codes and tokens,
an outage and the page without a room. And each lesson question's right answer, derived here from
the engine's runs without the lesson's helpers."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pyarrow.ipc
import pytest
from apptest_helpers import open_page, spec_of
from poll_helpers import Clock
from sqlalchemy import update

from lossdemo import simulate_sigmoid, simulate_softmax, start_logits
from lossdemo.controls.presets import PRESETS, lesson_scenario
from lossdemo.controls.scenario import DEFAULT, runs
from lossdemo.language.messages import speaking
from lossdemo.page import poll_view
from lossdemo.page.cache import prepared_for
from lossdemo.polls import Question, open_store
from lossdemo.polls.schema import rooms
from lossdemo.teaching.lesson import STEPS
from lossdemo.teaching.questions import shown_losses
from tests.untranslated import english_words

DOWN = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"  # a database that does not answer


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory, monkeypatch):
    """Every test's polls in one SQLite file of its own module's temporary directory."""
    folder = tmp_path_factory.getbasetemp() / "poll-page"
    monkeypatch.setenv("LOSSDEMO_DATA_DIR", str(folder))
    monkeypatch.delenv("LOSSDEMO_DATABASE_URL", raising=False)
    return folder


# ---------------------------------------------------------------------------------------------
# Reading the pages


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def student_link(teacher) -> str:
    """The students' link the teacher's panel shows."""
    links = [c.value for c in teacher.code if "?room=" in c.value and "teacher=" not in c.value]
    assert len(links) == 1, links
    return links[0]


def query_of(link: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(link).query).items()}


def counts(teacher) -> dict[str, int]:
    """The projector's bars: choice words → count."""
    (chart,) = [
        el for el in teacher.get("vega_lite_chart") if "Answers per choice" in spec_of(el)["description"]
    ]
    bars = pyarrow.ipc.open_stream(io.BytesIO(chart.proto.data.data)).read_all().to_pylist()
    return {row["choice"]: row["count"] for row in bars}


def answered(teacher) -> str:
    return next(m.value for m in teacher.metric if m.label == "Answered")


def english_on(student) -> list[str]:
    """English words on a student's page (its texts, its choices and its buttons' labels)."""
    texts = [
        el.value for kind in ("markdown", "caption", "success", "info", "warning") for el in student.get(kind)
    ]
    texts += [option for radio in student.radio for option in radio.options]
    texts += [button.label for button in student.button]
    return [word for text in texts for word in english_words(text)]


def question(student) -> str:
    return next(m.value for m in student.markdown if m.value.startswith("#### "))[5:]


def send(student, choice: str):
    student.radio[0].set_value(choice).run()  # Send waits for a choice
    return student.button(key="poll_send").click().run()


def assert_clean(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


# ---------------------------------------------------------------------------------------------
# A lesson's poll from start to close


def test_a_class_polls_two_lesson_questions_each_student_in_their_language(monkeypatch):
    clock = Clock(datetime.now(UTC))  # stands still: a change within the second is refused
    monkeypatch.setattr(poll_view, "store", lambda: open_store(clock=clock))
    teacher = open_page({"lesson": "2", "present": "true"})
    teacher.button(key="poll_start").click().run()
    assert_clean(teacher)
    assert {"room", "teacher"} <= set(teacher.query_params)
    link = student_link(teacher)
    assert "teacher" not in query_of(link)
    english = open_page(query_of(link))
    chinese = open_page(query_of(link) | {"lang": "zh"})
    for student in (english, chinese):
        assert_clean(student)
        assert set(student.query_params) >= {"room", "student"}  # the student token survives a reload
        assert not student.get("vega_lite_chart") and not student.sidebar.children
    assert question(english) == "With the quadratic cost, which start halves its error for good first?"
    assert question(chinese) == "用二次代价时，哪个起点先把误差稳定地减半？"
    assert chinese.radio[0].options == ["略有偏差的起点", "错得离谱的起点", "差不多同时"]

    send(english, "bad")
    send(chinese, "mild")
    send(english, "mild")  # a change within a second waits, and is sent again a moment later
    assert warnings(english) == ["One answer a second, please: yours is sent again in a moment."]
    clock.advance(seconds=1)
    english.run()
    assert "Sent: **The mildly wrong start**" in english.success[0].value
    teacher.run()
    assert answered(teacher) == "2 of 2"
    assert counts(teacher) == {"The mildly wrong start": 2, "The badly wrong start": 0, "About the same": 0}

    teacher.button(key="poll_reveal").click().run()
    assert teacher.session_state["playing"]  # the replay starts
    assert counts(teacher)["✓ The mildly wrong start"] == 2
    assert any("**100%** got it right (2 of 2)" in m.value for m in teacher.markdown)
    chinese.run()
    assert chinese.success[0].value == "答案：**略有偏差的起点**"
    assert not english_on(chinese)
    assert not english.run().radio  # no more answers once revealed

    teacher.button(key="poll_next").click().run()
    assert teacher.session_state["lesson"] == 3  # the teacher's page follows the room
    english.run()
    chinese.run()
    assert question(english) == "Which loss halves the output error for good first?"
    assert chinese.radio[0].options == ["二次代价", "交叉熵", "差不多同时"]
    send(chinese, "cross_entropy")
    assert not english_on(chinese)
    teacher.run()
    assert answered(teacher) == "1 of 2"
    assert counts(teacher) == {"Quadratic": 0, "Cross-entropy": 1, "About the same": 0}

    teacher.button(key="poll_close").click().run()
    assert "room" not in teacher.query_params and "teacher" not in teacher.query_params
    assert not [b for b in teacher.button if b.key == "poll_reveal"]
    english.run()
    assert warnings(english) == ["The teacher has closed this poll."]
    assert_clean(english)


def test_a_poll_on_the_page_as_it_is_asks_which_shown_loss_halves_first():
    teacher = open_page({})
    teacher.button(key="poll_start").click().run()
    assert_clean(teacher)
    assert counts(teacher) == {
        "Quadratic": 0,
        "Cross-entropy": 0,
        "Two of them at about the same epoch": 0,
        "None of them within the run": 0,
    }
    assert [b.label for b in teacher.button if b.key == "poll_next"] == ["Ask again about the page now"]
    teacher.button(key="poll_reveal").click().run()
    assert "✓ Cross-entropy" in counts(teacher)


def test_a_page_that_does_not_compare_losses_from_one_start_cannot_be_asked_about():
    assert open_page({"losses": "Quadratic"}).button(key="poll_start").disabled


def starts(block) -> list[str]:
    """The Start a class poll buttons' help in `block` (the sidebar or the main column)."""
    return [b.help or "" for b in block.button if b.key == "poll_start"]


def test_the_poll_starts_in_the_sidebar_on_a_laptop_under_the_header_on_a_projector_and_in_a_steps_panel():
    """The compact header holds the title and the lesson's button only. Outside the lesson the poll
    starts under View in the sidebar, or, in presentation mode (no sidebar), in the page; on a lesson
    step in the step's panel, on the step's question. An exercise link has none."""
    laptop = open_page({})
    assert len(starts(laptop.sidebar)) == 1 and not starts(laptop.main)
    assert "which of the losses shown here halves its error first" in starts(laptop.sidebar)[0]
    projector = open_page({"present": "true"})
    assert len(starts(projector.main)) == 1 and not starts(projector.sidebar)
    for query in ({"lesson": "2"}, {"lesson": "2", "present": "true"}):
        step = open_page(query)
        assert starts(step.main) == [""] and not starts(step.sidebar), query
        step.button(key="poll_start").click().run()
        assert_clean(step)
        assert counts(step) == {"The mildly wrong start": 0, "The badly wrong start": 0, "About the same": 0}
    assert not starts(open_page({"lesson": "7"}).main)  # the network step asks nothing
    exercise = open_page({"preset": "badly_wrong", "lock": "losses"})
    assert not [b for b in exercise.button if b.key == "poll_start"]


# ---------------------------------------------------------------------------------------------
# Refusals: a readable warning in the page's language, never a traceback, nothing from the URL


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("<b>x</b>", "This link's room code is not a room code: check the link, or ask for the code."),
        ("ZZZZZZZ", "There is no such room: check the link, or ask your teacher for a new one."),
    ],
)
def test_a_bad_code_is_a_warning(code, message):
    student = open_page({"room": code})
    assert_clean(student)
    assert warnings(student) == [message]
    assert not student.radio


def new_room(clock=None) -> tuple[str, str]:
    question = Question("lesson-3", ("quadratic", "cross_entropy", "same"), "cross_entropy", {"step": 3})
    store = open_store(clock=clock) if clock else open_store()
    return store.create_room(question)


def test_an_expired_a_closed_and_a_full_room_and_a_wrong_token_are_warnings_in_the_pages_language():
    yesterday = datetime.now(UTC) - timedelta(hours=13)
    expired, _token = new_room(lambda: yesterday)
    assert warnings(open_page({"room": expired})) == [
        "This poll has ended: a room lasts 12 hours. Ask your teacher for a new link."
    ]
    closed, token = new_room()
    open_store().close(closed, token)
    assert warnings(open_page({"room": closed, "lang": "zh"})) == ["老师已经关闭了这次投票。"]
    full, _token = new_room()
    with open_store().engine.begin() as conn:
        conn.execute(update(rooms).where(rooms.c.code == full).values(joined=1000))
    assert warnings(open_page({"room": full})) == ["This room is full: no more students can join it."]
    room, _token = new_room()
    stranger = open_page({"room": room, "student": "not-a-token"})
    assert warnings(stranger) == ["This link's place in the room is not known to it: join again."]
    stranger.button(key="poll_rejoin").click().run()
    assert_clean(stranger)
    assert stranger.query_params["student"] != "not-a-token" and stranger.radio


def test_a_wrong_teacher_token_controls_nothing():
    room, token = new_room()
    student = open_page({"room": room})
    send(student, "quadratic")
    impostor = open_page({"room": room, "teacher": token[::-1], "lesson": "3"})
    impostor.button(key="poll_reveal").click().run()
    assert_clean(impostor)
    assert "This teacher link does not control the room: open the room's own teacher link." in warnings(
        impostor
    )
    assert not open_store().room(room).revealed


def test_an_outage_says_reconnecting_and_the_answer_sent_meanwhile_is_counted_when_it_is_back(monkeypatch):
    room, _token = new_room()
    student = open_page({"room": room})
    monkeypatch.setenv("LOSSDEMO_DATABASE_URL", DOWN)
    student.run()
    assert warnings(student) == ["The poll's database is not answering: reconnecting…"]
    assert_clean(student)
    monkeypatch.delenv("LOSSDEMO_DATABASE_URL")
    student.run()
    student.radio[0].set_value("quadratic").run()
    monkeypatch.setenv("LOSSDEMO_DATABASE_URL", DOWN)
    student.button(key="poll_send").click().run()
    assert "The poll's database is not answering: reconnecting…" in warnings(student)
    monkeypatch.delenv("LOSSDEMO_DATABASE_URL")
    student.run()  # the fragment's next poll sends it again
    assert open_store().tally(room, "lesson-3") == {"quadratic": 1, "cross_entropy": 0, "same": 0}


def test_a_page_without_a_room_opens_no_database(tmp_path, monkeypatch):
    monkeypatch.setenv("LOSSDEMO_DATA_DIR", str(tmp_path))
    page = open_page({"lesson": "2", "present": "true"})
    assert_clean(page)
    assert list(tmp_path.iterdir()) == []
    assert not [b for b in page.button if b.key == "poll_reveal"]


# ---------------------------------------------------------------------------------------------
# Right answers, derived from the engine's runs without the lesson's helpers


def halved_for_good(output: np.ndarray, optimum: float) -> int | None:
    """The first epoch from which |output − optimum| stays at most half its start."""
    error = np.abs(output - optimum)
    above = np.flatnonzero(error > error[0] / 2)
    last = int(above[-1]) if above.size else -1
    return None if last == len(error) - 1 else last + 1


def sigmoid_halved(loss: str, w: float, b: float, eta: float, epochs: int, optimizer: str = "gd"):
    return halved_for_good(
        simulate_sigmoid(loss, w, b, 1.0, 0.0, eta, epochs, optimizer)["a"].to_numpy(), 0.0
    )


def softmax_halved(loss: str, margin: float) -> int | None:
    run = simulate_softmax(loss, [[0.0]] * 3, start_logits(3, 0, margin), [1.0], 0, 0.15, 300)
    return halved_for_good(run["a_y"].to_numpy(), 1.0)


def first(a: int | None, b: int | None, names: tuple[str, str], same: str) -> str:
    """Which of two halving epochs is first (`same` within 10 % of the earlier)."""
    if a is not None and b is not None and abs(a - b) <= 0.1 * min(a, b):
        return same
    return names[0] if b is None or (a is not None and a < b) else names[1]


def test_each_lesson_questions_right_answer_is_what_the_steps_runs_say():
    quadratic_mild = sigmoid_halved("quadratic", 0.6, 0.9, 0.15, 300)
    quadratic_bad = sigmoid_halved("quadratic", 2.0, 2.0, 0.15, 300)
    slow = [sigmoid_halved(loss, 2.0, 2.0, 0.005, 1000) for loss in ("quadratic", "cross_entropy")]
    expected = {
        1: "under_20" if quadratic_mild < 20 else "20_to_99" if quadratic_mild < 100 else "100_or_more",
        2: first(quadratic_mild, quadratic_bad, ("mild", "bad"), "same"),
        3: first(
            quadratic_bad,
            sigmoid_halved("cross_entropy", 2.0, 2.0, 0.15, 300),
            ("quadratic", "cross_entropy"),
            "same",
        ),
        4: first(
            softmax_halved("quadratic", 5.0),
            softmax_halved("log_likelihood", 5.0),
            ("quadratic", "log_likelihood"),
            "same",
        ),
        5: {(True, True): "both", (False, True): "cross_entropy", (True, False): "quadratic"}.get(
            tuple(epoch is not None for epoch in slow), "neither"
        ),
        6: first(
            sigmoid_halved("quadratic", 2.0, 2.0, 0.15, 300, "adam"),
            quadratic_bad,
            ("sooner", "later"),
            "same",
        ),
    }
    asked = {}
    for number, step in enumerate(STEPS, start=1):
        if step.poll is None:
            continue
        frames = [
            runs(lesson_scenario(number)),
            *([runs(PRESETS[step.baseline].scenario)] if step.baseline else []),
        ]
        asked[number] = step.poll.right(*frames)
        assert asked[number] in step.poll.keys
    assert asked == expected
    assert expected == {
        1: "20_to_99",
        2: "mild",
        3: "cross_entropy",
        4: "log_likelihood",
        5: "cross_entropy",
        6: "sooner",
    }


def test_the_shown_losses_question_judges_each_loss_against_its_own_optimum():
    scenario = DEFAULT
    poll = shown_losses(scenario.neuron, scenario.losses)
    right = poll.right(prepared_for(scenario).frame, scenario.kind, scenario.start())
    assert right == first(
        *(sigmoid_halved(loss, 2.0, 2.0, 0.15, 300) for loss in scenario.losses), scenario.losses, "same"
    )
    with speaking("zh"):
        assert poll.text and all(word for _key, word in poll.choices)
