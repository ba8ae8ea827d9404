"""A citizen on an agency's page clicks the badge, writes an appeal and gets a number; the
appeal lands in the intake log tagged with the organisation, the embedding origin and the page.
Real Chromium on the example host pages, served by `pos-intake demo` from another origin."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from conftest import A_PERSON_WRITES, events

BADGE = "Обратная связь · Госуслуги"
FRAME = "iframe[title='Обратная связь — Госуслуги']"
PAGES = ["plain", "strict-csp", "hostile-css", "spa", "inline", "named-form"]


def open_form(page: Page):
    page.get_by_role("link", name=BADGE).first.click()
    frame = page.frame_locator(FRAME)
    expect(frame.locator("#appeal")).to_be_visible()
    return frame


def fill(frame, text: str = "Не горит фонарь у дома 5 по улице Ленина уже неделю.") -> None:
    frame.get_by_role("combobox", name="Тема").select_option("street_lighting")
    frame.get_by_label("Опишите проблему").fill(text)
    frame.get_by_label("Адрес места").fill("ул. Ленина, 5")
    frame.get_by_label("Ваше имя *", exact=True).fill("Иван Петров")
    frame.get_by_label("E-mail", exact=True).fill("ivan@example.ru")
    frame.get_by_label("Я согласен(на) на обработку моих персональных данных").check()


def send(frame) -> str:
    time.sleep(A_PERSON_WRITES)  # the demo refuses forms sent sooner
    frame.get_by_role("button", name="Отправить").click()
    number = frame.locator("#success-number")
    expect(number).to_have_text(re.compile(r"^DEMO-\d{4}-\d{6}$"))
    return number.inner_text()


def accepted_event(db, number: str) -> dict:
    found = [e for e in events(db) if e["type"] == "accepted" and e["data"]["number"] == number]
    assert len(found) == 1, f"{number} is not in the intake log once"
    return found[0]


@pytest.mark.parametrize("name", PAGES)
def test_citizen_files_an_appeal_from_each_example_page(page, demo_site, name):
    url = f"{demo_site.examples}/{name}.html"
    page.goto(url)
    if name == "spa":  # the app navigates (and re-inserts the snippet) before the citizen clicks
        page.get_by_role("link", name=re.compile("Новости")).click()
        page.get_by_role("link", name=re.compile("Контакты")).click()
    frame = open_form(page)
    fill(frame)
    number = send(frame)

    link = frame.get_by_role("link", name="Следить за статусом")
    assert link.get_attribute("href").startswith(demo_site.service + "/s/")

    event = accepted_event(demo_site.db, number)
    assert event["org"] == "demo"
    assert event["data"]["channel"] == "form"
    assert event["data"]["embed_origin"] == demo_site.examples
    assert event["data"]["page_url"].startswith(demo_site.examples + "/")
    assert event["data"]["loader_version"]

    # the success screen's close button closes the dialog
    frame.get_by_role("button", name="Закрыть").click()
    expect(page.locator(FRAME)).to_be_hidden()


def test_host_page_hears_submitted_from_the_real_frame_only(page, demo_site):
    page.goto(demo_site.examples + "/plain.html")
    # a look-alike message from the host page itself must not count
    page.evaluate(
        "window.postMessage({ns: 'pos', v: 1, type: 'submitted', payload: {number: 'FAKE-1'}}, '*')"
    )
    page.wait_for_timeout(300)
    expect(page.locator("#last-number")).not_to_have_text("FAKE-1")

    frame = open_form(page)
    fill(frame)
    number = send(frame)
    expect(page.locator("#last-number")).to_have_text(number)


def test_keyboard_only_tab_enter_escape_and_focus_returns(page, demo_site):
    page.goto(demo_site.examples + "/plain.html")
    badge = page.get_by_role("link", name=BADGE)
    for _ in range(30):
        page.keyboard.press("Tab")
        if badge.evaluate("el => el.getRootNode().activeElement === el"):
            break
    else:
        pytest.fail("Tab never reached the badge")
    page.keyboard.press("Enter")
    frame = page.frame_locator(FRAME)
    expect(frame.locator("#appeal")).to_be_visible()
    dialog = page.locator("dialog")
    expect(dialog).to_have_attribute("open", "")

    page.keyboard.press("Escape")
    expect(dialog).not_to_have_attribute("open", "")
    assert badge.evaluate("el => el.getRootNode().activeElement === el"), "focus did not return"

    # Escape typed inside the form closes it too
    badge.click()
    page.frame_locator(FRAME).get_by_label("Опишите проблему").click()
    page.keyboard.press("Escape")
    expect(dialog).not_to_have_attribute("open", "")

    # the close button and the backdrop close it too
    badge.click()
    page.get_by_role("button", name="Закрыть").click()
    expect(dialog).not_to_have_attribute("open", "")
    badge.click()
    expect(dialog).to_have_attribute("open", "")
    page.mouse.click(5, 5)
    expect(dialog).not_to_have_attribute("open", "")


def test_phone_full_screen_dialog_without_horizontal_scroll(browser, demo_site):
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True, locale="ru-RU"
    )
    try:
        page = context.new_page()
        page.goto(demo_site.examples + "/plain.html")
        frame = open_form(page)
        box = page.locator("dialog").bounding_box()
        assert box == {"x": 0, "y": 0, "width": 375, "height": 667}
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert frame.locator("body").evaluate("b => b.scrollWidth <= window.innerWidth")
        # inputs are at least 16px so that iOS does not zoom into them
        size = frame.get_by_label("Опишите проблему").evaluate(
            "el => parseFloat(getComputedStyle(el).fontSize)"
        )
        assert size >= 16
        fill(frame)
        assert send(frame)
    finally:
        context.close()


def test_strict_csp_page_has_no_console_errors_or_csp_violations(page, demo_site):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(demo_site.examples + "/strict-csp.html")
    frame = open_form(page)
    fill(frame)
    send(frame)
    assert problems == []


def test_host_page_asks_only_the_count_and_sets_no_cookie_before_the_click(page, demo_site):
    """Before a click: the loader, then, once the page has loaded, one request for the count of
    open polls without cookies (decision 0112); no iframe, no cookie."""
    to_service: list[str] = []
    page.on(
        "request",
        lambda r: to_service.append(r.url) if r.url.startswith(demo_site.service) else None,
    )
    with page.expect_request(demo_site.service + "/w/demo/polls.json") as count:
        page.goto(demo_site.examples + "/plain.html")
    assert "cookie" not in count.value.headers
    expect(page.get_by_role("link", name=BADGE)).to_be_visible()
    page.wait_for_timeout(500)
    assert to_service == [demo_site.service + "/embed.js", demo_site.service + "/w/demo/polls.json"]
    assert page.locator("iframe").count() == 0
    assert page.context.cookies() == []

    open_form(page)
    assert len(to_service) > 2
    assert page.context.cookies() == []  # the form keeps its state in the signed token


def test_spa_navigation_keeps_exactly_one_badge(page, demo_site):
    page.goto(demo_site.examples + "/spa.html")
    for _ in range(5):
        page.get_by_role("link", name=re.compile("Новости")).click()
        page.get_by_role("link", name=re.compile("Контакты")).click()
    expect(page.get_by_role("link", name=BADGE)).to_have_count(1)


def test_inline_page_has_inline_badges_and_binds_the_sites_own_button(page, demo_site):
    page.goto(demo_site.examples + "/inline.html")
    expect(page.get_by_role("link", name=BADGE)).to_have_count(2)
    expect(page.get_by_role("link", name="Feedback · Gosuslugi")).to_have_count(1)
    page.get_by_role("button", name="Задать вопрос").click()
    expect(page.frame_locator(FRAME).locator("#appeal")).to_be_visible()


def test_badge_stays_on_top_of_a_hostile_max_z_index_bar(page, demo_site):
    page.goto(demo_site.examples + "/hostile-css.html")
    badge = page.get_by_role("link", name=BADGE)
    box = badge.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).tagName.toLowerCase()",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top.startswith("pos-")  # the badge's host element, not the hostile bar


def test_english_badge_opens_an_english_form(page, demo_site):
    page.goto(demo_site.examples + "/inline.html")
    page.get_by_role("link", name="Feedback · Gosuslugi").click()
    frame = page.frame_locator("iframe[title='Feedback — Gosuslugi']")
    expect(frame.get_by_role("heading", name="Report a problem")).to_be_visible()
