"""A platform admin keeps a region's organisations in the console: sees them as a tree with
what each has received, finds one by its ПОС id with its ancestors, chases those that never got
an appeal, adds and edits one — and a bad value is refused beside its field with nothing
written, while an organisation's own admin finds no such page."""

from __future__ import annotations

import html
import re
import tempfile
import zlib
from pathlib import Path

import httpx
import pytest
from console_helpers import PASSWORD, add_user, own_org, signed_in, unique

from conftest import appeal, bearer, events, serious_violations

pytestmark = pytest.mark.shared_service(POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ORG="0")
SITE = "https://region.example.ru"
SHOTS = Path(tempfile.gettempdir()) / "pos-intake-shots"  # to look at, not kept


def platform_admin(db, request) -> str:
    return add_user(db, unique(request, "root@platform.example.ru"), platform=True)


def card(page: str, slug: str) -> str:
    """The text of one organisation's card on the page ("" if it is not there)."""
    found = re.search(rf'<li id="org-{re.escape(slug)}".*?</dl>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))) if found else ""


def error_of(page: str, field: str) -> str:
    found = re.search(rf'<span class="field-error" id="org-{field}-error">(.*?)</span>', page)
    return html.unescape(found.group(1)) if found else ""


def pos_id_of(request, salt: str) -> str:
    """A ПОС id no other story of the shared store uses."""
    return str(zlib.crc32((request.node.nodeid + salt).encode()) % 10**9 + 1)


def test_a_platform_admin_adds_an_org_and_sees_its_first_appeal(db, service, request):
    region = own_org(db, request, "region", SITE)
    town = unique(request, "town")
    root = platform_admin(db, request)
    with signed_in(service.url, root) as console:
        start = console.get("/console")
        assert 'href="/console/orgs"' in start.text  # in the navigation
        added = console.post_form(
            "/console/orgs/new",
            {"slug": town, "name": "Администрация города Мантурово", "parent": region.slug,
             "origins": "https://manturovo.example.ru\nhttps://*.manturovo.example.ru",
             "timezone": "Europe/Samara", "phone": "", "email": "", "website": "",
             "oktmo": "34714000", "pos_id": ""},
        )  # fmt: skip
        assert added.status_code == 303, added.text
        page = console.get(added.headers["location"]).text
        assert "Организация добавлена." in page
        shown = card(page, town)
        assert "Администрация города Мантурово" in shown and "34714000" in shown
        assert "Europe/Samara" in shown and "https://*.manturovo.example.ru" in shown
        assert "Обращений не было" in shown
        # its ancestor is shown with it, its count of children one
        assert "подчинённых: 1" in card(page, region.slug)

        mark = town.rsplit("-", 1)[1]  # both of this story's organisations carry it
        never = console.get("/console/orgs", params={"q": mark, "never": "1"}).text
        assert "Обращений не было" in card(never, town)

        edited = console.post_form(
            f"/console/orgs/{town}/edit",
            {"name": "Администрация городского округа Мантурово", "parent": region.slug,
             "origins": "https://manturovo.example.ru", "timezone": "Europe/Samara",
             "phone": "+7 (49446) 2-12-34", "email": "", "website": "", "oktmo": "34714000",
             "pos_id": ""},
        )  # fmt: skip
        assert edited.status_code == 303, edited.text
        shown = card(console.get(edited.headers["location"]).text, town)
        assert "Администрация городского округа Мантурово" in shown
        assert "*.manturovo" not in shown

        key = console.post_form(
            "/console/site/keys", {"org": town, "action": "create", "label": "t"}
        )
        town_key = re.search(r"pos_[0-9a-f]+_[A-Za-z0-9_-]+", key.text).group(0)
        filed = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(town_key))
        assert filed.status_code == 201, filed.text
        shown = card(console.get("/console/orgs", params={"q": town}).text, town)
        assert "Обращений не было" not in shown
        assert re.search(r"Обращений: 1, последнее \d\d\.\d\d\.20\d\d", shown), shown
        never = console.get("/console/orgs", params={"q": mark, "never": "1"}).text
        assert card(never, town) == ""
        assert "Обращений не было" in card(never, region.slug)
    audit = [
        (e["data"].get("by"), e["data"].get("change"), e["data"].get("fields"))
        for e in events(db, "--org", town)
        if e["type"] == "site_changed" and e["data"].get("slug") == town
    ]
    assert audit == [
        (root, "org-added", None),
        (root, "org-edited", ["name", "phone", "origins"]),
    ]


def test_a_search_by_pos_id_shows_the_org_under_its_ancestors(db, service, request):
    region = own_org(db, request, "region", SITE)
    district, village = unique(request, "district"), unique(request, "village")
    pos_id = pos_id_of(request, "village")
    with signed_in(service.url, platform_admin(db, request)) as console:
        for slug, parent, pos in ((district, region.slug, ""), (village, district, pos_id)):
            made = console.post_form(
                "/console/orgs/new",
                {"slug": slug, "name": f"Поселение {slug}", "parent": parent, "pos_id": pos},
            )
            assert made.status_code == 303, made.text
        page = console.get("/console/orgs", params={"q": pos_id}).text
    assert pos_id in card(page, village)
    for ancestor in (region.slug, district):
        assert "(показана как вышестоящая)" in card(page, ancestor)
    # the tree nests them: the village's card comes inside the district's, inside the region's
    assert page.index(f'id="org-{region.slug}"') < page.index(f'id="org-{district}"')
    assert page.index(f'id="org-{district}"') < page.index(f'id="org-{village}"')
    assert "Найдено: 1 из" in page


def test_bad_values_are_refused_beside_their_fields_and_nothing_is_written(db, service, request):
    region = own_org(db, request, "region", SITE)
    child = unique(request, "child")
    taken = pos_id_of(request, "taken")
    with signed_in(service.url, platform_admin(db, request)) as console:
        made = console.post_form(
            "/console/orgs/new",
            {"slug": child, "name": "Школа", "parent": region.slug, "pos_id": taken},
        )
        assert made.status_code == 303, made.text
        newcomer = unique(request, "newcomer")
        refused = console.post_form(
            "/console/orgs/new",
            {"slug": newcomer, "name": "Больница", "parent": region.slug,
             "origins": "https://ok.example.ru\nftp://bad.example.ru", "timezone": "Mars/Olympus",
             "oktmo": "123", "pos_id": taken},
        )  # fmt: skip
        assert refused.status_code == 422
        assert "Не сохранено" in refused.text
        assert "ftp://bad.example.ru" in error_of(refused.text, "origins")
        assert "Часового пояса «Mars/Olympus» нет" in error_of(refused.text, "timezone")
        assert "ОКТМО «123» не подходит" in error_of(refused.text, "oktmo")
        assert error_of(refused.text, "name") == ""
        assert 'value="Больница"' in refused.text  # what was typed stays
        # the store's check: the ПОС id is the child's (the others pass now)
        refused = console.post_form(
            "/console/orgs/new",
            {"slug": newcomer, "name": "Больница", "parent": region.slug, "pos_id": taken},
        )
        assert refused.status_code == 422
        assert f"уже у организации {child}" in error_of(refused.text, "pos_id")
        assert card(console.get("/console/orgs", params={"q": newcomer}).text, newcomer) == ""

        # the region under its own child closes a circle
        circle = console.post_form(
            f"/console/orgs/{region.slug}/edit",
            {"name": "Область", "parent": child, "origins": SITE},
        )
        assert circle.status_code == 422
        assert f"{region.slug} → {child} → {region.slug}" in error_of(circle.text, "parent")
        bad_zone = console.post_form(
            f"/console/orgs/{child}/edit",
            {"name": "Школа № 1", "parent": region.slug, "timezone": "Europe/Atlantis",
             "pos_id": taken},
        )  # fmt: skip
        assert bad_zone.status_code == 422
        assert "Europe/Atlantis" in error_of(bad_zone.text, "timezone")
        page = console.get("/console/orgs", params={"q": region.slug.rsplit("-", 1)[1]}).text
    assert "(показана как вышестоящая)" not in card(page, region.slug)
    assert page.index(f'id="org-{region.slug}"') < page.index(f'id="org-{child}"')
    assert "Школа № 1" not in page and "Область" not in card(page, region.slug)


def test_an_organisations_own_admin_finds_no_such_page(db, service, request):
    region = own_org(db, request, "region", SITE)
    admin = add_user(db, unique(request, "admin@region.example.ru"), region.slug, role="admin")
    with signed_in(service.url, admin) as console:
        assert 'href="/console/orgs"' not in console.get("/console").text
        for path in ("/console/orgs", "/console/orgs/new", f"/console/orgs/{region.slug}/edit"):
            assert console.get(path).status_code == 404, path
        for path, data in (
            ("/console/orgs/new", {"slug": unique(request, "mine"), "name": "Моя"}),
            (f"/console/orgs/{region.slug}/edit", {"name": "Переименована"}),
        ):
            assert console.post_form(path, data).status_code == 404, path
    with signed_in(service.url, platform_admin(db, request)) as console:
        page = console.get("/console/orgs", params={"q": region.slug.rsplit("-", 1)[1]}).text
        english = console.get("/console/orgs", params={"q": region.slug, "lang": "en"}).text
    assert "Переименована" not in page and unique(request, "mine") not in page
    assert "No appeals yet" in card(english, region.slug)


@pytest.mark.same_on_every_engine("the page's layout and axe; the stories above run on both")
def test_the_orgs_pages_are_accessible_and_fit(db, service, browser, request):
    region = own_org(db, request, "region", SITE)
    root = platform_admin(db, request)
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((390, 844), (1280, 800)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
        try:
            tab = context.new_page()
            tab.goto(service.url + "/console/signin?next=/console/orgs")
            tab.fill("#email", root)
            tab.fill("#password", PASSWORD)
            tab.click("button[type=submit]")
            tab.wait_for_url("**/console/orgs")
            tab.get_by_label("Название, код (slug), ОКТМО или номер ПОС").fill(region.slug)
            tab.get_by_role("button", name="Найти").click()
            tab.wait_for_url("**q=**")
            assert tab.locator(f"#org-{region.slug}").get_by_text("Обращений не было").count()
            look(tab, "orgs", width)
            tab.locator(f"#org-{region.slug}").get_by_role("link", name="Изменить").click()
            tab.wait_for_url("**/edit")
            tab.get_by_label("Часовой пояс").fill("Mars/Olympus")
            tab.get_by_role("button", name="Сохранить").click()
            tab.locator("#org-timezone-error").wait_for()
            look(tab, "org-form", width)
        finally:
            context.close()


def look(tab, name: str, width: int) -> None:
    """axe finds nothing serious, nothing scrolls sideways; a screenshot to look at."""
    assert serious_violations(tab) == [], name
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{name} scrolls sideways at {width} px"
    )
    tab.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
