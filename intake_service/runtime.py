"""Everything a request handler needs, built when the service starts and closed when it stops
(lifespan.py): settings, the single writer, a reader connection, the organisation directory,
token signer, rate limiters, metrics and the queue's wake-up signals.

Reads here are short indexed look-ups done on the event loop's own connection: a thread hop would
cost more than the read. WAL lets them run while the writer commits.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request

from intake_service.appeals import Accepted, Idempotency, NewAppeal, accept_op
from intake_service.backup_schedule import BackupState
from intake_service.directory import OrgDirectory
from intake_service.errors import IntakeError, Unavailable
from intake_service.events import EventType, insert_event
from intake_service.forward.forwarder import Forwarder
from intake_service.forward.mailer import Mailer
from intake_service.forward.outbox import EMBEDDED_SINK
from intake_service.ids import uuid7
from intake_service.lifecycle.deadlines import Calendar, OrgDeadlines
from intake_service.metrics import Metrics
from intake_service.middleware import loggable_path
from intake_service.org_settings import embedded_queue_on
from intake_service.orgs import Org
from intake_service.ratelimit import RateLimiter
from intake_service.routing import routed_event
from intake_service.settings import Settings
from intake_service.store import log_failure
from intake_service.tokens import Tokens
from intake_service.worker_link import Role
from intake_service.writer import Writer, WriterStopped

log = logging.getLogger("pos_intake")


@dataclass
class Runtime:
    settings: Settings
    writer: Writer
    reader: sqlite3.Connection
    directory: OrgDirectory
    tokens: Tokens
    metrics: Metrics
    key_limiter: RateLimiter
    address_limiter: RateLimiter
    org_limiter: RateLimiter
    sender_limiter: RateLimiter  # accepted form appeals per (address, organisation)
    media_root: Path
    calendar: Calendar = field(default_factory=Calendar)
    mailer: Mailer | None = None
    forwarder: Forwarder | None = None
    backups: BackupState | None = None  # the scheduled backups, when POS_BACKUP_DIR is set
    role: Role = Role.INLINE  # which of the service's processes this is (worker_link.py)
    queue_signals: defaultdict[int, asyncio.Event] = field(
        default_factory=lambda: defaultdict(asyncio.Event)
    )
    unrouted_warned: set[int] = field(default_factory=set)  # orgs whose appeals go nowhere
    # Set as the server begins to shut down (cli/serve_cmd.py): long-polls answer at once
    # with what they have, instead of keeping the stopping process alive for their wait.
    stopping: bool = False

    def stop_waiting(self) -> None:
        """The service is stopping: every long-poll waiting now wakes and answers, and none
        waits from now on."""
        self.stopping = True
        for signal in self.queue_signals.values():
            signal.set()

    def notify_queue(self, org_id: int) -> None:
        """Wake long-polls waiting on this organisation's queue."""
        signal = self.queue_signals.pop(org_id, None)
        if signal is not None:
            signal.set()

    def base_url(self, request: Request) -> str:
        return (self.settings.base_url or str(request.base_url)).rstrip("/")

    def new_appeal_id(self, request: Request) -> tuple[str, str]:
        """A fresh appeal id and the tracking link that will name it."""
        appeal_id = uuid7()
        return appeal_id, f"{self.base_url(request)}/s/{self.tokens.tracking(appeal_id)}"

    def sinks_for(self, org: Org) -> tuple[str, ...]:
        """The outbox rows a new appeal of `org` gets: its embedded queue (unless turned off —
        an organisation that reads only RabbitMQ or webhooks does, so that no row waits for a
        consumer that never comes) and its sinks."""
        external = self.directory.sink_names(org.id)
        return (EMBEDDED_SINK, *external) if embedded_queue_on(org) else external

    @functools.cached_property
    def deadlines(self) -> OrgDeadlines:
        """Due dates as each organisation counts them; made once, not per appeal."""
        return OrgDeadlines(self.directory, self.calendar)

    def _default_severity(self, appeal: NewAppeal) -> str | None:
        """The severity the appeal's category sets for new appeals (`org category
        --default-severity`), from the in-memory catalogue."""
        category = self.directory.catalogue(appeal.target_org.id).get(appeal.input.category)
        return category.default_severity if category is not None else None

    async def file(
        self,
        appeal: NewAppeal,
        tracking_url: str,
        *,
        idem: Idempotency | None = None,
        also: Callable[[sqlite3.Connection], None] | None = None,
        then: Callable[[sqlite3.Connection, str], None] | None = None,
        on_failure: Callable[[], None] | None = None,
    ) -> Accepted:
        """Commit a checked appeal (the one path for the API and the form) and wake its queue.
        Storage failures become 503 so that the client retries instead of assuming success.

        `on_failure()` runs once if the appeal will not be committed: here when it is refused
        before reaching the writer, else by the writer when its operation fails. Not when the
        awaiting request is cancelled — its operation, already queued, commits all the same."""
        competent = self.directory.route(appeal.target_org, appeal.input.category)
        if competent.id != appeal.target_org.id:  # a routing rule sends it on
            rule = routed_event(appeal.target_org, competent, appeal.input.category, appeal.id)
            then = _both(then, rule)
            appeal = dataclasses.replace(appeal, target_org=competent)
        org_id = appeal.target_org.id
        external = self.directory.sink_names(org_id)
        queued = embedded_queue_on(appeal.target_org)
        sinks = self.sinks_for(appeal.target_org)
        if not sinks and org_id not in self.unrouted_warned:
            self.unrouted_warned.add(org_id)
            log.warning(
                "%s has its embedded queue off and no sink: its appeals are stored and logged "
                "but handed to nobody (pos-intake org sink %s add …, or --embedded-queue on)",
                appeal.target_org.slug,
                appeal.target_org.slug,
            )
        forwarder = self.forwarder if external else None  # None: no external sink

        def forward_now(accepted: Accepted) -> None:
            if self.forwarder is not None and not accepted.replayed:
                # also without external sinks: the citizen's `registered` e-mail waits there
                self.forwarder.wake(new_rows=len(external))

        def failed(_: BaseException) -> None:
            if on_failure is not None:
                on_failure()

        try:
            if forwarder is not None and forwarder.backlog >= self.settings.outbox_limit:
                log.warning(
                    "outbox limit reached (%d waiting): refusing new appeals", forwarder.backlog
                )
                raise Unavailable("outbox-full", retry_after=30)
            if forwarder is not None and forwarder.behind():
                await forwarder.catch_up()
            committed = self.writer.submit_nowait(
                accept_op(
                    appeal,
                    tracking_url,
                    idem,
                    sinks=sinks,
                    also=also,
                    node=self.settings.node,
                    severity=self._default_severity(appeal),
                    due=self.deadlines.due_for(
                        appeal.target_org, appeal.input.kind, appeal.input.category
                    ),
                    then=then,
                ),
                after_commit=forward_now,
                after_failure=failed,
            )
        except BaseException as exc:  # never queued: nothing will be stored
            failed(exc)
            if isinstance(exc, WriterStopped):
                raise Unavailable("writer stopped") from None
            raise
        try:
            accepted = await committed
        except sqlite3.Error as exc:
            self.metrics.store.failed(exc)  # /readyz: its own probe may still fit (store_health)
            log.error("could not store an appeal of %s: %s", appeal.target_org.slug, exc)
            raise Unavailable("storage") from None
        self.metrics.store.succeeded()
        if not accepted.replayed:
            self.metrics.accepted[appeal.target_org.slug] += 1
            if queued:
                self.notify_queue(org_id)
        return accepted

    async def reject(
        self, request: Request, error: IntakeError, *, status: int | None = None
    ) -> None:
        """Write the refusal to the intake log, with the status the client got (`status`: Open311
        answers 400 for a 422), and count it. Never raises: the answer to the client must go
        out even if the log cannot be written (the failure is logged)."""
        self.metrics.rejected[error.slug] += 1
        org_id = getattr(request.state, "org_id", None)
        request_id = getattr(request.state, "request_id", None)
        remote = request.client.host if request.client else None
        data = {
            "status": status or error.status,
            "path": loggable_path(request.url.path),
            "method": request.method,
        }

        def op(conn: sqlite3.Connection) -> None:
            insert_event(
                conn,
                EventType.REJECTED,
                org_id=org_id,
                request_id=request_id,
                remote_addr=remote,
                reason=error.reason,
                data=data,
            )

        try:
            await self.writer.submit(op)
        except Exception as exc:
            self.metrics.store.failed(exc)
            # a full disk refuses every one of them: a line a minute, not a traceback a request
            log_failure("could not log a rejection (%s, request %s)", error.reason, request_id)
        else:
            self.metrics.store.succeeded()


def _both(
    first: Callable[[sqlite3.Connection, str], None] | None,
    second: Callable[[sqlite3.Connection, str], None],
) -> Callable[[sqlite3.Connection, str], None]:
    def then(conn: sqlite3.Connection, number: str) -> None:
        if first is not None:
            first(conn, number)
        second(conn, number)

    return then
