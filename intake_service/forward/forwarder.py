"""The forwarder: drains the outbox rows of external sinks (RabbitMQ, webhooks) into them.

Each accepted appeal has one outbox row per sink, written in its own transaction. The forwarder
reads due rows, hands them to their sink — many in flight, confirms awaited together — and
settles each through the single writer: `done` with a `forwarded` event once the sink confirmed;
otherwise `failed` with the next attempt after an exponential backoff with jitter and a `failed`
event; after the last attempt `dead` with a `dead` event. Nothing is removed, so an appeal is
always delivered, waiting, or visibly dead.

Rows being delivered are kept in memory only; a crash forgets them and they are sent again after
the restart. Consumers may therefore see a message twice, never zero times; `message_id` (the
appeal id) lets them drop repeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from intake_service import photos
from intake_service.appeals import DOCUMENT_SCHEMA, document, load_appeals
from intake_service.directory import OrgDirectory
from intake_service.events import EventType, insert_event
from intake_service.forward.outbox import OutboxState
from intake_service.forward.rabbitmq import RabbitPublisher
from intake_service.forward.sinks import Sink, masked_url
from intake_service.forward.types import Outgoing
from intake_service.forward.webhook import WebhookPoster
from intake_service.settings import Settings
from intake_service.store import now_iso
from intake_service.writer import Writer

log = logging.getLogger("pos_intake")
IDLE_SECONDS = 1.0  # longest sleep when nothing is due and nobody wakes the forwarder
BACKLOG_SECONDS = 1.0  # how often the backlog figure for /readyz and intake is recounted


class Publisher(Protocol):
    sink: Sink

    async def publish(self, messages: list[Outgoing]) -> list[str | None]: ...

    async def close(self) -> None: ...


@dataclass
class SinkHealth:
    """What /readyz and `queue stats` say of a sink: its last delivery and its last error."""

    last_ok: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None

    @property
    def failing(self) -> bool:
        return self.last_error_at is not None and (self.last_ok or 0) < self.last_error_at


@dataclass(frozen=True)
class Settled:
    outbox_id: int
    appeal_id: str
    org_id: int
    sink: str
    number: str
    error: str | None


@dataclass
class Forwarder:
    settings: Settings
    writer: Writer
    reader: sqlite3.Connection
    directory: OrgDirectory
    backlog: int = 0
    health: dict[int, SinkHealth] = field(default_factory=lambda: defaultdict(SinkHealth))
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _in_flight: set[int] = field(default_factory=set)
    _publishers: dict[int, Publisher] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def wake(self) -> None:
        """A new appeal was committed: look for due rows now rather than after the idle sleep."""
        self._wake.set()

    def failing_sinks(self) -> list[str]:
        """Sinks whose last delivery failed, named without secrets."""
        by_id = {s.id: s for s in self.directory.sinks()}
        return [
            f"{by_id[i].kind} {masked_url(by_id[i].url)}: {h.last_error}"
            for i, h in self.health.items()
            if h.failing and i in by_id
        ]

    async def run(self) -> None:
        counted = 0.0
        while True:
            try:
                if time.monotonic() - counted >= BACKLOG_SECONDS:
                    self.backlog = self._count_backlog()
                    counted = time.monotonic()
                self._start_due()
            except Exception:
                log.exception("forwarder: could not read the outbox; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_SECONDS)
            self._wake.clear()

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for publisher in self._publishers.values():
            await publisher.close()
        self._publishers.clear()

    # --- picking up due rows ------------------------------------------------------------------

    def _count_backlog(self) -> int:
        return int(
            self.reader.execute(
                "SELECT count(*) FROM outbox WHERE state IN ('pending', 'failed') "
                "AND sink != 'embedded'"
            ).fetchone()[0]
        )

    def _start_due(self) -> None:
        room = self.settings.forward_in_flight - len(self._in_flight)
        if room <= 0:
            return
        rows = self.reader.execute(
            "SELECT x.id, x.appeal_id, x.org_id, x.sink FROM outbox x "
            "WHERE x.state IN ('pending', 'failed') AND x.sink != 'embedded' "
            "AND x.next_attempt_at <= ? ORDER BY x.next_attempt_at LIMIT ?",
            (time.time(), room + len(self._in_flight)),
        ).fetchall()
        by_sink: dict[str, list[sqlite3.Row]] = defaultdict(list)
        for row in rows:
            if (
                row["id"] not in self._in_flight
                and len(self._in_flight) < self.settings.forward_in_flight
            ):
                self._in_flight.add(row["id"])
                by_sink[row["sink"]].append(row)
        for sink_name, sink_rows in by_sink.items():
            task = asyncio.create_task(self._deliver(sink_name, sink_rows))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _publisher(self, sink: Sink) -> Publisher:
        current = self._publishers.get(sink.id)
        if current is not None and current.sink == sink:
            return current
        timeout = self.settings.forward_timeout
        made: Publisher = (
            RabbitPublisher(sink, timeout)
            if sink.kind == "rabbitmq"
            else WebhookPoster(sink, timeout)
        )
        if current is not None:  # the sink was edited: the old connection goes
            self._tasks_close(current)
        self._publishers[sink.id] = made
        return made

    def _tasks_close(self, publisher: Publisher) -> None:
        task = asyncio.create_task(publisher.close())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- one batch for one sink ---------------------------------------------------------------

    async def _deliver(self, sink_name: str, rows: list[sqlite3.Row]) -> None:
        try:
            sink = self.directory.sink(int(sink_name.removeprefix("sink:")))
            appeals = load_appeals(self.reader, [r["appeal_id"] for r in rows])
            if sink is None:
                errors: list[str | None] = ["sink removed"] * len(rows)
                final = True
            else:
                outgoing = [self._outgoing(r, appeals[r["appeal_id"]]) for r in rows]
                errors = await self._publisher(sink).publish(outgoing)
                errors = [_without_secrets(e, sink) for e in errors]
                self._note_health(sink.id, errors)
                final = False
            settled = [
                Settled(
                    r["id"],
                    r["appeal_id"],
                    r["org_id"],
                    sink_name,
                    appeals[r["appeal_id"]]["number"],
                    e,
                )
                for r, e in zip(rows, errors, strict=True)
            ]
            await self.writer.submit(self._settle_op(settled, final=final))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("forwarder: delivery to %s failed unexpectedly; rows stay due", sink_name)
        finally:
            self._in_flight.difference_update(r["id"] for r in rows)
            self._wake.set()

    def _outgoing(self, row: sqlite3.Row, appeal: sqlite3.Row) -> Outgoing:
        catalogue = self.directory.catalogue(row["org_id"])
        body = document(appeal, catalogue, photos.listed(self.reader, row["appeal_id"]))
        return Outgoing(
            outbox_id=row["id"],
            appeal_id=row["appeal_id"],
            org_slug=appeal["org_slug"],
            kind=appeal["kind"],
            schema=DOCUMENT_SCHEMA,
            body=json.dumps(body, ensure_ascii=False).encode(),
        )

    def _note_health(self, sink_id: int, errors: list[str | None]) -> None:
        health = self.health[sink_id]
        now = time.time()
        failures = [e for e in errors if e is not None]
        if len(failures) < len(errors):
            health.last_ok = now
        if failures:
            health.last_error, health.last_error_at = failures[-1], now

    def _settle_op(
        self, settled: list[Settled], *, final: bool
    ) -> Callable[[sqlite3.Connection], None]:
        max_attempts = self.settings.forward_max_attempts
        base, ceiling = self.settings.forward_backoff, self.settings.forward_backoff_max

        def op(conn: sqlite3.Connection) -> None:
            now = time.time()
            at = now_iso(now)
            for s in settled:
                row = conn.execute(
                    "SELECT attempts, state FROM outbox WHERE id = ?", (s.outbox_id,)
                ).fetchone()
                if row is None or row["state"] not in (OutboxState.PENDING, OutboxState.FAILED):
                    continue  # settled meanwhile (e.g. by `queue retry`): leave it
                attempt = row["attempts"] + 1
                data = {"number": s.number, "sink": s.sink, "attempt": attempt}
                if s.error is None:
                    state, due, event = OutboxState.DONE, now, EventType.FORWARDED
                elif final or attempt >= max_attempts:
                    state, due, event = OutboxState.DEAD, now, EventType.DEAD
                else:
                    delay = min(ceiling, base * 2 ** (attempt - 1))
                    state, due, event = (
                        OutboxState.FAILED,
                        now + random.uniform(delay / 2, delay),
                        EventType.FAILED,
                    )
                    data["next_attempt_in"] = round(due - now, 3)
                conn.execute(
                    "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, "
                    "last_error = ?, updated_at = ? WHERE id = ?",
                    (state, attempt, due, s.error, at, s.outbox_id),
                )
                insert_event(
                    conn,
                    event,
                    org_id=s.org_id,
                    appeal_id=s.appeal_id,
                    reason=s.error,
                    data=data,
                    at=at,
                )

        return op


def _without_secrets(error: str | None, sink: Sink) -> str | None:
    """Error texts go to the log and the outbox: no password of the URL, no webhook secret."""
    if error is None:
        return None
    password = urlsplit(sink.url).password
    for secret in (password, sink.secret):
        if secret:
            error = error.replace(secret, "***")
    return error
