"""What one batch of the single writer is made of — each operation handed in with its future and
its hooks (`Pending`), what became of it (`Outcome`) — and the writer's own thread, on which
batches commit (`CommitThread`).

Apart from writer.py because both engines' commits use them: SQLite's in writer.py, PostgreSQL's
in postgres/batches.py.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")
Operation = Callable[[sqlite3.Connection], Any]
AfterCommit = Callable[[Any], None]
AfterFailure = Callable[[BaseException], None]


class Hooks(NamedTuple):
    after_commit: AfterCommit | None = None
    after_failure: AfterFailure | None = None


Pending = tuple[Operation, "asyncio.Future[Any]", Hooks]
Outcome = tuple["asyncio.Future[Any]", Any, BaseException | None, Hooks]


class CommitThread:
    """The writer's own thread: a call goes in through a queue, its result comes back through
    the loop's thread-safe callback. Half the CPU of `run_in_executor`'s round trip
    (bench/handoff.py: 24 against 46 µs), which a lone appeal's commit pays in full."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="pos-intake-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._calls.get()) is not None:
            loop, future, fn = item
            try:
                result = fn()
            except BaseException as exc:  # handed to the awaiting coroutine
                loop.call_soon_threadsafe(_settle, future, None, exc)
            else:
                loop.call_soon_threadsafe(_settle, future, result, None)

    def call(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put((loop, future, fn))
        return future

    def close(self) -> None:
        """Finish what was handed in, then end the thread."""
        self._calls.put(None)
        self._thread.join()


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the awaiting side was cancelled; the call ran regardless
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
