"""Token buckets per API key and per client address, kept in memory.

Each node limits what reaches it; with several nodes behind a balancer the limit is per node,
which is enough to stop one runaway client from starving the others.
"""

from __future__ import annotations

import math
import time

from intake_service.errors import RateLimited

_MAX_BUCKETS = 100_000


class RateLimiter:
    def __init__(self, per_minute: int, scope: str) -> None:
        self.per_minute = per_minute
        self.scope = scope
        self._rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}  # id -> (tokens, updated)

    def check(self, ident: str) -> None:
        """Take one token for `ident` or raise RateLimited with the seconds to wait."""
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        tokens, updated = self._buckets.get(ident, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - updated) * self._rate)
        if tokens < 1.0:
            self._buckets[ident] = (tokens, now)
            raise RateLimited(max(1, math.ceil((1.0 - tokens) / self._rate)), scope=self.scope)
        self._buckets[ident] = (tokens - 1.0, now)
        if len(self._buckets) > _MAX_BUCKETS:
            self._forget_full(now)

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled: they hold no information."""
        self._buckets = {
            ident: (tokens, updated)
            for ident, (tokens, updated) in self._buckets.items()
            if tokens + (now - updated) * self._rate < self.per_minute
        }
