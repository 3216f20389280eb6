"""Polls: the storage of live class polls (rooms, the question a room is on, joined students and their
answers) in SQLite by default or in PostgreSQL when LOSSDEMO_DATABASE_URL names one, through
SQLAlchemy Core. `open_store()` gives the Store the page calls; every bad input raises PollError.

Imports SQLAlchemy and the standard library only: nothing else of lossdemo (no language: a
PollError carries a `reason` key the page translates), and neither numpy, pandas, Altair nor Streamlit.
"""

from lossdemo.polls.model import MAX_STUDENTS, ROOM_LIFETIME, NewRoom, PollError, Question, RoomState
from lossdemo.polls.store import Store, open_store

__all__ = [
    "MAX_STUDENTS",
    "ROOM_LIFETIME",
    "NewRoom",
    "PollError",
    "Question",
    "RoomState",
    "Store",
    "open_store",
]
