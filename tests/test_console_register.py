"""The register of appeals at /console: one row per appeal, in the one-click views an operator
works from (open, mine, unassigned, overdue, new today, waiting for the citizen, closed),
sorted by the answer date, changed several at once — and never another organisation's."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from console_helpers import PASSWORD, add_user, signed_in

from intake_service.console import register_queries
from intake_service.console.log_filter import LogFilter
from intake_service.console.register_filter import VIEWS, Cursor, RegisterAsk
from intake_service.store import connect

from conftest import appeal, bearer, events, make_org, serious_violations, store

SHOTS = "/tmp/register-shots"


def file(url: str, key: str, **changes: object) -> dict:
    answer = httpx.post(url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key))
    assert answer.status_code == 201, answer.text
    return answer.json()


def listed(console, **params: str) -> list[str]:
    """The numbers the register shows, top to bottom."""
    page = console.get("/console", params=params)
    assert page.status_code == 200, page.text[:500]
    return re.findall(r'<tr id="a-([^"]+)"', page.text)


@pytest.fixture
def desk(db, org, service):
    """The demo organisation's desk: six appeals in the states an operator's day holds, one of
    them filed three days ago and one overdue; a colleague; and another organisation's appeal."""
    ops = add_user(db, "ops@demo.example.ru", org.slug)
    mate = add_user(db, "mate@demo.example.ru", org.slug)
    other = make_org(db, "other")
    add_user(db, "ops@other.example.ru", other.slug)
    names = ("old", "mine", "late", "asks", "refused", "plain")
    filed = {
        name: file(service.url, org.key, text=f"Обращение «{name}» о фонарях") for name in names
    }
    filed["foreign"] = file(service.url, other.key, text="Чужое обращение о фонарях")
    with signed_in(service.url, ops) as console:
        for name, action, data in (
            ("mine", "assign", {"to": "me"}),
            ("old", "assign", {"to": mate}),
            ("asks", "clarify", {"question": "Уточните адрес, пожалуйста"}),
            ("refused", "status", {"status": "rejected", "reason": "Не по адресу"}),
        ):
            done = console.post_form(f"/console/appeals/{filed[name]['id']}/{action}", data)
            assert done.status_code == 303, (name, done.text[:300])

    def days_ago(days: int) -> datetime:
        return datetime.now(UTC) - timedelta(days=days)

    with store(db) as conn:  # the calendar moves on: one was filed days ago, one is late
        conn.execute(
            "UPDATE appeals SET created_at = ? WHERE id = ?",
            (days_ago(3).strftime("%Y-%m-%dT%H:%M:%S.000Z"), filed["old"]["id"]),
        )
        conn.execute(  # filed 40 days ago, due 30 days after: ten days late
            "UPDATE appeals SET created_at = ?, answer_due = ? WHERE id = ?",
            (
                days_ago(40).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                days_ago(10).strftime("%Y-%m-%d"),
                filed["late"]["id"],
            ),
        )
    numbers = {name: filed[name]["number"] for name in filed}
    return ops, mate, filed, numbers


def test_each_view_lists_exactly_its_appeals_one_row_each(service, desk):
    ops, _, _, n = desk
    with signed_in(service.url, ops) as console:
        assert listed(console) == [n["plain"], n["asks"], n["late"], n["mine"], n["old"]]
        assert listed(console, view="mine") == [n["mine"]]
        assert listed(console, view="unassigned") == [n["plain"], n["asks"], n["late"]]
        assert listed(console, view="overdue") == [n["late"]]
        assert listed(console, view="today") == [n["plain"], n["refused"], n["asks"], n["mine"]]
        assert listed(console, view="waiting") == [n["asks"]]
        assert listed(console, view="closed") == [n["refused"]]
        every = listed(console, view="all")
        assert sorted(every) == sorted(n[k] for k in n if k != "foreign")
        # the answer date first: the late one leads
        assert listed(console, sort="due")[0] == n["late"]
        # filters and search as the log has them
        assert listed(console, view="all", status="rejected") == [n["refused"]]
        page = console.get("/console").text
        assert "Просрочено" in page or "просроч" in page.lower()
        assert "Europe/Moscow" in page  # the times' zone is named
        assert 'aria-current="page">Открытые' in page
        assert console.get("/console", params={"view": "someday"}).status_code == 400


def test_the_register_pages_by_keyset_through_every_row(db, service, desk):
    """Pages of two rows, followed by their cursors, give the whole view once, in order."""
    ops = desk[0]
    with signed_in(service.url, ops) as console:
        for sort in ("received", "due"):
            whole = listed(console, view="all", sort=sort)
            conn = connect(db)
            org_ids = frozenset(
                r[0] for r in conn.execute("SELECT id FROM orgs WHERE slug = 'demo'")
            )
            ask = RegisterAsk(f=LogFilter(org_ids=org_ids), view="all", sort=sort, me=1)
            paged: list[str] = []
            while True:
                rows, cursor = register_queries.page(conn, ask, limit=2)
                paged += [r["number"] for r in rows]
                if cursor is None:
                    break
                ask = RegisterAsk(f=ask.f, view="all", sort=sort, after=cursor, me=1)
            conn.close()
            assert paged == whole and len(whole) == 6, sort


def test_bulk_changes_go_through_each_appeals_own_change_and_refuse_strangers(db, service, desk):
    ops, mate, filed, n = desk
    chosen = [filed["plain"]["id"], filed["late"]["id"], filed["foreign"]["id"], "no-such-id"]
    with signed_in(service.url, ops) as console:
        done = console.post_form(
            "/console/register/bulk",
            {"action": "assign", "to": mate, "appeal": chosen, "back": "view=unassigned"},
        )
        assert done.status_code == 303
        assert done.headers["location"].startswith("/console?view=unassigned")
        after = console.get(done.headers["location"]).text
        assert "Изменено обращений: 2. Отклонено: 2." in after
        assert listed(console, view="unassigned") == [n["asks"]]
        moved = console.post_form(
            "/console/register/bulk",
            {"action": "status", "status": "in_progress", "appeal": [filed["plain"]["id"]]},
        )
        assert moved.status_code == 303
        severe = console.post_form(
            "/console/register/bulk",
            {"action": "severity", "severity": "high", "appeal": [filed["late"]["id"]]},
        )
        assert severe.status_code == 303
        # without the CSRF token nothing changes
        forged = console.post(
            "/console/register/bulk",
            data={"action": "severity", "severity": "low", "appeal": filed["late"]["id"]},
            headers={"Origin": service.url},
        )
        assert forged.status_code == 403
    assigned = [e for e in events(db) if e["type"] == "assigned" and e["data"].get("to") == mate]
    assert {e["appeal_id"] for e in assigned} >= {filed["plain"]["id"], filed["late"]["id"]}
    assert filed["foreign"]["id"] not in {e["appeal_id"] for e in events(db) if e["type"] in (
        "assigned", "status", "severity")}  # fmt: skip
    with store(db) as conn:
        rows = {
            r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, status, severity FROM appeals")
        }
    assert rows[filed["plain"]["id"]][0] == "in_progress"
    assert rows[filed["late"]["id"]][1] == "high"
    assert rows[filed["foreign"]["id"]] == ("accepted", None)
    with signed_in(service.url, "ops@other.example.ru") as theirs:
        page = theirs.get("/console").text
        assert n["foreign"] in page and mate not in page


def test_every_view_reads_the_appeals_on_an_index(db, service, desk):
    """EXPLAIN QUERY PLAN of each query a view's page runs: the appeals are searched on an
    index, never scanned whole."""
    conn = connect(db)
    if not isinstance(conn, sqlite3.Connection):
        conn.close()
        pytest.skip("SQLite's plans")
    conn.row_factory = sqlite3.Row
    org_ids = frozenset(r[0] for r in conn.execute("SELECT id FROM orgs WHERE slug = 'demo'"))
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    for view in VIEWS:
        for sort in ("received", "due"):
            ask = RegisterAsk(
                f=LogFilter(org_ids=org_ids),
                view=view,
                sort=sort,
                after=Cursor(10**9) if sort == "received" else Cursor(1, due="2000-01-01"),
                me=1,
                today="2026-12-07",
                today_from="2026-12-06T21:00:00.000Z",
            )
            register_queries.page(conn, ask, limit=2)
    conn.set_trace_callback(None)
    conn.close()
    reads = [s for s in statements if "FROM appeals a" in s and "a.seq IN" not in s]
    assert reads
    for sql in reads:
        with store(db) as plans:
            plan = " | ".join(r[3] for r in plans.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SCAN a" not in plan.replace("SCAN a USING", "USING"), (sql, plan)
        assert "USING" in plan and "INDEX" in plan, (sql, plan)


@pytest.mark.same_on_every_engine(
    "keys, layout and axe in the browser; the views' rows are read on PostgreSQL by the stories above"
)
def test_keyboard_moves_and_opens_and_the_page_fits(browser, service, desk):
    ops, _, filed, n = desk
    import os

    os.makedirs(SHOTS, exist_ok=True)
    for width, height in ((1280, 800), (375, 812)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
        page = context.new_page()
        try:
            page.goto(service.url + "/console/signin")
            page.get_by_label("Электронная почта").fill(ops)
            page.get_by_label("Пароль").fill(PASSWORD)
            page.get_by_role("button", name="Войти").click()
            page.wait_for_url(service.url + "/console")
            assert page.get_by_role("link", name="Обращения").get_attribute("aria-current")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"scrolls sideways by {overflow}px at {width}"
            assert serious_violations(page) == []
            page.screenshot(path=f"{SHOTS}/register-{width}.png", full_page=True)
            page.goto(service.url + "/console/log")
            assert (
                page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                <= 0
            )
            assert serious_violations(page) == []
            page.screenshot(path=f"{SHOTS}/log-{width}.png", full_page=True)
            page.goto(service.url + "/console")
            page.keyboard.press("j")
            page.keyboard.press("j")
            page.keyboard.press("k")
            page.keyboard.press("j")
            focused = page.locator("#register-rows tr.focused")
            assert focused.count() == 1 and n["asks"] in focused.inner_text()
            page.keyboard.press("Enter")
            page.wait_for_url(f"{service.url}/console/appeals/{filed['asks']['id']}")
            page.goto(service.url + "/console")
            page.keyboard.press("/")
            assert page.evaluate("document.activeElement.id") == "f-q"
        finally:
            context.close()


def test_the_log_moved_and_its_audit_view_is_for_admins(db, service, desk):
    ops, _, _, n = desk
    boss = add_user(db, "boss@demo.example.ru", "demo", role="admin")
    with signed_in(service.url, ops) as console:
        rows = console.get("/console/log.json").json()["rows"]
        assert rows and not {r["type"] for r in rows} & {"signed_in", "signin_failed"}
        assert console.get("/console/log", params={"view": "audit"}).status_code == 403
        log = console.get("/console/log").text
        assert n["plain"] in log and "Аудит" not in log
        assert 'С даты (<span lang="en">Europe/Moscow</span>)' in log  # local days, zone named
        # today in Moscow holds today's appeals; a day long past holds none
        moscow_today = (datetime.now(UTC) + timedelta(hours=3)).date().isoformat()
        found = console.get("/console/log.json", params={"from": moscow_today}).json()["rows"]
        assert n["plain"] in {r["number"] for r in found}
        assert console.get("/console/log.json", params={"to": "2000-01-01"}).json()["rows"] == []
    with signed_in(service.url, boss) as admin:
        audit = admin.get("/console/log.json", params={"view": "audit"}).json()["rows"]
        assert audit and {r["type"] for r in audit} <= {
            "signed_in", "signin_failed", "signed_out", "password_changed", "user_changed",
            "site_changed", "exported",
        }  # fmt: skip
        assert "signed_in" in {r["type"] for r in audit}
        page = admin.get("/console/log", params={"view": "audit"}).text
        assert 'aria-current="page">Аудит' in page
