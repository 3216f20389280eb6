"""Which database the polls live in, and one migrated SQLAlchemy engine per database URL per process.

LOSSDEMO_DATABASE_URL (e.g. postgresql+psycopg://user:password@host/lossdemo) makes replicas share
one PostgreSQL database. Without it the polls live in SQLite, in polls.sqlite3 under
LOSSDEMO_DATA_DIR, or else $XDG_DATA_HOME/lossdemo, or else ~/.local/share/lossdemo.

Every SQLite transaction takes the database's write lock at its BEGIN (BEGIN IMMEDIATE), so a
transaction that reads and then writes never fails on upgrading its lock: it waits, up to the busy
timeout, for the one before it. Each transaction here is a few statements on single rows, so
taking turns costs little. WAL mode keeps commits cheap and the file readable during a write."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url

from lossdemo.polls.schema import migrate

BUSY_TIMEOUT_MS = 30_000  # how long an SQLite transaction waits for the write lock
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def data_dir() -> Path:
    home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(os.environ.get("LOSSDEMO_DATA_DIR") or Path(home) / "lossdemo")


def database_url(url: str | None = None) -> str:
    """`url`, or LOSSDEMO_DATABASE_URL, or the SQLite file in the data directory. A plain
    postgresql:// URL is given psycopg (3), the driver lossdemo installs."""
    chosen = make_url(
        url or os.environ.get("LOSSDEMO_DATABASE_URL") or f"sqlite:///{data_dir() / 'polls.sqlite3'}"
    )
    if chosen.drivername == "postgresql":
        chosen = chosen.set(drivername="postgresql+psycopg")
    return chosen.render_as_string(hide_password=False)


def new_engine(url: str) -> Engine:
    """An engine for `url`, set up for concurrent use by threads and processes (not migrated)."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)  # a restarted PostgreSQL leaves dead connections
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN, below, not the sqlite3 module
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        write_ahead_log(dbapi_connection)
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def begin_immediately(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def write_ahead_log(connection: sqlite3.Connection) -> None:
    """Put the database in WAL mode (it stays so, in the file). Switching a new database takes an
    exclusive lock that SQLite does not wait for under the busy timeout: when several processes
    open a new database at once, the losers get "database is locked" at once. They try again until
    the winner's switch is done (then the pragma only reads the mode), within the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def shared_engine(url: str) -> Engine:
    """The process's one engine for `url`, migrated on first use (engines are thread-safe)."""
    with _engines_lock:
        if url not in _engines:
            engine = new_engine(url)
            try:
                migrate(engine)
            except BaseException:
                engine.dispose()
                raise
            _engines[url] = engine
        return _engines[url]
