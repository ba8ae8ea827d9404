"""`pos-intake copy --from FILE --to URL`: move a SQLite deployment to PostgreSQL (or, with a
URL as --from and a new file as --to, back to SQLite).

Stop the nodes first (a copy is a snapshot): every row goes over in one transaction, ids and
appeal numbers unchanged, so tracking links, API answers and the agencies' references stay
valid. Then start the nodes with `POS_DB` set to the destination.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from intake_service.postgres import is_postgres, redacted
from intake_service.store import connect
from intake_service.store_errors import StoreError


def add_parser(commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    parser = commands.add_parser(
        "copy",
        help="copy a SQLite database into an empty PostgreSQL one (or back)",
        description="Copy every row of a SQLite database into a new PostgreSQL database, "
        "or of a PostgreSQL database into a new SQLite file.",
    )
    parser.add_argument(
        "--from", dest="source", required=True, help="the SQLite file (or a postgresql:// URL)"
    )
    parser.add_argument(
        "--to", dest="destination", required=True, help="a postgresql:// URL (or a new file)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if is_postgres(args.source) == is_postgres(args.destination):
        raise StoreError(
            "copy goes from a SQLite file to a postgresql:// URL, or from a URL to a new file"
        )
    if not is_postgres(args.source) and not Path(args.source).is_file():
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
        f"copied {sum(copied.values()):,} rows into {redacted(str(args.destination))}; "
        "the search index is built again there"
    )
    return 0
