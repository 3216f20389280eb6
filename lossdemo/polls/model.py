"""The values the page hands to the poll store and gets back, its limits, and its one error class."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple

MAX_STUDENTS = 1_000  # students a room admits
ROOM_LIFETIME = timedelta(hours=12)  # a room expires this long after it was created
ANSWER_INTERVAL = timedelta(seconds=1)  # a student's answers are at least this far apart
MAX_CHOICES = 12
MAX_KEY_LENGTH = 64  # a question id or a choice key, in characters
MAX_PAYLOAD_LENGTH = 4_000  # a question's payload, in characters of JSON

# Why a call was refused: a key the page can translate (PollError's message is English).
Reason = Literal[
    "malformed_code",  # not a room code at all
    "unknown_room",
    "expired",
    "closed",
    "wrong_token",  # the teacher token does not control this room
    "unknown_student",  # the student token did not join this room
    "other_question",  # the room is on another question (or never had this one)
    "revealed",  # the answer was revealed: answers no longer change
    "not_a_choice",
    "too_fast",  # a student's second answer within ANSWER_INTERVAL
    "full",  # MAX_STUDENTS (or the store's own limit) joined already
    "bad_question",  # the page's Question is not valid, or its id was asked before in the room
]


class PollError(ValueError):
    """A refused call: the message says what was wrong and what is accepted; `reason` says which rule."""

    def __init__(self, reason: Reason, message: str):
        super().__init__(message)
        self.reason = reason

    def __reduce__(self):  # so that it crosses process boundaries
        return PollError, (self.reason, str(self))


def shown(value: object) -> str:
    """`value` as it appears in a message: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _key(name: str, value: object) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_KEY_LENGTH:
        raise PollError(
            "bad_question", f"{name} must be a string of 1 to {MAX_KEY_LENGTH} characters; got {shown(value)}"
        )
    return value


@dataclass(frozen=True)
class Question:
    """A question as the page describes it: an id unique within the room, the choice keys offered,
    the right one (kept in the store and shown to nobody before Reveal), and the page's own JSON
    description of it (kind, lesson step, text key: whatever the page needs to draw it again)."""

    id: str
    choices: tuple[str, ...]
    right_choice: str
    payload: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _key("A question id", self.id)
        if not isinstance(self.choices, list | tuple) or not 2 <= len(self.choices) <= MAX_CHOICES:
            raise PollError(
                "bad_question", f"choices must be 2 to {MAX_CHOICES} keys; got {shown(self.choices)}"
            )
        for choice in self.choices:
            _key("A choice", choice)
        if len(set(self.choices)) < len(self.choices):
            raise PollError("bad_question", f"choices must differ from each other; got {shown(self.choices)}")
        if self.right_choice not in self.choices:
            raise PollError(
                "bad_question",
                f"the right choice {shown(self.right_choice)} is not one of {shown(self.choices)}",
            )
        try:
            size = len(json.dumps(self.payload, allow_nan=False))
        except (TypeError, ValueError):
            size = None
        if not isinstance(self.payload, dict) or size is None or size > MAX_PAYLOAD_LENGTH:
            raise PollError(
                "bad_question",
                f"the payload must be a JSON object of at most {MAX_PAYLOAD_LENGTH:,} characters; "
                f"got {shown(self.payload)}",
            )
        object.__setattr__(self, "choices", tuple(self.choices))


class NewRoom(NamedTuple):
    """A room just created: its code (for students) and the teacher token (for the teacher only)."""

    code: str
    teacher_token: str


@dataclass(frozen=True)
class RoomState:
    """What anyone holding the room code may see: the current question without its right choice
    until it is revealed, how many students joined, and when the room expires."""

    code: str
    question_id: str
    payload: dict[str, Any]
    choices: tuple[str, ...]
    revealed: bool
    right_choice: str | None  # None until revealed
    joined: int
    expires_at: datetime
