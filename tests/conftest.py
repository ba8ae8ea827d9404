"""Real parts for the stories: the service as a uvicorn subprocess on a free port with its own
SQLite file, and the `pos-intake` CLI as a subprocess against the same file."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from intake_service.directory import CHECK_INTERVAL
from intake_service.store import connect

CLI = [sys.executable, "-m", "intake_service"]
START_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


T = TypeVar("T")


def run_async(coroutine: Coroutine[object, object, T]) -> T:
    """Run a coroutine on its own event loop in its own thread.

    Playwright's sync API keeps an event loop running on the main thread once the session's
    browser has started, so asyncio.run() there would refuse; a fresh thread has no loop.
    """
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as error:  # handed back to the calling test
            errors.append(error)

    thread = threading.Thread(target=target, name="run-async")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def run_cli(
    db: Path | str, *args: str, check: bool = True, **env: str
) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*CLI, *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **engine_env(db), **env},
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"pos-intake {' '.join(args)} exited {result.returncode}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
    # A running service sees a change made by the CLI within CHECK_INTERVAL (docs/nodes.md,
    # "several processes"); after a command that changes something, the test acts after that, as
    # a person at the terminal would. A command that only reads changes nothing to wait for.
    if not reads_only(args):
        time.sleep(CHECK_INTERVAL)
    return result


READING_COMMANDS = {
    ("log",),
    ("queue", "show"),
    ("queue", "stats"),
    ("org", "list"),
    ("org", "show"),
    ("org", "snippet"),
    ("user", "list"),
    ("queue", "dead"),
}


def reads_only(args: tuple[str, ...]) -> bool:
    """Whether `pos-intake ARGS` only reads the store (the log, listings, a snippet)."""
    return args[:1] in READING_COMMANDS or args[:2] in READING_COMMANDS


@dataclass
class Service:
    """A running `pos-intake serve` process."""

    db: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Service:
        if self.log_path is None:  # a story may put it elsewhere (not on the disk it fills)
            self.log_path = self.db.with_suffix(f".{self.port}.log")
        log = self.log_path.open("ab")
        env = {**os.environ, **engine_env(self.db), **self.env}
        if env.get("POS_SMTP_HOST"):  # a service sending mail must know its URL (serve_cmd.py)
            env.setdefault("POS_BASE_URL", self.url)
        self.process = subprocess.Popen(
            [*CLI, "serve", "--db", str(self.db), "--port", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the service exited at start:\n{self.log()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"the service did not answer in {START_TIMEOUT} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush — what a power cut looks like to the process."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> Service:
        self.stop()
        return self.start()


@dataclass
class Org:
    slug: str
    key: str


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="the storage engine the stories run on: a SQLite file per test (the default) or a "
        "fresh PostgreSQL database per test (scripts/postgres-up provides the server)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under --engine postgres, the stories that are about SQLite itself (its file, its WAL,
    reading it directly) are skipped with the reason their marker gives, and so are the stories
    whose store the engine does not pick: they would run exactly as in the SQLite pass."""
    if config.getoption("--engine") != "postgres":
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.args[0]}"))
        elif not follows_engine(item):
            item.add_marker(pytest.mark.skip(reason=SAME_ON_EVERY_ENGINE))


SAME_ON_EVERY_ENGINE = (
    "its store is not the one --engine picks (the demo's own SQLite file, a PostgreSQL server of "
    "its own, or none at all): it runs the same in the SQLite pass"
)


def follows_engine(item: pytest.Item) -> bool:
    """Whether the story's store is the engine's: it stands on `db` (directly or through `org`,
    `service` …) or its module's own store says so (`follows_engine`)."""
    return "db" in getattr(item, "fixturenames", ()) or (
        item.get_closest_marker("follows_engine") is not None
    )


class PostgresDatabase(str):
    """A test's PostgreSQL database URL, standing where a SQLite path stands in the stories: the
    service's log file and the photo folder go to the test's own folder."""

    folder: Path

    def __new__(cls, url: str, folder: Path) -> PostgresDatabase:
        made = super().__new__(cls, url)
        made.folder = folder
        return made

    @property
    def parent(self) -> Path:
        return self.folder

    @property
    def stem(self) -> str:
        return "pos-intake"

    def with_suffix(self, suffix: str) -> Path:
        return self.folder / f"pos-intake{suffix}"


@pytest.fixture
def db(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    if shares_the_modules_service(request):
        return request.getfixturevalue("module_service").db
    if request.config.getoption("--engine") == "postgres":
        url = request.getfixturevalue("postgres_url")
        return PostgresDatabase(url, tmp_path)  # type: ignore[return-value]
    return tmp_path / "pos-intake.db"


@contextlib.contextmanager
def store(db: Path | str) -> Iterator[sqlite3.Connection]:
    """The database itself, as the story reads or moves it behind the service's back (on either
    engine; every statement commits on its own)."""
    conn = connect(db)
    try:
        yield conn
    finally:
        conn.close()


def store_dump(db: Path | str) -> str:
    """Every row of every table, as text: what someone who copied the database would have."""
    with store(db) as conn:
        if isinstance(conn, sqlite3.Connection):
            return "\n".join(conn.iterdump())
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]
        return "\n".join(
            repr(tuple(row)) for table in tables for row in conn.execute(f"SELECT * FROM {table}")
        )


def engine_env(db: Path | str) -> dict[str, str]:
    """What a process on `db` needs besides --db: on PostgreSQL, the photo folder that sits
    beside a SQLite file (a deployment sets POS_MEDIA_DIR to a folder the nodes share)."""
    if isinstance(db, PostgresDatabase):
        return {
            "POS_MEDIA_DIR": str(db.folder / "pos-intake-media"),
            "POS_MAILDIR": str(db.folder / "pos-intake.mail"),
        }
    return {}


def make_org(db: Path, slug: str, *origins: str) -> Org:
    args = ["org", "add", slug, "--name", f"Администрация {slug}"]
    for origin in origins:
        args += ["--origin", origin]
    run_cli(db, *args)
    key = run_cli(db, "org", "key", slug).stdout.strip().splitlines()[-1]
    return Org(slug, key)


@pytest.fixture(scope="session")
def org_template(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """One store per test worker holding the `demo` organisation, made once with the real CLI
    (`org add`, `org key`): each story's `org` is a copy of it, which costs a file copy or a
    `CREATE DATABASE … TEMPLATE` instead of two CLI runs and the migrations."""
    folder = tmp_path_factory.mktemp("org-template")
    if request.config.getoption("--engine") == "postgres":
        with postgres_database(f"template_{folder.name}") as url:
            template = PostgresDatabase(url, folder)
            yield template, make_org(template, "demo", "https://demo.example.ru")
        return
    template = folder / "pos-intake.db"
    yield template, make_org(template, "demo", "https://demo.example.ru")


@pytest.fixture
def org(db: Path, org_template, request: pytest.FixtureRequest) -> Org:
    """The `demo` organisation (origin https://demo.example.ru) in the story's own store."""
    template, made = org_template
    if shares_the_modules_service(request):
        return made  # the module's store is a copy of the template too
    if not isinstance(db, PostgresDatabase) and db.exists():
        return make_org(db, "demo", "https://demo.example.ru")  # the story made its store first
    copy_store(template, db)
    return made


def copy_store(template: Path | str, db: Path | str) -> None:
    """Make the store at `db` (not yet used) a copy of `template`, on either engine."""
    if isinstance(template, PostgresDatabase):
        clone_postgres_database(template, db)
    else:
        shutil.copyfile(template, db)


@pytest.fixture
def service(db: Path, org: Org, request: pytest.FixtureRequest) -> Iterator[Service]:
    """A server for the `org` organisation; a test may set env by `@pytest.mark.service_env`.
    In a module marked `shared_service`, the module's one server (see `module_service`)."""
    if shares_the_modules_service(request):
        yield request.getfixturevalue("module_service")
        return
    marker = request.node.get_closest_marker("service_env")
    env = dict(marker.kwargs) if marker else {}
    svc = Service(db, env=env).start()
    yield svc
    svc.stop()


def shares_the_modules_service(request: pytest.FixtureRequest) -> bool:
    """Whether the story runs on its module's one server and store: the module is marked
    `shared_service` and the story neither sets the server's environment (`service_env`) nor
    changes what the others rely on (`own_service`)."""
    node = request.node
    return (
        node.get_closest_marker("shared_service") is not None
        and node.get_closest_marker("service_env") is None
        and node.get_closest_marker("own_service") is None
    )


@pytest.fixture(scope="module")
def module_service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, org_template
) -> Iterator[Service]:
    """One server with the `demo` organisation for the stories of a module marked
    `shared_service(**env)`, which read only what they wrote themselves: starting a server (about
    a second of imports) costs more than most of those stories. On the engine the run asked for."""
    env = dict(request.node.get_closest_marker("shared_service").kwargs)
    folder = tmp_path_factory.mktemp("shared")
    template, _ = org_template
    with contextlib.ExitStack() as stack:
        if isinstance(template, PostgresDatabase):
            url = stack.enter_context(postgres_database(f"shared_{folder.name}"))
            db: Path = PostgresDatabase(url, folder)  # type: ignore[assignment]
        else:
            db = folder / "pos-intake.db"
        copy_store(template, db)
        service = Service(db, env=env).start()
        stack.callback(service.stop)
        yield service


def appeal(**changes: object) -> dict[str, object]:
    """A valid appeal as a citizen's agency back end would send it."""
    body: dict[str, object] = {
        "category": "street_lighting",
        "text": "Не горит фонарь у дома 5 по улице Ленина уже неделю.",
        "address": "г. Мантурово, ул. Ленина, 5",
        "lat": 58.3265,
        "lon": 44.7652,
        "contact": {"name": "Иван Петров", "email": "ivan@example.ru", "phone": "+7 900 123-45-67"},
        "consent": True,
        "page_url": "https://demo.example.ru/contacts",
    }
    body.update(changes)
    return body


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def events(db: Path, *extra: str) -> list[dict]:
    """The intake log as `pos-intake log tail --json` prints it."""
    import json

    out = run_cli(db, "log", "tail", "--json", "-n", "100000", *extra).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


# --- the browser stories -------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


@dataclass
class DemoSite:
    """`pos-intake demo` running: the service, the example host pages on a second port, a key."""

    db: Path
    service: str
    examples: str
    key: str
    process: subprocess.Popen
    console_admin: str = ""  # the demo organisation's console admin, as the demo printed it
    console_password: str = ""


def start_demo(tmp: Path, **env: str) -> DemoSite:
    port, examples_port = free_port(), free_port()
    db = tmp / "demo.db"
    out_path = tmp / "demo.out"
    with out_path.open("w") as out:
        process = subprocess.Popen(
            [*CLI, "demo", "--db", str(db), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            # The session's one demo site takes every browser story's appeals from 127.0.0.1:
            # more than one citizen's address may file a minute (tests/test_form_checks.py
            # tests that limit itself).
            env={
                **os.environ,
                "POS_EXAMPLES_PORT": str(examples_port),
                "POS_RATE_LIMIT_SENDER": "0",
                **env,
            },
        )
    service, examples = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{examples_port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"demo exited:\n{out_path.read_text()}")
        try:
            if (
                httpx.get(service + "/readyz", timeout=1).status_code == 200
                and httpx.get(examples + "/", timeout=1).status_code == 200
            ):
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        raise AssertionError(f"demo did not start:\n{out_path.read_text()}")
    printed = out_path.read_text()
    key = next(line.split()[-1] for line in printed.splitlines() if line.startswith("API key"))
    admin = re.search(r"sign in as (\S+) with (\S+)", printed)
    return DemoSite(db, service, examples, key, process, admin.group(1), admin.group(2))


def stop_demo(site: DemoSite) -> None:
    """Ctrl-C, as a person stops the demo; killed if it does not end."""
    site.process.send_signal(signal.SIGINT)
    try:
        site.process.wait(15)
    except subprocess.TimeoutExpired:
        site.process.kill()
        site.process.wait(5)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    site = start_demo(tmp_path_factory.mktemp("demo"), POS_FORM_MIN_SECONDS="1")
    yield site
    stop_demo(site)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise AssertionError(f"{CHROMIUM} is missing: scripts/test installs the chromium package")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, demo_site) -> Iterator[object]:
    """A desktop browser tab (1280×800, Russian) for stories on the demo's host pages; modules
    that need another tab define their own `page`."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    """What axe-core finds serious or critical on the open page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# What a citizen types into the form: a valid appeal, short of the form token.
FORM_FIELDS = {
    "kind": "message",
    "category": "roads",
    "text": "Яма на дороге у школы номер 3.",
    "name": "Мария",
    "email": "maria@example.ru",
    "consent": "on",
}


def form_fields(token: str, **changes: str) -> dict[str, str]:
    return {"token": token, **FORM_FIELDS, **changes}


def form_token(service_url: str, origin: str, org: str = "demo") -> str:
    """Open the form as the badge would on `origin` and take its signed token."""
    page = httpx.get(f"{service_url}/w/{org}/form", params={"origin": origin}, timeout=5)
    assert page.status_code == 200, page.text
    return re.search(r'name="token" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def mail_server() -> Iterator[object]:
    """A real SMTP server (aiosmtpd) the service sends to; the test reads what it received."""
    from mail_server import MailServer

    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def idp() -> Iterator[object]:
    """A real OpenID Connect provider (oidc-provider-mock) with two citizens."""
    from idp import IdentityProvider

    provider = IdentityProvider().start()
    yield provider
    provider.stop()


POSTGRES_SERVER = os.environ.get("POS_TEST_POSTGRES", "postgresql://pos:pos@127.0.0.1:5432")


@pytest.fixture
def postgres_url(request) -> Iterator[str]:
    """A fresh PostgreSQL database for one test (scripts/postgres-up provides the server and
    the role), dropped afterwards; its URL, as a deployment would set POS_DB."""
    with postgres_database(request.node.name) as url:
        yield url


@contextlib.contextmanager
def postgres_database(label: str) -> Iterator[str]:
    """A fresh PostgreSQL database named after `label` (a test, or a module's shared one),
    dropped afterwards; its URL."""
    import psycopg

    name = "pos_test_" + re.sub(r"\W", "_", label.lower())[:30] + f"_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_SERVER} (scripts/postgres-up): {exc}"
        )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clone_postgres_database(template: str, url: str) -> None:
    """Make the (still unused) database at `url` a copy of `template`: PostgreSQL copies a
    template's files, far cheaper than migrating and filling a fresh database again."""
    import psycopg

    name, template_name = url.rsplit("/", 1)[1], template.rsplit("/", 1)[1]
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
