"""The class poll through restarts: `python -m tools.loadtest.poll_faults [--students 30]`.

1. SQLite: half the students answer, the server is stopped and started again on the same data
   directory; the room, its question and every answer are still there, and the other half answer
   through the new server.
2. PostgreSQL (a throwaway server, tests/postgres.py; Debian's `postgresql`): half answer, the
   database is stopped for a few seconds while the projector and the phones keep polling (they
   should say they are reconnecting), then started again; the other half answer after it is back.

Each case prints what the pages said during the outage and whether the store's tally equals the
answers sent."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import psycopg

from lossdemo.polls import open_store
from tools.loadtest.poll import QUESTION, STEP, Phone, answer, join
from tools.loadtest.protocol import Endpoint
from tools.loadtest.report import SessionResult
from tools.server import REPO_ROOT, streamlit_server

RECONNECTING = "reconnecting"  # in the page's English warning
OUTAGE_S = 6.0  # three of the pages' polls


class Watched(Phone):
    """A phone or projector that keeps every warning its page draws."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []

    def _element(self, element) -> None:
        if element.WhichOneof("type") == "alert":
            self.warnings.append(element.alert.body)
        super()._element(element)


async def _answer_all(phones: list[Phone], sent: Counter) -> None:
    for key, _elapsed in await asyncio.gather(*(answer(phone) for phone in phones)):
        sent[key] += 1


async def _join_all(url: str, code: str, count: int, first: int = 0) -> list[Phone]:
    """`count` phones on room `code`'s link, numbered from `first`, each loaded (joined)."""
    phones = [
        Watched(Endpoint.parse(url), SessionResult(i, f"room={code}"), random.Random(i), 30.0, None)
        for i in range(first, first + count)
    ]
    return list(await asyncio.gather(*(join(phone) for phone in phones)))


def _tally(code: str) -> dict[str, int]:
    return {key: count for key, count in open_store().tally(code, QUESTION.id).items() if count}


async def _sqlite_case(students: int, env: dict[str, str]) -> bool:
    room, sent = open_store().create_room(QUESTION), Counter()
    half = students // 2
    with streamlit_server(env=env) as (url, _pid):
        phones = await _join_all(url, room.code, half)
        await _answer_all(phones, sent)
        for phone in phones:
            await phone.close()
    before = _tally(room.code)
    with streamlit_server(env=env) as (url, _pid):
        state = open_store().room(room.code)
        phones = await _join_all(url, room.code, students - half, first=half)
        await _answer_all(phones, sent)
        for phone in phones:
            await phone.close()
    after = _tally(room.code)
    print(f"SQLite, the server stopped and started again: the tally before it {before}")
    print(f"  after it the room is on {state.question_id!r} with {state.joined} joined; tally {after}")
    ok = after == dict(sent) and state.question_id == QUESTION.id
    print(f"  every answer sent, before and after, counted once: {ok} (sent {dict(sent)})")
    return ok


def _postgres():
    """The tests' throwaway PostgreSQL server (tests/postgres.py)."""
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    import postgres

    return postgres


def _pg_ctl(url: str) -> Callable[[str], None]:
    """Stop or start the throwaway PostgreSQL server that `url` names (as the tests' helper runs it)."""
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as db:
        data = Path(db.execute("SHOW data_directory").fetchone()[0])
        port = db.execute("SHOW port").fetchone()[0]
    home = data.parent
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1"

    def run(action: str) -> None:
        pg = _postgres()
        as_user = ["runuser", "-u", pg.SUPERUSER, "--"] if os.geteuid() == 0 else []
        command = [*as_user, str(pg.bindir() / "pg_ctl"), "-D", str(data), "-w"]
        extra = (
            ["-m", "fast", "stop"] if action == "stop" else ["-l", str(home / "log"), "-o", options, "start"]
        )
        subprocess.run(command + extra, check=True, capture_output=True)

    return run


async def _postgres_case(students: int, database: str) -> bool:
    env = {"LOSSDEMO_DATABASE_URL": database}
    os.environ.update(env)
    room, sent = open_store().create_room(QUESTION), Counter()
    half = students // 2
    pg_ctl = _pg_ctl(database)
    with streamlit_server(env=env) as (url, _pid):
        teacher = f"lesson={STEP}&room={room.code}&teacher={room.teacher_token}"
        projector = Watched(Endpoint.parse(url), SessionResult(-1, teacher), random.Random(), 60.0, None)
        await projector.open()
        await projector.rerun()
        phones = await _join_all(url, room.code, students)
        await _answer_all(phones[:half], sent)
        pg_ctl("stop")
        await asyncio.sleep(OUTAGE_S)
        pg_ctl("start")
        await asyncio.sleep(4.0)  # the pages' next polls reconnect
        await _answer_all(phones[half:], sent)
        await asyncio.sleep(3.0)
        said = [w for w in projector.warnings if RECONNECTING in w]
        phones_said = sum(any(RECONNECTING in w for w in phone.warnings) for phone in phones)
        for phone in [projector, *phones]:
            await phone.close()
    tally = _tally(room.code)
    print(f"PostgreSQL stopped for {OUTAGE_S:g} s and started again:")
    print(
        f"  the projector said it was reconnecting {len(said)} times; {phones_said} of {students} phones did"
    )
    ok = tally == dict(sent)
    print(f"  sent {dict(sent)}, tally {tally}: every answer counted once: {ok}")
    return ok and bool(said) and phones_said == students


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.loadtest.poll_faults", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args(argv)
    env = {"LOSSDEMO_DATA_DIR": tempfile.mkdtemp(prefix="lossdemo-polls-"), "LOSSDEMO_DATABASE_URL": ""}
    os.environ.update(env)
    ok = asyncio.run(_sqlite_case(args.students, env))
    with _postgres().running_server() as server:
        ok = asyncio.run(_postgres_case(args.students, server.new_database("faults"))) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
