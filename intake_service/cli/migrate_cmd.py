"""`pos-intake migrate`: bring the database's schema up to date and say what was done.

Every command and every start migrates anyway; this one does nothing else, for an operator who
wants the schema in place before the nodes start (and to see which migration it is at). It
works on a SQLite file and on a `postgresql://` URL alike.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from intake_service.migrations import MIGRATIONS
from intake_service.postgres import is_postgres, redacted
from intake_service.settings import load
from intake_service.store import connect, migrate


def add_parser(commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    parser = commands.add_parser(
        "migrate",
        help="bring the database's schema up to date (SQLite file or PostgreSQL URL)",
        description="Apply the schema migrations the database does not have yet.",
    )
    common(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load({"db": args.db, "config": args.config})
    where = redacted(settings.db) if is_postgres(settings.db) else settings.db
    conn = connect(settings.db, synchronous=settings.synchronous)
    try:
        applied = migrate(conn)
    finally:
        conn.close()
    latest = max(MIGRATIONS)
    if applied:
        print(f"{where}: applied migrations {applied[0]}–{applied[-1]}; now at {latest}")
    else:
        print(f"{where}: up to date (migration {latest})")
    return 0
