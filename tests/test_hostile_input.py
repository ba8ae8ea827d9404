"""An outsider with a key (Open311 keys are meant for app developers) or a tracking link sends
what no citizen would: every field far past its limit, shaped to make a pattern backtrack, JSON
nested thousands deep, integers of thousands of digits, form fields of a megabyte. Each is refused
as the client's error, and meanwhile the service keeps answering everybody else: the event loop is
never held (the service's own watch, `pos_event_loop_held_total` in /metrics, counts each time
its thread computed for more than 100 ms at a stretch)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from intake_service.appeal_input import ADDRESS_MAX, NAME_MAX, TEXT_MAX, URL_MAX

from conftest import appeal, bearer, form_fields, form_token

ORIGIN = "https://demo.example.ru"
BODY_ROOM = 60_000  # what still fits in the default 64 KiB body beside the other fields
# Generous limits for the story: the attacker's requests are refused by the checks, not the limiter
OPEN_LIMITS = {"POS_RATE_LIMIT_ADDRESS": "100000", "POS_RATE_LIMIT_KEY": "100000"}
# One server and store for the module (tests/conftest.py, `module_service`): a story stores at
# most an appeal of its own, and reads the loop's watch as a difference over its own requests.
pytestmark = pytest.mark.shared_service(**OPEN_LIMITS)


def hostile(limit: int, shape: Callable[[int], str]) -> list[str]:
    """The value at 100 times its limit (refused by its size) and as long as a body can carry
    (refused by the field's own check), both shaped to hurt a backtracking pattern."""
    return [shape(limit * 100), shape(min(limit * 100, BODY_ROOM))]


def url_shape(n: int) -> str:
    # the former pattern split the host-and-path run two ways at each character, then failed
    return "https://" + "a" * (n - 12) + " b/c"


def email_shape(n: int) -> str:
    return "a" * 64 + "@" + "a." * ((n - 70) // 2) + "1"


def text_shape(n: int) -> str:
    return ("Фонарь не горит. " * (n // 17 + 1))[:n]


JSON_FIELDS: dict[str, tuple[int, Callable[[int], str]]] = {
    "text": (TEXT_MAX, text_shape),
    "address": (ADDRESS_MAX, text_shape),
    "category": (40, lambda n: "a" * n),
    "page_url": (URL_MAX, url_shape),
    "media_url": (URL_MAX, url_shape),
    "contact.name": (NAME_MAX, text_shape),
    "contact.email": (254, email_shape),
    "contact.phone": (32, lambda n: "+" + "1 " * (n // 2)),
}


def json_body(field: str, value: str) -> dict:
    if field.startswith("contact."):
        return appeal(contact={"name": "Иван Петров", field.removeprefix("contact."): value})
    return appeal(**{field: value})


def loop_held(service) -> int:
    metrics = httpx.get(service.url + "/metrics", timeout=5).text
    return int(re.search(r"^pos_event_loop_held_total (\d+)$", metrics, re.M).group(1))


# The slowest /healthz answer a hostile request may cause. The holds this guards against lasted
# 3.6 to 26.7 s; a quarter of a second leaves room for a 2-core machine running three workers
# (0.13 s was seen there with no hold at all).
HELD_AT_MOST = 0.25


def refused_while_healthz_answers(send: Callable[[], httpx.Response], service) -> float:
    """Send one hostile request and, while it is in flight, ask /healthz; the slowest /healthz
    answer, in seconds. Three tries: a noisy machine may delay one probe, a held loop all."""
    slowest = float("inf")
    with httpx.Client(base_url=service.url, timeout=60) as probe:
        assert probe.get("/healthz").status_code == 200  # the connection made before timing
        for _ in range(3):
            with ThreadPoolExecutor(1) as pool:
                sent = pool.submit(send)
                times = []
                while not sent.done() or not times:
                    start = time.perf_counter()
                    assert probe.get("/healthz").status_code == 200
                    times.append(time.perf_counter() - start)
                answer = sent.result()
            assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
            slowest = min(slowest, max(times))
            if slowest < HELD_AT_MOST:
                break
    return slowest


def test_every_api_field_past_its_limit_is_refused_and_healthz_keeps_answering(service, org):
    held_before = loop_held(service)
    for field, (limit, shape) in JSON_FIELDS.items():
        for value in hostile(limit, shape):

            def send(value: str = value, field: str = field) -> httpx.Response:
                return httpx.post(
                    service.url + "/api/v1/appeals",
                    json=json_body(field, value),
                    headers=bearer(org.key),
                    timeout=60,
                )

            slowest = refused_while_healthz_answers(send, service)
            assert slowest < HELD_AT_MOST, (
                f"{field} at {len(value)} characters held /healthz {slowest:.2f} s"
            )
            answer = send()
            if answer.status_code == 422:  # within the body: the field itself is named
                problem = answer.json()
                assert field in {e["field"] for e in problem["errors"]}, problem
            else:
                assert answer.status_code == 413
    assert loop_held(service) == held_before


def test_every_open311_parameter_past_its_limit_is_refused_and_healthz_keeps_answering(
    service, org
):
    parameters = {
        "description": (TEXT_MAX, text_shape),
        "address_string": (ADDRESS_MAX, text_shape),
        "media_url": (URL_MAX, url_shape),
        "first_name": (NAME_MAX, text_shape),
        "email": (254, email_shape),
        "phone": (32, lambda n: "+" + "1 " * (n // 2)),
        "lat": (40, lambda n: "5" * n),
    }
    held_before = loop_held(service)
    for name, (limit, shape) in parameters.items():
        for value in hostile(limit, shape):
            data = {
                "api_key": org.key,
                "service_code": "street_lighting",
                "description": "Не горит фонарь у дома 5 по улице Ленина.",
                "lat": "58.3265",
                "long": "44.7652",
                "email": "ivan@example.ru",
                name: value,
            }

            def send(data: dict = data) -> httpx.Response:
                return httpx.post(service.url + "/open311/v2/requests.json", data=data, timeout=60)

            slowest = refused_while_healthz_answers(send, service)
            assert slowest < HELD_AT_MOST, (
                f"{name} at {len(value)} characters held /healthz {slowest:.2f} s"
            )
    assert loop_held(service) == held_before


def test_every_form_field_past_its_limit_is_refused_in_words_and_healthz_keeps_answering(
    service, org
):
    fields = {
        "text": (TEXT_MAX, text_shape),
        "address": (ADDRESS_MAX, text_shape),
        "name": (NAME_MAX, text_shape),
        "email": (254, email_shape),
        "phone": (32, lambda n: "+" + "1 " * (n // 2)),
    }
    held_before = loop_held(service)
    for name, (limit, shape) in fields.items():
        for value in hostile(limit, shape):
            token = form_token(service.url, ORIGIN)

            def send(token: str = token, name: str = name, value: str = value) -> httpx.Response:
                return httpx.post(
                    f"{service.url}/w/demo/appeals",
                    data=form_fields(token, **{name: value}),
                    headers={"Origin": service.url, "Accept": "text/html"},
                    timeout=60,
                )

            slowest = refused_while_healthz_answers(send, service)
            assert slowest < HELD_AT_MOST, (
                f"{name} at {len(value)} characters held /healthz {slowest:.2f} s"
            )
    assert loop_held(service) == held_before


def test_bodies_no_parser_can_take_are_the_clients_error_not_the_services(service, org):
    created = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=10
    )
    assert created.status_code == 201
    token = created.json()["tracking_url"].rsplit("/", 1)[1]
    held_before = loop_held(service)
    deep = "[" * 30_000 + "]" * 30_000  # within the body limit, past the parser's stack
    nested_object = '{"a":' * 8_000 + "1" + "}" * 8_000
    shallow_but_deep = "[" * 100 + "]" * 100  # parses, but deeper than any document we take
    huge_integer = '{"rating": ' + "9" * 5000 + "}"
    for path, headers in (
        (f"/api/v1/status/{token}/verdict", {}),
        ("/api/v1/appeals", bearer(org.key)),
        ("/api/v1/queue/ack", bearer(org.key)),
    ):
        for body in (deep, nested_object, shallow_but_deep, huge_integer):
            answer = httpx.post(
                service.url + path,
                content=body.encode(),
                headers={**headers, "Content-Type": "application/json"},
                timeout=30,
            )
            assert answer.status_code == 400, (path, body[:20], answer.status_code, answer.text)
            assert answer.json()["type"].endswith("/bad-json"), answer.text
    # a form field past the parser's part size on the tracking page's own form
    answer = httpx.post(
        f"{service.url}/s/{token}/verdict",
        data={"rating": "2", "comment": "я" * 1_100_000},
        headers={"Origin": service.url, "Accept": "application/problem+json"},
        timeout=30,
    )
    assert answer.status_code in (400, 413), answer.text
    assert "internal" not in answer.text
    assert loop_held(service) == held_before


def test_a_huge_accept_language_header_does_not_hold_the_loop(service, org):
    """Every page asks Accept-Language for its language; the header was split and every part
    sorted however long it was (10 MB held the loop 3.6 s). A browser's is under a hundred
    characters: only its start is read."""
    held_before = loop_held(service)
    header = "de;q=0.1," * 7_000  # 63 KB: just within what headers may carry (431 past 64 KiB)
    for path in ("/", "/console/signin", "/w/demo/form?origin=" + ORIGIN):
        answer = httpx.get(service.url + path, headers={"Accept-Language": header}, timeout=60)
        assert answer.status_code == 200, (path, answer.status_code)
        assert answer.headers["Content-Language"] == "ru"
    english = httpx.get(service.url + "/", headers={"Accept-Language": "de;q=0.9, en;q=0.8"})
    assert english.headers["Content-Language"] == "en"
    assert loop_held(service) == held_before


def test_infinity_and_nan_are_not_json(service, org):
    """Python's parser takes Infinity, -Infinity and NaN, which JSON's grammar (RFC 8259) has
    not: a verdict rated Infinity reached int() and answered 500."""
    created = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=10
    )
    token = created.json()["tracking_url"].rsplit("/", 1)[1]
    for path, headers, body in (
        (f"/api/v1/status/{token}/verdict", {}, '{"solved": true, "rating": Infinity}'),
        (f"/api/v1/status/{token}/verdict", {}, '{"solved": false, "rating": -Infinity}'),
        ("/api/v1/appeals", bearer(org.key), '{"lat": NaN, "lon": 44.7}'),
    ):
        answer = httpx.post(
            service.url + path,
            content=body.encode(),
            headers={**headers, "Content-Type": "application/json"},
            timeout=10,
        )
        assert answer.status_code == 400, (path, body, answer.status_code, answer.text[:200])
        assert answer.json()["type"].endswith("/bad-json"), answer.text


def test_headers_past_64_kib_are_refused_before_anything_reads_them(service, org):
    held_before = loop_held(service)
    # about 1 MB of cookies: far past the limit, yet little enough for the HTTP parser itself
    # (which reads every header before any code of ours runs) to stay well inside 100 ms
    cookie = "; ".join(f"c{n}=" + "x" * 90 for n in range(10_000))
    for path, headers in (
        ("/console", {"Cookie": cookie}),
        ("/api/v1/categories", {**bearer(org.key), "X-Padding": b"\xff" * 200_000}),
        ("/open311/v2/services.json", {"Accept-Language": "ru;q=0.5," * 20_000}),
    ):
        answer = httpx.get(service.url + path, headers=headers, timeout=30)
        assert answer.status_code == 431, (path, answer.status_code, answer.text[:200])
        if not path.startswith("/open311/"):
            assert answer.json()["type"].endswith("/headers-too-large")
    # an ordinary request is not affected
    assert httpx.get(service.url + "/api/v1/categories", headers=bearer(org.key)).status_code == 200
    assert loop_held(service) == held_before
