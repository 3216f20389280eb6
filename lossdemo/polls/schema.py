"""The poll tables (version 1) and the migration every process runs before its first query.

Tables are prefixed `poll_` so they can share a PostgreSQL database with others. Times are
`Instant`s: whole microseconds since 1970 UTC in a BIGINT, because SQLite has no time type and
integers compare exactly alike in both databases (a room expires at exactly 12 hours)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Engine,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    func,
    insert,
    select,
)

from lossdemo.polls.codes import CODE_LENGTH
from lossdemo.polls.model import MAX_KEY_LENGTH

SCHEMA_VERSION = 1
MIGRATION_LOCK = int.from_bytes(b"lossdemo", "big")  # PostgreSQL advisory lock key for the migration
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
HASH_LENGTH = 64  # SHA-256 in hex


class Instant(TypeDecorator[datetime]):
    """A time-zone-aware datetime stored as whole microseconds since 1970 UTC."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> int | None:
        return None if value is None else (value - EPOCH) // MICROSECOND

    def process_result_value(self, value: int | None, dialect) -> datetime | None:
        return None if value is None else EPOCH + value * MICROSECOND


metadata = MetaData()

schema_version = Table(
    "poll_schema_version",
    metadata,
    Column("id", Integer, CheckConstraint("id = 1", name="poll_schema_version_one_row"), primary_key=True),
    Column("version", Integer, nullable=False),
)

rooms = Table(
    "poll_rooms",
    metadata,
    Column("code", String(CODE_LENGTH), primary_key=True),
    Column("teacher_token_hash", String(HASH_LENGTH), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False, index=True),
    Column("question_id", String(MAX_KEY_LENGTH), nullable=False),  # the question the room is on
    Column("joined", Integer, nullable=False),  # students who joined
    Column("closed", Boolean, nullable=False),
)

# Every question a room was on; the right choice never leaves the store before `revealed`.
questions = Table(
    "poll_questions",
    metadata,
    Column("room_code", ForeignKey(rooms.c.code, ondelete="CASCADE"), primary_key=True),
    Column("id", String(MAX_KEY_LENGTH), primary_key=True),
    Column("payload", JSON, nullable=False),
    Column("choices", JSON, nullable=False),
    Column("right_choice", String(MAX_KEY_LENGTH), nullable=False),
    Column("revealed", Boolean, nullable=False),
)

# A student is the hash of their token: no name, no address.
students = Table(
    "poll_students",
    metadata,
    Column("token_hash", String(HASH_LENGTH), primary_key=True),
    Column("room_code", ForeignKey(rooms.c.code, ondelete="CASCADE"), nullable=False, index=True),
    Column("last_answer_at", Instant),  # NULL until the first answer; spaces answers ANSWER_INTERVAL apart
)

# One row per student and question: a changed answer replaces the row.
answers = Table(
    "poll_answers",
    metadata,
    Column("room_code", String(CODE_LENGTH), primary_key=True),
    Column("question_id", String(MAX_KEY_LENGTH), primary_key=True),
    Column("student", ForeignKey(students.c.token_hash, ondelete="CASCADE"), primary_key=True, index=True),
    Column("choice", String(MAX_KEY_LENGTH), nullable=False),
    Column("answered_at", Instant, nullable=False),
    ForeignKeyConstraint(
        ["room_code", "question_id"], [questions.c.room_code, questions.c.id], ondelete="CASCADE"
    ),
)


def migrate(engine: Engine) -> None:
    """Bring the database to SCHEMA_VERSION: create the tables in a database without them, leave a
    current one alone, and refuse one of another version with a RuntimeError saying what to do.

    Safe when several processes start at once: all of it is one transaction, which on PostgreSQL
    holds an advisory lock and on SQLite holds the write lock from its BEGIN (see `database`)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        schema_version.create(conn, checkfirst=True)
        found = conn.scalar(select(schema_version.c.version))
        if found is None:
            metadata.create_all(conn)
            conn.execute(insert(schema_version).values(id=1, version=SCHEMA_VERSION))
        elif found != SCHEMA_VERSION:
            where = engine.url.render_as_string(hide_password=True)
            remedy = "upgrade lossdemo" if found > SCHEMA_VERSION else "this lossdemo cannot migrate it"
            raise RuntimeError(
                f"The poll database {where} has schema version {found}, and this lossdemo uses version "
                f"{SCHEMA_VERSION}: {remedy}, or point LOSSDEMO_DATABASE_URL (or LOSSDEMO_DATA_DIR) "
                "at another database."
            )
