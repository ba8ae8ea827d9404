"""`pos-intake serve` and `pos-intake demo`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import socket
import sqlite3
from collections.abc import Iterator

import uvicorn

from intake_service import worker
from intake_service.access_log import LINE_FORMAT
from intake_service.app import create_app
from intake_service.areas import set_area
from intake_service.console.accounts import (
    add_user,
    find_user,
    generate_password,
    hash_password,
    set_disabled,
    set_password,
)
from intake_service.examples_site import create_examples_app
from intake_service.forward.mailer import Mailer
from intake_service.lifecycle.deadlines import CalendarError, load_calendar
from intake_service.orgs import (
    OrgError,
    create_key,
    create_org,
    get_org,
    pos_id_holder,
    set_pos_id,
    snippet,
)
from intake_service.settings import Settings, SettingsError, load
from intake_service.store import open_database, transaction
from intake_service.worker import WorkerHandle
from intake_service.worker_link import Role

DEMO_SLUG = "demo"
# A made-up ПОС id for the demo organisation: examples/pos-banner.html calls Widget(…, it).
DEMO_POS_ID = 100000
DEMO_NAME = "Демонстрационная организация"
DEMO_ORIGINS = ["http://localhost:*", "http://127.0.0.1:*"]
DEMO_ADMIN = "admin@demo.example.ru"


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings, with the holidays file read once here: a line that is not a date stops
    the start with the file and line named, not a traceback from inside the server."""
    overrides = {name: getattr(args, name, None) for name in ("db", "config", "host", "port")}
    if getattr(args, "inline", False):
        overrides["worker"] = "inline"
    settings = load(overrides)
    try:
        load_calendar(settings.deadline_days, settings.holidays_file)
    except CalendarError as exc:
        raise SettingsError(str(exc)) from None
    return settings


def _configure_logging(level: str) -> None:
    """Our log lines (access, errors) in uvicorn's format, on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LINE_FORMAT))
    logger = logging.getLogger("pos_intake")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False
    # psycopg warns once per failed pipelined batch ("error ignored terminating <Pipeline>");
    # the writer already reports a store refusing writes, one line a minute (decision 0101),
    # and with a worker process beside the web process those warnings came twice as often
    logging.getLogger("psycopg").setLevel(logging.ERROR)


# How long idle keep-alive connections stay open once shutdown begins: a request a client sends
# on one meanwhile is answered 503 with `Connection: close` (the client retries elsewhere)
# rather than meeting a connection closed under it, which it cannot tell from a lost request.
KEEP_ALIVE_DRAIN_SECONDS = 1.0


class _Server(uvicorn.Server):
    """uvicorn's server with our order of shutdown.

    As soon as shutdown begins: queue long-polls answer at once and the console's live streams
    end (uvicorn waits for every open response before the application's shutdown, and these
    would hold it for their whole wait, or for ever); new requests are answered 503 and the
    listening socket closes. Idle keep-alive connections get KEEP_ALIVE_DRAIN_SECONDS before
    uvicorn closes them. Answers under way — a CSV export — have `shutdown_grace` seconds
    (`timeout_graceful_shutdown`) to finish; then uvicorn cancels them, which closes their
    connection mid-body: the client sees a broken transfer, never a clean short end."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        state = getattr(self.config.app, "state", None)
        console = getattr(state, "console", None)
        if console is not None:
            console.stopping = True
        runtime = getattr(state, "runtime", None)
        if runtime is not None:
            runtime.stop_waiting()
        if state is not None:
            state.refusing = True  # RequestContext answers 503 from now on
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        loop = asyncio.get_running_loop()
        began = loop.time()
        grace = self.config.timeout_graceful_shutdown
        drained = began + min(KEEP_ALIVE_DRAIN_SECONDS, grace if grace is not None else 1e9)
        while self.server_state.connections and loop.time() < drained and not self.force_exit:
            await asyncio.sleep(0.05)
        if grace is not None:  # the grace counts from the signal, the drain within it
            self.config.timeout_graceful_shutdown = max(0.0, grace - (loop.time() - began))  # type: ignore[assignment]
        await super().shutdown(sockets)


def server_stack() -> tuple[str, str]:
    """The event loop and HTTP parser this process serves with: uvloop and httptools (the
    production stack, installed with the package where they have wheels), else asyncio's loop
    and h11, which work everywhere but cost more per request."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        loop = "asyncio"
    else:
        loop = "uvloop"
    try:
        import httptools  # noqa: F401
    except ImportError:
        http = "h11"
    else:
        http = "httptools"
    return loop, http


def stack_line() -> str:
    loop, http = server_stack()
    missing = [name for name, used in (("uvloop", loop), ("httptools", http)) if name != used]
    line = f"event loop {loop}, HTTP parser {http}"
    if missing:
        line += f" ({' and '.join(missing)} not installed: slower; pip install {' '.join(missing)})"
    return line


def _service_config(settings: Settings, handle: WorkerHandle | None = None) -> uvicorn.Config:
    loop, http = server_stack()
    app = (
        create_app(settings)
        if handle is None
        else create_app(settings, role=Role.WEB, link=handle.link)
    )
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop=loop,
        http=http,
        log_level=settings.log_level,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,
        access_log=False,  # RequestContext logs access without tracking tokens
        timeout_graceful_shutdown=settings.shutdown_grace,  # type: ignore[arg-type]
    )


@contextlib.contextmanager
def _worker(settings: Settings) -> Iterator[WorkerHandle | None]:
    """The worker process beside this one (worker.py), unless POS_WORKER=inline; stopped when
    the server has stopped. Started before uvicorn makes its loop: fork copies one thread."""
    if settings.worker != "process":
        yield None
        return
    handle = worker.start(settings)
    try:
        yield handle
    finally:
        handle.stop()


def _run(settings: Settings) -> None:
    _configure_logging(settings.log_level)
    logging.getLogger("pos_intake").info("serving with %s", stack_line())
    with _worker(settings) as handle:
        _Server(_service_config(settings, handle)).run()


def _run_with_examples(settings: Settings, base: str, examples_port: int) -> None:
    """The service and the example host pages, one process, two ports (two origins).

    The examples server starts first; the service's signal handlers then take over, and when
    the service stops on Ctrl-C uvicorn hands the signal back to the examples server."""
    _configure_logging(settings.log_level)
    loop, _ = server_stack()
    examples = uvicorn.Server(
        uvicorn.Config(
            create_examples_app(base, default_pos_id=DEMO_POS_ID),
            host=settings.host,
            port=examples_port,
            log_level="warning",
            server_header=False,
        )
    )
    with _worker(settings) as handle:
        service = _Server(_service_config(settings, handle))

        async def both() -> None:
            await asyncio.gather(examples.serve(), service.serve())

        if loop == "uvloop":
            import uvloop

            uvloop.run(both())
        else:
            asyncio.run(both())


def require_mail_base_url(settings: Settings) -> None:
    """A service that sends mail through SMTP must be told its public URL: links in e-mails are
    made from it and never from a request's headers, which a forged form post writes. (Without
    SMTP the mail lands in a local Maildir and its links name the address the service listens
    on; the demo runs so.)"""
    if settings.smtp_host and not settings.base_url:
        raise SettingsError(
            "base_url (POS_BASE_URL) must be set when mail is sent through SMTP "
            "(POS_SMTP_HOST): links in e-mails are made from it, never from a request's Host "
            "header; set it to the public URL citizens open, e.g. https://pos.example.ru"
        )


def serve(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    require_mail_base_url(settings)
    open_database(settings.db, synchronous=settings.synchronous).close()
    _run(settings)
    return 0


def ensure_demo_org(conn: sqlite3.Connection) -> bool:
    """Create the demo organisation if it is missing; True if it was created."""
    try:
        get_org(conn, DEMO_SLUG)
        return False
    except OrgError:
        create_org(conn, DEMO_SLUG, DEMO_NAME, origins=DEMO_ORIGINS)
        if pos_id_holder(conn, DEMO_POS_ID) is None:
            set_pos_id(conn, DEMO_SLUG, DEMO_POS_ID)
        return True


# A made-up sample region for the console's map: two districts of the demo organisation, plain
# rectangles (lon, lat) so the map shows something at once; an appeal with coordinates inside
# one of them is placed there.
DEMO_DISTRICTS = (
    ("demo-north", "Северный район (демо)", (44.60, 58.33, 44.95, 58.48)),
    ("demo-south", "Южный район (демо)", (44.60, 58.18, 44.95, 58.33)),
)


def ensure_demo_districts(conn: sqlite3.Connection) -> None:
    """Create the sample districts (children of the demo organisation) with their areas."""
    for slug, name, (west, south, east, north) in DEMO_DISTRICTS:
        try:
            get_org(conn, slug)
            continue
        except OrgError:
            create_org(conn, slug, name, parent=DEMO_SLUG)
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        set_area(conn, slug, json.dumps({"type": "Polygon", "coordinates": [ring]}))


def ensure_demo_admin(conn: sqlite3.Connection) -> str:
    """The demo organisation's console admin, with a fresh password each run (returned): like
    the API key, it is printed once and only its hash is kept."""
    password = generate_password()
    with transaction(conn):
        user = find_user(conn, DEMO_ADMIN)
        if user is None:
            org_id = get_org(conn, DEMO_SLUG).id
            add_user(conn, DEMO_ADMIN, org_id=org_id, role="admin", password=password)
        else:
            set_password(conn, user.id, hash_password(password), must_change=False)
            set_disabled(conn, user.id, False)
    return password


def demo(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    conn = open_database(settings.db, synchronous=settings.synchronous)
    try:
        created = ensure_demo_org(conn)
        ensure_demo_districts(conn)
        key = create_key(conn, DEMO_SLUG, label="demo")
        console_password = ensure_demo_admin(conn)
    finally:
        conn.close()
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    base = settings.base_url or f"http://{host}:{settings.port}"
    examples_port = settings.examples_port or settings.port + 1
    examples = f"http://{host}:{examples_port}"
    mail = Mailer(settings).target
    if not settings.smtp_host:
        mail += "\n              (no SMTP server set: POS_SMTP_HOST; open the files with any mail reader)"
    signin = (
        f"identity provider {settings.oidc_issuer}"
        if settings.oidc_issuer
        else "no identity provider set (POS_OIDC_ISSUER): official appeals cannot be\n"
        "              signed in with it and are confirmed by an e-mail link instead"
    )
    print(
        f"""
pos-intake demo — organisation "{DEMO_SLUG}" ({DEMO_NAME}){" created" if created else ""}
database      {settings.db}
service       {base}/
API described {base}/openapi.json
health        {base}/healthz   ready: {base}/readyz   metrics: {base}/metrics
API key       {key}
              (a new key each run; only its hash is stored — keep it now)
console       {base}/console
              (map: {base}/console/map — two sample districts)
              sign in as {DEMO_ADMIN} with {console_password}
              (a new password each run; more accounts: pos-intake user add …)
mail          {mail}
sign-in       {signin}
server        {stack_line()}

File an appeal:
  curl -sS -X POST {base}/api/v1/appeals \\
    -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\
    -d '{{"category": "street_lighting", "text": "Не горит фонарь у дома 5 по ул. Ленина",
         "contact": {{"name": "Иван", "email": "ivan@example.ru"}}, "consent": true}}'
Pull it from the queue:
  curl -sS '{base}/api/v1/queue?wait=5' -H 'Authorization: Bearer {key}'
Watch the intake log (another terminal):
  pos-intake log tail --follow --db {settings.db}

Example host pages (another origin, as an agency's site would be):
  {examples}/                  all of them
  {examples}/plain.html        the one-line snippet
  {examples}/strict-csp.html   a page with a strict Content-Security-Policy
  {examples}/hostile-css.html  aggressive global CSS and a z-index 2147483647 bar
  {examples}/spa.html          a single-page app re-inserting the snippet
  {examples}/inline.html       inline badges and the site's own button
  {examples}/long.html         on a phone the badge steps aside at the page's end
  {examples}/fixed-footer.html data-offset: the badge above a fixed footer bar
Snippet for your own page:
  {snippet(base, DEMO_SLUG)}
""",
        flush=True,
    )
    _run_with_examples(settings, base, examples_port)
    return 0
