"""`pos-intake restore SRC --db NEW`: a working store made from a backup (backup.py), checked
before anything is written.

SRC is a backup folder or a bare SQLite file of a pos-intake store. Before the first byte is
written it must read as one: the manifest (in a folder), `PRAGMA integrity_check`, and the
`migrations` table of a pos-intake store no newer than this version. NEW must not exist — a
live store is never overwritten — nor its photo folder. The database and the photos go in
under temporary names and are renamed at the end, so a failure leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from intake_service.backup import KEY, MEDIA, BackupError, read_manifest
from intake_service.migrations import MIGRATIONS
from intake_service.postgres import is_postgres
from intake_service.store_errors import StoreError, refuse_newer


@dataclass(frozen=True)
class Restored:
    db: Path
    media: Path | None  # where the photos went, None when the backup had none
    appeals: int
    key: bool  # the backup's signing key was put into the new store


def restore(source: Path, db: str, media_root: Path) -> Restored:
    """Make the store `db` (a new SQLite file) from the backup `source`; photos go to
    `media_root` (the new store's photo folder)."""
    if is_postgres(db):
        raise BackupError(
            "restore makes a SQLite store; for PostgreSQL restore the dump with pg_restore "
            "(docs/operations.md), or restore here and `pos-intake copy` it over"
        )
    target = Path(db).absolute()
    copy, media, key = _parts(source)
    _refuse_existing(target, media_root if media is not None else None)
    appeals = _check(copy)
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    partial_db = target.with_name(f".{target.name}.partial")
    partial_media = media_root.with_name(f".{media_root.name}.partial")
    shutil.rmtree(partial_media, ignore_errors=True)  # what an earlier, killed restore left
    try:
        _copy_database(copy, partial_db, key)
        if media is not None:
            shutil.copytree(media, partial_media)
            partial_media.rename(media_root)
        partial_db.rename(target)
    except (OSError, sqlite3.Error) as exc:
        for leftover in (partial_db, Path(f"{partial_db}-journal")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(partial_media, ignore_errors=True)
        if media is not None and not target.exists():
            shutil.rmtree(media_root, ignore_errors=True)
        raise BackupError(f"the restore into {target} failed: {exc}") from None
    return Restored(target, media_root if media is not None else None, appeals, key is not None)


def _parts(source: Path) -> tuple[Path, Path | None, str | None]:
    """The database file, the photo folder and the key of a backup folder (or a bare file)."""
    if source.is_file():
        return source, None, None
    if not source.is_dir():
        raise BackupError(f"{source}: no such backup")
    manifest = read_manifest(source)
    if manifest is None:
        raise BackupError(f"{source} is not a pos-intake backup: it has no readable manifest")
    if manifest.database is None:
        raise BackupError(
            f"{source} holds no database (a PostgreSQL backup: restore its dump with pg_restore)"
        )
    copy = source / Path(manifest.database).name  # the manifest names a file in the folder
    if not copy.is_file():
        raise BackupError(f"{source} is incomplete: {manifest.database} is missing")
    media = source / MEDIA
    key_file = source / KEY
    key = key_file.read_text(encoding="utf-8").strip() if key_file.is_file() else None
    return copy, (media if media.is_dir() else None), key


def _refuse_existing(target: Path, media_root: Path | None) -> None:
    for path in (target, Path(f"{target}-wal"), Path(f"{target}-journal")):
        if path.exists():
            raise BackupError(
                f"{path} exists: restore makes a new store and never overwrites one "
                "(stop the service and move the old store aside, or restore to a new name)"
            )
    if media_root is not None and media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root}, the new store's photo folder, exists and is not empty")


def _check(copy: Path) -> int:
    """That the file is a whole pos-intake store this version can open; its appeals."""
    try:
        conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{copy} cannot be opened: {exc}") from None
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        if rows != ["ok"]:
            raise BackupError(f"{copy} is damaged: {'; '.join(rows)}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not {"migrations", "appeals", "meta"} <= tables:
            raise BackupError(f"{copy} is a SQLite database but not a pos-intake store")
        numbers = [row[0] for row in conn.execute("SELECT number FROM migrations")]
        appeals = int(conn.execute("SELECT count(*) FROM appeals").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{copy} is damaged or not a database: {exc}") from None
    finally:
        conn.close()
    try:
        refuse_newer(numbers, MIGRATIONS)
    except StoreError as exc:
        raise BackupError(f"{copy}: {exc}") from None
    return appeals


def _copy_database(copy: Path, partial: Path, key: str | None) -> None:
    """The backup's database into `partial` through SQLite's backup API (never a file copy of
    what may be another process's open file), with the backup's signing key in its `meta`: a
    key that was configured (POS_SECRET_KEY) comes along, so the tracking links work without it."""
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    destination = sqlite3.connect(partial, isolation_level=None)
    try:
        source.backup(destination)
        if key is not None:
            destination.execute(
                "INSERT INTO meta (key, value) VALUES ('secret_key', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key,),
            )
    finally:
        destination.close()
        source.close()
    with partial.open("rb") as f:
        os.fsync(f.fileno())
