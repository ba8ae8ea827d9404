"""What the agency's page learns from the badge, and what it cannot break: the form is told the
page's origin and path but never its query (personal data on account pages), the page's scripts
hear the appeal's number but never its tracking link, and an element named `PosIntake` on the
page does not stop the badge. Real Chromium on the example host pages of `pos-intake demo`."""

from __future__ import annotations

import json
import time

import httpx
from playwright.sync_api import expect
from test_badge import BADGE, FRAME, accepted_event, fill, open_form, send

from conftest import A_PERSON_WRITES, events, form_fields

PERSONAL = "snils=123-456-789%2000&email=a@b.ru"


def queue_document(site, number: str) -> dict:
    """The appeal as the agency pulls it from the embedded queue with its API key."""
    pulled = httpx.get(
        f"{site.service}/api/v1/queue?max=100",
        headers={"Authorization": f"Bearer {site.key}"},
        timeout=10,
    )
    assert pulled.status_code == 200, pulled.text
    [message] = [m for m in pulled.json()["messages"] if m["body"]["number"] == number]
    return message["body"]


def test_personal_data_in_the_host_pages_query_never_reaches_the_agency(page, demo_site):
    page.goto(f"{demo_site.examples}/plain.html?{PERSONAL}#profile")
    frame = open_form(page)
    fill(frame)
    number = send(frame)

    source = queue_document(demo_site, number)["source"]
    assert source["page_url"] == demo_site.examples + "/plain.html"
    logged = accepted_event(demo_site.db, number)["data"]["page_url"]
    assert logged == demo_site.examples + "/plain.html"


def test_the_service_drops_the_query_an_old_loader_still_sends(demo_site):
    """Loaders cached on host pages before this fix send the full URL: the service cuts it."""
    opened = httpx.get(
        f"{demo_site.service}/w/demo/form",
        params={
            "origin": demo_site.examples,
            "page": f"{demo_site.examples}/lk/profile?{PERSONAL}#top",
            "v": "1.0.0",
        },
        timeout=5,
    )
    token = opened.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    time.sleep(A_PERSON_WRITES)  # the demo refuses forms sent sooner
    created = httpx.post(
        f"{demo_site.service}/w/demo/appeals",
        data=form_fields(token),
        headers={"Origin": demo_site.service, "Accept": "application/json"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    assert queue_document(demo_site, number)["source"]["page_url"] == (
        demo_site.examples + "/lk/profile"
    )
    logged = [e for e in events(demo_site.db) if e["data"].get("number") == number]
    assert "snils" not in json.dumps(logged)


def test_host_page_hears_the_number_and_never_the_tracking_link(page, demo_site):
    # Everything any script on the host page could hear: every message to its window.
    page.add_init_script(
        "window.__heard = [];"
        "addEventListener('message', e => window.__heard.push(JSON.stringify(e.data)));"
    )
    page.goto(demo_site.examples + "/plain.html")
    # host.js defines the queue stub, so this works before and after the loader has arrived
    page.evaluate("PosIntake('on', 'submitted', p => { window.__submitted = p; })")
    frame = open_form(page)
    fill(frame)
    number = send(frame)

    payload = page.wait_for_function("window.__submitted").json_value()
    assert payload == {"number": number}

    link = frame.get_by_role("link", name="Следить за статусом").get_attribute("href")
    token = link.rsplit("/s/", 1)[1]
    heard = page.evaluate("window.__heard")
    assert any(number in m for m in heard), "the frame's messages were not recorded"
    assert not [m for m in heard if token in m or "/s/" in m]


def test_an_element_named_posintake_on_the_page_does_not_stop_the_badge(page, demo_site):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(demo_site.examples + "/named-form.html")
    assert page.locator("form#PosIntake input[name=_add]").count() == 1
    expect(page.get_by_role("link", name=BADGE)).to_be_visible()
    frame = open_form(page)
    expect(frame.get_by_role("heading", name="Сообщить о проблеме")).to_be_visible()
    assert page.evaluate("typeof window.PosIntake") == "function"
    assert errors == []
    page.keyboard.press("Escape")
    expect(page.locator(FRAME)).to_be_hidden()
