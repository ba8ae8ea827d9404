"""What the forwarder hands a sink: one appeal's document, already serialised."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    outbox_id: int
    appeal_id: str
    org_slug: str
    kind: str
    schema: str
    body: bytes  # the versioned JSON document, the same as the embedded queue's `body`
