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
from console_helpers import PASSWORD, add_user, own_org, sign_in_page, signed_in, unique
from playwright.sync_api import expect

from conftest import appeal, bearer, events, run_cli, serious_violations

pytestmark = pytest.mark.shared_service(
    POS_CONSOLE_SIGNIN_ADDRESS="0",
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_FORM_MIN_SECONDS="0",
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


@pytest.mark.same_on_every_engine(
    "the page's layout and axe; its time zone and templates are saved on PostgreSQL by the admin stories above"
)
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


def test_an_admin_asks_a_question_answered_from_a_list_and_the_citizen_picks_from_it(
    db, service, browser, request
):
    """The console adds what `org attribute --type singlevaluelist --value …` adds: the admin
    types the values one a line, a list the form cannot offer is refused in words, the form
    then asks the question as a choice, and the appeal filed carries the value chosen."""
    own = own_org(db, request, "lists", SITE)
    admin = add_user(db, unique(request, "admin@lists.example.ru"), own.slug, role="admin")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    try:
        tab = context.new_page()
        sign_in_page(tab, service.url, admin, then=f"/console/settings?org={own.slug}")

        def add(values: str) -> None:
            tab.select_option("#q-category", "street_lighting")
            tab.fill("#q-code", "lamp")
            tab.select_option("#q-type", label="Один вариант из списка")
            tab.fill("#q-ru", "Какая лампа")
            tab.fill("#q-en", "Which lamp")
            tab.fill("#q-values", values)
            tab.get_by_role("button", name="Добавить вопрос").click()
            tab.wait_for_load_state()

        add("")
        expect(tab.locator("#settings-error")).to_contain_text(
            "Для ответа из списка нужны варианты ответа"
        )
        add("Светодиодная | LED\nНатриевая\nсветодиодная ")
        expect(tab.locator("#settings-error")).to_contain_text(
            "Строка 3: тот же вариант, что в строке 1."
        )
        # what was typed stays, to be corrected rather than typed again
        assert (
            tab.locator("#q-values").input_value() == "Светодиодная | LED\nНатриевая\nсветодиодная "
        )
        assert tab.locator("#q-type").input_value() == "singlevaluelist"
        add("Светодиодная | LED\nНатриевая | Sodium\nhalogen=Галогенная")
        tab.wait_for_url("**done=1#questions")
        listed = tab.locator("#questions li", has_text="Какая лампа")
        expect(listed).to_contain_text("Один вариант из списка")
        expect(listed).to_contain_text(
            "Светодиодная svetodiodnaya, Натриевая natrievaya, Галогенная halogen"
        )
        assert serious_violations(tab) == []
        SHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SHOTS / "settings-lists-1280.png"), full_page=True)
        tab.set_viewport_size({"width": 390, "height": 800})
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        tab.screenshot(path=str(SHOTS / "settings-lists-390.png"), full_page=True)

        tab.goto(f"{service.url}/w/{own.slug}/form?origin={SITE}")
        tab.locator("#category").select_option("street_lighting")
        lamp = tab.locator("#q-street_lighting-lamp")
        expect(lamp).to_be_visible()
        expect(tab.get_by_label("Какая лампа")).to_have_count(1)
        assert lamp.locator("option").all_inner_texts() == [
            "Выберите", "Светодиодная", "Натриевая", "Галогенная",
        ]  # fmt: skip
        lamp.select_option(label="Натриевая")
        tab.locator("#text").fill("Не горит фонарь у дома 5 по улице Ленина.")
        tab.locator("#name").fill("Анна")
        tab.locator("#email").fill("anna@example.ru")
        tab.locator("#consent").check()
        tab.locator("#send").click()
        expect(tab.locator("#success-number")).to_be_visible()
    finally:
        context.close()
    pulled = httpx.get(
        f"{service.url}/api/v1/queue", params={"max": 10}, headers=bearer(own.key)
    ).json()["messages"]
    [document] = [m["body"] for m in pulled]
    assert document["attributes"] == {"lamp": "natrievaya"}
    with signed_in(service.url, admin) as console:
        shown = console.get(f"/console/appeals/{document['id']}").text
        assert "Какая лампа" in shown and "Натриевая" in shown
        # refusals read in the page's language
        many = "\n".join(f"Вариант {n}" for n in range(31))
        refused = console.post_form(
            "/console/settings?lang=en",
            {"org": own.slug, "action": "question-add", "category": "roads", "code": "kind",
             "datatype": "multivaluelist", "description_ru": "Что с дорогой", "values": many},
        )  # fmt: skip
        assert refused.status_code == 422
        assert "There are 31 values; at most 30 are allowed." in refused.text
        long_name = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "question-add", "category": "roads", "code": "kind",
             "datatype": "multivaluelist", "description_ru": "Что с дорогой",
             "values": "Яма\n" + "Очень " * 30},
        )  # fmt: skip
        assert long_name.status_code == 422
        assert "Строка 2: название длиннее 100 знаков." in long_name.text
        stray = console.post_form(
            "/console/settings",
            {"org": own.slug, "action": "question-add", "category": "roads", "code": "kind",
             "datatype": "string", "description_ru": "Что с дорогой", "values": "Яма"},
        )  # fmt: skip
        assert stray.status_code == 422 and "только для ответа из списка" in stray.text
    assert changes(db, admin) == ["question-set"]


def test_the_site_and_settings_pages_offer_the_same_organisation_picker(db, service, request):
    own = own_org(db, request, "picker", SITE)
    child = unique(request, "picker-child")
    run_cli(db, "org", "add", child, "--name", f"Школа {child}", "--parent", own.slug)
    admin = add_user(db, unique(request, "admin@picker.example.ru"), own.slug, role="admin")
    with signed_in(service.url, admin) as console:
        for path in ("/console/site", "/console/settings"):
            page = console.get(f"{path}?org={child}").text
            form = re.search(
                r'<form method="get" action="([^"]+)" class="org-pick">(.*?)</form>', page, re.S
            )
            assert form is not None, path
            assert form.group(1) == path
            assert (
                f'<option value="{child}" selected>Школа {child} ({child})</option>'
                in form.group(2)
            )
            assert f'<option value="{own.slug}">' in form.group(2)
