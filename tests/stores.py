"""The stores the stories stand on, on either engine: a SQLite file, or a PostgreSQL database of
the test's own (scripts/postgres-up provides the server and the role), made, copied, read and
dropped the way the stories need."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_service.store import connect

POSTGRES_SERVER = os.environ.get("POS_TEST_POSTGRES", "postgresql://pos:pos@127.0.0.1:5432")


class PostgresDatabase(str):
    """A test's PostgreSQL database URL, standing where a SQLite path stands in the stories: the
    service's log file and the photo folder go to the test's own folder."""

    folder: Path

    def __new__(cls, url: str, folder: Path) -> PostgresDatabase:
        made = super().__new__(cls, url)
        made.folder = folder
        return made

    @property
    def parent(self) -> Path:
        return self.folder

    @property
    def stem(self) -> str:
        return "pos-intake"

    def with_suffix(self, suffix: str) -> Path:
        return self.folder / f"pos-intake{suffix}"


@contextlib.contextmanager
def store(db: Path | str) -> Iterator[sqlite3.Connection]:
    """The database itself, as the story reads or moves it behind the service's back (on either
    engine; every statement commits on its own)."""
    conn = connect(db)
    try:
        yield conn
    finally:
        conn.close()


def store_dump(db: Path | str) -> str:
    """Every row of every table, as text: what someone who copied the database would have."""
    with store(db) as conn:
        if isinstance(conn, sqlite3.Connection):
            return "\n".join(conn.iterdump())
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]
        return "\n".join(
            repr(tuple(row)) for table in tables for row in conn.execute(f"SELECT * FROM {table}")
        )


def engine_env(db: Path | str) -> dict[str, str]:
    """What a process on `db` needs besides --db: on PostgreSQL, the photo folder that sits
    beside a SQLite file (a deployment sets POS_MEDIA_DIR to a folder the nodes share)."""
    if isinstance(db, PostgresDatabase):
        return {
            "POS_MEDIA_DIR": str(db.folder / "pos-intake-media"),
            "POS_MAILDIR": str(db.folder / "pos-intake.mail"),
        }
    return {}


def copy_store(template: Path | str, db: Path | str) -> None:
    """Make the store at `db` (not yet used) a copy of `template`, on either engine."""
    if isinstance(template, PostgresDatabase):
        clone_postgres_database(template, db)
    else:
        shutil.copyfile(template, db)


@contextlib.contextmanager
def postgres_database(label: str) -> Iterator[str]:
    """A fresh PostgreSQL database named after `label` (a test, or a module's shared one),
    dropped afterwards; its URL."""
    import psycopg

    name = "pos_test_" + re.sub(r"\W", "_", label.lower())[:30] + f"_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_SERVER} (scripts/postgres-up): {exc}"
        )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clone_postgres_database(template: str, url: str) -> None:
    """Make the (still unused) database at `url` a copy of `template`: PostgreSQL copies a
    template's files, far cheaper than migrating and filling a fresh database again."""
    import psycopg

    name, template_name = url.rsplit("/", 1)[1], template.rsplit("/", 1)[1]
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
