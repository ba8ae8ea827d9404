"""The WAL under writes that never pause: checkpoints run beside the commits (not inside them),
and the WAL still starts again from its beginning, so its file stays bounded instead of
growing with everything ever written."""

from __future__ import annotations

import asyncio
import os
import sqlite3

import pytest

from intake_service.store import open_database
from intake_service.writer import Writer

from conftest import run_async

ROW = os.urandom(4000)  # about a page a row


def _write(conn: sqlite3.Connection) -> None:
    conn.executemany("INSERT INTO scratch (x) VALUES (?)", [(ROW,)] * 8)


@pytest.mark.sqlite_only("the WAL file is SQLite's")
def test_the_wal_restarts_and_stays_bounded_under_continuous_writes(tmp_path):
    db = tmp_path / "pos.db"
    open_database(db).close()
    wal = db.with_name(db.name + "-wal")
    sizes: list[int] = []

    async def story() -> None:
        # a small restart size, so that a few megabytes show what hundreds would
        writer = Writer(str(db), restart_frames=64, checkpoint_interval=0.01)
        await writer.start()
        try:
            await writer.submit(lambda c: c.execute("CREATE TABLE scratch (x BLOB)"))
            for _ in range(300):  # ~38 MB, batch after batch with no pause between
                await asyncio.gather(*(writer.submit(_write) for _ in range(4)))
                sizes.append(wal.stat().st_size)
                await asyncio.sleep(0)
        finally:
            await writer.stop()

    run_async(story())
    conn = sqlite3.connect(db)
    try:
        (rows,) = conn.execute("SELECT count(*) FROM scratch").fetchone()
    finally:
        conn.close()
    assert rows == 300 * 4 * 8  # every write committed
    written = rows * len(ROW)
    # checkpoints beside the commits alone never catch up: the WAL would hold nearly all that
    # was written (~38 MB, measured 43 MB); with the writer's catch-up between batches it
    # starts again every few hundred kilobytes (64 frames of 4 KiB; measured 2 MB at most)
    assert written > 35_000_000
    assert max(sizes) < 8_000_000, max(sizes)
