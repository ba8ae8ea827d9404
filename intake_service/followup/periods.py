"""The periods that run out without anyone acting: an answer the citizen said nothing about
within `POS_VERDICT_DAYS` counts as resolved, a question unanswered past its date closes the
appeal as `not_clarified`, an appeal held for an e-mail confirmation nobody gave expires — and
once a day the operators' digest of overdue appeals goes out (followup/digest.py). A background job of the service, through the one writer, in
bounded batches, so that a backlog of a thousand passes like any other write."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from intake_service import photos
from intake_service.followup import due_backfill
from intake_service.followup.digest import DigestJob
from intake_service.followup.held import any_expired
from intake_service.followup.held import expire_op as expire_held_op
from intake_service.followup.verdict import settle_verdicts_op, verdicts_due
from intake_service.lifecycle.clarify import expire_op, questions_due
from intake_service.lifecycle.deadlines import today_in
from intake_service.org_settings import timezone_of
from intake_service.store import log_failure
from intake_service.writer import WriterStopped

if TYPE_CHECKING:
    from intake_service.runtime import Runtime

log = logging.getLogger("pos_intake")
PERIOD_SECONDS = 2.0  # how often the periods are looked at: one indexed read each when idle
# Appeals one writer operation of a period changes. Each costs ~2.5 ms with its triggers, event
# and notice, and intake's commits wait for the operation — in another process (the worker),
# for SQLite's lock, whose busy handler sleeps in growing steps. At 200 every 2 s a backlog (an
# upgrade with 330,000 answers past their period at 1,000,000 appeals) held intake's p99 at
# 60/s at 0.46-1.08 s; at 10 every 20 ms, 0.46-0.91 s (the lock always taken); at 10 every
# 0.25 s, 27-82 ms (one process: 20-30 ms), draining ~40 a second — a backlog that size in
# about two hours, once (bench/RESULTS.md, 2026-12-08).
BATCH = 10
BATCH_PAUSE = 0.25


async def run(runtime: Runtime) -> None:
    digests = DigestJob()
    try:
        await due_backfill.backfill(runtime)
    except WriterStopped:
        return
    except Exception:
        log_failure("due dates of older appeals: failed; trying again at the next start")
    resolved = closed = 0  # since the last line: a backlog drained is one line a minute
    said = time.monotonic()
    while True:
        more = False
        try:
            looked = await look(runtime)
            resolved, closed, more = (
                resolved + looked.resolved,
                closed + looked.closed,
                looked.more,
            )
            await digests.look(runtime)
        except WriterStopped:
            return
        except Exception:
            log_failure("follow-through periods: failed; trying again")
        if (resolved or closed) and (not more or time.monotonic() - said >= 60):
            log.info("periods: %d answer(s) now resolved, %d not clarified", resolved, closed)
            resolved = closed = 0
            said = time.monotonic()
        await asyncio.sleep(BATCH_PAUSE if more else PERIOD_SECONDS)


@dataclass(frozen=True)
class Looked:
    resolved: int
    closed: int
    more: bool  # a batch was full: more may be due at once


async def look(runtime: Runtime) -> Looked:
    """One look; the writer is asked only when a read found something due (a transaction
    with its fsync every few seconds for nothing would be a cost of an idle service)."""
    reader = runtime.reader
    resolved = closed = expired = 0
    if verdicts_due(reader, runtime.settings.verdict_days):
        resolved = await runtime.writer.submit(
            settle_verdicts_op(runtime.settings.verdict_days, BATCH)
        )
    today = {o.id: today_in(timezone_of(o)).isoformat() for o in runtime.directory.orgs()}
    if today and questions_due(reader, max(today.values())):
        closed = await runtime.writer.submit(expire_op(today, BATCH))
    if any_expired(reader, time.time()):
        held_ids = await runtime.writer.submit(expire_held_op(time.time(), BATCH))
        expired = len(held_ids)
        for held_id in held_ids:
            photos.discard(runtime.media_root / held_id)
    if (resolved or closed) and runtime.forwarder is not None:
        runtime.forwarder.wake()
    return Looked(resolved, closed, BATCH in (resolved, closed, expired))
