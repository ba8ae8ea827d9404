"""A resident on an agency's page sees that a poll is open — a count on the badge, said in its
name — and takes part through the same badge: a second tab «Опросы и обсуждения» beside
«Написать обращение» frames the organisation's list; a site's own page shows the list inline
(`data-mode="participation"`). With nothing open the badge is as before. Real Chromium on the
example host pages of `pos-intake demo`; each story has an organisation of its own, so what one
opens no other sees."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect
from test_badge import BADGE, FRAME, fill, open_form

from intake_service.assets import loader

from conftest import bearer, run_cli, screenshot, serious_violations

POLLS = "iframe[title='Опросы и обсуждения']"
TITLE = "Какой двор благоустроить в 2026 году"
_slugs = itertools.count(1)
# inside a framed list: nothing left to scroll, the frame is as high as its content
FITS = "() => document.documentElement.scrollHeight <= innerHeight + 1"


def organisation(site, name: str) -> tuple[str, str]:
    """A new organisation whose allowed origin is the example pages' (any port of 127.0.0.1):
    its slug and API key."""
    slug = f"{name}-{next(_slugs)}"
    run_cli(site.db, "org", "add", slug, "--name", f"Администрация {slug}", "--origin",
            "http://127.0.0.1:*")  # fmt: skip
    return slug, run_cli(site.db, "org", "key", slug).stdout.strip().splitlines()[-1]


def open_poll(site, key: str, title: str = TITLE) -> str:
    """A poll open now for a week, as an agency's system creates it with its key."""
    now = datetime.now(UTC)
    created = httpx.post(
        f"{site.service}/api/v1/polls",
        headers=bearer(key),
        json={
            "kind": "vote",
            "title": title,
            "description": "Программа «Формирование комфортной городской среды».",
            "identity": "anyone",
            "opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat(),
            "results": "live",
            "questions": [
                {
                    "id": "q1",
                    "type": "single",
                    "text": "Какой двор первым?",
                    "options": [
                        {"id": "a", "title": "ул. Ленина, 5"},
                        {"id": "b", "title": "ул. Советская, 12"},
                    ],
                }
            ],
        },
        timeout=10,
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


def host(page, site, name: str, slug: str) -> None:
    page.goto(f"{site.examples}/{name}.html?org={slug}")


def counted(page, site, slug: str):
    """The page, once the loader's count for `slug` has come back."""
    with page.expect_response(f"{site.service}/w/{slug}/polls.json") as answer:
        host(page, site, "polls", slug)
    assert answer.value.ok
    return answer.value


def test_nothing_open_no_count_and_no_tab(page, demo_site):
    slug, _ = organisation(demo_site, "quiet")
    answer = counted(page, demo_site, slug)
    assert answer.json() == {"open": 0}

    badge = page.get_by_role("link", name=BADGE)
    expect(badge).to_have_accessible_name(BADGE)
    expect(page.get_by_role("link", name="открыт")).to_have_count(0)
    badge.click()
    expect(page.frame_locator(FRAME).locator("#appeal")).to_be_visible()
    expect(page.get_by_role("tab")).to_have_count(0)
    expect(page.get_by_role("tablist")).to_be_hidden()


def test_an_open_poll_puts_a_count_on_the_badge_and_a_tab_that_lists_it(page, demo_site):
    slug, key = organisation(demo_site, "courtyards")
    open_poll(demo_site, key)
    request = None

    def seen(r):
        nonlocal request
        if r.url.endswith("/polls.json"):
            request = r

    page.on("request", seen)
    # a cookie the service set in this browser earlier (a vote on its own pages): never sent
    page.context.add_cookies([{"name": "pos_voter", "value": "v1", "url": demo_site.service}])
    answer = counted(page, demo_site, slug)
    assert answer.json() == {"open": 1}
    assert "public" in answer.headers["cache-control"]
    assert "cookie" not in request.all_headers()  # credentials: "omit"
    assert [c["name"] for c in page.context.cookies()] == ["pos_voter"]  # and none set

    badge = page.get_by_role("link", name=f"{BADGE}: 1 опрос открыт")
    expect(badge).to_be_visible()
    expect(badge.locator("b")).to_have_text("1")

    badge.click()
    appeal = page.get_by_role("tab", name="Написать обращение")
    polls = page.get_by_role("tab", name="Опросы и обсуждения")
    expect(appeal).to_have_attribute("aria-selected", "true")
    expect(page.frame_locator(FRAME).locator("#appeal")).to_be_visible()

    polls.click()
    expect(polls).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Опросы и обсуждения")).to_be_visible()
    expect(page.frame_locator(POLLS).get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.locator(FRAME)).to_be_hidden()

    # back on the first tab, the form is as the citizen left it
    appeal.click()
    expect(page.frame_locator(FRAME).locator("#appeal")).to_be_visible()


def test_the_count_says_its_number_in_russian_and_english(page, demo_site):
    slug, key = organisation(demo_site, "many")
    for n in range(5):
        open_poll(demo_site, key, f"Опрос номер {n + 1}")
    counted(page, demo_site, slug)
    expect(page.get_by_role("link", name=f"{BADGE}: 5 опросов открыто")).to_be_visible()

    with page.expect_response(f"{demo_site.service}/w/{slug}/polls.json"):
        page.goto(f"{demo_site.examples}/inline.html?org={slug}")
    expect(page.get_by_role("link", name="Feedback · Gosuslugi: 5 polls open")).to_be_visible()
    expect(page.get_by_role("link", name=f"{BADGE}: 5 опросов открыто")).to_have_count(2)


def test_keyboard_reaches_the_tabs_and_switches_them_with_the_arrows(page, demo_site):
    slug, key = organisation(demo_site, "keys")
    open_poll(demo_site, key)
    counted(page, demo_site, slug)
    badge = page.get_by_role("link", name=f"{BADGE}: 1 опрос открыт")
    expect(badge).to_be_visible()
    badge.focus()
    page.keyboard.press("Enter")
    expect(page.frame_locator(FRAME).locator("#appeal")).to_be_visible()

    appeal = page.get_by_role("tab", name="Написать обращение")
    polls = page.get_by_role("tab", name="Опросы и обсуждения")
    focused = "el => el.getRootNode().activeElement === el"
    for _ in range(5):
        if appeal.evaluate(focused):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the selected tab")
    assert polls.get_attribute("tabindex") == "-1"  # one stop for the tab list

    page.keyboard.press("ArrowRight")
    expect(polls).to_have_attribute("aria-selected", "true")
    assert polls.evaluate(focused)
    expect(page.frame_locator(POLLS).get_by_role("link", name=TITLE)).to_be_visible()
    page.keyboard.press("ArrowRight")  # wraps round
    expect(appeal).to_have_attribute("aria-selected", "true")
    page.keyboard.press("End")
    expect(polls).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Home")
    expect(appeal).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowLeft")
    expect(polls).to_have_attribute("aria-selected", "true")

    page.keyboard.press("Escape")
    expect(page.locator("dialog")).not_to_have_attribute("open", "")
    assert badge.evaluate(focused), "focus did not return to the badge"

    # Escape typed inside the list's frame closes the dialog too
    badge.click()
    expect(polls).to_have_attribute("aria-selected", "true")  # where the citizen left it
    page.frame_locator(POLLS).get_by_role("link", name=TITLE).focus()
    page.keyboard.press("Escape")
    expect(page.locator("dialog")).not_to_have_attribute("open", "")


def test_data_polls_off_asks_nothing_and_on_shows_the_tab_with_nothing_open(page, demo_site):
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "polls.json" in r.url else None)

    def own_page(slug: str, polls: str) -> None:
        """The example site's index (which has no snippet) with the snippet added as a page's
        own script adds it, set one way or the other."""
        page.goto(f"{demo_site.examples}/index.html")
        page.evaluate(
            """([src, org, polls]) => {
                const s = document.createElement('script');
                Object.assign(s.dataset, {org, polls});
                s.src = src;
                document.body.append(s);
            }""",
            [f"{demo_site.service}/embed.js", slug, polls],
        )

    busy, key = organisation(demo_site, "switch")
    open_poll(demo_site, key)
    own_page(busy, "off")
    badge = page.get_by_role("link", name=BADGE)
    expect(badge).to_be_visible()
    # the loader would have asked by now: the page has loaded and the browser is idle
    page.evaluate("() => new Promise(r => requestIdleCallback(() => setTimeout(r, 500)))")
    assert asked == []
    expect(badge).to_have_accessible_name(BADGE)
    badge.click()
    expect(page.frame_locator(FRAME).locator("#appeal")).to_be_visible()
    expect(page.get_by_role("tab")).to_have_count(0)

    quiet, _ = organisation(demo_site, "announce")
    own_page(quiet, "on")
    page.get_by_role("link", name=BADGE).click()
    page.get_by_role("tab", name="Опросы и обсуждения").click()
    expect(page.locator(POLLS)).to_be_visible()


def test_participation_block_lists_what_is_open_inline(page, demo_site):
    slug, key = organisation(demo_site, "inline")
    open_poll(demo_site, key)
    host(page, demo_site, "participation", slug)
    blocks = page.locator(POLLS)
    expect(blocks).to_have_count(1)  # the English one has its own title
    expect(page.frame_locator(POLLS).get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_role("link", name=BADGE)).to_have_count(0)
    english = page.locator("#polls-en iframe[title='Polls and discussions']")
    expect(english).to_have_count(1)

    # the block stands where the script is: under its heading, as wide as the text
    box = blocks.bounding_box()
    heading = page.get_by_role("heading", name="Открытые опросы и обсуждения").bounding_box()
    text = page.locator("main").bounding_box()
    assert box and heading and text
    assert box["y"] > heading["y"] and abs(box["width"] - text["width"]) < 80
    # as high as the list: nothing left to scroll inside the frame
    inside = blocks.element_handle().content_frame()
    inside.wait_for_function(FITS)
    expect(page.frame_locator(POLLS).locator("li").last).to_be_in_viewport()
    listed = blocks.bounding_box()["height"]

    # the poll opens in the block, which grows to it, and shrinks back to the list
    page.frame_locator(POLLS).get_by_role("link", name=TITLE).click()
    expect(page.frame_locator(POLLS).get_by_role("heading", name=TITLE)).to_be_visible()
    inside.wait_for_function(FITS)
    assert blocks.bounding_box()["height"] > listed
    page.evaluate("history.back()")  # the frame's page: the host page stays
    expect(page.frame_locator(POLLS).get_by_role("link", name=TITLE)).to_be_visible()
    page.wait_for_function(
        "([el, h]) => Math.abs(el.getBoundingClientRect().height - h) < 2",
        arg=[blocks.element_handle(), listed],
    )


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 800)], ids=["phone", "desktop"])
def test_polls_tab_and_block_look_right_and_axe_finds_nothing(
    browser, demo_site, viewport, tmp_path_factory
):
    width, height = viewport
    slug, key = organisation(demo_site, f"look{width}")
    open_poll(demo_site, key)
    open_poll(demo_site, key, "Общественные обсуждения проекта набережной")
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
    try:
        page = context.new_page()
        counted(page, demo_site, slug)
        badge = page.get_by_role("link", name=f"{BADGE}: 2 опроса открыто")
        expect(badge).to_be_visible()
        assert serious_violations(page) == []
        screenshot(page, tmp_path_factory, f"polls-badge-{width}")

        badge.click()
        fill(page.frame_locator(FRAME))
        page.get_by_role("tab", name="Опросы и обсуждения").click()
        expect(page.frame_locator(POLLS).get_by_role("link", name=TITLE)).to_be_visible()
        assert serious_violations(page) == []
        screenshot(page, tmp_path_factory, f"polls-tab-{width}")

        host(page, demo_site, "participation", slug)
        expect(page.frame_locator(POLLS).get_by_role("link", name=TITLE)).to_be_visible()
        english = page.frame_locator("iframe[title='Polls and discussions']")
        expect(english.get_by_role("link", name=TITLE)).to_be_visible()
        assert serious_violations(page) == []
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide
        screenshot(page, tmp_path_factory, f"participation-{width}")
    finally:
        context.close()


def test_the_badge_still_opens_on_the_form_with_a_poll_open(page, demo_site):
    """The count changes nothing of the appeal's way: the badge opens on the form."""
    slug, key = organisation(demo_site, "both")
    open_poll(demo_site, key)
    counted(page, demo_site, slug)
    frame = open_form(page)
    expect(page.get_by_role("tab", name="Написать обращение")).to_have_attribute(
        "aria-selected", "true"
    )
    fill(frame)


def test_the_loader_stays_small():
    """Every page view of every host site loads it: the polls' tab, count and inline block took
    it from 3.4 to about 4.7 KB in gzip (decision 0112), the banner and the ПОС banner's
    `Widget` to about 5.9 KB (decision 0115); 6 KB is the budget."""
    _, zipped, _ = loader()
    assert len(zipped) <= 6 * 1024, len(zipped)


def test_a_resident_votes_through_the_badges_tab_without_leaving_the_site(page, demo_site):
    slug, key = organisation(demo_site, "vote")
    poll = open_poll(demo_site, key)
    counted(page, demo_site, slug)
    page.get_by_role("link", name=f"{BADGE}: 1 опрос открыт").click()
    page.get_by_role("tab", name="Опросы и обсуждения").click()
    frame = page.frame_locator(POLLS)
    frame.get_by_role("link", name=TITLE).click()
    frame.get_by_label("ул. Советская, 12").check()
    frame.get_by_role("button", name="Проголосовать").click()
    expect(frame.locator("#poll-outcome")).to_contain_text("Ваш голос учтён")
    assert page.url.startswith(f"{demo_site.examples}/polls.html")  # still on the site

    results = httpx.get(f"{demo_site.service}/api/v1/polls/{poll}/results", timeout=10).json()
    assert results["participants"] == 1
    assert results["questions"]["q1"] == {"a": 0, "b": 1}
