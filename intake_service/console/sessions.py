"""Console sessions, kept server-side so that they can be revoked and expire after inactivity.

The browser holds a random 256-bit id in an HttpOnly, SameSite=Lax cookie; the database keeps
only its SHA-256, so a copy of the database lets nobody in. Each session carries its own CSRF
token, which every state-changing request must send back (a form field or `X-CSRF-Token`).
`seen_at` is refreshed at most once a minute, so that reading the console is not a write per
request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from intake_service.console.accounts import USER_COLUMNS, User, user_from_row

COOKIE = "pos_console"
TOUCH_EVERY = 60.0


@dataclass(frozen=True)
class Session:
    id_hash: str
    user: User
    csrf: str
    seen_at: float

    def csrf_matches(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(self.csrf, sent or "")


def id_hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def new_session() -> tuple[str, str]:
    """(cookie value, CSRF token) for a session about to be stored."""
    return secrets.token_urlsafe(32), secrets.token_urlsafe(24)


def store_session_op(
    cookie: str, csrf: str, user_id: int, remote_addr: str | None, lang: str | None = None
) -> Callable[[sqlite3.Connection], None]:
    """The new session, and (at sign-in) the language the operator signed in with: what they
    read the console in is what the mail written to them (the daily digest) speaks."""

    def op(conn: sqlite3.Connection) -> None:
        now = time.time()
        conn.execute(
            "INSERT INTO console_sessions (id_hash, user_id, csrf, created_at, seen_at, "
            "remote_addr) VALUES (?, ?, ?, ?, ?, ?)",
            (id_hash(cookie), user_id, csrf, now, now, remote_addr),
        )
        if lang is not None:
            conn.execute(
                "UPDATE users SET lang = ? WHERE id = ? AND lang <> ?", (lang, user_id, lang)
            )

    return op


def find_session(conn: sqlite3.Connection, cookie: str, idle_seconds: float) -> Session | None:
    """The live session of a cookie: not revoked, not idle too long, its account enabled."""
    if not cookie or len(cookie) > 100:
        return None
    row = conn.execute(
        f"SELECT s.id_hash, s.csrf, s.seen_at, {USER_COLUMNS} "
        "FROM console_sessions s JOIN users u ON u.id = s.user_id "
        "LEFT JOIN orgs o ON o.id = u.org_id "
        "WHERE s.id_hash = ? AND s.revoked_at IS NULL AND s.seen_at > ?",
        (id_hash(cookie), time.time() - idle_seconds),
    ).fetchone()
    if row is None or row["disabled_at"] is not None:
        return None
    return Session(row["id_hash"], user_from_row(row), row["csrf"], row["seen_at"])


def touch_op(session_hash: str) -> Callable[[sqlite3.Connection], None]:
    def op(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE console_sessions SET seen_at = ? WHERE id_hash = ?", (time.time(), session_hash)
        )

    return op


def end_session_op(session_hash: str) -> Callable[[sqlite3.Connection], None]:
    def op(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM console_sessions WHERE id_hash = ?", (session_hash,))

    return op


def forget_idle_op(idle_seconds: float) -> Callable[[sqlite3.Connection], int]:
    """Housekeeping: sessions idle past the limit are gone for good."""

    def op(conn: sqlite3.Connection) -> int:
        cursor = conn.execute(
            "DELETE FROM console_sessions WHERE seen_at <= ?", (time.time() - idle_seconds,)
        )
        return cursor.rowcount

    return op
