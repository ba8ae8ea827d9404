"""A topic's extra questions in the badge's form: a citizen who picks street lighting is asked
the lamp post's number and the kind of lamp, and only then; a required question left empty is
pointed out at its field; the answers reach the agency with the appeal. Without JavaScript the
form asks the same, and keeps what was typed."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from conftest import (
    Org,
    Service,
    bearer,
    form_fields,
    form_token,
    make_org,
    run_cli,
    serious_violations,
)

ORIGIN = "https://manturovo.example.ru"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Org]]:
    db = tmp_path_factory.mktemp("questions") / "pos.db"
    org = make_org(db, "manturovo", ORIGIN)
    run_cli(
        db, "org", "attribute", "manturovo", "street_lighting", "pole", "--required",
        "--description", "Номер опоры", "--description-en", "Pole number",
    )  # fmt: skip
    run_cli(
        db, "org", "attribute", "manturovo", "street_lighting", "lamp", "--order", "2",
        "--type", "multivaluelist", "--description", "Какие лампы не горят",
        "--value", "led=Светодиодные", "--value", "sodium=Натриевые",
    )  # fmt: skip
    service = Service(db, env={"POS_FORM_MIN_SECONDS": "0"}).start()
    yield service, org
    service.stop()


def _pulled(service: Service, org: Org) -> list[dict]:
    reply = httpx.get(f"{service.url}/api/v1/queue", params={"max": 10}, headers=bearer(org.key))
    return [m["body"] for m in reply.json()["messages"]]


def test_the_form_asks_a_topics_questions_only_for_that_topic(city, browser):
    service, org = city
    context = browser.new_context(locale="ru-RU", viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{service.url}/w/manturovo/form")
        pole = page.locator("#q-street_lighting-pole")
        expect(pole).to_be_hidden()
        page.locator("#category").select_option("street_lighting")
        expect(pole).to_be_visible()
        expect(page.get_by_text("Уточните по теме «Уличное освещение»")).to_be_visible()
        page.locator("#category").select_option("roads")
        expect(pole).to_be_hidden()
        page.locator("#category").select_option("street_lighting")
        assert serious_violations(page) == []

        page.locator("#text").fill("Не горит фонарь у дома 5 по улице Ленина.")
        page.locator("#name").fill("Анна")
        page.locator("#email").fill("anna@example.ru")
        page.locator("#consent").check()
        page.get_by_label("Натриевые").check()
        page.locator("#send").click()
        # the required question is pointed out at its own field
        expect(pole).to_have_attribute("aria-invalid", "true")
        pole_error = page.locator("#q-street_lighting-pole-error")
        expect(pole_error).to_have_text("Обязательное поле.")
        pole.fill("17")  # answered: its error goes, and the summary with it
        expect(pole_error).to_have_count(0)
        expect(page.locator("#summary")).to_be_hidden()
        pole.fill("")
        page.locator("#send").click()
        expect(pole_error).to_be_visible()
        page.locator("#category").select_option("roads")  # put away with its topic
        expect(pole_error).to_have_count(0)
        expect(page.locator("#summary")).to_be_hidden()
        page.locator("#category").select_option("street_lighting")
        pole.fill("17")
        page.locator("#send").click()
        expect(page.locator("#success-number")).to_have_text(re.compile(r"MANTUROVO-"))
    finally:
        context.close()
    [document] = [d for d in _pulled(service, org) if d["attributes"]]
    assert document["attributes"] == {"pole": "17", "lamp": ["sodium"]}


def test_without_javascript_the_form_asks_again_and_keeps_the_answers(city):
    service, _ = city
    token = form_token(service.url, ORIGIN, "manturovo")
    fields = form_fields(
        token,
        category="street_lighting",
        **{"attr.street_lighting.lamp": "led", "attr.roads.pole": "from another topic"},
    )
    time.sleep(0.1)
    page = httpx.post(
        f"{service.url}/w/manturovo/appeals",
        data=fields,
        headers={"Origin": service.url, "Accept": "text/html"},
    )
    assert page.status_code == 422
    assert 'id="q-street_lighting-pole" name="attr.street_lighting.pole"' in page.text
    assert 'aria-invalid="true"' in page.text and "Обязательное поле." in page.text
    assert 'value="led" checked' in page.text  # what was ticked stays ticked
