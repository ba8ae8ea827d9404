"""The heat board on the wall of a region's management centre: forty municipalities × twelve
topics fit a full-HD and a 4K monitor whole — every topic column and the tension index on
screen, nothing cut off, nothing to scroll — and when the rows do not fit, the wall turns the
pages by itself and says which one it shows; the same board fits a laptop and a phone; the
acuteness is told by a figure as well as by colour, in steps one tells apart; the time of the
last update is the region's own, with its zone named."""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import httpx
import pytest
from console_helpers import PASSWORD, add_user, signed_in
from playwright.sync_api import expect

from conftest import appeal, bearer, make_org, run_cli

# One server and store for the module (tests/conftest.py, `module_service`), as in
# test_console_board.py, and one region in it that all the stories look at (`region`).
pytestmark = [
    pytest.mark.shared_service(
        POS_RATE_LIMIT_KEY="0",
        POS_RATE_LIMIT_ADDRESS="0",
        POS_RATE_LIMIT_ORG="0",
        POS_CONSOLE_SIGNIN_ADDRESS="0",
    ),
    # Forty municipalities made once, then only looked at: the wall's rows a region counts on
    # PostgreSQL are test_console_board.py's (a row per district, the hotter busy topic).
    pytest.mark.same_on_every_engine(
        "the wall's fit, paging, contrast and type sizes; its rows are counted on PostgreSQL "
        "by test_console_board.py"
    ),
]

DISTRICTS = 39  # with the region's own row: forty rows
WALLS = ((1920, 1080), (3840, 2160), (1280, 800))

# What is cut off or sticks out on the open page: any shown element of the board whose content
# is wider or taller than its box (a clipped «Обращени…», a column off a table), leaving out
# the texts kept for screen readers only, which are 1 px boxes on purpose (and a table's rows,
# which a cell spanning two rows overhangs: the cells themselves are measured).
CLIPPED = """() => [...document.querySelectorAll('#board *:not(tr)')]
  .filter(e => !e.closest('.visually-hidden') && e.clientWidth > 0
    && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
  .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))"""

OFF_SCREEN = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => { const r = e.getBoundingClientRect();
    return r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight; })
  .map(e => e.textContent.trim())"""

# The page the wall says it shows and the first row on it, read at one moment.
SHOWING = """() => [document.getElementById('board-page').textContent,
  document.querySelector('tbody tr:not([hidden]) th').textContent]"""


def screenshot(tab, name: str, *, full_page: bool = False) -> None:
    """A picture of the page for a person to look at, when BOARD_SCREENSHOTS names a folder."""
    folder = os.environ.get("BOARD_SCREENSHOTS")
    if folder:
        tab.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


def violations(tab) -> list[str]:
    """What axe-core finds serious or critical on the open page (conftest.serious_violations),
    and landmarks without a name of their own, which axe calls moderate — in one run of axe."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in Axe().run(tab).response["violations"]
        if v["impact"] in ("serious", "critical") or v["id"].startswith(("landmark", "region"))
    ]


def luminance(css: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    a, b = sorted((luminance(one), luminance(other)))
    return (b + 0.05) / (a + 0.05)


@pytest.fixture(scope="module")
def region(browser, module_service):
    """A region in Novosibirsk's zone with 39 municipalities under it, some of its own appeals
    (hot and calm topics), and a Chromium tab signed in as the region's operator: made once for
    the module's stories, which only look."""
    db = module_service.db
    region = make_org(db, "oblast")
    run_cli(db, "org", "set", region.slug, "--timezone", "Asia/Novosibirsk")
    for n in range(1, DISTRICTS + 1):
        name = f"Муниципальный округ № {n}" if n % 3 else f"Городской округ город Новоград-{n}"
        run_cli(db, "org", "add", f"mo-{n}", "--name", name, "--parent", region.slug)
    for category, count in (("roads", 5), ("housing", 2), ("snow", 1)):
        for _ in range(count):
            answer = httpx.post(
                module_service.url + "/api/v1/appeals",
                json=appeal(category=category),
                headers=bearer(region.key),
            )
            assert answer.status_code == 201, answer.text
    operator = add_user(db, "governor@oblast.example.ru", region.slug)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="ru-RU")
    tab = context.new_page()
    tab.goto(module_service.url + "/console/signin?next=/console/board")
    tab.fill("#email", operator)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/console/board")
    yield tab, region, operator
    context.close()


def test_forty_municipalities_fit_the_wall_and_it_turns_its_pages(region, db, service):
    tab, own, _ = region
    for width, height in WALLS:
        tab.set_viewport_size({"width": width, "height": height})
        tab.goto(service.url + "/console/board/wall?every=1")
        pager = tab.locator("#board-page")
        expect(pager).to_have_text(re.compile(r"Стр\. 1 из \d+"))
        pages = int(pager.text_content().rsplit(" ", 1)[-1])
        assert pages >= 2  # forty rows do not fit one screen in type read across a room
        # Every topic column and the whole tension index is on the screen; nothing is cut off
        # and the page itself does not scroll either way.
        assert tab.locator("th.topic").count() == 12
        assert tab.evaluate(OFF_SCREEN, "th.topic, th.t-head, th.group, .legend") == []
        assert tab.evaluate(OFF_SCREEN, "tbody tr:not([hidden]) > *") == []
        assert tab.evaluate(CLIPPED) == []
        scroll = tab.evaluate(
            "[document.scrollingElement.scrollWidth - innerWidth,"
            " document.scrollingElement.scrollHeight - innerHeight]"
        )
        assert scroll[0] <= 0 and scroll[1] <= 0, f"{width}×{height} scrolls by {scroll}"
        # Type grows with the wall: a count is read across the room on both.
        count = tab.locator("td.cell .count").first
        size = count.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
        assert size >= height / 30
        screenshot(tab, f"wall-{width}x{height}")
        # By itself, without a reload, the wall shows the next rows and says so.
        before = tab.evaluate(SHOWING)
        tab.evaluate("window.__same_page = true")
        expect(pager).not_to_have_text(before[0], timeout=5000)
        after = tab.evaluate(SHOWING)
        number = int(before[0].split()[1])
        assert after[0] == f"Стр. {number % pages + 1} из {pages}"
        assert after[1] != before[1]
        assert tab.evaluate("window.__same_page") is True
        assert tab.evaluate(CLIPPED) == []
        shown = tab.locator("tbody tr:not([hidden])").count()
        assert 1 < shown < DISTRICTS + 1
    assert violations(tab) == []
    # The network drops: the wall says so on its top line, and its rows still fit below it.
    tab.context.set_offline(True)
    tab.evaluate("window.dispatchEvent(new Event('board-refresh'))")
    expect(tab.locator("#board-status")).to_contain_text("Связь потеряна", timeout=8000)
    assert tab.evaluate(CLIPPED) == []
    assert tab.evaluate(OFF_SCREEN, "tbody tr:not([hidden]) > *, .legend") == []
    tab.context.set_offline(False)
    # The region's own row: the busy topic is hotter, and the step is written in the cell.
    roads = tab.locator(f'td[data-row="{own.slug}"][data-category="roads"]')
    level = int(re.search(r"heat-(\d)", roads.get_attribute("class")).group(1))
    assert level > 0 and roads.locator(".level").text_content() == str(level)


def test_the_board_fits_a_laptop_and_a_phone_without_sideways_scrolling(region, db, service):
    tab, _, _ = region
    for width, height in ((1280, 800), (375, 812)):
        tab.set_viewport_size({"width": width, "height": height})
        tab.goto(service.url + "/console/board")
        wide = tab.evaluate("document.scrollingElement.scrollWidth - innerWidth")
        assert wide <= 0, f"the board scrolls sideways at {width} px by {wide} px"
        # The tables fit their boxes: no column hides behind a scroll bar.
        boxes = tab.evaluate(
            "[...document.querySelectorAll('.table-wrap')].map(e => e.scrollWidth - e.clientWidth)"
        )
        assert boxes and max(boxes) <= 0, boxes
        assert tab.evaluate(CLIPPED) == []
        screenshot(tab, f"board-{width}x{height}", full_page=True)
        assert violations(tab) == [], width


def test_acuteness_steps_differ_in_lightness_and_carry_a_figure(region, db, service):
    tab, own, operator = region
    tab.goto(service.url + "/console/board")
    swatches = tab.locator(".legend .swatch")
    colours = swatches.evaluate_all(
        "nodes => nodes.map(n => [getComputedStyle(n).backgroundColor, getComputedStyle(n).color,"
        " n.textContent])"
    )
    assert [figure for _, _, figure in colours] == ["0", "1", "2", "3", "4", "5"]
    for fill, text, _ in colours:
        assert contrast(fill, text) >= 4.5, fill
    for (fill, _, _), (following, _, _) in itertools.pairwise(colours):
        assert contrast(fill, following) >= 1.3, (fill, following)
    # A focused cell is ringed dark and light: one of them stands out on every fill.
    tab.locator("td.cell a").first.focus()
    ring = tab.locator("td.cell a").first.evaluate(
        "n => [getComputedStyle(n).outlineColor, getComputedStyle(n).boxShadow]"
    )
    for fill, _, _ in colours:
        outline = ring[0]
        inner = re.search(r"rgb\([^)]*\)", ring[1]).group(0)
        assert max(contrast(fill, outline), contrast(fill, inner)) >= 3, fill
    # The time of the last update is the region's own, its zone named (Novosibirsk: UTC+7).
    expect(tab.locator("#board-updated")).to_contain_text("(UTC+7, Asia/Novosibirsk)")
    with signed_in(service.url, operator) as console:
        data = console.get("/console/board.json").json()
    assert data["generated_text"].endswith("(UTC+7, Asia/Novosibirsk)")
    assert [c["short"] for c in data["categories"]] == [str(n) for n in range(1, 13)]
    assert own.slug in {row["org"] for row in data["rows"]}


# The size a chart's label is drawn at on the screen: its font size in the drawing's units
# times the drawing's scale (the SVG shrinks with the page).
LABEL_PX = """() => [...document.querySelectorAll('svg.chart text')].map(
  e => e.getScreenCTM().a * parseFloat(getComputedStyle(e).fontSize))"""


def test_chart_labels_are_read_on_a_laptop_and_a_phone(region, db, service):
    tab, _, _ = region
    for width, height in ((1280, 800), (375, 812)):
        tab.set_viewport_size({"width": width, "height": height})
        tab.goto(service.url + "/console/stats")
        sizes = tab.evaluate(LABEL_PX)
        screenshot(tab, f"stats-{width}x{height}")
        assert sizes and min(sizes) >= 11, f"chart labels of {min(sizes):.1f} px at {width} px"
        # forty organisations' names in the filter do not widen the page either
        wide = tab.evaluate("document.scrollingElement.scrollWidth - innerWidth")
        assert wide <= 0, f"statistics scroll sideways at {width} px by {wide} px"


def test_an_organisations_own_topics_still_fit_the_wall(browser, db, service):
    """Ten topics of an organisation's own besides the twelve: the wall's type gives way."""
    okrug = make_org(db, "okrug")
    for n in range(1, 11):
        run_cli(db, "org", "category", okrug.slug, f"own{n}", "--title-ru", f"Своя тема {n}")
    operator = add_user(db, "duty@okrug.example.ru", okrug.slug)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    try:
        tab = context.new_page()
        tab.goto(service.url + "/console/signin?next=/console/board/wall")
        tab.fill("#email", operator)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/console/board/wall")
        assert tab.locator("th.topic").count() == 22
        assert tab.evaluate(OFF_SCREEN, "th.topic, th.t-head, tbody tr > *, .legend") == []
        assert tab.evaluate(CLIPPED) == []
        screenshot(tab, "wall-22-topics-1280x800")
    finally:
        context.close()
