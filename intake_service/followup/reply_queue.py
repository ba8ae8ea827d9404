"""The reply queue: agencies' systems send statuses and answers as RabbitMQ messages carrying the
same JSON as the HTTP API (followup/replies.py applies both).

A message: body `{"appeal": id or number, "type": "status" | "answer", ...the API's fields}`,
`message_id` = the idempotency key, header `authorization: Bearer <org key>` — the organisation
is proven by its key, as over HTTP, never by the body. A message is acknowledged only after the
writer committed its change (or found it already applied under the same key): a crash before
that leaves it on the broker to be delivered again, and the key makes the second delivery a
no-op. A message that can never apply (no key, an unknown key, an appeal that is not the
organisation's, a body that does not check, a move the rules refuse) is a `rejected` event with
its reason and is rejected without requeue, so a dead-letter exchange the agency bound keeps it
and nothing loops.

While the store is unavailable (PostgreSQL down, SQLite's write lock held past its timeout) a
message is requeued, but not at once: it is held, unacknowledged, for a delay that grows with the
outage (half a second at first, then as long as the store has been down, thirty seconds at most),
or until the store is back (a trivial write tried once a second says so). An immediate requeue
came straight back — one reply, 5,100 deliveries in 6 s at 81 % CPU. The outage is logged when
it begins, once a minute while it lasts, and when it ends; `pos_reply_messages_total` counts the
requeues.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from intake_service.errors import IntakeError, ValidationFailed
from intake_service.events import EventType, insert_event
from intake_service.followup.replies import KINDS, check_reply, reply_op
from intake_service.forward.sinks import masked_url
from intake_service.lifecycle.changes import Actor
from intake_service.writer import WriterStopped

if TYPE_CHECKING:
    from intake_service.runtime import Runtime

log = logging.getLogger("pos_intake")
PREFETCH = 32
RECONNECT_SECONDS = 5.0
FIRST_DELAY = 0.5  # seconds a message is held before its first requeue in an outage
MAX_DELAY = 30.0  # well inside RabbitMQ's consumer timeout for an unacknowledged message
REMIND_SECONDS = 60.0  # how often a lasting outage is logged again
PROBE_SECONDS = 1.0  # how often, during an outage, the store is asked whether it is back


class StoreOutage:
    """What the reply queue knows of the store being unavailable, shared by all the messages in
    hand: when it began, how long to hold the next one, and whether it has been logged.

    While it lasts, `probe` (a trivial write) runs once a second: when it succeeds the held
    messages go back at once, so a reply waits about a second after the store is back, not the
    rest of a delay that may be 30 s."""

    def __init__(self, probe: Callable[[], Awaitable[object]]) -> None:
        self.since: float | None = None
        self.requeued = 0
        self._logged_at = 0.0
        self._over = asyncio.Event()
        self._probe = probe
        self._prober: asyncio.Task[None] | None = None

    def failed(self, error: BaseException) -> float:
        """The delay before the message that just failed is requeued; logs the outage's start
        and, while it lasts, a line a minute."""
        now = time.monotonic()
        if self.since is None:
            self.since, self.requeued, self._logged_at = now, 0, now
            self._over.clear()
            if self._prober is None or self._prober.done():
                self._prober = asyncio.create_task(self._watch(), name="pos-intake-replies-probe")
            log.warning(
                "reply queue: the store is unavailable (%s); replies are requeued with delays "
                "growing to %g s until it is back",
                error,
                MAX_DELAY,
            )
        elif now - self._logged_at >= REMIND_SECONDS:
            self._logged_at = now
            log.warning(
                "reply queue: the store is still unavailable after %.0f s (%s); %d requeues",
                now - self.since,
                error,
                self.requeued,
            )
        return min(MAX_DELAY, max(FIRST_DELAY, now - self.since))

    def succeeded(self) -> None:
        """A message was applied: the outage, if any, is over, and the held messages go back
        to the queue now rather than at the end of their delays."""
        if self.since is None:
            return
        log.info(
            "reply queue: the store is back after %.1f s; %d requeues meanwhile",
            time.monotonic() - self.since,
            self.requeued,
        )
        self.since = None
        self._over.set()

    async def _watch(self) -> None:
        while self.since is not None:
            await asyncio.sleep(PROBE_SECONDS)
            try:
                await self._probe()
            except Exception:  # still down (or stopping): the held messages keep waiting
                continue
            self.succeeded()

    async def hold(self, delay: float) -> None:
        """Wait `delay` seconds, or less if the outage ends (or the queue closes) first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._over.wait(), delay)

    def release(self) -> None:
        """Shutting down: nothing waits out its delay, and the probe stops."""
        self._over.set()
        if self._prober is not None:
            self._prober.cancel()


class ReplyQueue:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._connection: AbstractRobustConnection | None = None
        self.outage = StoreOutage(self._probe)

    async def run(self) -> None:
        """Consume until cancelled; a broker that is down is tried again every few seconds."""
        settings = self.runtime.settings
        while True:
            try:
                self._connection = await aio_pika.connect_robust(
                    settings.reply_amqp_url, client_properties={"product": "pos-intake replies"}
                )
                channel = await self._connection.channel()
                await channel.set_qos(prefetch_count=PREFETCH)
                queue = await channel.declare_queue(settings.reply_queue, durable=True)
                log.info(
                    "reply queue %s on %s",
                    settings.reply_queue,
                    masked_url(settings.reply_amqp_url),
                )
                await queue.consume(self.handle)
                await asyncio.Future()  # until cancelled; the robust connection reconnects
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("reply queue: %s; trying again in %g s", exc, RECONNECT_SECONDS)
                await self.close()
                await asyncio.sleep(RECONNECT_SECONDS)

    async def close(self) -> None:
        self.outage.release()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None

    async def _probe(self) -> None:
        """Whether the store takes a write: an empty operation through the writer."""
        await self.runtime.writer.submit(lambda conn: None)

    async def handle(self, message: AbstractIncomingMessage) -> None:
        counted = self.runtime.metrics.replies
        if message.redelivered:
            counted["redelivered"] += 1
        sender: list[int] = []  # the organisation its key proved, once known
        try:
            await self._apply(message, sender)
        except (WriterStopped, sqlite3.OperationalError) as exc:
            await self._requeue_later(message, exc)
        except Exception as exc:
            if not isinstance(exc, IntakeError):  # a bug: logged, and not redelivered forever
                log.exception("reply queue: message %s failed", message.message_id)
                exc = IntakeError(None, reason=f"reply-failed {type(exc).__name__}")
            await self._refuse(message, exc, sender[0] if sender else None)
            await message.reject(requeue=False)
            counted["refused"] += 1
        else:
            self.outage.succeeded()
            await message.ack()
            counted["applied"] += 1

    async def _requeue_later(self, message: AbstractIncomingMessage, error: Exception) -> None:
        """Back to the queue after the outage's delay: held unacknowledged meanwhile, so the
        broker gives it to no one, and a crash in between still leaves it on the broker."""
        await self.outage.hold(self.outage.failed(error))
        try:
            await message.nack(requeue=True)
        except Exception as exc:  # the channel closed meanwhile: the broker requeued it itself
            log.info(
                "reply queue: %s goes back to the queue with its channel (%s)",
                message.message_id,
                exc,
            )
            return
        self.outage.requeued += 1
        self.runtime.metrics.replies["requeued"] += 1

    async def _apply(self, message: AbstractIncomingMessage, sender: list[int]) -> None:
        runtime = self.runtime
        authorization = (message.headers or {}).get("authorization")
        if isinstance(authorization, bytes):
            authorization = authorization.decode("utf-8", "replace")
        caller = runtime.directory.authenticate(
            authorization if isinstance(authorization, str) else None
        )
        sender.append(caller.org.id)
        try:
            body = json.loads(message.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValidationFailed([("body", "field.not-object", {})]) from None
        kind = body.get("type") if isinstance(body, dict) else None
        if kind not in KINDS:
            raise ValidationFailed([("type", "field.reply-type", {})])
        appeal = str(body.get("appeal") or "")
        fields = {k: v for k, v in body.items() if k not in ("type", "appeal")}
        reply = check_reply(kind, appeal, fields, message.message_id)
        actor = Actor(email=f"api:{caller.key_id}", request_id=message.message_id)
        org_ids = runtime.directory.family(caller.org.id)
        _, replayed = await runtime.writer.submit(
            reply_op(reply, org_ids, caller.org.id, actor, runtime.deadlines.forward_due)
        )
        if not replayed and runtime.forwarder is not None:
            runtime.forwarder.wake()

    async def _refuse(
        self, message: AbstractIncomingMessage, error: IntakeError, org_id: int | None
    ) -> None:
        """The refusal in the intake log, as an API refusal is (a reply that never applies
        must be seen by someone); never raises."""
        self.runtime.metrics.rejected[error.slug] += 1
        data = {"status": error.status, "channel": "reply-queue", "message_id": message.message_id}

        def op(conn):
            insert_event(
                conn, EventType.REJECTED, org_id=org_id, reason=error.reason, data=data,
                request_id=message.message_id,
            )  # fmt: skip

        try:
            await self.runtime.writer.submit(op)
        except Exception:
            log.exception("reply queue: could not log a refusal (%s)", error.reason)
