"""The intake log at /console/log: what an operator sees of their organisations' appeals and refused
requests, filtered, searched, paged, followed live and exported — and never another's."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from console_helpers import add_user, own_org, signed_in, unique

from intake_service.org_settings import DEFAULT_TIMEZONE

from conftest import appeal, bearer, events, run_cli, store

# One server and store for the module (tests/conftest.py, `module_service`). A story that reads
# the log whole (exact rows, counts, a search) files into an organisation of its own (`own_org`)
# and signs in as its operator, so that the module's other appeals are not in its log; the
# accounts are each story's own (`unique`). No intake or sign-in limits: all comes from 127.0.0.1.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_CONSOLE_SIGNIN_ADDRESS="0",
)


def file(url: str, key: str, **changes: object) -> dict:
    answer = httpx.post(url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key))
    assert answer.status_code == 201, answer.text
    return answer.json()


def numbers(console, path: str = "/console/log.json", **params: str) -> list[str]:
    answer = console.get(path, params=params, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    # one row per appeal: its arrival, not the e-mail that told its citizen (`notified`)
    return [
        row["number"]
        for row in answer.json()["rows"]
        if row["number"] and row["type"] != "notified"
    ]


def searched(console, q: str, **params: str) -> list[str]:
    """The numbers a search finds, once the background indexer has caught up (it runs off the
    request path: a new appeal is searchable within about a second)."""
    deadline = time.monotonic() + 10
    while True:
        found = numbers(console, q=q, **params)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_the_log_shows_an_appeal_and_a_refused_request_with_its_reason(db, service, request):
    own = own_org(db, request, "log")
    duty = add_user(db, unique(request, "duty@demo.ru"), own.slug)
    filed = file(service.url, own.key)
    refused = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(text=""), headers=bearer(own.key)
    )
    assert refused.status_code == 422
    # the badge put on a site the organisation has not listed
    badge = httpx.get(f"{service.url}/w/{own.slug}/form", params={"origin": "https://new.demo.ru"})
    assert badge.status_code == 403
    with signed_in(service.url, duty) as console:
        page = console.get("/console/log")
        assert page.status_code == 200
        html = page.text
        assert filed["number"] in html
        assert f'href="/console/appeals/{filed["id"]}"' in html
        assert "Не горит фонарь" in html  # the excerpt of the accepted appeal
        assert "Уличное освещение" in html  # the category's title, not its code
        refusals = re.findall(r'<strong class="reason" title="([^"]*)"[^>]*>(.*?)</strong>', html)
        assert refusals == [
            (
                "origin-not-allowed https://new.demo.ru",
                "Причина отказа: сайт не входит в список разрешённых адресов организации",
            ),
            (
                "validation text:required",
                "Причина отказа: обращение заполнено с ошибками: текст — не заполнено",
            ),
        ]
        assert "(UTC+3, Europe/Moscow)" in html  # the org's time zone
        rows = console.get("/console/log.json", headers={"Accept": "application/json"}).json()
        types = [row["type"] for row in rows["rows"]]
        assert types.index("rejected") < types.index("accepted")  # newest first
        assert page.headers["cache-control"] == "no-store"


def test_reasons_read_as_words_in_both_languages_with_the_code_beside(db, service, request):
    """A wrong password, a form with two fields wrong, a live log too many: words, not codes;
    the code stays in the tooltip, and the JSON keeps it as it was stored."""
    own = own_org(db, request, "words")
    duty = add_user(db, unique(request, "duty@demo.ru"), own.slug, role="admin")
    wrong = httpx.post(
        service.url + "/api/v1/appeals",
        json=appeal(text="", category=""),
        headers=bearer(own.key),
    )
    assert wrong.status_code == 422
    failed = httpx.post(
        service.url + "/console/signin",
        data={"email": duty, "password": "not the password", "next": "/console/log"},
        headers={"Origin": service.url},
    )
    assert failed.status_code != 303
    with signed_in(service.url, duty) as console:
        # the sign-ins are in the audit view (admins'), the appeals' refusals in the default one
        ru = console.get("/console/log").text + console.get("/console/log?view=audit").text
        en = (
            console.get("/console/log?lang=en").text
            + console.get("/console/log?view=audit&lang=en").text
        )
        stored = [
            *console.get("/console/log.json").json()["rows"],
            *console.get("/console/log.json", params={"view": "audit"}).json()["rows"],
        ]
    codes = {row["reason"] for row in stored if row.get("reason")}
    assert "bad-password" in codes
    assert any(code.startswith("validation ") and "text:required" in code for code in codes)
    reasons = dict(re.findall(r'<strong class="reason" title="([^"]*)"[^>]*>(.*?)</strong>', ru))
    assert reasons["bad-password"] == "Причина отказа: неверный пароль"
    validation = next(code for code in reasons if code.startswith("validation "))
    assert "тема — " in reasons[validation] and "текст — не заполнено" in reasons[validation]
    assert "category:" not in reasons[validation]
    words_en = dict(re.findall(r'<strong class="reason" title="([^"]*)"[^>]*>(.*?)</strong>', en))
    assert words_en["bad-password"].endswith("wrong password")
    assert "text — missing" in words_en[validation]


def test_each_filter_narrows_the_log(db, service, request):
    own = own_org(db, request, "filters")
    duty = add_user(db, unique(request, "duty@demo.ru"), own.slug)
    other = add_user(db, unique(request, "other@demo.ru"), own.slug)
    light = file(service.url, own.key)["number"]
    road = file(service.url, own.key, category="roads", text="Яма на дороге")["number"]
    official = file(service.url, own.key, kind="official", category="roads")["number"]
    httpx.post(service.url + "/api/v1/appeals", json=appeal(text=""), headers=bearer(own.key))
    # the log's dates are the organisation's days (Moscow unless set): from 21:00 UTC on,
    # UTC's today is its yesterday
    today = datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()
    with signed_in(service.url, duty) as console:
        assert set(numbers(console)) >= {light, road, official}
        assert numbers(console, category="roads") == [official, road]
        assert numbers(console, kind="official") == [official]
        assert numbers(console, kind="message", category="street_lighting") == [light]
        assert numbers(console, status="accepted", type="accepted") == [official, road, light]
        assert numbers(console, status="in_progress") == []
        assert numbers(console, severity="critical") == []
        assert numbers(console, assignee="me") == []
        assert numbers(console, assignee=other) == []
        assert numbers(console, org=own.slug, type="accepted") == [official, road, light]
        assert numbers(console, **{"from": str(today), "to": str(today)})[:3] == [
            official,
            road,
            light,
        ]
        assert numbers(console, **{"from": str(today + timedelta(days=1))}) == []
        assert numbers(console, to=str(today - timedelta(days=1))) == []
        refusals = console.get("/console/log.json", params={"type": "rejected"}).json()["rows"]
        assert [row["reason"] for row in refusals] == ["validation text:required"]

        bad = console.get(
            "/console/log.json",
            params={"status": "lost", "from": "23.11.2026"},
            headers={"Accept": "application/json"},
        )
        assert bad.status_code == 400
        assert {e["parameter"] for e in bad.json()["errors"]} == {"status", "from"}
        page = console.get("/console/log", params={"severity": "huge"})
        assert page.status_code == 400
        assert "severity: Допустимо: low, medium, high, critical." in page.text
        assert console.get("/console/log", params={"assignee": "nobody@x.ru"}).status_code == 400
        assert console.get("/console/log.json", params={"org": "no-such-org"}).status_code == 404


def test_older_pages_follow_without_repeats(db, service, request):
    own = own_org(db, request, "pages")
    duty = add_user(db, unique(request, "duty@demo.ru"), own.slug)
    filed = {file(service.url, own.key, text=f"Обращение номер {i}")["number"] for i in range(57)}
    with signed_in(service.url, duty) as console:
        first = console.get("/console/log.json", params={"type": "accepted"}).json()
        assert len(first["rows"]) == 50
        second = console.get(
            "/console/log.json", params={"type": "accepted", "before": first["before"]}
        ).json()
        assert len(second["rows"]) == 7 and second["before"] is None
        ids = [row["id"] for row in first["rows"] + second["rows"]]
        assert ids == sorted(set(ids), reverse=True)
        assert {row["number"] for row in first["rows"] + second["rows"]} == filed

        # the page's own "older" link carries the filter and the cursor
        page = console.get("/console/log", params={"type": "accepted"})
        older = re.search(r'href="(/console/log\?[^"]+)" rel="next"', page.text).group(1)
        older_page = console.get(older.replace("&amp;", "&")).text
        assert older_page.count('class="type-accepted"') == 7


def test_search_finds_other_forms_of_a_word_within_the_operators_orgs(db, service, request):
    own = own_org(db, request, "search")
    duty = add_user(db, unique(request, "duty@demo.ru"), own.slug)
    other = own_org(db, request, "other")
    lamp = file(service.url, own.key, text="A broken lamp by the school gate")
    light = file(service.url, own.key)["number"]  # "Не горит фонарь у дома 5…"
    file(service.url, own.key, text="Яма на дороге у дома 7")
    theirs = file(service.url, other.key)["number"]  # also "фонарь", but of another org
    with signed_in(service.url, duty) as console:
        assert searched(console, "фонари") == [light]
        assert searched(console, "lamps") == [lamp["number"]]
        assert searched(console, "Ленина фонарём") == [light]  # every word, any form
        assert numbers(console, q="фонари", category="roads") == []
        assert theirs not in numbers(console, q="фонарь")
        page = console.get("/console/log", params={"q": "фонари"}).text
        assert light in page and lamp["number"] not in page


def test_a_query_without_a_searchable_word_finds_nothing_on_either_engine(db, service, request):
    """`²` and `⁰` count as alphanumeric in Python but PostgreSQL's parser drops them: a query of
    only such characters lost its every word there and found every appeal of the organisation.
    They separate words on both engines, and a query left with no word finds nothing."""
    own = own_org(db, request, "symbols")
    duty = add_user(db, unique(request, "duty@demo.ru"), own.slug)
    puddle = file(service.url, own.key, text="Лужа площадью 20 м² у дома 5, глубина 10⁰")["number"]
    light = file(service.url, own.key)["number"]
    with signed_in(service.url, duty) as console:
        assert searched(console, "лужа") == [puddle]  # the indexer has both
        assert searched(console, "20 м²") == [puddle]
        for query in ("²", "⁰", "² ⁰", "½"):
            assert numbers(console, q=query) == [], query
        assert light in numbers(console)


@pytest.mark.own_service  # it restarts the server on a store whose search index it wiped
def test_appeals_filed_before_the_search_existed_are_indexed_at_start(db, org, service):
    add_user(db, "duty@demo.ru", "demo")
    old = file(service.url, org.key, text="Сломанные качели во дворе")["number"]
    service.stop()
    # the database as it was before the search index: no stems, no mark
    with store(db) as conn:
        if isinstance(conn, sqlite3.Connection):
            conn.execute("INSERT INTO appeal_search (appeal_search) VALUES ('delete-all')")
        else:
            conn.execute("DELETE FROM appeal_search")
        conn.execute("DELETE FROM meta WHERE key = 'search_indexed_seq'")
    service.start()
    with signed_in(service.url, "duty@demo.ru") as console:
        assert searched(console, "качель") == [old]


def test_an_operator_never_sees_another_organisations_log(db, service, request):
    own = own_org(db, request, "own")
    other = own_org(db, request, "other")
    duty = add_user(db, unique(request, "duty@demo.ru"), own.slug)
    theirs = file(service.url, other.key, text="Секретное обращение другой организации")
    with signed_in(service.url, duty) as console:
        received: list[dict] = []
        opened = threading.Event()

        def follow() -> None:
            with console.stream("GET", "/console/live") as stream:
                assert stream.headers["content-type"].startswith("text/event-stream")
                assert stream.headers["cache-control"] == "no-store"
                for line in stream.iter_lines():
                    opened.set()
                    if line.startswith("data: "):
                        received.append(json.loads(line[6:]))
                        # our own appeal's row, which may come before its 201 reaches `ours`
                        if received[-1]["org"] == own.slug:
                            return

        ours: dict = {}
        follower = threading.Thread(target=follow, daemon=True)
        follower.start()
        assert opened.wait(10)
        later_theirs = file(service.url, other.key)
        ours.update(file(service.url, own.key))
        follower.join(10)
        assert [row["number"] for row in received] == [ours["number"]]

        everything = [console.get("/console/log").text, console.get("/console/log.json").text]
        everything.append(console.get("/console/export.csv").text)
        everything.append(console.get("/console/log.json", params={"q": "Секретное"}).text)
        for body in everything:
            assert theirs["number"] not in body and later_theirs["number"] not in body
            assert "Секретное" not in body
        rows = console.get("/console/log.json").json()["rows"]
        assert {row["org"] for row in rows} == {own.slug}
        for path in ("/console/log", "/console/log.json", "/console/export.csv", "/console/live"):
            assert console.get(path, params={"org": other.slug}).status_code == 404


def test_a_parent_orgs_operator_sees_child_appeals_but_not_their_contacts(db, service, request):
    parent = own_org(db, request, "region")
    child = unique(request, "child")
    run_cli(db, "org", "add", child, "--name", "Школа", "--parent", parent.slug)
    child_key = run_cli(db, "org", "key", child).stdout.strip().splitlines()[-1]
    region = add_user(db, unique(request, "region@demo.ru"), parent.slug)
    school = add_user(db, unique(request, "school@child.ru"), child)
    boss = add_user(db, unique(request, "boss@demo.ru"), parent.slug, role="admin")
    theirs = file(service.url, child_key)["number"]
    own = file(service.url, parent.key, contact={"name": "Пётр", "email": "petr@example.ru"})

    def exported(email: str) -> dict[str, dict[str, str]]:
        with signed_in(service.url, email) as console:
            answer = console.get("/console/export.csv")
        assert answer.status_code == 200
        assert answer.headers["content-disposition"].startswith("attachment")
        assert answer.content.startswith("\ufeff".encode())
        table = csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))
        return {row["number"]: row for row in table}

    with signed_in(service.url, region) as console:
        assert numbers(console, type="accepted") == [own["number"], theirs]
        assert numbers(console, org=child) == [theirs]
        assert numbers(console, org=parent.slug, type="accepted") == [own["number"], theirs]
    with signed_in(service.url, school) as console:
        assert numbers(console, type="accepted") == [theirs]
        assert console.get("/console/log.json", params={"org": parent.slug}).status_code == 404

    regions = exported(region)
    assert set(regions) == {theirs, own["number"]}
    assert regions[theirs]["contact_email"] == "" and regions[theirs]["contact_name"] == ""
    assert regions[own["number"]]["contact_email"] == "petr@example.ru"
    assert regions[theirs]["text"].startswith("Не горит фонарь")

    schools = exported(school)
    assert set(schools) == {theirs}
    assert schools[theirs]["contact_email"] == "ivan@example.ru"

    assert exported(boss)[theirs]["contact_email"] == "ivan@example.ru"
    ours = (region, school, boss)
    audits = [e for e in events(db) if e["type"] == "exported" and e["data"]["by"] in ours]
    assert [(e["data"]["by"], e["data"]["rows"]) for e in audits] == [
        (region, 2),
        (school, 1),
        (boss, 2),
    ]


def test_spreadsheet_formulas_in_an_appeal_are_exported_as_text(db, org, service, request):
    duty = add_user(db, unique(request, "duty@demo.ru"), "demo")
    filed = file(
        service.url, org.key, text='=HYPERLINK("http://evil.example","click")', address="@A1"
    )
    with signed_in(service.url, duty) as console:
        body = console.get("/console/export.csv", params={"type": "accepted"}).content
    table = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    row = next(row for row in table if row["number"] == filed["number"])
    assert row["text"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["address"] == "'@A1"


def test_an_event_id_in_other_digits_is_a_bad_cursor_not_a_server_error(db, org, service, request):
    """'²' is a digit to `str.isdigit` but not to `int()`: the log's `before` cursor answered
    500, and a Last-Event-ID of byte 0xB2 (latin-1 '²') broke the live stream off."""
    duty = add_user(db, unique(request, "duty@demo.ru"), "demo")
    logged_before = len(service.log())  # the module's server: only what this story caused
    with signed_in(service.url, duty) as console:
        for path in ("/console/log.json", "/console/log", "/console/export.csv"):
            answer = console.get(path, params={"before": "²"})
            assert answer.status_code == 400, (path, answer.status_code, answer.text[:200])
        bad = console.get(
            "/console/log.json", params={"before": "١٢"}, headers={"Accept": "application/json"}
        )
        assert [e["parameter"] for e in bad.json()["errors"]] == ["before"]
        with console.stream("GET", "/console/live", headers={"Last-Event-ID": b"\xb2"}) as stream:
            lines = stream.iter_lines()
            assert next(lines).startswith("retry:")
            filed = file(service.url, org.key)["number"]
            # the first appeal it sends is the new one: a bad cursor asks for no catch-up
            data = next(
                json.loads(line[6:])
                for line in lines
                if line.startswith("data: ") and '"type":"accepted"' in line.replace(" ", "")
            )
            assert data["number"] == filed
    assert "Traceback" not in service.log()[logged_before:]
