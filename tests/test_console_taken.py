"""Appeals from other channels: an operator takes a call on the hotline (or a letter, or a visitor)
and registers the appeal in the console — it gets a number, is in the register and the log with
its channel in words, the citizen's e-mail is told its number, the organisation's queue gets it.
And on an appeal's page, the appeals like it nearby are listed, one click from marking it their
duplicate."""

from __future__ import annotations

import html
import mailbox
import os
import re
import time
from email import message_from_binary_file, policy
from pathlib import Path

import httpx
import pytest
from console_helpers import PASSWORD, add_user, signed_in

from conftest import Service, appeal, bearer, events, make_org, serious_violations

LENINA_5 = (58.3265, 44.7652)  # conftest.appeal()'s point
# 0.0009° of latitude is about 100 m; 0.009° about 1 km
NEAR = (LENINA_5[0] + 0.0009, LENINA_5[1])
FAR = (LENINA_5[0] + 0.009, LENINA_5[1])
OPERATOR = "op@demo.example.ru"
BENCH = "Сломана скамейка в сквере, нужен ремонт."
POTHOLE = "Глубокая яма на проезжей части, повреждены колёса машин."
BINS = "Мусорные контейнеры переполнены, вывоз задерживается."


@pytest.fixture
def desk(db, org, tmp_path):
    """The demo organisation with an operator, another organisation, and a server that mails
    the citizens' notices to a Maildir."""
    add_user(db, OPERATOR, "demo")
    other = make_org(db, "other")
    mail = tmp_path / "mail"
    service = Service(
        db,
        env={"POS_MAILDIR": str(mail), "POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0"},
    ).start()
    yield service, org, other, mail
    service.stop()


def _mail(folder: Path, deadline: float) -> list:
    """The messages the service has written to its Maildir, waiting for the first."""

    def made() -> bool:
        return all((folder / part).is_dir() for part in ("tmp", "new", "cur"))

    while time.monotonic() < deadline and not (made() and len(mailbox.Maildir(folder))):
        time.sleep(0.1)
    box = mailbox.Maildir(
        folder, factory=lambda f: message_from_binary_file(f, policy=policy.default), create=False
    )
    return list(box)


def _taken(**changes: str) -> dict[str, str]:
    form = {
        "org": "demo",
        "channel": "phone",
        "category": "street_lighting",
        "text": "Звонок на горячую линию: не горит фонарь во дворе дома 7.",
        "address": "г. Мантурово, ул. Ленина, 7",
        "surname": "Иванова",
        "first_name": "Мария",
        "phone": "+7 900 111-22-33",
        "email": "maria@example.ru",
        "consent": "yes",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v}


def _file(service: Service, key: str, **changes: object) -> dict:
    answer = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key)
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_an_operator_registers_a_phone_call(desk):
    service, org, _, mail = desk
    with signed_in(service.url, OPERATOR) as console:
        assert 'href="/console/appeals/new"' in console.get("/console").text
        taken = console.post_form("/console/appeals/new", _taken())
        assert taken.status_code == 303, taken.text
        page = console.get(taken.headers["location"])
        assert page.status_code == 200
        [accepted] = [e for e in events(service.db) if e["type"] == "accepted"]
        number = accepted["data"]["number"]
        assert accepted["data"]["channel"] == "phone" and accepted["data"]["by"] == OPERATOR
        assert number in page.text
        assert "Обращение зарегистрировано." in page.text
        assert '<dd id="appeal-channel">Телефон</dd>' in page.text
        assert f'<dd id="appeal-taken-by">{OPERATOR}</dd>' in page.text

        register = console.get("/console").text
        row = register.split(number, 1)[1].split("</tr>", 1)[0]
        assert "Телефон" in row
        log = console.get("/console/log").text
        [row] = [r for r in log.split("<tr ")[1:] if "type-accepted" in r and number in r]
        assert f"Кто: {OPERATOR}" in row and "канал: Телефон" in row

        # the same form sent twice (a double click, a reload) files it once
        once = _once(console)
        again = console.post_form("/console/appeals/new", _taken(once=once))
        twice = console.post_form("/console/appeals/new", _taken(once=once))
        assert again.status_code == twice.status_code == 303
        assert twice.headers["location"] == again.headers["location"] != taken.headers["location"]

        # the statistics count it under its channel's word, not as "other" (migration 19)
        stats = console.get("/console/stats").text
        assert _channel_count(stats, "Телефон") == 2
        assert "Другие каналы" not in stats.split('id="per-channel"', 1)[1]

    queued = httpx.get(service.url + "/api/v1/queue", headers=bearer(org.key), timeout=5).json()
    bodies = {m["body"]["number"]: m["body"] for m in queued["messages"]}
    assert bodies[number]["source"]["channel"] == "phone"
    letters = [m for m in _mail(mail, time.monotonic() + 10) if number in str(m)]
    assert letters and letters[0]["To"] == "maria@example.ru"


def _channel_count(page: str, word: str) -> int:
    """The number beside `word` in the statistics' table of channels."""
    part = page.split('id="per-channel"', 1)[1].split("</section>", 1)[0]
    found = re.search(rf'<th scope="row">{re.escape(word)}</th><td>(\d+)</td>', part)
    assert found, f"no channel {word} in the statistics"
    return int(found.group(1))


def _once(console) -> str:
    """A fresh one-time key, as the empty form carries it."""
    page = console.get("/console/appeals/new").text
    return page.split('name="once" value="', 1)[1].split('"', 1)[0]


def test_a_letter_with_only_a_postal_address_is_taken(desk):
    service, _, _, _ = desk
    with signed_in(service.url, OPERATOR) as console:
        form = _taken(channel="letter", phone="", email="", postal="156000, Мантурово, ул. Мира, 1")
        taken = console.post_form("/console/appeals/new", form)
        assert taken.status_code == 303, taken.text
        page = console.get(taken.headers["location"]).text
        assert '<dd id="appeal-channel">Письмо</dd>' in page
        shown = console.post_form(taken.headers["location"].split("?")[0] + "/contact").text
        assert "156000, Мантурово, ул. Мира, 1" in shown and "Почтовый адрес" in shown


def test_missing_fields_are_refused_in_words_and_nothing_typed_is_lost(desk):
    service, _, _, _ = desk
    with signed_in(service.url, OPERATOR) as console:
        typed = "<b>Ой</b>"  # short, and markup: shown as typed, as text
        refused = console.post_form(
            "/console/appeals/new",
            _taken(channel="", category="", text=typed, phone="", email="", consent=""),
        )
        assert refused.status_code == 422
        page = refused.text
        for words in (
            "Обращение не зарегистрировано",
            "Выберите, как поступило обращение.",
            'href="#taken-category">Тема</a>: Обязательное поле.',
            'href="#taken-text">Текст обращения</a>: Не короче 10 символов.',
            "Укажите e-mail, телефон или почтовый адрес",
            "Нужно согласие на обработку персональных данных",
        ):
            assert words in page, words
        assert html.escape(typed, quote=False) in page and "<b>" not in page
        assert 'value="Мария"' in page and 'value="Иванова"' in page
        assert 'value="г. Мантурово, ул. Ленина, 7"' in page
    assert not [e for e in events(service.db) if e["type"] == "accepted"]


def test_similar_appeals_are_listed_and_one_is_marked_a_duplicate(desk):
    service, org, other, _ = desk
    first = _file(service, org.key)  # Lenina 5
    near = _file(service, org.key, lat=NEAR[0], lon=NEAR[1], address="ул. Ленина, 9")
    # each in words of its own: a shared text would list it as similar text
    far = _file(service, org.key, lat=FAR[0], lon=FAR[1], address="ул. Мира, 40", text=BENCH)
    # same point, another topic
    elsewhere = _file(service, org.key, category="roads", text=POTHOLE)
    theirs = _file(service, other.key)  # same point, another organisation
    # no point, but the same address written otherwise
    spelt = _file(
        service, org.key, lat=None, lon=None, address="Г. МАНТУРОВО,  ул. Ленина 5", text=BINS
    )
    with signed_in(service.url, OPERATOR) as console:
        page = console.get(f"/console/appeals/{near['id']}").text
        section = page.split('id="similar"', 1)[1].split("</section>", 1)[0]
        assert first["number"] in section and "100 м" in section
        for absent in (far, elsewhere, theirs, spelt):
            assert absent["number"] not in section
        page = console.get(f"/console/appeals/{spelt['id']}").text
        section = page.split('id="similar"', 1)[1].split("</section>", 1)[0]
        assert first["number"] in section and "тот же адрес" in section
        assert near["number"] not in section

        page = console.get(f"/console/appeals/{far['id']}").text
        assert "Похожих обращений нет." in page

        marked = console.post_form(
            f"/console/appeals/{near['id']}/duplicate", {"number": first["number"]}
        )
        assert marked.status_code == 303
        page = console.get(f"/console/appeals/{near['id']}").text
        assert 'id="appeal-status">Объединено с другим обращением' in page
        original = console.get(f"/console/appeals/{first['id']}").text
        assert near["number"] in original.split('id="similar"', 1)[0]  # listed as its duplicate


def test_an_operator_takes_a_call_in_the_browser(desk, browser, tmp_path):
    service, org, _, _ = desk
    shots = Path(os.environ.get("POS_SCREENSHOTS", tmp_path))
    first = _file(service, org.key)
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        tab.goto(service.url + "/console/signin?next=/console")
        tab.fill("#email", OPERATOR)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/console")
        tab.click("#take-appeal")
        tab.wait_for_url("**/console/appeals/new")
        assert serious_violations(tab) == []
        tab.screenshot(path=str(shots / "taken-1280.png"), full_page=True)

        tab.check("input[name=channel][value=phone]")
        tab.fill("#taken-text", "Коротко")
        tab.click("#taken button.primary")
        tab.wait_for_selector("#taken-errors")
        assert tab.input_value("#taken-text") == "Коротко"
        assert "Не короче 10 символов." in tab.text_content("#taken-errors")
        assert serious_violations(tab) == []
        tab.screenshot(path=str(shots / "taken-errors-1280.png"), full_page=True)
        tab.set_viewport_size({"width": 390, "height": 844})
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        tab.screenshot(path=str(shots / "taken-errors-390.png"), full_page=True)

        tab.select_option("#taken-category", "street_lighting")
        tab.fill("#taken-text", "Не горит фонарь во дворе, сообщили по телефону.")
        tab.fill("#taken-address", "г. Мантурово, ул. Ленина, 5")
        tab.fill("#taken-surname", "Иванова")
        tab.fill("#taken-first_name", "Мария")
        tab.fill("#taken-phone", "+7 900 111-22-33")
        tab.check("#taken-consent")
        tab.click("#taken button.primary")
        tab.wait_for_selector("#notice")
        assert tab.text_content("#appeal-channel") == "Телефон"
        assert tab.text_content("#appeal-taken-by") == OPERATOR
        # the same address as the first appeal: it is listed as similar
        similar = tab.locator("#similar")
        assert first["number"] in similar.text_content()
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        assert serious_violations(tab) == []
        similar.screenshot(path=str(shots / "similar-390.png"))
        tab.set_viewport_size({"width": 1280, "height": 800})
        similar.scroll_into_view_if_needed()
        tab.screenshot(path=str(shots / "similar-1280.png"))

        similar.locator("button", has_text="Отметить дубликатом").first.click()
        tab.wait_for_selector("#notice")
        assert tab.text_content("#appeal-status") == "Объединено с другим обращением"
        assert serious_violations(tab) == []
    finally:
        context.close()
