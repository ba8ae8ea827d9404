"""Deliveries whose outcome the store would not take: held in memory until it does.

A sink confirmed (or refused) a batch, and the write settling it failed — the disk is full, the
database refuses writes. The rows are still `pending` in the outbox, so letting them go would
make them due again at once: the forwarder sent the same appeals hundreds of times a minute
and looped at full CPU, with a traceback a turn (issue 23: 14,740 POSTs for 2,562 appeals,
9,918 e-mails for 2,562 notices). Instead their answers are held here as delivered-unrecorded,
none of them is sent again, no new delivery starts (its outcome could not be recorded either),
and recording them is tried again after an exponential backoff — the first try that the store
takes settles them as if it had taken the first, and forwarding goes on.

The hold is in this process's memory only: if the node stops before the store takes the
outcomes, those deliveries are sent again after the restart, as after a crash (at least once;
`message_id` lets consumers drop repeats). On PostgreSQL the rows stay taken by this node for
the claim's lease only; another node that can write may send them after it — but a store that
refuses this node's writes usually refuses its claims too.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from intake_service.forward.outbox import Settled

RECORD_BACKOFF = 0.5  # seconds before the first try to record held outcomes again
# the longest wait between tries: well inside store_health.FAILURE_WINDOW, so that a node
# holding outcomes stays "not ready" until the store takes them
RECORD_BACKOFF_MAX = 30.0
LOG_EVERY = 60.0  # seconds between two warnings while the store refuses


@dataclass
class Unrecorded:
    held: dict[int, Settled] = field(default_factory=dict)  # by outbox row id
    refusals: int = 0  # tries refused in a row, for the backoff
    since: float | None = None  # monotonic time the oldest held outcome came in
    logged_at: float | None = None  # monotonic time of the last warning

    def __contains__(self, outbox_id: object) -> bool:
        return outbox_id in self.held

    def __len__(self) -> int:
        return len(self.held)

    def hold(self, settled: list[Settled]) -> None:
        if not self.held:
            self.since = time.monotonic()
        self.held.update((s.outbox_id, s) for s in settled)

    def by_sink(self) -> dict[str, list[Settled]]:
        grouped: dict[str, list[Settled]] = defaultdict(list)
        for s in self.held.values():
            grouped[s.sink].append(s)
        return dict(grouped)

    def counts(self) -> Counter[str]:
        return Counter(s.sink for s in self.held.values())

    def recorded(self, settled: list[Settled]) -> None:
        for s in settled:
            self.held.pop(s.outbox_id, None)
        self.refusals = 0
        if not self.held:
            self.since = None

    def refused(self) -> None:
        self.refusals += 1

    def delay(self) -> float:
        """Seconds to the next try: RECORD_BACKOFF doubled per refusal in a row, up to
        RECORD_BACKOFF_MAX, with jitter so that the nodes sharing a store do not retry in step."""
        wait = min(RECORD_BACKOFF_MAX, RECORD_BACKOFF * 2 ** min(self.refusals, 16))
        return random.uniform(wait / 2, wait)

    def should_log(self) -> bool:
        """The first refusal, then at most one line every LOG_EVERY seconds."""
        now = time.monotonic()
        if self.logged_at is not None and now - self.logged_at < LOG_EVERY:
            return False
        self.logged_at = now
        return True

    def held_for(self) -> float:
        return 0.0 if self.since is None else time.monotonic() - self.since
