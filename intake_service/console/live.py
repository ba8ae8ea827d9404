"""Live updates for open consoles: new rows of the intake log, fanned out to every subscriber
whose organisations they concern (the log's live tail, the board's refresh).

One task watches the log while anyone listens: it reads the events newer than the last one it
saw — an indexed read by id — a few times a second. Watching the table rather than hooking the
writer means that every source of events is seen: intake, the forwarder, the console, CLI
commands run in another process, and on a shared PostgreSQL every other node (`EventFeed`
takes care of ids that become visible out of order there).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from intake_service.events import Event, EventFeed
from intake_service.store import log_failure

if TYPE_CHECKING:
    from intake_service.postgres.notify import Listener

log = logging.getLogger("pos_intake")
POLL_SECONDS = 0.25
QUEUE_SIZE = 1000


@dataclass(eq=False)
class Subscription:
    """What one open page receives: events of its organisations (`None`: every organisation,
    and refusals that named none — a platform admin's view)."""

    org_ids: frozenset[int] | None
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    overflowed: bool = False

    def wants(self, event: Event) -> bool:
        return self.org_ids is None or (event.org_id is not None and event.org_id in self.org_ids)

    def offer(self, event: Event) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:  # a stalled client: it reloads instead of holding memory
            self.overflowed = True


class LiveLog:
    def __init__(self, reader: sqlite3.Connection, listen_url: str | None = None) -> None:
        """`listen_url`: a shared PostgreSQL, whose writers' commits wake the watcher at once
        (postgres/notify.py) rather than at its next look."""
        self._reader = reader
        self._listen_url = listen_url
        self._listener: Listener | None = None
        self._wake = asyncio.Event()
        self._subscriptions: set[Subscription] = set()
        self._task: asyncio.Task[None] | None = None
        self._feed: EventFeed | None = None

    @contextlib.asynccontextmanager
    async def subscribe(self, org_ids: frozenset[int] | None) -> AsyncIterator[Subscription]:
        subscription = Subscription(org_ids)
        if not self._subscriptions and (self._task is None or self._task.done()):
            if self._listen_url is not None and self._listener is None:
                from intake_service.postgres.notify import Listener

                self._listener = Listener(self._listen_url, self._wake)
            self._feed = EventFeed(self._reader, self._newest_id())
            self._task = asyncio.create_task(self._watch(), name="pos-intake-live-log")
        self._subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    def _newest_id(self) -> int:
        row = self._reader.execute("SELECT max(id) FROM events").fetchone()
        return int(row[0] or 0)

    async def _watch(self) -> None:
        while self._subscriptions:
            try:
                self.publish_new()
            except Exception:  # any failure: the live streams must not end with this task
                log_failure("live log: reading new events failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()

    def publish_new(self) -> None:
        """Hand every event newer than the last seen to the subscribers that want it."""
        feed = self._feed
        if feed is None:
            return
        while True:
            events = feed.read(self._reader, limit=500)
            for event in events:
                for subscription in self._subscriptions:
                    if subscription.wants(event):
                        subscription.offer(event)
            if len(events) < 500:
                return

    async def close(self) -> None:
        self._subscriptions.clear()
        if self._listener is not None:
            await asyncio.to_thread(self._listener.close)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
