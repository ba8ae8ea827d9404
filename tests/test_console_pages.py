"""Every console page, as an admin sees it with real appeals in it (one of them carrying markup
in every field a citizen fills): axe-core finds no serious or critical problem, the page works
at 1280×800 and on a 375-wide phone without scrolling sideways, and the stored markup stays
text."""

from __future__ import annotations

import httpx
import pytest
from console_helpers import PASSWORD, add_user

from conftest import Service, appeal, bearer, make_org, run_cli, serious_violations

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def console_site(tmp_path_factory):
    """A service with a region, a municipality below it, appeals in both, and their admin."""
    tmp = tmp_path_factory.mktemp("console-pages")
    db = tmp / "pos-intake.db"
    region = make_org(db, "region", "https://region.example.ru")
    run_cli(db, "org", "add", "town", "--name", "Город", "--parent", "region")
    add_user(db, "admin@region.example.ru", "region", role="admin")
    service = Service(db, env={"POS_RATE_LIMIT_KEY": "0"}).start()
    ids = []
    for text in ("Не горит фонарь у дома 5 " + XSS, "Яма на дороге у школы"):
        filed = httpx.post(
            service.url + "/api/v1/appeals",
            json=appeal(
                text=text,
                address="ул. Ленина, 5 " + XSS,
                contact={"name": "Иван " + XSS, "email": "ivan@example.ru"},
            ),
            headers=bearer(region.key),
        )
        assert filed.status_code == 201, filed.text
        ids.append(filed.json()["id"])
    yield service, ids
    service.stop()


def pages_of(ids: list[str]) -> list[str]:
    return [
        "/console",
        "/console?q=фонари",
        "/console/log",
        "/console/log?q=фонари",
        f"/console/appeals/{ids[0]}",
        "/console/appeals/new",
        "/console/board",
        "/console/board?wall=1",
        "/console/stats",
        "/console/site",
        "/console/users",
        "/console/citizen",
        "/console/templates",
        "/console/password",
    ]


def signed_in_tab(browser, url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
    page = context.new_page()
    page.goto(url + "/console/signin")
    page.get_by_label("Электронная почта").fill("admin@region.example.ru")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(url + "/console")
    page.evaluate("window.__xss = 0")
    return context, page


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 740)], ids=["desktop", "phone"])
def test_every_console_page_is_accessible_and_fits(browser, console_site, width, height):
    service, ids = console_site
    context, page = signed_in_tab(browser, service.url, width, height)
    try:
        problems = {}
        for path in pages_of(ids):
            answer = page.goto(service.url + path)
            assert answer.status == 200, f"{path}: {answer.status}"
            page.wait_for_load_state("networkidle")
            found = serious_violations(page)
            if found:
                problems[path] = found
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width} wide"
            assert page.evaluate("window.__xss || 0") == 0, f"stored markup ran on {path}"
        assert problems == {}
    finally:
        context.close()


def test_the_sign_in_page_is_accessible(browser, console_site):
    service, _ = console_site
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="ru-RU")
    page = context.new_page()
    try:
        page.goto(service.url + "/console/signin")
        assert serious_violations(page) == []
        page.get_by_label("Электронная почта").fill("admin@region.example.ru")
        page.get_by_label("Пароль").fill("wrong-password-1")
        page.get_by_role("button", name="Войти").click()
        assert page.get_by_role("alert").inner_text() == "Неверная почта или пароль."
        assert serious_violations(page) == []
    finally:
        context.close()


def test_stored_markup_is_text_in_the_html(console_site):
    service, ids = console_site
    from console_helpers import signed_in

    with signed_in(service.url, "admin@region.example.ru") as console:
        for path in ("/console", "/console/log", f"/console/appeals/{ids[0]}"):
            html = console.get(path).text
            assert "<script>window.__xss" not in html and "<img src=x" not in html, path
            assert "&lt;script&gt;" in html, path
