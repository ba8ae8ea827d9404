"""Token buckets per API key, per client address and per organisation, kept in memory.

Each node limits what reaches it; with several nodes behind a balancer the limit is per node,
which is enough to stop one runaway client from starving the others.

Memory is bounded and every check costs O(1), however many clients there are: the buckets are
kept in the order they were last touched, and each check looks at the oldest few only — drops
them when they have refilled (a full bucket holds no information), and drops the oldest even
when it has not once `max_buckets` are kept. (Sweeping every bucket on a check, as before, took
two minutes for 250,000 addresses at a strict limit.)

Addresses are keyed by what one client controls: an IPv4 address, or the /64 network of an
IPv6 address — a household or a host gets a whole /64, and keying by the full address would let
one client rotate through 2^64 of them.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable

from intake_service.errors import RateLimited

MAX_BUCKETS = 100_000
_SWEEP = 2  # oldest buckets looked at per check: more than the one a check may add


def address_key(host: str) -> str:
    """The key a client address is limited by: IPv4 as is, IPv6 as its /64 network
    (an IPv4-mapped IPv6 address as its IPv4 address)."""
    if ":" not in host:
        return host
    try:
        ip = ipaddress.IPv6Address(host)
    except ValueError:
        return host
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))


class RateLimiter:
    def __init__(
        self,
        per_minute: int,
        scope: str,
        *,
        key: Callable[[str], str] | None = None,
        max_buckets: int = MAX_BUCKETS,
    ) -> None:
        self.per_minute = per_minute
        self.scope = scope
        self.max_buckets = max(1, max_buckets)
        self._key = key
        self._rate = per_minute / 60.0
        # ident -> (tokens, updated); least recently updated first
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        """How many buckets are kept (at most `max_buckets`)."""
        return len(self._buckets)

    def check(self, ident: str) -> None:
        """Take one token for `ident` or raise RateLimited with the seconds to wait."""
        if self.per_minute <= 0:
            return
        if self._key is not None:
            ident = self._key(ident)
        now = time.monotonic()
        bucket = self._buckets.pop(ident, None)
        tokens, updated = bucket if bucket is not None else (float(self.per_minute), now)
        tokens = min(float(self.per_minute), tokens + (now - updated) * self._rate)
        self._evict(now)
        if tokens < 1.0:
            self._buckets[ident] = (tokens, now)
            raise RateLimited(max(1, math.ceil((1.0 - tokens) / self._rate)), scope=self.scope)
        self._buckets[ident] = (tokens - 1.0, now)

    def _evict(self, now: float) -> None:
        """Drop the oldest buckets that have refilled, and past the cap the oldest at all: a
        client that has been quiet longer than every other one gets a fresh bucket back."""
        buckets = self._buckets
        for _ in range(_SWEEP):
            if not buckets:
                return
            tokens, updated = buckets[next(iter(buckets))]
            full = tokens + (now - updated) * self._rate >= self.per_minute
            if not full and len(buckets) < self.max_buckets:
                return  # the oldest has not refilled, so no younger one has
            buckets.popitem(last=False)
