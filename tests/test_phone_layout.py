"""On a phone the badge covers little of the page, and the dialog reads well: the header names the
service and the organisation, numbers and law references do not break across lines, and the
success screen fills the dialog instead of leaving it mostly blank. Real Chromium at phone and
desktop sizes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_badge import BADGE, FRAME, fill, open_form, send

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ORG = "Демонстрационная организация"


@pytest.fixture
def phone(browser, demo_site):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU", device_scale_factor=2
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser, demo_site):
    context = browser.new_context(viewport=DESKTOP, locale="ru-RU")
    yield context.new_page()
    context.close()


def test_on_a_phone_the_badge_is_a_small_round_icon_with_a_name(phone, demo_site):
    phone.goto(demo_site.examples + "/plain.html")
    badge = phone.get_by_role("link", name=BADGE)  # the accessible name is the badge text
    expect(badge).to_be_visible()
    box = badge.bounding_box()
    assert box["width"] <= 64 and box["height"] <= 64, box
    assert box["width"] >= 44 and abs(box["width"] - box["height"]) < 1, box
    assert badge.evaluate("a => getComputedStyle(a).borderRadius") == "50%"
    assert badge.locator("svg").is_visible()
    open_form(phone)  # and it still opens the form


def test_on_a_desktop_the_badge_shows_its_text(desktop, demo_site):
    desktop.goto(demo_site.examples + "/plain.html")
    badge = desktop.get_by_role("link", name=BADGE)
    expect(badge).to_have_text(BADGE)
    box = badge.bounding_box()
    assert box["width"] > 150 and 44 <= box["height"] <= 64, box


def test_the_dialogs_header_names_the_service_and_the_organisation(desktop, demo_site):
    desktop.goto(demo_site.examples + "/plain.html")
    open_form(desktop)
    header = desktop.locator("pos-intake-dialog dialog > div")
    expect(header).to_contain_text(BADGE)
    expect(header).to_contain_text(ORG)


def lines_of(frame, selector: str, needle: str) -> int:
    """On how many lines the browser laid out `needle` inside the element."""
    return frame.locator(selector).evaluate(
        """(el, needle) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node; (node = walker.nextNode()); ) {
                const at = node.data.indexOf(needle);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + needle.length);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                return tops.size;
            }
            return 0;
        }""",
        needle,
    )


@pytest.mark.parametrize("width", [320, 360, 375, 390])
def test_law_references_do_not_break_across_lines(browser, demo_site, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(f"{demo_site.service}/w/demo/form")
        label = "label.choice:has(input[value=official])"
        assert lines_of(page, label, "(59") == 1
        text = page.locator(label).inner_text()
        law = text[text.index("(59") : text.index(")", text.index("(59")) + 1]
        assert lines_of(page, label, law) == 1, law
    finally:
        context.close()


def test_success_screen_on_a_phone_fills_the_dialog_and_keeps_the_number_whole(phone, demo_site):
    phone.goto(demo_site.examples + "/plain.html")
    frame = open_form(phone)
    fill(frame)
    number = send(frame)

    shown = frame.locator("#success-number")
    height, line = shown.evaluate(
        "el => [el.getBoundingClientRect().height, parseFloat(getComputedStyle(el).lineHeight)]"
    )
    assert height < line * 1.5, (height, line)  # one line
    assert shown.evaluate("el => el.scrollWidth <= el.clientWidth"), "the number is clipped"
    assert lines_of(frame, "#success-screen", number) == 1

    dialog = phone.locator("dialog").bounding_box()
    iframe = phone.locator(FRAME).bounding_box()
    actions = frame.locator("#success-screen .actions").bounding_box()
    title = frame.get_by_role("heading", name="Обращение принято").bounding_box()
    # the actions sit at the bottom of the dialog, the block with the number around its middle
    assert actions["y"] + actions["height"] > iframe["y"] + iframe["height"] - 80, actions
    assert title["y"] > iframe["y"] + iframe["height"] * 0.2, title
    assert dialog["height"] == PHONE["height"]
    expect(frame.get_by_role("link", name="Следить за статусом")).to_be_visible()
