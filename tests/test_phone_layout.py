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
    phone.goto(demo_site.examples + "/long.html")  # at the top of a long page
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


# The floating badge's link and the footer's last line of text, as the page lays them out now.
BADGE_BOX = "() => document.querySelector('pos-intake-badge').shadowRoot.querySelector('a')"
BADGE_BOX += ".getBoundingClientRect().toJSON()"
LAST_LINE = """() => {
    const texts = document.createTreeWalker(document.querySelector('footer'), NodeFilter.SHOW_TEXT);
    let last;
    for (let n; (n = texts.nextNode()); ) if (n.data.trim()) last = n;
    const range = document.createRange();
    range.selectNodeContents(last);
    const rects = [...range.getClientRects()];
    return rects[rects.length - 1].toJSON();
}"""
TO_THE_END = "window.scrollTo(0, document.documentElement.scrollHeight)"


def overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


def wait_for_badge(page, condition: str) -> dict:
    """Wait until the badge's box (`box`) meets a condition, then return it: the badge slides."""
    page.wait_for_function(f"() => {{ const box = ({BADGE_BOX})(); return {condition}; }}")
    return page.evaluate(BADGE_BOX)


@pytest.fixture
def still_phone(browser, demo_site):
    """A phone whose owner asked for reduced motion: the badge jumps instead of sliding."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU", reduced_motion="reduce"
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", ["plain", "long"])
def test_at_the_end_of_a_page_the_badge_leaves_the_footers_last_line_free(phone, demo_site, name):
    phone.goto(f"{demo_site.examples}/{name}.html")
    expect(phone.get_by_role("link", name=BADGE)).to_be_visible()
    phone.evaluate(TO_THE_END)
    line = phone.evaluate(LAST_LINE)
    assert "2-00-00" in phone.locator("footer p").last.inner_text()
    # it slides to a tab at the right edge, in the middle of the screen
    tab = wait_for_badge(phone, f"box.right == {PHONE['width']} && box.left > 300")
    assert not overlap(tab, line), (tab, line)
    assert tab["width"] >= 44 and tab["height"] >= 44, tab
    assert abs((tab["top"] + tab["bottom"]) / 2 - PHONE["height"] / 2) <= 1, tab
    on_top = phone.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).tagName.toLowerCase()",
        [(tab["left"] + tab["right"]) / 2, (tab["top"] + tab["bottom"]) / 2],
    )
    assert on_top == "pos-intake-badge"
    open_form(phone)  # the tab is the same link: it opens the form


def test_scrolled_back_up_the_tab_is_the_round_badge_again(phone, demo_site):
    phone.goto(demo_site.examples + "/long.html")
    round_badge = wait_for_badge(phone, "box.width == 56")
    phone.evaluate(TO_THE_END)
    wait_for_badge(phone, f"box.width == 44 && box.right == {PHONE['width']}")
    phone.evaluate("window.scrollTo(0, 0)")
    # the slide back ends in both directions before the badge is compared with where it was
    settled = f"box.bottom == {round_badge['bottom']} && box.right == {round_badge['right']}"
    assert wait_for_badge(phone, settled) == round_badge


def test_with_reduced_motion_the_badge_does_not_slide(still_phone, demo_site):
    still_phone.goto(demo_site.examples + "/long.html")
    wait_for_badge(still_phone, "box.width == 56")
    still_phone.evaluate(TO_THE_END)
    # in the very frame it turns into a tab, it is already at its place
    tab = wait_for_badge(still_phone, "box.width == 44")
    assert tab["right"] == PHONE["width"], tab
    assert abs((tab["top"] + tab["bottom"]) / 2 - PHONE["height"] / 2) <= 1, tab


def test_data_offset_lifts_the_badge_above_the_sites_fixed_bar(still_phone, demo_site):
    still_phone.goto(demo_site.examples + "/long.html")
    plain = wait_for_badge(still_phone, "box.width == 56")
    still_phone.goto(demo_site.examples + "/fixed-footer.html")  # data-offset="64"
    lifted = wait_for_badge(still_phone, "box.width == 56")
    assert lifted["bottom"] == plain["bottom"] - 64, (plain, lifted)
    bar = still_phone.locator("footer").bounding_box()
    assert lifted["bottom"] <= bar["y"]
    still_phone.evaluate(TO_THE_END)
    tab = wait_for_badge(still_phone, "box.width == 44")
    assert not overlap(tab, still_phone.evaluate(LAST_LINE))
    open_form(still_phone)


@pytest.mark.parametrize("offset", ["-20", "1e3", "64px", "9999"])
def test_a_bad_data_offset_is_ignored_or_capped(desktop, demo_site, offset):
    desktop.goto(demo_site.examples + "/index.html")  # a page without a snippet: add one
    desktop.evaluate(
        """([src, offset]) => {
            const s = Object.assign(document.createElement('script'), {src});
            s.dataset.org = 'demo';
            s.dataset.offset = offset;
            document.body.append(s);
        }""",
        [demo_site.service + "/embed.js", offset],
    )
    expect(desktop.get_by_role("link", name=BADGE)).to_be_visible()
    lift = 400 if offset == "9999" else 0
    assert desktop.evaluate(BADGE_BOX)["bottom"] == DESKTOP["height"] - 16 - lift


def test_on_a_desktop_the_badge_stays_in_its_corner_at_the_end_of_a_page(desktop, demo_site):
    desktop.goto(demo_site.examples + "/long.html")
    badge = desktop.get_by_role("link", name=BADGE)
    expect(badge).to_have_text(BADGE)
    at_top = desktop.evaluate(BADGE_BOX)
    assert at_top["right"] == DESKTOP["width"] - 16 and at_top["bottom"] == DESKTOP["height"] - 16
    desktop.evaluate(TO_THE_END)
    desktop.wait_for_function("() => window.scrollY > 0")
    desktop.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )
    assert desktop.evaluate(BADGE_BOX) == at_top
    expect(badge).to_have_text(BADGE)
    desktop.goto(demo_site.examples + "/fixed-footer.html")  # data-offset="64" lifts it here too
    expect(badge).to_be_visible()
    assert desktop.evaluate(BADGE_BOX)["bottom"] == DESKTOP["height"] - 16 - 64


def test_the_dialogs_header_names_the_service_and_the_organisation(desktop, demo_site):
    desktop.goto(demo_site.examples + "/plain.html")
    open_form(desktop)
    header = desktop.locator("pos-intake-dialog dialog > div").first  # then the tab list
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
