"""A neighbour who came to report the same broken lamp follows the appeal already filed instead
(the form lists it: test_form_similar.py): one e-mail to confirm, then the appeal's moves by
e-mail — its number, organisation and status only, never the filer's name, the operator's words
to the filer or the answer — and a link in each to stop."""

from __future__ import annotations

import re

import httpx
import pytest
from mail_server import html_of, text_of
from playwright.sync_api import expect

from conftest import Service, appeal, bearer, form_token, make_org, serious_violations

ORIGIN = "https://manturovo.example.ru"
NEIGHBOUR = "sosed@example.ru"


@pytest.fixture
def city(db, mail_server):
    org = make_org(db, "manturovo", ORIGIN)
    env = {**mail_server.env, "POS_RATE_LIMIT_ADDRESS": "0", "POS_RATE_LIMIT_KEY": "0"}
    service = Service(db, env=env).start()
    yield db, org, service
    service.stop()


def _follow(service: Service, number: str, email: str = NEIGHBOUR) -> httpx.Response:
    return httpx.post(
        f"{service.url}/w/manturovo/follow",
        data={
            "token": form_token(service.url, ORIGIN, "manturovo"),
            "number": number,
            "email": email,
        },
        headers={"Origin": service.url, "Accept": "application/json"},
        timeout=10,
    )


def _reply(service: Service, key: str, number: str, kind: str, body: dict, idem: str):
    reply = httpx.post(
        f"{service.url}/api/v1/appeals/{number}/{kind}",
        json=body,
        headers={**bearer(key), "Idempotency-Key": idem},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    return reply


def _link(message, path: str) -> str:
    return re.search(rf"http://\S+/f/\S+{path}(?=\s|$)", text_of(message)).group(0)


def test_a_neighbour_follows_the_appeal_hears_of_its_moves_and_stops(city, mail_server, browser):
    _db, org, service = city
    filed = httpx.post(
        f"{service.url}/api/v1/appeals",
        json=appeal(
            text="Не горит фонарь у дома 5, Иван Петров из кв. 3.",
            contact={"name": "Иван Петров", "email": "ivan@example.ru"},
        ),
        headers=bearer(org.key),
        timeout=10,
    ).json()
    number = filed["number"]

    asked = _follow(service, number)
    assert asked.status_code == 202, asked.text
    assert asked.json() == {"status": "check-mail", "email": "so***@example.ru", "number": number}
    [confirm] = mail_server.wait_for(NEIGHBOUR)
    assert number in confirm["Subject"]
    link = _link(confirm, "")
    for width, height in ((390, 844), (1280, 800)):  # the page the link opens, as people see it
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
        try:
            tab = context.new_page()
            tab.goto(link)
            expect(tab.get_by_role("button", name="Следить за обращением")).to_be_visible()
            assert serious_violations(tab) == []
            assert tab.evaluate("document.scrollingElement.scrollWidth - innerWidth") <= 0
        finally:
            context.close()
    with httpx.Client(headers={"Origin": service.url, "Accept": "text/html"}) as client:
        page = client.get(link)
        assert page.status_code == 200 and "Следить за обращением" in page.text
        assert client.post(link).status_code == 200  # following now

    _reply(
        service, org.key, number, "status",
        {"status": "in_progress", "reason": "Бригада выедет завтра, Иван, ждите."}, "s1",
    )  # fmt: skip
    [_, moved] = mail_server.wait_for(NEIGHBOUR, 2)
    assert number in moved["Subject"] and "в работе" in moved["Subject"]
    body = text_of(moved) + html_of(moved)
    assert "в работе" in body
    for private in ("Иван", "Бригада", "фонарь у дома", "/s/"):
        assert private not in body, private  # the filer's name, words, link: never
    assert mail_server.wait_for("ivan@example.ru", 2)  # the filer hears as before

    stop = _link(moved, "/stop")
    with httpx.Client(headers={"Origin": service.url, "Accept": "text/html"}) as client:
        assert "Не присылать" in client.get(stop).text  # a scanner's fetch stops nothing
        assert "больше не будут приходить" in client.post(stop).text
    _reply(service, org.key, number, "answer", {"text": "Фонарь заменён."}, "a1")
    mail_server.wait_for("ivan@example.ru", 3)  # the filer's answer went out ...
    assert len(mail_server.to(NEIGHBOUR)) == 2  # ... and nothing more to the neighbour


def test_only_an_open_appeal_of_the_organisation_is_followed_and_links_are_checked(
    city, mail_server
):
    db, org, service = city
    other = make_org(db, "other", "https://other.example.ru")
    theirs = httpx.post(
        f"{service.url}/api/v1/appeals", json=appeal(), headers=bearer(other.key), timeout=10
    ).json()
    assert _follow(service, theirs["number"]).status_code == 404
    assert _follow(service, "MANTUROVO-2026-999999").status_code == 404
    ours = httpx.post(
        f"{service.url}/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=10
    ).json()
    assert _follow(service, ours["number"], email="not-an-address").status_code == 422
    elsewhere = httpx.post(
        f"{service.url}/w/manturovo/follow",
        data={"token": form_token(service.url, ORIGIN, "manturovo"), "number": ours["number"],
              "email": NEIGHBOUR},
        headers={"Origin": "https://evil.example.com"},
        timeout=10,
    )  # fmt: skip
    assert elsewhere.status_code == 403
    # asked twice within the hour: one e-mail
    assert _follow(service, ours["number"]).status_code == 202
    assert _follow(service, ours["number"]).status_code == 202
    [confirm] = mail_server.wait_for(NEIGHBOUR)
    forged = _link(confirm, "")[:-3] + "xyz"
    assert httpx.get(forged, headers={"Accept": "text/html"}).status_code == 404
    assert len(mail_server.to(NEIGHBOUR)) == 1
