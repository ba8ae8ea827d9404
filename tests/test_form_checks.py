"""The form's submission, checked in the order a citizen needs: refusals of strangers cost the
organisation nothing, field errors come before the robot check, the answer speaks the form's
language, a body too large is cut off as it arrives, and a form files once — on the node that
served it."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time

import httpx
import pytest
from playwright.sync_api import expect

from conftest import A_PERSON_WRITES, Service, events, form_fields, form_token, make_org, run_async

DEMO_ORIGIN = "https://demo.example.ru"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def token_of(service: Service, org: str = "demo") -> str:
    return form_token(service.url, DEMO_ORIGIN, org)


def post(service: Service, data: dict[str, str], *, headers=None, files=None, query: str = ""):
    sent = {"Origin": service.url, "Accept": "application/json", **(headers or {})}
    return httpx.post(
        f"{service.url}/w/demo/appeals{query}", data=data, files=files, headers=sent, timeout=10
    )


def rejections(service: Service) -> list[dict]:
    return [e for e in events(service.db) if e["type"] == "rejected"]


@pytest.mark.service_env(POS_RATE_LIMIT_ORG="3", POS_FORM_MIN_SECONDS="0")
def test_refused_posts_of_a_stranger_do_not_spend_the_organisations_budget(service, org):
    token = token_of(service)
    for _ in range(10):  # tokenless, cross-origin, or both: each is refused on its own merits
        assert post(service, {"text": "spam"}).status_code == 400
        assert (
            post(
                service, form_fields(token), headers={"Origin": "https://evil.example"}
            ).status_code
            == 403
        )
    replayed = token_of(service)
    assert post(service, form_fields(replayed)).status_code == 201
    for _ in range(5):  # one real token sent again and again is refused before the budget too
        assert post(service, form_fields(replayed)).status_code == 400

    citizen = post(service, form_fields(token_of(service)))
    assert citizen.status_code == 201, citizen.text
    reasons = {e["reason"] for e in rejections(service)}
    assert "rate-limited org" not in reasons
    assert {"token-missing", "token-replayed"} <= reasons


@pytest.mark.service_env(
    POS_RATE_LIMIT_SENDER="3", POS_RATE_LIMIT_ORG="8", POS_FORM_MIN_SECONDS="0"
)
def test_a_few_addresses_filing_real_appeals_cannot_spend_the_organisations_budget(service, org):
    # two attackers behind the trusted local proxy file valid appeals as fast as they can
    def file_from(address: str) -> int:
        headers = {"X-Forwarded-For": address}
        return post(service, form_fields(token_of(service)), headers=headers).status_code

    for attacker in ("198.51.100.1", "2001:db8:1:2::1"):
        assert [file_from(attacker) for _ in range(3)] == [201] * 3
        assert file_from(attacker) == 429
    assert file_from("2001:db8:1:2::beef") == 429  # the same /64 is the same sender
    # the organisation's budget is not spent: citizens elsewhere still file
    assert file_from("203.0.113.9") == 201
    assert file_from("203.0.113.10") == 201
    reasons = [e["reason"] for e in rejections(service)]
    assert reasons.count("rate-limited sender") == 3 and "rate-limited org" not in reasons


@pytest.mark.service_env(POS_FORM_MIN_SECONDS="30")
def test_an_empty_form_sent_at_once_names_the_fields_to_fill_before_the_robot_check(service, org):
    empty = post(service, {"token": token_of(service), "kind": "message"})
    assert empty.status_code == 422
    problem = empty.json()
    assert problem["type"].endswith("/validation")
    assert {"category", "text", "consent"} <= {e["field"] for e in problem["errors"]}

    bad_photo = post(
        service,
        form_fields(token_of(service)),
        files=[("photos", ("cat.png", b"<?php evil(); ?>", "image/png"))],
    )
    assert bad_photo.status_code == 422
    assert bad_photo.json()["errors"][0]["code"] == "photo-type"

    # the same form filled in correctly but just as fast is still a robot's
    fast = post(service, form_fields(token_of(service)))
    assert fast.status_code == 422
    assert fast.json()["type"].endswith("/spam")
    assert rejections(service)[-1]["reason"] == "too-fast"


@pytest.mark.service_env(POS_FORM_MIN_SECONDS="0")
def test_a_russian_form_answers_in_russian_whatever_the_browser_prefers(service, org):
    english_browser = {"Accept-Language": "en-GB,en;q=0.9"}
    trapped = post(
        service,
        form_fields(token_of(service), website="http://spam.example"),
        headers=english_browser,
        query="?lang=ru",
    )
    assert trapped.status_code == 422
    assert trapped.json()["detail"] == "Форма заполнена автоматически."
    assert trapped.headers["content-language"] == "ru"

    invalid = post(
        service, form_fields(token_of(service), text="x"), headers=english_browser, query="?lang=ru"
    )
    assert invalid.json()["title"] == "Обращение заполнено с ошибками"
    assert invalid.json()["errors"][0]["detail"] == "Не короче 10 символов."

    english_form = post(service, {"token": "x"}, query="?lang=en")  # the form's choice, again
    assert english_form.json()["title"] == "The form is not valid"


def test_a_chunked_form_body_past_the_limit_is_refused_as_it_arrives(service, org):
    """No Content-Length to refuse up front: the service counts the bytes and answers 413 once
    they pass the limit, while the client is still sending — it does not read 64 MB first."""
    total = 64 * 1024 * 1024
    answer, sent = run_async(_send_chunked_until_answered(service, total))
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"application/problem+json" in answer
    assert sent < total
    assert httpx.get(service.url + "/healthz", timeout=5).status_code == 200
    assert rejections(service)[-1]["reason"] == "payload-too-large"


async def _send_chunked_until_answered(service: Service, total: int) -> tuple[bytes, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    boundary = "pos-intake-test"
    writer.write(
        (
            "POST /w/demo/appeals HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{service.port}\r\n"
            f"Origin: {service.url}\r\n"
            "Accept: application/json\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
    )
    part = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="photos"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    writer.write(b"%x\r\n%s\r\n" % (len(part), part))
    answer = asyncio.ensure_future(reader.read(65536))
    chunk, sent = b"\0" * 65536, 0
    while sent < total and not answer.done():
        writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        drained = asyncio.ensure_future(writer.drain())
        await asyncio.wait([drained, answer], return_when=asyncio.FIRST_COMPLETED)
        if not drained.done():
            drained.cancel()
        elif drained.exception() is not None:  # the service closed the connection
            break
        sent += len(chunk)
    if not answer.done():  # all sent and not refused: end the body and see what it says
        end = f"\r\n--{boundary}--\r\n".encode()
        writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(end), end))
    received = await asyncio.wait_for(answer, 60)
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
    return received, sent


def test_a_form_files_once_and_only_on_the_node_that_served_it(tmp_path):
    """Nodes share the signing key but each has its own database and its own spent nonces."""
    shared = {"POS_SECRET_KEY": "one-key-for-every-node-" + "x" * 20, "POS_FORM_MIN_SECONDS": "0"}
    nodes = []
    for name in ("a", "b"):
        db = tmp_path / f"{name}.db"
        make_org(db, "demo", DEMO_ORIGIN)
        nodes.append(Service(db, env=shared).start())
    a, b = nodes
    try:
        token = token_of(a)
        elsewhere = post(b, form_fields(token))
        assert elsewhere.status_code == 400
        assert "другом сервере" in elsewhere.json()["detail"]
        assert rejections(b)[-1]["reason"] == "token-other-node"

        assert post(a, form_fields(token)).status_code == 201
        again = post(a, form_fields(token))
        assert again.status_code == 400
        assert rejections(a)[-1]["reason"] == "token-replayed"
        assert post(b, form_fields(token_of(b))).status_code == 201  # B's own forms file on B
    finally:
        for node in nodes:
            node.stop()


def test_the_form_page_posts_with_its_own_origin_so_browsers_without_sec_fetch_can_file(
    browser, demo_site
):
    """Safari before 16.4 sends no Sec-Fetch-* headers, so a form POST is known to be ours only
    by its Origin — which a browser sends (instead of `null`) only because the form page allows
    a same-origin referrer. The page's own form (no JavaScript: a plain navigation) shows it."""
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(f"{demo_site.service}/w/demo/form")
        page.get_by_role("combobox", name="Тема").select_option("roads")
        page.get_by_label("Опишите проблему").fill("Яма на дороге у дома 7, глубокая.")
        page.get_by_label("Ваше имя *", exact=True).fill("Пётр")
        page.get_by_label("E-mail", exact=True).fill("petr@example.ru")
        page.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
        page.wait_for_timeout(A_PERSON_WRITES * 1000)  # the demo's minimum fill time
        with page.expect_request(lambda r: r.method == "POST") as sent:
            page.get_by_role("button", name="Отправить").click()
        expect(page.get_by_role("status")).to_contain_text("Обращение принято")
        assert sent.value.header_value("origin") == demo_site.service
    finally:
        context.close()


def test_without_sec_fetch_headers_only_our_own_origin_may_post(demo_site):
    form = httpx.get(f"{demo_site.service}/w/demo/form", timeout=5)
    assert form.headers["referrer-policy"] == "same-origin"
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    time.sleep(A_PERSON_WRITES)  # the demo's minimum fill time
    url = f"{demo_site.service}/w/demo/appeals"
    hidden = httpx.post(
        url, data=form_fields(token), headers={"Origin": "null", "Accept": "application/json"}
    )
    assert hidden.status_code == 403  # a sandboxed frame or a data: URL says null
    ours = httpx.post(
        url,
        data=form_fields(token),
        headers={"Origin": demo_site.service, "Accept": "application/json"},
    )
    assert ours.status_code == 201, ours.text
    tracking = httpx.get(ours.json()["tracking_url"], headers={"Accept": "text/html"}, timeout=5)
    assert tracking.headers["referrer-policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in tracking.text
    assert '<meta name="referrer" content="same-origin">' in form.text
