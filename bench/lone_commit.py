"""What one commit carrying one operation costs in CPU, through the service's writer and bare.

At a moderate rate most of the writer's batches hold one appeal, so a lone commit's cost is what
the service pays per appeal there. Measured side by side on uvloop, one after the other, for the
same operation — four inserts into a table with two indexes, `synchronous=FULL`:

- `plain sqlite3` (the fixed reference): a thread of its own runs BEGIN IMMEDIATE, the inserts
  and COMMIT on one connection; the event loop awaits it through `run_in_executor`.
- `writer`: `intake_service.writer.Writer.submit` — the operation on the loop inside a savepoint,
  COMMIT on the writer's own thread, the checkpoint thread beside it, as `pos-intake serve` runs.

Prints the wall time and the process CPU time (all threads) per commit, medians of alternating
rounds, each on a fresh database in the same folder. The issue's figure to beat: 343 µs of CPU a
lone commit through the writer of that time (bench/RESULTS.md).

Run: python bench/lone_commit.py [--commits 3000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import uvloop

from intake_service.store import connect
from intake_service.writer import Writer

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, org INTEGER, at TEXT, body TEXT);"
    "CREATE INDEX IF NOT EXISTS rows_by_org ON rows (org, id);"
    "CREATE INDEX IF NOT EXISTS rows_by_at ON rows (at);"
)
BODY = "Яма на проезжей части у дома 12 по улице Ленина, глубина около 20 см." * 2


def four_inserts(conn: sqlite3.Connection) -> None:
    at = time.strftime("%Y-%m-%dT%H:%M:%S")
    conn.executemany(
        "INSERT INTO rows (org, at, body) VALUES (?, ?, ?)", [(i, at, BODY) for i in range(4)]
    )


def fresh(folder: Path, name: str) -> str:
    path = folder / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = connect(str(path))
    conn.executescript(SCHEMA)
    conn.close()
    return str(path)


async def plain_round(folder: Path, commits: int) -> tuple[float, float]:
    path = fresh(folder, "plain")
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    pool = ThreadPoolExecutor(max_workers=1)
    loop = asyncio.get_running_loop()

    def commit_one() -> None:
        conn.execute("BEGIN IMMEDIATE")
        four_inserts(conn)
        conn.execute("COMMIT")

    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(commits):
        await loop.run_in_executor(pool, commit_one)
    result = (time.perf_counter() - wall) / commits, (time.process_time() - cpu) / commits
    pool.shutdown()
    conn.close()
    return result


async def writer_round(folder: Path, commits: int) -> tuple[float, float]:
    writer = Writer(fresh(folder, "writer"))
    await writer.start()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(commits):
        await writer.submit(four_inserts)
    result = (time.perf_counter() - wall) / commits, (time.process_time() - cpu) / commits
    await writer.stop()
    return result


async def main_async(commits: int, rounds: int) -> None:
    results: dict[str, list[tuple[float, float]]] = {"plain sqlite3": [], "writer": []}
    with tempfile.TemporaryDirectory(prefix="pos-lone-") as name:
        folder = Path(name)
        await plain_round(folder, 200)  # warm up both
        await writer_round(folder, 200)
        for _ in range(rounds):
            results["plain sqlite3"].append(await plain_round(folder, commits))
            results["writer"].append(await writer_round(folder, commits))
    print(f"sqlite {sqlite3.sqlite_version}; {commits:,} lone commits a round, {rounds} rounds\n")
    print("| commit of four inserts | wall µs | CPU µs (all threads) |")
    print("|---|---:|---:|")
    medians = {}
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs) * 1e6
        cpu = statistics.median(r[1] for r in runs) * 1e6
        medians[name] = cpu
        print(f"| {name} | {wall:.0f} | {cpu:.0f} |")
    print(f"\nwriter / plain sqlite3 CPU: {medians['writer'] / medians['plain sqlite3']:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    uvloop.run(main_async(args.commits, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
