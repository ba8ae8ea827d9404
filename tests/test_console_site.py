"""A webmaster's page in the console: the snippet to paste, the badge as it will look, the sites
allowed to show the form, the API keys and the topics — and why the badge was refused."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from console_helpers import PASSWORD, add_user, own_org, signed_in, unique

from conftest import appeal, bearer, events, run_cli, serious_violations

# One server and store for the module (tests/conftest.py, `module_service`): each story signs in
# with accounts of its own (`unique`), makes organisations of its own and reads only its own
# events; what it changes of `demo` it changes back or makes unique (an allowed site). With the
# sign-in and intake limits off, the stories cannot throttle each other from 127.0.0.1.
pytestmark = pytest.mark.shared_service(
    POS_CONSOLE_SIGNIN_ADDRESS="0",
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
)

ORIGIN = "https://shop.example.ru"


def _form_opens(url: str, origin: str, org: str = "demo") -> int:
    return httpx.get(f"{url}/w/{org}/form", params={"origin": origin}, timeout=5).status_code


def site_changes(db, by: str) -> list[str]:
    """The changes to a site's settings the log holds as made by `by`."""
    return [
        e["data"]["change"]
        for e in events(db)
        if e["type"] == "site_changed" and e["data"]["by"] == by
    ]


def test_an_admin_copies_the_snippet_and_allows_a_new_site(db, org, service, request):
    admin = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    shop = f"https://{unique(request, 'shop')}.example.ru"
    with signed_in(service.url, admin) as console:
        page = console.get("/console/site")
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert f'<script async src="{service.url}/embed.js" data-org="demo"></script>' in text
        assert 'data-copy="snippet"' in page.text and "Скопировать код" in page.text
        assert 'добавьте в строку data-offset="высота полосы в пикселях"' in text
        assert 'src="/embed.js" data-org="demo" data-mode="inline"' in page.text

        assert _form_opens(service.url, shop) == 403
        added = console.post_form(
            "/console/site/origins", {"org": "demo", "action": "add", "origin": shop}
        )
        assert added.status_code == 303
        shown = console.get(added.headers["location"])
        assert shop in shown.text and "Сохранено" in shown.text
        assert _form_opens(service.url, shop) == 200

        removed = console.post_form(
            "/console/site/origins", {"org": "demo", "action": "remove", "origin": shop}
        )
        assert removed.status_code == 303
        assert _form_opens(service.url, shop) == 403

        wrong = console.post_form(
            "/console/site/origins", {"org": "demo", "action": "add", "origin": "ftp://x y"}
        )
        assert wrong.status_code == 422
        assert 'role="alert"' in wrong.text and "Не выполнено" in wrong.text

    assert site_changes(db, admin) == ["origin-added", "origin-removed"]


def test_a_new_key_is_shown_once_and_works_until_revoked(db, org, service, request):
    admin = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    with signed_in(service.url, admin) as console:
        made = console.post_form(
            "/console/site/keys", {"org": "demo", "action": "create", "label": "CRM"}
        )
        assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
        key = re.search(r'<code id="new-key">([^<]+)</code>', made.text).group(1)
        assert "больше он показан не будет" in made.text
        key_id = key.split("_")[1]

        filed = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(key))
        assert filed.status_code == 201, filed.text

        later = console.get("/console/site")
        assert key_id in later.text and "CRM" in later.text
        assert key not in later.text and key.split("_", 2)[2] not in later.text

        revoked = console.post_form(
            "/console/site/keys", {"org": "demo", "action": "revoke", "key": key_id}
        )
        assert revoked.status_code == 303
        assert "отозван" in console.get("/console/site").text
    refused = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(key))
    assert refused.status_code == 401
    assert site_changes(db, admin) == ["key-created", "key-revoked"]
    assert all(key.split("_", 2)[2] not in str(e) for e in events(db))


def test_a_refused_badge_shows_its_reason_on_the_site_page(db, org, service, request):
    web = add_user(db, unique(request, "web@demo.example.ru"), "demo")
    assert _form_opens(service.url, "https://stranger.example.com") == 403
    with signed_in(service.url, web) as console:
        assert console.get("/console/site?org=nowhere").status_code == 404
        page = console.get("/console/site")
    refusals = page.text.split('id="refusals"')[1]
    assert "origin-not-allowed https://stranger.example.com" in refusals
    assert "/w/demo/form" in refusals
    assert "/console" not in refusals  # the console's own refusals are not the site's


def test_an_operator_sees_the_snippet_but_cannot_change_anything(db, org, service, request):
    ops = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    with signed_in(service.url, ops) as console:
        page = console.get("/console/site")
        assert page.status_code == 200 and 'data-org="demo"' in page.text
        assert "/console/site/origins" not in page.text and "/console/site/keys" not in page.text
        assert "администратор организации" in page.text
        for path, data in [
            ("/console/site/origins", {"action": "add", "origin": ORIGIN}),
            ("/console/site/keys", {"action": "create"}),
            ("/console/site/categories", {"action": "off", "code": "roads"}),
        ]:
            refused = console.post_form(path, {"org": "demo", **data})
            assert refused.status_code in (403, 404), path
        assert console.get("/console/users").status_code == 404
    assert _form_opens(service.url, ORIGIN) == 403
    assert site_changes(db, ops) == []


def test_an_admin_of_one_org_cannot_reach_another(db, org, service, request):
    other = own_org(db, request, "other", "https://other.example.ru").slug
    admin = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    with signed_in(service.url, admin) as console:
        assert console.get(f"/console/site?org={other}").status_code == 404
        assert console.get("/console/site?org=nowhere").status_code == 404
        for path, data in [
            ("/console/site/origins", {"action": "add", "origin": ORIGIN}),
            ("/console/site/keys", {"action": "create"}),
            ("/console/site/categories", {"action": "off", "code": "roads"}),
        ]:
            assert console.post_form(path, {"org": other, **data}).status_code == 404, path
    assert _form_opens(service.url, ORIGIN, other) == 403
    root = add_user(db, unique(request, "root@example.ru"), platform=True)
    with signed_in(service.url, root) as console:
        chooser = console.get("/console/site")
        assert chooser.status_code == 200 and "Выберите организацию" in chooser.text
        assert 'value="demo"' in chooser.text and f'value="{other}"' in chooser.text
        theirs = console.get(f"/console/site?org={other}")
        assert f'data-org="{other}"' in theirs.text and "/console/site/keys" in theirs.text


def test_a_region_admin_manages_a_child_org(db, org, service, request):
    school = unique(request, "school")
    run_cli(db, "org", "add", school, "--name", "Школа №1", "--parent", "demo")
    admin = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    with signed_in(service.url, admin) as console:
        page = console.get(f"/console/site?org={school}")
        assert page.status_code == 200 and f'data-org="{school}"' in page.text
        assert f'value="{school}"' in page.text  # the organisation chooser lists it
        added = console.post_form(
            "/console/site/origins", {"org": school, "action": "add", "origin": ORIGIN}
        )
        assert added.status_code == 303
    assert _form_opens(service.url, ORIGIN, school) == 200


def test_an_admin_turns_topics_off_and_adds_one_of_their_own(db, service, request):
    # an organisation of its own: the module's other stories keep `demo`'s topics
    own = own_org(db, request, "topics", "https://demo.example.ru").slug
    admin = add_user(db, unique(request, "admin@demo.example.ru"), own, role="admin")
    with signed_in(service.url, admin) as console:
        off = console.post_form(
            "/console/site/categories", {"org": own, "action": "off", "code": "roads"}
        )
        assert off.status_code == 303
        added = console.post_form(
            "/console/site/categories",
            {
                "org": own,
                "action": "add",
                "code": "snow",
                "title_ru": "<script>alert(1)</script>Снег",
                "title_en": "Snow",
            },
        )
        assert added.status_code == 303
        page = console.get("/console/site").text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;Снег" in page
        bad = console.post_form(
            "/console/site/categories",
            {"org": own, "action": "add", "code": "Bad Code", "title_ru": "x"},
        )
        assert bad.status_code == 422 and "Не выполнено" in bad.text
    form = httpx.get(f"{service.url}/w/{own}/form", params={"origin": "https://demo.example.ru"})
    assert 'value="snow"' in form.text and 'value="roads"' not in form.text
    assert "&lt;script&gt;" in form.text


def test_an_org_name_with_markup_renders_inert(db, service, request):
    evil = unique(request, "evil")
    run_cli(db, "org", "add", evil, "--name", "<script>alert(1)</script>", "--parent", "demo")
    admin = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    with signed_in(service.url, admin) as console:
        for path in (f"/console/site?org={evil}", "/console/users"):
            page = console.get(path).text
            assert "<script>alert(1)</script>" not in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_badge_preview_shows_the_real_badge(db, org, service, browser, request):
    admin = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service.url)
    try:
        tab = context.new_page()
        tab.goto(service.url + "/console/signin?next=/console/site")
        tab.fill("#email", admin)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/console/site")
        badge = tab.locator("#badge-preview pos-intake-badge")
        badge.wait_for()
        link = tab.locator("#badge-preview pos-intake-badge a")
        assert link.inner_text() == "Обратная связь · Госуслуги"
        with context.expect_page() as opened:
            link.click()
        form = opened.value
        form.wait_for_load_state()
        assert "/w/demo/form" in form.url
        assert tab.locator("pos-intake-dialog dialog[open]").count() == 0
        copy = tab.get_by_role("button", name="Скопировать код")
        copy.click()
        tab.wait_for_function(
            "document.getElementById('copy-snippet').textContent == 'Скопировано'"
        )
        pasted = tab.evaluate("navigator.clipboard.readText()")
        assert 'data-org="demo"' in pasted and "/embed.js" in pasted
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en"])
def test_the_site_page_speaks_english(db, org, service, lang, request):
    admin = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    with signed_in(service.url, admin) as console:
        page = console.get(f"/console/site?lang={lang}")
    assert "Copy the code" in page.text and "Allowed site addresses" in page.text


@pytest.mark.same_on_every_engine(
    "the pages' layout and axe; what they list is read on PostgreSQL by the site and users stories"
)
@pytest.mark.parametrize("width, height", [(1280, 800), (375, 740)])
def test_site_and_users_pages_are_accessible_and_fit_the_screen(
    db, org, service, browser, width, height, request
):
    admin = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    assert _form_opens(service.url, "https://stranger.example.com/very/long/path") == 403
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
    try:
        tab = context.new_page()
        tab.goto(service.url + "/console/signin?next=/console/site")
        tab.fill("#email", admin)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/console/site")
        tab.locator("#badge-preview pos-intake-badge").wait_for()
        for path in ("/console/site", "/console/users"):
            tab.goto(service.url + path)
            assert serious_violations(tab) == [], path
            assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                f"{path} scrolls sideways at {width} px"
            )
    finally:
        context.close()


def test_the_front_page_leads_to_the_console(service):
    front = httpx.get(service.url + "/")
    assert 'href="/console"' in front.text and "Консоль оператора" in front.text
