"""Legal deadlines: counted in working days across weekends and holidays (an injected clock),
set on every appeal, shortened by the fast track, flagged when overdue, and the operators'
daily digest of what is overdue."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import httpx
import pytest
from console_helpers import PASSWORD, add_user, signed_in
from mail_server import text_of

from intake_service.lifecycle.deadlines import (
    CalendarError,
    due_dates,
    extended,
    is_overdue,
    load_calendar,
)

from conftest import CLI, Service, appeal, bearer, make_org, run_cli, store

MOSCOW = ZoneInfo("Europe/Moscow")
WORKING = load_calendar("working")


def at(text: str) -> dt.datetime:
    """A moment in Moscow, as the clock the deadlines are counted from."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=MOSCOW)


def test_a_message_filed_on_friday_evening_counts_from_monday():
    due = due_dates("message", False, at("2026-11-20T21:30"), MOSCOW, WORKING)
    # 30 working days from Monday 23 November: 28 of them by 30 December, then 31 December
    # and 1–8 January are off (2–3 and 9–10 January a weekend): the 30th is 12 January
    assert due.register is None and due.answer == dt.date(2027, 1, 12)
    assert due_dates("message", True, at("2026-11-20T21:30"), MOSCOW, WORKING).answer == dt.date(
        2026, 12, 4
    )  # the fast track: 10 working days


def test_the_new_year_holidays_do_not_count():
    due = due_dates("official", False, at("2026-12-29T10:00"), MOSCOW, WORKING)
    # registered within 3 working days: 30 December, then 31 December and 1–9 January are off
    assert due.register == dt.date(2027, 1, 12)
    assert extended(due.answer, WORKING) > due.answer


def test_the_day_is_the_organisations_and_calendar_days_ignore_weekends():
    late_utc = dt.datetime(2026, 11, 20, 22, 30, tzinfo=dt.UTC)  # already Saturday in Moscow
    calendar = load_calendar("calendar")
    assert due_dates("message", True, late_utc, MOSCOW, calendar).answer == dt.date(2026, 12, 1)
    assert is_overdue("2026-11-20", MOSCOW, late_utc)
    assert not is_overdue("2026-11-21", MOSCOW, late_utc)


def test_a_working_saturday_from_the_file_counts(tmp_path):
    holidays = tmp_path / "holidays.txt"
    holidays.write_text("# test calendar\n2026-11-23\n+2026-11-21\n", encoding="utf-8")
    calendar = load_calendar("working", str(holidays))
    # filed Friday: Saturday 21st is a working day, Monday 23rd a holiday
    assert calendar.add_days(dt.date(2026, 11, 20), 2) == dt.date(2026, 11, 24)


def test_a_bad_holidays_file_stops_the_service_with_the_line_named(tmp_path):
    holidays = tmp_path / "holidays.txt"
    holidays.write_text("2026-01-01\n2026-13-45\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="line 2"):
        load_calendar("working", str(holidays))
    import subprocess

    started = subprocess.run(
        [*CLI, "serve", "--db", str(tmp_path / "x.db")],
        env={**__import__("os").environ, "POS_HOLIDAYS_FILE": str(holidays)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert started.returncode == 1
    assert "line 2" in started.stderr and "2026-13-45" in started.stderr


def test_due_dates_are_set_the_fast_track_is_per_category_and_overdue_is_flagged(
    tmp_path, mail_server
):
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    run_cli(db, "org", "category", "manturovo", "roads", "--fast-track", "on")
    add_user(db, "op@manturovo.example.ru", org="manturovo")
    # one colleague's account is made English; another reads the console in English
    run_cli(db, "user", "add", "en@manturovo.example.ru", "--org", "manturovo", "--lang", "en",
            "--password", PASSWORD)  # fmt: skip
    add_user(db, "reader@manturovo.example.ru", org="manturovo")
    env = {**mail_server.env, "POS_DIGEST_HOUR": "0"}  # the hour has come in any zone
    service = Service(db, env=env).start()
    try:
        english = httpx.get(f"{service.url}/console/signin?lang=en").text
        assert 'name="lang" value="en"' in english
        reader = httpx.post(
            f"{service.url}/console/signin",
            data={"email": "reader@manturovo.example.ru", "password": PASSWORD, "lang": "en"},
            headers={"Origin": service.url},
        )
        assert reader.status_code == 303, reader.text
        filed = {}
        for category in ("roads", "housing"):
            reply = httpx.post(
                f"{service.url}/api/v1/appeals",
                json=appeal(category=category),
                headers=bearer(org.key),
            )
            token = reply.json()["tracking_url"].rsplit("/", 1)[1]
            status = httpx.get(f"{service.url}/api/v1/status/{token}").json()
            filed[category] = (reply.json(), status["answer_due"])
        today = dt.datetime.now(MOSCOW).date()
        fast, slow = (dt.date.fromisoformat(filed[c][1]) for c in ("roads", "housing"))
        assert today < fast < slow
        assert (slow - today).days >= 30 and (fast - today).days < 20

        service.stop()
        with store(db) as conn:  # the clock moves: the road appeal's date has passed
            conn.execute(
                "UPDATE appeals SET answer_due = '2026-01-12' WHERE id = ?",
                (filed["roads"][0]["id"],),
            )
        service.start()  # the day's first look after the digest hour
        with signed_in(service.url, "op@manturovo.example.ru") as console:
            rows = console.get("/console/log.json", headers={"Accept": "application/json"})
            late = {
                r["number"]: r["overdue"] for r in rows.json()["rows"] if r["type"] == "accepted"
            }
            page = console.get(f"/console/appeals/{filed['roads'][0]['id']}").text
            # "overdue only": the log shows the late appeal's events and nothing else
            only_late = console.get(
                "/console/log.json?due=overdue", headers={"Accept": "application/json"}
            ).json()["rows"]
            log_page = console.get("/console/log?due=overdue").text
            bad = console.get("/console/log.json?due=soon", headers={"Accept": "application/json"})
        assert only_late and {r["number"] for r in only_late} == {filed["roads"][0]["number"]}
        assert 'name="due" type="checkbox" value="overdue" checked' in log_page
        assert filed["housing"][0]["number"] not in log_page
        assert bad.status_code == 400 and "overdue" in bad.text
        assert late == {filed["roads"][0]["number"]: True, filed["housing"][0]["number"]: False}
        assert "Просрочено" in page
        # the daily digest: the operator hears of it once, with a link to the appeal
        [digest] = mail_server.wait_for("op@manturovo.example.ru")
        assert "Просроченные обращения: 1" in digest["Subject"]
        body = text_of(digest)
        assert filed["roads"][0]["number"] in body and filed["housing"][0]["number"] not in body
        assert f"/console/appeals/{filed['roads'][0]['id']}" in body
        assert "(Дороги), срок 12 января 2026 г." in body  # in words, not codes
        # each colleague reads it in the language of their console
        for colleague in ("en@manturovo.example.ru", "reader@manturovo.example.ru"):
            [english] = mail_server.wait_for(colleague)
            assert english["Subject"].endswith("Overdue appeals: 1"), english["Subject"]
            assert filed["roads"][0]["number"] in text_of(english)
            assert "(Roads), due 12 January 2026" in text_of(english)
    finally:
        service.stop()
    service.start()  # a restart sends no second digest today
    try:
        time.sleep(3)
        assert len(mail_server.to("op@manturovo.example.ru")) == 1
    finally:
        service.stop()


def test_appeals_stored_before_due_dates_existed_get_them_at_the_next_start(tmp_path):
    """An upgrade from a release without due dates: its appeals have none, so none could ever be
    flagged. The first start after the upgrade dates each one from the day it was filed — a
    message of 5 January long overdue, an official appeal of today still waiting — and the
    console then flags the old one like any other."""
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    add_user(db, "op@manturovo.example.ru", org="manturovo")
    service = Service(db, env={"POS_DIGEST_HOUR": "-1"}).start()
    try:
        old, new = (
            httpx.post(
                f"{service.url}/api/v1/appeals", json=appeal(kind=kind), headers=bearer(org.key)
            ).json()
            for kind in ("message", "official")
        )
    finally:
        service.stop()
    with store(db) as conn:  # as the older release left them
        conn.execute("UPDATE appeals SET register_due = NULL, answer_due = NULL")
        conn.execute(
            "UPDATE appeals SET created_at = '2026-01-05T09:00:00.000Z' WHERE id = ?", (old["id"],)
        )
        conn.execute("DELETE FROM meta WHERE key = 'due_dates_backfilled'")
    service.start()
    try:
        deadline = time.monotonic() + 15
        dates: dict[str, object] = {}
        while time.monotonic() < deadline:
            with store(db) as conn:
                dates = {
                    row["id"]: (row["register_due"], row["answer_due"])
                    for row in conn.execute("SELECT id, register_due, answer_due FROM appeals")
                }
            if all(answer for _, answer in dates.values()):
                break
            time.sleep(0.2)
        fast = due_dates("message", True, at("2026-01-05 12:00"), MOSCOW, WORKING)
        assert dates[old["id"]] == (None, fast.answer.isoformat())  # lighting: the fast track
        today = dt.datetime.now(MOSCOW)
        official = due_dates("official", False, today, MOSCOW, WORKING)
        assert dates[new["id"]] == (official.register.isoformat(), official.answer.isoformat())
        token = new["tracking_url"].rsplit("/", 1)[1]
        status = httpx.get(f"{service.url}/api/v1/status/{token}").json()
        assert status["answer_due"] == official.answer.isoformat()
        with signed_in(service.url, "op@manturovo.example.ru") as console:
            late = console.get(
                "/console/log.json?due=overdue", headers={"Accept": "application/json"}
            ).json()["rows"]
        assert {r["number"] for r in late} == {old["number"]}
    finally:
        service.stop()


def test_an_old_appeal_keeps_its_fast_track_after_its_category_is_turned_off(tmp_path):
    """A street-lighting message (the fast track: 10 working days) filed before due dates
    existed, in a category the organisation has since turned off: the upgrade's backfill dates
    it as it was filed — ten days, not the thirty of an unknown category — so that it is
    flagged overdue as early as the law has it."""
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    service = Service(db, env={"POS_DIGEST_HOUR": "-1"}).start()
    try:
        filed = httpx.post(
            f"{service.url}/api/v1/appeals", json=appeal(), headers=bearer(org.key)
        ).json()
    finally:
        service.stop()
    run_cli(db, "org", "category", "manturovo", "street_lighting", "--off")
    with store(db) as conn:  # as the older release left it
        conn.execute("UPDATE appeals SET register_due = NULL, answer_due = NULL")
        conn.execute("UPDATE appeals SET created_at = '2026-01-05T09:00:00.000Z'")
        conn.execute("DELETE FROM meta WHERE key = 'due_dates_backfilled'")
    service.start()
    try:
        deadline = time.monotonic() + 15
        answer_due = None
        while time.monotonic() < deadline and answer_due is None:
            with store(db) as conn:
                answer_due = conn.execute(
                    "SELECT answer_due FROM appeals WHERE id = ?", (filed["id"],)
                ).fetchone()[0]
            time.sleep(0.2)
    finally:
        service.stop()
    fast = due_dates("message", True, at("2026-01-05 12:00"), MOSCOW, WORKING)
    assert answer_due == fast.answer.isoformat()
