"""The poll store (lossdemo/polls) against both of its databases: SQLite in a temporary directory and
a real PostgreSQL server the session starts (tests/postgres.py). No mocks: every test runs the SQL.

Tests share one database per backend and keep apart by their own rooms; those that look at the
whole database (migration, purge) get an empty one. The store's clock is a `Clock` the test moves,
so the one-second and twelve-hour rules are tested at their boundaries without sleeping."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import multiprocessing
import sqlite3
import sys
import threading
import types
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import postgres
import pytest
from poll_helpers import START, STEP_2, STEP_3, Clock, answer_as_a_group, final_choice
from sqlalchemy import Engine, func, inspect, select, update

from lossdemo.polls import MAX_STUDENTS, PollError, Question, codes, open_store, schema
from lossdemo.polls import store as store_module
from lossdemo.polls.codes import ALPHABET, CODE_LENGTH
from lossdemo.polls.database import database_url, new_engine
from lossdemo.polls.schema import metadata, migrate, schema_version

MICROSECOND = timedelta(microseconds=1)


@pytest.fixture(scope="session")
def postgres_server():
    with postgres.running_server() as server:
        yield server


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def fresh_url(backend, tmp_path, request) -> str:
    """An empty database of the backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'polls.sqlite3'}"
    return request.getfixturevalue("postgres_server").new_database("fresh")


@pytest.fixture(scope="session")
def url(backend, tmp_path_factory, request) -> str:
    """The backend's database the tests share."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('polls') / 'polls.sqlite3'}"
    return request.getfixturevalue("postgres_server").new_database("shared")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(url, clock):
    return open_store(url, clock=clock)


@contextlib.contextmanager
def refused(reason: str, *words: str) -> Iterator[None]:
    """The block raises a PollError for `reason` whose message names each of `words`."""
    with pytest.raises(PollError) as raised:
        yield
    assert raised.value.reason == reason, str(raised.value)
    for word in words:
        assert word in str(raised.value), (word, str(raised.value))


@pytest.fixture
def engines() -> Iterator[Callable[[str], Engine]]:
    """Makes engines of the store's set-up (not the process's shared one), disposed after the test."""
    made: list[Engine] = []

    def make(url: str) -> Engine:
        made.append(new_engine(url))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


def rows_of_room(engine: Engine, code: str) -> dict[str, int]:
    """How many rows each table holds for room `code`."""
    with engine.connect() as conn:
        return {
            table.name: conn.scalar(select(func.count()).select_from(table).where(table.c[column] == code))
            for table, column in (
                (schema.rooms, "code"),
                (schema.questions, "room_code"),
                (schema.students, "room_code"),
                (schema.answers, "room_code"),
            )
        }


# A poll as the page runs it


def test_a_poll_from_start_to_close(store, clock):
    code, teacher = store.create_room(STEP_2)
    students = [store.join(code) for _ in range(3)]
    room = store.room(code)
    assert (room.code, room.question_id, room.payload, room.choices) == (
        code,
        "lesson-2",
        {"kind": "lesson", "step": 2},
        ("mild", "bad", "same"),
    )
    assert (room.revealed, room.right_choice, room.joined) == (False, None, 3)
    assert room.expires_at == START + timedelta(hours=12)

    for token, choice in zip(students, ["bad", "bad", "mild"]):
        store.answer(code, token, "lesson-2", choice)
    assert store.tally(code, "lesson-2") == {"mild": 1, "bad": 2, "same": 0}
    clock.advance(seconds=1)
    store.answer(code, students[0], "lesson-2", "mild")
    assert store.tally(code, "lesson-2") == {"mild": 2, "bad": 1, "same": 0}

    store.reveal(code, teacher)
    room = store.room(code)
    assert (room.revealed, room.right_choice) == (True, "mild")

    store.next_question(code, teacher, STEP_3)
    room = store.room(code)
    assert (room.question_id, room.choices, room.revealed, room.right_choice, room.joined) == (
        "lesson-3",
        ("quadratic", "cross_entropy"),
        False,
        None,
        3,
    )
    store.answer(code, students[1], "lesson-3", "quadratic")
    assert store.tally(code, "lesson-3") == {"quadratic": 1, "cross_entropy": 0}
    assert store.tally(code, "lesson-2") == {"mild": 2, "bad": 1, "same": 0}

    store.close(code, teacher)
    clock.advance(seconds=1)
    calls = [
        lambda: store.room(code),
        lambda: store.join(code),
        lambda: store.answer(code, students[2], "lesson-3", "quadratic"),
        lambda: store.answer_of(code, students[1], "lesson-3"),
        lambda: store.tally(code, "lesson-3"),
        lambda: store.reveal(code, teacher),
        lambda: store.next_question(code, teacher, Question("lesson-4", ("a", "b"), "a")),
        lambda: store.close(code, teacher),
    ]
    for call in calls:
        with refused("closed", code):
            call()


def test_each_student_has_one_answer_a_question_and_a_change_replaces_it(store, clock):
    code, _ = store.create_room(STEP_2)
    one, two, three = (store.join(code) for _ in range(3))
    for choice in ["bad", "same", "mild", "same"]:
        store.answer(code, one, "lesson-2", choice)
        clock.advance(seconds=1)
    store.answer(code, two, "lesson-2", "bad")
    assert store.tally(code, "lesson-2") == {"mild": 0, "bad": 1, "same": 1}
    assert [store.answer_of(code, token, "lesson-2") for token in (one, two, three)] == ["same", "bad", None]


def test_an_answer_no_longer_changes_once_revealed(store, clock):
    code, teacher = store.create_room(STEP_2)
    one, two = store.join(code), store.join(code)
    store.answer(code, one, "lesson-2", "bad")
    store.reveal(code, teacher)
    store.reveal(code, teacher)  # a second press changes nothing
    clock.advance(seconds=5)
    for token in (one, two):
        with refused("revealed", "lesson-2"):
            store.answer(code, token, "lesson-2", "mild")
    assert store.tally(code, "lesson-2") == {"mild": 0, "bad": 1, "same": 0}
    assert store.answer_of(code, one, "lesson-2") == "bad"


@pytest.mark.parametrize("choice", ["quadratic", "Mild", "mild ", "", None, 0, ["mild"]])
def test_a_choice_the_question_does_not_offer_is_refused(store, choice):
    code, _ = store.create_room(STEP_2)
    token = store.join(code)
    with refused("not_a_choice", "'mild', 'bad', 'same'"):
        store.answer(code, token, "lesson-2", choice)
    assert store.tally(code, "lesson-2") == {"mild": 0, "bad": 0, "same": 0}
    # At the same instant: the refused answer did not count as the student's answer of this second.
    store.answer(code, token, "lesson-2", "same")
    assert store.tally(code, "lesson-2") == {"mild": 0, "bad": 0, "same": 1}


def test_an_answer_to_another_question_than_the_rooms_is_refused(store, clock):
    code, teacher = store.create_room(STEP_2)
    token = store.join(code)
    store.next_question(code, teacher, STEP_3)
    for stale in ["lesson-2", "lesson-9", None]:
        with refused("other_question", "lesson-3"):
            store.answer(code, token, stale, "mild")
        clock.advance(seconds=1)
    with refused("other_question", "lesson-9"):
        store.tally(code, "lesson-9")


def test_a_student_answers_at_most_once_a_second(store, clock):
    code, _ = store.create_room(STEP_2)
    one, two = store.join(code), store.join(code)
    store.answer(code, one, "lesson-2", "bad")
    clock.advance(seconds=1, microseconds=-1)
    with refused("too_fast", "second"):
        store.answer(code, one, "lesson-2", "mild")
    store.answer(code, two, "lesson-2", "mild")  # another student at the same instant
    assert store.tally(code, "lesson-2") == {"mild": 1, "bad": 1, "same": 0}
    clock.advance(microseconds=1)  # one second after the first answer (the refused one does not count)
    store.answer(code, one, "lesson-2", "mild")
    with refused("too_fast"):
        store.answer(code, one, "lesson-2", "same")
    assert store.tally(code, "lesson-2") == {"mild": 2, "bad": 0, "same": 0}


def test_a_room_admits_its_limit_of_students_and_refuses_the_next(url, clock):
    store = open_store(url, clock=clock, max_students=3)
    code, _ = store.create_room(STEP_2)
    other, _ = store.create_room(STEP_2)
    for _ in range(3):
        store.join(code)
    with refused("full", code, "3 students"):
        store.join(code)
    assert store.room(code).joined == 3
    store.join(other)
    assert store.room(other).joined == 1


def test_the_limit_is_1000_students_by_default(store):
    assert store.max_students == MAX_STUDENTS == 1000
    code, _ = store.create_room(STEP_2)
    for _ in range(1000):
        store.join(code)
    with refused("full", "1,000 students"):
        store.join(code)
    assert store.room(code).joined == 1000


def test_a_room_expires_exactly_12_hours_after_it_was_created(store, clock):
    code, teacher = store.create_room(STEP_2)
    token = store.join(code)
    clock.now = START + timedelta(hours=12) - MICROSECOND
    assert store.room(code).expires_at == START + timedelta(hours=12)
    store.answer(code, token, "lesson-2", "bad")
    store.join(code)
    assert store.tally(code, "lesson-2") == {"mild": 0, "bad": 1, "same": 0}
    store.reveal(code, teacher)

    clock.now = START + timedelta(hours=12)
    calls = [
        lambda: store.room(code),
        lambda: store.join(code),
        lambda: store.answer(code, token, "lesson-2", "mild"),
        lambda: store.answer_of(code, token, "lesson-2"),
        lambda: store.tally(code, "lesson-2"),
        lambda: store.reveal(code, teacher),
        lambda: store.next_question(code, teacher, STEP_3),
        lambda: store.close(code, teacher),
    ]
    for call in calls:
        with refused("expired", code, "new code"):
            call()


def test_expired_rooms_are_deleted_with_all_their_rows(fresh_url, clock):
    store = open_store(fresh_url, clock=clock)
    old, _ = store.create_room(STEP_2)
    store.answer(old, store.join(old), "lesson-2", "bad")
    clock.advance(hours=1)
    young, _ = store.create_room(STEP_2)
    store.answer(young, store.join(young), "lesson-2", "bad")
    everything = {"poll_rooms": 1, "poll_questions": 1, "poll_students": 1, "poll_answers": 1}
    nothing = dict.fromkeys(everything, 0)

    clock.now = START + timedelta(hours=12) - MICROSECOND
    assert store.purge_expired() == 0
    clock.advance(microseconds=1)
    assert store.purge_expired() == 1
    assert rows_of_room(store.engine, old) == nothing
    assert rows_of_room(store.engine, young) == everything

    clock.advance(hours=1)
    store.create_room(STEP_3)  # a new room deletes the expired ones too
    assert rows_of_room(store.engine, young) == nothing
    with refused("unknown_room", young):
        store.room(young)


# Who may do what


def test_only_the_rooms_teacher_token_reveals_moves_on_or_closes(store):
    code, teacher = store.create_room(STEP_2)
    _, other_teacher = store.create_room(STEP_2)
    student = store.join(code)
    wrong = [other_teacher, student, teacher[:-1], teacher.upper(), "", None]
    for token in wrong:
        for call in (store.reveal, store.close, lambda code, token: store.next_question(code, token, STEP_3)):
            with refused("wrong_token", code):
                call(code, token)
    room = store.room(code)
    assert (room.question_id, room.revealed) == ("lesson-2", False)
    store.reveal(code, teacher)
    store.next_question(code, teacher, STEP_3)
    store.close(code, teacher)


def test_a_student_token_answers_only_in_its_own_room(store):
    code, teacher = store.create_room(STEP_2)
    other, _ = store.create_room(STEP_2)
    for token in [store.join(other), teacher, "", None]:
        with refused("unknown_student", code, "join"):
            store.answer(code, token, "lesson-2", "mild")
        with refused("unknown_student", code):
            store.answer_of(code, token, "lesson-2")
    assert store.tally(code, "lesson-2") == {"mild": 0, "bad": 0, "same": 0}


def test_the_right_choice_is_not_in_a_students_read_before_reveal(store):
    question = Question("q", ("up", "down", "flat"), "flat", {"kind": "page"})
    code, teacher = store.create_room(question)
    before = store.room(code)
    assert before.right_choice is None and not before.revealed
    assert "flat" not in repr(dataclasses.replace(before, choices=()))
    store.reveal(code, teacher)
    assert store.room(code).right_choice == "flat"


def test_the_database_keeps_hashes_of_tokens_not_the_tokens(fresh_url):
    store = open_store(fresh_url)
    code, teacher = store.create_room(STEP_2)
    student = store.join(code)
    store.answer(code, student, "lesson-2", "bad")
    with store.engine.connect() as conn:
        dump = repr([conn.execute(select(table)).all() for table in metadata.sorted_tables])
    for token in (teacher, student):
        assert token not in dump
        assert hashlib.sha256(token.encode()).hexdigest() in dump


def test_codes_and_tokens_are_random_enough(store):
    assert len(ALPHABET) ** CODE_LENGTH >= 2**30
    assert not set("0O1IL") & set(ALPHABET) and len(set(ALPHABET)) == len(ALPHABET)
    made = [store.create_room(STEP_2) for _ in range(20)]
    assert len({code for code, _ in made}) == len({teacher for _, teacher in made}) == 20
    for code, teacher in made:
        assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
        assert len(base64.urlsafe_b64decode(teacher + "==")) >= 16
        assert len(base64.urlsafe_b64decode(store.join(code) + "==")) >= 16


def test_a_code_a_live_room_has_is_drawn_again(store, monkeypatch):
    code, teacher = store.create_room(STEP_2)
    fresh = codes.new_room_code()
    draws = iter([code, code, fresh])
    monkeypatch.setattr(store_module, "new_room_code", lambda: next(draws))
    assert store.create_room(STEP_3).code == fresh
    assert store.room(code).question_id == "lesson-2"
    store.reveal(code, teacher)


# Bad input: one error class, a message saying what is accepted


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ABCDEF",
        "ABCDEFGH",
        "ABCDEF0",
        "ABCDEFO",
        "ABCDEF1",
        "ABCDEFI",
        "abcdefl",
        "ABC?DEF",
        None,
        1234567,
    ],
)
def test_a_malformed_code_is_refused_naming_the_letters_a_code_has(store, typed):
    for call in (store.room, store.join):
        with refused("malformed_code", "7 letters and digits", ALPHABET):
            call(typed)


def test_a_code_is_read_in_any_case_with_spaces_or_dashes(store):
    code, _ = store.create_room(STEP_2)
    for typed in [code.lower(), f" {code[:3]} {code[3:].lower()}\n", f"{code[:3]}-{code[3:]}"]:
        assert store.room(typed).code == code
        store.join(typed)
    assert store.room(code).joined == 3


def test_an_unknown_code_is_refused(store):
    with refused("unknown_room", "There is no room 2345678"):
        store.room("2345678")


def test_a_question_id_is_used_once_a_room(store):
    code, teacher = store.create_room(STEP_2)
    store.next_question(code, teacher, STEP_3)
    with refused("bad_question", "lesson-2"):
        store.next_question(code, teacher, Question("lesson-2", ("x", "y"), "x"))
    assert store.room(code).question_id == "lesson-3"
    with refused("bad_question", "Question"):
        store.create_room({"id": "q", "choices": ["a", "b"], "right_choice": "a"})


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"id": ""}, "question id"),
        ({"id": "x" * 65}, "question id"),
        ({"id": 3}, "question id"),
        ({"choices": ("a",), "right_choice": "a"}, "2 to 12"),
        ({"choices": tuple("abcdefghijklm")}, "2 to 12"),
        ({"choices": "ab"}, "2 to 12"),
        ({"choices": ("a", "a")}, "differ"),
        ({"choices": ("a", "")}, "choice"),
        ({"choices": ("a", 2)}, "choice"),
        ({"right_choice": "c"}, "right choice"),
        ({"payload": {"x": float("nan")}}, "JSON"),
        ({"payload": {"x": object()}}, "JSON"),
        ({"payload": ["a list"]}, "JSON object"),
        ({"payload": {"text": "x" * 4000}}, "4,000"),
    ],
)
def test_a_question_that_is_not_valid_is_refused(fields, words):
    with refused("bad_question", words):
        Question(**{"id": "q", "choices": ("a", "b"), "right_choice": "a"} | fields)


# The database: where it is, its schema version


def test_the_default_database_is_an_sqlite_file_in_wal_mode_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("LOSSDEMO_DATABASE_URL", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path}/.local/share/lossdemo/polls.sqlite3"
    monkeypatch.setenv("LOSSDEMO_DATA_DIR", str(tmp_path / "not" / "yet"))
    store = open_store()
    code, _ = store.create_room(STEP_2)
    assert open_store().engine is store.engine
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    with contextlib.closing(sqlite3.connect(tmp_path / "not" / "yet" / "polls.sqlite3")) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT code FROM poll_rooms").fetchall() == [(code,)]


def test_a_postgresql_url_without_a_driver_gets_psycopg():
    assert database_url("postgresql://teacher:secret@db:5432/polls") == (
        "postgresql+psycopg://teacher:secret@db:5432/polls"
    )


def test_lossdemo_database_url_names_the_database(url, tmp_path, monkeypatch):
    monkeypatch.setenv("LOSSDEMO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOSSDEMO_DATABASE_URL", url)
    code, _ = open_store().create_room(STEP_2)
    assert open_store(url).room(code).question_id == "lesson-2"
    assert list(tmp_path.iterdir()) == []


def test_the_migration_runs_again_safely(fresh_url, engines):
    store = open_store(fresh_url)
    code, _ = store.create_room(STEP_2)
    for engine in (store.engine, engines(fresh_url)):
        migrate(engine)
    with store.engine.connect() as conn:
        assert conn.execute(select(schema_version)).all() == [(1, 1)]
    assert store.room(code).question_id == "lesson-2"


def test_processes_starting_at_once_migrate_once(fresh_url, engines):
    starters = [engines(fresh_url) for _ in range(4)]
    barrier = threading.Barrier(len(starters))

    def start(engine):
        barrier.wait(timeout=30)
        migrate(engine)

    with ThreadPoolExecutor(len(starters)) as pool:
        list(pool.map(start, starters))
    with starters[0].connect() as conn:
        assert conn.execute(select(schema_version)).all() == [(1, 1)]
    assert set(inspect(starters[0]).get_table_names()) == set(metadata.tables)


def test_new_sqlite_files_started_by_many_at_once_all_switch_to_wal(tmp_path, engines):
    """Switching a new SQLite file to WAL mode takes a lock that SQLite does not wait for: the
    starters that lose the race must try again, not fail with "database is locked" (lost in about
    one start of four in seven, so twenty new files)."""

    def start(engine, barrier):
        barrier.wait(timeout=30)
        migrate(engine)
        with engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA journal_mode").scalar()

    for attempt in range(20):
        starters = [engines(f"sqlite:///{tmp_path / f'{attempt}.sqlite3'}") for _ in range(4)]
        barrier = threading.Barrier(len(starters))
        with ThreadPoolExecutor(len(starters)) as pool:
            assert list(pool.map(start, starters, [barrier] * len(starters))) == ["wal"] * len(starters)


@pytest.mark.parametrize(
    ("version", "remedy"), [(2, "upgrade lossdemo"), (0, "this lossdemo cannot migrate it")]
)
def test_a_database_of_another_schema_version_is_refused(fresh_url, engines, version, remedy):
    migrate(engines(fresh_url))
    with engines(fresh_url).begin() as conn:
        conn.execute(update(schema_version).values(version=version))
    with pytest.raises(
        RuntimeError, match=f"schema version {version}, and this lossdemo uses version 1: {remedy}"
    ):
        migrate(engines(fresh_url))


# Many students at once


def test_answers_from_8_threads_of_50_students_each_count_once(url):
    store = open_store(url, clock=Clock())
    code, _ = store.create_room(STEP_2)
    barrier = threading.Barrier(8)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda group: answer_as_a_group(url, code, group, 50, barrier), range(8)))
    sent = Counter(final_choice(group, student) for group in range(8) for student in range(50))
    assert store.tally(code, "lesson-2") == {choice: sent[choice] for choice in STEP_2.choices}
    assert store.room(code).joined == 400


def test_answers_from_3_processes_count_once(url, monkeypatch):
    store = open_store(url, clock=Clock())
    code, _ = store.create_room(STEP_2)
    # A spawned process runs the parent's __main__ again, and AppTest (other modules of this suite)
    # leaves the page script there: the workers would run the page. They need none of it.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(3)
    workers = [
        spawn.Process(target=answer_as_a_group, args=(url, code, group, 100, barrier)) for group in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    sent = Counter(final_choice(group, student) for group in range(3) for student in range(100))
    assert store.tally(code, "lesson-2") == {choice: sent[choice] for choice in STEP_2.choices}
    assert store.room(code).joined == 300


def test_students_joining_at_once_fill_a_room_exactly_to_its_limit(url):
    store = open_store(url, clock=Clock(), max_students=10)
    code, _ = store.create_room(STEP_2)
    barrier = threading.Barrier(8)

    def join_three_times(_) -> int:
        barrier.wait(timeout=30)
        joined = 0
        for _ in range(3):
            try:
                store.join(code)
            except PollError as error:
                assert error.reason == "full", error
            else:
                joined += 1
        return joined

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(join_three_times, range(8))) == 10
    assert store.room(code).joined == 10
    assert rows_of_room(store.engine, code)["poll_students"] == 10


def test_one_students_answers_sent_at_once_count_once(url):
    store = open_store(url, clock=Clock())
    code, _ = store.create_room(STEP_2)
    token = store.join(code)
    barrier = threading.Barrier(8)

    def send(choice: str) -> str | None:
        store = open_store(url, clock=Clock())
        barrier.wait(timeout=30)
        try:
            store.answer(code, token, "lesson-2", choice)
        except PollError as error:
            assert error.reason == "too_fast"
            return None
        return choice

    with ThreadPoolExecutor(8) as pool:
        counted = [choice for choice in pool.map(send, (STEP_2.choices * 3)[:8]) if choice]
    assert len(counted) == 1
    assert store.tally(code, "lesson-2") == {choice: int(choice == counted[0]) for choice in STEP_2.choices}


def test_without_postgresql_its_tests_are_skipped_naming_the_package_but_fail_on_ci(monkeypatch):
    monkeypatch.setattr(postgres, "bindir", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="sudo apt-get install postgresql"):
        postgres.running_server().__enter__()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        postgres.running_server().__enter__()
