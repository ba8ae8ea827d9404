"""Signing in at the identity provider (a real one, oidc-provider-mock): an official appeal
filed signed in carries the citizen's verified name and e-mail, "my appeals" lists exactly that
citizen's appeals, and a cancelled or tampered sign-in is a readable page and a logged event."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape

import httpx
import pytest
from mail_server import text_of

from conftest import Service, events, form_fields, form_token, make_org, run_cli, store

ORIGIN = "https://manturovo.example.ru"


@pytest.fixture
def city(tmp_path, idp, mail_server):
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", ORIGIN)
    env = {**idp.env, **mail_server.env, "POS_FORM_MIN_SECONDS": "0"}
    service = Service(db, env=env).start()
    yield db, org, service
    service.stop()


def _sign_in(browser: httpx.Client, sub: str | None, purpose: str) -> httpx.Response:
    """Through the provider's own pages: to it, choose the citizen (or deny), and back."""
    start = browser.get(f"/id/start?for={purpose}")
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    form = {"sub": sub} if sub else {"action": "deny"}
    back = httpx.post(authorize, data=form)
    assert back.status_code == 302, back.text
    return browser.get(back.headers["location"])


def _identity(page: httpx.Response) -> str:
    return unescape(re.search(r'data-token="([^"]+)"', page.text).group(1))


def test_an_official_appeal_filed_signed_in_is_identified(city, mail_server):
    db, _org, service = city
    with httpx.Client(base_url=service.url, headers={"Accept": "text/html"}) as browser:
        page = _sign_in(browser, "citizen-anna", "form")
        assert page.status_code == 200 and "Анна Петрова, вы вошли" in page.text
        token = _identity(page)
    filed = httpx.post(
        f"{service.url}/w/manturovo/appeals",
        data=form_fields(
            form_token(service.url, ORIGIN, "manturovo"),
            kind="official", name="Кто-то другой", email="other@example.ru", identity=token,
            email_copies="on",
        ),
        headers={"Origin": service.url, "Accept": "application/json"},
    )  # fmt: skip
    assert filed.status_code == 201, filed.text
    mail = mail_server.wait_for("anna@example.ru")  # the verified e-mail, not the typed one
    assert filed.json()["number"] in mail[0]["Subject"]
    accepted = [e for e in events(db) if e["type"] == "accepted"][-1]
    assert accepted["data"]["identity"] == "oidc"
    assert mail_server.to("other@example.ru") == []


def test_my_appeals_lists_only_the_signed_in_citizens(city):
    _db, _org, service = city
    numbers = {}
    for sub in ("citizen-anna", "citizen-boris"):
        with httpx.Client(base_url=service.url, headers={"Accept": "text/html"}) as browser:
            token = _identity(_sign_in(browser, sub, "form"))
        reply = httpx.post(
            f"{service.url}/w/manturovo/appeals",
            data=form_fields(
                form_token(service.url, ORIGIN, "manturovo"), kind="official", identity=token
            ),
            headers={"Origin": service.url, "Accept": "application/json"},
        )
        assert reply.status_code == 201, reply.text
        numbers[sub] = reply.json()["number"]
    with httpx.Client(base_url=service.url, headers={"Accept": "text/html"}) as browser:
        assert "Войти через Госуслуги" in browser.get("/my").text
        cabinet = _sign_in(browser, "citizen-anna", "cabinet")
        assert cabinet.status_code == 303 and cabinet.headers["location"].startswith("/my")
        page = browser.get(cabinet.headers["location"]).text
        assert numbers["citizen-anna"] in page and numbers["citizen-boris"] not in page
        link = re.search(r'href="(/s/[^"]+)"', page).group(1)
        assert numbers["citizen-anna"] in browser.get(link).text
        # everything held about her, as one archive: her appeal, nobody else's (152-ФЗ art. 14)
        assert "Скачать всё, что о вас хранится" in page
        archive = browser.get("/my/export.zip")
        assert archive.status_code == 200
        assert archive.headers["content-type"] == "application/zip"
        assert "attachment" in archive.headers["content-disposition"]
        with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
            names = files.namelist()
            [document] = [json.loads(files.read(n)) for n in names if n.startswith("appeals/")]
        assert names == [f"appeals/{numbers['citizen-anna']}.json"]
        assert document["number"] == numbers["citizen-anna"]
        exported = [e for e in events(_db) if e["type"] == "citizen_exported"]
        assert [(e["data"]["number"], e["data"]["by"]) for e in exported] == [
            (numbers["citizen-anna"], "citizen")
        ]
        browser.post("/my/signout", headers={"Origin": service.url})
        assert numbers["citizen-anna"] not in browser.get("/my").text
        # signed out: no archive, back to the sign-in
        assert browser.get("/my/export.zip").status_code == 303


def test_my_appeals_list_those_confirmed_by_email_from_the_verified_address(city, mail_server):
    """Anna filed a message to an organisation that asks for e-mail confirmation, typing her
    address in capitals, and confirmed it by the link; Boris did the same with his. Signed in at
    the provider, which vouches for anna@example.ru, she finds her appeal in "my appeals";
    Boris's stays out, and so does an appeal she never confirmed."""
    db, _org, service = city
    run_cli(db, "org", "set", "manturovo", "--identity-message", "email")
    numbers = {}
    for typed in ("Anna@Example.RU", "boris@example.ru", "anna@example.ru"):
        held = httpx.post(
            f"{service.url}/w/manturovo/appeals",
            data=form_fields(form_token(service.url, ORIGIN, "manturovo"), email=typed),
            headers={"Origin": service.url, "Accept": "application/json"},
        )
        assert held.status_code == 202, held.text
        if typed == "anna@example.ru":
            continue  # the third appeal is never confirmed
        [mail] = mail_server.wait_for(typed)
        link = re.search(r"http://\S+/c/\S+", text_of(mail)).group(0)
        confirmed = httpx.post(link, headers={"Origin": service.url})
        assert confirmed.status_code == 303, confirmed.text
        page = httpx.get(service.url + confirmed.headers["location"]).text
        numbers[typed.lower()] = re.search(r"MANTUROVO-\d{4}-\d+", page).group(0)
    with httpx.Client(base_url=service.url, headers={"Accept": "text/html"}) as browser:
        cabinet = _sign_in(browser, "citizen-anna", "cabinet")
        page = browser.get(cabinet.headers["location"]).text
    assert numbers["anna@example.ru"] in page
    assert numbers["boris@example.ru"] not in page
    assert page.count("MANTUROVO-") == 1


def test_a_cancelled_or_tampered_sign_in_is_refused_readably(city):
    db, _org, service = city
    with httpx.Client(base_url=service.url, headers={"Accept": "text/html"}) as browser:
        cancelled = _sign_in(browser, None, "form")
        assert "Вход отменён" in cancelled.text
        browser.get("/id/start?for=form")
        forged = browser.get("/id/callback", params={"code": "x", "state": "not-ours"})
        assert forged.status_code == 400 and "Начните его заново" in forged.text
    reasons = [e["reason"] for e in events(db) if e["type"] == "rejected"]
    assert any(r.startswith("oidc-cancelled") for r in reasons)
    assert any(r.startswith("oidc-state") for r in reasons)
    assert run_cli(db, "log", "tail").returncode == 0


def test_an_appeal_confirmed_before_the_upgrade_with_a_capitalised_cyrillic_domain(
    db, idp, mail_server
):
    """Vera confirmed an appeal by e-mail before this release, typing her address with capitals
    in its Cyrillic domain (vera@Почта.РФ). Migration 13 gives it the address she proved, in
    lower case as "my appeals" looks it up — Unicode lower case, as intake writes it, not the
    ASCII-only lower() of SQLite — so signed in as vera@почта.рф she finds it."""
    make_org(db, "manturovo", ORIGIN)
    run_cli(db, "org", "set", "manturovo", "--identity-message", "email")
    env = {**idp.env, **mail_server.env, "POS_FORM_MIN_SECONDS": "0"}
    service = Service(db, env=env).start()
    try:
        held = httpx.post(
            f"{service.url}/w/manturovo/appeals",
            data=form_fields(form_token(service.url, ORIGIN, "manturovo"), email="vera@mail.ru"),
            headers={"Origin": service.url, "Accept": "application/json"},
        )
        assert held.status_code == 202, held.text
        [mail] = mail_server.wait_for("vera@mail.ru")
        link = re.search(r"http://\S+/c/\S+", text_of(mail)).group(0)
        confirmed = httpx.post(link, headers={"Origin": service.url})
        assert confirmed.status_code == 303, confirmed.text
        page = httpx.get(service.url + confirmed.headers["location"]).text
        number = re.search(r"MANTUROVO-\d{4}-\d+", page).group(0)
    finally:
        service.stop()
    with store(db) as conn:  # as the release before migration 13 left it
        contact = json.dumps({"name": "Вера Соколова", "email": "vera@Почта.РФ"})
        conn.execute("UPDATE appeals SET contact = ? WHERE number = ?", (contact, number))
        conn.execute("DROP INDEX appeals_by_confirmed_email")
        conn.execute("ALTER TABLE appeals DROP COLUMN confirmed_email")
        conn.execute("ALTER TABLE appeals DROP COLUMN forward_due")
        conn.execute("ALTER TABLE users DROP COLUMN lang")
        conn.execute("DELETE FROM migrations WHERE number = 13")
    service.start()
    try:
        with httpx.Client(base_url=service.url, headers={"Accept": "text/html"}) as browser:
            cabinet = _sign_in(browser, "citizen-vera", "cabinet")
            page = browser.get(cabinet.headers["location"]).text
        assert number in page
    finally:
        service.stop()
