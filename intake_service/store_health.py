"""Whether the store takes real writes: how the last appeal or delivery outcome this node tried
to write ended, for /readyz and /metrics.

/readyz's own probe is a one-row UPDATE. On a full disk it still fits — SQLite's WAL and
PostgreSQL's WAL segments reuse space already allocated — while an appeal, which needs new
pages, gets 503; the probe alone said "ready" through a whole disk-full incident. So readiness
also asks how the last real write ended.

A failure counts for FAILURE_WINDOW seconds unless a real write succeeds meanwhile: a node that
its balancer took out of rotation gets no appeals that could clear it, so after the window the
probe speaks alone again (and the next appeal that fails takes the node out again). While the
forwarder holds outcomes it could not record, it tries again well within the window
(forward/unrecorded.py), so such a node stays out until the store takes them.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

FAILURE_WINDOW = 60.0  # seconds a refused real write keeps the node "not ready"


@dataclass
class StoreHealth:
    ok_at: float = 0.0  # monotonic time of the last real write committed
    failed_at: float = 0.0  # ... and of the last one the store refused
    error: str = ""  # what the store said then (a SQLite text; PostgreSQL's may name its host)

    def succeeded(self) -> None:
        self.ok_at = time.monotonic()

    def failed(self, error: BaseException) -> None:
        """Note a refused write: the store's own errors — a full disk, an I/O error, a server
        gone or refusing (SQLite's OperationalError; what PostgreSQL's adapter gives as a plain
        DatabaseError, a privilege lost) — not one operation's conflict with the data (an
        IntegrityError), which says nothing of the store."""
        if not (
            isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError
        ):
            return
        self.failed_at = time.monotonic()
        self.error = str(error)[:200] or type(error).__name__

    def refusing(self) -> str | None:
        """The store's error while the last real write failed (within the window), else None."""
        if self.failed_at > self.ok_at and time.monotonic() - self.failed_at < FAILURE_WINDOW:
            return self.error
        return None
