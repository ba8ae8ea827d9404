"""A site that may not (or no longer) show an organisation's form: the citizen reads in the
badge's dialog what happened and how to reach the organisation (never the browser's broken-frame
icon, never a message written for the webmaster), keeps what they typed, and the webmaster finds
the refused origin in the intake log."""

from __future__ import annotations

import re
import time

import httpx
from playwright.sync_api import expect
from test_badge import BADGE, FRAME, fill

from conftest import A_PERSON_WRITES, events, run_cli

PHONE = "+7 (49442) 2-12-34"
EMAIL = "priemnaya@manturovo.ru"
WEBSITE = "https://manturovo.example.ru"


def org_with_contacts(site, slug: str, origin: str, **contacts: str) -> None:
    run_cli(site.db, "org", "add", slug, "--name", "Администрация г. Мантурово", "--origin", origin)
    args = []
    for name, value in contacts.items():
        args += [f"--{name}", value]
    if args:
        run_cli(site.db, "org", "set", slug, *args)


def rejections(site, slug: str) -> list[dict]:
    return [e for e in events(site.db) if e["type"] == "rejected" and e["org"] == slug]


def test_badge_on_a_site_that_is_not_allowed_shows_the_contacts_in_the_dialog(page, demo_site):
    # the organisation allows one port of 127.0.0.1; the example pages are on another
    org_with_contacts(
        demo_site, "elsewhere", "http://127.0.0.1:1", phone=PHONE, email=EMAIL, website=WEBSITE
    )
    page.goto(demo_site.examples + "/plain.html?org=elsewhere")
    page.get_by_role("link", name=BADGE).click()

    frame = page.frame_locator(FRAME)
    expect(frame.get_by_role("heading", name="Форма недоступна на этом сайте")).to_be_visible()
    expect(frame.get_by_text("«Администрация г. Мантурово»")).to_be_visible()
    expect(frame.get_by_role("link", name=PHONE)).to_have_attribute("href", "tel:+74944221234")
    expect(frame.get_by_role("link", name=EMAIL)).to_have_attribute("href", f"mailto:{EMAIL}")
    site_link = frame.get_by_role("link", name=WEBSITE)
    expect(site_link).to_have_attribute("href", WEBSITE)
    expect(site_link).to_have_attribute("rel", "noopener noreferrer")
    expect(site_link).to_have_attribute("target", "_blank")
    expect(frame.locator("#appeal")).to_have_count(0)
    expect(frame.get_by_text("не может показывать форму")).to_have_count(0)  # the webmaster's

    [rejected] = rejections(demo_site, "elsewhere")
    assert rejected["reason"] == f"origin-not-allowed {demo_site.examples}"


def test_only_the_contacts_that_are_set_are_shown_and_all_are_escaped(demo_site):
    run_cli(
        demo_site.db,
        "org",
        "add",
        "quiet",
        "--name",
        "<b>Школа</b> & сад",
        "--origin",
        "http://127.0.0.1:1",
    )
    run_cli(demo_site.db, "org", "set", "quiet", "--email", "school@example.ru")
    answer = httpx.get(
        f"{demo_site.service}/w/quiet/form", params={"origin": demo_site.examples}, timeout=5
    )
    assert answer.status_code == 403
    assert "frame-ancestors *" in answer.headers["content-security-policy"]
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert "&lt;b&gt;Школа&lt;/b&gt; &amp; сад" in answer.text and "<b>" not in answer.text
    assert "mailto:school@example.ru" in answer.text
    assert "tel:" not in answer.text and "Телефон" not in answer.text
    assert 'name="token"' not in answer.text


def test_origin_removed_while_the_form_is_open_keeps_the_citizens_text(page, demo_site):
    org_with_contacts(demo_site, "moving", "http://127.0.0.1:*", phone=PHONE)
    page.goto(demo_site.examples + "/plain.html?org=moving")
    page.get_by_role("link", name=BADGE).click()
    frame = page.frame_locator(FRAME)
    expect(frame.locator("#appeal")).to_be_visible()
    text = "Не горит фонарь у дома 5 по улице Ленина уже неделю, темно и опасно."
    fill(frame, text)
    run_cli(demo_site.db, "org", "origins", "moving", "--remove", "http://127.0.0.1:*")
    time.sleep(A_PERSON_WRITES)  # the demo refuses forms sent sooner
    frame.get_by_role("button", name="Отправить").click()

    gone = frame.get_by_role("alert").filter(has_text="Обращение не отправлено")
    expect(gone).to_be_visible()
    expect(gone).to_contain_text("Ваш текст не потерян")
    expect(gone.get_by_role("link", name=PHONE)).to_be_visible()
    expect(frame.get_by_label("Опишите проблему")).to_have_value(text)
    expect(frame.get_by_text("не может показывать форму")).to_have_count(0)

    assert rejections(demo_site, "moving")[-1]["reason"].startswith("origin-not-allowed ")


def test_origin_removed_without_javascript_shows_the_text_back(demo_site):
    org_with_contacts(demo_site, "moved-page", "http://127.0.0.1:*", website=WEBSITE)
    opened = httpx.get(
        f"{demo_site.service}/w/moved-page/form", params={"origin": demo_site.examples}, timeout=5
    )
    token = re.search(r'name="token" value="([^"]+)"', opened.text).group(1)
    run_cli(demo_site.db, "org", "origins", "moved-page", "--remove", "http://127.0.0.1:*")
    time.sleep(A_PERSON_WRITES)
    data = {
        "token": token,
        "kind": "message",
        "category": "roads",
        "text": "Яма на дороге у школы <номер 3>.",
        "name": "Мария",
        "email": "maria@example.ru",
        "consent": "on",
    }
    url = f"{demo_site.service}/w/moved-page/appeals"
    page = httpx.post(
        url, data=data, headers={"Origin": demo_site.service, "Accept": "text/html"}, timeout=10
    )
    assert page.status_code == 403
    assert "Форма недоступна на этом сайте" in page.text
    assert "Яма на дороге у школы &lt;номер 3&gt;." in page.text
    assert f'href="{WEBSITE}"' in page.text
    assert "не может показывать форму" not in page.text

    # a script calling the same endpoint still gets the technical problem
    data["token"] = token
    problem = httpx.post(
        url,
        data=data,
        headers={"Origin": demo_site.service, "Accept": "application/json"},
        timeout=10,
    )
    assert problem.status_code == 403
    assert "не может показывать форму" in problem.json()["detail"]
