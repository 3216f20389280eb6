"""The class poll on the page: the teacher's Start button and panel (room code, the students' link
and its QR code, how many joined, the answers as they come in, Reveal, Next, Close) and a
student's phone page (`?room=CODE`).

The room, the teacher token and the student token live in the URL (`room`, `teacher`, `student`):
a reload keeps them, and the teacher's address is the teacher link. A page without a room pays
nothing for polls: the store (lossdemo.polls, SQLAlchemy) and segno are imported inside the
functions that need a room, and no fragment polls. A refused call or a database outage is a
warning in the page's language; the live parts poll every REFRESH_SECONDS, so they reconnect."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlencode

import streamlit as st

from lossdemo.charts.poll import poll_spec
from lossdemo.controls.presets import PRESETS, lesson_scenario
from lossdemo.controls.scenario import Scenario
from lossdemo.language.messages import N_, _
from lossdemo.page import state
from lossdemo.page.cache import prepared_for
from lossdemo.page.widgets import language_switch
from lossdemo.teaching.lesson import STEPS
from lossdemo.teaching.questions import Poll, shown_losses

REFRESH_SECONDS = 2  # the projector's answers and the students' question are at most this old
RECONNECTING = "reconnecting"
# What a refused call (PollError.reason) or an outage means to the person in front of the page.
# Nothing from the URL goes into these: a warning is Markdown.
TROUBLES = {
    "malformed_code": N_("This link's room code is not a room code: check the link, or ask for the code."),
    "unknown_room": N_("There is no such room: check the link, or ask your teacher for a new one."),
    "expired": N_("This poll has ended: a room lasts 12 hours. Ask your teacher for a new link."),
    "closed": N_("The teacher has closed this poll."),
    "wrong_token": N_("This teacher link does not control the room: open the room's own teacher link."),
    "unknown_student": N_("This link's place in the room is not known to it: join again."),
    "other_question": N_("The teacher has moved on to another question: here it is."),
    "revealed": N_("The answer has been revealed: answers no longer change."),
    "not_a_choice": N_("That is not a choice of this question."),
    "too_fast": N_("One answer a second, please: yours is sent again in a moment."),
    "full": N_("This room is full: no more students can join it."),
    "bad_question": N_("This question cannot be asked in this room."),
    RECONNECTING: N_("The poll's database is not answering: reconnecting…"),
}
RETRIED = {"too_fast", RECONNECTING}  # a student's answer that met these is sent again
STUDENT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 36rem; }
[data-testid="stRadio"] label p { font-size: 1.2rem; }
[data-testid="stRadio"] label { padding: 0.35rem 0; }
</style>"""


class Trouble(NamedTuple):
    """Why a call to the store did not happen: a PollError's reason, or RECONNECTING."""

    reason: str


def attempt(call: Callable[[], object]) -> object:
    """`call()` on the store, or the Trouble that stopped it."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from lossdemo.polls import PollError

    try:
        return call()
    except PollError as error:
        return Trouble(error.reason)
    except (OperationalError, InterfaceError):  # the database is down or restarting
        return Trouble(RECONNECTING)


def store():
    from lossdemo.polls import open_store

    return open_store()


def say(trouble: Trouble) -> None:
    st.warning(_(TROUBLES[trouble.reason]), icon=":material/warning:")


def shown_trouble() -> None:
    """The trouble a callback met (callbacks run before the page draws), shown once."""
    trouble = st.session_state.pop("poll_trouble", None)
    if trouble is not None:
        say(trouble)


def poll_of(payload: dict) -> Poll:
    """The question a room's payload describes: a lesson step's, or the shown losses'."""
    if "step" in payload:
        return STEPS[payload["step"] - 1].poll
    return shown_losses(payload["neuron"], tuple(payload["losses"]))


def step_frames(number: int) -> list:
    """The runs lesson step `number` talks about (its scenario's, and its baseline's if it has one)."""
    step = STEPS[number - 1]
    shown = [lesson_scenario(number), *(PRESETS[name].scenario for name in (step.baseline,) if name)]
    return [prepared_for(each).frame for each in shown]


def lesson_question(number: int):
    """Lesson step `number`'s question with its right choice from the step's runs (None: it has none)."""
    from lossdemo.polls import Question

    poll = STEPS[number - 1].poll
    if poll is None:
        return None
    return Question(f"lesson-{number}", poll.keys, poll.right(*step_frames(number)), {"step": number})


def askable(scenario: Scenario) -> bool:
    """Can the page as it is be asked about: two or more losses, each run once from one start?"""
    return scenario.plain() and len(scenario.losses) >= 2


def page_question(scenario: Scenario):
    """ "Which of the shown losses halves its error first?" of the page as it is now (`askable`)."""
    from lossdemo.polls import Question

    poll = shown_losses(scenario.neuron, scenario.losses)
    right = poll.right(prepared_for(scenario).frame, scenario.kind, scenario.start())
    payload = {"neuron": scenario.neuron, "losses": list(scenario.losses)}
    return Question(f"page-{secrets.token_hex(4)}", poll.keys, right, payload)


def link(**query: str) -> str:
    return f"{st.context.url or ''}?{urlencode(query)}"


@lru_cache(maxsize=64)
def qr_svg(address: str) -> str:
    """The QR code of `address` as an SVG document (drawn in the server, no network)."""
    import segno

    return segno.make(address, error="m").svg_inline(scale=8, border=2)


# ---------------------------------------------------------------------------------------------
# The teacher


def teaching() -> tuple[str, str] | None:
    """The room and teacher token of the teacher's poll, if this page holds one."""
    room, teacher = st.query_params.get("room"), st.query_params.get("teacher")
    return (room, teacher) if room and teacher else None


def start(question: Callable[[], object]) -> None:
    """Open a room on `question()` and hold it in the teacher's URL (the teacher link)."""
    opened = attempt(lambda: store().create_room(question()))
    if isinstance(opened, Trouble):
        st.session_state.poll_trouble = opened
        return
    st.query_params["room"], st.query_params["teacher"] = opened.code, opened.teacher_token


def start_button(container, question: Callable[[], object] | None, asks: str | None = None) -> None:
    """Start a class poll on `question()` (None: nothing to ask here), unless one is open; `asks`
    says in its help what it asks."""
    if teaching() is not None:
        return
    container.button(
        _("Start a class poll"),
        icon=":material/how_to_vote:",
        key="poll_start",
        disabled=question is None,
        help=asks
        if question
        else _("A poll asks which of two or more losses, shown from one start, halves its error first."),
        on_click=start,
        args=(question,),
    )


def lesson_start(number: int, container) -> None:
    """The Start button of lesson step `number` (on its question, if it has one)."""
    if STEPS[number - 1].poll is not None:
        start_button(container, lambda: lesson_question(number))


def page_start(scenario: Scenario, container) -> None:
    """The Start button outside the lesson: a question about the page as it is now."""
    start_button(
        container,
        (lambda: page_question(scenario)) if askable(scenario) else None,
        _(
            "Asks the class on their phones which of the losses shown here halves its error first. A "
            "lesson step's poll asks the step's own question: start it in the step's panel."
        ),
    )


def act(change: Callable[[object, str, str], None]) -> None:
    """A teacher's change to the room; a refusal is shown on the next run."""
    room, teacher = teaching()
    done = attempt(lambda: change(store(), room, teacher))
    if isinstance(done, Trouble):
        st.session_state.poll_trouble = done


def reveal() -> None:
    """Reveal the right answer and replay the runs it is about."""
    act(lambda s, room, teacher: s.reveal(room, teacher))
    if "poll_trouble" not in st.session_state:
        state.play_from(0)


def next_question(step: int | None, scenario: Scenario) -> None:
    """Move the room (and this page) to lesson step `step`'s question, or with None ask about the
    page as it is now again."""
    question = page_question(scenario) if step is None else lesson_question(step)
    act(lambda s, room, teacher: s.next_question(room, teacher, question))
    if step is not None and "poll_trouble" not in st.session_state:
        state.go_to_step(step)


GONE = ("closed", "expired", "unknown_room", "malformed_code")  # nothing left to close


def close() -> None:
    """Close the room, and forget it (also when it was gone already)."""
    act(lambda s, room, teacher: s.close(room, teacher))
    trouble = st.session_state.get("poll_trouble")
    if trouble is None or trouble.reason in GONE:
        st.session_state.pop("poll_trouble", None)
        st.query_params.pop("room", None)
        st.query_params.pop("teacher", None)


def next_step(payload: dict) -> int | None:
    """The next lesson step after the room's with a question (None: none, or not a lesson poll)."""
    after = payload.get("step")
    later = [n for n in range(after + 1, len(STEPS) + 1) if STEPS[n - 1].poll] if after else []
    return later[0] if later else None


def teacher_panel(scenario: Scenario) -> None:
    """The open poll: its live part (refreshed every REFRESH_SECONDS) and the teacher's buttons."""
    shown_trouble()
    held = teaching()
    if held is None:
        return
    room_code, teacher = held
    with st.container(border=True, key="poll_panel"):
        room = attempt(lambda: store().room(room_code))
        state.fragment(live_answers, run_every=REFRESH_SECONDS)(room_code)
        row = st.container(horizontal=True, vertical_alignment="center")
        if isinstance(room, Trouble):
            row.button(_("Forget this poll"), icon=":material/close:", key="poll_close", on_click=close)
            return
        row.button(
            _("Reveal"),
            icon=":material/visibility:",
            key="poll_reveal",
            type="primary",
            disabled=room.revealed,
            on_click=reveal,
        )
        step = next_step(room.payload)
        if "step" in room.payload:
            row.button(
                _("Next: step {number}").format(number=step) if step else _("Next"),
                icon=":material/arrow_forward:",
                key="poll_next",
                disabled=step is None,
                on_click=next_question,
                args=(step, scenario),
            )
        else:
            row.button(
                _("Ask again about the page now"),
                icon=":material/refresh:",
                key="poll_next",
                disabled=not askable(scenario),
                on_click=next_question,
                args=(None, scenario),
            )
        row.button(_("Close the poll"), icon=":material/close:", key="poll_close", on_click=close)
        with row.popover(_("Teacher link"), icon=":material/key:"):
            st.caption(
                _(
                    "This link gives the poll's controls to whoever opens it, on any device: keep it to "
                    "yourself."
                )
            )
            st.code(link(room=room.code, teacher=teacher), language=None, wrap_lines=True)


def live_answers(room_code: str) -> None:
    """What the projector shows: the students' link and QR code, the room code, how many joined and
    answered, the question and its answers, and after Reveal the share who got it right."""
    room = attempt(lambda: store().room(room_code))
    if isinstance(room, Trouble):
        say(room)
        return
    tally = attempt(lambda: store().tally(room.code, room.question_id))
    if isinstance(tally, Trouble):
        say(tally)
        return
    poll = poll_of(room.payload)
    words = dict(poll.choices)
    address = link(room=room.code)
    code, facts, answers = st.columns([1, 1.2, 2.6])
    code.image(qr_svg(address), width=170, caption=_("Scan to answer"))
    facts.metric(_("Room code"), room.code)
    facts.code(address, language=None, wrap_lines=True)
    answered = sum(tally.values())
    facts.metric(
        _("Answered"),
        _("{answered} of {joined}").format(answered=answered, joined=room.joined),
        help=_("Students who answered this question, of the students who joined the room."),
    )
    answers.markdown(f"**{_(poll.text)}**")
    right = list(tally).index(room.right_choice) if room.revealed else None
    spec = poll_spec([_(words[key]) for key in tally], list(tally.values()), right)
    answers.vega_lite_chart(spec=spec, theme=None)
    if room.revealed:
        got = tally[room.right_choice]
        answers.markdown(
            _("**{share}** got it right ({got} of {answered}).").format(
                share=f"{got / answered:.0%}" if answered else "—", got=got, answered=answered
            )
        )


# ---------------------------------------------------------------------------------------------
# A student


def joining() -> bool:
    """Is this a student's page (a room without a teacher token)?"""
    return bool(st.query_params.get("room")) and not st.query_params.get("teacher")


def student_page() -> None:
    """The phone page: the room's current question, its choices and Send; nothing else."""
    st.set_page_config(page_title=_("Class poll"), layout="centered", initial_sidebar_state="collapsed")
    st.html(STUDENT_CSS)
    title, switch = st.columns([3, 2], vertical_alignment="center")
    title.subheader(_("Class poll"))
    with switch:
        language_switch(label_visibility="collapsed")
    state.fragment(student_question, run_every=REFRESH_SECONDS)()


def rejoin() -> None:
    st.query_params.pop("student", None)
    st.session_state.pop("poll_joined", None)


def send(room_code: str, student: str, question_id: str) -> None:
    """Send the chosen answer; kept as pending (sent again) while the store says wait."""
    choice = st.session_state.get(f"poll_choice_{question_id}")
    if choice is not None:
        st.session_state.poll_pending = (question_id, choice)
        deliver(room_code, student)


def deliver(room_code: str, student: str) -> None:
    """Send the pending answer; keep it pending if the store asks to wait or is not answering."""
    question_id, choice = st.session_state.poll_pending
    sent = attempt(lambda: store().answer(room_code, student, question_id, choice))
    if not isinstance(sent, Trouble) or sent.reason not in RETRIED:
        del st.session_state.poll_pending
    if isinstance(sent, Trouble):
        st.session_state.poll_trouble = sent


def student_question() -> None:
    """Join the room once (the token goes into the link), then show its question: choices and Send
    until Reveal, then the right answer and the student's own."""
    room_code = st.query_params.get("room")
    student = st.query_params.get("student") or st.session_state.get("poll_joined", {}).get(room_code)
    if not student:
        joined = attempt(lambda: store().join(room_code))
        if isinstance(joined, Trouble):
            say(joined)
            return
        # Kept in the session first: a run interrupted as it writes the link must not join again.
        st.session_state.poll_joined = {room_code: joined}
        student = joined
    if st.query_params.get("student") != student:
        st.query_params["student"] = student
    room = attempt(lambda: store().room(room_code))
    if isinstance(room, Trouble):
        say(room)
        return
    pending = st.session_state.get("poll_pending")
    if pending and pending[0] == room.question_id:
        deliver(room.code, student)  # an answer the store asked to wait for, or sent during an outage
    elif pending:
        del st.session_state.poll_pending  # the room has moved on
    mine = attempt(lambda: store().answer_of(room.code, student, room.question_id))
    if isinstance(mine, Trouble):
        say(mine)
        if mine.reason == "unknown_student":
            st.button(_("Join again"), key="poll_rejoin", on_click=rejoin, type="primary")
        return
    poll = poll_of(room.payload)
    words = {key: _(word) for key, word in poll.choices}
    if "step" in room.payload:
        st.caption(
            _("Lesson step {number}: {title}").format(
                number=room.payload["step"], title=_(STEPS[room.payload["step"] - 1].title)
            )
        )
    st.markdown(f"#### {_(poll.text)}")
    shown_trouble()
    if room.revealed:
        right = words[room.right_choice]
        st.success(_("The answer: **{right}**").format(right=right), icon=":material/check:")
        if mine is None:
            st.info(_("You did not answer this one."))
        elif mine == room.right_choice:
            st.markdown(_("You answered **{mine}**: right.").format(mine=words[mine]))
        else:
            st.markdown(_("You answered **{mine}**.").format(mine=words[mine]))
        st.caption(_("The next question appears here when your teacher moves on."))
        return
    chosen = st.radio(
        _("Your answer"),
        poll.keys,
        index=poll.keys.index(mine) if mine in poll.keys else None,
        format_func=words.__getitem__,
        key=f"poll_choice_{room.question_id}",
        label_visibility="collapsed",
    )
    st.button(
        _("Send"),
        icon=":material/send:",
        type="primary",
        width="stretch",
        key="poll_send",
        disabled=chosen is None,
        on_click=send,
        args=(room.code, student, room.question_id),
    )
    if "poll_pending" in st.session_state:
        st.info(_("Sending…"), icon=":material/schedule:")
    elif mine is not None:
        st.success(
            _("Sent: **{mine}**. You can change it until your teacher reveals the answer.").format(
                mine=words[mine]
            ),
            icon=":material/check:",
        )
