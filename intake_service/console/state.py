"""What the console needs beside the intake runtime, built when the service starts: the reader
pool for slow queries, the live log and its streams' caps, the sign-in throttles, and its own
upkeep."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.requests import Request

from intake_service.console.live import LiveLog
from intake_service.console.lockout import AccountLockout
from intake_service.console.reads import ReaderPool
from intake_service.console.search import keep_indexed
from intake_service.console.sessions import forget_idle_op
from intake_service.console.streams import StreamSlots
from intake_service.postgres import is_postgres
from intake_service.ratelimit import RateLimiter, address_key
from intake_service.runtime import Runtime
from intake_service.writer import WriterStopped

log = logging.getLogger("pos_intake")
LOCKOUT_SECONDS = 15 * 60
GIL_SWITCH_SECONDS = 0.0005
UPKEEP_SECONDS = 600.0


@dataclass
class ConsoleState:
    runtime: Runtime
    reads: ReaderPool
    live: LiveLog
    signin_limiter: RateLimiter  # every sign-in attempt, per client address
    lockout: AccountLockout  # sign-in attempts per account, counted before the password check
    streams: StreamSlots  # open live streams per session and per client address
    # Set as the server starts shutting down: open live streams end (uvicorn waits for every
    # open response before the lifespan's shutdown, and an event stream never ends by itself).
    stopping: bool = False


def console_of(request: Request) -> ConsoleState:
    return request.app.state.console


@contextlib.asynccontextmanager
async def running(runtime: Runtime) -> AsyncIterator[ConsoleState]:
    settings = runtime.settings
    # Reader threads hand the GIL back to the event loop after at most this long (Python's
    # default is 5 ms: a console query's Python part could hold intake that long per switch;
    # measured in bench/console.py: intake p99 under console load 77 ms at 5 ms, 18 ms here).
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    state = ConsoleState(
        runtime=runtime,
        reads=ReaderPool(settings.db, settings.console_readers),
        live=LiveLog(runtime.reader, settings.db if is_postgres(settings.db) else None),
        signin_limiter=RateLimiter(settings.console_signin_address, "signin", key=address_key),
        lockout=AccountLockout(settings.console_signin_account, LOCKOUT_SECONDS),
        streams=StreamSlots(settings.console_live_per_session, settings.console_live_per_address),
    )
    jobs = []
    if runtime.role.serves:
        jobs.append(asyncio.create_task(_upkeep(state), name="pos-intake-console-upkeep"))
    if runtime.role.runs_background:  # the index is kept by the worker process (worker.py)
        jobs.append(
            asyncio.create_task(
                keep_indexed(state.reads, runtime.writer), name="pos-intake-search-indexer"
            )
        )
    try:
        yield state
    finally:
        state.stopping = True
        for task in jobs:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await state.live.close()
        state.reads.close()


async def _upkeep(state: ConsoleState) -> None:
    """Sessions idle past the limit are deleted every few minutes (they are refused at once
    anyway; this keeps the table small)."""
    while True:
        try:
            await state.runtime.writer.submit(
                forget_idle_op(state.runtime.settings.console_session_idle)
            )
        except WriterStopped:
            return
        except Exception:
            log.exception("console upkeep failed; trying again later")
        await asyncio.sleep(UPKEEP_SECONDS)
