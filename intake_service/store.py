"""The SQLite database: how connections are opened, the schema brought up to date, and the few
process-wide values kept in `meta`.

Writes of the running service go through the single `Writer` (writer.py); the CLI, which runs in
its own short-lived process, writes through its own connection — WAL and a busy timeout make the
two take turns. Readers open their own connections.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from intake_service.migrations import MIGRATIONS
from intake_service.postgres import is_postgres, redacted
from intake_service.store_errors import StoreError, refuse_newer

if TYPE_CHECKING:
    from intake_service.postgres.connection import PostgresConnection

BUSY_TIMEOUT_MS = 10_000
log = logging.getLogger("pos_intake")


def connect(
    path: str | Path, *, synchronous: str = "FULL", readonly: bool = False
) -> sqlite3.Connection:
    """A connection with the project's pragmas: WAL, foreign keys, a busy timeout. A
    `postgresql://` URL instead of a path opens PostgreSQL (postgres/)."""
    if is_postgres(path):
        return _connect_postgres(str(path), readonly=readonly)  # type: ignore[return-value]
    path = Path(path)
    try:
        if readonly:
            conn = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
        else:
            if not path.parent.exists():
                raise StoreError(f"the folder of the database {path} does not exist")
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{path}: WAL mode is not available (journal_mode={mode})")
            conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")
            # deleted and overwritten content is zeroed in the file, not left in free space:
            # a citizen's erased data (erasure.py) must leave the bytes, not only the rows
            conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open the database {path}: {exc}") from None
    conn.row_factory = sqlite3.Row
    return conn


def _connect_postgres(url: str, *, readonly: bool) -> PostgresConnection:
    try:
        from intake_service.postgres.connection import PostgresConnection
    except ImportError:
        raise StoreError("PostgreSQL needs psycopg: pip install 'pos-intake[postgres]'") from None
    try:
        return PostgresConnection(url, readonly=readonly)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database {redacted(url)}: {exc}") from None


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction; return their numbers."""
    if not isinstance(conn, sqlite3.Connection):  # PostgreSQL: its own schema (postgres/)
        from intake_service.postgres.migrate import migrate as migrate_postgres

        return migrate_postgres(conn, MIGRATIONS, now_iso())
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (number INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT number FROM migrations")}
    refuse_newer(done, MIGRATIONS)
    applied = []
    for number in sorted(MIGRATIONS):
        if number in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM migrations WHERE number = ?", (number,)).fetchone():
                conn.execute("ROLLBACK")  # another process got there first
                continue
            MIGRATIONS[number](conn)
            conn.execute(
                "INSERT INTO migrations (number, applied_at) VALUES (?, ?)", (number, now_iso())
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied


def open_database(path: str | Path, *, synchronous: str = "FULL") -> sqlite3.Connection:
    """Open (creating if needed) and migrate; the connection every CLI command starts from."""
    conn = connect(path, synchronous=synchronous)
    migrate(conn)
    return conn


def secret_key(conn: sqlite3.Connection, configured: str) -> str:
    """The configured signing key, or one generated on first start and kept in `meta`.

    Keeping it in the database means tracking links survive restarts without any setup; a
    deployment of several nodes sets POS_SECRET_KEY so that they all share one.
    """
    if configured:
        return configured
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('secret_key', ?) ON CONFLICT DO NOTHING",
        (secrets.token_urlsafe(48),),
    )
    return conn.execute("SELECT value FROM meta WHERE key = 'secret_key'").fetchone()[0]


def instance_id(conn: sqlite3.Connection) -> str:
    """This database's own random id, generated once and kept in `meta`.

    Nodes share the signing key but not their databases, so a form token must say which
    database issued it: its nonce can only be spent once there (`form_nonces`). Unlike
    POS_NODE, the id needs no setup and tells nodes apart even when they are all unnamed."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('instance_id', ?) ON CONFLICT DO NOTHING",
        (secrets.token_urlsafe(12),),
    )
    return conn.execute("SELECT value FROM meta WHERE key = 'instance_id'").fetchone()[0]


def config_version(conn: sqlite3.Connection) -> int:
    """Bumped by triggers on every change to organisations, origins, categories and keys."""
    return int(conn.execute("SELECT value FROM meta WHERE key = 'config_version'").fetchone()[0])


def now_iso(ts: float | None = None) -> str:
    """UTC timestamp with milliseconds, the one format the log and the API use."""
    moment = datetime.fromtimestamp(time.time() if ts is None else ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class transaction:
    """BEGIN IMMEDIATE … COMMIT on an autocommit connection; rolls back on any error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


REPEAT_SECONDS = 60.0  # a background failure that repeats is logged once in this time
_repeats: dict[str, tuple[float, int]] = {}  # message -> (last logged, tries since unlogged)


def log_failure(message: str, *args: object) -> None:
    """In an `except` block of a background task that tries again: a database that cannot be
    reached (PostgreSQL restarting, a lock held, a full disk) is a warning line, not a
    traceback a second; any other failure is logged with its traceback. The same message at
    most once every REPEAT_SECONDS, with the count of tries it stood for: a disk that stays
    full made the checkpointer and the search indexer write six lines a second."""
    now = time.monotonic()
    logged_at, unlogged = _repeats.get(message, (-REPEAT_SECONDS, 0))
    if now - logged_at < REPEAT_SECONDS:
        _repeats[message] = (logged_at, unlogged + 1)
        return
    _repeats[message] = (now, 0)
    if unlogged:
        message += f" [{unlogged} more time(s) since the last line]"
    exc = sys.exc_info()[1]
    if isinstance(exc, sqlite3.OperationalError):
        log.warning(message + " (%s)", *args, exc)
    else:
        log.exception(message, *args)
