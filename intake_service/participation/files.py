"""A poll's files: an option's picture (a vote's courtyard) and a discussion's documents (the
project's PDF, its drawings). Checked by their content, never their name or declared type — as
appeals' photos are (photos.py) — kept on disk under `<media root>/polls/<poll id>/`, listed in
`poll_files`, and served publicly by `polls/files.py`.

Files are written and fsynced before the poll's transaction commits (`save`), so a committed
poll never lacks them; if the commit fails the caller removes the folder again (`discard`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from intake_service.photos import sniff as sniff_image
from intake_service.store import now_iso

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 10
ROLES = ("picture", "document")
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
ACCEPTED = {"picture": ("image/jpeg", "image/png"), "document": tuple(EXTENSIONS)}
NAME_MAX = 120


def sniff(data: bytes) -> str | None:
    """The file's type by its first bytes: a PDF, a JPEG or a PNG; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    kind = sniff_image(data)
    return kind if kind in EXTENSIONS else None


@dataclass(frozen=True)
class NewFile:
    role: str  # "picture" or "document"
    name: str  # as the operator's computer named it, shown with a document's link
    media_type: str
    data: bytes


@dataclass(frozen=True)
class PollFile:
    id: int
    poll_id: str
    role: str
    name: str
    media_type: str
    size: int
    path: str  # relative to the media root


def checked_file(role: str, name: str, data: bytes) -> NewFile | str:
    """The file, or the message key of why it is refused (too large, not a type accepted)."""
    if len(data) > MAX_FILE_BYTES:
        return "console.polls.file-too-large"
    media_type = sniff(data)
    if media_type is None or media_type not in ACCEPTED[role]:
        return "console.polls.file-type-" + role
    clean = "".join(c for c in os.path.basename(name.replace("\\", "/")) if c.isprintable())
    return NewFile(role, clean.strip()[:NAME_MAX] or "file", media_type, data)


def folder_of(root: Path, poll_id: str) -> Path:
    return root / "polls" / poll_id


def save(root: Path, poll_id: str, files: list[NewFile]) -> list[str]:
    """Write the files durably; their paths relative to `root`, in order."""
    if not files:
        return []
    folder = folder_of(root, poll_id)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, new in enumerate(files, start=1):
        path = folder / f"{n}.{EXTENSIONS[new.media_type]}"
        with path.open("wb") as f:
            f.write(new.data)
            f.flush()
            os.fsync(f.fileno())
        paths.append(str(path.relative_to(root)))
    for directory in (folder, folder.parent):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return paths


def discard(root: Path, poll_id: str) -> None:
    shutil.rmtree(folder_of(root, poll_id), ignore_errors=True)


def record(
    conn: sqlite3.Connection, poll_id: str, files: list[NewFile], paths: list[str]
) -> list[int]:
    """The files' rows, in the poll's own transaction; their ids, in order."""
    now = now_iso()
    ids = []
    for new, path in zip(files, paths, strict=True):
        row = conn.execute(
            "INSERT INTO poll_files (poll_id, role, name, media_type, size, path, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (poll_id, new.role, new.name, new.media_type, len(new.data), path, now),
        ).fetchone()
        ids.append(int(row["id"]))
    return ids


def _file(row: sqlite3.Row) -> PollFile:
    return PollFile(
        int(row["id"]), row["poll_id"], row["role"], row["name"], row["media_type"],
        int(row["size"]), row["path"],
    )  # fmt: skip


def file_of(conn: sqlite3.Connection, poll_id: str, file_id: int) -> PollFile | None:
    """One file of one poll: another poll's file is missing, like a file that never was."""
    if not 0 < file_id < 2**62:
        return None
    row = conn.execute(
        "SELECT * FROM poll_files WHERE id = ? AND poll_id = ?", (file_id, poll_id)
    ).fetchone()
    return _file(row) if row is not None else None


def documents(conn: sqlite3.Connection, poll_id: str) -> list[PollFile]:
    """A discussion's documents, in the order they were given."""
    rows = conn.execute(
        "SELECT * FROM poll_files WHERE poll_id = ? AND role = 'document' ORDER BY id",
        (poll_id,),
    ).fetchall()
    return [_file(row) for row in rows]
