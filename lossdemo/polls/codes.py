"""Room codes and tokens: random from `secrets`, and tokens kept only as their SHA-256 hashes, so
reading the database gives neither the teacher's control of a room nor a student's place in it."""

from __future__ import annotations

import hashlib
import secrets

from lossdemo.polls.model import PollError, shown

# Digits and capital letters without the look-alikes 0/O and 1/I/L: 31 symbols.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7  # 31**7 codes: 34.7 random bits
TOKEN_BYTES = 16  # 128 random bits, 22 URL-safe characters


def new_room_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def room_code(typed: object) -> str:
    """The room code a person typed, read as capitals without spaces or dashes; PollError if it
    cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper() if isinstance(typed, str) else ""
    if len(code) != CODE_LENGTH or not set(code) <= set(ALPHABET):
        raise PollError(
            "malformed_code",
            f"A room code is {CODE_LENGTH} letters and digits from {ALPHABET} (no 0, O, 1, I or L); "
            f"got {shown(typed)}",
        )
    return code


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: object) -> str:
    """The SHA-256 of a token, in hex: what the database keeps. Anything but a string hashes to ""
    (which matches no stored hash)."""
    if not isinstance(token, str):
        return ""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
