"""How many live streams (the log's live tail, the board's refresh) may be open at once, per
console session and per client address.

An open stream holds a connection, a subscription to the live log and a queue of up to a
thousand events; without a cap one session opened 3,000 of them. A few tabs of one operator fit
in `POS_CONSOLE_LIVE_PER_SESSION`; `POS_CONSOLE_LIVE_PER_ADDRESS` bounds what one client can
hold with many sessions (an office behind one NAT address shares it). A stream past either cap
is refused with 429 before it starts (`TooManyStreams`: problem+json for a script or
EventSource, a readable page for a browser), and a stream's slot is given back when its response
ends, however it ends (the client went, the session ended, the service stops).

Counted in this node's memory: a stream is a connection to this node.
"""

from __future__ import annotations

from collections import Counter

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from intake_service.errors import TooManyStreams
from intake_service.ratelimit import address_key


class StreamSlots:
    def __init__(self, per_session: int, per_address: int) -> None:
        """Caps of 0 or less turn that cap off."""
        self.per_session = per_session
        self.per_address = per_address
        self._sessions: Counter[str] = Counter()
        self._addresses: Counter[str] = Counter()

    def take(self, session: str, address: str) -> Slot:
        """A slot for one more stream of `session` (its id hash) from `address`, or
        TooManyStreams if either already has as many as allowed."""
        address = address_key(address)
        if 0 < self.per_session <= self._sessions[session]:
            raise TooManyStreams(self.per_session, scope="live-session")
        if 0 < self.per_address <= self._addresses[address]:
            raise TooManyStreams(self.per_address, scope="live-address")
        self._sessions[session] += 1
        self._addresses[address] += 1
        return Slot(self, session, address)

    def _give_back(self, session: str, address: str) -> None:
        for counter, key in ((self._sessions, session), (self._addresses, address)):
            counter[key] -= 1
            if counter[key] <= 0:
                del counter[key]


class Slot:
    """One open stream's place; given back once, however often `release` is called."""

    def __init__(self, slots: StreamSlots, session: str, address: str) -> None:
        self._slots = slots
        self._key: tuple[str, str] | None = (session, address)

    def release(self) -> None:
        if self._key is not None:
            self._slots._give_back(*self._key)
            self._key = None


class SlotStream(StreamingResponse):
    """A live stream that gives its slot back when the response ends — sent in full, cut off
    by the client, or cancelled — rather than when its generator does: a generator the server
    never started (the client left first) runs no `finally`."""

    def __init__(self, slot: Slot, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.slot = slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.slot.release()
