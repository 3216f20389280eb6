"""The poll store: rooms, their questions, joined students and answers, read and changed through
SQLAlchemy Core in short transactions, so threads and processes sharing one database count every
answer exactly once.

A teacher creates a room with its first question and receives the room code (for students) and a
teacher token (for the teacher's page only: reveal, next and close need it). A student joins with
the code and receives a student token, then answers the room's current question: one answer per
student and question, replaced by a later one until the teacher reveals the right choice, at most one
answer a second per student, at most `max_students` students a room. A room expires ROOM_LIFETIME
after it was created; each new room deletes the expired ones (as `purge_expired` does)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lossdemo.polls.checks import CURRENT, FOR_ANSWER, joined_student, live_room, question_row, teachers_room
from lossdemo.polls.codes import new_room_code, new_token, room_code, token_hash
from lossdemo.polls.database import database_url, shared_engine
from lossdemo.polls.model import (
    ANSWER_INTERVAL,
    MAX_STUDENTS,
    ROOM_LIFETIME,
    NewRoom,
    PollError,
    Question,
    RoomState,
    shown,
)
from lossdemo.polls.schema import answers, questions, rooms, students


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """The polls in one database. Cheap to make: stores on one URL share the process's engine."""

    def __init__(
        self, engine: Engine, *, clock: Callable[[], datetime] = utc_now, max_students: int = MAX_STUDENTS
    ):
        self.engine = engine
        self.clock = clock  # the time now, time-zone aware; tests pass their own
        self.max_students = max_students
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def create_room(self, question: Question) -> NewRoom:
        """A new room on `question`. Deletes expired rooms first."""
        now, teacher_token, question_values = self.clock(), new_token(), question_row(question)
        row = {
            "teacher_token_hash": token_hash(teacher_token),
            "created_at": now,
            "expires_at": now + ROOM_LIFETIME,
            "question_id": question.id,
            "joined": 0,
            "closed": False,
        }
        with self.engine.begin() as conn:
            self._purge(conn, now)
            code = None
            while code is None:  # None: a live room has the code drawn; draw again
                added = self._insert(rooms).values(code=new_room_code(), **row).on_conflict_do_nothing()
                code = conn.scalar(added.returning(rooms.c.code))
            conn.execute(insert(questions).values(room_code=code, **question_values))
        return NewRoom(code, teacher_token)

    def join(self, code: str) -> str:
        """A new student token for room `code`, counted as one more student joined."""
        code, now, student_token = room_code(code), self.clock(), new_token()
        with self.engine.begin() as conn:
            counted = update(rooms).where(
                rooms.c.code == code,
                rooms.c.expires_at > now,
                ~rooms.c.closed,
                rooms.c.joined < self.max_students,
            )
            if not conn.execute(counted.values(joined=rooms.c.joined + 1)).rowcount:
                live_room(conn, code, now, CURRENT)
                raise PollError(
                    "full", f"Room {code} is full: {self.max_students:,} students joined it already"
                )
            conn.execute(insert(students).values(token_hash=token_hash(student_token), room_code=code))
        return student_token

    def room(self, code: str) -> RoomState:
        """What students and the projector show: the room's question (its right choice only after
        Reveal) and how many students joined."""
        code = room_code(code)
        with self.engine.connect() as conn:
            room = live_room(conn, code, self.clock(), CURRENT)
        return RoomState(
            code=code,
            question_id=room.id,
            payload=room.payload,
            choices=tuple(room.choices),
            revealed=room.revealed,
            right_choice=room.right_choice if room.revealed else None,
            joined=room.joined,
            expires_at=room.expires_at,
        )

    def answer(self, code: str, student_token: str, question_id: str, choice: str) -> None:
        """Record `choice` as the student's answer to the room's current question, replacing theirs."""
        code, now, student = room_code(code), self.clock(), token_hash(student_token)
        with self.engine.begin() as conn:
            room = live_room(conn, code, now, FOR_ANSWER)
            spaced = update(students).where(
                students.c.token_hash == student,
                students.c.room_code == code,
                or_(students.c.last_answer_at.is_(None), students.c.last_answer_at <= now - ANSWER_INTERVAL),
            )
            if not conn.execute(spaced.values(last_answer_at=now)).rowcount:
                joined_student(conn, code, student)
                raise PollError("too_fast", "One answer a second, please: send it again in a moment")
            if question_id != room.id:
                raise PollError(
                    "other_question", f"Room {code} is on question {room.id!r} now, not {shown(question_id)}"
                )
            if room.revealed:
                raise PollError(
                    "revealed", f"The answer to question {room.id!r} was revealed: answers stay as they are"
                )
            if choice not in room.choices:
                offered = ", ".join(map(repr, room.choices))
                raise PollError(
                    "not_a_choice", f"{shown(choice)} is not a choice of this question; it offers {offered}"
                )
            upsert = self._insert(answers).values(
                room_code=code, question_id=room.id, student=student, choice=choice, answered_at=now
            )
            replace = {"choice": upsert.excluded.choice, "answered_at": upsert.excluded.answered_at}
            conn.execute(upsert.on_conflict_do_update(index_elements=list(answers.primary_key), set_=replace))

    def answer_of(self, code: str, student_token: str, question_id: str) -> str | None:
        """The student's answer to `question_id` (None if they have not answered), e.g. after a reload."""
        code, student = room_code(code), token_hash(student_token)
        with self.engine.connect() as conn:
            live_room(conn, code, self.clock(), CURRENT)
            joined_student(conn, code, student)
            return conn.scalar(
                select(answers.c.choice).where(
                    answers.c.room_code == code,
                    answers.c.question_id == question_id,
                    answers.c.student == student,
                )
            )

    def tally(self, code: str, question_id: str) -> dict[str, int]:
        """How many students answer each choice of a question of the room, in the question's order
        (zeros included); the values add up to the number of students who answered."""
        code = room_code(code)
        with self.engine.connect() as conn:
            live_room(conn, code, self.clock(), CURRENT)
            choices = conn.scalar(
                select(questions.c.choices).where(
                    questions.c.room_code == code, questions.c.id == question_id
                )
            )
            if choices is None:
                raise PollError("other_question", f"Room {code} never had a question {shown(question_id)}")
            counts = select(answers.c.choice, func.count()).where(
                answers.c.room_code == code, answers.c.question_id == question_id
            )
            counted = dict(conn.execute(counts.group_by(answers.c.choice)).all())
        return {choice: counted.get(choice, 0) for choice in choices}

    def reveal(self, code: str, teacher_token: str) -> None:
        """Show the current question's right choice; its answers no longer change."""
        code = room_code(code)
        with self.engine.begin() as conn:
            room = teachers_room(conn, code, teacher_token, self.clock())
            revealed = update(questions).where(questions.c.room_code == code, questions.c.id == room.id)
            conn.execute(revealed.values(revealed=True))

    def next_question(self, code: str, teacher_token: str, question: Question) -> None:
        """Move the room on to `question`, whose id the room must not have had before."""
        code, question_values = room_code(code), question_row(question)
        with self.engine.begin() as conn:
            teachers_room(conn, code, teacher_token, self.clock())
            added = self._insert(questions).values(room_code=code, **question_values).on_conflict_do_nothing()
            if conn.scalar(added.returning(questions.c.id)) is None:
                raise PollError(
                    "bad_question",
                    f"Room {code} had a question {question.id!r} already: give each question its own id",
                )
            conn.execute(update(rooms).where(rooms.c.code == code).values(question_id=question.id))

    def close(self, code: str, teacher_token: str) -> None:
        """End the room: from now on every call with its code is refused (its rows go when it expires)."""
        code = room_code(code)
        with self.engine.begin() as conn:
            teachers_room(conn, code, teacher_token, self.clock())
            conn.execute(update(rooms).where(rooms.c.code == code).values(closed=True))

    def purge_expired(self) -> int:
        """Delete the expired rooms with their questions, students and answers; how many rooms."""
        with self.engine.begin() as conn:
            return self._purge(conn, self.clock())

    @staticmethod
    def _purge(conn: Connection, now: datetime) -> int:
        return conn.execute(delete(rooms).where(rooms.c.expires_at <= now)).rowcount  # the rest cascades


def open_store(
    url: str | None = None, *, clock: Callable[[], datetime] = utc_now, max_students: int = MAX_STUDENTS
) -> Store:
    """The store in `url`, or in LOSSDEMO_DATABASE_URL, or in the SQLite file of the data directory
    (see `database`); the database is created and migrated on the process's first use."""
    return Store(shared_engine(database_url(url)), clock=clock, max_students=max_students)
