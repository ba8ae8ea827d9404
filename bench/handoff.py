"""What a hop from the event loop to the writer's thread and back costs, by the way it is made.

The writer runs each COMMIT on its own thread so that the loop keeps serving while SQLite waits
for the disk. Measured here, side by side on uvloop, for a call that does nothing (so only the
hop is timed): `loop.run_in_executor` on a one-thread pool (what the writer uses) against a
thread of our own fed through a `queue.SimpleQueue` that answers with
`loop.call_soon_threadsafe`. Prints the wall time and the CPU time (process time: both threads)
per round trip, medians of alternating rounds.

Run: python bench/handoff.py [--calls 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import queue
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import uvloop


class OwnThread:
    """One thread, one queue: the call and its future go in, the result comes back through the
    loop's thread-safe callback."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._calls.get()
            if item is None:
                return
            loop, future, fn = item
            try:
                result = fn()
            except BaseException as exc:  # handed back to the awaiting coroutine
                loop.call_soon_threadsafe(_fail, future, exc)
            else:
                loop.call_soon_threadsafe(_succeed, future, result)

    def call(self, fn: Callable[[], Any]) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._calls.put((loop, future, fn))
        return future

    def close(self) -> None:
        self._calls.put(None)
        self._thread.join()


def _succeed(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():
        future.set_result(result)


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


def nothing() -> None:
    return None


async def executor_round(pool: ThreadPoolExecutor, calls: int) -> tuple[float, float]:
    loop = asyncio.get_running_loop()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        await loop.run_in_executor(pool, nothing)
    return (time.perf_counter() - wall) / calls, (time.process_time() - cpu) / calls


async def own_round(thread: OwnThread, calls: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        await thread.call(nothing)
    return (time.perf_counter() - wall) / calls, (time.process_time() - cpu) / calls


async def main_async(calls: int, rounds: int) -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    own = OwnThread()
    results: dict[str, list[tuple[float, float]]] = {"run_in_executor": [], "own thread": []}
    await executor_round(pool, 1000)  # warm up both
    await own_round(own, 1000)
    for _ in range(rounds):
        results["run_in_executor"].append(await executor_round(pool, calls))
        results["own thread"].append(await own_round(own, calls))
    pool.shutdown()
    own.close()
    print("| hop | wall µs | CPU µs (both threads) |")
    print("|---|---:|---:|")
    medians = {}
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs) * 1e6
        cpu = statistics.median(r[1] for r in runs) * 1e6
        medians[name] = cpu
        print(f"| {name} | {wall:.1f} | {cpu:.1f} |")
    print(
        f"\nown thread / run_in_executor CPU: "
        f"{medians['own thread'] / medians['run_in_executor']:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    uvloop.run(main_async(args.calls, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
