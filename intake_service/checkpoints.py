"""WAL checkpoints off the commit path, with a WAL that restarts and stays bounded.

SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past 1,000 pages: that
commit copies the pages into the database and fsyncs it, and every appeal in its batch waits
(commit p99 16 ms under load). So the writer's connection does not checkpoint automatically;
this thread does, on its own connection, every quarter of a second: a PASSIVE checkpoint copies
what the WAL holds into the database without taking the write lock, while the writer goes on.

A checkpoint running beside continuous writes never catches up with the last few frames, and the
WAL only starts again from its beginning when a write finds it wholly copied — so alone it grows
without bound (315 MB in ten minutes, measured). Hence the second part: once the WAL holds more
than `restart_frames`, the writer itself, between two batches (no write can come in between),
runs one PASSIVE checkpoint that copies the few frames left, and its next transaction restarts
the WAL. One batch waits for that — a few frames and one fsync — every few megabytes of WAL.
`journal_size_limit` then truncates the file back to that size.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from intake_service.store import connect, log_failure

log = logging.getLogger("pos_intake")
PAGE_SIZE_GUESS = 4096
RESTART_FRAMES = 4096  # ~16 MiB of WAL at 4 KiB pages
INTERVAL = 0.25


def checkpoint(conn: sqlite3.Connection) -> tuple[int, int]:
    """One PASSIVE checkpoint: (frames in the WAL, frames copied into the database)."""
    _, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(frames), int(copied)


class Checkpointer:
    def __init__(
        self,
        path: str | Path,
        *,
        synchronous: str = "FULL",
        interval: float = INTERVAL,
        restart_frames: int = RESTART_FRAMES,
    ) -> None:
        self._path = path
        self._synchronous = synchronous
        self._interval = interval
        self.restart_frames = restart_frames
        self.frames = 0  # the WAL's frames at the last look: the writer reads it
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        conn = connect(self._path, synchronous=self._synchronous)
        # a checkpoint that finds readers on old pages copies what it can and returns
        conn.execute("PRAGMA busy_timeout = 0")
        self._thread = threading.Thread(
            target=self._run, args=(conn,), name="pos-intake-checkpoints", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def wants_restart(self) -> bool:
        return self.frames >= self.restart_frames

    def _run(self, conn: sqlite3.Connection) -> None:
        try:
            while not self._stop.wait(self._interval):
                try:
                    self.frames, _ = checkpoint(conn)
                except sqlite3.Error:  # locked by a CLI's checkpoint, a full disk …
                    log_failure("checkpoint failed; the next one tries again")
        finally:
            conn.close()


def prepare_writer(conn: sqlite3.Connection, restart_frames: int = RESTART_FRAMES) -> None:
    """The writer's connection: no checkpoint inside its commits, and a WAL file truncated back
    to the restart size once it starts again."""
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute(
        f"PRAGMA journal_size_limit = {int(page_size or PAGE_SIZE_GUESS) * restart_frames}"
    )
