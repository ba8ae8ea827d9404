"""A citizen finds the way back to her appeals: without a cabinet (no sign-in set up) /my says
where the appeals are — the tracking links on the screen after sending and in the e-mails — and
leads to the front page that opens one; a citizen who left a phone and no e-mail is told, right
after sending, that the link is the only way she will hear back."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from conftest import A_PERSON_WRITES, screenshot, serious_violations


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="ru-RU"
    )
    yield context.new_page()
    context.close()


def test_without_sign_in_my_appeals_explains_the_links_and_leads_to_the_front_page(
    page, demo_site, tmp_path_factory
):
    page.goto(f"{demo_site.service}/my")
    screenshot(page, tmp_path_factory, "my-off-phone")
    expect(page.locator("#my-off")).to_contain_text("вход через Госуслуги здесь не настроен")
    expect(page.locator("#my-how")).to_contain_text("есть в письмах о нём («Посмотреть обращение»)")
    assert serious_violations(page) == []
    page.get_by_role("link", name="На главную страницу сервиса").click()
    expect(page.get_by_role("textbox", name="Ссылка для отслеживания")).to_be_visible()
    page.goto(f"{demo_site.service}/my?lang=en")
    expect(page.locator("#my-how")).to_contain_text("(“View the appeal”)")
    page.get_by_role("link", name="Русский").click()
    expect(page.locator("#my-off")).to_contain_text("Личный кабинет недоступен")


def _send(page, contact: tuple[str, str]) -> None:
    page.locator("#category").select_option("roads")
    page.locator("#text").fill("Яма на дороге у дома 7, глубокая.")
    page.locator("#name").fill("Пётр")
    page.locator(f"#{contact[0]}").fill(contact[1])
    page.locator("#consent").check()
    time.sleep(A_PERSON_WRITES)  # the demo refuses forms sent sooner
    page.locator("#send").click()
    expect(page.locator("#success-number")).to_have_text(re.compile(r"DEMO-"))


def test_a_citizen_who_left_only_a_phone_is_told_the_link_is_the_way_back(
    page, demo_site, tmp_path_factory
):
    page.goto(f"{demo_site.service}/w/demo/form")
    _send(page, ("phone", "+7 900 000-00-00"))
    note = page.locator("#success-no-email")
    expect(note).to_be_visible()
    screenshot(page, tmp_path_factory, "phone-only-success")
    expect(note).to_contain_text("только по ссылке «Следить за статусом»")
    assert serious_violations(page) == []

    page.goto(f"{demo_site.service}/w/demo/form")
    _send(page, ("email", "petr@example.ru"))
    expect(page.locator("#success-no-email")).to_be_hidden()


def test_without_script_the_tracking_page_tells_a_phone_only_citizen_the_same(page, demo_site):
    # the form's page without JavaScript: a plain POST, then the tracking page with ?new=1
    context = page.context.browser.new_context(java_script_enabled=False, locale="ru-RU")
    plain = context.new_page()
    try:
        for contact, told in (
            (("phone", "+7 900 000-00-00"), True),
            (("email", "p@example.ru"), False),
        ):
            plain.goto(f"{demo_site.service}/w/demo/form")
            plain.locator("#category").select_option("roads")
            plain.locator("#text").fill("Яма на дороге у дома 7, глубокая.")
            plain.locator("#name").fill("Пётр")
            plain.locator(f"#{contact[0]}").fill(contact[1])
            plain.locator("#consent").check()
            time.sleep(A_PERSON_WRITES)
            plain.locator("#send").click()
            expect(plain.locator("h1")).to_contain_text("DEMO-")
            note = plain.locator("#no-email")
            if told:
                expect(note).to_contain_text("только на этой странице")
                plain.goto(plain.url.split("?")[0])  # a later visit is not told again
                expect(plain.locator("h1")).to_contain_text("DEMO-")
            expect(plain.locator("#no-email")).to_have_count(0)
    finally:
        context.close()
