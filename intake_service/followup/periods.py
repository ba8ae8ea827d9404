"""The periods that run out without anyone acting: an answer the citizen said nothing about
within `POS_VERDICT_DAYS` counts as resolved, a question unanswered past its date closes the
appeal as `not_clarified`, an appeal held for an e-mail confirmation nobody gave expires — and
once a day the operators' digest of overdue appeals goes out (followup/digest.py). A background job of the service, through the one writer, in
bounded batches, so that a backlog of a thousand passes like any other write."""

from __future__ import annotations

import asyncio
import logging
import time
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


async def run(runtime: Runtime) -> None:
    digests = DigestJob()
    try:
        await due_backfill.backfill(runtime)
    except WriterStopped:
        return
    except Exception:
        log_failure("due dates of older appeals: failed; trying again at the next start")
    while True:
        try:
            await look(runtime)
            await digests.look(runtime)
        except WriterStopped:
            return
        except Exception:
            log_failure("follow-through periods: failed; trying again")
        await asyncio.sleep(PERIOD_SECONDS)


async def look(runtime: Runtime) -> None:
    """One look; the writer is asked only when a read found something due (a transaction
    with its fsync every few seconds for nothing would be a cost of an idle service)."""
    reader = runtime.reader
    resolved = closed = 0
    if verdicts_due(reader, runtime.settings.verdict_days):
        resolved = await runtime.writer.submit(settle_verdicts_op(runtime.settings.verdict_days))
    today = {o.id: today_in(timezone_of(o)).isoformat() for o in runtime.directory.orgs()}
    if today and questions_due(reader, max(today.values())):
        closed = await runtime.writer.submit(expire_op(today))
    if any_expired(reader, time.time()):
        for held_id in await runtime.writer.submit(expire_held_op(time.time())):
            photos.discard(runtime.media_root / held_id)
    if resolved or closed:
        log.info("periods: %d answer(s) now resolved, %d not clarified", resolved, closed)
        if runtime.forwarder is not None:
            runtime.forwarder.wake()
