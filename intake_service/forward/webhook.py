"""The webhook sink: each appeal POSTed as JSON, signed so the receiver can trust it.

Signature: `X-Pos-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`, with the
Unix time in `X-Pos-Timestamp` — the Stripe/Slack scheme, so the receiver can refuse stale
replays and a body changed on the way. `X-Pos-Message-Id` is the appeal id: a receiver may get
the same appeal more than once (a lost 2xx) and drops repeats by it. Only a 2xx answer counts as
delivered; redirects are not followed. The recipe and a verifier: examples/webhook_verify.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time

import httpx

from intake_service import __version__
from intake_service.forward.sinks import Sink
from intake_service.forward.types import Outgoing

SIGNATURE_HEADER = "X-Pos-Signature"
TIMESTAMP_HEADER = "X-Pos-Timestamp"
MESSAGE_ID_HEADER = "X-Pos-Message-Id"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


class WebhookPoster:
    def __init__(self, sink: Sink, timeout: float) -> None:
        self.sink = sink
        self._client = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": f"pos-intake/{__version__}"},
        )

    async def publish(self, messages: list[Outgoing]) -> list[str | None]:
        """One error text per message, None where the receiver answered 2xx."""
        secret = self.sink.secret or ""

        async def one(message: Outgoing) -> str | None:
            now = int(time.time())
            headers = {
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: str(now),
                SIGNATURE_HEADER: signature(secret, now, message.body),
                MESSAGE_ID_HEADER: message.message_id or message.appeal_id,
            }
            try:
                reply = await self._client.post(
                    self.sink.url, content=message.body, headers=headers
                )
            except httpx.TimeoutException:
                return "timeout"
            except httpx.HTTPError as exc:
                return f"{type(exc).__name__}: {exc}"[:300]
            if 200 <= reply.status_code < 300:
                return None
            return f"HTTP {reply.status_code}"

        return list(await asyncio.gather(*(one(m) for m in messages)))

    async def close(self) -> None:
        await self._client.aclose()
