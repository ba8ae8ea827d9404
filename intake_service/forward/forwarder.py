"""The forwarder: drains the outbox rows of external sinks (RabbitMQ, webhooks, and `mail`, the
e-mails of notices) into them.

Each accepted appeal has one outbox row per sink, written in its own transaction. The forwarder
reads due rows, hands them to their sink — many in flight, confirms awaited together — and
settles each through the single writer: `done` with a `forwarded` event once the sink confirmed;
otherwise `failed` with the next attempt after an exponential backoff with jitter and a `failed`
event; after the last attempt `dead` with a `dead` event. Nothing is removed, so an appeal is
always delivered, waiting, or visibly dead.

On SQLite, rows being delivered are kept in memory only; a crash forgets them and they are sent
again after the restart. On a PostgreSQL shared by several nodes, each node takes the rows it
sends (`outbox.claim_due_rows`: SKIP LOCKED, a lease), so the nodes split the work and a dead
node's rows are sent by the others when the lease ends. Consumers may therefore see a message
twice, never zero times; `message_id` (the appeal id) lets them drop repeats.

Here: which rows go when, the publishing slots, pacing and settling; the sinks' health is
health.py, what a batch becomes at its sink (documents, e-mails) batches.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from intake_service.appeals import load_appeals
from intake_service.dialect import is_sqlite
from intake_service.directory import OrgDirectory
from intake_service.forward.batches import send_appeals, send_notices
from intake_service.forward.health import SinksHealth
from intake_service.forward.mail_render import NoticeRenderer
from intake_service.forward.mailer import Mailer
from intake_service.forward.outbox import (
    Settled,
    claim_due_rows,
    due_count,
    due_rows,
    external_backlog,
    settle_op,
)
from intake_service.forward.rabbitmq import RabbitPublisher
from intake_service.forward.sinks import Sink
from intake_service.forward.types import Publisher
from intake_service.forward.unrecorded import Unrecorded
from intake_service.forward.webhook import WebhookPoster
from intake_service.lifecycle.notices import MAIL_SINK
from intake_service.metrics import Metrics
from intake_service.settings import Settings
from intake_service.store import log_failure
from intake_service.writer import Writer

log = logging.getLogger("pos_intake")
IDLE_SECONDS = 1.0  # longest sleep when nothing is due and nobody wakes the forwarder
BACKLOG_SECONDS = 1.0  # how often the backlog figure for /readyz and intake is recounted
SLOTS_PER_SINK = 2  # batches publishing at once per sink: one confirming while the next goes out
PACING_WAIT_SECONDS = 1.0  # longest an appeal's answer waits for the forwarder to catch up
PACING_BACKLOG = 64  # healthy deliveries waiting above which intake lets the forwarder catch up
DUE_COUNT_CAP = 16 * PACING_BACKLOG  # due rows are counted per sink up to this, not further
CLAIM_LEASE_SECONDS = 10.0  # PostgreSQL: rows taken by a node that died come due after this
CLOSE_GRACE_SECONDS = 5.0  # a stopping forwarder waits this long for batches under way


@dataclass
class Forwarder:
    settings: Settings
    writer: Writer
    reader: sqlite3.Connection
    directory: OrgDirectory
    metrics: Metrics = field(default_factory=Metrics)
    mailer: Mailer | None = None  # the `mail` sink: notices' e-mails
    renderer: NoticeRenderer | None = None
    # Whose rows this forwarder sends: "all"; "appeals" (every sink but mail: the web process
    # beside its worker) or "mail" (the worker). On SQLite rows being sent are known only to
    # the process sending them, so each row must have exactly one sender (worker.py).
    handles: str = "all"
    on_wake: Callable[[], None] | None = None  # pokes the other process (worker_link.py)
    backlog: int = 0  # appeals' undelivered rows: counted once a second, kept current in between
    waiting: int = 0  # of those, the ones due now (pacing): the same way
    mail_backlog: int = 0  # e-mails not yet sent, apart: never a reason to refuse or pace intake
    health: SinksHealth = field(init=False)  # /readyz's and /metrics' view of the sinks
    unrecorded: Unrecorded = field(init=False)  # answered; the store refused the outcome
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _kick_scheduled: bool = False
    _poke_scheduled: bool = False
    _closing: bool = False
    _progress: asyncio.Event = field(default_factory=asyncio.Event)
    _publishing: Counter[str] = field(default_factory=Counter)  # batches publishing, by sink
    _in_flight: set[int] = field(default_factory=set)  # outbox rows taken, not yet settled
    _publishers: dict[int, Publisher] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.unrecorded = Unrecorded(self._record, self.metrics, released=self.look_soon)
        self.health = SinksHealth(self.directory, self.metrics, self.mailer is not None)

    @property
    def _shared(self) -> bool:
        """The outbox is shared with other nodes (PostgreSQL): rows are taken, not just read."""
        return not is_sqlite(self.reader)

    @property
    def _lease(self) -> float:
        """How long rows taken stay this node's: longer than a delivery can take, short enough
        that another node sends them within seconds when this one dies."""
        return max(CLAIM_LEASE_SECONDS, 2 * self.settings.forward_timeout)

    def wake(self, new_rows: int = 0) -> None:
        """A new appeal was committed: look for due rows in the next turn of the event loop
        rather than after the idle sleep. Called right after the commit (the writer's
        after-commit hook); the wakes of one committed batch share one look."""
        self.backlog += new_rows
        self.waiting += new_rows
        self.look_soon()
        if self.on_wake is not None and not self._poke_scheduled:
            # the wakes of one turn of the loop (a committed batch) share one poke
            self._poke_scheduled = True
            asyncio.get_running_loop().call_soon(self._poke)

    def _poke(self) -> None:
        self._poke_scheduled = False
        if self.on_wake is not None:
            self.on_wake()

    def _sends(self, sink_name: str) -> bool:
        if self.handles == "all":
            return True
        return (sink_name == MAIL_SINK) == (self.handles == "mail")

    def look_soon(self) -> None:
        """Look for due rows in the next turn of the loop: a commit here, a poke from the other
        process (worker_link.py), a held outcome recorded at last."""
        if not self._kick_scheduled and not self._closing:
            self._kick_scheduled = True
            asyncio.get_running_loop().call_soon(self._kick)

    def _kick(self) -> None:
        self._kick_scheduled = False
        try:
            self._start_due()
        except Exception:
            log_failure("forwarder: could not read the outbox; trying again")
            self._wake.set()

    def behind(self) -> bool:
        """More healthy deliveries waiting than PACING_BACKLOG: intake should let the forwarder
        catch up (a small bound keeps the confirm latency of a busy node low; measured in
        bench/forward.py, where 512 let it reach seconds). Not while a sink fails — then appeals
        wait in the outbox, up to the outbox limit, and intake goes on at full speed. Mail is no
        part of this: an appeal's answer never waits for an e-mail to be sent."""
        if self.waiting <= PACING_BACKLOG:
            return False
        return not self.health.appeals_sink_failing()

    async def catch_up(self) -> None:
        """Wait (at most a second) for the next settled batch. Intake calls this when `behind`,
        so that under full load the forwarder gets its share of the one event loop and the
        backlog stays flat instead of growing for as long as the load lasts."""
        progress = self._progress
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(progress.wait(), PACING_WAIT_SECONDS)

    async def run(self) -> None:
        counted = 0.0
        while True:
            try:
                if time.monotonic() - counted >= BACKLOG_SECONDS:
                    self.backlog, self.waiting, self.mail_backlog = self._count_backlog()
                    counted = time.monotonic()
                self._start_due()
            except Exception:
                log_failure("forwarder: could not read the outbox; trying again")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(IDLE_SECONDS):
                    await self._wake.wait()
            self._wake.clear()

    async def close(self) -> None:
        """Stop: batches the sink already has are given CLOSE_GRACE_SECONDS to be answered and
        settled (so a stopping process does not send them again at its next start), then cut
        off; no new batch starts."""
        self._closing = True  # a delivery ending now must not start the next one
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=CLOSE_GRACE_SECONDS)
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.unrecorded.close()
        for publisher in self._publishers.values():
            await publisher.close()
        self._publishers.clear()

    # --- picking up due rows ------------------------------------------------------------------

    def _count_backlog(self) -> tuple[int, int, int]:
        """(undelivered, due now, e-mails unsent): the first for the outbox limit and /readyz,
        the second for pacing — rows waiting out a backoff are no work the forwarder could catch
        up on —, the third for /readyz and /metrics alone. The first and third come from the
        kept counts; the second is counted per sink only up to the pacing bound, so none walks
        a long backlog on the event loop. Appeals' figures leave mail out: e-mails stuck at a
        silent SMTP server made intake wait for them (pacing) and then refuse appeals of
        organisations whose webhook was healthy (the outbox limit)."""
        backlog = external_backlog(self.reader)
        mail = backlog.pop(MAIL_SINK, 0)
        now = time.time()
        due = (  # pacing is intake's: the worker, sending mail only, never paces anything
            sum(due_count(self.reader, sink, now=now, cap=DUE_COUNT_CAP) for sink in backlog)
            if self.handles != "mail"
            else 0
        )
        return sum(backlog.values()), due, mail

    def _start_due(self) -> None:
        """A batch for each sink with a free publishing slot, of everything due for it (up to
        `forward_in_flight` rows).

        A sink has at most SLOTS_PER_SINK batches publishing at once, so rows that come in
        meanwhile gather into the next one — group commit again: under load batches grow and
        each publish round and each settling transaction serves many appeals; when idle, an
        appeal goes out on its own. A slot frees when the sink has confirmed, before the rows
        are settled; until then they stay in `_in_flight` and are not picked again.

        The sinks to look at come from the kept counts (which also name removed sinks that
        still have rows, so those go dead); each is read on its own from its index, so a sink
        with a long backlog costs the others nothing."""
        if self._closing or self.unrecorded:
            return  # while the store refuses outcomes, a delivery's could not be recorded either
        now = time.time()
        by_sink: dict[str, list[sqlite3.Row]] = {}
        for sink_name in external_backlog(self.reader):
            if not self._sends(sink_name):
                continue
            if self._publishing[sink_name] >= SLOTS_PER_SINK:
                continue  # the end of a publish wakes us again
            if self._shared:
                rows = claim_due_rows(
                    self.reader,
                    sink_name,
                    now=now,
                    limit=self.settings.forward_in_flight,
                    lease=self._lease,
                )
            else:
                rows = due_rows(
                    self.reader,
                    sink_name,
                    skip=sorted(self._in_flight),
                    now=now,
                    limit=self.settings.forward_in_flight,
                )
            if rows:
                by_sink[sink_name] = rows
        for sink_name, sink_rows in by_sink.items():
            self._publishing[sink_name] += 1
            self._in_flight.update(r["id"] for r in sink_rows)
            task = asyncio.create_task(self._deliver(sink_name, sink_rows))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _publisher(self, sink: Sink) -> Publisher:
        current = self._publishers.get(sink.id)
        if current is not None and current.sink == sink:
            return current
        timeout = self.settings.forward_timeout
        made: Publisher = (
            RabbitPublisher(sink, timeout)
            if sink.kind == "rabbitmq"
            else WebhookPoster(sink, timeout)
        )
        if current is not None:  # the sink was edited: the old connection goes
            self._tasks_close(current)
        self._publishers[sink.id] = made
        return made

    def _tasks_close(self, publisher: Publisher) -> None:
        task = asyncio.create_task(publisher.close())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- one batch for one sink ---------------------------------------------------------------

    async def _deliver(self, sink_name: str, rows: list[sqlite3.Row]) -> None:
        slot_held = True
        try:
            if sink_name == MAIL_SINK:
                settled = await send_notices(
                    self.reader, rows, self.mailer, self.renderer, self.health.note
                )
            else:
                settled = await send_appeals(
                    self.reader,
                    self.directory,
                    self.settings.base_url,
                    sink_name,
                    rows,
                    self._publisher,
                    self.health.note,
                )
            # the sink has answered: the next batch may go out while this one is settled
            self._publishing[sink_name] -= 1
            slot_held = False
            self.look_soon()
            await self._settle(sink_name, settled)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if sink_name == MAIL_SINK:
                log.exception("forwarder: sending mail failed unexpectedly")
            else:
                log.exception("forwarder: delivery to %s failed unexpectedly", sink_name)
            await self._settle_after_error(sink_name, rows, exc)
        finally:
            if slot_held:
                self._publishing[sink_name] -= 1
            self._in_flight.difference_update(r["id"] for r in rows)
            self.look_soon()

    async def _settle(self, sink_name: str, settled: list[Settled]) -> None:
        """Write the sink's answers back; if the store refuses, hold them (unrecorded.py)."""
        try:
            await self._record(sink_name, settled)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.unrecorded.hold(settled, exc)

    async def _record(self, sink_name: str, settled: list[Settled]) -> None:
        """One settling write; raises what the writer raised. Its outcome is a real write's
        for /readyz (store_health.py), whatever refused it."""
        op = settle_op(
            settled,
            max_attempts=self.settings.forward_max_attempts,
            backoff=self.settings.forward_backoff,
            backoff_max=self.settings.forward_backoff_max,
        )
        try:
            outcomes = await self.writer.submit(op)
        except sqlite3.Error as exc:  # not WriterStopped: a node stopping refuses nothing
            self.metrics.store.failed(exc)
            raise
        self.metrics.store.succeeded()
        for outcome, count in outcomes.items():
            self.metrics.deliveries[(sink_name, outcome)] += count
        # kept current between the recounts: settled rows are no longer due (done, dead, or
        # waiting out a backoff), and done or dead ones no longer undelivered
        if sink_name != MAIL_SINK:  # notices are not counted in as they come: the recount has them
            self.waiting -= len(settled)
            self.backlog -= sum(1 for x in settled if x.error is None or x.final)
        progress, self._progress = self._progress, asyncio.Event()
        progress.set()

    async def _settle_after_error(
        self, sink_name: str, rows: list[sqlite3.Row], exc: Exception
    ) -> None:
        """A batch that broke on something unexpected (a bug, a URL the HTTP client refuses)
        counts as a failed attempt with backoff like any other, so a poison row neither spins
        nor blocks its sink; the error text names only the exception's type (the log has the
        rest), since its message may hold a URL with a password."""
        try:
            appeals = load_appeals(self.reader, [r["appeal_id"] for r in rows])
            error = f"internal error ({type(exc).__name__}), see the service log"
            now = time.time()
            await self._settle(
                sink_name,
                [
                    Settled(
                        r["id"],
                        r["appeal_id"],
                        r["org_id"],
                        sink_name,
                        appeals[r["appeal_id"]]["number"] if r["appeal_id"] in appeals else "",
                        error,
                        now,
                    )
                    for r in rows
                ],
            )
        except Exception:
            log.exception("forwarder: could not record the failure; the rows stay due")
