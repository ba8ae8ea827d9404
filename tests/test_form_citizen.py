"""The form helps the citizen who fills it: an error goes the moment its field is right, a text
too long is said so instead of being cut, the form switches language keeping what was typed,
a draft survives a reload and a lost connection, an old form renews itself. Real Chromium on
the demo, at a desktop's and a phone's size."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from test_badge import FRAME, accepted_event, fill, open_form, send

from conftest import A_PERSON_WRITES, events, form_fields, form_token, serious_violations

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
SHOTS = Path(tempfile.gettempdir()) / "pos-form-shots"
DEMO_ORIGIN = "https://demo.example.ru"


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

    page.get_by_label("Ваше имя *", exact=True).fill("Мария")
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


def test_errors_the_service_wrote_into_the_page_go_the_same_way(page, demo_site):
    page.goto(f"{demo_site.service}/w/demo/form")
    page.get_by_label("Опишите проблему").fill("Яма")
    # sent as a page, as a browser without the script does: the service writes the errors in
    page.evaluate("HTMLFormElement.prototype.submit.call(document.getElementById('appeal'))")
    expect(page.locator("#text-error")).to_have_text("Не короче 10 символов.")
    expect(errors(page)).to_have_count(5)  # topic, text, name, a way to answer, consent
    page.get_by_role("combobox", name="Тема").select_option("roads")
    page.get_by_label("Опишите проблему").fill("Яма на дороге у школы номер 3.")
    page.get_by_label("Ваше имя *", exact=True).fill("Мария")
    page.get_by_label("Телефон", exact=True).fill("+7 900 123-45-67")
    page.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
    expect(errors(page)).to_have_count(0)
    expect(page.locator("#summary")).to_be_hidden()


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
    assert serious_violations(page) == []

    page.get_by_role("button", name="Отправить").click()
    expect(page.locator("#summary")).to_have_text(over)
    expect(text).to_be_focused()
    assert sent == []  # nothing left the page

    text.fill("а" * 4000)
    expect(page.locator("#summary")).to_be_hidden()
    expect(limit).to_have_text("Достигнут предел в 4000 символов.")


def fill_all_but_text(page: Page) -> None:
    page.get_by_role("combobox", name="Тема").select_option("roads")
    page.get_by_label("Ваше имя *", exact=True).fill("Мария")
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


def fill_form(page: Page, text: str = "Яма на дороге у школы номер 3.") -> None:
    fill_all_but_text(page)
    page.get_by_label("Опишите проблему").fill(text)


def test_the_form_switches_to_english_keeping_what_was_typed(page, demo_site):
    page.goto(f"{demo_site.service}/w/demo/form")
    page.get_by_role("combobox", name="Тема").select_option("roads")
    page.get_by_label("Опишите проблему").fill("Яма на дороге у школы номер 3.")
    page.get_by_label("Ваше имя *", exact=True).fill("Мария")
    page.get_by_role("link", name="English").click()

    expect(page.get_by_role("heading", name="Report a problem")).to_be_visible()
    expect(page.get_by_label("Describe the problem")).to_have_value(
        "Яма на дороге у школы номер 3."
    )
    expect(page.get_by_label("Your name *", exact=True)).to_have_value("Мария")
    expect(page.get_by_role("combobox", name="Topic")).to_have_value("roads")
    page.get_by_role("link", name="Русский").click()
    expect(page.get_by_label("Опишите проблему")).to_have_value("Яма на дороге у школы номер 3.")


def test_in_the_badges_dialog_the_form_switches_language_for_the_same_site(page, demo_site):
    page.goto(demo_site.examples + "/plain.html")
    frame = open_form(page)
    frame.get_by_label("Опишите проблему").fill("Не горит фонарь у дома 5.")
    frame.get_by_role("link", name="English").click()
    expect(frame.get_by_label("Describe the problem")).to_have_value("Не горит фонарь у дома 5.")
    fill_in_english(frame)
    time.sleep(A_PERSON_WRITES)  # the demo refuses forms sent sooner
    frame.get_by_role("button", name="Send").click()
    number = frame.locator("#success-number")
    expect(number).to_have_text(re.compile(r"^DEMO-\d{4}-\d{6}$"))
    event = accepted_event(demo_site.db, number.inner_text())
    assert event["data"]["embed_origin"] == demo_site.examples  # still the site's own form
    assert event["data"]["channel"] == "form"


def fill_in_english(frame) -> None:
    frame.get_by_role("combobox", name="Topic").select_option("street_lighting")
    frame.get_by_label("Your name *", exact=True).fill("Ivan")
    frame.get_by_label("E-mail", exact=True).fill("ivan@example.ru")
    frame.get_by_label("I agree to the processing of my personal data").check()


@SIZES
def test_a_draft_survives_a_reload_until_cleared(page, demo_site, viewport):
    page.goto(f"{demo_site.service}/w/demo/form")
    note = page.locator("#draft-note")
    expect(note).to_be_hidden()  # nothing typed yet, nothing restored
    page.get_by_label("Опишите проблему").fill("Не вывозят мусор с площадки у дома 4.")
    page.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
    page.reload()

    expect(page.get_by_label("Опишите проблему")).to_have_value(
        "Не вывозят мусор с площадки у дома 4."
    )
    expect(
        page.get_by_label("Я согласен(на) на обработку моих персональных данных")
    ).to_be_checked()
    expect(note).to_have_text("Черновик восстановлен — очистить")
    shot(page, "draft")
    assert serious_violations(page) == []
    note.get_by_role("button", name="очистить").click()
    expect(page.get_by_label("Опишите проблему")).to_have_value("")
    expect(note).to_be_hidden()
    page.reload()
    expect(page.get_by_label("Опишите проблему")).to_have_value("")
    expect(note).to_be_hidden()


def test_a_draft_survives_closing_the_dialog_and_is_gone_once_sent(page, demo_site):
    page.goto(demo_site.examples + "/plain.html")
    frame = open_form(page)
    frame.get_by_label("Опишите проблему").fill("Не горит фонарь у дома 5 по улице Ленина.")
    page.keyboard.press("Escape")
    expect(page.locator(FRAME)).to_be_hidden()
    page.reload()  # the host page anew: a new frame, the same tab

    frame = open_form(page)
    expect(frame.get_by_label("Опишите проблему")).to_have_value(
        "Не горит фонарь у дома 5 по улице Ленина."
    )
    expect(frame.locator("#draft-note")).to_be_visible()
    fill(frame)
    send(frame)
    page.reload()
    frame = open_form(page)
    expect(frame.get_by_label("Опишите проблему")).to_have_value("")


def accepted(demo_site) -> int:
    return sum(e["type"] == "accepted" for e in events(demo_site.db))


def test_a_sending_the_connection_lost_goes_again_once_it_is_back_and_files_once(page, demo_site):
    before = accepted(demo_site)
    page.goto(f"{demo_site.service}/w/demo/form")
    fill_form(page)
    time.sleep(A_PERSON_WRITES)  # the demo refuses forms sent sooner
    page.context.set_offline(True)
    page.get_by_role("button", name="Отправить").click()
    waiting = page.locator("#offline")
    expect(waiting).to_contain_text("Оно отправится само, как только связь вернётся")
    shot(page, "offline")
    assert serious_violations(page) == []
    assert accepted(demo_site) == before

    page.context.set_offline(False)  # the browser's `online`: sent again by itself
    expect(page.locator("#success-number")).to_have_text(re.compile(r"^DEMO-\d{4}-\d{6}$"))
    assert accepted(demo_site) == before + 1


def test_a_sending_whose_answer_was_lost_files_once_when_sent_again(page, demo_site):
    before = accepted(demo_site)
    page.goto(f"{demo_site.service}/w/demo/form")
    fill_form(page)
    time.sleep(A_PERSON_WRITES)  # the demo refuses forms sent sooner
    reached = []

    def lose_the_answer(route) -> None:  # the appeal arrives; its answer does not
        reached.append(route.fetch().status)
        route.abort("internetdisconnected")

    page.route("**/w/demo/appeals*", lose_the_answer)
    page.get_by_role("button", name="Отправить").click()
    expect(page.locator("#offline")).to_be_visible()
    assert reached == [201] and accepted(demo_site) == before + 1
    page.unroute("**/w/demo/appeals*")

    page.get_by_role("button", name="Отправить ещё раз").click()
    expect(page.locator("#success-number")).to_have_text(re.compile(r"^DEMO-\d{4}-\d{6}$"))
    assert accepted(demo_site) == before + 1  # the first answer again, not a second appeal


@pytest.mark.service_env(POS_FORM_MIN_SECONDS="0")
def test_the_same_key_gets_the_first_answer_and_another_text_under_it_is_refused(service, org):
    def post(token: str, text: str) -> httpx.Response:
        return httpx.post(
            f"{service.url}/w/demo/appeals",
            data=form_fields(token, text=text),
            headers={
                "Origin": service.url,
                "Accept": "application/json",
                "Idempotency-Key": "draft-7f3a",
            },
            timeout=10,
        )

    token = form_token(service.url, DEMO_ORIGIN)
    first = post(token, "Яма на дороге у школы номер 3.")
    again = post(token, "Яма на дороге у школы номер 3.")  # its token spent: the key answers
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert again.headers["idempotent-replayed"] == "true"
    other = post(form_token(service.url, DEMO_ORIGIN), "Другой текст обращения.")
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-conflict")


def contrast(colour: str, background: tuple[int, int, int] = (255, 255, 255)) -> float:
    """WCAG's contrast ratio of a computed `rgb(r, g, b)` against a background."""

    def luminance(rgb) -> float:
        def channel(c: float) -> float:
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(float(c)) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    rgb = re.findall(r"[\d.]+", colour)[:3]
    lighter, darker = sorted((luminance(rgb), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@SIZES
def test_focus_and_field_borders_stand_out_and_the_hint_says_how_the_answer_comes(
    page, demo_site, viewport
):
    page.goto(f"{demo_site.service}/w/demo/form")
    name = page.get_by_label("Ваше имя *", exact=True)
    border = name.evaluate("el => getComputedStyle(el).borderTopColor")
    assert contrast(border) >= 3, border
    page.get_by_label("Опишите проблему").click()
    page.keyboard.press("Tab")  # to the address field, as a keyboard user goes
    focused = page.locator(":focus-visible")
    expect(focused).to_have_id("address")
    ring = focused.evaluate("el => getComputedStyle(el).outlineColor")
    assert contrast(ring) >= 3, ring
    shot(page, "focus")

    hint = page.locator("#contact-hint")
    expect(hint).to_contain_text("С e-mail ответ придёт на почту вместе со ссылкой")
    expect(hint).to_contain_text("только по ссылке, которую мы покажем после отправки")


def test_without_the_script_a_text_too_long_comes_back_whole_with_how_much_to_shorten(
    browser, demo_site
):
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(f"{demo_site.service}/w/demo/form")
        fill_form(page, "б" * 4100)
        page.get_by_role("button", name="Отправить").click()
        expect(page.get_by_text("Не длиннее 4000 символов.")).to_be_visible()
        expect(page.get_by_label("Опишите проблему")).to_have_value("б" * 4100)
        expect(page.locator("#text-over")).to_have_text(
            "Текст длиннее 4000 символов — сократите на 100."
        )
    finally:
        context.close()
    page = browser.new_page()
    page.goto(f"{demo_site.service}/w/demo/form")
    expect(page.locator("#text-over")).to_have_text("")  # not over: nothing to describe
    page.close()


@SIZES
def test_an_official_appeal_names_the_citizen_in_full_and_may_be_answered_by_post(
    page, demo_site, viewport
):
    """59-ФЗ: surname, first name, patronymic (if any) and the address for the answer — the
    form shows those fields for an official appeal, names each one missing, and sends them
    (what reaches the agency: test_email_confirmation.py)."""
    page.goto(f"{demo_site.service}/w/demo/form")
    expect(page.get_by_label("Фамилия *", exact=True)).to_be_hidden()  # a message: one name
    page.get_by_role("radio", name=re.compile("Официальное обращение")).check()
    expect(page.get_by_label("Ваше имя *", exact=True)).to_be_hidden()
    page.get_by_role("button", name="Отправить").click()
    expect(page.locator("#contact-surname-error")).to_be_visible()
    expect(page.locator("#contact-first_name-error")).to_be_visible()
    shot(page, "official-errors")

    page.get_by_role("combobox", name="Тема").select_option("roads")
    page.get_by_label("Опишите проблему").fill("Прошу отремонтировать дорогу у школы номер 3.")
    page.get_by_label("Фамилия *", exact=True).fill("Смирнова")
    expect(page.locator("#contact-surname-error")).to_have_count(0)
    page.get_by_label("Имя *", exact=True).fill("Анна")
    expect(page.locator("#contact-first_name-error")).to_have_count(0)
    page.get_by_label("Отчество", exact=True).fill("Сергеевна")
    page.get_by_label("E-mail", exact=True).fill("anna@example.ru")
    address = page.get_by_role("textbox", name="Почтовый адрес для ответа")
    address.fill("156000, Кострома, ул. Советская, 1")
    page.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
    expect(errors(page)).to_have_count(0)
    assert serious_violations(page) == []
    shot(page, "official-filled")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)
    time.sleep(A_PERSON_WRITES)  # the demo refuses forms sent sooner
    page.get_by_role("button", name="Отправить").click()
    # an official appeal waits for the citizen's e-mail link (the demo has no identity provider)
    expect(page.locator("#held-screen")).to_be_visible()
    [body] = [b for b in sent if "surname" in b]
    for value in ("Смирнова", "Анна", "Сергеевна", "156000, Кострома, ул. Советская, 1"):
        assert value in body


@SIZES
def test_a_problem_already_reported_at_the_place_is_shown_before_sending(page, demo_site, viewport):
    """A topic and an address chosen: the neighbour's open appeal there is shown (number,
    topic, status, date, address — not what the neighbour wrote), and sending stays one click."""
    where = f"ул. Садовая, {viewport['width']}"  # a place of this story's own
    filed = httpx.post(
        f"{demo_site.service}/api/v1/appeals",
        json={
            "category": "roads",
            "text": "Яма у подъезда, мой сосед Пётр уже упал в неё дважды.",
            "address": where,
            "contact": {"name": "Сосед", "email": "sosed@example.ru"},
            "consent": True,
        },
        headers={"Authorization": f"Bearer {demo_site.key}"},
        timeout=10,
    )
    assert filed.status_code == 201, filed.text
    page.goto(f"{demo_site.service}/w/demo/form")
    box = page.locator("#similar")
    page.get_by_role("combobox", name="Тема").select_option("roads")
    page.get_by_label("Адрес места").fill(where)
    expect(box).to_be_visible()
    expect(box).to_contain_text(filed.json()["number"])
    expect(box).to_contain_text("Возможно, об этом уже сообщили")
    expect(box).not_to_contain_text("Пётр")
    assert serious_violations(page) == []
    # following it instead of filing again: the news go to the e-mail given below
    follow = box.get_by_role("button", name=f"Следить {filed.json()['number']}")
    follow.click()
    expect(box.locator("#similar-note")).to_contain_text("Укажите e-mail ниже")
    expect(page.get_by_label("E-mail", exact=True)).to_be_focused()
    page.get_by_label("E-mail", exact=True).fill("sosed2@example.ru")
    follow.click()
    expect(box.locator("#similar-note")).to_contain_text("Мы отправили ссылку на so****@example.ru")
    shot(page, "similar")
    page.get_by_label("Адрес места").fill("ул. Садовая, 999")  # elsewhere: nothing known there
    expect(box).to_be_hidden()
