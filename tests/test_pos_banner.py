"""A school's site carries the old ПОС banner; its webmaster changed only the script's `src` to
our loader. A citizen clicks the banner and files an appeal to the school through our form; a
banner whose number no organisation has tells the citizen whom to ask instead. And a site that
wants a banner of its own asks for `data-mode="banner"`.

Real Chromium on the demo's host pages (examples/pos-banner.html, examples/banner.html); the
demo organisation has the made-up ПОС id 100000 (`pos-intake demo`)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import Page, expect
from test_badge import FRAME, accepted_event, fill, send

from conftest import DEMO_FORM_MIN_SECONDS, events, screenshot, start_demo, stop_demo

DEMO_POS_ID = 100000
UNKNOWN = "Обратная связь на этом сайте ещё не подключена"
# The old ПОС script, as a test double served for its address: it binds the banner's block and
# opens a window of its own. With our loader on the page, that window must never open.
OLD_SCRIPT = """
window.Widget = function (src, opaId) {
  var open = function () {
    var d = document.createElement('div');
    d.id = 'js-iframe-wrapper';
    d.textContent = 'old ПОС window ' + opaId;
    document.body.appendChild(d);
  };
  document.getElementById('js-show-iframe-wrapper').addEventListener('click', open);
  document.getElementById('js-show-iframe-wrapper').addEventListener('touchend', open);
};
"""


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """The demo, with the service's own contacts for citizens set."""
    site = start_demo(
        tmp_path_factory.mktemp("demo"),
        POS_FORM_MIN_SECONDS=str(DEMO_FORM_MIN_SECONDS),
        POS_SUPPORT_EMAIL="help@pos.example.ru",
    )
    yield site
    stop_demo(site)


@pytest.fixture(scope="module")
def school_site(demo_site):
    """Another site on this machine (any 127.0.0.1 port is among the demo's origins) serving the
    pages `banner_page` writes, by name: /{old_script}-{ours_async}.html. A page Playwright
    fulfils itself would count as a public address and could not load the loader from the
    loopback service."""
    pages = {
        f"/{old}-{late}.html": banner_page(
            demo_site.service, str(DEMO_POS_ID), old_script=old, ours_async=late
        ).encode()
        for old in (False, True)
        for late in (False, True)
    }

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def watch_errors(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def banner_page(service: str, pos_id: str, *, old_script: bool, ours_async: bool) -> str:
    """A host page with ПОС-like banner markup (written for the test) calling Widget twice, once
    with a number and once with a string, with the old script before ours or ours alone."""
    old = '<script src="https://pos.gosuslugi.ru/bin/script.min.js"></script>' if old_script else ""
    ours = f'<script {"async " if ours_async else ""}src="{service}/embed.js"></script>'
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Школа</title>
{old}{"" if ours_async else ours}</head><body><main><h1>Школа</h1>
<div id="js-show-iframe-wrapper"><div class="pos-banner-fluid bf-2">
<div class="bf-2__slogan">Решаем вместе</div>
<button class="pos-banner-btn_2" type="button">Сообщить о проблеме</button></div></div>
<script>Widget("https://pos.gosuslugi.ru/form", {pos_id}); Widget("https://pos.gosuslugi.ru/form", "{pos_id}")</script>
</main>{ours if ours_async else ""}</body></html>"""


def test_citizen_clicks_the_old_banner_and_files_an_appeal_to_its_organisation(page, demo_site):
    problems = watch_errors(page)
    page.goto(demo_site.examples + "/pos-banner.html")
    button = page.get_by_role("button", name="Сообщить о проблеме")
    expect(button).to_have_attribute("aria-haspopup", "dialog")
    # the banner is the site's own: no badge of ours is drawn
    expect(page.get_by_role("link", name="Обратная связь · Госуслуги")).to_have_count(0)
    button.click()
    frame = page.frame_locator(FRAME)
    expect(frame.locator("#appeal")).to_be_visible()
    fill(frame)
    number = send(frame)
    expect(page.locator("#last-number")).to_have_text(number)

    event = accepted_event(demo_site.db, number)
    assert event["org"] == "demo"
    assert event["data"]["embed_origin"] == demo_site.examples
    assert event["data"]["page_url"] == demo_site.examples + "/pos-banner.html"
    frame.get_by_role("button", name="Закрыть").click()
    expect(page.locator(FRAME)).to_be_hidden()
    assert problems == []


def test_a_number_no_organisation_has_shows_whom_to_ask_and_is_logged(page, demo_site):
    page.goto(demo_site.examples + "/pos-banner.html?pos=987654")
    page.get_by_role("button", name="Сообщить о проблеме").click()
    frame = page.frame_locator(FRAME)
    expect(frame.get_by_role("heading", name=UNKNOWN)).to_be_visible()
    expect(frame.get_by_text("номер организации 987654")).to_be_visible()
    expect(frame.get_by_role("link", name="help@pos.example.ru")).to_be_visible()
    refused = [e for e in events(demo_site.db) if e["type"] == "rejected"]
    assert any(e["reason"] == "pos-id-unknown 987654" for e in refused)


@pytest.mark.parametrize(
    ("old_script", "ours_async"),
    [(False, False), (True, False), (True, True)],
    ids=["ours-in-place", "ours-after-theirs", "ours-async-after-the-call"],
)
def test_one_dialog_whatever_the_order_and_the_old_window_never_opens(
    page, school_site, old_script, ours_async
):
    # the old ПОС script, as the double above, for its real address (nothing leaves the machine)
    page.route(
        "https://pos.gosuslugi.ru/**",
        lambda route: route.fulfill(body=OLD_SCRIPT, content_type="text/javascript"),
    )
    problems = watch_errors(page)
    page.goto(f"{school_site}/{old_script}-{ours_async}.html")
    page.wait_for_function("() => window.PosIntake && window.PosIntake.v")
    page.get_by_role("button", name="Сообщить о проблеме").click()
    expect(page.frame_locator(FRAME).locator("#appeal")).to_be_visible()
    assert page.locator("#js-iframe-wrapper").count() == 0  # the old window
    page.keyboard.press("Escape")
    # the block itself opens it too, as the old script's did; still one dialog
    page.locator(".bf-2__slogan").click()
    assert page.locator("dialog").count() == 1
    assert page.locator("#js-iframe-wrapper").count() == 0
    assert problems == []


@pytest.mark.parametrize("width", [390, 1280])
def test_banner_mode_draws_a_wide_block_that_opens_the_form(
    browser, demo_site, tmp_path_factory, width
):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(demo_site.examples + "/banner.html")
        buttons = page.get_by_role("button", name="Сообщить о проблеме")
        expect(buttons).to_have_count(2)
        expect(page.get_by_text("Решаем вместе").first).to_be_visible()
        expect(page.get_by_text("Яма во дворе или сломанная скамейка?")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        first = buttons.first.bounding_box()
        block = page.locator("pos-intake-banner").first.bounding_box()
        if width < 600:  # stacked: the button takes the block's width
            assert first["width"] >= block["width"] - 40
        else:  # side by side: the slogan's panel left of the words and the button
            assert first["width"] < block["width"] / 2
        screenshot(page, tmp_path_factory, f"banner-{width}")
        buttons.nth(1).click()
        expect(page.frame_locator(FRAME).locator("#appeal")).to_be_visible()
    finally:
        context.close()


def test_the_number_leads_to_the_same_form_under_the_same_origin_rules(demo_site):
    """The banner's number is only a way to the organisation's own form: a site that is not
    among its origins gets the same refusal page as with the badge, and the count of open polls
    is the organisation's, readable from any site."""
    base = f"{demo_site.service}/w/pos/{DEMO_POS_ID}"
    with httpx.Client(follow_redirects=True, timeout=10) as client:
        allowed = client.get(f"{base}/form", params={"origin": demo_site.examples})
        assert allowed.status_code == 200
        assert allowed.url.path == "/w/demo/form"
        assert f"frame-ancestors {demo_site.examples}" in allowed.headers["content-security-policy"]
        stranger = client.get(f"{base}/form", params={"origin": "https://school-3.example.ru"})
        assert stranger.status_code == 403
        assert "Форма недоступна на этом сайте" in stranger.text
        count = client.get(f"{base}/polls.json", headers={"Origin": "https://school-3.example.ru"})
        assert count.json() == {"open": 0}
        assert count.history[0].headers["access-control-allow-origin"] == "*"
    refused = [e for e in events(demo_site.db) if e["type"] == "rejected"]
    assert any(e["reason"] == "origin-not-allowed https://school-3.example.ru" for e in refused)
