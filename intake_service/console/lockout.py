"""Failed console sign-ins per account, and the lock they put on it.

An attempt is counted *before* its password is checked — reserved, and released only when the
password was right — so that attempts running at once cannot all pass a check of the count made
before any of them had failed: the argon2 check runs on a thread, and ten guesses sent together
all used to be checked against a count of zero (nine answered 401, the tenth signed in, against
a limit of five). Reserving is synchronous on the event loop, so it is atomic on this node.

Counted per account found (its id), whatever spelling of the e-mail found it; an e-mail with no
account is counted by its normal form (`accounts.normal_email`), so that an unknown one locks
after as many attempts as a real one and the answers do not tell which accounts exist. Unknown
e-mails are kept apart from accounts, so that a flood of made-up ones (bounded, the oldest
forgotten first) cannot push a real account's failures out.

Kept in this node's memory: several nodes on one PostgreSQL each count their own (README), so
over n nodes an account takes n times the failures before it locks — within each node the
count is exact, however many attempts arrive at once.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

MAX_UNKNOWN = 100_000  # made-up e-mails remembered at most; the oldest are forgotten first


@dataclass(frozen=True)
class Attempt:
    """One reserved sign-in attempt: it counts as a failure unless `succeeded` releases it."""

    key: int | str
    seq: int


class AccountLockout:
    def __init__(self, limit: int, window: float, *, max_unknown: int = MAX_UNKNOWN) -> None:
        """`limit` attempts not released within `window` seconds lock the account for the rest
        of the window (0 or less: never)."""
        self.limit = limit
        self.window = window
        self.max_unknown = max(1, max_unknown)
        self._seq = itertools.count(1)
        # key -> (seq, time) of the attempts within the window, oldest first; each dict in the
        # order its keys were last touched
        self._accounts: OrderedDict[int | str, deque[tuple[int, float]]] = OrderedDict()
        self._unknown: OrderedDict[int | str, deque[tuple[int, float]]] = OrderedDict()

    def reserve(self, key: int | str) -> Attempt | None:
        """Count one attempt on `key` (an account's id, or the normal form of an e-mail with no
        account) and return it, or None if the account is locked — then nothing is counted."""
        seq = next(self._seq)
        if self.limit <= 0:
            return Attempt(key, seq)
        table = self._accounts if isinstance(key, int) else self._unknown
        now = time.monotonic()
        times = table.pop(key, None) or deque()
        while times and times[0][1] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            table[key] = times
            return None
        times.append((seq, now))
        table[key] = times
        self._forget_old(table, now)
        return Attempt(key, seq)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: this attempt and the failures before it no longer count.
        Attempts reserved after it and still being checked stay counted."""
        table = self._accounts if isinstance(attempt.key, int) else self._unknown
        times = table.get(attempt.key)
        if times is None:
            return
        while times and times[0][0] <= attempt.seq:
            times.popleft()
        if not times:
            del table[attempt.key]

    def _forget_old(
        self, table: OrderedDict[int | str, deque[tuple[int, float]]], now: float
    ) -> None:
        """Drop the least recently touched keys once their window has passed (at most two per
        call: O(1)), and unknown e-mails past `max_unknown` even when it has not."""
        for _ in range(2):
            if not table:
                return
            oldest = next(iter(table))
            times = table[oldest]
            stale = not times or times[-1][1] <= now - self.window
            over = table is self._unknown and len(table) > self.max_unknown
            if not (stale or over):
                return
            del table[oldest]
