"""A vote only for residents signed in at the identity provider (a real one, oidc-provider-mock):
the poll's page sends Anna to sign in and back to the poll, where her vote counts; signing in
again as the same person in another browser changes nothing and shows her own choice; without
signing in the page says what to do; the way back can lead only to a poll's page here."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from test_polls_pages import COURTYARDS, api_results, create, page_post

from conftest import Service, events


@pytest.fixture
def city(db, org, idp):
    service = Service(db, env=idp.env).start()
    yield service
    service.stop()


@contextlib.contextmanager
def _signed_in(service: Service, poll_id: str, sub: str) -> Iterator[httpx.Client]:
    """A browser that went from the poll's page to the provider, chose `sub`, and came back."""
    with httpx.Client(base_url=service.url, headers={"Accept": "text/html"}) as client:
        yield _back_from_the_provider(client, poll_id, sub)


def _back_from_the_provider(client: httpx.Client, poll_id: str, sub: str) -> httpx.Client:
    start = client.get("/id/start", params={"for": "poll", "poll": poll_id})
    assert start.status_code == 303, start.text
    back = httpx.post(start.headers["location"], data={"sub": sub})
    assert back.status_code == 302, back.text
    landed = client.get(back.headers["location"])
    assert landed.status_code == 303, landed.text
    assert landed.headers["location"] == f"/p/{poll_id}?lang=ru"
    cookie = landed.headers["set-cookie"]
    assert "pos_poll_identity=" in cookie and "HttpOnly" in cookie and "Path=/p" in cookie
    assert "samesite=lax" in cookie.lower()
    return client


def test_one_vote_per_signed_in_person(city, org, db):
    poll_id = create(city, org.key, COURTYARDS, identity="identified")
    page = httpx.get(f"{city.url}/p/{poll_id}")
    assert "Войти через Госуслуги" in page.text and f"poll={poll_id}" in page.text

    anonymous = page_post(city, f"/p/{poll_id}", {"q.yard": "lenina5"})
    assert anonymous.status_code == 403
    assert "участвуют только вошедшие через Госуслуги: войдите" in anonymous.text

    with _signed_in(city, poll_id, "citizen-anna") as anna:
        shown = anna.get(f"/p/{poll_id}")
        assert "Вы вошли через Госуслуги: Анна Петрова" in shown.text
        voted = page_post(city, f"/p/{poll_id}", {"q.yard": "mira12"}, anna)
        assert voted.status_code == 200 and "Ваш голос учтён" in voted.text

    # another browser, the same person: refused, her own choice shown, the count unchanged
    with _signed_in(city, poll_id, "citizen-anna") as again:
        second = page_post(city, f"/p/{poll_id}", {"q.yard": "lenina5"}, again)
        assert second.status_code == 409 and "уже учтён" in second.text
        assert 'id="own-choice"' in second.text and "Двор дома 12 по ул. Мира" in second.text
    assert api_results(city, poll_id)["questions"]["yard"] == {"lenina5": 0, "mira12": 1}

    with _signed_in(city, poll_id, "citizen-boris") as boris:
        assert page_post(city, f"/p/{poll_id}", {"q.yard": "lenina5"}, boris).status_code == 200
    assert api_results(city, poll_id)["participants"] == 2
    reasons = [e["reason"] for e in events(db) if e["type"] == "rejected"]
    assert "identity-missing" in reasons and "already-voted" in reasons


def test_the_way_back_leads_only_to_a_poll_here(city):
    for poll in ("//evil.example", "https://evil.example/p", "../my", ""):
        refused = httpx.get(
            f"{city.url}/id/start", params={"for": "poll", "poll": poll},
            headers={"Accept": "text/html"},
        )  # fmt: skip
        assert refused.status_code == 404, (poll, refused.status_code)
        assert "location" not in refused.headers
