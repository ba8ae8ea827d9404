"""The console's reader pool: queries that can take more than a millisecond (search, statistics,
the board, exports, deep pages of the log) run here, on threads with read connections of their
own, so that an operator's heavy page never stalls intake on the event loop.

SQLite releases the GIL while it works, and WAL lets these readers run beside the single
writer's commits; a short indexed look-up (one appeal, one session) stays on the loop's own
reader, where a thread hop would cost more than the read.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from intake_service.store import connect

T = TypeVar("T")

# Page cache of each reader connection, KiB (SQLite's default is 2,000). The log's filtered
# pages look up events and appeals by key all over a large database; with the default cache
# most look-ups are reads from the OS (measured at 1,000,000 appeals: a region's filtered page
# 36 -> 9 ms with 64 MiB). Grown only as pages are read; one per reader thread.
CACHE_KIB = 65_536


READER_NICENESS = 19


def _yield_to_intake() -> None:
    """Lower this reader thread's scheduling priority (Linux: per thread), so that on a busy
    core the operating system runs the event loop first — intake — and the console's reads in
    the time left. Where threads cannot be niced, the reads run at the normal priority."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), READER_NICENESS)


class ReaderPool:
    def __init__(self, path: str, threads: int = 2) -> None:
        self._path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, threads), thread_name_prefix="pos-intake-console-reader"
        )

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            _yield_to_intake()
            conn = connect(self._path, readonly=True)
            if isinstance(conn, sqlite3.Connection):  # PostgreSQL: read-only by its settings
                conn.execute("PRAGMA query_only = ON")
                conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    async def run(self, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`query(conn, *args, **kwargs)` on a pool thread; its result back on the loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, lambda: query(self._connection(), *args, **kwargs)
        )

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
