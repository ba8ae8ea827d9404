"""Backups on a schedule: with POS_BACKUP_DIR set, the service takes one every POS_BACKUP_EVERY
seconds into that folder (backup.py), keeps the newest POS_BACKUP_KEEP, and says how the last
went in /readyz and /metrics.

The backup runs in a thread — `VACUUM INTO` on a connection of its own, beside the writer — so
the event loop and intake go on while it copies. What the last good backup was survives a
restart: it is read back from the newest manifest in the folder, so a node restarted every
hour does not take a backup at every start, and the age /metrics reports is the backup's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from intake_service.backup import BackupError, read_manifest, take
from intake_service.store import log_failure, now_iso

log = logging.getLogger("pos_intake")
PREFIX = "pos-intake-"  # the scheduled backups' names: pos-intake-<time taken>


@dataclass
class BackupState:
    """How the scheduled backups stand, for /readyz and /metrics (kept on the event loop)."""

    folder: Path
    every: float
    last_good_at: float | None = None  # Unix time the last good backup was taken
    last_good: str | None = None  # its folder's name
    last_error: str | None = None  # why the last attempt failed; None once one succeeds
    failures: int = 0

    def check(self) -> str:
        """ok, pending (none yet), failing (the last attempt failed) or late (the last good
        one is older than two periods): the last two make the node degraded."""
        if self.last_error is not None:
            return "failing"
        if self.last_good_at is None:
            return "pending"
        return "late" if self.age() > 2 * self.every else "ok"

    def age(self) -> float:
        return time.time() - self.last_good_at if self.last_good_at is not None else float("inf")

    def details(self) -> dict[str, object]:
        """For /readyz, which anyone may read: the last good backup's name and age, never the
        folder or why a backup failed (the service's log has those)."""
        shown: dict[str, object] = {"every_seconds": self.every, "failures": self.failures}
        if self.last_good_at is not None:
            shown["last_good"] = self.last_good
            shown["last_good_age_seconds"] = round(self.age(), 1)
        return shown

    def metrics(self) -> str:
        lines = [
            "# HELP pos_backup_last_good_age_seconds Seconds since the last scheduled backup "
            "that passed its integrity check was taken.",
            "# TYPE pos_backup_last_good_age_seconds gauge",
        ]
        if self.last_good_at is not None:
            lines.append(f"pos_backup_last_good_age_seconds {self.age():.1f}")
        lines += [
            "# HELP pos_backup_failures_total Scheduled backups that failed.",
            "# TYPE pos_backup_failures_total counter",
            f"pos_backup_failures_total {self.failures}",
        ]
        return "\n".join(lines) + "\n"


def backups_in(folder: Path) -> list[Path]:
    """The whole scheduled backups in the folder, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    found = [
        p
        for p in folder.iterdir()
        if p.name.startswith(PREFIX) and p.is_dir() and read_manifest(p) is not None
    ]
    return sorted(found, key=lambda p: p.name)


def newest_state(folder: Path, every: float) -> BackupState:
    """The state as the folder tells it at start: the newest whole backup's time and name."""
    state = BackupState(folder, every)
    for backup in reversed(backups_in(folder)):
        manifest = read_manifest(backup)
        if manifest is not None and manifest.integrity in ("ok", "not checked"):
            state.last_good = backup.name
            state.last_good_at = _unix(manifest.taken_at)
            break
    return state


def rotate(folder: Path, keep: int) -> list[str]:
    """Remove the oldest whole backups beyond `keep`, and what a killed backup left half
    written (a hidden `.pos-intake-….partial-…` folder); the names removed."""
    removed = []
    for leftover in folder.glob(f".{PREFIX}*.partial-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    backups = backups_in(folder)
    for old in backups[: max(0, len(backups) - keep)]:
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old.name)
    return removed


async def run(state: BackupState, db: str, media_root: Path, key: str | None, keep: int) -> None:
    """Take a backup whenever the last attempt is a period old, first at start when the newest
    in the folder is; rotate after each good one."""
    last_attempt = state.last_good_at
    with contextlib.suppress(OSError):  # the first backup says why it cannot be written there
        state.folder.mkdir(parents=True, exist_ok=True)
    while True:
        if last_attempt is not None:
            await asyncio.sleep(max(0.0, last_attempt + state.every - time.time()))
        last_attempt = time.time()
        dest = state.folder / (PREFIX + now_iso().replace(":", "").replace("-", ""))
        try:
            manifest = await asyncio.to_thread(take, db, media_root, key, dest)
        except BackupError as exc:
            state.failures += 1
            state.last_error = str(exc)
            log.error("scheduled backup failed: %s", exc)
            continue
        except Exception as exc:
            state.failures += 1
            state.last_error = f"{type(exc).__name__}: {exc}"
            log_failure("scheduled backup into %s failed", state.folder)
            continue
        state.last_error = None
        state.last_good = dest.name
        state.last_good_at = _unix(manifest.taken_at)
        log.info(
            "backup %s: %s appeal(s), %d photo file(s), integrity %s, %.2f s",
            dest,
            "—" if manifest.appeals is None else manifest.appeals,
            manifest.photos,
            manifest.integrity,
            manifest.seconds,
        )
        try:
            removed = await asyncio.to_thread(rotate, state.folder, keep)
        except OSError:
            log_failure("removing old backups from %s failed", state.folder)
        else:
            if removed:
                log.info("old backup(s) removed: %s", ", ".join(removed))


def _unix(taken_at: str) -> float:
    return datetime.fromisoformat(taken_at.replace("Z", "+00:00")).timestamp()
