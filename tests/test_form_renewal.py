"""A citizen who writes for longer than the form's token lasts (POS_FORM_MAX_AGE) never has to
reload: the form fetches a fresh token before the old one runs out, and once more when a sending
is refused as expired, and sends again, the text kept (WCAG 2.2.1). The renewal is for the form
page itself: a stranger's page, a spent token or another organisation's get none."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from conftest import Service, form_fields, form_token, make_org

ORIGIN = "https://demo.example.ru"
SHORT = {"POS_FORM_MAX_AGE": "2", "POS_FORM_MIN_SECONDS": "0"}


def renew(service: Service, token: str, *, origin: str | None = None, org: str = "demo"):
    return httpx.post(
        f"{service.url}/w/{org}/form/token",
        data={"token": token},
        headers={"Origin": origin or service.url, "Accept": "application/json"},
        timeout=10,
    )


def post(service: Service, token: str) -> httpx.Response:
    return httpx.post(
        f"{service.url}/w/demo/appeals",
        data=form_fields(token),
        headers={"Origin": service.url, "Accept": "application/json"},
        timeout=10,
    )


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    yield context.new_page()
    context.close()


def fill(page) -> None:
    page.get_by_role("combobox", name="Тема").select_option("roads")
    page.get_by_label("Опишите проблему").fill("Яма на дороге у школы номер 3, глубокая.")
    page.get_by_label("Ваше имя *", exact=True).fill("Мария")
    page.get_by_label("E-mail", exact=True).fill("maria@example.ru")
    page.get_by_label("Я согласен(на) на обработку моих персональных данных").check()


@pytest.mark.service_env(**SHORT)
def test_a_form_open_longer_than_its_token_lasts_renews_itself_and_files(service, org, tab):
    tab.goto(f"{service.url}/w/demo/form")
    token = tab.locator("#token")
    first = token.input_value()
    fill(tab)
    expect(token).not_to_have_value(first, timeout=10_000)  # renewed at 80 % of 2 s
    second = token.input_value()
    expect(token).not_to_have_value(second, timeout=10_000)  # and again: 3.2 s are gone
    assert post(service, first).json()["type"].endswith("/form-expired")

    tab.get_by_role("button", name="Отправить").click()
    expect(tab.locator("#success-number")).to_have_text(re.compile(r"^DEMO-\d{4}-\d{6}$"))


@pytest.mark.service_env(**SHORT)
def test_a_sending_refused_as_expired_renews_the_token_and_goes_again(service, org, tab):
    tab.goto(f"{service.url}/w/demo/form")
    token = tab.locator("#token")
    first = token.input_value()
    fill(tab)
    expect(token).not_to_have_value(first, timeout=10_000)
    second = token.input_value()
    expect(token).not_to_have_value(second, timeout=10_000)
    # as if the tab had slept through its renewals (timers wait in a background tab)
    token.evaluate("(el, old) => { el.value = old; }", first)
    refused = []
    tab.on("response", lambda r: refused.append(r.status) if "/appeals" in r.url else None)

    tab.get_by_role("button", name="Отправить").click()
    expect(tab.locator("#success-number")).to_have_text(re.compile(r"^DEMO-\d{4}-\d{6}$"))
    assert refused == [400, 201]  # expired, renewed, sent again: once


@pytest.mark.service_env(POS_FORM_MIN_SECONDS="0")
def test_only_the_form_page_renews_an_unspent_token_of_its_organisation(service, org):
    token = form_token(service.url, ORIGIN)
    renewed = renew(service, token)
    assert renewed.status_code == 200 and renewed.headers["cache-control"] == "no-store"
    fresh = renewed.json()["token"]
    assert fresh != token

    assert renew(service, token, origin="https://evil.example").status_code == 403
    make_org(service.db, "other", ORIGIN)
    assert renew(service, token, org="other").status_code == 400
    assert renew(service, "forged." + token).status_code == 400

    assert post(service, fresh).status_code == 201  # files like the form's own token
    assert post(service, token).status_code == 201  # the old one too, once: it was unspent
    spent = renew(service, token)
    assert spent.status_code == 400 and spent.json()["type"].endswith("/form-invalid")
