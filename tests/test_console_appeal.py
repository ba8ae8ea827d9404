"""An operator opens one appeal in the console and handles it — assigns, sets severity, answers
from a template, rejects, marks a duplicate — and the citizen's tracking page shows the public
part of it at once: the status, the reason, the answer, the timeline; never the rest."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from console_helpers import PASSWORD, add_user, own_org, signed_in, unique

from conftest import (
    appeal,
    bearer,
    events,
    form_fields,
    form_token,
    run_cli,
    serious_violations,
)

# One server and store for the module (tests/conftest.py, `module_service`): each story handles
# appeals it filed itself, signs in with accounts of its own (`unique`) and reads only the events
# of its appeals and accounts; the one that changes a topic's settings does so in an organisation
# of its own. No intake or sign-in limits (all comes from 127.0.0.1), and a form may be sent at
# once (the photo story sends one).
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_CONSOLE_SIGNIN_ADDRESS="0",
    POS_FORM_MIN_SECONDS="0",
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def file_appeal(url: str, key: str, **changes: object) -> dict:
    reply = httpx.post(url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    body["path"] = "/console/appeals/" + body["id"]
    return body


def tracking(filed: dict) -> httpx.Response:
    page = httpx.get(filed["tracking_url"], headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    return page


def tracking_json(filed: dict) -> dict:
    return httpx.get(filed["tracking_url"], headers={"Accept": "application/json"}).json()


def add_template(console, title: str, body: str, category: str = "") -> int:
    page = console.get("/console/templates")
    org_id = re.search(r'<option value="(\d+)" selected', page.text).group(1)
    added = console.post_form(
        "/console/templates",
        {"org": org_id, "category": category, "title": title, "body": body},
    )
    assert added.status_code == 303, added.text
    listed = console.get(added.headers["location"])
    assert "Шаблон добавлен" in listed.text and title in listed.text
    row = rf"<td>{re.escape(html.escape(title))}</td>.*?/console/templates/(\d+)/delete"
    return int(re.search(row, listed.text, re.S).group(1))


def test_operator_answers_from_a_template_and_the_citizen_reads_it(db, org, service, request):
    boss_email = add_user(db, unique(request, "boss@demo.example.ru"), "demo", role="admin")
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    filed = file_appeal(service.url, org.key)
    with signed_in(service.url, boss_email) as boss:
        template = add_template(
            boss,
            "Фонарь починен",
            "Уважаемый(ая) {name}! По обращению {number} фонарь заменён.",
            "street_lighting",
        )
    with signed_in(service.url, ops_email) as ops:
        page = ops.get(filed["path"])
        assert page.status_code == 200
        text = page.text
        assert filed["number"] in text and "Не горит фонарь" in text and "Принято" in text
        assert "58.326500, 44.765200" in text
        assert 'href="https://www.openstreetmap.org/?mlat=58.326500&amp;mlon=44.765200' in text
        assert 'target="_blank" rel="noopener noreferrer"' in text
        assert "https://demo.example.ru/contacts" in text  # the page it was sent from
        assert "ivan@example.ru" not in text  # the contact only on request
        assert "embedded" in text  # where it goes: the embedded queue, waiting

        assigned = ops.post_form(filed["path"] + "/assign", {"to": "me"})
        assert assigned.status_code == 303
        page = ops.get(assigned.headers["location"])
        assert "Исполнитель изменён" in page.text
        assert f'id="appeal-assignee">{ops_email}<' in page.text
        assert ops.post_form(filed["path"] + "/severity", {"severity": "high"}).status_code == 303
        assert ">Высокий<" in ops.get(filed["path"]).text

        picked = ops.get(filed["path"], params={"template": template})
        draft = re.search(r'<textarea id="answer-text"[^>]*>([^<]*)</textarea>', picked.text)
        filled = html.unescape(draft.group(1))
        # the name stays a placeholder in the console: only the citizen's own page fills it in
        assert filled == f"Уважаемый(ая) {{name}}! По обращению {filed['number']} фонарь заменён."
        sent = ops.post_form(
            filed["path"] + "/answer", {"text": filled, "template_title": "Фонарь починен"}
        )
        assert sent.status_code == 303
        page = ops.get(sent.headers["location"])
        assert "Ответ отправлен заявителю" in page.text
        assert 'id="appeal-status">Дан ответ<' in page.text

    citizen = tracking(filed).text
    assert "Дан ответ" in citizen and "фонарь заменён" in citizen and "Иван Петров" in citizen
    assert re.search(r"Принято</li>\s*<li>.*Дан ответ</li>", citizen)
    for private in (ops_email, boss_email, "Высокий", "ivan@example.ru"):
        assert private not in citizen
    view = tracking_json(filed)
    assert view["status"] == "answered" and view["status_type"] == "closed"
    assert view["answer"]["text"].endswith("фонарь заменён.")
    assert [h["status"] for h in view["history"]] == ["accepted", "answered"]

    handled = [e for e in events(db) if e["appeal_id"] == filed["id"]]
    kinds = {e["type"]: e["data"] for e in handled}
    assert kinds["assigned"] == {"to": ops_email, "by": ops_email, "number": filed["number"]}
    assert kinds["severity"]["from"] is None and kinds["severity"]["to"] == "high"
    assert kinds["answered"]["template"] == "Фонарь починен"
    changed = [
        e for e in events(db) if e["type"] == "site_changed" and e["data"]["by"] == boss_email
    ]
    assert [e["data"]["change"] for e in changed] == ["template-added"]


def test_moves_follow_the_status_table_and_a_rejection_tells_the_citizen_why(
    db, org, service, request
):
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    filed = file_appeal(service.url, org.key)
    with signed_in(service.url, ops_email) as ops:
        illegal = ops.post_form(filed["path"] + "/status", {"status": "resolved"})
        assert illegal.status_code == 422
        assert "Переход из статуса «Принято» в «Решено» не разрешён" in illegal.text
        moved = ops.post_form(
            filed["path"] + "/status", {"status": "in_progress", "note": "Позвонить в ЖЭУ"}
        )
        assert moved.status_code == 303
        no_reason = ops.post_form(filed["path"] + "/status", {"status": "rejected"})
        assert no_reason.status_code == 422 and "укажите причину" in no_reason.text
        rejected = ops.post_form(
            filed["path"] + "/status",
            {"status": "rejected", "reason": "Вопрос не относится к ведению администрации"},
        )
        assert rejected.status_code == 303
        assert ops.post_form(filed["path"] + "/note", {"text": "Секрет"}).status_code == 303
        page = ops.get(filed["path"]).text
        assert "Позвонить в ЖЭУ" in page and "Секрет" in page  # the operators' history
    citizen = tracking(filed).text
    assert "Отклонено" in citizen and "Вопрос не относится к ведению администрации" in citizen
    assert re.search(r"Принято</li>\s*<li>.*В работе</li>\s*<li>.*Отклонено</li>", citizen)
    assert "Позвонить в ЖЭУ" not in citizen and "Секрет" not in citizen
    view = tracking_json(filed)
    assert view["status_reason"] == "Вопрос не относится к ведению администрации"
    moves = [
        e["data"] for e in events(db) if e["type"] == "status" and e["appeal_id"] == filed["id"]
    ]
    assert moves[0] == {
        "from": "accepted",
        "to": "in_progress",
        "note": "Позвонить в ЖЭУ",
        "by": ops_email,
        "number": filed["number"],
    }


def test_a_duplicate_follows_its_original(db, org, service, request):
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    original = file_appeal(service.url, org.key)
    again = file_appeal(
        service.url,
        org.key,
        text="И у дома 7 тоже не горит фонарь.",
        contact={"name": "Мария Сидорова", "email": "maria@example.ru"},
    )
    with signed_in(service.url, ops_email) as ops:
        itself = ops.post_form(again["path"] + "/duplicate", {"number": again["number"]})
        assert itself.status_code == 422 and "самого себя" in itself.text
        unknown = ops.post_form(again["path"] + "/duplicate", {"number": "NOPE-2026-1"})
        assert unknown.status_code == 422 and "NOPE-2026-1" in unknown.text
        marked = ops.post_form(again["path"] + "/duplicate", {"number": original["number"]})
        assert marked.status_code == 303
        loop = ops.post_form(original["path"] + "/duplicate", {"number": again["number"]})
        assert loop.status_code == 422 and "круг" in loop.text
        assert again["number"] in ops.get(original["path"]).text  # "its duplicates"
        ops.post_form(original["path"] + "/answer", {"text": "Заменили оба фонаря, {name}."})
    citizen = tracking(again).text
    assert "Объединено с другим обращением" in citizen
    # the original's answer greets this appeal's own citizen, never the original's
    assert original["number"] in citizen and "Заменили оба фонаря, Мария Сидорова." in citizen
    assert "Иван Петров" not in citizen
    assert "Заменили оба фонаря, Иван Петров." in tracking(original).text
    view = tracking_json(again)
    assert view["original"]["number"] == original["number"]
    assert view["original"]["status"] == "answered"


def test_only_the_target_organisations_operators_see_the_contact(db, org, service, request):
    child = unique(request, "child")
    run_cli(db, "org", "add", child, "--name", "Школа № 3", "--parent", "demo")
    child_key = run_cli(db, "org", "key", child).stdout.strip().splitlines()[-1]
    region = add_user(db, unique(request, "region@demo.example.ru"), "demo")
    school_email = add_user(db, unique(request, "school@child.example.ru"), child)
    filed = file_appeal(service.url, child_key)
    with signed_in(service.url, region) as parent:
        page = parent.get(filed["path"])
        assert page.status_code == 200  # a parent sees its child's appeal…
        assert "ivan@example.ru" not in page.text and "Показать контакт" not in page.text
        refused = parent.post_form(filed["path"] + "/contact")
        assert refused.status_code == 403 and "ivan@example.ru" not in refused.text
        # an answer greeting the citizen by name does not show the parent the name either
        parent.post_form(filed["path"] + "/answer", {"text": "Здравствуйте, {name}!"})
        assert "Иван Петров" not in parent.get(filed["path"]).text
    viewed = [e for e in events(db) if e["type"] == "contact_viewed"]
    assert not [e for e in viewed if e["appeal_id"] == filed["id"]]
    assert "Здравствуйте, Иван Петров!" in tracking(filed).text
    with signed_in(service.url, school_email) as school:
        assert "Показать контакт" in school.get(filed["path"]).text
        shown = school.post_form(filed["path"] + "/contact")
        assert shown.status_code == 200
        assert "ivan@example.ru" in shown.text and "+7 900 123-45-67" in shown.text
    [viewed] = [
        e for e in events(db) if e["type"] == "contact_viewed" and e["appeal_id"] == filed["id"]
    ]
    assert viewed["data"]["by"] == school_email


def test_another_organisations_appeal_looks_missing(db, org, service, request):
    other = own_org(db, request, "other", "https://other.example.ru")
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    stranger_email = add_user(db, unique(request, "ops@other.example.ru"), other.slug)
    token = form_token(service.url, "https://demo.example.ru")
    reply = httpx.post(
        f"{service.url}/w/demo/appeals",
        data=form_fields(token, text="Яма на дороге, фото прилагаю."),
        files=[("photos", ("hole.png", PNG, "image/png"))],
        headers={"Origin": service.url, "Accept": "application/json"},
    )
    assert reply.status_code == 201, reply.text
    path = "/console/appeals/" + reply.json()["id"]
    with signed_in(service.url, ops_email) as ops:
        page = ops.get(path)
        assert f'src="{path}/photos/1"' in page.text
        photo = ops.get(path + "/photos/1")
        assert photo.status_code == 200 and photo.content == PNG
        assert photo.headers["cache-control"] == "private, no-store"
    with signed_in(service.url, stranger_email) as stranger:
        missing = stranger.get("/console/appeals/no-such-appeal")
        assert missing.status_code == 404
        for url in (path, path + "/photos/1"):
            answer = stranger.get(url)
            assert answer.status_code == 404 and "Яма на дороге" not in answer.text
        for action, data in (
            ("status", {"status": "in_progress"}),
            ("assign", {"to": "me"}),
            ("severity", {"severity": "high"}),
            ("note", {"text": "x"}),
            ("duplicate", {"number": "X"}),
            ("answer", {"text": "x"}),
            ("contact", {}),
        ):
            assert stranger.post_form(f"{path}/{action}", data).status_code == 404, action
        assert stranger.get("/console/templates").status_code == 404  # not an admin
    handled = [
        e for e in events(db) if e["appeal_id"] == reply.json()["id"] and e["type"] != "notified"
    ]
    assert [e["type"] for e in handled] == ["accepted"]


def test_stored_markup_renders_as_text(db, org, service, request):
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    filed = file_appeal(
        service.url,
        org.key,
        text="Текст " + payload,
        address="ул. " + payload,
        contact={"name": payload, "email": "ivan@example.ru"},
    )
    with signed_in(service.url, ops_email) as ops:
        for page in (ops.get(filed["path"]), ops.post_form(filed["path"] + "/contact")):
            assert page.status_code == 200
            assert "<script>alert" not in page.text and "<img src=x" not in page.text
            assert "&lt;script&gt;alert(" in page.text
        ops.post_form(filed["path"] + "/answer", {"text": "Ответ для {name}"})
    citizen = tracking(filed).text
    assert "<script>alert" not in citizen and "&lt;script&gt;alert(" in citizen


def test_a_category_sets_the_severity_new_appeals_start_with(db, service, request):
    own = own_org(db, request, "severity")  # demo's topics stay as the other stories expect
    run_cli(db, "org", "category", own.slug, "roads", "--default-severity", "critical")
    assert "roads (Дороги, severity critical)" in run_cli(db, "org", "show", own.slug).stdout
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), own.slug)
    filed = file_appeal(service.url, own.key, category="roads")
    with signed_in(service.url, ops_email) as ops:
        assert ">Критический<" in ops.get(filed["path"]).text


def test_an_operator_answers_in_the_browser(db, org, service, browser, request):
    boss = add_user(db, unique(request, "boss@demo.example.ru"), "demo", role="admin")
    filed = file_appeal(service.url, org.key)
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        tab.goto(service.url + "/console/signin?next=/console/templates")
        tab.fill("#email", boss)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/console/templates")
        tab.select_option("#tpl-category", "street_lighting")
        tab.fill("#tpl-title", "Отремонтировано")
        tab.fill("#tpl-body", "{name}, по обращению {number} освещение восстановлено.")
        tab.click("button:has-text('Добавить шаблон')")
        tab.wait_for_selector("text=Шаблон добавлен.")
        assert serious_violations(tab) == []

        tab.goto(service.url + filed["path"])
        assert tab.text_content("#appeal-status") == "Принято"
        with tab.expect_navigation():
            tab.select_option("#template", label="Отремонтировано")
        draft = f"{{name}}, по обращению {filed['number']} освещение восстановлено."
        assert tab.input_value("#answer-text") == draft
        tab.click("button:has-text('Отправить ответ')")
        tab.wait_for_selector("text=Ответ отправлен заявителю.")
        assert tab.text_content("#appeal-status") == "Дан ответ"
        assert tab.text_content("#appeal-answer") == draft
        expected = f"Иван Петров, по обращению {filed['number']} освещение восстановлено."
        assert expected in tracking(filed).text
        assert serious_violations(tab) == []
        assert tab.evaluate("document.documentElement.scrollWidth") <= 1280

        tab.set_viewport_size({"width": 375, "height": 740})  # a phone: no sideways scroll
        tab.reload()
        assert tab.evaluate("document.documentElement.scrollWidth") <= 375
        tab.goto(filed["tracking_url"])
        assert tab.text_content("#answer-text") == expected
        assert serious_violations(tab) == []
    finally:
        context.close()
