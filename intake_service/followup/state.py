"""What the citizen's follow-through adds to the runtime, built when the service starts: the
client of the identity provider, and its background jobs — the periods that end (a verdict's,
a question's, a held appeal's) with the operators' daily digest, and the agencies' reply queue.

Beside the runtime rather than inside it, as the console's own state is (console/state.py):
the runtime is what every capability shares, so importing it must not load this capability's
insides (pyproject.toml, [tool.importlinter]). `create_app`'s lifespan enters `running` after
the runtime and leaves it first, so the jobs stop while the writer still takes their work.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.requests import Request

from intake_service.followup import periods
from intake_service.followup.oidc import OidcClient
from intake_service.followup.reply_queue import ReplyQueue
from intake_service.runtime import Runtime


@dataclass
class FollowupState:
    oidc: OidcClient  # sign-in at the identity provider (followup/oidc.py)


def followup_of(request: Request) -> FollowupState:
    return request.app.state.followup


@contextlib.asynccontextmanager
async def running(runtime: Runtime) -> AsyncIterator[FollowupState]:
    settings = runtime.settings
    jobs = []
    if runtime.role.runs_background:  # in the worker process, beside the web (worker.py)
        jobs.append(asyncio.create_task(periods.run(runtime), name="pos-intake-periods"))
    replies = ReplyQueue(runtime) if settings.reply_amqp_url and runtime.role.serves else None
    if replies is not None:
        jobs.append(asyncio.create_task(replies.run(), name="pos-intake-replies"))
    try:
        yield FollowupState(oidc=OidcClient(settings))
    finally:
        if replies is not None:
            await replies.close()
        for task in jobs:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
