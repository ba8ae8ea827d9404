"""The service's life from start to stop: the database opened (and migrated), the writer and
the `Runtime` built, the background jobs every node runs started — forwarding, housekeeping of
the queue, the loop watch, the scheduled backups (backup_schedule.py) — and all of it torn down again in order.

Apart from `runtime.py` because the jobs take the `Runtime` they run on. When both were one
module, it also started the follow-up's jobs, and the runtime and those jobs imported each
other (a cycle issue 24 broke): the capabilities now start their own beside it
(followup/state.py, console/state.py), and `create_app`'s lifespan enters them all.
pyproject.toml, [tool.importlinter], keeps the cycle broken.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from intake_service import backup_schedule, declension, retention
from intake_service.access_log import access_log
from intake_service.appeals import forget_idempotency_op
from intake_service.directory import OrgDirectory
from intake_service.forward.forwarder import Forwarder
from intake_service.forward.mail_render import NoticeRenderer
from intake_service.forward.mailer import Mailer
from intake_service.forward.outbox import expire_op
from intake_service.forward.sinks import apply_config, config_sinks
from intake_service.lifecycle.deadlines import load_calendar
from intake_service.metrics import Metrics
from intake_service.pages import warm_templates
from intake_service.photos import media_root
from intake_service.ratelimit import RateLimiter, address_key
from intake_service.runtime import Runtime
from intake_service.settings import Settings
from intake_service.store import connect, instance_id, log_failure, open_database, secret_key
from intake_service.tokens import Tokens
from intake_service.worker_link import Link, Role
from intake_service.writer import Writer, WriterStopped

log = logging.getLogger("pos_intake")
HOUSEKEEPING_SECONDS = 3600.0
# Queue messages expired per writer operation, and the pause after each: at least
# EXPIRY_PAUSE_SECONDS, and EXPIRY_PAUSE_FACTOR times as long as the operation took through
# the writer. Measured (bench/backlog.py): 25-40 us a message on the event loop (the `expired`
# event and the count triggers are most of it) plus its share of commits and checkpoints, so at
# a fixed pause a million expiring at once took ~30 % of the core and doubled intake p99. With
# the pause following the writer's own latency the job runs fast on an idle node and gives way
# on a busy one; it is a background job — no one waits for it.
EXPIRY_BATCH = 100
EXPIRY_PAUSE_SECONDS = 0.01
EXPIRY_PAUSE_FACTOR = 2.0
EXPIRY_MAX_SECONDS = 60.0  # longest pause between two looks for expired queue messages
REPORT_SECONDS = 0.25  # how often the worker tells the web process of the mail sink, if changed
# which sinks' rows each role's forwarder sends (forwarder.py): every row has one sender
_FORWARDS = {Role.INLINE: "all", Role.WEB: "appeals", Role.WORKER: "mail"}


@contextlib.asynccontextmanager
async def running(
    settings: Settings, role: Role = Role.INLINE, link: Link | None = None
) -> AsyncIterator[Runtime]:
    """Open the database (migrating it), start the writer and the jobs of this process's
    `role` (worker_link.py), and tear them down at the end."""
    setup = open_database(settings.db, synchronous=settings.synchronous)
    try:
        key = secret_key(setup, settings.secret_key)
        issuer = instance_id(setup)
    finally:
        setup.close()
    metrics = Metrics()
    reader = connect(settings.db, synchronous=settings.synchronous)
    directory = OrgDirectory(reader)

    writer = Writer(
        settings.db,
        synchronous=settings.synchronous,
        max_batch=settings.writer_max_batch,
        on_batch=metrics.record_batch,
        # a batch that changed the registry (the console's site page, routing by hand): the
        # next look at the directory reads it again, at once
        config_changed=directory.invalidate,
        # WAL checkpoints are the web process's (or the one process's): one checkpointer a store
        checkpoints=role.serves,
    )
    await writer.start()
    runtime = Runtime(
        settings=settings,
        writer=writer,
        reader=reader,
        directory=directory,
        tokens=Tokens(key, issuer),
        metrics=metrics,
        key_limiter=RateLimiter(settings.rate_limit_key, "key"),
        address_limiter=RateLimiter(settings.rate_limit_address, "address", key=address_key),
        org_limiter=RateLimiter(settings.rate_limit_org, "org"),
        sender_limiter=RateLimiter(settings.rate_limit_sender, "sender"),
        media_root=media_root(settings.db, settings.media_dir),
        calendar=load_calendar(settings.deadline_days, settings.holidays_file),
        mailer=Mailer(settings),
        role=role,
    )
    if settings.config and role.serves:
        _apply_config_sinks(settings)
    runtime.forwarder = Forwarder(
        settings,
        writer,
        reader,
        runtime.directory,
        metrics=runtime.metrics,
        mailer=runtime.mailer,
        renderer=NoticeRenderer(settings, runtime.tokens),
        handles=_FORWARDS[role],
        on_wake=link.poke if link is not None else None,
    )
    if link is not None:
        link.attach(on_poke=runtime.forwarder.look_soon, on_report=runtime.forwarder.health.heard)
    if role.serves and runtime.directory.sinks() and not settings.base_url:
        log.warning(
            "POS_BASE_URL is not set: photo links in appeals forwarded to RabbitMQ or webhooks "
            "are paths without a host, which their consumers cannot fetch"
        )
    if role.runs_background:
        log.info("mail: %s", runtime.mailer.target if runtime.mailer else "off")
    if role.serves:
        # Every page template compiled (or loaded from the cache: ~50 ms) before the first
        # request, in a thread: compiling on the loop held it up to 0.4 s for everyone (the
        # console's appeal page).
        await asyncio.to_thread(warm_templates)
    # What the start made (modules, templates, settings, the directory) collected once and
    # moved out of the collector's sight before the first request: a full collection walking it
    # on the loop after the start held every request for 80-120 ms (/metrics' watch counted it).
    gc.collect()
    gc.freeze()
    # the dictionary that words the citizen's e-mails (declension.py): loaded beside serving,
    # not on the loop by the first notice
    declining = asyncio.create_task(_warm_then_freeze(), name="pos-intake-words")
    forwarding = asyncio.create_task(runtime.forwarder.run(), name="pos-intake-forwarder")
    jobs = [declining, forwarding]
    if role.serves:
        jobs.append(asyncio.create_task(_housekeeping(runtime), name="pos-intake-housekeeping"))
        jobs.append(asyncio.create_task(runtime.metrics.loop.run(), name="pos-intake-loop-watch"))
    if role.runs_background:
        # the citizen's data of appeals closed longer ago than POS_RETENTION_YEARS (retention.py)
        jobs.append(asyncio.create_task(retention.run(runtime), name="pos-intake-retention"))
    if role is Role.WORKER and link is not None:
        jobs.append(asyncio.create_task(_report(runtime, link), name="pos-intake-worker-report"))
    if settings.backup_dir and role.serves:
        runtime.backups = await asyncio.to_thread(
            backup_schedule.newest_state, Path(settings.backup_dir), settings.backup_every
        )
        job = backup_schedule.run(
            runtime.backups, settings.db, runtime.media_root, key, settings.backup_keep
        )
        jobs.append(asyncio.create_task(job, name="pos-intake-backups"))
    try:
        yield runtime
    finally:
        for task in jobs:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await runtime.forwarder.close()
        if link is not None:
            link.detach()
        runtime.stop_waiting()
        await writer.stop()
        reader.close()
        access_log.flush()  # the last requests' lines, before the process says it stopped


async def _warm_then_freeze() -> None:
    """Load the dictionary that words the citizen's e-mails (declension.py) beside serving, then
    move it out of the collector's sight (`gc.freeze`) as the start's own objects were. It lives
    as long as the process, yet every full collection walked it: a map read that makes 50,000
    objects triggered one now and then, and took 85 ms at p95 against 30 ms at p50 (the same
    reads with the collector off: 31). No collection first: loading makes next to no garbage,
    and a full one here, on the loop, is the very hold the freezing avoids."""
    await asyncio.to_thread(declension.warm)
    gc.freeze()


async def _report(runtime: Runtime, link: Link) -> None:
    """The worker's side of /readyz and /metrics: the mail sink's health and the e-mails
    settled since the last report, sent when something changed (worker_link.py)."""
    forwarder = runtime.forwarder
    assert forwarder is not None
    last: object = None
    while True:
        report = forwarder.health.report()
        if report != last or report.get("deliveries"):
            link.report(report)
            last = report
        await asyncio.sleep(REPORT_SECONDS)


def _apply_config_sinks(settings: Settings) -> None:
    """The config file's `[[sinks]]` tables replace the sinks it set last time (keeping the ids
    of those it still lists)."""
    entries = config_sinks(settings.config)
    conn = connect(settings.db, synchronous=settings.synchronous)
    try:
        count = apply_config(conn, entries)
    finally:
        conn.close()
    if count:
        log.info("%d sink(s) from %s", count, settings.config)


async def _housekeeping(runtime: Runtime) -> None:
    """Bounded upkeep through the one writer, first right at start: expire embedded-queue
    messages past the retention period (every few seconds to a minute), and forget idempotency
    keys and used form nonces past their time (once an hour)."""
    settings = runtime.settings
    retention = float(settings.queue_retention)
    # a quarter of the retention, within bounds: a message expires at most 25 % late, and a
    # look that finds nothing is one indexed read
    pause = min(EXPIRY_MAX_SECONDS, max(0.5, retention / 4))
    forgotten_at = -HOUSEKEEPING_SECONDS
    loop = asyncio.get_running_loop()
    while True:
        try:
            await expire_queue(runtime, retention)
        except WriterStopped:
            return
        except Exception:
            log_failure("expiring queue messages failed; trying again in %g s", pause)
        if loop.time() - forgotten_at >= HOUSEKEEPING_SECONDS:
            forgotten_at = loop.time()
            try:
                await runtime.writer.submit(
                    forget_idempotency_op(settings.idempotency_ttl, settings.form_max_age)
                )
            except WriterStopped:
                return
            except Exception:
                log_failure("housekeeping failed; trying again in an hour")
        await asyncio.sleep(pause)


async def expire_queue(runtime: Runtime, retention: float) -> int:
    """Expire every embedded-queue message older than the retention, EXPIRY_BATCH at a time:
    each batch is one short operation in the writer's group commit, with a pause after it, so
    intake goes on between them even when a million are due at once (the first start after an
    upgrade, a shorter retention). Returns how many expired."""
    total = 0
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        expired = await runtime.writer.submit(expire_op(retention, EXPIRY_BATCH))
        total += len(expired)
        if len(expired) < EXPIRY_BATCH:
            break
        took = loop.time() - started
        await asyncio.sleep(max(EXPIRY_PAUSE_SECONDS, EXPIRY_PAUSE_FACTOR * took))
    if total:
        log.info(
            "%d message(s) of the embedded queue expired: not acknowledged within %g s",
            total,
            retention,
        )
    return total
