"""What the poll store tests share with the processes they start (multiprocessing's 'spawn' imports
this module in each): a settable clock, the questions, and a class of students answering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lossdemo.polls import Question, open_store

START = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
STEP_2 = Question("lesson-2", ("mild", "bad", "same"), "mild", {"kind": "lesson", "step": 2})
STEP_3 = Question("lesson-3", ("quadratic", "cross_entropy"), "cross_entropy", {"kind": "lesson", "step": 3})


class Clock:
    """The store's clock in a test: stands still until moved."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def first_choice(group: int, student: int) -> str:
    return STEP_2.choices[(group + student) % 3]


def final_choice(group: int, student: int) -> str:
    """Every third student changes their answer a second later; the others keep their first."""
    return STEP_2.choices[(group * 7 + student * 5) % 3] if student % 3 == 0 else first_choice(group, student)


def answer_as_a_group(url: str, code: str, group: int, size: int, barrier) -> None:
    """`size` students join room `code` (on STEP_2), wait at `barrier` for the other groups, then
    each sends first_choice, and a second later those who change send final_choice."""
    clock = Clock()
    store = open_store(url, clock=clock)
    tokens = [store.join(code) for _ in range(size)]
    barrier.wait(timeout=60)
    for student, token in enumerate(tokens):
        store.answer(code, token, STEP_2.id, first_choice(group, student))
    clock.advance(seconds=1)
    for student, token in enumerate(tokens):
        if student % 3 == 0:
            store.answer(code, token, STEP_2.id, final_choice(group, student))
