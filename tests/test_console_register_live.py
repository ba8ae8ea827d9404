"""The register follows the intake live: an appeal accepted while an operator has the register
open appears at the top of the table within a second or two without a reload, the row the
operator is on stays where it was on screen, the count of new rows is said politely — and an
appeal of another organisation never shows. Where a new appeal's place is not the top (another
order) the register only says how many came, with a link to reload."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from console_helpers import add_user, own_org, sign_in_page, signed_in, unique
from test_console_log import file

from conftest import serious_violations

pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_CONSOLE_SIGNIN_ADDRESS="0",
)

XSS = '<img src=x onerror="window.pwned=1"> Не горит фонарь у дома 5'


def open_register(browser, url: str, email: str, path: str = "/console", width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="ru-RU")
    page = context.new_page()
    sign_in_page(page, url, email, then=path)
    page.wait_for_selector("#register-rows")
    return context, page


def test_a_new_appeal_appears_live_the_focused_row_stays_and_strangers_never_show(
    browser, db, service, request, tmp_path
):
    shots = Path(os.environ.get("POS_SCREENSHOTS", tmp_path))
    ours = own_org(db, request, "livereg")
    theirs = own_org(db, request, "livetheirs")
    duty = add_user(db, unique(request, "duty@example.ru"), ours.slug)
    for n in range(12):
        file(service.url, ours.key, text=f"Обращение номер {n} о дороге во дворе")
    context, page = open_register(browser, service.url, duty)
    try:
        assert page.locator("#register-rows tr").count() == 12
        assert page.locator("#register-live").is_hidden()
        # the operator is on the sixth row
        focused_id = page.locator("#register-rows tr").nth(5).get_attribute("id")
        focused = page.locator(f"#{focused_id}")
        focused.locator("td.number a").focus()
        before = focused.bounding_box()["y"]
        page.wait_for_selector("#register[data-live-state=on]")
        # another organisation's appeal first, then ours: events are published in order, so
        # once ours is shown theirs would have been too
        foreign = file(service.url, theirs.key, text="Чужое обращение о мосте")
        started = time.monotonic()
        filed = file(service.url, ours.key, text=XSS)
        row = page.locator(f"#a-{filed['number']}")
        row.wait_for(timeout=2_000)
        latency = time.monotonic() - started
        print(f"register live latency: {latency * 1000:.0f} ms")
        assert latency < 2
        assert page.locator("#register-rows tr").first.get_attribute("id") == row.get_attribute(
            "id"
        )
        assert XSS in row.inner_text()  # stored HTML stays text
        assert page.locator("#register-rows img").count() == 0
        assert page.evaluate("window.pwned") is None
        assert row.locator("td.number a").get_attribute("href") == (
            f"/console/appeals/{filed['id']}"
        )
        assert "Принято" in row.inner_text()
        assert page.locator(f"#a-{foreign['number']}").count() == 0
        assert foreign["number"] not in page.content()
        # the focused row kept its place on screen and the focus
        assert abs(focused.bounding_box()["y"] - before) <= 1
        assert page.evaluate("document.activeElement.closest('tr').id") == focused_id
        note = page.locator("#register-live")
        assert note.get_attribute("aria-live") == "polite"
        assert note.inner_text() == "Новых обращений: 1"
        # the keyboard knows the new row: k moves up one from the focused row
        page.keyboard.press("k")
        assert page.evaluate("document.activeElement.closest('tr').id") == (
            page.locator("#register-rows tr").nth(5).get_attribute("id")
        )
        page.screenshot(path=str(shots / "register-live-1280.png"), full_page=True)
        # a colleague takes the new appeal into work: its row says so without a reload
        with signed_in(service.url, duty) as colleague:
            moved = colleague.post_form(
                f"/console/appeals/{filed['id']}/status", {"status": "registered"}
            )
            assert moved.status_code == 303, moved.text[:300]
        row.locator("td[data-cell=status]", has_text="Зарегистрировано").wait_for(timeout=2_000)
        assert serious_violations(page) == []
        # a phone: the next one arrives too, and nothing scrolls sideways
        page.set_viewport_size({"width": 375, "height": 812})
        second = file(service.url, ours.key, text="Ещё одно обращение о дороге")
        page.locator(f"#a-{second['number']}").wait_for(timeout=2_000)
        assert note.inner_text() == "Новых обращений: 2"
        assert page.evaluate("document.scrollingElement.scrollWidth - innerWidth") <= 0
        assert serious_violations(page) == []
        page.screenshot(path=str(shots / "register-live-375.png"))
        assert page.locator(f"#a-{foreign['number']}").count() == 0
    finally:
        context.close()


def test_a_view_sorted_otherwise_says_how_many_came_and_offers_a_reload(
    browser, db, service, request
):
    ours = own_org(db, request, "livesort")
    duty = add_user(db, unique(request, "duty@example.ru"), ours.slug)
    file(service.url, ours.key)
    context, page = open_register(browser, service.url, duty, "/console?sort=due")
    try:
        page.wait_for_selector("#register[data-live-state=on]")
        filed = [file(service.url, ours.key) for _ in range(2)]
        note = page.locator("#register-live")
        page.locator("#register-live", has_text="2").wait_for(timeout=3_000)
        assert note.inner_text() == "Новых обращений: 2 — обновить"
        assert page.locator("#register-rows tr").count() == 1  # nothing inserted
        note.locator("a").click()
        page.wait_for_selector(f"#a-{filed[1]['number']}")
        assert page.locator("#register-rows tr").count() == 3
        assert "sort=due" in page.url
    finally:
        context.close()


def test_english_words_on_russian_pages_are_marked_english(db, service, request):
    # a screen reader reads "Europe/Moscow", «me» or "Enter" in a Russian sentence in English
    # only if the page says they are (WCAG 3.1.2); the sentence around them stays escaped text
    ours = own_org(db, request, "langmark")
    duty = add_user(db, unique(request, "duty@example.ru"), ours.slug, role="admin")
    with signed_in(service.url, duty) as console:
        register = console.get("/console").text
        zone = re.search(
            r'<p class="hint" id="register-zone">([^<]*)<span lang="en">([^<]+)</span>', register
        )
        assert zone and zone.group(1) == "Время — в часовом поясе организации: "
        assert "/" in zone.group(2)  # an IANA name such as Europe/Moscow
        assert '«<span lang="en">me</span>» — мои' in register
        assert '<span lang="en">Enter</span> — открыть' in register
        assert 'Поступило с (<span lang="en">' in register
        log = console.get("/console/log").text
        assert 'С даты (<span lang="en">' in log
        assert '«<span lang="en">me</span>»' in log
        site = console.get("/console/site").text
        assert 'например <span lang="en">snow_removal</span>' in site
        english = console.get("/console?lang=en").text  # the English page: the same, in English
        assert '“<span lang="en">me</span>” for mine' in english
