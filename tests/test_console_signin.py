"""Operators sign in to the console with accounts made by `pos-intake user`; sessions live on
the server, expire, and end; sign-in is throttled and audited."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest
from console_helpers import PASSWORD, add_user, sign_in, signed_in

from conftest import events, run_async, run_cli


def test_one_time_password_must_be_changed_before_anything_else(db, org, service, request):
    made = run_cli(db, "user", "add", "ops@demo.example.ru", "--org", "demo")
    one_time = re.search(r"one-time password.*: (\S+)", made.stdout).group(1)

    client = httpx.Client(base_url=service.url, headers={"Accept": "text/html"})
    request.addfinalizer(client.close)
    signed = client.post(
        "/console/signin",
        data={"email": "ops@demo.example.ru", "password": one_time},
        headers={"Origin": service.url},
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/console/password"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie
    held = client.get("/console/site")  # nothing else until the password is one's own
    assert held.status_code == 303 and held.headers["location"].startswith("/console/password")

    page = client.get("/console/password")
    assert "временным паролем" in page.text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    new = "my-own-password-7"
    changed = client.post(
        "/console/password",
        data={"csrf": csrf, "current": one_time, "new": new, "repeat": new},
        headers={"Origin": service.url},
    )
    assert changed.status_code == 303
    with signed_in(service.url, "ops@demo.example.ru", new) as console:
        assert console.get("/console/password").status_code == 200
    again = httpx.post(
        service.url + "/console/signin",
        data={"email": "ops@demo.example.ru", "password": one_time},
        headers={"Origin": service.url},
    )
    assert again.status_code == 401
    assert "Неверная почта или пароль" in again.text
    kinds = [e["type"] for e in events(db)]
    assert "password_changed" in kinds and "signin_failed" in kinds


def test_a_page_without_a_session_sends_the_browser_to_sign_in(service):
    answer = httpx.get(service.url + "/console/password", headers={"Accept": "text/html"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/signin?next=/console/password"
    script = httpx.get(service.url + "/console/password", headers={"Accept": "application/json"})
    assert script.status_code == 401
    assert script.json()["type"].endswith("/sign-in-required")


def test_a_change_without_the_csrf_token_is_refused(db, org, service, request):
    add_user(db, "ops@demo.example.ru", "demo")
    console = sign_in(service.url, "ops@demo.example.ru")
    request.addfinalizer(console.close)
    refused = console.post("/console/signout", headers={"Origin": service.url})
    assert refused.status_code == 403
    foreign = console.post(
        "/console/signout", data={"csrf": console.csrf}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert console.get("/console/password").status_code == 200  # still signed in
    out = console.post_form("/console/signout")
    assert out.status_code == 303
    assert console.get("/console/password").status_code == 303  # the session is gone


@pytest.mark.service_env(POS_CONSOLE_SIGNIN_ACCOUNT="3", POS_CONSOLE_SIGNIN_ADDRESS="0")
def test_an_account_is_locked_after_repeated_failures(db, org, service):
    add_user(db, "ops@demo.example.ru", "demo")
    for _ in range(3):
        wrong = httpx.post(
            service.url + "/console/signin",
            data={"email": "ops@demo.example.ru", "password": "not-the-password"},
            headers={"Origin": service.url},
        )
        assert wrong.status_code == 401
    locked = httpx.post(
        service.url + "/console/signin",
        data={"email": "ops@demo.example.ru", "password": PASSWORD},
        headers={"Origin": service.url},
    )
    assert locked.status_code == 429
    assert "Слишком много попыток" in locked.text
    reasons = [e["reason"] for e in events(db) if e["type"] == "signin_failed"]
    assert reasons == ["bad-password"] * 3 + ["locked"]


@pytest.mark.service_env(POS_CONSOLE_SIGNIN_ADDRESS="2")
def test_sign_in_attempts_are_throttled_per_address(db, org, service):
    for _ in range(2):
        httpx.post(
            service.url + "/console/signin",
            data={"email": f"nobody{_}@x.ru", "password": "whatever-123"},
            headers={"Origin": service.url},
        )
    throttled = httpx.post(
        service.url + "/console/signin",
        data={"email": "nobody@x.ru", "password": "whatever-123"},
        headers={"Origin": service.url},
    )
    assert throttled.status_code == 429 and "Retry-After" in throttled.headers


def test_a_disabled_account_loses_its_sessions(db, org, service):
    add_user(db, "ops@demo.example.ru", "demo")
    with signed_in(service.url, "ops@demo.example.ru") as console:
        run_cli(db, "user", "disable", "ops@demo.example.ru")
        assert console.get("/console/password").status_code == 303
    listed = run_cli(db, "user", "list").stdout
    assert "ops@demo.example.ru" in listed and "disabled" in listed


@pytest.mark.parametrize("path", ["/console/live", "/console/board/live"])
def test_an_open_live_stream_ends_when_the_account_is_disabled(db, org, service, path):
    add_user(db, "ops@demo.example.ru", "demo")
    with (
        signed_in(service.url, "ops@demo.example.ru") as console,
        console.stream("GET", path, timeout=15) as stream,
    ):
        lines = stream.iter_lines()
        assert next(lines).startswith("retry:")
        run_cli(db, "user", "disable", "ops@demo.example.ru")
        started = time.monotonic()
        for _ in lines:  # the server ends the stream: the loop finishes, no timeout
            pass
        assert time.monotonic() - started < 5


def _attempt(url: str, email: str, password: str, address: str | None = None) -> httpx.Response:
    headers = {"Origin": url, **({"X-Forwarded-For": address} if address else {})}
    return httpx.post(
        url + "/console/signin", data={"email": email, "password": password}, headers=headers
    )


@pytest.mark.service_env(POS_CONSOLE_SIGNIN_ACCOUNT="3", POS_CONSOLE_SIGNIN_ADDRESS="0")
def test_every_spelling_of_an_e_mail_counts_against_the_one_account(db, org, service):
    add_user(db, "ops@demo.example.ru", "demo")
    # spellings the lookup reads as the account (spaces of every kind, capitals) are one count
    for spelling in (
        "ops@demo.example.ru\u3000",
        " \u2003OPS@Demo.Example.RU",
        "ops@demo.example.ru" + "\u00a0" * 200,
    ):
        assert _attempt(service.url, spelling, "not-the-password").status_code == 401
    assert _attempt(service.url, "ops@demo.example.ru", PASSWORD).status_code == 429
    # Padded past 320 characters with Unicode spaces and a last letter: such input was cut after
    # one strip and stripped again by the lookup — it found the account with a count of its own
    # each time, and signed in while the account was locked. Now it is refused unread.
    for n in range(3):
        padded = "ops@demo.example.ru" + "\u3000" * (310 + n) + "x"
        long = _attempt(service.url, padded, PASSWORD)
        assert long.status_code != 303, "signed in round the lock"
        assert long.status_code == 422
        assert "длиннее 320 символов" in long.text
    assert _attempt(service.url, "Ops@demo.example.ru\u2028", PASSWORD).status_code == 429
    reasons = [e["reason"] for e in events(db) if e["type"] == "signin_failed"]
    assert reasons == ["bad-password"] * 3 + ["locked"] + ["email-too-long"] * 3 + ["locked"]


def _burst(url: str, email: str, addresses: list[str], n: int) -> list[int]:
    """`n` wrong passwords sent at once, spread over `addresses` (X-Forwarded-For)."""

    async def burst() -> list[int]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            answers = await asyncio.gather(
                *(
                    client.post(
                        "/console/signin",
                        data={"email": email, "password": f"wrong-guess-{i}"},
                        headers={"Origin": url, "X-Forwarded-For": addresses[i % len(addresses)]},
                    )
                    for i in range(n)
                )
            )
        return [answer.status_code for answer in answers]

    return run_async(burst())


@pytest.mark.parametrize("addresses", [1, 4], ids=["one-address", "four-addresses"])
@pytest.mark.service_env(POS_CONSOLE_SIGNIN_ACCOUNT="5", POS_CONSOLE_SIGNIN_ADDRESS="0")
def test_a_burst_of_guesses_cannot_outrun_the_lock(db, org, service, addresses):
    add_user(db, "ops@demo.example.ru", "demo")
    sources = [f"203.0.113.{i + 1}" for i in range(addresses)]
    statuses = _burst(service.url, "ops@demo.example.ru", sources, 20)
    # each attempt is counted before its password is checked: five are checked, the rest refused
    assert sorted(statuses) == [401] * 5 + [429] * 15
    right = _attempt(service.url, "ops@demo.example.ru", PASSWORD, sources[0])
    assert right.status_code == 429
    assert "Слишком много попыток" in right.text
    checked = [e for e in events(db) if e["type"] == "signin_failed" and e["reason"] != "locked"]
    assert len(checked) == 5
    assert not [e for e in events(db) if e["type"] == "signed_in"]


@pytest.mark.service_env(POS_CONSOLE_SIGNIN_ACCOUNT="3", POS_CONSOLE_SIGNIN_ADDRESS="0")
def test_the_right_password_clears_the_failures_before_it(db, org, service):
    add_user(db, "ops@demo.example.ru", "demo")
    for _ in range(2):
        assert _attempt(service.url, "ops@demo.example.ru", "wrong-guess").status_code == 401
    with signed_in(service.url, "OPS@demo.example.ru "):
        pass
    for _ in range(3):  # a fresh count after the sign-in
        assert _attempt(service.url, "ops@demo.example.ru", "wrong-guess").status_code == 401
    assert _attempt(service.url, "ops@demo.example.ru", PASSWORD).status_code == 429


@pytest.mark.service_env(POS_CONSOLE_SIGNIN_ACCOUNT="3", POS_CONSOLE_SIGNIN_ADDRESS="0")
def test_guessing_the_current_password_in_a_stolen_session_locks_the_account(db, org, service):
    add_user(db, "ops@demo.example.ru", "demo")
    with signed_in(service.url, "ops@demo.example.ru") as console:
        for _ in range(3):
            guess = console.post_form(
                "/console/password",
                {
                    "current": "not-the-password",
                    "new": "another-horse-43",
                    "repeat": "another-horse-43",
                },
            )
            assert guess.status_code == 422
        # the fourth is refused before it is checked, the right password included
        locked = console.post_form(
            "/console/password",
            {"current": PASSWORD, "new": "another-horse-43", "repeat": "another-horse-43"},
        )
        assert locked.status_code == 429
        assert "Слишком много попыток" in locked.text
    # and the lock is the account's: the sign-in page refuses the right password too
    refused = httpx.post(
        service.url + "/console/signin",
        data={"email": "ops@demo.example.ru", "password": PASSWORD},
        headers={"Origin": service.url},
    )
    assert refused.status_code == 429
