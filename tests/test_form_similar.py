"""Already reported? A citizen who picks a topic and a place in the form is shown the open
appeals of that organisation and topic there — so that the third neighbour to see the same
broken lamp need not file it again — with what is public of them only: number, topic, status,
date, address. Never another citizen's words, name or contact; never another organisation's
appeal; never a closed one. Only the form page may ask."""

from __future__ import annotations

import httpx

from conftest import appeal, bearer, form_token, make_org

ORIGIN = "https://demo.example.ru"
LAMP = {"lat": 58.3265, "lon": 44.7652, "address": "г. Мантурово, ул. Ленина, 5"}
SECRET = "Не горит фонарь у дома 5, звоните мне, Ивану Петрову, после шести."


def _file(service, key: str, **changes: object) -> dict:
    reply = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key), timeout=10
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def _similar(service, fields: dict[str, str], *, origin: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{service.url}/w/demo/similar",
        data=fields,
        headers={"Origin": origin or service.url, "Accept": "application/json"},
        timeout=10,
    )


def test_the_form_shows_the_open_appeals_of_the_topic_at_the_place_and_nothing_private(
    db, service, org
):
    reported = _file(service, org.key, text=SECRET, **LAMP)
    _file(service, org.key, lat=58.3365, lon=44.7652, address="ул. Мира, 40")  # 1 km away
    _file(service, org.key, category="roads", text="Яма на дороге у дома 5.", **LAMP)
    closed = _file(service, org.key, **LAMP)
    rejected = httpx.post(
        f"{service.url}/api/v1/appeals/{closed['number']}/status",
        json={"status": "rejected", "reason": "Фонарь на частной территории."},
        headers={**bearer(org.key), "Idempotency-Key": "close-1"},
        timeout=10,
    )
    assert rejected.status_code == 200, rejected.text
    neighbour = make_org(db, "neighbour", "https://neighbour.example.ru")
    _file(service, neighbour.key, **LAMP)  # the same place, another organisation

    token = form_token(service.url, ORIGIN)
    by_point = _similar(
        service,
        {"token": token, "category": "street_lighting", "lat": "58.3266", "lon": "44.7653"},
    )
    assert by_point.status_code == 200, by_point.text
    [shown] = by_point.json()["appeals"]
    assert shown["number"] == reported["number"]
    assert shown["topic"] == "Уличное освещение"
    assert shown["status"] == "Принято"
    assert shown["address"] == LAMP["address"]
    assert shown["metres"] is not None and shown["metres"] < 20
    assert set(shown) == {"number", "topic", "status", "filed", "address", "metres"}
    for private in ("фонарь у дома", "Иван", "ivan@example.ru", "900", reported["id"]):
        assert private not in by_point.text

    # the same address, written another way, without a point
    by_address = _similar(
        service,
        {"token": token, "category": "street_lighting", "address": "Г. МАНТУРОВО ул Ленина 5"},
    )
    assert [a["number"] for a in by_address.json()["appeals"]] == [reported["number"]]
    assert by_address.json()["appeals"][0]["metres"] is None

    # nothing asked for yet: nothing shown
    nothing = _similar(service, {"token": token, "category": "street_lighting"})
    assert nothing.json() == {"appeals": []}


def test_only_the_form_page_asks_with_its_own_token(db, service, org):
    _file(service, org.key, **LAMP)
    token = form_token(service.url, ORIGIN)
    fields = {"token": token, "category": "street_lighting", **{k: str(v) for k, v in LAMP.items()}}
    elsewhere = _similar(service, fields, origin="https://evil.example.com")
    assert elsewhere.status_code == 403
    no_token = _similar(service, {k: v for k, v in fields.items() if k != "token"})
    assert no_token.status_code == 400
    forged = _similar(service, {**fields, "token": token[:-4] + "AAAA"})
    assert forged.status_code == 400
    make_org(db, "other", "https://other.example.ru")
    others = form_token(service.url, "https://other.example.ru", "other")
    assert _similar(service, {**fields, "token": others}).status_code == 400
    huge = _similar(service, {**fields, "address": "ж" * 100_000})
    assert huge.status_code in (413, 422)
