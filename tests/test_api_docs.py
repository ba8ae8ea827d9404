"""/docs, the API reference, as a person reads it: in one language a page — Russian unless they
ask for English (`?lang=en`, or a browser set to English), with a link to the other — every
operation in the table of contents, the schemas folded away, and nothing the page shows taken
for markup. (That its examples are true: test_api_examples.py.)"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from conftest import Service, make_org

CYRILLIC = re.compile("[А-Яа-яЁё]")
LETTERS = re.compile("[A-Za-zА-Яа-яЁё]")
# What a person reads as sentences and headings, with the code, the commands and the
# example answers (data, not words of the page) and the way to the other language left out.
PROSE = """() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('code, pre, .lang-switch').forEach(e => e.remove());
  return [...main.querySelectorAll('h1, h2, h3, h4, p, li, dt, dd, summary, figcaption')]
    .map(e => e.textContent.replace(/\\s+/g, ' ').trim());
}"""
# The whole page but the examples' data and the way to the other language.
PAGE_TEXT = """() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('pre.example-request, pre.example-answer, .lang-switch')
    .forEach(e => e.remove());
  return document.title + ' ' + main.textContent;
}"""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    db = tmp_path_factory.mktemp("docs") / "pos-intake.db"
    make_org(db, "demo", "https://demo.example.ru")
    running = Service(db).start()
    yield running
    running.stop()


def _sentences(document: object) -> set[str]:
    """Every summary and description in a part of /openapi.json (English, as it is built),
    but an answer's headers' (`Retry-After`: its answer's description says it already)."""
    found: set[str] = set()
    if isinstance(document, dict):
        for key, value in document.items():
            if key in ("summary", "description") and isinstance(value, str):
                found.add(value)
            elif key not in ("examples", "example", "headers"):
                found |= _sentences(value)
    elif isinstance(document, list):
        for value in document:
            found |= _sentences(value)
    return found


def _open(browser, url: str, locale: str) -> tuple[object, object]:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url)
    return context, page


def test_a_russian_reader_reads_russian_and_an_english_one_english(browser, service):
    context, page = _open(browser, f"{service.url}/docs", "ru-RU")
    try:
        assert page.locator("html").get_attribute("lang") == "ru"
        headings = page.locator("h1, h2").all_inner_texts()
        assert headings and all(CYRILLIC.search(h) for h in headings), headings
        english = [t for t in page.evaluate(PROSE) if LETTERS.search(t) and not CYRILLIC.search(t)]
        assert english == []
        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert CYRILLIC.findall(page.evaluate(PAGE_TEXT)) == []
        expect(page.get_by_role("link", name="Русский")).to_have_attribute("href", "/docs?lang=ru")
    finally:
        context.close()
    # a browser set to English gets English without asking
    context, page = _open(browser, f"{service.url}/docs", "en-US")
    try:
        expect(page.get_by_role("heading", level=1)).to_contain_text("API reference")
        assert CYRILLIC.findall(page.evaluate(PAGE_TEXT)) == []
    finally:
        context.close()


def test_no_sentence_of_the_document_is_left_in_english_on_the_russian_page(service):
    """Not in a heading, nor in a folded schema: a sentence changed in /openapi.json and not
    translated in the catalogue (i18n/api_docs*.py) shows here."""
    document = httpx.get(f"{service.url}/openapi.json").json()
    sentences = _sentences([document["paths"], document["components"]["schemas"]])
    sentences = {s.replace("`", "") for s in sentences}  # `code` is marked up on the page
    page = _text(httpx.get(f"{service.url}/docs").text)
    # (a word or two may stay as it is: "JavaScript." is in "Скрипт на JavaScript.")
    assert sorted(s for s in sentences if s in page and len(s.split()) > 2) == []
    english = _text(httpx.get(f"{service.url}/docs?lang=en").text)
    assert sorted(s for s in sentences if s not in english) == []


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", page))


def test_every_operation_is_in_the_contents_and_the_schemas_are_folded(browser, service):
    document = httpx.get(f"{service.url}/openapi.json").json()
    context, page = _open(browser, f"{service.url}/docs?lang=en", "en-US")
    try:
        listed = page.locator("nav.toc li > a > code").all_inner_texts()
        documented = [f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item]
        assert sorted(listed) == sorted(documented)
        targets = page.evaluate(
            "[...document.querySelectorAll('a[href^=\"#\"]')]"
            ".filter(a => !document.getElementById(a.getAttribute('href').slice(1)))"
            ".map(a => a.getAttribute('href'))"
        )
        assert targets == []
        # a schema is read only when opened; what shows is the examples
        assert page.locator("details[open]").count() == 0
        for name in document["components"]["schemas"]:
            expect(page.locator(f"#schema-{name} pre")).to_be_hidden()
        shown = page.locator("pre:visible")
        assert shown.count() == 2 * len(documented)
        assert shown.evaluate_all(
            "ps => ps.every(p => p.matches('.example-request, .example-answer'))"
        )
        page.locator("#schema-Status > summary").click()
        expect(page.locator("#schema-Status pre")).to_be_visible()
    finally:
        context.close()


def test_what_the_page_shows_is_text_not_markup(service):
    """A description's <errors> example, and an address the request names, are shown as they
    are: escaped, never taken for the page's own markup."""
    page = httpx.get(f"{service.url}/docs?lang=en").text
    assert "&lt;errors&gt;&lt;error&gt;&lt;code/&gt;" in page and "<errors>" not in page
    assert "<code>Content-Type: application/json</code>" in page  # `code` in a sentence
    forged = httpx.get(f"{service.url}/docs", headers={"Host": "a&b.example"}).text
    assert "http://a&amp;b.example/api/v1/appeals" in forged
    assert "a&b.example" not in forged
