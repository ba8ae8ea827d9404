"""Appeals reach the competent body: by a routing rule at intake, or forwarded by hand by an
operator — the new organisation sees it in its log and queue, the citizen is told."""

from __future__ import annotations

import httpx
from console_helpers import add_user, signed_in
from mail_server import text_of

from conftest import Service, appeal, bearer, events, make_org, run_cli


def _queue(service: Service, key: str) -> list[dict]:
    reply = httpx.get(f"{service.url}/api/v1/queue", headers=bearer(key))
    return reply.json()["messages"]


def _file(service: Service, key: str, **changes) -> dict:
    reply = httpx.post(
        f"{service.url}/api/v1/appeals",
        json=appeal(contact={"name": "Анна", "email": "anna@example.ru"}, **changes),
        headers=bearer(key),
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_rules_are_checked_when_set(db):
    make_org(db, "city", "https://city.example.ru")
    make_org(db, "light", "https://light.example.ru")
    assert run_cli(db, "org", "route", "city", "street_lighting", "--to", "light").returncode == 0
    loop = run_cli(db, "org", "route", "light", "street_lighting", "--to", "city", check=False)
    assert loop.returncode != 0 and "loop" in loop.stderr
    unknown = run_cli(db, "org", "route", "city", "potholes", "--to", "light", check=False)
    assert unknown.returncode != 0 and "no category 'potholes'" in unknown.stderr
    itself = run_cli(db, "org", "route", "city", "roads", "--to", "city", check=False)
    assert itself.returncode != 0
    assert "street_lighting      → light" in run_cli(db, "org", "routes", "city").stdout


def test_a_rule_sends_street_lighting_to_the_utility(tmp_path, mail_server):
    db = tmp_path / "pos.db"
    city = make_org(db, "city", "https://city.example.ru")
    light = make_org(db, "light", "https://light.example.ru")
    run_cli(db, "org", "route", "city", "street_lighting", "--to", "light")
    service = Service(db, env=mail_server.env).start()
    try:
        lamp = _file(service, city.key, category="street_lighting")
        road = _file(service, city.key, category="roads")
        assert lamp["number"].startswith("LIGHT-") and road["number"].startswith("CITY-")
        assert [m["message_id"] for m in _queue(service, light.key)] == [lamp["id"]]
        assert [m["message_id"] for m in _queue(service, city.key)] == [road["id"]]
        [mail] = [
            m for m in mail_server.wait_for("anna@example.ru", 2) if lamp["number"] in m["Subject"]
        ]
        assert "направлено в Администрацию light." in text_of(mail)  # the competent body
    finally:
        service.stop()
    routed = [e for e in events(db) if e["type"] == "routed"]
    assert [(e["org"], e["data"]["to"]) for e in routed] == [("city", "light")]


def test_an_operator_forwards_by_hand_and_the_new_body_takes_it_over(tmp_path, mail_server):
    db = tmp_path / "pos.db"
    region = make_org(db, "region", "https://region.example.ru")
    run_cli(db, "org", "add", "district", "--name", "Район", "--parent", "region")
    district_key = run_cli(db, "org", "key", "district").stdout.strip().splitlines()[-1]
    add_user(db, "op@region.example.ru", org="region")
    add_user(db, "op@district.example.ru", org="district")
    service = Service(db, env=mail_server.env).start()
    try:
        filed = _file(service, region.key, category="roads")
        with signed_in(service.url, "op@district.example.ru") as stranger:
            assert stranger.get(f"/console/appeals/{filed['id']}").status_code == 404
            refused = stranger.post_form(
                f"/console/appeals/{filed['id']}/forward", {"to": "district"}
            )
            assert refused.status_code == 404
        with signed_in(service.url, "op@region.example.ru") as console:
            page = console.get(f"/console/appeals/{filed['id']}").text
            assert 'value="district"' in page
            moved = console.post_form(f"/console/appeals/{filed['id']}/forward", {"to": "district"})
            assert moved.status_code == 303
        assert [m["message_id"] for m in _queue(service, district_key)] == [filed["id"]]
        with signed_in(service.url, "op@district.example.ru") as console:
            assert console.get(f"/console/appeals/{filed['id']}").status_code == 200
            closed = console.post_form(
                f"/console/appeals/{filed['id']}/answer", {"text": "Яму засыпали."}
            )
            assert closed.status_code == 303
            again = console.post_form(f"/console/appeals/{filed['id']}/forward", {"to": "region"})
            assert again.status_code == 422 and "Закрытое" in again.text
        token = filed["tracking_url"].rsplit("/", 1)[1]
        status = httpx.get(f"{service.url}/api/v1/status/{token}").json()
        assert status["org"]["slug"] == "district"
        assert any(h["title"] == "Передано в Район" for h in status["history"])
        routed = [
            m for m in mail_server.wait_for("anna@example.ru", 3) if "передано" in m["Subject"]
        ]
        assert "Район" in text_of(routed[0])
    finally:
        service.stop()
    assert {e["org"] for e in events(db) if e["type"] == "routed"} == {"region", "district"}


def test_an_official_appeal_must_be_forwarded_within_seven_days_of_registration(
    tmp_path, mail_server
):
    """59-ФЗ art. 8: an appeal outside the body's competence goes to the competent body within
    seven days of its registration. Registering an official appeal — in the console or by the
    agency's own system — shows that date on the appeal's page; past it the page says so, and a
    forward made later is logged as late. The new body's periods start afresh."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from conftest import store

    db = tmp_path / "pos.db"
    region = make_org(db, "region", "https://region.example.ru")
    run_cli(db, "org", "add", "district", "--name", "Район", "--parent", "region")
    add_user(db, "op@region.example.ru", org="region")
    add_user(db, "op@district.example.ru", org="district")
    env = {**mail_server.env, "POS_DEADLINE_DAYS": "calendar"}
    service = Service(db, env=env).start()
    try:
        by_console = _file(service, region.key, kind="official", category="roads")
        by_system = _file(service, region.key, kind="official", category="roads")
        message = _file(service, region.key, category="roads")
        week = dt.datetime.now(ZoneInfo("Europe/Moscow")).date() + dt.timedelta(days=7)
        registered = httpx.post(
            f"{service.url}/api/v1/appeals/{by_system['number']}/status",
            json={"status": "registered"},
            headers={**bearer(region.key), "Idempotency-Key": "reg-1"},
        )
        assert registered.status_code == 200, registered.text
        with signed_in(service.url, "op@region.example.ru") as console:
            for filed in (by_console, message):
                done = console.post_form(
                    f"/console/appeals/{filed['id']}/status", {"status": "registered"}
                )
                assert done.status_code == 303, done.text
            for filed in (by_console, by_system):
                page = console.get(f"/console/appeals/{filed['id']}").text
                assert "Срок переадресации" in page
                assert f"{week.day} " in page.split('id="appeal-forward-due"')[1][:40]
            # a message is no official appeal: 59-ФЗ's seven days are not its
            assert "Срок переадресации" not in console.get(f"/console/appeals/{message['id']}").text
            with store(db) as conn:  # the clock moves past the seven days
                conn.execute(
                    "UPDATE appeals SET forward_due = '2026-01-12', answer_due = '2026-02-09' "
                    "WHERE id = ?",
                    (by_console["id"],),
                )
            late = console.get(f"/console/appeals/{by_console['id']}").text
            assert "Просрочено" in late.split('id="appeal-forward-due"')[1][:200]
            moved = console.post_form(
                f"/console/appeals/{by_console['id']}/forward", {"to": "district"}
            )
            assert moved.status_code == 303
            on_time = console.post_form(
                f"/console/appeals/{by_system['id']}/forward", {"to": "district"}
            )
            assert on_time.status_code == 303
        with signed_in(service.url, "op@district.example.ru") as console:
            page = console.get(f"/console/appeals/{by_console['id']}").text
            assert "Срок переадресации" not in page  # the district registers it anew
            assert "переадресовано позже 7 дней со дня регистрации" in page
        # the district's own periods run from the day it received the appeal
        today = dt.datetime.now(ZoneInfo("Europe/Moscow")).date()
        token = by_console["tracking_url"].rsplit("/", 1)[1]
        status = httpx.get(f"{service.url}/api/v1/status/{token}").json()
        assert status["answer_due"] == (today + dt.timedelta(days=30)).isoformat()
        assert status["register_due"] == (today + dt.timedelta(days=3)).isoformat()
    finally:
        service.stop()
    routed = {
        e["appeal_id"]: e["data"].get("late", False)
        for e in events(db)
        if e["type"] == "routed" and e["org"] == "region"
    }
    assert routed == {by_console["id"]: True, by_system["id"]: False}


def test_a_queue_never_hands_out_an_appeal_that_is_no_longer_its_organisations(db):
    """A message left in an organisation's queue for an appeal that has since gone elsewhere —
    as a forward made before forwards withdrew the old queue's rows left it — is withdrawn when
    the queue is pulled, with an event, instead of handing another body's appeal (and its
    citizen's contact) to the old organisation's system."""
    from conftest import store

    city = make_org(db, "city", "https://city.example.ru")
    light = make_org(db, "light", "https://light.example.ru")
    service = Service(db).start()
    try:
        gone = _file(service, city.key, category="roads")
        kept = _file(service, city.key, category="roads")
        with store(db) as conn:
            conn.execute(
                "UPDATE appeals SET target_org_id = (SELECT id FROM orgs WHERE slug = 'light') "
                "WHERE id = ?",
                (gone["id"],),
            )
        assert [m["message_id"] for m in _queue(service, city.key)] == [kept["id"]]
        assert _queue(service, city.key) == []
        assert _queue(service, light.key) == []  # its own rows come with a forward, not this
    finally:
        service.stop()
    [withdrawn] = [e for e in events(db) if e["type"] == "withdrawn"]
    assert (withdrawn["org"], withdrawn["appeal_id"]) == ("city", gone["id"])
    assert withdrawn["data"]["to"] == "light"
