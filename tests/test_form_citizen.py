"""The form helps the citizen who fills it: an error goes the moment its field is right, a text
too long is said so instead of being cut, the form switches language keeping what was typed,
a draft survives a reload and a lost connection, an old form renews itself. Real Chromium on
the demo, at a desktop's and a phone's size."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from conftest import form_fields, form_token

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
SHOTS = Path(tempfile.gettempdir()) / "pos-form-shots"


@pytest.fixture
def viewport() -> dict[str, int]:
    return DESKTOP


@pytest.fixture
def page(browser, demo_site, viewport):
    context = browser.new_context(viewport=viewport, locale="ru-RU")
    yield context.new_page()
    context.close()


def shot(page: Page, name: str) -> None:
    """A screenshot to look at (not kept in the repository)."""
    SHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=SHOTS / f"{name}-{size['width']}.png", full_page=True)


def errors(page: Page):
    return page.locator(".field-error[data-field]")


@SIZES
def test_each_error_goes_the_moment_its_field_is_right(page, demo_site, viewport):
    page.goto(f"{demo_site.service}/w/demo/form")
    page.get_by_role("button", name="Отправить").click()
    summary = page.locator("#summary")
    expect(summary).to_be_visible()
    expect(errors(page)).to_have_count(5)  # topic, text, name, a way to answer, consent
    shot(page, "errors")

    page.get_by_role("combobox", name="Тема").select_option("roads")
    expect(page.locator("#category-error")).to_have_count(0)
    expect(page.locator("#category")).not_to_have_attribute("aria-invalid", "true")
    expect(errors(page)).to_have_count(4)

    text = page.get_by_label("Опишите проблему")
    text.fill("Яма")  # still too short: the error stays
    expect(page.locator("#text-error")).to_be_visible()
    text.fill("Яма на дороге у школы номер 3.")
    expect(page.locator("#text-error")).to_have_count(0)

    page.get_by_label("Имя *", exact=True).fill("Мария")
    expect(page.locator("#contact-name-error")).to_have_count(0)

    page.get_by_label("E-mail", exact=True).fill("maria@")  # not an address yet
    expect(page.locator("#contact-email-error")).to_be_visible()
    page.get_by_label("E-mail", exact=True).fill("maria@example.ru")
    expect(page.locator("#contact-email-error")).to_have_count(0)
    expect(summary).to_be_visible()  # the consent is still missing

    page.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
    expect(errors(page)).to_have_count(0)
    expect(summary).to_be_hidden()
    shot(page, "mended")


def test_a_phone_alone_mends_the_missing_way_to_answer(page, demo_site):
    page.goto(f"{demo_site.service}/w/demo/form")
    page.get_by_role("button", name="Отправить").click()
    email_error = page.locator("#contact-email-error")
    expect(email_error).to_have_text("Укажите e-mail или телефон, чтобы получить ответ.")
    page.get_by_label("Телефон", exact=True).fill("+7 900")  # too few digits to call
    expect(email_error).to_be_visible()
    page.get_by_label("Телефон", exact=True).fill("+7 900 123-45-67")
    expect(email_error).to_have_count(0)


def filed_posts(page: Page) -> list[str]:
    """The form's submissions the page sends, as they leave it."""
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    return sent


@SIZES
def test_a_text_too_long_is_not_cut_but_refused_with_how_much_to_shorten(page, demo_site, viewport):
    page.goto(f"{demo_site.service}/w/demo/form")
    sent = filed_posts(page)
    fill_all_but_text(page)
    text = page.get_by_label("Опишите проблему")
    counter, limit = page.locator("#text-counter"), page.locator("#text-limit")

    text.fill("а" * 3000)
    expect(counter).to_have_text("3000 из 4000 символов")
    expect(limit).to_have_text("")  # nothing announced below 90 %
    text.fill("а" * 3600)
    expect(counter).to_have_class("hint counter near")
    expect(limit).to_have_text("Осталось символов: 400.")
    text.press("End")
    text.press_sequentially("б")  # one more key: the counter moves, the announcement does not
    expect(counter).to_contain_text("3601 из 4000")
    expect(limit).to_have_text("Осталось символов: 400.")

    text.fill("а" * 5000)  # a paste: kept whole
    expect(text).to_have_value("а" * 5000)
    over = "Текст длиннее 4000 символов — сократите на 1000."
    expect(page.locator("#text-over")).to_have_text(over)
    expect(counter).to_have_class("hint counter over")
    expect(limit).to_have_text(over)
    shot(page, "too-long")

    page.get_by_role("button", name="Отправить").click()
    expect(page.locator("#summary")).to_have_text(over)
    expect(text).to_be_focused()
    assert sent == []  # nothing left the page

    text.fill("а" * 4000)
    expect(page.locator("#summary")).to_be_hidden()
    expect(limit).to_have_text("Достигнут предел в 4000 символов.")


def fill_all_but_text(page: Page) -> None:
    page.get_by_role("combobox", name="Тема").select_option("roads")
    page.get_by_label("Имя *", exact=True).fill("Мария")
    page.get_by_label("E-mail", exact=True).fill("maria@example.ru")
    page.get_by_label("Я согласен(на) на обработку моих персональных данных").check()


def test_without_the_script_the_service_refuses_a_text_too_long(demo_site):
    token = form_token(demo_site.service, demo_site.examples)
    answer = httpx.post(
        f"{demo_site.service}/w/demo/appeals",
        data=form_fields(token, text="а" * 5000),
        headers={"Origin": demo_site.service, "Accept": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert {"field": "text", "detail": "Не длиннее 4000 символов."} in [
        {"field": e["field"], "detail": e["detail"]} for e in answer.json()["errors"]
    ]
