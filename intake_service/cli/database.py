"""The database a CLI command works on, from its `--db` and `--config`: one way to open it for
every command.

A module below the commands, so that `org_cmd.py`, which registers `org route`, `org attribute`
and `org sink`, and those commands, which open the database the same way, do not import each
other (a cycle issue 24 broke; pyproject.toml, [tool.importlinter], keeps it broken).
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
from collections.abc import Iterator

from intake_service.settings import load
from intake_service.store import open_database


def open_for(args: argparse.Namespace) -> sqlite3.Connection:
    """The migrated database `--db` (or the `--config` file, or the environment) names; the
    caller closes it."""
    settings = load({"db": args.db, "config": args.config})
    return open_database(settings.db, synchronous=settings.synchronous)


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[sqlite3.Connection]:
    """`open_for(args)`, closed afterwards."""
    conn = open_for(args)
    try:
        yield conn
    finally:
        conn.close()
