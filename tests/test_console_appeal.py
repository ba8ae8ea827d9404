"""An operator opens one appeal in the console: a duplicate follows its original, the contact is
the target organisation's operators' alone, another organisation's appeal looks missing, stored
markup stays text, and a topic's default importance is what new appeals start with (handling it
in the one panel: test_console_handling.py)."""

from __future__ import annotations

import httpx
import pytest
from console_helpers import add_user, own_org, signed_in, unique

from conftest import (
    appeal,
    bearer,
    events,
    form_fields,
    form_token,
    run_cli,
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
            ("handle", {"status": "in_progress", "assignee": "me", "note": "x"}),
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
