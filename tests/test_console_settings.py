"""An organisation's admin sets it up in the console instead of the CLI: its time zone and
public contacts, its topics and their default severity, extra questions, routing rules, and
the answer templates edited in place — and an operator may not."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path

import httpx
import pytest
from console_helpers import PASSWORD, add_user, own_org, signed_in, unique

from conftest import appeal, bearer, events, run_cli, serious_violations

pytestmark = pytest.mark.shared_service(
    POS_CONSOLE_SIGNIN_ADDRESS="0",
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
)
SITE = "https://demo.example.ru"
SHOTS = Path(tempfile.gettempdir()) / "pos-intake-shots"  # to look at, not kept


def changes(db, by: str) -> list[str]:
    return [
        e["data"]["change"]
        for e in events(db)
        if e["type"] == "site_changed" and e["data"].get("by") == by
    ]


def test_an_admin_moves_the_time_zone_and_appeal_times_follow(db, service, request):
    own = own_org(db, request, "zone", SITE)
    admin = add_user(db, unique(request, "admin@zone.example.ru"), own.slug, role="admin")
    filed = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(own.key))
    assert filed.status_code == 201, filed.text
    path = "/console/appeals/" + filed.json()["id"]
    with signed_in(service.url, admin) as console:
        assert "Europe/Moscow)" in console.get(path).text
        wrong = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "settings", "timezone": "Mars/Olympus",
             "phone": "+7 (49442) 2-12-34", "email": "", "website": ""},
        )  # fmt: skip
        assert wrong.status_code == 422
        assert "Не выполнено" in wrong.text and "is not a time zone name" in wrong.text
        assert 'value="+7 (49442) 2-12-34"' in wrong.text  # what was typed stays
        saved = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "settings", "timezone": "Asia/Vladivostok",
             "phone": "+7 (49442) 2-12-34", "email": "priemnaya@zone.example.ru", "website": ""},
        )  # fmt: skip
        assert saved.status_code == 303, saved.text
        page = console.get(saved.headers["location"]).text
        assert "Сохранено" in page and '<option value="Asia/Vladivostok" selected>' in page
        assert "(UTC+10, Asia/Vladivostok)" in console.get(path).text
        assert "Asia/Vladivostok" in console.get("/console").text
    assert changes(db, admin) == ["settings"]


def test_an_admin_turns_a_topic_off_and_routes_another(db, service, request):
    own = own_org(db, request, "topics", SITE)
    utility = unique(request, "utility")
    run_cli(db, "org", "add", utility, "--name", f"Администрация {utility}", "--parent", own.slug)
    admin = add_user(db, unique(request, "admin@topics.example.ru"), own.slug, role="admin")
    with signed_in(service.url, admin) as console:
        off = console.post_form(
            "/console/settings", {"org": own.slug, "action": "off", "category": "roads"}
        )
        assert off.status_code == 303
        severity = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "severity", "category": "housing", "severity": "high"},
        )
        assert severity.status_code == 303
        page = console.get(f"/console/settings?org={own.slug}").text
        assert '<option value="high" selected>Высокий</option>' in page
        bad = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "severity", "category": "housing", "severity": "huge"},
        )
        assert bad.status_code == 422 and "default severity is one of" in bad.text

        routed = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "route-add", "category": "street_lighting",
             "to": utility},
        )  # fmt: skip
        assert routed.status_code == 303
        page = console.get(routed.headers["location"]).text
        assert f"Администрация {utility}" in page
        stranger = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "route-add", "category": "snow", "to": "demo"},
        )  # an organisation it does not work with is neither offered nor taken
        assert stranger.status_code == 422 and "does not work with" in stranger.text
        removed = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "route-remove", "category": "street_lighting"},
        )
        assert removed.status_code == 303
        page = console.get(removed.headers["location"]).text
        assert "Правил нет" in page

        asked = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "question-add", "category": "snow", "code": "yard",
             "datatype": "string", "description_ru": "Номер двора", "required": "on"},
        )  # fmt: skip
        assert asked.status_code == 303
        assert "Номер двора" in console.get(asked.headers["location"]).text
        dropped = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "question-remove", "category": "snow", "code": "yard"},
        )
        assert dropped.status_code == 303
        assert "Номер двора" not in console.get(dropped.headers["location"]).text

    form = httpx.get(f"{service.url}/w/{own.slug}/form", params={"origin": SITE})
    assert 'value="housing"' in form.text and 'value="roads"' not in form.text
    assert changes(db, admin) == [
        "category-off", "category-severity", "route-set", "route-removed",
        "question-set", "question-removed",
    ]  # fmt: skip


def test_an_operator_may_not_change_settings(db, service, request):
    own = own_org(db, request, "ops", SITE)
    operator = add_user(db, unique(request, "ops@ops.example.ru"), own.slug)
    with signed_in(service.url, operator) as console:
        page = console.get("/console")
        assert 'href="/console/password"' in page.text and "Сменить пароль" in page.text
        assert 'href="/console/settings"' not in page.text
        assert console.get("/console/settings").status_code == 403
        refused = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "settings", "timezone": "Asia/Vladivostok"},
        )
        assert refused.status_code == 403
    assert changes(db, operator) == []


def test_an_admin_edits_a_template_in_place(db, org, service, request):
    admin = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    title = unique(request, "Фонарь")
    filed = httpx.post(
        service.url + "/api/v1/appeals",
        json=appeal(category="street_lighting"),
        headers=bearer(org.key),
    ).json()
    with signed_in(service.url, admin) as console:
        listing = console.get("/console/templates").text
        org_id = re.search(r'<option value="(\d+)" selected', listing).group(1)
        added = console.post_form(
            "/console/templates",
            {"org": org_id, "category": "", "title": title, "body": "Старый текст"},
        )
        assert added.status_code == 303
        listing = console.get("/console/templates").text
        row = rf"<td>{re.escape(html.escape(title))}</td>.*?/console/templates/(\d+)/delete"
        template_id = re.search(row, listing, re.S).group(1)
        empty = console.post_form(
            f"/console/templates/{template_id}", {"category": "", "title": title, "body": " "}
        )
        assert empty.status_code == 422 and 'role="alert"' in empty.text
        edited = console.post_form(
            f"/console/templates/{template_id}",
            {"category": "", "title": title, "body": "Новый текст ответа"},
        )
        assert edited.status_code == 303
        assert "Шаблон изменён" in console.get(edited.headers["location"]).text
        shown = console.get(f"/console/appeals/{filed['id']}").text
        assert "Новый текст ответа" in shown and "Старый текст" not in shown
    assert "template-edited" in changes(db, admin)


def test_the_favicon_answers_with_an_image(service):
    icon = httpx.get(service.url + "/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/")
    assert len(icon.content) < 4096
    front = httpx.get(service.url + "/").text
    assert 'rel="icon"' in front


@pytest.mark.parametrize("width, height", [(1280, 800), (375, 812)])
def test_the_settings_page_is_accessible_and_fits(db, service, browser, width, height, request):
    own = own_org(db, request, "look", SITE)
    admin = add_user(db, unique(request, "admin@look.example.ru"), own.slug, role="admin")
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
    try:
        tab = context.new_page()
        tab.goto(service.url + "/console/signin?next=/console/settings")
        tab.fill("#email", admin)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/console/settings")
        tab.select_option("#s-timezone", "Europe/Samara")
        tab.fill("#s-phone", "+7 (49442) 2-12-34")
        tab.get_by_role("button", name="Сохранить").first.click()
        tab.wait_for_url("**done=1**")
        assert tab.locator("#s-timezone").input_value() == "Europe/Samara"
        assert tab.get_by_role("link", name="Сменить пароль").count() == 1
        SHOTS.mkdir(exist_ok=True)
        for path, name in (("/console/settings", "settings"), ("/console/templates", "templates")):
            if path != "/console/settings":
                tab.goto(service.url + path)
                tab.fill("#tpl-title", "Фонарь заменён")
                tab.fill("#tpl-body", "Фонарь у дома заменён, спасибо за обращение.")
                tab.get_by_role("button", name="Добавить шаблон").click()
                tab.wait_for_url("**done=added**")
                tab.locator("details.tpl-edit summary").first.click()
                tab.locator("details.tpl-edit[open] textarea").wait_for()
            assert serious_violations(tab) == [], path
            assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                f"{path} scrolls sideways at {width} px"
            )
            tab.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    finally:
        context.close()
