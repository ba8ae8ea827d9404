"""`pos-intake copy --from FILE --to URL`: move a SQLite deployment to PostgreSQL.

Stop the nodes first (a copy is a snapshot): every row goes over in one transaction, ids and
appeal numbers unchanged, so tracking links, API answers and the agencies' references stay
valid. Then start the nodes with `POS_DB` set to the URL.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from intake_service.postgres import is_postgres, redacted
from intake_service.store import StoreError, connect


def add_parser(commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    parser = commands.add_parser(
        "copy",
        help="copy a SQLite database into an empty PostgreSQL one",
        description="Copy every row of a SQLite database into a new PostgreSQL database.",
    )
    parser.add_argument("--from", dest="source", required=True, help="the SQLite database file")
    parser.add_argument("--to", dest="destination", required=True, help="a postgresql:// URL")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if is_postgres(args.source) or not is_postgres(args.destination):
        raise StoreError("copy goes from a SQLite file (--from) to a postgresql:// URL (--to)")
    if not Path(args.source).is_file():
        raise StoreError(f"{args.source}: no such database file")
    from intake_service.postgres.copy import copy_store

    source = connect(args.source)
    destination = connect(args.destination)
    try:
        copied = copy_store(
            source, destination, lambda table, rows: print(f"{table}: {rows:,} rows", flush=True)
        )
    finally:
        source.close()
        destination.close()
    print(
        f"copied {sum(copied.values()):,} rows into {redacted(args.destination)}; "
        "the search index is built again there"
    )
    return 0
