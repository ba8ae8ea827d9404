"""`pos-intake backup DEST` and `pos-intake restore SRC --db NEW`: a consistent copy of the
live store with its photos and signing key (backup.py), and a new store made from one
(restore.py). The backup runs beside a serving node: no need to stop it."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

from intake_service.backup import BackupError, store_key, take
from intake_service.photos import media_root
from intake_service.postgres import is_postgres
from intake_service.restore import restore
from intake_service.settings import load

log = logging.getLogger("pos_intake")


def add_parsers(commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    parser = commands.add_parser(
        "backup",
        help="write a consistent copy of the live store, its photos and key into a new folder",
        description="Write a backup of the store (SQLite: VACUUM INTO, checked with "
        "integrity_check) with its photos, signing key and a manifest into the new folder DEST, "
        "while the service runs. On PostgreSQL: the photos, key and the pg_dump command.",
    )
    parser.add_argument("dest", metavar="DEST", help="a new folder, outside the store's folder")
    common(parser)
    parser.set_defaults(handler=run_backup)

    parser = commands.add_parser(
        "restore",
        help="make a new SQLite store from a backup (never overwrites one)",
        description="Check a backup (its manifest, integrity_check, a pos-intake schema) and "
        "make the new store --db from it, with its photos and signing key.",
    )
    parser.add_argument("source", metavar="SRC", help="a backup folder or a SQLite store file")
    common(parser)
    parser.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    settings = load({"db": args.db, "config": args.config})
    if not is_postgres(settings.db) and not Path(settings.db).is_file():
        raise BackupError(f"{settings.db}: no such database file")
    manifest = take(
        settings.db,
        media_root(settings.db, settings.media_dir),
        store_key(settings.db, settings.secret_key),
        Path(args.dest),
    )
    dest = Path(args.dest).absolute()
    if manifest.recipe is not None:
        print(f"photos ({manifest.photos}) and the signing key written into {dest}")
        print("the database itself is PostgreSQL's to back up; for example:")
        print(f"  {manifest.recipe}")
    else:
        print(
            f"backup written into {dest}: {manifest.appeals} appeal(s), {manifest.photos} "
            f"photo file(s), integrity {manifest.integrity}, {manifest.seconds:g} s"
        )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    if not args.db:
        raise BackupError("restore needs --db NEW: the new store's file")
    settings = load({"db": args.db, "config": args.config})
    restored = restore(Path(args.source), settings.db, media_root(settings.db, settings.media_dir))
    print(f"restored {restored.appeals} appeal(s) into {restored.db}")
    if restored.media is not None:
        print(f"photos into {restored.media}")
    if restored.key:
        print("the backup's signing key is in the new store: its tracking links work")
    print(f"start it with: pos-intake serve --db {restored.db}")
    return 0
