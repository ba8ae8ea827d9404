"""The single writer: one connection, one transaction at a time, commits in groups.

Requests hand in an operation (a function of the connection) and await its future. The writer
takes everything waiting, runs each operation inside its own savepoint in one `BEGIN IMMEDIATE …
COMMIT`, and only after the commit resolves the futures — so an answer that says "accepted" is
always sent after the data is on disk, and no request waits longer than the batch after the one
in progress. One failing operation rolls back to its savepoint and fails alone.

The operations themselves run on the event loop: they are a few indexed statements on pages in
the cache, shorter than a hop to another thread. BEGIN too, when the lock is free; while a CLI
command holds it the writer retries with pauses instead of blocking. The COMMIT, with its fsync
and WAL checkpoints, runs on the writer's own thread, which holds no GIL while SQLite works, so
the loop keeps serving requests and gathering the next batch. Checkpoints are not part of any
commit: a thread of their own copies the WAL into the database (checkpoints.py). (An earlier
version ran whole batches on that thread: its Python code and the loop's fought over the GIL and
every handoff cost up to the 5 ms switch interval — bench/.)

On PostgreSQL a whole batch runs on that thread, pipelined, with a marker row by which a batch
whose COMMIT answer was lost with its connection is found stored or not (postgres/batches.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from intake_service.checkpoints import (
    INTERVAL,
    RESTART_FRAMES,
    Checkpointer,
    checkpoint,
    prepare_writer,
)
from intake_service.postgres import is_postgres
from intake_service.postgres.batches import PostgresBatches
from intake_service.store import BUSY_TIMEOUT_MS, config_version, connect
from intake_service.writer_batch import (
    AfterCommit,
    AfterFailure,
    CommitThread,
    Hooks,
    Operation,
    Outcome,
    Pending,
)

log = logging.getLogger("pos_intake")
T = TypeVar("T")


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
        config_changed: Callable[[], None] | None = None,
        checkpoints: bool = True,
        restart_frames: int = RESTART_FRAMES,
        checkpoint_interval: float = INTERVAL,
    ) -> None:
        self._path = path
        self._synchronous = synchronous
        self._max_batch = max(1, max_batch)
        self._on_batch = on_batch
        self._config_changed = config_changed
        self._config_version = -1
        self._pending: list[Pending] = []
        self._wake = asyncio.Event()
        self._thread = CommitThread()
        self._conn: sqlite3.Connection | None = None
        self._batches: PostgresBatches | None = None  # PostgreSQL: how a batch commits there
        self._task: asyncio.Task[None] | None = None
        self._running = False
        # PostgreSQL: every statement is a round trip to the server, so a whole batch runs on
        # the writer's thread, where waiting for the server holds no GIL and stalls no request
        self._postgres = is_postgres(path)
        # WAL checkpoints off the commit path (checkpoints.py); SQLite only
        self._checkpointer = (
            Checkpointer(
                path,
                synchronous=synchronous,
                interval=checkpoint_interval,
                restart_frames=restart_frames,
            )
            if checkpoints and not self._postgres
            else None
        )

    @property
    def alive(self) -> bool:
        return self._running and self._task is not None and not self._task.done()

    @property
    def waiting(self) -> int:
        """Operations handed in and not yet taken into a batch (while a CLI command holds the
        write lock, everything handed in waits here)."""
        return len(self._pending)

    async def start(self) -> None:
        self._conn = await self._blocking(connect, self._path, synchronous=self._synchronous)
        if self._postgres:
            self._batches = PostgresBatches(
                self._conn, read_version=self._config_changed is not None
            )
        else:
            self._conn.execute("PRAGMA busy_timeout = 0")  # _begin waits for the lock itself
        if self._checkpointer is not None:
            prepare_writer(self._conn, self._checkpointer.restart_frames)
            self._checkpointer.start()
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
        if self._checkpointer is not None:
            await asyncio.to_thread(self._checkpointer.stop)
        if self._conn is not None:
            await self._blocking(self._conn.close)
        await asyncio.to_thread(self._thread.close)

    def submit_nowait(
        self,
        op: Operation,
        *,
        after_commit: AfterCommit | None = None,
        after_failure: AfterFailure | None = None,
    ) -> asyncio.Future[Any]:
        """Queue `op`; the future resolves once its batch committed (see `submit`).

        Cancelling the future does not take the operation back: it runs and commits all the
        same. So what must be undone when the operation does NOT commit belongs in
        `after_failure(error)`, which the writer calls when the operation raised or its
        transaction failed — whether or not anyone still awaits the future."""
        if not self.alive:
            raise WriterStopped("the writer is not running")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((op, future, Hooks(after_commit, after_failure)))
        self._wake.set()
        return future

    async def submit(
        self,
        op: Callable[[sqlite3.Connection], T],
        *,
        after_commit: Callable[[T], None] | None = None,
        after_failure: AfterFailure | None = None,
    ) -> T:
        """Run `op` in the next batch and return its result once the batch is committed.

        `after_commit(result)` runs right after the commit, in the same turn of the event loop
        and before any waiter resumes: what must follow the data onto disk (waking the
        forwarder) starts at once instead of a few loop turns later, behind other requests.
        `after_failure(error)` runs instead when the operation is not committed."""
        return await self.submit_nowait(op, after_commit=after_commit, after_failure=after_failure)

    # --- the batches ---------------------------------------------------------------------------

    async def _blocking(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self._thread.call(lambda: fn(*args, **kwargs))

    async def _run(self) -> None:
        while self._running or self._pending:
            if not self._pending:
                await self._wake.wait()
                self._wake.clear()
                continue
            self._resolve(await self._commit())
            if self._checkpointer is not None and self._checkpointer.wants_restart:
                await self._blocking(self._catch_up)

    async def _commit(self) -> list[Outcome]:
        if self._postgres:
            return await self._commit_on_thread()
        conn = self._conn
        assert conn is not None
        outcomes: list[Outcome] = []
        batch: list[Pending] = []
        try:
            await self._begin(conn)
            # taken after the lock is ours, so that what arrived meanwhile joins this batch
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            for op, future, hooks in batch:
                conn.execute("SAVEPOINT op")
                try:
                    result = op(conn)
                except Exception as exc:
                    conn.execute("ROLLBACK TO op")
                    conn.execute("RELEASE op")
                    outcomes.append((future, None, exc, hooks))
                else:
                    conn.execute("RELEASE op")
                    outcomes.append((future, result, None, hooks))
            version = config_version(conn) if self._config_changed is not None else -1
            await self._blocking(conn.execute, "COMMIT")
        except Exception as exc:  # the transaction as a whole failed: nothing of it is kept
            if not batch:  # BEGIN itself failed: the waiting operations fail with it
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    await self._blocking(conn.execute, "ROLLBACK")
            return [(future, None, exc, hooks) for _, future, hooks in batch]
        self._note_config(version)
        return outcomes

    def _note_config(self, version: int) -> None:
        """`version` was read inside the batch's own transaction, from a page it has in hand:
        a change to the registry (the console's site page, a key) is known at once, without a
        read transaction on another connection after every batch."""
        if version != self._config_version and self._config_changed is not None:
            self._config_version = version
            self._config_changed()

    async def _commit_on_thread(self) -> list[Outcome]:
        """One batch in one transaction, all of it on the writer's thread (PostgreSQL). While
        the server is unreachable the whole batch fails at BEGIN — the requests answer 503 —
        and the next batch connects again."""
        batch = self._pending[: self._max_batch]
        del self._pending[: self._max_batch]
        batches = self._batches
        assert batches is not None
        outcomes, version = await self._thread.call(
            lambda: batches.run(batch, self._config_version)
        )
        self._note_config(version)
        return outcomes

    def _catch_up(self) -> None:
        """Between two batches, copy the WAL's last frames so that the next transaction starts
        it again from its beginning (checkpoints.py); at most once per look of the
        checkpointer, whatever it finds."""
        assert self._conn is not None and self._checkpointer is not None
        self._checkpointer.frames = 0
        try:
            checkpoint(self._conn)
        except sqlite3.Error as exc:
            log.warning("checkpoint between batches: %s", exc)

    async def _begin(self, conn: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE right on the loop when the write lock is free — the usual case, no
        thread hop; while a CLI command holds it, retry with growing pauses that leave the loop
        free, up to the same busy timeout every other connection has."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.001
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)

    def _resolve(self, outcomes: list[Outcome]) -> None:
        if self._on_batch is not None:
            self._on_batch(len(outcomes))
        for _, result, error, hooks in outcomes:
            if error is None and hooks.after_commit is not None:
                try:
                    hooks.after_commit(result)
                except Exception:
                    log.exception("writer: an after-commit hook failed; the data is stored")
            elif error is not None and hooks.after_failure is not None:
                try:
                    hooks.after_failure(error)
                except Exception:
                    log.exception("writer: an after-failure hook failed; nothing was stored")
        for future, result, error, _ in outcomes:
            if future.done():  # the request was cancelled; the write stands regardless
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)
