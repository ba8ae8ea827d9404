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
and nothing loops. While the writer is unavailable messages are requeued.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from typing import TYPE_CHECKING

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from intake_service.console.handling import Actor
from intake_service.errors import IntakeError, ValidationFailed
from intake_service.events import EventType, insert_event
from intake_service.followup.replies import KINDS, check_reply, reply_op
from intake_service.forward.sinks import masked_url
from intake_service.writer import WriterStopped

if TYPE_CHECKING:
    from intake_service.runtime import Runtime

log = logging.getLogger("pos_intake")
PREFETCH = 32
RECONNECT_SECONDS = 5.0


class ReplyQueue:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._connection: AbstractRobustConnection | None = None

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
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None

    async def handle(self, message: AbstractIncomingMessage) -> None:
        sender: list[int] = []  # the organisation its key proved, once known
        try:
            await self._apply(message, sender)
        except (WriterStopped, sqlite3.OperationalError) as exc:
            log.warning("reply queue: cannot apply %s now (%s); requeued", message.message_id, exc)
            await message.nack(requeue=True)
        except Exception as exc:
            if not isinstance(exc, IntakeError):  # a bug: logged, and not redelivered forever
                log.exception("reply queue: message %s failed", message.message_id)
                exc = IntakeError(None, reason=f"reply-failed {type(exc).__name__}")
            await self._refuse(message, exc, sender[0] if sender else None)
            await message.reject(requeue=False)
        else:
            await message.ack()

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
