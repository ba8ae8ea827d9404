"""Real parts for the stories: the service as a uvicorn process on a free port with its own store
(processes.py), the `pos-intake` CLI against the same store, on the engine the run picks
(stores.py); Chromium, a mail server and an identity provider where a story needs them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from processes import CLI, DemoSite, Service, free_port, run_cli, start_demo, stop_demo
from stores import (
    POSTGRES_SERVER,
    PostgresDatabase,
    copy_store,
    postgres_database,
    store,
    store_dump,
)

# What the stories import from here, besides what is defined below.
__all__ = [
    "CLI",
    "POSTGRES_SERVER",
    "DemoSite",
    "PostgresDatabase",
    "Service",
    "copy_store",
    "free_port",
    "postgres_database",
    "run_cli",
    "start_demo",
    "stop_demo",
    "store",
    "store_dump",
]

T = TypeVar("T")


def _one_tls_context_for_the_session() -> None:
    """Every `httpx.get`/`post` builds a client, and every client an SSL context that loads
    certifi's CA bundle: 19 ms of CPU each, for stories that speak plain HTTP to 127.0.0.1 a few
    thousand times (a profile of the test workers found it their largest cost). The context is
    the same every time, so it is built once per set of arguments; the service's own processes
    are untouched (they are forked from a fork server that never imports this file)."""
    from httpx._transports import default

    default.create_ssl_context = functools.cache(default.create_ssl_context)


_one_tls_context_for_the_session()


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


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups it schedules by
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under --engine postgres, the stories that are about SQLite itself (its file, its WAL,
    reading it directly) are skipped with the reason their marker gives, and so are the stories
    whose store the engine does not pick: they would run exactly as in the SQLite pass. So are
    the stories marked `same_on_every_engine`, which stand on the engine's store but look only
    at what the browser draws (layout, axe, contrast): the marker names the story that reads the
    same data on PostgreSQL.

    The stories of a module marked `shared_service` run on one xdist worker (with
    `--dist loadgroup`), so that its server and whatever its module fixtures build (forty
    municipalities for the wall) are made once, not once on every worker."""
    for item in items:
        if item.get_closest_marker("shared_service") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(f"shared:{item.module.__name__}"))
    if config.getoption("--engine") != "postgres":
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        same = item.get_closest_marker("same_on_every_engine")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.args[0]}"))
        elif same is not None:
            item.add_marker(pytest.mark.skip(reason=f"the same on every engine: {same.args[0]}"))
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


@pytest.fixture
def db(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    if shares_the_modules_service(request):
        return request.getfixturevalue("module_service").db
    if request.config.getoption("--engine") == "postgres":
        url = request.getfixturevalue("postgres_url")
        return PostgresDatabase(url, tmp_path)  # type: ignore[return-value]
    return tmp_path / "pos-intake.db"


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


# The robot check of the demos the browser stories file through: a form sent sooner than this
# after it opened is refused (POS_FORM_MIN_SECONDS; a deployment's default is 3 s). A story waits
# A_PERSON_WRITES before sending, as a person takes longer; it is short so that the stories do
# not wait a second each time (test_form_checks.py tests the check itself with 30 s).
DEMO_FORM_MIN_SECONDS = 0.5
A_PERSON_WRITES = DEMO_FORM_MIN_SECONDS + 0.1


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    site = start_demo(
        tmp_path_factory.mktemp("demo"), POS_FORM_MIN_SECONDS=str(DEMO_FORM_MIN_SECONDS)
    )
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


def screenshot(page, tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    """A full-page screenshot to look at, in the session's temporary folder (never the
    repository): `<basetemp>/screenshots/<name>.png`."""
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


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


@pytest.fixture
def postgres_url(request) -> Iterator[str]:
    """A fresh PostgreSQL database for one test (scripts/postgres-up provides the server and
    the role), dropped afterwards; its URL, as a deployment would set POS_DB."""
    with postgres_database(request.node.name) as url:
        yield url
