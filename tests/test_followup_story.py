"""The story this platform exists for, in Chromium on the demo's cross-origin host page: a
resident reports a dead street lamp through the badge, confirms her e-mail by its link, the
operator answers, the answer arrives by e-mail and on the tracking page, the lamp flickers —
"not solved" — and the repeat appeal appears linked in the console. And the identity
provider's sign-in in a popup opened from inside the form's iframe."""

from __future__ import annotations

import re
import time

import pytest
from console_helpers import signed_in
from mail_server import text_of
from playwright.sync_api import expect
from test_badge import FRAME, fill, open_form

from conftest import (
    A_PERSON_WRITES,
    DEMO_FORM_MIN_SECONDS,
    run_cli,
    serious_violations,
    start_demo,
    stop_demo,
)


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    yield context.new_page()
    context.close()


def test_lamp_reported_confirmed_answered_not_solved_and_repeated(tmp_path, mail_server, tab):
    site = start_demo(tmp_path, POS_FORM_MIN_SECONDS=str(DEMO_FORM_MIN_SECONDS), **mail_server.env)
    try:
        run_cli(site.db, "org", "set", "demo", "--identity-message", "email")
        time.sleep(1.2)  # the service re-reads the organisation
        tab.goto(f"{site.examples}/plain.html")
        frame = open_form(tab)
        fill(frame, "Не горит фонарь у дома 5 по улице Ленина уже неделю.")
        frame.get_by_label("E-mail", exact=True).fill("anna@example.ru")
        time.sleep(A_PERSON_WRITES)
        frame.get_by_role("button", name="Отправить").click()
        expect(frame.locator("#held-title")).to_have_text("Проверьте почту")
        expect(frame.locator("#held-text")).to_contain_text("an**@example.ru")

        [confirm] = mail_server.wait_for("anna@example.ru")
        link = re.search(r"http://\S+/c/\S+", text_of(confirm)).group(0)
        tab.goto(link)
        assert serious_violations(tab) == []
        tab.get_by_role("button", name="Подтвердить и отправить").click()
        number = re.search(r"DEMO-\d{4}-\d{6}", tab.locator("h1").inner_text()).group(0)
        tracking = tab.url.split("?")[0]
        expect(tab.locator("#answer-due")).to_be_visible()

        with signed_in(site.service, site.console_admin, site.console_password) as console:
            page = console.get("/console/log.json", headers={"Accept": "application/json"})
            first_id = next(r["appeal_id"] for r in page.json()["rows"] if r["number"] == number)
            answered = console.post_form(
                f"/console/appeals/{first_id}/answer", {"text": "{name}, фонарь заменён."}
            )
            assert answered.status_code == 303
        answer_mail = [
            m for m in mail_server.wait_for("anna@example.ru", 3) if "Ответ" in m["Subject"]
        ]
        assert "Иван Петров, фонарь заменён." in text_of(answer_mail[0])

        tab.goto(tracking)
        expect(tab.locator("#answer-text")).to_have_text("Иван Петров, фонарь заменён.")
        assert serious_violations(tab) == []
        tab.get_by_label("Нет, не решена — подать повторное обращение").check()
        tab.get_by_label("2 из 5").check()
        tab.get_by_label("Комментарий (необязательно)").fill("Фонарь мигает и гаснет по ночам")
        tab.get_by_role("button", name="Отправить оценку").click()
        expect(tab.locator("#repeat-of")).to_have_text(number)
        repeat = re.search(r"DEMO-\d{4}-\d{6}", tab.locator("h1").inner_text()).group(0)
        assert repeat != number

        with signed_in(site.service, site.console_admin, site.console_password) as console:
            first = console.get(f"/console/appeals/{first_id}").text
        assert repeat in first and "не решено, 2/5" in first
    finally:
        stop_demo(site)


def test_sign_in_popup_from_the_forms_iframe_on_another_site(tmp_path, idp, tab):
    site = start_demo(tmp_path, POS_FORM_MIN_SECONDS=str(DEMO_FORM_MIN_SECONDS), **idp.env)
    try:
        tab.goto(f"{site.examples}/plain.html")
        frame = open_form(tab)
        frame.get_by_text("Официальное обращение", exact=False).first.click()
        button = frame.get_by_role("button", name="Войти через Госуслуги")
        expect(button).to_be_visible()
        with tab.expect_popup() as opened:
            button.click()
        popup = opened.value
        popup.get_by_role("button", name="citizen-anna").click()
        expect(frame.locator("#signin-state")).to_have_text("Вы вошли как Анна Петрова.")
        expect(frame.get_by_label("Ваше имя *", exact=True)).to_have_value("Анна Петрова")
        assert frame.locator("#identity").input_value()
        # a message from the host page (another origin) is not taken for a sign-in
        tab.locator(FRAME).evaluate(
            """(iframe) => iframe.contentWindow.postMessage(
                {ns: 'pos', v: 1, type: 'pos:identity', payload: {token: 'x', name: 'Злоумышленник'}},
                '*')"""
        )
        time.sleep(0.3)
        expect(frame.locator("#signin-state")).to_have_text("Вы вошли как Анна Петрова.")
        frame.get_by_role("combobox", name="Тема").select_option("street_lighting")
        frame.get_by_label("Опишите проблему").fill("Не горит фонарь у дома 5 по улице Ленина.")
        frame.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
        time.sleep(A_PERSON_WRITES)
        frame.get_by_role("button", name="Отправить").click()
        expect(frame.locator("#success-number")).to_have_text(re.compile(r"^DEMO-\d{4}-\d{6}$"))
    finally:
        stop_demo(site)


def test_a_blocked_sign_in_popup_offers_a_tab_that_signs_the_form_in(tmp_path, idp, tab):
    """A popup blocker stops the sign-in window: the form says so and offers a link; the sign-in
    finished in that tab reaches the form as the popup's would."""
    site = start_demo(tmp_path, POS_FORM_MIN_SECONDS=str(DEMO_FORM_MIN_SECONDS), **idp.env)
    try:
        tab.goto(f"{site.examples}/plain.html")
        frame = open_form(tab)
        frame.get_by_text("Официальное обращение", exact=False).first.click()
        frame.locator("body").evaluate("() => { window.open = () => null; }")  # the blocker
        frame.get_by_role("button", name="Войти через Госуслуги").click()
        link = frame.get_by_role("link", name="Открыть вход в новой вкладке")
        expect(link).to_be_visible()
        with tab.expect_popup() as opened:
            link.click()
        opened.value.get_by_role("button", name="citizen-anna").click()
        expect(frame.locator("#signin-state")).to_have_text("Вы вошли как Анна Петрова.")
        expect(frame.get_by_label("Ваше имя *", exact=True)).to_have_value("Анна Петрова")
        assert frame.locator("#identity").input_value()
        frame.get_by_role("combobox", name="Тема").select_option("street_lighting")
        frame.get_by_label("Опишите проблему").fill("Не горит фонарь у дома 5 по улице Ленина.")
        frame.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
        time.sleep(A_PERSON_WRITES)
        frame.get_by_role("button", name="Отправить").click()
        number = frame.locator("#success-number")
        expect(number).to_have_text(re.compile(r"^DEMO-\d{4}-\d{6}$"))
        filed = number.inner_text()
        # her cabinet lists it once she signs in there too; its pages pass axe-core
        tab.goto(f"{site.service}/my")
        assert serious_violations(tab) == []
        tab.get_by_role("link", name="Войти через Госуслуги").click()
        tab.get_by_role("button", name="citizen-anna").click()
        expect(tab.get_by_role("link", name=filed)).to_be_visible()
        assert serious_violations(tab) == []
        tab.goto(f"{site.service}/id/callback?error=access_denied")
        expect(tab.locator("h1")).to_be_visible()
        assert serious_violations(tab) == []
    finally:
        stop_demo(site)
