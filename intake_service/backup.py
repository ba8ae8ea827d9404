"""A backup of a live store: a folder with the database's consistent copy, the photos, the
signing key and a manifest, written while intake goes on.

SQLite is copied with `VACUUM INTO` on a connection of its own: one read transaction, so the
copy is the store as of one moment, and in WAL mode the writer goes on committing beside it (a
file copy of a database being written is not a database). The photos are copied after it: an
appeal's photos are on disk before its row commits (photos.py), so every appeal in the copy has
its photos; a photo of a later appeal may come along too, which does no harm. Every copy is
checked (`PRAGMA integrity_check`) before it counts.

The folder is written under a hidden temporary name beside DEST and renamed at the end, so a
backup that failed halfway leaves nothing that looks whole. On PostgreSQL the database is the
server's to back up (`pg_dump`, base backups: docs/operations.md); the folder then holds the
photos, the key and the manifest, which names the command.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from intake_service.postgres import is_postgres, redacted
from intake_service.store import connect, now_iso
from intake_service.store_errors import StoreError

FORMAT = "pos-intake-backup/1"
MANIFEST = "manifest.json"
DATABASE = "pos-intake.db"
MEDIA = "media"
KEY = "secret_key"


class BackupError(StoreError):
    """A backup or a restore that cannot be done; the message says why, nothing was left."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, written last into its folder (and read back by restore)."""

    format: str
    taken_at: str
    source: str  # the store's path, or its URL without the password
    engine: str  # sqlite | postgresql
    integrity: str  # "ok", or what `PRAGMA integrity_check` said; "not checked" on PostgreSQL
    appeals: int | None  # None: the database is not in the folder (PostgreSQL)
    photos: int
    key: bool  # whether the signing key is in the folder
    seconds: float
    database: str | None  # the file name in the folder, or None with the recipe below
    recipe: str | None = None  # PostgreSQL: the command that backs up the database itself


def pg_dump_recipe(url: str, dest: Path) -> str:
    """The `pg_dump` command for a PostgreSQL store, its URL without the password (left to
    ~/.pgpass or PGPASSWORD: it is never written into a file or a log)."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    bare = f"{scheme}{sep}{credentials.split(':', 1)[0]}{at}{host}"
    return f"pg_dump --format=custom --file {shlex.quote(str(dest / 'pos-intake.dump'))} " + (
        shlex.quote(bare)
    )


def check_destination(db: str, media_root: Path, dest: Path) -> None:
    """Refuse a DEST that exists, whose folder is missing, or that lies inside the store's own
    folder or its photos: a backup there dies with the disk it should outlive, and the next
    backup would copy the previous ones into itself."""
    dest = dest.absolute()
    if dest.exists():
        raise BackupError(f"{dest} already exists: a backup goes into a new folder")
    if not dest.parent.is_dir():
        raise BackupError(f"{dest.parent} is not a folder")
    inside = [media_root.resolve()]
    if not is_postgres(db):
        inside.append(Path(db).resolve().parent)
    target = dest.parent.resolve() / dest.name
    for folder in inside:
        if target == folder or target.is_relative_to(folder):
            raise BackupError(
                f"{dest} is inside {folder}, the live store's folder: "
                "put backups on another disk or at least another folder"
            )


def take(db: str, media_root: Path, key: str | None, dest: Path) -> Manifest:
    """Write the backup of the store `db` into the new folder `dest`; the manifest on success.
    `key`: the signing key (the configured one, or the store's own from `meta`)."""
    check_destination(db, media_root, dest)
    dest = dest.absolute()
    started = time.monotonic()
    partial = dest.parent / f".{dest.name}.partial-{os.getpid()}"
    try:
        # the copy holds every citizen's personal data: only the service's own user may read it
        partial.mkdir(mode=0o700)
    except OSError as exc:
        raise BackupError(f"cannot write the backup into {dest.parent}: {exc.strerror}") from None
    try:
        manifest = _fill(db, media_root, key, partial, dest, started)
        _sync(partial)
        partial.rename(dest)
        _sync(dest.parent)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"the backup into {dest} failed: {exc}") from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def _fill(
    db: str, media_root: Path, key: str | None, folder: Path, dest: Path, started: float
) -> Manifest:
    taken_at = now_iso()
    appeals: int | None = None
    integrity = "not checked"
    database: str | None = None
    recipe: str | None = None
    if is_postgres(db):
        recipe = pg_dump_recipe(db, dest)
    else:
        copy = folder / DATABASE
        source = connect(db)
        try:
            source.execute("VACUUM INTO ?", (str(copy),))
        except sqlite3.Error as exc:
            raise BackupError(f"the copy of {db} failed: {exc}") from None
        finally:
            source.close()
        with copy.open("rb") as f:  # VACUUM INTO leaves the syncing to the caller
            os.fsync(f.fileno())
        integrity, appeals = _check_copy(copy)
        if integrity != "ok":
            raise BackupError(f"the copy of {db} is damaged ({integrity}); no backup was kept")
        database = DATABASE
    photos = _copy_photos(media_root, folder / MEDIA) if media_root.is_dir() else 0
    if key:
        (folder / KEY).touch(mode=0o600)
        (folder / KEY).write_text(key + "\n", encoding="utf-8")
    manifest = Manifest(
        format=FORMAT,
        taken_at=taken_at,
        source=redacted(db) if is_postgres(db) else str(Path(db).resolve()),
        engine="postgresql" if is_postgres(db) else "sqlite",
        integrity=integrity,
        appeals=appeals,
        photos=photos,
        key=bool(key),
        seconds=round(time.monotonic() - started, 3),
        database=database,
        recipe=recipe,
    )
    (folder / MANIFEST).write_text(
        json.dumps(asdict(manifest), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _copy_photos(root: Path, target: Path) -> int:
    """Copy the photo folder as it is now; the files copied. Intake goes on meanwhile: a file
    removed while this walks (a held appeal dropped, a failed write's photos) is skipped, not a
    failed backup — its appeal is not in the copy."""
    copied = 0
    for folder, _subfolders, files in os.walk(root):  # a folder gone meanwhile is skipped
        into = target / Path(folder).relative_to(root)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                shutil.copy2(Path(folder) / name, into / name)
            except FileNotFoundError:
                continue
            copied += 1
    return copied


def _check_copy(path: Path) -> tuple[str, int]:
    """`PRAGMA integrity_check` of a copy ("ok" or its first complaints) and its appeals."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        appeals = conn.execute("SELECT count(*) FROM appeals").fetchone()[0]
    finally:
        conn.close()
    return ("ok" if rows == ["ok"] else "; ".join(rows)), int(appeals)


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a backup folder, or None when there is none or it cannot be read."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def store_key(db: str, configured: str) -> str | None:
    """The signing key a backup carries: the configured one, or the store's own (`meta`);
    None when the store has never started and so has none yet."""
    if configured:
        return configured
    conn = connect(db)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'secret_key'").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"{redacted(db)} is not a pos-intake store ({exc})") from None
    finally:
        conn.close()
    return row[0] if row else None


def _sync(folder: Path) -> None:
    """fsync a folder (its new entries), so that a power cut after the rename keeps it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
