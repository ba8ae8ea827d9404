"""The badge's framed participation pages (polls/pages_framed.py), only on the organisation's own
sites: the list of what is open (and its inline block), a poll's page in the frame with its
vote counted, the count the badge shows, and another site's refusal in words and in the log.
Real server, real Chromium on a host page of the organisation's origin."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest
from playwright.sync_api import expect
from test_polls_pages import COURTYARDS, ORIGIN, PHONE, api_results, create, page_post
from waiting import wait_until

from conftest import events, screenshot, serious_violations


@pytest.mark.same_on_every_engine(
    "what the browser shows of a poll; the ballots, counts, comments and moderation it drives are stories of test_polls_api.py and test_postgres_polls.py on PostgreSQL"
)
def test_the_badges_framed_pages_only_on_the_organisations_sites(
    service, org, db, browser, tmp_path_factory
):
    poll_id = create(service, org.key, COURTYARDS)
    listed = httpx.get(f"{service.url}/w/demo/polls", params={"origin": ORIGIN})
    assert listed.status_code == 200
    assert listed.headers["content-security-policy"].endswith(f"frame-ancestors {ORIGIN}")
    link = unescape(re.search(r'href="(/w/demo/p/[^"]+)"', listed.text).group(1))
    assert poll_id in link and "origin=https" in link
    inline = httpx.get(f"{service.url}/w/demo/polls", params={"origin": ORIGIN, "mode": "inline"})
    assert "inline" in inline.text and "Какой двор благоустроить первым" in inline.text

    elsewhere = httpx.get(f"{service.url}/w/demo/polls", params={"origin": "https://evil.example"})
    assert (
        elsewhere.status_code == 403
        and "frame-ancestors *" in elsewhere.headers["content-security-policy"]
    )
    assert "Администрация demo" in elsewhere.text and "Проголосовать" not in elsewhere.text
    assert any(
        e["reason"] == "origin-not-allowed https://evil.example"
        for e in events(db) if e["type"] == "rejected"
    )  # fmt: skip

    framed = httpx.get(service.url + link)
    assert framed.status_code == 200 and "Проголосовать" in framed.text
    assert framed.headers["content-security-policy"].endswith(f"frame-ancestors {ORIGIN}")
    voted = page_post(service, link, {"q.yard": "mira12", "voter": ""})
    assert voted.status_code == 200 and "Ваш голос учтён" in voted.text
    voter = unescape(re.search(r'data-voter="([^"]+)"', voted.text).group(1))
    again = page_post(service, link, {"q.yard": "lenina5", "voter": voter})
    assert again.status_code == 409 and "Двор дома 12 по ул. Мира" in again.text
    assert again.headers["content-security-policy"].endswith(f"frame-ancestors {ORIGIN}")

    other_org_poll = httpx.get(f"{service.url}/w/demo/p/not-a-poll", params={"origin": ORIGIN})
    assert other_org_poll.status_code == 404

    count = httpx.get(f"{service.url}/w/demo/polls.json", headers={"Origin": ORIGIN})
    assert count.json() == {"open": 1}
    assert count.headers["access-control-allow-origin"] == ORIGIN
    assert count.headers["cache-control"] == "public, max-age=60"
    assert "set-cookie" not in count.headers
    stranger = httpx.get(
        f"{service.url}/w/demo/polls.json", headers={"Origin": "https://x.example"}
    )
    assert "access-control-allow-origin" not in stranger.headers

    # on the organisation's own site, in a frame: the script keeps the voter in the frame's
    # storage (a third party's cookie may be blocked), and the vote counts
    # (a public site framing the service on 127.0.0.1: Chromium asks before local network use)
    context = browser.new_context(
        viewport=PHONE, locale="ru-RU", permissions=["local-network-access"]
    )
    host = (
        f'<!doctype html><html lang="ru"><title>Сайт</title><iframe title="Опросы" '
        f'src="{service.url}/w/demo/polls?origin={ORIGIN}" width="380" height="780"></iframe>'
    )
    context.route(f"{ORIGIN}/**", lambda route: route.fulfill(body=host, content_type="text/html"))
    page = context.new_page()
    page.goto(f"{ORIGIN}/participation")
    frame = page.frame_locator("iframe")
    frame.get_by_role("link", name="Какой двор благоустроить первым").click()
    expect(frame.locator("#voter")).to_have_value("")
    frame.get_by_label("Двор дома 5 по ул. Ленина").check()
    frame.get_by_role("button", name="Проголосовать").click()
    expect(frame.locator("#poll-outcome")).to_contain_text("Ваш голос учтён")
    assert api_results(service, poll_id)["participants"] == 2
    screenshot(page, tmp_path_factory, "poll-framed-phone")
    inner = next(f for f in page.frames if f.url.startswith(service.url))
    inner.goto(f"{service.url}/w/demo/polls?origin={ORIGIN}&mode=inline")
    screenshot(page, tmp_path_factory, "polls-inline")
    context.close()

    # where the frame's storage is there and its cookie is not, the stored id is the voter
    context = browser.new_context(viewport=PHONE, locale="ru-RU")
    page = context.new_page()
    page.goto(service.url + link)
    page.get_by_label("Двор дома 12 по ул. Мира").check()
    page.get_by_role("button", name="Проголосовать").click()
    expect(page.locator("#poll-outcome")).to_contain_text("Ваш голос учтён")
    # the deferred script kept it; asked from here, not polled inside the page: the page's CSP
    # (no 'unsafe-eval') refuses the string predicate wait_for_function would poll with there
    wait_until(
        lambda: page.evaluate("() => localStorage.getItem('pos_voter')"), what="the stored voter"
    )
    context.clear_cookies()
    page.goto(service.url + link)
    page.get_by_label("Двор дома 5 по ул. Ленина").check()
    page.get_by_role("button", name="Проголосовать").click()
    expect(page.locator("#poll-summary")).to_contain_text("уже учтён")
    expect(page.locator("#own-choice")).to_contain_text("Двор дома 12 по ул. Мира")
    assert serious_violations(page) == []
    assert api_results(service, poll_id)["participants"] == 3
    page.goto(f"{service.url}/w/demo/polls?origin={ORIGIN}")
    assert serious_violations(page) == []
    context.close()
