"""Operator accounts: who may sign in to the console, for which organisation, in which role.

Passwords are kept only as argon2id hashes (argon2-cffi's defaults: memory-hard, salted, tuned
so that one check costs tens of milliseconds — which is why the service checks them off the
event loop). A password set by someone else (`user add` without `--password`, `user reset`)
is a one-time password: the holder must choose their own at first sign-in.

These functions take a connection and are shared by the CLI (its own process) and the service
(through the single writer for changes).
"""

from __future__ import annotations

import functools
import re
import secrets
import sqlite3
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from intake_service.dialect import is_sqlite
from intake_service.store import now_iso

ROLES = ("operator", "admin")
MIN_PASSWORD = 10
MAX_EMAIL = 320  # longer input is refused before any work on it: no account has such an e-mail
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}\.[^@\s]{2,63}$")
_hasher = PasswordHasher()


@functools.cache
def _decoy() -> str:
    """Checked against when the e-mail is unknown, so that a miss costs as long as a wrong
    password and the answer's timing does not tell which accounts exist. Made on first use:
    a hash costs tens of milliseconds, which every CLI command would pay at import."""
    return _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account request that cannot be done; the message says why in words a person uses."""


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    org_id: int | None
    org_slug: str | None
    role: str
    platform: bool
    must_change: bool
    disabled: bool
    created_at: str
    password_hash: str = ""
    lang: str = "ru"  # what mail to the account speaks: the language it last signed in with

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" or self.platform

    def as_dict(self) -> dict[str, object]:
        return {
            "email": self.email,
            "name": self.name,
            "org": self.org_slug,
            "role": self.role,
            "platform": self.platform,
            "must_change_password": self.must_change,
            "disabled": self.disabled,
            "created_at": self.created_at,
            "lang": self.lang,
        }


def normal_email(raw: str) -> str:
    """The one form of an e-mail that accounts are found, created and throttled by: without
    surrounding whitespace (Unicode's, as `str.strip` takes it) and with ASCII letters in lower
    case — the same equality as the column's NOCASE on SQLite. Input longer than `MAX_EMAIL` is
    refused before it is stripped, so that padding cannot make two spellings of one account (a
    cut after the strip once let an e-mail padded past the cut find the account while being
    counted as another)."""
    if len(raw) > MAX_EMAIL:
        raise AccountError(f"an e-mail address has at most {MAX_EMAIL} characters")
    return raw.strip().translate(_ASCII_LOWER)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether `password` is the one hashed; with no hash, a decoy check of the same cost."""
    try:
        return _hasher.verify(password_hash or _decoy(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, email: str) -> str | None:
    """The i18n key saying what is wrong with a new password, or None if it will do."""
    if len(password) < MIN_PASSWORD:
        return "console.password.too-short"
    if password.strip().lower() == email.strip().lower():
        return "console.password.is-email"
    return None


def generate_password() -> str:
    """A one-time password: 16 characters a person can type from a printed line."""
    return secrets.token_urlsafe(12)


# what `user_from_row` reads, from `users u LEFT JOIN orgs o` (the sessions' lookup reads it too)
USER_COLUMNS = (
    "u.id, u.email, u.name, u.org_id, o.slug AS org_slug, u.role, u.platform, "
    "u.must_change, u.disabled_at, u.created_at, u.password_hash, u.lang"
)
_SELECT = f"SELECT {USER_COLUMNS} FROM users u LEFT JOIN orgs o ON o.id = u.org_id "


def user_from_row(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        org_id=row["org_id"],
        org_slug=row["org_slug"],
        role=row["role"],
        platform=bool(row["platform"]),
        must_change=bool(row["must_change"]),
        disabled=row["disabled_at"] is not None,
        created_at=row["created_at"],
        password_hash=row["password_hash"],
        lang=row["lang"],
    )


def find_user(conn: sqlite3.Connection, email: str) -> User | None:
    """The account of an e-mail as `normal_email` reads it (AccountError if it is too long).
    SQLite's column compares NOCASE; PostgreSQL's unique index is on `lower(email)`, so the
    lookup reads that index (an account stored with capitals before e-mails were normalised is
    found too)."""
    normal = normal_email(email)
    where = "WHERE u.email = ?" if is_sqlite(conn) else "WHERE lower(u.email) = lower(?)"
    row = conn.execute(_SELECT + where, (normal,)).fetchone()
    return user_from_row(row) if row else None


def user_by_id(conn: sqlite3.Connection, user_id: int) -> User | None:
    row = conn.execute(_SELECT + "WHERE u.id = ?", (user_id,)).fetchone()
    return user_from_row(row) if row else None


def list_users(conn: sqlite3.Connection, org_ids: list[int] | None = None) -> list[User]:
    """Every account, or those of the given organisations; platform admins only in the first."""
    if org_ids is None:
        rows = conn.execute(_SELECT + "ORDER BY o.slug, u.email")
    else:
        marks = ",".join("?" * len(org_ids)) or "NULL"
        rows = conn.execute(
            _SELECT + f"WHERE u.org_id IN ({marks}) ORDER BY o.slug, u.email", org_ids
        )
    return [user_from_row(row) for row in rows]


def add_user(
    conn: sqlite3.Connection,
    email: str,
    *,
    org_id: int | None,
    role: str,
    password: str,
    platform: bool = False,
    name: str = "",
    must_change: bool = False,
    password_hash: str | None = None,
    lang: str = "ru",
) -> User:
    """Create an account (the caller runs this inside a transaction or the writer).
    `password_hash`: the password's hash made beforehand — the service hashes on a thread, never
    inside the writer's operation, which runs on the event loop."""
    email = normal_email(email)
    if not _EMAIL.match(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"role must be one of: {', '.join(ROLES)}")
    if org_id is None and not platform:
        raise AccountError("an account needs --org, or --platform for a platform admin")
    problem = password_problem(password, email)
    if problem is not None:
        raise AccountError(
            f"the password must have at least {MIN_PASSWORD} characters and not be the e-mail"
        )
    if find_user(conn, email) is not None:
        raise AccountError(f"an account {email} exists already")
    conn.execute(
        "INSERT INTO users (email, org_id, role, platform, name, password_hash, must_change, "
        "created_at, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            email,
            org_id,
            role,
            int(platform),
            name,
            password_hash or hash_password(password),
            int(must_change),
            now_iso(),
            lang,
        ),
    )
    user = find_user(conn, email)
    assert user is not None
    return user


def set_password(
    conn: sqlite3.Connection, user_id: int, password_hash: str, *, must_change: bool
) -> None:
    """A new password ends every session of the account but the caller's (who re-creates
    theirs)."""
    conn.execute(
        "UPDATE users SET password_hash = ?, must_change = ? WHERE id = ?",
        (password_hash, int(must_change), user_id),
    )
    end_sessions(conn, user_id)


def set_disabled(conn: sqlite3.Connection, user_id: int, disabled: bool) -> None:
    conn.execute(
        "UPDATE users SET disabled_at = ? WHERE id = ?", (now_iso() if disabled else None, user_id)
    )
    if disabled:
        end_sessions(conn, user_id)


def set_role(conn: sqlite3.Connection, user_id: int, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of: {', '.join(ROLES)}")
    conn.execute("UPDATE users SET role = ? WHERE id = ?", (role, user_id))


def end_sessions(conn: sqlite3.Connection, user_id: int) -> None:
    conn.execute("DELETE FROM console_sessions WHERE user_id = ?", (user_id,))
