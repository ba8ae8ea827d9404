"""axe-core finds no serious or critical problem on the badge, the form, the success screen,
the tracking page and the API's page for developers."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from conftest import A_PERSON_WRITES, run_cli, serious_violations


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU")
    yield context.new_page()
    context.close()


def test_badge_on_a_host_page(page, demo_site):
    page.goto(demo_site.examples + "/plain.html")
    expect(page.get_by_role("link", name="Обратная связь · Госуслуги")).to_be_visible()
    assert serious_violations(page) == []


def send_filled_form(page, contact: tuple[str, str]) -> None:
    """Fill the open form as a citizen would (contact = field id and value) and send it, after
    the minimum time a person takes to type."""
    page.locator("#category").select_option("roads")
    page.locator("#text").fill("Яма на дороге у дома 7, глубокая.")
    page.locator("#name").fill("Пётр")
    page.locator(f"#{contact[0]}").fill(contact[1])
    page.locator("#consent").check()
    time.sleep(A_PERSON_WRITES)
    page.locator("#send").click()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_form_and_success_screen(page, demo_site, lang):
    page.goto(f"{demo_site.service}/w/demo/form?lang={lang}")
    assert serious_violations(page) == []

    send_filled_form(page, ("email", "petr@example.ru"))
    expect(page.locator("#success-number")).to_have_text(re.compile(r"DEMO-"))
    assert serious_violations(page) == []


def test_form_with_errors_shown(page, demo_site):
    page.goto(f"{demo_site.service}/w/demo/form")
    time.sleep(A_PERSON_WRITES)
    page.locator("#send").click()
    expect(page.locator("#summary")).to_be_visible()
    assert serious_violations(page) == []


def test_tracking_page(page, demo_site):
    page.goto(f"{demo_site.service}/w/demo/form")
    send_filled_form(page, ("phone", "+79000000000"))
    link = page.locator("#success-link")
    expect(link).to_have_attribute("href", re.compile("/s/"))
    page.goto(link.get_attribute("href"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("DEMO-")
    assert serious_violations(page) == []


def test_front_page(page, demo_site):
    page.goto(demo_site.service + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Платформа обратной связи")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Открыть").click()  # nothing pasted: the error is shown
    expect(page.get_by_role("alert")).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_api_docs_for_developers(browser, demo_site, lang):
    """/docs on a desktop and on a phone: no serious problem, nothing scrolls sideways. The
    English page has the same layout and longer-word Russian is the narrower test, so English
    is checked on the desktop only (the page is the heaviest axe run of the suite)."""
    sizes = [{"width": 1280, "height": 800}, {"width": 375, "height": 740}]
    for viewport in sizes if lang == "ru" else sizes[:1]:
        context = browser.new_context(locale="ru-RU", viewport=viewport)
        page = context.new_page()
        page.goto(f"{demo_site.service}/docs?lang={lang}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert serious_violations(page) == []
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        context.close()
        assert not wide, viewport


def test_page_for_a_site_that_may_not_show_the_form(page, demo_site):
    run_cli(
        demo_site.db, "org", "add", "a11y-closed", "--name", "Закрытая", "--origin", "https://x.ru"
    )
    run_cli(demo_site.db, "org", "set", "a11y-closed", "--phone", "+7 900 000-00-00")
    page.goto(f"{demo_site.service}/w/a11y-closed/form?origin={demo_site.examples}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Форма недоступна на этом сайте")
    assert serious_violations(page) == []


def test_round_badge_on_a_phone(browser, demo_site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(demo_site.examples + "/plain.html")
        expect(page.get_by_role("link", name="Обратная связь · Госуслуги")).to_be_visible()
        assert serious_violations(page) == []
    finally:
        context.close()


# The floating badge's link, from inside its shadow root.
LINK = "document.querySelector('pos-intake-badge[popover]').shadowRoot.querySelector('a')"


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]
)
def test_the_floating_badge_is_a_named_landmark_that_says_it_opens_a_dialog(
    browser, demo_site, viewport
):
    context = browser.new_context(viewport=viewport, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(demo_site.examples + "/long.html")
        landmark = page.get_by_role("complementary", name="Обратная связь · Госуслуги")
        link = landmark.get_by_role("link", name="Обратная связь · Госуслуги")
        expect(link).to_have_attribute("aria-haspopup", "dialog")
        assert serious_violations(page) == []
        # at the end of the page (on a phone the badge is then a tab at the edge)
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_function("() => window.scrollY > 0")
        assert serious_violations(page) == []
        link.click()
        expect(page.get_by_role("dialog", name="Обратная связь — Госуслуги")).to_be_visible()
    finally:
        context.close()


def test_an_english_badge_on_a_russian_page_speaks_english(page, demo_site):
    page.goto(demo_site.examples + "/index.html")  # a Russian page without a snippet: add one
    page.evaluate(
        """src => {
            const s = Object.assign(document.createElement('script'), {src});
            s.dataset.org = 'demo';
            s.dataset.lang = 'en';
            document.body.append(s);
        }""",
        demo_site.service + "/embed.js",
    )
    landmark = page.get_by_role("complementary", name="Feedback · Gosuslugi")
    link = landmark.get_by_role("link", name="Feedback · Gosuslugi")
    expect(link).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "ru"
    # the language a screen reader reads the badge in: the nearest lang, inside its shadow root
    assert page.evaluate(f"{LINK}.closest('[lang]').lang") == "en"
    assert page.evaluate(f"{LINK}.closest('aside').lang") == "en"
    link.click()
    dialog = page.get_by_role("dialog", name="Feedback — Gosuslugi")
    expect(dialog).to_have_attribute("lang", "en")
    expect(dialog.get_by_role("button", name="Close")).to_be_visible()
    assert serious_violations(page) == []


def test_an_inline_english_badge_says_its_language_and_its_dialog(page, demo_site):
    page.goto(demo_site.examples + "/inline.html")
    english = page.get_by_role("link", name="Feedback · Gosuslugi")
    expect(english).to_have_attribute("lang", "en")
    expect(english).to_have_attribute("aria-haspopup", "dialog")
    expect(page.get_by_role("link", name="Обратная связь · Госуслуги").first).to_have_attribute(
        "lang", "ru"
    )
    # inline badges stand in the page's own text: no landmark of their own
    expect(page.get_by_role("complementary", name="Feedback · Gosuslugi")).to_have_count(0)
    english.click()
    expect(page.get_by_role("dialog", name="Feedback — Gosuslugi")).to_have_attribute("lang", "en")
    assert serious_violations(page) == []
