"""Console stories' helpers: accounts made with the real CLI, and an HTTP client signed in
through the real sign-in form (cookie and CSRF token as a browser holds them)."""

from __future__ import annotations

import contextlib
import re
import urllib.parse
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from launcher import REAL_ARGON2

from conftest import Org, make_org, run_cli

PASSWORD = "correct-horse-42"
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def add_user(
    db: Path,
    email: str,
    org: str | None = None,
    *,
    role: str = "operator",
    platform: bool = False,
    real_argon2: bool = False,
) -> str:
    """An account with the test password (already its own: no change asked at sign-in). Its
    hash is of the least argon2 cost (launcher.py), or of argon2-cffi's own with `real_argon2`."""
    args = ["user", "add", email, "--password", PASSWORD, "--role", role]
    if org:
        args += ["--org", org]
    if platform:
        args.append("--platform")
    run_cli(db, *args, **({REAL_ARGON2: "real"} if real_argon2 else {}))
    return email


def unique(request: pytest.FixtureRequest, name: str) -> str:
    """`name`, an e-mail or an organisation's slug, made the story's own: stories that share
    their module's store (`shared_service` in tests/conftest.py) would collide adding the same
    account or organisation. Within one story the same name gives the same answer: e.g.
    `ops@demo.example.ru` becomes `ops-5d1c9a3e@demo.example.ru`, `other` becomes
    `other-5d1c9a3e`."""
    mark = format(zlib.crc32(request.node.nodeid.encode()), "08x")
    local, at, domain = name.partition("@")
    return f"{local}-{mark}{at}{domain}"


def own_org(db: Path, request: pytest.FixtureRequest, slug: str, *origins: str) -> Org:
    """An organisation of the story's own (`unique(request, slug)`), made with the CLI: on a
    shared store its log, board and statistics hold only what the story put there."""
    return make_org(db, unique(request, slug), *origins)


class Console(httpx.Client):
    """An operator's browser session, spoken to over HTTP."""

    csrf: str = ""

    def post_form(self, path: str, data: dict[str, str] | None = None, **kwargs) -> httpx.Response:
        """A state change as the console's own pages send it: CSRF token and same-origin."""
        return self.post(
            path,
            data={"csrf": self.csrf, **(data or {})},
            headers={"Origin": str(self.base_url).rstrip("/")},
            **kwargs,
        )


@contextlib.contextmanager
def signed_in(url: str, email: str, password: str = PASSWORD) -> Iterator[Console]:
    """`sign_in`, closed afterwards."""
    console = sign_in(url, email, password)
    try:
        yield console
    finally:
        console.close()


def sign_in(
    url: str, email: str, password: str = PASSWORD, *, transport: httpx.BaseTransport | None = None
) -> Console:
    """A signed-in client (on `transport`, if given); the caller closes it (or uses
    `signed_in`)."""
    client = Console(base_url=url, headers={"Accept": "text/html"}, timeout=15, transport=transport)
    answer = client.post(
        "/console/signin",
        data={"email": email, "password": password, "next": "/console/password"},
        headers={"Origin": url},
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/console/password")
    assert page.status_code == 200, page.text
    client.csrf = _CSRF.search(page.text).group(1)
    return client


def sign_in_page(page, url: str, email: str, then: str = "/console") -> None:
    """Sign in through the browser's sign-in form, as a person does, and land on `then` (the
    sign-in page's `next`)."""
    asked = "" if then == "/console" else "?next=" + urllib.parse.quote(then, safe="/")
    page.goto(url + "/console/signin" + asked)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + then)
