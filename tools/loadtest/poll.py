"""The class poll under load: one projector and N students' phones through the protocol client.

    python -m tools.loadtest.poll [--students 150] [--window 10] [--url URL ...]

A room is made on lesson step 2's question in the poll store the server uses (LOSSDEMO_DATA_DIR or
LOSSDEMO_DATABASE_URL, as set for this process; without --url a server is started with the same
environment). The projector opens the teacher's link and its panel polls every 2 s; the students
open the students' link over a ramp (their phones poll the room every 2 s too), then each sends an
answer at a random instant of a window of --window seconds. Several --url (replicas) share the
students round robin; one nginx in front of replicas spreads them with --spread-ips (ip_hash).
It reports how long each Send took, whether the store's tally equals the answers sent, and when the
projector first showed every answer."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from streamlit.proto.WidgetStates_pb2 import WidgetState

from lossdemo.polls import Question, open_store
from lossdemo.teaching.lesson import STEPS
from tools.loadtest.protocol import Endpoint, Session, SessionFailed
from tools.loadtest.report import SessionResult, percentile
from tools.loadtest.run import source_address
from tools.server import streamlit_server, wait_healthy

STEP = 2  # the lesson step whose question is asked
QUESTION = Question(f"lesson-{STEP}", STEPS[STEP - 1].poll.keys, "mild", {"step": STEP})


class Phone(Session):
    """A session that also reads the projector's "Answered" metric as the panel redraws it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.answered: list[tuple[float, str]] = []  # (when, "N of M")

    def _element(self, element) -> None:
        if element.WhichOneof("type") == "metric" and element.metric.label == "Answered":
            self.answered.append((time.perf_counter(), element.metric.body))
        super()._element(element)


@dataclass
class Poll:
    students: int
    sends: list[float] = field(default_factory=list)  # seconds from Send to the finished run
    sent: Counter = field(default_factory=Counter)
    last_send_done: float = 0.0
    results: list[SessionResult] = field(default_factory=list)


def phone_of(url: str, code: str, index: int, spread: int = 1) -> Phone:
    """Student `index`'s phone, on the students' link of room `code` (not opened yet), from one of
    `spread` loopback networks (so that nginx's ip_hash spreads the phones over the replicas)."""
    result = SessionResult(index, f"room={code}")
    return Phone(Endpoint.parse(url), result, random.Random(index), 30.0, source_address(index, spread))


async def join(phone: Phone) -> Phone:
    """Load the students' link on the phone, which joins the room."""
    await phone.open()
    phone.result.load_s = await phone.rerun()
    phone.result.loaded = True
    return phone


async def answer(phone: Phone) -> tuple[str, float]:
    """Pick a choice and press Send, as the phone's browser would: (the choice's key, seconds from
    Send to the finished run)."""
    key = phone.rng.choice(QUESTION.choices)
    radio, send = phone.widgets[f"poll_choice_{QUESTION.id}"], phone.widgets["poll_send"]
    word = dict(STEPS[STEP - 1].poll.choices)[key]  # a radio sends the words it shows
    phone.states[radio.id] = WidgetState(id=radio.id, string_value=word)
    await phone.rerun()  # the choice: Send is enabled once there is one
    return key, await phone.rerun([WidgetState(id=send.id, trigger_value=True)])


async def _student(
    index: int, url: str, code: str, start: float, send_at: float, poll: Poll, spread: int
) -> None:
    loop = asyncio.get_running_loop()
    phone = phone_of(url, code, index, spread)
    poll.results.append(phone.result)
    try:
        await asyncio.sleep(max(0.0, start - loop.time()))
        await join(phone)
        await asyncio.sleep(max(0.0, send_at - loop.time()))
        key, elapsed = await answer(phone)
        poll.sends.append(elapsed)
        poll.sent[key] += 1
        poll.last_send_done = max(poll.last_send_done, time.perf_counter())
        await asyncio.sleep(4.0)  # watching the phone, which polls the room
        phone.check_alive()
        phone.result.completed = True
    except (SessionFailed, KeyError) as error:
        phone.result.error("client", repr(error))
    finally:
        await phone.close()


async def _lecture(
    urls: list[str], students: int, window: float, ramp: float, spread: int
) -> tuple[Poll, Phone, str]:
    room = open_store().create_room(QUESTION)
    poll = Poll(students)
    teacher = f"lesson={STEP}&room={room.code}&teacher={room.teacher_token}"
    projector = Phone(Endpoint.parse(urls[0]), SessionResult(-1, teacher), random.Random(), 60.0, None)
    await projector.open()
    await projector.rerun()
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.5
    joined = t0 + ramp + 5.0  # everyone has loaded the page by then
    rng = random.Random(0)
    await asyncio.gather(
        *(
            _student(
                i,
                urls[i % len(urls)],
                room.code,
                t0 + rng.uniform(0, ramp),
                joined + rng.uniform(0, window),
                poll,
                spread,
            )
            for i in range(students)
        )
    )
    await asyncio.sleep(3.0)  # the projector's next polls
    await projector.close()
    return poll, projector, room.code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.loadtest.poll", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--url", action="append", default=[], help="a running app (repeatable: replicas)")
    parser.add_argument("--students", type=int, default=150)
    parser.add_argument("--window", type=float, default=10.0, help="seconds over which the answers come")
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds over which the students join")
    parser.add_argument(
        "--spread-ips",
        type=int,
        default=1,
        metavar="N",
        help="phones from N loopback networks (nginx ip_hash)",
    )
    args = parser.parse_args(argv)
    if args.url:
        for url in args.url:
            wait_healthy(url, 30)
        poll, projector, code = asyncio.run(
            _lecture(args.url, args.students, args.window, args.ramp, args.spread_ips)
        )
    else:
        with streamlit_server() as (url, _pid):
            poll, projector, code = asyncio.run(
                _lecture([url], args.students, args.window, args.ramp, args.spread_ips)
            )
    tally = open_store().tally(code, QUESTION.id)
    loaded = sum(r.loaded for r in poll.results)
    errors = sum(sum(r.errors.values()) for r in poll.results)
    wanted = f"{len(poll.sends)} of {loaded}"
    shown = next((when for when, body in projector.answered if body == wanted), None)
    sends = sorted(poll.sends)
    print(f"students: {args.students}, loaded {loaded}, sent {len(sends)}, errors {errors}")
    for r in poll.results:
        for sample in r.error_samples:
            print(f"  student {r.index}: {sample}")
    p50, p95 = percentile(sends, 50), percentile(sends, 95)
    print(f"Send → finished run: p50 {p50:.3f} s, p95 {p95:.3f} s, max {sends[-1]:.3f} s")
    counted = dict(poll.sent) == {choice: count for choice, count in tally.items() if count}
    print(f"sent {dict(poll.sent)}; the store's tally {tally}; every answer counted once: {counted}")
    if shown is None:
        print(f"the projector never showed {wanted!r}; it last showed {projector.answered[-1:]}")
    else:
        after = shown - poll.last_send_done
        print(f"the projector showed {wanted!r} {after:+.2f} s after the last Send finished")
    return 0 if errors == 0 and counted and shown is not None else 1


if __name__ == "__main__":
    sys.exit(main())
