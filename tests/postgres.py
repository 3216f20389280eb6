"""A throwaway PostgreSQL server for the tests: Debian's `postgresql` package's initdb and pg_ctl on
a cluster in a temporary directory, listening on a free port of 127.0.0.1 (its unix socket in that
directory too), tuned for speed over durability (fsync off), removed when the session ends.

PostgreSQL refuses to run as root; as root the cluster belongs to, and the server runs as, the
`postgres` user the package creates. Without the package (or, as root, without that user) the
tests that need the server are skipped, except when CI=true: then they fail, so CI cannot pass by
skipping them."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

INSTALL = "sudo apt-get install postgresql"
SUPERUSER = "postgres"
SPEED_OVER_DURABILITY = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{reason}. CI=true, so the PostgreSQL tests fail instead of being skipped.", pytrace=False
        )
    pytest.skip(reason)


def bindir() -> Path | None:
    """The directory of initdb and pg_ctl: `pg_config --bindir`'s, or the newest Debian version's."""
    try:
        told = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        told = ""
    candidates = [Path(told.strip())] if told.strip() else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: float(p.parent.name), reverse=True
    )
    return next((path for path in candidates if (path / "initdb").is_file()), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running server; `new_database` makes an empty database on it and gives its SQLAlchemy URL."""

    port: int
    made: int = 0

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "polls") -> str:
        self.made += 1
        name = f"{prefix}_{self.made}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as db:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)


@contextmanager
def running_server() -> Iterator[Server]:
    """A server for the duration of the `with`; skips or fails (see the module) when there can be none."""
    found = bindir()
    if found is None:
        skip_or_fail(
            f"PostgreSQL is not installed (no initdb from pg_config or in /usr/lib/postgresql): {INSTALL}"
        )
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            skip_or_fail(
                f"PostgreSQL will not run as root and there is no `{SUPERUSER}` user to run it: {INSTALL}"
            )
        as_user = ["runuser", "-u", SUPERUSER, "--"]
    home = Path(tempfile.mkdtemp(prefix="lossdemo-postgres-"))
    data, port = home / "data", free_port()
    if as_user:
        shutil.chown(home, SUPERUSER)

    def run(*command: str) -> None:
        done = subprocess.run([*as_user, *command], capture_output=True, text=True, cwd=home)
        if done.returncode:
            log = (home / "log").read_text() if (home / "log").is_file() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{log}"[-4000:])

    try:
        run(
            str(found / "initdb"),
            *(
                "-D",
                str(data),
                "--auth=trust",
                f"--username={SUPERUSER}",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ),
        )
        options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 {SPEED_OVER_DURABILITY}"
        run(str(found / "pg_ctl"), "-D", str(data), "-l", str(home / "log"), "-o", options, "-w", "start")
        try:
            yield Server(port)
        finally:
            run(str(found / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(home, ignore_errors=True)
