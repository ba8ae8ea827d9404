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

import asyncio
import contextlib
import logging
import random
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable

from intake_service.forward.outbox import Settled
from intake_service.metrics import Metrics

log = logging.getLogger("pos_intake")
RECORD_BACKOFF = 0.5  # seconds before the first try to record held outcomes again
# the longest wait between tries: well inside store_health.FAILURE_WINDOW, so that a node
# holding outcomes stays "not ready" until the store takes them
RECORD_BACKOFF_MAX = 30.0
LOG_EVERY = 60.0  # seconds between two warnings while the store refuses
LAST_RECORD_SECONDS = 5.0  # at shutdown, how long one last try may take

Record = Callable[[str, list[Settled]], Awaitable[None]]  # one sink's outcomes, or raise


class Unrecorded:
    """The held outcomes and the task that tries to record them. While anything is held, the
    forwarder starts no delivery (its test: `if forwarder.unrecorded`)."""

    def __init__(self, record: Record, metrics: Metrics, *, released: Callable[[], None]) -> None:
        self._record = record
        self._metrics = metrics
        self._released = released  # everything recorded: forwarding goes on
        self.held: dict[int, Settled] = {}  # by outbox row id
        self._refusals = 0  # tries refused in a row, for the backoff
        self._since: float | None = None  # monotonic time the oldest held outcome came in
        self._logged_at: float | None = None  # monotonic time of the last warning
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def __len__(self) -> int:
        return len(self.held)

    def hold(self, settled: list[Settled], error: Exception) -> None:
        """Keep the answers in memory: nothing of them is sent again until the store takes
        them, which is tried again after a growing pause."""
        if not self.held:
            self._since = time.monotonic()
        self.held.update((s.outbox_id, s) for s in settled)
        self._counted()
        self._warn(error)
        if self._task is None and not self._closing:
            self._task = asyncio.create_task(self._retry(), name="pos-intake-unrecorded")

    async def close(self) -> None:
        """At shutdown (the writer still runs): one last try, so that a store that recovered
        just now does not cost a resend after the restart."""
        self._closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if not self.held:
            return
        recorded = False
        with contextlib.suppress(Exception):
            async with asyncio.timeout(LAST_RECORD_SECONDS):
                recorded = await self._try()
        if not recorded:
            log.warning(
                "forwarder: stopping with %d delivered outcome(s) the store did not take: "
                "those deliveries are sent again after the restart",
                len(self.held),
            )

    async def _retry(self) -> None:
        try:
            while self.held and not self._closing:
                await asyncio.sleep(self._delay())
                await self._try()
        finally:
            self._task = None
        self._released()

    async def _try(self) -> bool:
        """One try for every sink's held outcomes; False at the first the store refuses."""
        held_for = self._held_for()
        by_sink: dict[str, list[Settled]] = defaultdict(list)
        for s in self.held.values():
            by_sink[s.sink].append(s)
        for sink_name, settled in by_sink.items():
            try:
                await self._record(sink_name, settled)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._refusals += 1
                self._metrics.record_refusals += 1
                self._warn(exc)
                return False
            for s in settled:
                self.held.pop(s.outbox_id, None)
            self._refusals = 0
            self._since = None if not self.held else self._since
            self._counted()
            log.info(
                "forwarder: the store took %d held outcome(s) of %s after %.0f s",
                len(settled), sink_name, held_for,
            )  # fmt: skip
        return True

    def _delay(self) -> float:
        """RECORD_BACKOFF doubled per refusal in a row, up to RECORD_BACKOFF_MAX, with jitter
        so that the nodes sharing a store do not retry in step."""
        wait = min(RECORD_BACKOFF_MAX, RECORD_BACKOFF * 2 ** min(self._refusals, 16))
        return random.uniform(wait / 2, wait)

    def _held_for(self) -> float:
        return 0.0 if self._since is None else time.monotonic() - self._since

    def _counted(self) -> None:
        """/metrics' gauge, per sink that ever held one (0 once recorded, not gone)."""
        counts = Counter(s.sink for s in self.held.values())
        for sink_name in set(self._metrics.unrecorded) | set(counts):
            self._metrics.unrecorded[sink_name] = counts[sink_name]

    def _warn(self, error: Exception) -> None:
        """One line at the first refusal, then at most one every LOG_EVERY seconds — not a
        traceback a turn."""
        now = time.monotonic()
        if self._logged_at is not None and now - self._logged_at < LOG_EVERY:
            return
        self._logged_at = now
        log.warning(
            "forwarder: the store refuses to record delivery outcomes (%s: %s); %d delivered "
            "outcome(s) held in memory for %.0f s, not sent again; no new delivery starts; "
            "trying again with a growing pause (at most %g s)",
            type(error).__name__, error, len(self.held), self._held_for(), RECORD_BACKOFF_MAX,
        )  # fmt: skip
