"""Operations endpoints: liveness, readiness, metrics, and the API description."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import sqlite3

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from intake_service import __version__
from intake_service.api.requests import client_address
from intake_service.errors import Forbidden, MetricsUnauthorized
from intake_service.forward.outbox import depth
from intake_service.openapi import openapi_document
from intake_service.postgres import is_postgres

log = logging.getLogger("pos_intake")

READY_TIMEOUT = 2.0


async def healthz(request: Request) -> Response:
    """The process answers. Says nothing about the database; that is /readyz."""
    return JSONResponse({"status": "ok", "version": __version__})


async def readyz(request: Request) -> Response:
    """Ready when the writer is alive, can take the write lock and commit, and the last real
    write (an appeal, a delivery's outcome) was not refused; degraded (still 200) when a sink or
    the SMTP server fails, the outbox is full or the mail backlog long, or the scheduled
    backups fail or are late."""
    runtime = request.app.state.runtime
    checks: dict[str, str] = {}

    def probe(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE meta SET value = value WHERE key = 'config_version'")

    if not runtime.writer.alive:
        checks["writer"] = "stopped"
    else:
        checks["writer"] = "ok"
        try:
            await asyncio.wait_for(runtime.writer.submit(probe), READY_TIMEOUT)
            checks["database"] = "writable"
        except TimeoutError:
            checks["database"] = f"no commit within {READY_TIMEOUT:g} s"
        except sqlite3.OperationalError as exc:
            # PostgreSQL's text names the server's address, which /readyz does not tell anyone
            log.warning("readiness: the database is not writable: %s", exc)
            checks["database"] = (
                "not writable: the database is unreachable"
                if is_postgres(runtime.settings.db)
                else f"not writable: {exc}"
            )
        except Exception as exc:
            checks["database"] = f"not writable: {exc}"
        refused = runtime.metrics.store.refusing()
        if refused is not None and checks.get("database") == "writable":
            # the probe's one row still fits where an appeal does not (a full disk):
            # the last real write speaks too (store_health.py)
            checks["database"] = "not writable: the last write failed" + (
                "" if is_postgres(runtime.settings.db) else f" ({refused})"
            )
    ready = checks.get("writer") == "ok" and checks.get("database") == "writable"
    status = "ready" if ready else "not ready"
    body: dict[str, object] = {"status": status, "checks": checks}
    forwarder = runtime.forwarder
    if forwarder is not None:
        # A sink that is down does not stop intake — appeals wait in the outbox — so the node
        # stays in rotation (200) and says it is degraded.
        failing = forwarder.health.failing_sinks()
        checks["sinks"] = "ok" if not failing else "failing"
        body["outbox_backlog"] = forwarder.backlog
        if forwarder.unrecorded:
            # delivered, the store refused the outcome: held in memory, not sent again
            body["unrecorded_outcomes"] = len(forwarder.unrecorded)
        if failing:
            body["failing_sinks"] = failing
        # Mail apart: the citizens' e-mails wait without holding up appeals, so a failing SMTP
        # server or a long mail backlog degrades the node but never counts as the outbox's.
        mail_failing = forwarder.health.mail_failing()
        checks["mail"] = "failing" if mail_failing else "ok"
        body["mail_backlog"] = forwarder.mail_backlog
        settings = runtime.settings
        if ready and (
            failing
            or forwarder.backlog >= settings.outbox_limit
            or mail_failing
            or forwarder.mail_backlog >= settings.mail_limit
        ):
            body["status"] = "degraded"
    backups = runtime.backups
    if backups is not None:
        # a backup that failed, or none for two periods, does not stop intake: degraded
        checks["backup"] = backups.check()
        body["backup"] = backups.details()
        if ready and checks["backup"] in ("failing", "late"):
            body["status"] = "degraded"
    return JSONResponse(body, status_code=200 if ready else 503)


def _check_metrics_access(request: Request) -> None:
    """Who may read /metrics: with POS_METRICS_TOKEN set, whoever sends it as a Bearer token
    (compared in constant time); without one, only clients on this host — the scraper on the
    same machine. A request that came through a proxy (it carries `X-Forwarded-For` or
    `Forwarded`) is never local, whatever address the header names: the proxy may trust a
    whole network, or `*`, and the client chooses what the header says. Every caller spends
    its address's budget first, so guessing the token is as slow as any other abuse."""
    runtime = request.app.state.runtime
    runtime.address_limiter.check(client_address(request))
    token = runtime.settings.metrics_token
    if token:
        scheme, _, sent = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            sent.strip().encode(), token.encode()
        ):
            raise MetricsUnauthorized()
        return
    proxied = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    if proxied or not _is_loopback(request.client.host if request.client else None):
        raise Forbidden("detail.metrics-local", reason="metrics-not-local")


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def metrics(request: Request) -> Response:
    """Prometheus text. Every figure is kept current in memory or in `outbox_counts`: nothing
    here counts rows, so polling it costs the same with a million messages waiting."""
    _check_metrics_access(request)
    runtime = request.app.state.runtime
    forwarder = runtime.forwarder
    sinks_up = forwarder.health.sinks_up() if forwarder is not None else []
    mail_backlog = forwarder.mail_backlog if forwarder is not None else None
    text = runtime.metrics.render(depth(runtime.reader), sinks_up, mail_backlog)
    if runtime.backups is not None:
        text += runtime.backups.metrics()
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")


async def openapi(request: Request) -> Response:
    runtime = request.app.state.runtime
    return JSONResponse(openapi_document(runtime.base_url(request), runtime.settings))


ROUTES = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/openapi.json", openapi, methods=["GET"]),
]
