"""Operations endpoints: liveness, readiness, metrics, and the API description."""

from __future__ import annotations

import asyncio
import sqlite3

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from intake_service import __version__
from intake_service.forward.outbox import depth
from intake_service.openapi import openapi_document

READY_TIMEOUT = 2.0


async def healthz(request: Request) -> Response:
    """The process answers. Says nothing about the database; that is /readyz."""
    return JSONResponse({"status": "ok", "version": __version__})


async def readyz(request: Request) -> Response:
    """Ready when the writer is alive and can take the write lock and commit; degraded (still
    200) when a sink fails or the outbox is full."""
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
        except Exception as exc:
            checks["database"] = f"not writable: {exc}"
    ready = checks.get("writer") == "ok" and checks.get("database") == "writable"
    status = "ready" if ready else "not ready"
    body: dict[str, object] = {"status": status, "checks": checks}
    forwarder = runtime.forwarder
    if forwarder is not None:
        # A sink that is down does not stop intake — appeals wait in the outbox — so the node
        # stays in rotation (200) and says it is degraded.
        failing = forwarder.failing_sinks()
        checks["sinks"] = "ok" if not failing else "failing"
        body["outbox_backlog"] = forwarder.backlog
        if failing:
            body["failing_sinks"] = failing
        if ready and (failing or forwarder.backlog >= runtime.settings.outbox_limit):
            body["status"] = "degraded"
    return JSONResponse(body, status_code=200 if ready else 503)


async def metrics(request: Request) -> Response:
    runtime = request.app.state.runtime
    forwarder = runtime.forwarder
    sinks_up = forwarder.sinks_up() if forwarder is not None else []
    text = runtime.metrics.render(depth(runtime.reader), sinks_up)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")


async def openapi(request: Request) -> Response:
    runtime = request.app.state.runtime
    return JSONResponse(openapi_document(runtime.base_url(request)))


ROUTES = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/openapi.json", openapi, methods=["GET"]),
]
