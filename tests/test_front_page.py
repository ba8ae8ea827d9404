"""The service's address alone (`/`) tells a visitor what this service is, where its API is
described, and lets a citizen who holds a tracking link open it — by the link, never by the
number alone."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from conftest import appeal, bearer, events

# One server and store for the module (tests/conftest.py, `module_service`), without rate
# limits: each story reads only the appeal it filed and the refusals its own requests caused.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0", POS_RATE_LIMIT_ORG="0"
)


def rejections(db) -> list[dict]:
    return [e for e in events(db) if e["type"] == "rejected"]


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU")
    yield context.new_page()
    context.close()


def test_front_page_says_what_the_service_is_in_russian_and_english(service):
    ru = httpx.get(service.url + "/", timeout=5)
    assert ru.status_code == 200 and ru.headers["content-type"].startswith("text/html")
    assert "Платформа обратной связи" in ru.text and "Приём обращений" in ru.text
    assert 'href="/openapi.json"' in ru.text
    policy = ru.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "<script" not in ru.text

    en = httpx.get(service.url + "/", headers={"Accept-Language": "en-GB,en;q=0.9"}, timeout=5)
    assert "Feedback platform" in en.text and 'lang="en"' in en.text
    assert "Feedback platform" in httpx.get(service.url + "/?lang=en", timeout=5).text


def test_citizen_pastes_a_tracking_link_and_gets_to_the_appeal(page, service, org):
    created = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=5
    ).json()

    page.goto(service.url + "/")
    page.get_by_label("Ссылка для отслеживания").fill(created["tracking_url"])
    page.get_by_role("button", name="Открыть").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Обращение {created['number']}")
    assert page.url == created["tracking_url"]


@pytest.mark.parametrize("pasted", ["number", "forged", "elsewhere"])
def test_a_number_or_a_broken_link_is_refused_with_a_message(page, service, org, pasted):
    created = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=5
    ).json()
    value = {
        "number": created["number"],
        "forged": created["tracking_url"][:-4] + "abcd",
        "elsewhere": "https://evil.example.com/phish",
    }[pasted]
    refused_before = len(rejections(service.db))

    page.goto(service.url + "/")
    page.get_by_label("Ссылка для отслеживания").fill(value)
    page.get_by_role("button", name="Открыть").click()
    expect(page.get_by_role("alert")).to_contain_text("Это не ссылка для отслеживания")
    expect(page.get_by_label("Ссылка для отслеживания")).to_have_value(value)
    assert page.url.startswith(service.url + "/")
    assert re.search(r"/track", page.url)
    added = rejections(service.db)[refused_before:]
    assert [e["reason"] for e in added] == ["tracking-unknown"]


def test_a_chunked_body_to_the_lookup_is_cut_off_at_its_limit(service):
    # no Content-Length: the body is counted as it arrives and refused past 8 KB
    def body():
        yield b"link="
        for _ in range(64):
            yield b"a" * 65536

    request_id = f"lookup-{uuid.uuid4().hex}"
    answer = httpx.post(
        service.url + "/track",
        content=body(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "text/html",
            "X-Request-ID": request_id,
        },
        timeout=10,
    )
    assert answer.status_code == 413
    [refused] = [e for e in rejections(service.db) if e["request_id"] == request_id]
    assert refused["reason"] == "payload-too-large"
