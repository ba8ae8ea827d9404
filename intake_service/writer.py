"""The single writer: one connection, one transaction at a time, commits in groups.

Requests hand in an operation (a function of the connection) and await its future. The writer
takes everything waiting, runs each operation inside its own savepoint in one `BEGIN IMMEDIATE …
COMMIT`, and only after the commit resolves the futures — so an answer that says "accepted" is
always sent after the data is on disk, and no request waits longer than the batch after the one
in progress. One failing operation rolls back to its savepoint and fails alone.

The operations themselves run on the event loop: they are a few indexed statements on pages in
the cache, shorter than a hop to another thread. What can block — waiting for the write lock a
CLI command holds, and the COMMIT with its fsync and WAL checkpoints — runs on the writer's own
thread, which holds no GIL while SQLite works, so the loop keeps serving requests and gathering
the next batch. (An earlier version ran whole batches on that thread: its Python code and the
loop's fought over the GIL and every handoff cost up to the 5 ms switch interval — bench/.)
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from intake_service.store import connect

T = TypeVar("T")
Operation = Callable[[sqlite3.Connection], Any]
Outcome = tuple["asyncio.Future[Any]", Any, BaseException | None]


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
        self._pending: list[tuple[Operation, asyncio.Future[Any]]] = []
        self._wake = asyncio.Event()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pos-intake-writer")
        self._conn: sqlite3.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._running = False

    @property
    def alive(self) -> bool:
        return self._running and self._task is not None and not self._task.done()

    async def start(self) -> None:
        self._conn = await self._blocking(connect, self._path, synchronous=self._synchronous)
        self._running = True
        self._task = asyncio.create_task(self._run(), name="pos-intake-writer")

    async def stop(self) -> None:
        """Finish everything already handed in, then close the connection."""
        if not self._running or self._task is None:
            return
        self._running = False
        self._wake.set()
        with contextlib.suppress(Exception):
            await self._task
        if self._conn is not None:
            await self._blocking(self._conn.close)
        self._thread.shutdown(wait=True)

    def submit_nowait(self, op: Operation) -> asyncio.Future[Any]:
        if not self.alive:
            raise WriterStopped("the writer is not running")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((op, future))
        self._wake.set()
        return future

    async def submit(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """Run `op` in the next batch and return its result once the batch is committed."""
        return await self.submit_nowait(op)

    # --- the batches ---------------------------------------------------------------------------

    async def _blocking(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, lambda: fn(*args, **kwargs))

    async def _run(self) -> None:
        while self._running or self._pending:
            if not self._pending:
                await self._wake.wait()
                self._wake.clear()
                continue
            self._resolve(await self._commit())

    async def _commit(self) -> list[Outcome]:
        conn = self._conn
        assert conn is not None
        outcomes: list[Outcome] = []
        batch: list[tuple[Operation, asyncio.Future[Any]]] = []
        try:
            await self._blocking(conn.execute, "BEGIN IMMEDIATE")
            # taken after the lock is ours, so that what arrived meanwhile joins this batch
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
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
            await self._blocking(conn.execute, "COMMIT")
        except Exception as exc:  # the transaction as a whole failed: nothing of it is kept
            if not batch:  # BEGIN itself failed: the waiting operations fail with it
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    await self._blocking(conn.execute, "ROLLBACK")
            return [(future, None, exc) for _, future in batch]
        return outcomes

    def _resolve(self, outcomes: list[Outcome]) -> None:
        if self._on_batch is not None:
            self._on_batch(len(outcomes))
        for future, result, error in outcomes:
            if future.done():  # the request was cancelled; the write stands regardless
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)
