"""Photos attached to appeals: checked by their content (not their name or declared type), kept
as files outside the database in a folder per appeal, and listed in `appeal_photos`.

Files are written and fsynced before the appeal's transaction commits, so a committed appeal
never lacks its photos; if the commit fails the folder is removed again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from intake_service.postgres import is_postgres

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True)
class Photo:
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> str | None:
    """The image type by its first bytes, or None if it is none of the accepted ones."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def media_root(db_path: str, configured: str) -> Path:
    if configured:
        return Path(configured)
    if is_postgres(db_path):  # no file to sit beside; nodes sharing a server share this folder
        return Path("pos-intake-media").resolve()
    db = Path(db_path)
    return db.parent / f"{db.stem}-media"


def save(root: Path, appeal_id: str, photos: list[Photo]) -> Path | None:
    """Write the photos durably; returns the appeal's folder (None when there are no photos)."""
    if not photos:
        return None
    folder = root / appeal_id
    folder.mkdir(parents=True, exist_ok=False)
    for n, photo in enumerate(photos, start=1):
        path = folder / f"{n}.{EXTENSIONS[photo.media_type]}"
        with path.open("wb") as f:
            f.write(photo.data)
            f.flush()
            os.fsync(f.fileno())
    for directory in (folder, root):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return folder


def discard(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def record(conn: sqlite3.Connection, appeal_id: str, photos: list[Photo]) -> None:
    conn.executemany(
        "INSERT INTO appeal_photos (appeal_id, n, media_type, bytes, sha256) VALUES (?, ?, ?, ?, ?)",
        [
            (appeal_id, n, p.media_type, len(p.data), p.sha256)
            for n, p in enumerate(photos, start=1)
        ],
    )


def listed_for(
    conn: sqlite3.Connection, appeal_ids: list[str], *, base_url: str = ""
) -> dict[str, list[dict[str, object]]]:
    """The photos of several appeals in one query, by appeal id, each with the URL an agency
    fetches it from (with its API key). `base_url` makes the URL absolute: a consumer of RabbitMQ
    or a webhook does not know which intake node holds the photo."""
    found: dict[str, list[dict[str, object]]] = {appeal_id: [] for appeal_id in appeal_ids}
    if not appeal_ids:
        return found
    rows = conn.execute(
        "SELECT appeal_id, n, media_type, bytes FROM appeal_photos "
        f"WHERE appeal_id IN ({','.join('?' * len(appeal_ids))}) ORDER BY appeal_id, n",
        appeal_ids,
    )
    for row in rows:
        found[row["appeal_id"]].append(
            {
                "n": row["n"],
                "media_type": row["media_type"],
                "bytes": row["bytes"],
                "url": f"{base_url}/api/v1/appeals/{row['appeal_id']}/photos/{row['n']}",
            }
        )
    return found


def media_type_for(conn: sqlite3.Connection, appeal_id: str, n: int, org_id: int) -> str | None:
    """The type of photo `n` of an appeal sent to `org_id`; None for another organisation's
    appeal exactly as for a missing photo, so that one cannot tell the two apart. A number no
    appeal can have is missing too, before SQLite sees it: past 2**63 it refuses to bind it."""
    if not 1 <= n <= MAX_PHOTOS:
        return None
    row = conn.execute(
        "SELECT p.media_type FROM appeal_photos p JOIN appeals a ON a.id = p.appeal_id "
        "WHERE p.appeal_id = ? AND p.n = ? AND a.target_org_id = ?",
        (appeal_id, n, org_id),
    ).fetchone()
    return None if row is None else str(row[0])


def path_of(root: Path, appeal_id: str, n: int, media_type: str) -> Path:
    return root / appeal_id / f"{n}.{EXTENSIONS[media_type]}"
