"""A civic app follows the requests it filed as apps do: with the Open311 client from PyPI
(`georeport`), whose `get_service_requests(service_request_id="a,b,c")` — the standard status
check of several requests — sends no key. It gets each request's public fields, as
`requests/{id}` without a key shows them, in JSON and in XML; the list by period still wants
the organisation's key, and a list of ids has a bound. `georeport` cannot file, so the app
files with a plain form post, as the specification's example does."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import open311_spec as spec
import pytest
import requests
from georeport import GeoReport
from test_open311_edges import file_request

from conftest import Org, Service, bearer, events, make_org

# One server and store for the module (tests/conftest.py, `module_service`): each story follows
# only the requests it filed itself.
pytestmark = pytest.mark.shared_service()

V2 = "/open311/v2"
NOBODYS = "01234567-89ab-7def-8123-456789abcdef"  # an id no request has


@pytest.fixture(scope="module")
def other(module_service: Service) -> Iterator[Org]:
    """Another organisation on the module's server, with a key of its own."""
    yield make_org(module_service.db, "zarechye", "https://zarechye.example.ru")


def _file(service: Service, org: Org, **changes: str) -> str:
    """A request filed by the app with the organisation's key; its service_request_id."""
    filed = file_request(service, org, **changes)
    assert filed.status_code == 200, filed.text
    return filed.json()[0]["service_request_id"]


def _rejected(service: Service) -> list[dict]:
    return [e for e in events(service.db) if e["type"] == "rejected"]


def test_an_app_checks_the_status_of_the_requests_it_filed_without_a_key(service, org):
    first = _file(service, org)
    second = _file(service, org, description="Яма на дороге у школы № 2, глубокая.")
    client = GeoReport(service.url + V2)  # as an app configures it: the endpoint, no key

    shown = client.get_service_requests(service_request_id=f"{first},{second},{NOBODYS}")
    spec.same_as_json(shown, json.loads(spec.REQUESTS_JSON))
    assert sorted(r["service_request_id"] for r in shown) == sorted([first, second])
    for request in shown:
        assert (request["status"], request["service_code"]) == ("open", "roads")
        assert request["status_notes"] == "Принято"
        assert request["agency_responsible"] == "Администрация demo"
        assert request["service_notice"].startswith("DEMO-")
        assert request["requested_datetime"].endswith("+03:00")
        assert request["expected_datetime"].endswith("T23:59:59+03:00")
        # no text, address, place, photo or contact
        assert [request[k] for k in ("description", "address", "lat", "long", "media_url")] == [
            None
        ] * 5
        # exactly what the same client reads of one request without a key
        assert request == client.get_service_request(request["service_request_id"])
    said = json.dumps(shown, ensure_ascii=False)
    assert "Яма" not in said and "anna@example.ru" not in said and "Анна" not in said

    # the organisation answers one: the next check shows it closed, with the answer
    answered = httpx.post(
        f"{service.url}/api/v1/appeals/{first}/answer",
        json={"text": "Яму заделали."},
        headers={**bearer(org.key), "Idempotency-Key": f"answer-{first}"},
    )
    assert answered.status_code == 200, answered.text
    again = client.get_service_requests(service_request_id=f"{first},{second}")
    assert {r["service_request_id"]: r["status"] for r in again} == {
        first: "closed",
        second: "open",
    }
    assert next(r for r in again if r["status"] == "closed")["status_notes"] == "Яму заделали."

    # the same check in XML, as the client reads it, and as the specification's example is
    in_xml = GeoReport(service.url + V2, output_format="xml").get_service_requests(
        service_request_id=f"{first},{second}"
    )
    assert {r["service_request_id"]: r["status"] for r in in_xml} == {
        first: "closed",
        second: "open",
    }
    assert all(r["description"] is None and r["lat"] is None for r in in_xml)
    document = httpx.get(
        f"{service.url}{V2}/requests.xml", params={"service_request_id": f"{first},{second}"}
    ).content
    spec.same_as_xml(document, spec.REQUESTS_XML)
    # with the organisation's key, the same list is whole
    whole = httpx.get(
        f"{service.url}{V2}/requests.json",
        params={"service_request_id": f"{first},{second}", "api_key": org.key},
    ).json()
    assert {r["description"] for r in whole} == {
        "Яма на дороге у дома 5 по улице Ленина.",
        "Яма на дороге у школы № 2, глубокая.",
    }


def test_a_list_without_ids_still_needs_the_key_and_a_list_of_ids_has_a_bound(service, org):
    filed = _file(service, org)
    client = GeoReport(service.url + V2)
    before = len(_rejected(service))
    for asked in ({}, {"status": "open"}):
        with pytest.raises(requests.HTTPError) as refused:
            client.get_service_requests(**asked)
        answer = refused.value.response
        assert answer.status_code == 403
        [error] = answer.json()
        assert error["code"] == 403 and "service_request_id" in error["description"]

    fifty = [filed, *[NOBODYS] * 49]
    assert [r["service_request_id"] for r in client.get_service_requests(",".join(fifty))] == [
        filed
    ]
    for fmt in ("json", "xml"):
        too_many = httpx.get(
            f"{service.url}{V2}/requests.{fmt}",
            params={"service_request_id": ",".join([*fifty, NOBODYS])},
        )
        assert too_many.status_code == 400, too_many.text
        if fmt == "json":
            spec.same_as_json(too_many.json(), json.loads(spec.ERRORS_JSON))
            assert "50" in too_many.json()[0]["description"]
        else:
            spec.same_as_xml(too_many.content, spec.ERRORS_XML)
            assert ET.fromstring(too_many.content).find("error/code").text == "400"
    reasons = [e["reason"] for e in _rejected(service)[before:]]
    assert reasons == ["key-missing"] * 2 + ["bad-parameter service_request_id"] * 2


def test_the_check_follows_the_rule_of_one_request(service, org, other):
    """A jurisdiction_id narrows it as it narrows `requests/{id}`; another organisation's key
    gets the public fields of a request it does not see, as `requests/{id}` gives them."""
    filed = _file(service, org)
    mine = GeoReport(service.url + V2, jurisdiction=org.slug)
    assert [r["service_request_id"] for r in mine.get_service_requests(filed)] == [filed]
    assert GeoReport(service.url + V2, jurisdiction=other.slug).get_service_requests(filed) == []
    with pytest.raises(requests.HTTPError) as unknown:
        GeoReport(service.url + V2, jurisdiction="atlantis").get_service_requests(filed)
    assert unknown.value.response.status_code == 404

    theirs = httpx.get(
        f"{service.url}{V2}/requests.json",
        params={"service_request_id": filed, "api_key": other.key},
    )
    one = httpx.get(f"{service.url}{V2}/requests/{filed}.json", params={"api_key": other.key})
    assert theirs.status_code == one.status_code == 200, theirs.text
    assert theirs.json() == one.json() and theirs.json()[0]["description"] is None
