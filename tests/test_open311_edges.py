"""Open311 at its edges, through the running service: text XML cannot carry, the parts of the
specification a client may lean on (a start date alone, a jurisdiction on every resource),
and what a refusal tells the app and the intake log."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest

from conftest import Org, Service, events, make_org

V2 = "/open311/v2"


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Org, Org]]:
    db = tmp_path_factory.mktemp("open311-edges") / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    other = make_org(db, "zarechye", "https://zarechye.example.ru")
    service = Service(db).start()
    yield service, org, other
    service.stop()


def file_request(service: Service, org: Org, fmt: str = "json", **changes: str) -> httpx.Response:
    """A request filed by an app with the organisation's key, as Open311 answers it."""
    data = {
        "api_key": org.key,
        "service_code": "roads",
        "lat": "58.3265",
        "long": "44.7652",
        "first_name": "Анна",
        "email": "anna@example.ru",
        "description": "Яма на дороге у дома 5 по улице Ленина.",
        **changes,
    }
    return httpx.post(f"{service.url}{V2}/requests.{fmt}", data=data, timeout=10)


def test_xml_stays_well_formed_whatever_the_text_holds(town):
    service, org, _ = town
    # U+FFFF is valid UTF-8 and passes the form's checks, but XML 1.0 cannot carry it
    filed = file_request(service, org, description="Яма на дороге \uffff у дома 5 по улице Ленина.")
    assert filed.status_code == 200, filed.text
    [receipt] = filed.json()
    shown = httpx.get(
        f"{service.url}{V2}/requests/{receipt['service_request_id']}.xml",
        params={"api_key": org.key},
    )
    assert shown.status_code == 200
    description = ET.fromstring(shown.content).find("request/description").text
    assert description == "Яма на дороге \ufffd у дома 5 по улице Ленина."
    listed = httpx.get(f"{service.url}{V2}/requests.xml", params={"api_key": org.key})
    ET.fromstring(listed.content)
    # an error that names what the client sent, a control character included
    refused = httpx.get(f"{service.url}{V2}/services.xml", params={"jurisdiction_id": "a\x01b"})
    assert refused.status_code == 404
    assert "a\ufffdb" in ET.fromstring(refused.content).find("error/description").text


def test_filing_without_a_key_asks_for_api_key_in_open311_words(town):
    service, _, _ = town
    for fmt in ("json", "xml"):
        refused = httpx.post(
            f"{service.url}{V2}/requests.{fmt}", data={"service_code": "roads"}, timeout=10
        )
        assert refused.status_code == 403
        text = refused.text
        assert "api_key" in text and "Authorization" not in text, text
    english = httpx.post(
        f"{service.url}{V2}/requests.json?lang=en", data={"service_code": "roads"}, timeout=10
    ).json()
    assert english == [
        {"code": 403, "description": "Send api_key: the organisation's API key (its "
         "administrator issues it)."}
    ]  # fmt: skip


def test_dates_at_the_ends_of_the_calendar_are_400_not_a_server_error(town):
    service, org, _ = town
    for params in (
        {"end_date": "0001-01-01T00:00:00Z"},  # 90 days before it is no date
        {"start_date": "0001-01-01T00:00:00+05:00", "end_date": "0001-01-02T00:00:00Z"},
        {"start_date": "9999-12-31T23:00:00-05:00", "end_date": "9999-12-31T23:00:00-05:00"},
    ):
        for fmt in ("json", "xml"):
            refused = httpx.get(
                f"{service.url}{V2}/requests.{fmt}", params={"api_key": org.key, **params}
            )
            assert refused.status_code == 400, (params, refused.text)
    assert "start_date" in refused.text or "end_date" in refused.text


def test_a_start_date_alone_lists_the_ninety_days_from_it(town):
    service, org, _ = town
    filed = file_request(service, org)
    assert filed.status_code == 200, filed.text
    request_id = filed.json()[0]["service_request_id"]
    base = f"{service.url}{V2}/requests.json"
    now = dt.datetime.now(dt.UTC)

    def listed(**params: str) -> httpx.Response:
        return httpx.get(base, params={"api_key": org.key, **params})

    def day(days: float) -> str:
        return (now + dt.timedelta(days=days)).isoformat(timespec="seconds")

    # long ago: the 90 days from then, which end before today's request (not a refusal)
    old = listed(start_date=day(-200))
    assert old.status_code == 200, old.text
    assert request_id not in {r["service_request_id"] for r in old.json()}
    # 80 days ago: the 90 days from then hold today
    recent = listed(start_date=day(-80))
    assert request_id in {r["service_request_id"] for r in recent.json()}
    # both dates, over 90 days apart: the specification's refusal stands
    assert listed(start_date=day(-200), end_date=day(0)).status_code == 400


def test_the_log_records_the_status_the_app_was_answered(town):
    service, org, _ = town
    # a check of the appeal (422 in the JSON API) and a wrong key (401 there)
    short = file_request(service, org, description="Яма")
    wrong = file_request(service, org, api_key="pos_nope_nope")
    assert (short.status_code, wrong.status_code) == (400, 403)
    rejected = [e for e in events(service.db) if e["type"] == "rejected"]
    by_reason = {e["reason"]: e["data"]["status"] for e in rejected}
    assert by_reason["validation text:too-short"] == 400
    assert by_reason["key-unknown"] == 403


def test_a_jurisdiction_sent_with_one_request_or_token_is_checked(town):
    service, org, other = town
    filed = file_request(service, org)
    assert filed.status_code == 200, filed.text
    [receipt] = filed.json()
    one = f"{service.url}{V2}/requests/{receipt['service_request_id']}"
    token = f"{service.url}{V2}/tokens/{receipt['token']}"
    for url in (one, token):
        for fmt in ("json", "xml"):
            mine = httpx.get(f"{url}.{fmt}", params={"jurisdiction_id": org.slug})
            assert mine.status_code == 200, mine.text
            unknown = httpx.get(f"{url}.{fmt}", params={"jurisdiction_id": "atlantis"})
            assert unknown.status_code == 404 and "atlantis" in unknown.text
            theirs = httpx.get(f"{url}.{fmt}", params={"jurisdiction_id": other.slug})
            assert theirs.status_code == 404, theirs.text
    reasons = [e["reason"] for e in events(service.db) if e["type"] == "rejected"]
    assert reasons.count("jurisdiction-unknown") >= 4
