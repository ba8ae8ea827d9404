"""The console's log followed live: a new appeal appears in the open log without a reload (its
stored HTML stays text), the live tail keeps to its filters, streams are capped per session and
address, and the service stops promptly with a stream open."""

from __future__ import annotations

import contextlib
import json
import re
import time

import httpx
import pytest
from console_helpers import add_user, own_org, sign_in_page, signed_in, unique
from playwright.sync_api import expect
from test_console_log import file

from conftest import events, serious_violations

# One server and store for the module (tests/conftest.py, `module_service`). A story that reads
# the log whole (exact rows, counts, a search) files into an organisation of its own (`own_org`)
# and signs in as its operator, so that the module's other appeals are not in its log; the
# accounts are each story's own (`unique`). No intake or sign-in limits: all comes from 127.0.0.1.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_CONSOLE_SIGNIN_ADDRESS="0",
)


def test_the_live_tail_sends_only_rows_that_pass_its_filters(db, org, service, request):
    # on demo, shared: the stream and its catch-up start after the story's own first appeal
    duty = add_user(db, unique(request, "duty@demo.ru"), "demo")
    with (
        signed_in(service.url, duty) as console,
        console.stream("GET", "/console/live", params={"category": "roads"}) as stream,
    ):
        lines = stream.iter_lines()
        assert next(lines).startswith("retry:")
        file(service.url, org.key)  # street lighting
        road = file(service.url, org.key, category="roads", text="Яма на дороге у школы")["number"]
        data = next(
            json.loads(line[6:])
            for line in lines
            if line.startswith("data: ") and '"type":"accepted"' in line.replace(" ", "")
        )
        assert (data["number"], data["category_title"]) == (road, "Дороги")
        # a browser reconnecting says what it saw last, and first gets what it missed
        missed = file(service.url, org.key, category="roads", text="Ещё одна яма на дороге")
        time.sleep(1)  # long published to the open streams: only the catch-up can send it now
        with console.stream(
            "GET",
            "/console/live",
            params={"category": "roads"},
            headers={"Last-Event-ID": str(data["id"])},
            timeout=5,
        ) as again:
            first = next(
                json.loads(x[6:])
                for x in again.iter_lines()
                if x.startswith("data: ") and '"type":"accepted"' in x.replace(" ", "")
            )
        assert first["number"] == missed["number"]


@pytest.mark.own_service  # it stops the server
def test_the_service_stops_promptly_with_a_live_stream_open(db, org, service):
    add_user(db, "duty@demo.ru", "demo")
    with (
        signed_in(service.url, "duty@demo.ru") as console,
        console.stream("GET", "/console/live") as stream,
    ):
        lines = stream.iter_lines()
        assert next(lines).startswith("retry:")
        started = time.monotonic()
        service.stop()
        assert time.monotonic() - started < 5
        assert service.process.returncode is not None


XSS = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> фонарь'


def test_a_new_appeal_appears_in_the_open_log_and_stored_html_stays_text(
    db, org, service, browser, request
):
    duty = add_user(db, unique(request, "duty@demo.ru"), "demo")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    try:
        page = context.new_page()
        sign_in_page(page, service.url, duty, then="/console/log")
        page.wait_for_selector("#live-state.on", timeout=10_000)

        filed = file(service.url, org.key, text=XSS, address="<b>ул. Ленина</b>")
        row = page.locator(f"#log-rows tr.type-accepted:has-text('{filed['number']}')")
        row.wait_for(timeout=5_000)  # live, no reload
        assert XSS[:40] in row.inner_text()
        assert page.locator("#log-rows img, #log-rows script").count() == 0
        assert page.evaluate("window.pwned") is None

        page.reload()
        row = page.locator(f"#log-rows tr.type-accepted:has-text('{filed['number']}')")
        assert XSS[:40] in row.inner_text()
        assert page.locator("#log-rows img, #log-rows script").count() == 0
        assert page.evaluate("window.pwned") is None

        assert serious_violations(page) == []

        page.set_viewport_size({"width": 375, "height": 740})  # a phone: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert serious_violations(page) == []
    finally:
        context.close()


STREAM = {"Accept": "text/event-stream"}  # what a browser's EventSource sends
# the paused log's note: of one entry or more, of two or more
HELD = re.compile(r"^Новых записей: [1-9]\d*$")
HELD_TWO = re.compile(r"^Новых записей: ([2-9]|\d{2,})$")


def _refused_stream(console, path: str, **headers: str) -> httpx.Response:
    answer = console.get(path, headers={**STREAM, **headers}, timeout=5)
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"].endswith("/rate-limited")
    assert "закройте лишние вкладки" in answer.json()["detail"]
    assert "Retry-After" in answer.headers
    return answer


@pytest.mark.service_env(POS_CONSOLE_LIVE_PER_SESSION="2", POS_CONSOLE_LIVE_PER_ADDRESS="3")
def test_live_streams_are_capped_per_session_and_address_and_a_closed_one_frees_its_place(
    db, org, service
):
    add_user(db, "duty@demo.ru", "demo")
    with contextlib.ExitStack() as open_streams:
        first = open_streams.enter_context(signed_in(service.url, "duty@demo.ru"))
        streams, lines = [], []  # the line iterators kept: one dropped closes its stream
        for path in ("/console/live", "/console/board/live"):
            stream = open_streams.enter_context(first.stream("GET", path, headers=STREAM))
            assert stream.status_code == 200
            lines.append(stream.iter_lines())
            assert next(lines[-1]).startswith("retry:")
            streams.append(stream)
        _refused_stream(first, "/console/live")  # a third tab of the session
        page = first.get("/console/board/live", headers={"Accept": "text/html"})
        assert page.status_code == 429 and "закройте лишние вкладки" in page.text
        # another session from the same address: one more fits the address's three, no more
        second = open_streams.enter_context(signed_in(service.url, "duty@demo.ru"))
        third = open_streams.enter_context(second.stream("GET", "/console/live", headers=STREAM))
        assert third.status_code == 200
        _refused_stream(second, "/console/live")
        # another address is someone else
        elsewhere = second.stream(
            "GET", "/console/live", headers={**STREAM, "X-Forwarded-For": "203.0.113.9"}
        )
        with elsewhere as other:
            assert other.status_code == 200
        # a stream that ends gives its place back (the server notices the client went)
        streams[0].close()
        deadline = time.monotonic() + 10
        while True:
            again = open_streams.enter_context(first.stream("GET", "/console/live", headers=STREAM))
            if again.status_code == 200:
                break
            assert time.monotonic() < deadline, "the closed stream's place was never freed"
            again.close()
            time.sleep(0.1)
        lines.append(again.iter_lines())
        assert next(lines[-1]).startswith("retry:")
        _refused_stream(first, "/console/live")
    refused = [e for e in events(db) if e["type"] == "rejected"]
    assert {e["reason"] for e in refused} >= {
        "rate-limited live-session",
        "rate-limited live-address",
    }


@pytest.mark.same_on_every_engine(
    "the page's pause in the browser; the live log on PostgreSQL: the story of a new appeal in the open log"
)
def test_pause_holds_new_rows_announces_them_and_keeps_the_focused_row_in_place(
    db, service, browser, request
):
    """WCAG 2.2.2: the moving log can be paused; what arrives meanwhile is counted aloud, and
    rows put in above the row being read do not push it away."""
    own = own_org(db, request, "pause")
    duty = add_user(db, unique(request, "duty@demo.ru"), own.slug)
    for _ in range(12):  # enough rows that the log scrolls
        file(service.url, own.key)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    try:
        page = context.new_page()
        sign_in_page(page, service.url, duty, then="/console/log")
        page.wait_for_selector("#live-state.on", timeout=10_000)
        assert serious_violations(page) == []

        page.click("#live-pause")
        assert page.locator("#live-pause").inner_text() == "Показать новые"
        shown = page.locator("#log-rows tr").count()
        held = [file(service.url, own.key)["number"] for _ in range(2)]
        # each appeal brings its entries (accepted, queued…): the note counts entries
        expect(page.locator("#live-held")).to_have_text(HELD_TWO, timeout=5_000)
        waiting = int(page.locator("#live-held").inner_text().split(": ")[1])
        assert page.get_attribute("#live-held", "aria-live") == "polite"
        assert page.locator(f"#log-rows tr:has-text('{held[0]}')").count() == 0
        assert page.locator("#log-rows tr").count() == shown
        page.screenshot(path="/tmp/clock-log-paused-1280.png")
        assert serious_violations(page) == []

        page.click("#live-pause")
        page.locator(f"#log-rows tr.type-accepted:has-text('{held[1]}')").wait_for(timeout=5_000)
        assert page.locator(f"#log-rows tr:has-text('{held[0]}')").count() >= 1
        assert page.locator("#log-rows tr").count() >= shown + waiting >= shown + 2
        assert page.locator("#live-held").inner_text() == ""
        assert page.locator("#live-pause").inner_text() == "Пауза"

        # the keyboard on a row further down: a new row comes in above it
        link = page.locator("#log-rows tr a").nth(6)
        link.scroll_into_view_if_needed()
        link.focus()
        focused = "document.activeElement.getBoundingClientRect().top"  # the same link
        before = page.evaluate(focused)
        late = file(service.url, own.key)["number"]
        page.locator(f"#log-rows tr.type-accepted:has-text('{late}')").wait_for(timeout=5_000)
        after = page.evaluate(focused)
        assert abs(after - before) <= 1, (before, after)
        assert page.evaluate("scrollY") > 0  # the rows did come in above it

        page.set_viewport_size({"width": 390, "height": 800})
        page.click("#live-pause")
        file(service.url, own.key)
        expect(page.locator("#live-held")).to_have_text(HELD, timeout=5_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path="/tmp/clock-log-paused-390.png")
    finally:
        context.close()
