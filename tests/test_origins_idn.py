"""An agency whose site lives on .рф allows it in Cyrillic and the badge works there; a wildcard
that would open the form to a whole public suffix (*.ru) is refused with what to write instead;
a port typed with non-ASCII digits is a plain refusal, never a server error."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest
from playwright.sync_api import expect

from conftest import A_PERSON_WRITES, CHROMIUM, CHROMIUM_FLAGS, events, run_cli

PUNY = "xn--80ae2affblpj.xn--p1ai"  # мантурово.рф as browsers send it

# One server and store for the module's stories that open the form (tests/conftest.py,
# `module_service`): the origins they add to `demo` are each a domain no other story asks for,
# and a refusal is read as the latest one. The stories of the CLI alone make organisations of
# their own and list them all, in a store of their own with no server.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0", POS_RATE_LIMIT_ORG="0"
)


def rejections(db) -> list[dict]:
    return [e for e in events(db) if e["type"] == "rejected"]


def form(service, origin: str, **params: str) -> httpx.Response:
    return httpx.get(f"{service.url}/w/demo/form", params={"origin": origin, **params}, timeout=5)


@pytest.mark.own_service  # it lists all organisations of its store (no server needed)
def test_cyrillic_origin_is_stored_in_punycode_shown_in_cyrillic_and_removed_either_way(db):
    added = run_cli(
        db, "org", "add", "manturovo", "--name", "Мантурово", "--origin", "https://МАНТУРОВО.РФ"
    )
    assert f"https://мантурово.рф ({PUNY})" in added.stdout

    out = run_cli(db, "org", "origins", "manturovo", "--add", "https://*.Мантурово.рф").stdout
    assert f"added: https://*.мантурово.рф (*.{PUNY})" in out

    shown = run_cli(db, "org", "show", "manturovo").stdout
    assert f"https://мантурово.рф ({PUNY})" in shown
    listed = run_cli(db, "org", "list").stdout
    assert f"https://*.мантурово.рф (*.{PUNY})" in listed

    as_json = json.loads(run_cli(db, "org", "show", "manturovo", "--json").stdout)
    assert as_json["origins"] == [f"https://*.{PUNY}", f"https://{PUNY}"]
    assert as_json["origins_display"][1] == f"https://мантурово.рф ({PUNY})"
    listed_json = json.loads(run_cli(db, "org", "list", "--json").stdout)
    assert listed_json[0]["origins"] == [f"https://*.{PUNY}", f"https://{PUNY}"]

    # the same origin in punycode is the same origin, not a second one
    run_cli(db, "org", "origins", "manturovo", "--add", f"https://{PUNY}:443")
    assert len(json.loads(run_cli(db, "org", "list", "--json").stdout)[0]["origins"]) == 2

    # removed by the punycode spelling, then the wildcard by the Cyrillic one
    out = run_cli(db, "org", "origins", "manturovo", "--remove", f"https://{PUNY}").stdout
    assert f"origins: https://*.мантурово.рф (*.{PUNY})\n" in out
    run_cli(db, "org", "origins", "manturovo", "--remove", "https://*.мантурово.РФ")
    assert json.loads(run_cli(db, "org", "list", "--json").stdout)[0]["origins"] == []


@pytest.mark.own_service  # it lists all organisations of its store (no server needed)
def test_invalid_international_names_and_unicode_digit_ports_are_refused(db):
    run_cli(db, "org", "add", "manturovo", "--name", "Мантурово")
    cases = {
        "https://xn--abc.ru": "not a valid punycode label",
        "https://мант_урово.рф": "not a valid international domain name",
        "https://мантурово..рф": "not a valid international domain name",
        "https://мантурово.рф.": "not a host name",
        "https://site.ru:²": "the port must be a number",
        "https://site.ru:٣": "the port must be a number",
        "https://site.ru:４４３": "the port must be a number",
    }
    for bad, message in cases.items():
        result = run_cli(db, "org", "origins", "manturovo", "--add", bad, check=False)
        assert result.returncode == 1, bad
        assert result.stderr.startswith("pos-intake: "), (bad, result.stderr)
        assert message in result.stderr, (bad, result.stderr)
        assert "Traceback" not in result.stderr
    assert json.loads(run_cli(db, "org", "list", "--json").stdout)[0]["origins"] == []


@pytest.mark.own_service  # it lists all organisations of its store (no server needed)
@pytest.mark.parametrize(
    ("wildcard", "suffix"),
    [
        ("https://*.ru", "ru"),
        ("https://*.msk.ru", "msk.ru"),
        ("https://*.com.ru", "com.ru"),
        ("https://*.рф", "рф"),
        (f"https://*.{PUNY.split('.')[1]}", "рф"),
        ("https://*.github.io", "github.io"),
        ("http://*.RU:*", "ru"),
    ],
)
def test_wildcard_directly_under_a_public_suffix_is_refused(db, wildcard, suffix):
    run_cli(db, "org", "add", "kostroma", "--name", "Кострома")
    result = run_cli(db, "org", "origins", "kostroma", "--add", wildcard, check=False)
    assert result.returncode == 1
    assert f"would let every site under .{suffix} embed the form" in result.stderr
    assert "name your own domain: http" in result.stderr
    created = run_cli(db, "org", "add", "x2", "--name", "X", "--origin", wildcard, check=False)
    assert created.returncode == 1 and "would let every site" in created.stderr
    assert json.loads(run_cli(db, "org", "list", "--json").stdout)[0]["origins"] == []


@pytest.mark.own_service  # it lists all organisations of its store (no server needed)
def test_own_domain_wildcards_stay_allowed_and_a_bare_suffix_is_no_site(db):
    run_cli(db, "org", "add", "kostroma", "--name", "Кострома")
    for good in ("https://*.kostroma.ru", "https://*.мантурово.рф", "http://localhost:*"):
        run_cli(db, "org", "origins", "kostroma", "--add", good)
    bare = run_cli(db, "org", "origins", "kostroma", "--add", "https://ru", check=False)
    assert bare.returncode == 1 and "is a public suffix, not a site" in bare.stderr


def test_form_for_an_origin_added_in_cyrillic_frames_into_its_punycode_origin(db, service):
    run_cli(db, "org", "origins", "demo", "--add", "https://мантурово.рф")
    run_cli(db, "org", "origins", "demo", "--add", "https://*.Кострома.рф")
    for asked in (f"https://{PUNY}", "https://Мантурово.рф", f"https://{PUNY}:443"):
        page = form(service, asked)
        assert page.status_code == 200, (asked, page.text)
        csp = page.headers["content-security-policy"]
        assert csp.endswith(f"frame-ancestors https://{PUNY}"), (asked, csp)

    sub = form(service, "https://www.xn--80atghalgi.xn--p1ai")  # www.кострома.рф
    assert sub.status_code == 200
    assert sub.headers["content-security-policy"].endswith(
        "frame-ancestors https://www.xn--80atghalgi.xn--p1ai"
    )
    # the wildcard does not cover the bare domain
    assert form(service, "https://xn--80atghalgi.xn--p1ai").status_code == 403


def test_wildcard_matching_stays_strict(db, service):
    run_cli(db, "org", "origins", "demo", "--add", "https://*.kostroma.ru")
    assert form(service, "https://adm.kostroma.ru").status_code == 200
    for outside in (
        "https://evilkostroma.ru",
        "https://kostroma.ru",
        "https://adm.kostroma.ru.",
        "https://user@adm.kostroma.ru",
        "http://adm.kostroma.ru",
        "https://adm.kostroma.ru.evil.ru",
    ):
        page = form(service, outside)
        assert page.status_code == 403, outside
        # The refusal page may be framed anywhere because it carries nothing: no form, no token.
        assert 'name="token"' not in page.text and "<form" not in page.text, outside


@pytest.mark.parametrize("port", ["²", "٣", "４４３", "1²"])
def test_form_with_a_unicode_digit_port_is_a_readable_refusal(db, service, port):
    origin = f"https://demo.example.ru:{port}"
    page = form(service, origin)
    assert page.status_code == 403, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "Форма недоступна на этом сайте" in page.text  # the citizen's words, not a traceback
    assert rejections(db)[-1]["reason"] == f"origin-not-allowed {origin}"


def test_page_url_with_a_unicode_digit_port_is_dropped_not_a_server_error(db, service):
    page = form(service, "https://demo.example.ru", page="https://demo.example.ru:²/contacts")
    assert page.status_code == 200, page.text


def test_badge_works_on_a_cyrillic_domain(browser, demo_site):
    """Real Chromium on http://мантурово.рф:PORT (resolved to the example pages' server)."""
    run_cli(demo_site.db, "org", "origins", "demo", "--add", "http://мантурово.рф:*")
    port = demo_site.examples.rsplit(":", 1)[1]
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_FLAGS, f"--host-resolver-rules=MAP {PUNY} 127.0.0.1"],
    )
    try:
        page = chromium.new_page(locale="ru-RU")
        page.goto(f"http://мантурово.рф:{port}/plain.html")
        assert page.evaluate("location.origin") == f"http://{PUNY}:{port}"
        page.get_by_role("link", name="Обратная связь · Госуслуги").first.click()
        frame = page.frame_locator("iframe[title='Обратная связь — Госуслуги']")
        expect(frame.locator("#appeal")).to_be_visible()
        frame.get_by_role("combobox", name="Тема").select_option("street_lighting")
        frame.get_by_label("Опишите проблему").fill("Не горит фонарь у дома 5 по улице Ленина.")
        frame.get_by_label("Ваше имя *", exact=True).fill("Иван Петров")
        frame.get_by_label("E-mail", exact=True).fill("ivan@example.ru")
        frame.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
        time.sleep(A_PERSON_WRITES)  # the demo refuses forms sent sooner
        frame.get_by_role("button", name="Отправить").click()
        number = frame.locator("#success-number")
        expect(number).to_have_text(re.compile(r"^DEMO-\d{4}-\d{6}$"))
        found = [
            e
            for e in events(demo_site.db)
            if e["type"] == "accepted" and e["data"]["number"] == number.inner_text()
        ]
        assert len(found) == 1
        assert found[0]["data"]["embed_origin"] == f"http://{PUNY}:{port}"
        assert found[0]["data"]["page_url"] == f"http://{PUNY}:{port}/plain.html"
    finally:
        chromium.close()
