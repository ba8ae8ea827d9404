"""What the forwarder hands a sink — one appeal's document, already serialised — and what a sink
the forwarder publishes to (RabbitMQ, a webhook) offers it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from intake_service.forward.sinks import Sink


@dataclass(frozen=True)
class Outgoing:
    outbox_id: int
    appeal_id: str
    org_slug: str
    kind: str
    schema: str
    body: bytes  # the versioned JSON document, the same as the embedded queue's `body`
    message_id: str = ""  # the id consumers drop repeats by; empty: the appeal's id


class Publisher(Protocol):
    sink: Sink

    async def publish(self, messages: list[Outgoing]) -> list[str | None]: ...

    async def close(self) -> None: ...
