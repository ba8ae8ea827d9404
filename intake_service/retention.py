"""Retention: the citizen's personal data of an appeal closed more than `POS_RETENTION_YEARS`
ago is erased (erasure.py), by a background job of every node, through the one writer.

It looks at the start and then once an hour; what it finds goes in small batches (BATCH
appeals, one writer operation each, a pause after each proportional to its time), so intake
goes first even when the first start after an upgrade finds a hundred thousand appeals due.
An appeal counts as closed when its status is closed or resolved, and since its last change
(`updated_at`: the closing, or the verdict after it). Found on the partial index
`appeals_to_erase` (migration 25), oldest first. 0 years keeps everything for ever.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from intake_service.erasure import Why, erase_op, remove_files
from intake_service.statuses import STATUS_TYPES, StatusType
from intake_service.store import log_failure, now_iso
from intake_service.writer import WriterStopped

if TYPE_CHECKING:
    from intake_service.runtime import Runtime

log = logging.getLogger("pos_intake")
LOOK_SECONDS = 3600.0
BATCH = 50
PAUSE_SECONDS = 0.05  # at least, between batches
PAUSE_FACTOR = 2.0  # and twice as long as the batch took
CLOSED = tuple(str(s) for s, kind in STATUS_TYPES.items() if kind != StatusType.OPEN)


def cutoff(years: int, now: float | None = None) -> str:
    """The moment `years` before now, in the store's ISO format (29 February goes to the 28th)."""
    moment = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    try:
        back = moment.replace(year=moment.year - years)
    except ValueError:
        back = moment.replace(year=moment.year - years, day=28)
    return now_iso(back.timestamp())


def due(conn: sqlite3.Connection, before: str, limit: int) -> list[str]:
    """Up to `limit` closed appeals not erased whose last change is before `before`."""
    marks = ",".join("?" * len(CLOSED))
    return [
        row[0]
        for row in conn.execute(
            "SELECT id FROM appeals WHERE erased_at IS NULL AND updated_at < ? "
            f"AND status IN ({marks}) ORDER BY updated_at LIMIT ?",
            (before, *CLOSED, limit),
        )
    ]


async def run(runtime: Runtime) -> None:
    years = runtime.settings.retention_years
    if years <= 0:
        return
    while True:
        try:
            await erase_due(runtime, years)
        except WriterStopped:
            return
        except Exception:
            log_failure("retention: erasing old appeals failed; trying again in an hour")
        await asyncio.sleep(LOOK_SECONDS)


async def erase_due(runtime: Runtime, years: int) -> int:
    """Erase every appeal due, BATCH at a time; how many were erased."""
    loop = asyncio.get_running_loop()
    before = cutoff(years)
    total = 0
    while ids := due(runtime.reader, before, BATCH):
        started = loop.time()
        erased = await runtime.writer.submit(erase_op(ids, why=Why.RETENTION, by="retention"))
        remove_files(runtime.media_root, erased)
        total += sum(not e.already for e in erased)
        if runtime.forwarder is not None:
            runtime.forwarder.wake()
        if len(ids) < BATCH:
            break
        await asyncio.sleep(max(PAUSE_SECONDS, PAUSE_FACTOR * (loop.time() - started)))
    if total:
        log.info("retention: personal data of %d appeal(s) closed before %s erased", total, before)
    return total
