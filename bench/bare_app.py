"""The bare handler the intake benchmark compares the durable service against.

POST /api/v1/appeals here does every step the real `create_appeal` does before it hands the
appeal to the writer — address and key limits, Bearer key through the same `OrgDirectory` on a
database prepared by the same CLI, `read_json` with its content-type and size checks, the
Idempotency-Key header check, `validate_appeal` against the organisation's catalogue, a uuid7
with its signed tracking link, and the same 201 body and headers — and then answers without
storing anything. The functions are imported from `intake_service`, not copied, so that when the
real request path gets slower or faster this one moves with it and the ratio keeps measuring
only what storage costs. The app is the same `ServiceApp` (one `RequestContext` layer around the
router) with the same uvicorn options as `pos-intake serve`.

Run: python bench/bare_app.py --port 8100 --db /tmp/bench.db   (or POS_DB / POS_PORT in env)
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake_service.api.appeals import _created, idempotency
from intake_service.api.requests import (
    authenticate,
    client_address,
    read_json,
    runtime_of,
)
from intake_service.app import ServiceApp
from intake_service.appeal_input import validate_appeal
from intake_service.appeals import NewAppeal
from intake_service.cli.serve_cmd import _configure_logging, _service_config
from intake_service.directory import OrgDirectory
from intake_service.errors import IntakeError
from intake_service.events import EventType
from intake_service.ids import human_number
from intake_service.metrics import Metrics
from intake_service.photos import media_root
from intake_service.problems import handle_http_exception, handle_unexpected, respond
from intake_service.ratelimit import RateLimiter, address_key
from intake_service.runtime import Runtime
from intake_service.settings import Settings, load
from intake_service.store import connect, open_database, secret_key
from intake_service.tokens import Tokens

# Numbers come from a counter in memory: the real service takes them from org_sequences inside
# the writer's transaction, which is storage and therefore not part of the bare work.
_sequence = itertools.count(1)


async def create_appeal_bare(request: Request) -> Response:
    """The real handler's steps in the real order, with `runtime.file` left out."""
    runtime = runtime_of(request)
    caller = authenticate(request)
    org = caller.org
    parsed = await read_json(request)
    idempotency(request, parsed)  # header check only: looking up a first answer is storage
    appeal_input = validate_appeal(parsed, runtime.directory.catalogue(org.id))
    appeal_id, tracking_url = runtime.new_appeal_id(request)
    NewAppeal(
        id=appeal_id,
        origin_org=org,
        target_org=org,
        input=appeal_input,
        channel="api",
        request_id=request.state.request_id,
        remote_addr=client_address(request),
    )
    year = datetime.now(UTC).year
    body: dict[str, object] = {
        "id": appeal_id,
        "number": human_number(org.slug, year, next(_sequence)),
        "status": str(EventType.ACCEPTED),
        "tracking_url": tracking_url,
    }
    return _created(body, replayed=False)


async def _refused(request: Request, exc: Exception) -> Response:
    """The same problem+json answer as the service, without writing the `rejected` event."""
    assert isinstance(exc, IntakeError)
    return respond(exc, request)


def create_bare_app(settings: Settings) -> Starlette:
    """A Starlette app whose runtime is the service's own `Runtime` with no writer in it."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        setup = open_database(settings.db, synchronous=settings.synchronous)
        try:
            key = secret_key(setup, settings.secret_key)
        finally:
            setup.close()
        reader = connect(settings.db, synchronous=settings.synchronous)
        app.state.runtime = Runtime(
            settings=settings,
            writer=None,  # type: ignore[arg-type]  # the one difference: nothing is stored
            reader=reader,
            directory=OrgDirectory(reader),
            tokens=Tokens(key),
            metrics=Metrics(),
            key_limiter=RateLimiter(settings.rate_limit_key, "key"),
            address_limiter=RateLimiter(settings.rate_limit_address, "address", key=address_key),
            org_limiter=RateLimiter(settings.rate_limit_org, "org"),
            sender_limiter=RateLimiter(settings.rate_limit_sender, "sender"),
            media_root=media_root(settings.db, settings.media_dir),
        )
        try:
            yield
        finally:
            reader.close()

    return ServiceApp(
        routes=[Route("/api/v1/appeals", create_appeal_bare, methods=["POST"])],
        exception_handlers={  # type: ignore[arg-type]
            IntakeError: _refused,
            HTTPException: handle_http_exception,
            Exception: handle_unexpected,
        },
        lifespan=lifespan,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="Serve the bare intake handler (no storage).")
    parser.add_argument("--db", help="SQLite database with the organisation (env POS_DB)")
    parser.add_argument("--host", help="listen address (env POS_HOST)")
    parser.add_argument("--port", type=int, help="listen port (env POS_PORT)")
    args = parser.parse_args()
    settings = load({"db": args.db, "host": args.host, "port": args.port})
    _configure_logging(settings.log_level)
    config = _service_config(settings)  # same uvicorn options as `pos-intake serve`
    config.app = create_bare_app(settings)
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
