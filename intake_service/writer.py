"""The single writer: one thread owns the write connection and commits in groups.

Requests hand in an operation (a function of the connection) and await its future. The writer
takes everything waiting, runs each operation inside its own savepoint in one `BEGIN IMMEDIATE …
COMMIT`, and only after the commit resolves the futures — so an answer that says "accepted" is
always sent after the data is on disk, and no request waits longer than the batch after the one
in progress. One failing operation rolls back to its savepoint and fails alone.

A thread rather than an asyncio task because sqlite3 blocks: the thread releases the GIL while
SQLite works and fsyncs, and the event loop keeps serving requests meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from intake_service.store import connect

T = TypeVar("T")
Operation = Callable[[sqlite3.Connection], Any]
_STOP = object()


class WriterStopped(RuntimeError):
    """The writer is not running; nothing was written."""


class Writer:
    def __init__(
        self,
        path: str,
        *,
        synchronous: str = "FULL",
        max_batch: int = 256,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self._path = path
        self._synchronous = synchronous
        self._max_batch = max(1, max_batch)
        self._on_batch = on_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running = False
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None

    @property
    def alive(self) -> bool:
        return self._running and self._thread is not None and self._thread.is_alive()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="pos-intake-writer", daemon=True)
        self._running = True
        self._thread.start()
        await asyncio.to_thread(self._ready.wait)
        if self._startup_error is not None:
            self._running = False
            raise self._startup_error

    async def stop(self) -> None:
        """Finish everything already handed in, then close the connection."""
        if not self._running or self._thread is None:
            return
        self._running = False
        self._queue.put(_STOP)
        await asyncio.to_thread(self._thread.join)

    def submit_nowait(self, op: Operation) -> asyncio.Future[Any]:
        if not self.alive or self._loop is None:
            raise WriterStopped("the writer is not running")
        future: asyncio.Future[Any] = self._loop.create_future()
        self._queue.put((op, future))
        return future

    async def submit(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """Run `op` in the next batch and return its result once the batch is committed."""
        return await self.submit_nowait(op)

    # --- the writer thread -------------------------------------------------------------------

    def _run(self) -> None:
        try:
            conn = connect(self._path, synchronous=self._synchronous)
        except BaseException as exc:  # reported to start()
            self._startup_error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            stopping = False
            while not stopping:
                first = self._queue.get()
                if first is _STOP:
                    break
                batch = [first]
                while len(batch) < self._max_batch:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is _STOP:
                        stopping = True
                        break
                    batch.append(item)
                outcomes = self._commit(conn, batch)
                assert self._loop is not None
                # a closed loop means nobody is waiting any more
                with contextlib.suppress(RuntimeError):
                    self._loop.call_soon_threadsafe(self._resolve, outcomes)
        finally:
            conn.close()

    def _commit(
        self, conn: sqlite3.Connection, batch: list[tuple[Operation, asyncio.Future[Any]]]
    ) -> list[tuple[asyncio.Future[Any], Any, BaseException | None]]:
        outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for op, future in batch:
                conn.execute("SAVEPOINT op")
                try:
                    result = op(conn)
                except Exception as exc:
                    conn.execute("ROLLBACK TO op")
                    conn.execute("RELEASE op")
                    outcomes.append((future, None, exc))
                else:
                    conn.execute("RELEASE op")
                    outcomes.append((future, result, None))
            conn.execute("COMMIT")
        except Exception as exc:  # the transaction as a whole failed: nothing of it is kept
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            return [(future, None, exc) for _, future in batch]
        return outcomes

    def _resolve(
        self, outcomes: list[tuple[asyncio.Future[Any], Any, BaseException | None]]
    ) -> None:
        if self._on_batch is not None:
            self._on_batch(len(outcomes))
        for future, result, error in outcomes:
            if future.done():  # the request was cancelled; the write stands regardless
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)
