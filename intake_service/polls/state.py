"""What polls add beside the runtime, built when the service starts (as console/state.py and
followup/state.py do for theirs): the budget of ballots and comments per poll and client
address, which is what stops a flood at the `anyone` level, where a browser can forget its
voter id."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.requests import Request

from intake_service.ratelimit import RateLimiter, address_key
from intake_service.runtime import Runtime


@dataclass
class PollsState:
    per_poll: RateLimiter  # keyed "<poll id> <address>"

    def check(self, poll_id: str, host: str) -> None:
        """Take one from the address's budget for this poll, or raise RateLimited."""
        self.per_poll.check(f"{poll_id} {address_key(host)}")


def polls_of(request: Request) -> PollsState:
    return request.app.state.polls


@contextlib.asynccontextmanager
async def running(runtime: Runtime) -> AsyncIterator[PollsState]:
    yield PollsState(per_poll=RateLimiter(runtime.settings.rate_limit_poll, "poll"))
