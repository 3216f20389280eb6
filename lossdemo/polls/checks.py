"""The checks the store's calls share, each raising PollError naming what was wrong: the room is
live (it exists, has not expired, was not closed), the teacher token is the room's, the student
joined it, the question is a Question.

The queries read a room with the question it is on; their row locks keep a call's checks true until
it commits (on PostgreSQL; an SQLite transaction holds the whole database). An answer shares the
question's lock, so Reveal waits for the answers being written; a teacher's call locks both rows."""

from __future__ import annotations

import hmac
from datetime import datetime

from sqlalchemy import Connection, Row, Select, and_, select

from lossdemo.polls.codes import token_hash
from lossdemo.polls.model import PollError, Question, shown
from lossdemo.polls.schema import questions, rooms, students

CURRENT = select(rooms, questions).join(
    questions, and_(questions.c.room_code == rooms.c.code, questions.c.id == rooms.c.question_id)
)
FOR_ANSWER = CURRENT.with_for_update(read=True, of=questions)
FOR_TEACHER = CURRENT.with_for_update()


def live_room(conn: Connection, code: str, now: datetime, query: Select) -> Row:
    """Room `code` with its current question, read by `query` (CURRENT or a locking form of it)."""
    room = conn.execute(query.where(rooms.c.code == code)).one_or_none()
    if room is None:
        raise PollError("unknown_room", f"There is no room {code}: check the code (rooms last 12 hours)")
    if now >= room.expires_at:
        raise PollError("expired", f"Room {code} expired at {room.expires_at:%H:%M} UTC: ask for a new code")
    if room.closed:
        raise PollError("closed", f"Room {code} was closed by its teacher")
    return room


def teachers_room(conn: Connection, code: str, teacher_token: str, now: datetime) -> Row:
    """Room `code`, locked for a change, if `teacher_token` is its teacher's."""
    room = live_room(conn, code, now, FOR_TEACHER)
    if not hmac.compare_digest(room.teacher_token_hash, token_hash(teacher_token)):
        raise PollError(
            "wrong_token", f"That teacher token does not control room {code}: use the room's teacher link"
        )
    return room


def joined_student(conn: Connection, code: str, student: str) -> None:
    """Check that the student token whose hash is `student` joined room `code`."""
    joined = select(students.c.token_hash).where(
        students.c.token_hash == student, students.c.room_code == code
    )
    if conn.scalar(joined) is None:
        raise PollError("unknown_student", f"That student token did not join room {code}: join it again")


def question_row(question: Question) -> dict:
    """The `questions` row of `question`, but for its room."""
    if not isinstance(question, Question):
        raise PollError(
            "bad_question", f"A question must be a lossdemo.polls.Question; got {shown(question)}"
        )
    return {
        "id": question.id,
        "payload": question.payload,
        "choices": list(question.choices),
        "right_choice": question.right_choice,
        "revealed": False,
    }
