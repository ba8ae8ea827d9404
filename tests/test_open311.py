"""A civic app speaks Open311 GeoReport v2 to the service: it discovers the endpoint, lists an
organisation's services and a service's questions, files a request and follows it — and gets
the specification's own shapes in JSON and XML, compared field by field with its examples."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import open311_spec as spec
import pytest
from console_helpers import add_user, signed_in

from conftest import Org, Service, bearer, events, make_org, run_cli

V2 = "/open311/v2"


# --- the city -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Org, Org]]:
    """Manturovo asks two questions about street lighting; Zarechye is another organisation."""
    db = tmp_path_factory.mktemp("open311") / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    other = make_org(db, "zarechye", "https://zarechye.example.ru")
    run_cli(
        db, "org", "attribute", "manturovo", "street_lighting", "pole",
        "--required", "--description", "Номер опоры", "--description-en", "Pole number",
    )  # fmt: skip
    run_cli(
        db, "org", "attribute", "manturovo", "street_lighting", "lamp",
        "--type", "singlevaluelist", "--order", "2", "--description", "Какая лампа",
        "--value", "led=Светодиодная|LED", "--value", "sodium=Натриевая|Sodium",
    )  # fmt: skip
    service = Service(db).start()
    yield service, org, other
    service.stop()


def _post(service: Service, org: Org, fmt: str = "json", **changes: str) -> httpx.Response:
    data = {
        "api_key": org.key,
        "jurisdiction_id": org.slug,
        "service_code": "street_lighting",
        **spec.POST_PARAMETERS,
        "description": "Не горит фонарь у дома 5 по улице Ленина.",
        "attribute[pole]": "17",
        "attribute[lamp]": "led",
        **changes,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return httpx.post(f"{service.url}{V2}/requests.{fmt}", data=data, timeout=10)


# --- the stories ----------------------------------------------------------------------------


def test_discovery_services_and_a_service_definition_are_the_specifications_shapes(city):
    service, org, _ = city
    base = service.url + V2
    discovery = httpx.get(f"{base}/discovery.json")
    assert discovery.headers["content-type"] == "application/json; charset=utf-8"
    spec.same_as_json(discovery.json(), json.loads(spec.DISCOVERY_JSON))
    assert discovery.json()["endpoints"][0]["url"] == base
    xml = httpx.get(f"{base}/discovery.xml")
    assert xml.headers["content-type"] == "text/xml; charset=utf-8"
    spec.same_as_xml(xml.content, spec.DISCOVERY_XML)

    listed = httpx.get(f"{base}/services.json", params={"jurisdiction_id": org.slug}).json()
    spec.same_as_json(listed, json.loads(spec.SERVICES_JSON))
    lighting = next(s for s in listed if s["service_code"] == "street_lighting")
    roads = next(s for s in listed if s["service_code"] == "roads")
    assert lighting["service_name"] == "Уличное освещение" and lighting["metadata"] is True
    assert roads["metadata"] is False and roads["type"] == "realtime"
    english = httpx.get(
        f"{base}/services.xml", params={"jurisdiction_id": org.slug, "lang": "en"}
    ).content
    names = [e.text for e in spec.same_as_xml(english, spec.SERVICES_XML).iter("service_name")]
    assert "Street lighting" in names

    definition = httpx.get(
        f"{base}/services/street_lighting.json", params={"jurisdiction_id": org.slug}
    ).json()
    spec.same_as_json(definition, json.loads(spec.DEFINITION_JSON))
    pole, lamp = definition["attributes"]
    assert (pole["code"], pole["datatype"], pole["required"]) == ("pole", "string", True)
    assert pole["values"] == []  # only lists have values
    assert lamp["values"] == [
        {"key": "led", "name": "Светодиодная"},
        {"key": "sodium", "name": "Натриевая"},
    ]
    spec.same_as_xml(
        httpx.get(
            f"{base}/services/street_lighting.xml", params={"jurisdiction_id": org.slug}
        ).content,
        spec.DEFINITION_XML,
    )
    # a service without questions has an empty list of them
    plain = httpx.get(f"{base}/services/roads.json", params={"jurisdiction_id": org.slug})
    assert plain.json() == {"service_code": "roads", "attributes": []}


def test_a_request_from_the_specifications_example_is_an_appeal_like_any_other(city):
    service, org, _ = city
    created = _post(service, org)
    assert created.status_code == 200, created.text
    [receipt] = created.json()
    # the specification's fields are service_request_id or token, service_notice, account_id;
    # its example is a realtime answer without the token, which this service adds (its own
    # tracking token): the rest is the example's shape
    assert list(receipt)[:2] == ["service_request_id", "token"]
    spec.same_as_json(
        [{k: v for k, v in receipt.items() if k != "token"}], json.loads(spec.CREATED_JSON)
    )
    assert receipt["account_id"] is None
    number = re.search(r"MANTUROVO-\d{4}-\d{6}", receipt["service_notice"]).group(0)
    request_id = receipt["service_request_id"]
    created_xml = _post(service, org, "xml")
    assert created_xml.status_code == 200, created_xml.text
    without_token = ET.fromstring(created_xml.content)
    request = without_token.find("request")
    request.remove(request.find("token"))
    spec.same_as_xml(
        b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(without_token), spec.CREATED_XML
    )

    # the same appeal everywhere: the log, the queue (with the answers and the photo link)
    [accepted] = [
        e for e in events(service.db, "--org", "manturovo")
        if e["type"] == "accepted" and e["data"]["number"] == number
    ]  # fmt: skip
    assert accepted["data"]["channel"] == "open311"
    pulled = httpx.get(
        f"{service.url}/api/v1/queue", params={"max": 10}, headers=bearer(org.key)
    ).json()["messages"]
    document = next(m["body"] for m in pulled if m["message_id"] == request_id)
    assert document["attributes"] == {"pole": "17", "lamp": "led"}
    assert document["media_url"] == spec.POST_PARAMETERS["media_url"]
    assert document["contact"] == {
        "name": "john smith",
        "email": "smit333@sfgov.edu",
        "phone": "111111111",
    }
    assert document["address"] == "1234 5th street" and document["source"]["channel"] == "open311"
    # the operator reads the answers in words and the app's photo link
    add_user(service.db, "op@manturovo.example.ru", org="manturovo")
    with signed_in(service.url, "op@manturovo.example.ru") as console:
        page = console.get(f"/console/appeals/{request_id}").text
    assert "Номер опоры" in page and "Светодиодная" in page
    assert f'href="{spec.POST_PARAMETERS["media_url"]}"' in page

    # followed with the organisation's key: the whole request, no contact
    mine = httpx.get(
        f"{service.url}{V2}/requests/{request_id}.json", params={"api_key": org.key}
    ).json()
    spec.same_as_json(mine, json.loads(spec.REQUESTS_JSON))
    [shown] = mine
    assert shown["status"] == "open" and shown["status_notes"] == "Принято"
    assert shown["description"] == "Не горит фонарь у дома 5 по улице Ленина."
    assert (shown["lat"], shown["long"]) == (37.76524078, -122.4212043)
    assert shown["agency_responsible"] == "Администрация manturovo"
    assert shown["service_notice"] == number
    assert shown["requested_datetime"].endswith("+03:00")  # Moscow, the default zone
    assert shown["expected_datetime"].endswith("T23:59:59+03:00")
    assert "smit333" not in json.dumps(mine)
    spec.same_as_xml(
        httpx.get(
            f"{service.url}{V2}/requests/{request_id}.xml", params={"api_key": org.key}
        ).content,
        spec.REQUESTS_XML,
    )
    # without a key: only what the status link tells
    [public] = httpx.get(f"{service.url}{V2}/requests/{request_id}.json").json()
    assert public["status"] == "open" and public["service_code"] == "street_lighting"
    assert public["description"] is None and public["lat"] is None and public["address"] is None

    # the token names the request, and opens the citizen's tracking page
    token = receipt["token"]
    named = httpx.get(f"{service.url}{V2}/tokens/{token}.json").json()
    spec.same_as_json(named, json.loads(spec.TOKEN_JSON))
    assert named == [{"service_request_id": request_id, "token": token}]
    spec.same_as_xml(httpx.get(f"{service.url}{V2}/tokens/{token}.xml").content, spec.TOKEN_XML)
    page = httpx.get(f"{service.url}/s/{token}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and number in page.text
    assert token not in service.log()  # a capability stays out of the access log


def test_an_answer_closes_the_request_and_its_notes_say_it(city):
    service, org, _ = city
    [receipt] = _post(service, org).json()
    request_id = receipt["service_request_id"]
    answered = httpx.post(
        f"{service.url}/api/v1/appeals/{request_id}/answer",
        json={"text": "{name}, опора 17: лампа заменена."},
        headers={**bearer(org.key), "Idempotency-Key": f"answer-{request_id}"},
    )
    assert answered.status_code == 200, answered.text
    [shown] = httpx.get(
        f"{service.url}{V2}/requests.json",
        params={"api_key": org.key, "service_request_id": request_id},
    ).json()
    assert shown["status"] == "closed"
    assert shown["status_notes"] == "опора 17: лампа заменена."  # no other citizen's name
    assert shown["updated_datetime"] >= shown["requested_datetime"]
    closed = httpx.get(
        f"{service.url}{V2}/requests.json", params={"api_key": org.key, "status": "closed"}
    ).json()
    still_open = httpx.get(
        f"{service.url}{V2}/requests.json", params={"api_key": org.key, "status": "open"}
    ).json()
    assert request_id in {r["service_request_id"] for r in closed}
    assert request_id not in {r["service_request_id"] for r in still_open}


def test_the_list_filters_by_service_ids_and_period_within_ninety_days(city):
    service, org, other = city
    [first] = _post(service, org).json()
    roads = _post(
        service, org, service_code="roads", **{"attribute[pole]": None, "attribute[lamp]": None}
    )
    assert roads.status_code == 200, roads.text
    [second] = roads.json()
    base = f"{service.url}{V2}/requests.json"

    def ids(**params: str) -> list[str]:
        reply = httpx.get(base, params={"api_key": org.key, **params})
        assert reply.status_code == 200, reply.text
        return [r["service_request_id"] for r in reply.json()]

    everything = ids()
    assert everything.index(second["service_request_id"]) < everything.index(
        first["service_request_id"]
    )  # newest first
    assert second["service_request_id"] in ids(service_code="roads,snow")
    assert first["service_request_id"] not in ids(service_code="roads")
    # a list of ids overrides every other parameter
    asked = ids(
        service_request_id=f"{first['service_request_id']},{second['service_request_id']},nope",
        service_code="snow",
    )
    assert set(asked) == {first["service_request_id"], second["service_request_id"]}
    now = dt.datetime.now(dt.UTC)
    later = (now + dt.timedelta(days=1)).isoformat(timespec="seconds")
    assert ids(start_date=later, end_date=(now + dt.timedelta(days=2)).isoformat()) == []
    since = (now - dt.timedelta(hours=1)).isoformat(timespec="seconds").replace("+00:00", "Z")
    assert first["service_request_id"] in ids(start_date=since)
    # another organisation's key sees none of Manturovo's requests
    theirs = httpx.get(base, params={"api_key": other.key}).json()
    assert theirs == []


def test_the_specifications_errors_in_both_formats_each_a_rejected_event(city):
    service, org, other = city
    base = f"{service.url}{V2}"
    too_long = {
        "start_date": "2026-01-01T00:00:00Z",
        "end_date": "2026-06-01T00:00:00Z",
        "api_key": org.key,
    }
    cases = [
        # (what the app did, the call, the status, the reason logged)
        ("unknown jurisdiction", ("get", "/services", {"jurisdiction_id": "atlantis"}), 404,
         "jurisdiction-unknown"),
        ("no jurisdiction", ("get", "/services", {}), 400, "bad-parameter jurisdiction_id"),
        ("unknown service", ("get", "/services/potholes", {"jurisdiction_id": "manturovo"}),
         404, "service-unknown"),
        ("wrong key", ("post", "/requests", {"api_key": "pos_nope_nope", "service_code": "roads"}),
         403, "key-unknown"),
        ("no key for the list", ("get", "/requests", {}), 403, "key-missing"),
        ("another org's jurisdiction",
         ("post", "/requests", {"api_key": other.key, "jurisdiction_id": "manturovo",
                                "service_code": "roads"}), 403, "jurisdiction-other"),
        ("no service code", ("post", "/requests", {"api_key": org.key, "lat": "1", "long": "2"}),
         400, "bad-parameter service_code"),
        ("unknown service code",
         ("post", "/requests", {"api_key": org.key, "service_code": "potholes"}), 404,
         "service-unknown"),
        ("no location",
         ("post", "/requests", {"api_key": org.key, "service_code": "roads",
                                "description": "Яма на дороге у школы."}), 400,
         "bad-parameter lat"),
        ("a bad answer and a missing one",
         ("post", "/requests", {"api_key": org.key, "service_code": "street_lighting",
                                "lat": "58.3", "long": "44.7", "first_name": "Анна",
                                "email": "anna@example.ru", "attribute[lamp]": "xenon",
                                "description": "Не горит фонарь у школы."}), 400,
         "validation attributes.pole:required,attributes.lamp:attribute-choice"),
        ("a bad date", ("get", "/requests", {"api_key": org.key, "start_date": "yesterday"}),
         400, "bad-parameter start_date"),
        ("a window over 90 days", ("get", "/requests", too_long), 400,
         "bad-parameter end_date"),
        ("a status that is not open or closed",
         ("get", "/requests", {"api_key": org.key, "status": "pending"}), 400,
         "bad-parameter status"),
        ("an unknown request", ("get", "/requests/01234567-89ab-7def-8123-456789abcdef", {}),
         404, "request-unknown"),
        ("a forged token", ("get", "/tokens/abc.def", {}), 404, "token-unknown"),
    ]  # fmt: skip
    before = len([e for e in events(service.db) if e["type"] == "rejected"])
    for fmt, example, parse in (
        ("json", spec.ERRORS_JSON, None),
        ("xml", spec.ERRORS_XML, ET.fromstring),
    ):
        for what, (method, path, params), status, _ in cases:
            url = f"{base}{path}.{fmt}"
            reply = (
                httpx.get(url, params=params) if method == "get" else httpx.post(url, data=params)
            )
            assert reply.status_code == status, (what, fmt, reply.text)
            if parse is None:
                spec.same_as_json(reply.json(), json.loads(example))
                assert all(e["code"] == status and e["description"] for e in reply.json()), what
            else:
                root = spec.same_as_xml(reply.content, example)
                assert root.find("error/code").text == str(status), what
    if_xml = httpx.post(
        f"{base}/requests.json", content=b"{}", headers={"Content-Type": "application/json"}
    )
    assert if_xml.status_code == 400 and "x-www-form-urlencoded" in if_xml.text
    rejected = [e for e in events(service.db) if e["type"] == "rejected"][before:]
    reasons = [e["reason"] for e in rejected]
    for what, _, _, reason in cases:
        assert reasons.count(reason) >= 2, (what, reason, reasons)
    assert len(rejected) == 2 * len(cases) + 1
    # the refusals named an organisation where one was known
    assert any(e["org"] == "manturovo" for e in rejected if e["reason"] == "service-unknown")


def test_a_category_asks_its_questions_through_the_json_api_too(city):
    service, org, _ = city
    body = {
        "category": "street_lighting",
        "text": "Не горит фонарь у дома 5 по улице Ленина.",
        "address": "ул. Ленина, 5",
        "contact": {"name": "Анна", "email": "anna@example.ru"},
        "consent": True,
    }
    missing = httpx.post(f"{service.url}/api/v1/appeals", json=body, headers=bearer(org.key))
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"attributes.pole"}
    body["attributes"] = {"pole": "17", "lamp": ["led"]}
    wrong = httpx.post(f"{service.url}/api/v1/appeals", json=body, headers=bearer(org.key))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "attributes.lamp"
    body["attributes"] = {"pole": "17", "lamp": "sodium"}
    filed = httpx.post(f"{service.url}/api/v1/appeals", json=body, headers=bearer(org.key))
    assert filed.status_code == 201, filed.text
    listed = json.loads(run_cli(service.db, "org", "attributes", "manturovo", "--json").stdout)
    assert [(q["code"], q["required"]) for q in listed] == [("pole", True), ("lamp", False)]
    refused = run_cli(
        service.db, "org", "attribute", "manturovo", "roads", "kind",
        "--type", "singlevaluelist", "--description", "Вид", check=False,
    )  # fmt: skip
    assert refused.returncode == 1 and "--value" in refused.stderr


def test_the_api_is_described_for_people_at_docs(city):
    service, _, _ = city
    page = httpx.get(f"{service.url}/docs", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script" not in page.text and 'src="http' not in page.text
    spec_paths = httpx.get(f"{service.url}/openapi.json").json()["paths"]
    for path in spec_paths:
        assert path.replace("{", "&#123;") in page.text or path in page.text, path
    assert "POST /open311/v2/requests.{fmt}" in page.text
    english = httpx.get(f"{service.url}/docs?lang=en").text
    assert "Parameters" in english and "Параметры" in page.text
