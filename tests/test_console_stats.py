"""Statistics: an operator sees their appeals of a period per day, organisation, category,
channel and status, the share answered and the median time to the first answer, as charts the
server draws (inline SVG) and as tables — never counting another organisation's appeals."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from console_helpers import add_user, own_org, sign_in_page, signed_in, unique

from conftest import appeal, bearer, run_cli, serious_violations, store

# One server and store for the module (tests/conftest.py, `module_service`): the story that reads
# exact totals files into an organisation of its own (`own_org`) and signs in as its operator;
# the accounts are each story's own (`unique`). No intake or sign-in limits: all comes from
# 127.0.0.1.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_CONSOLE_SIGNIN_ADDRESS="0",
)


def file(url: str, key: str, count: int, **changes: object) -> list[str]:
    ids = []
    for _ in range(count):
        answer = httpx.post(url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key))
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


def table_row(page: str, section: str, name: str) -> int:
    """The number beside `name` in the table of the section `section` (e.g. "per-category")."""
    part = page[page.index(f'id="{section}"') :]
    part = part[: part.index("</section>")]
    found = re.search(rf'<th scope="row">{re.escape(name)}</th><td>(\d+)</td>', part)
    assert found, f"no row {name} in {section}"
    return int(found.group(1))


def test_the_period_totals_charts_and_answer_times(db, service, request):
    own = own_org(db, request, "stats")
    other = own_org(db, request, "zarechye", "https://zarechye.example.ru")
    analyst = add_user(db, unique(request, "analyst@example.ru"), own.slug)
    roads = file(service.url, own.key, 3, category="roads")
    file(service.url, own.key, 2, category="street_lighting")
    file(service.url, other.key, 4, category="roads")  # another organisation's: never counted
    # The console stamps an answer with the moment it is given, and a story cannot wait hours:
    # it writes two answers' times itself, 2 and 4 hours after filing (the triggers follow).
    with store(db) as conn:
        for appeal_id, hours in zip(roads[:2], (2, 4), strict=True):
            created = conn.execute(
                "SELECT created_at FROM appeals WHERE id = ?", (appeal_id,)
            ).fetchone()[0]
            answered = datetime.fromisoformat(created) + timedelta(hours=hours)
            conn.execute(
                "UPDATE appeals SET status = 'answered', answered_at = ? WHERE id = ?",
                (answered.strftime("%Y-%m-%dT%H:%M:%S.000Z"), appeal_id),
            )
    with signed_in(service.url, analyst) as console:
        page = console.get("/console/stats").text
        roads_only = console.get("/console/stats", params={"category": "roads"}).text
        assert console.get("/console/stats", params={"org": other.slug}).status_code == 404
        long_ago = console.get("/console/stats", params={"from": "2020-01-01", "to": "2020-01-31"})
    assert re.search(r'<dd id="stats-total">5</dd>', page)
    assert re.search(r'<dd id="stats-answered">2 \(40 %\)</dd>', page)
    assert '<dd id="stats-median">3,0 ч</dd>' in page  # the middle of 2 and 4 hours
    assert table_row(page, "per-category", "Дороги") == 3
    assert table_row(page, "per-category", "Уличное освещение") == 2
    assert table_row(page, "per-org", f"Администрация {own.slug}") == 5
    assert table_row(page, "per-channel", "API") == 5
    assert table_row(page, "per-status", "Принято") == 3
    assert table_row(page, "per-status", "Дан ответ") == 2
    today = datetime.now(ZoneInfo("Europe/Moscow")).date().isoformat()  # the organisation's
    assert table_row(page, "per-day", today) == 5
    assert f"Администрация {other.slug}" not in page
    # Charts are inline SVG with titles a screen reader reads; no script draws them.
    assert page.count('<svg class="chart') == 6
    assert '<title id="chart-' in page and "<title>Дороги: 3</title>" in page
    assert "<script" not in page.split("</head>")[1]
    assert re.search(r'<dd id="stats-total">3</dd>', roads_only)
    assert re.search(r'<dd id="stats-total">0</dd>', long_ago.text)


def test_names_in_charts_are_text_never_markup(db, org, service, request):
    evil = unique(request, "evil")
    run_cli(db, "org", "add", evil, "--name", '<img src=x onerror=alert(1)>"', "--parent", "demo")
    evil_key = run_cli(db, "org", "key", evil).stdout.strip().splitlines()[-1]
    region = add_user(db, unique(request, "region@example.ru"), "demo")
    file(service.url, evil_key, 1, category="roads")
    with signed_in(service.url, region) as console:
        page = console.get("/console/stats").text
        board = console.get("/console/board").text
    for html in (page, board):
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_wrong_period_says_so_and_shows_the_last_30_days(db, org, service, request):
    analyst = add_user(db, unique(request, "analyst@example.ru"), "demo")
    file(service.url, org.key, 1, category="roads")
    with signed_in(service.url, analyst) as console:
        answer = console.get("/console/stats", params={"from": "вчера", "to": "2026-13-45"})
        last_30_days = console.get("/console/stats").text  # the page with no period asked
    assert answer.status_code == 400
    assert "Период указан неверно" in answer.text
    # demo's appeals of the module's stories too, this story's among them
    total = re.search(r'<dd id="stats-total">(\d+)</dd>', answer.text).group(1)
    assert int(total) >= 1
    assert f'<dd id="stats-total">{total}</dd>' in last_30_days


def test_an_appeal_filed_after_local_midnight_counts_on_the_local_day(db, service, request):
    """Filed in Moscow at 00:30 on 7 December (21:30 UTC on the 6th): the 7th, not the 6th."""
    own = own_org(db, request, "midnight")
    analyst = add_user(db, unique(request, "analyst@example.ru"), own.slug)
    (late,) = file(service.url, own.key, 1, category="roads")
    # A story cannot wait for midnight: it moves the time of filing (stored in UTC) and gives
    # an answer two hours later; the triggers move the counts.
    with store(db) as conn:
        conn.execute(
            "UPDATE appeals SET created_at = ?, status = 'answered', answered_at = ? WHERE id = ?",
            ("2025-12-06T21:30:00.000Z", "2025-12-06T23:30:00.000Z", late),
        )
    with signed_in(service.url, analyst) as console:
        page = console.get("/console/stats", params={"from": "2025-12-06", "to": "2025-12-07"})
        the_6th = console.get("/console/stats", params={"from": "2025-12-06", "to": "2025-12-06"})
    assert table_row(page.text, "per-day", "2025-12-07") == 1
    assert table_row(page.text, "per-day", "2025-12-06") == 0
    assert '<dd id="stats-total">0</dd>' in the_6th.text
    # the median reads the appeals filed between the local midnights too
    assert '<dd id="stats-median">2,0 ч</dd>' in page.text
    assert "часовому поясу организации: Europe/Moscow" in page.text
    assert "С (Europe/Moscow)" in page.text


def test_intake_counts_an_appeal_on_its_organisations_day(db, service, request):
    """An organisation far from UTC: today there is not today in UTC for half of each day, so
    the story takes whichever of the two zones differs now, and files through the API."""
    now = datetime.now(UTC)
    zone = "Pacific/Kiritimati" if now.hour >= 10 else "Pacific/Pago_Pago"  # UTC+14 / UTC-11
    own = own_org(db, request, "faraway")
    run_cli(db, "org", "set", own.slug, "--timezone", zone)
    analyst = add_user(db, unique(request, "analyst@example.ru"), own.slug)
    file(service.url, own.key, 2, category="roads")
    local_today, utc_today = datetime.now(ZoneInfo(zone)).date(), datetime.now(UTC).date()
    both = {"from": min(local_today, utc_today), "to": max(local_today, utc_today)}
    with signed_in(service.url, analyst) as console:
        page = console.get("/console/stats", params=both).text
        default = console.get("/console/stats").text  # the last 30 days up to today there
    assert local_today != utc_today
    assert table_row(page, "per-day", local_today.isoformat()) == 2
    assert table_row(page, "per-day", utc_today.isoformat()) == 0
    assert table_row(default, "per-day", local_today.isoformat()) == 2
    assert f"часовому поясу организации: {zone}" in page


def test_a_platform_user_counts_each_organisation_on_its_own_days(db, service, request):
    east = own_org(db, request, "east")
    run_cli(db, "org", "set", east.slug, "--timezone", "Asia/Vladivostok")
    platform = add_user(db, unique(request, "platform@example.ru"), platform=True)
    with signed_in(service.url, platform) as console:
        page = console.get("/console/stats").text
    assert "Обращения каждой организации считаются по дням её часового пояса" in page
    assert "Asia/Vladivostok" in page and "Europe/Moscow" in page


@pytest.mark.same_on_every_engine(
    "the page's width at 400 % zoom; its totals are counted on PostgreSQL by the stories above"
)
def test_the_page_fits_400_percent_zoom_without_sideways_scrolling(
    browser, db, service, request, tmp_path
):
    # 400 % zoom of a 1280-px window is a 320-px-wide one; a region's long organisation names
    # once made the organisation filter wider than that
    shots = Path(os.environ.get("POS_SCREENSHOTS", tmp_path))
    region = own_org(db, request, "zoomregion")
    child = unique(request, "zoomdistrict")
    long_name = "Администрация муниципального образования «Очень длинное название района»"
    run_cli(db, "org", "add", child, "--name", long_name, "--parent", region.slug)
    file(service.url, region.key, 3, category="roads")
    viewer = add_user(db, unique(request, "boss@example.ru"), region.slug)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = context.new_page()
    try:
        sign_in_page(page, service.url, viewer, then="/console/stats")
        assert long_name in page.locator("select#org").inner_text()
        for width, height in ((1280, 800), (375, 812), (320, 200)):
            page.set_viewport_size({"width": width, "height": height})
            assert page.evaluate("document.scrollingElement.scrollWidth - innerWidth") <= 0, width
            box = page.locator("select#org").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, width
            assert serious_violations(page) == []
            page.screenshot(path=str(shots / f"stats-{width}.png"), full_page=True)
    finally:
        context.close()


def test_the_periods_polls_and_their_participants_are_part_of_the_statistics(db, service, request):
    """A municipality's poll and its two voters show in its statistics; a neighbour's poll
    does not (the one rule of who sees what)."""
    from test_polls_api import ANSWERS, courtyard_vote

    mine, theirs = own_org(db, request, "polled"), own_org(db, request, "other")
    made = {}
    for org, title in ((mine, "Благоустройство дворов"), (theirs, "Чужой опрос")):
        reply = httpx.post(
            service.url + "/api/v1/polls",
            json=courtyard_vote(title=title),
            headers=bearer(org.key),
        )
        assert reply.status_code == 201, reply.text
        made[org.slug] = reply.json()["id"]
    for _ in range(2):
        vote = httpx.post(
            f"{service.url}/api/v1/polls/{made[mine.slug]}/votes", json={"answers": ANSWERS}
        )
        assert vote.status_code == 201, vote.text
    operator = add_user(db, unique(request, "stats-polls@example.ru"), mine.slug)
    with signed_in(service.url, operator) as console:
        page = console.get("/console/stats").text
    part = page[page.index('id="stats-polls"') :]
    assert "Благоустройство дворов" in part and "Чужой опрос" not in part
    assert "участников голосований: 2" in part


def median_shown(console: httpx.Client, **params: str) -> str:
    page = console.get("/console/stats", params=params).text
    return re.search(r'<dd id="stats-median">([^<]*)</dd>', page).group(1)


def test_the_median_follows_answers_reopening_forwarding_erasure_and_deletion(db, service, request):
    """The median is read from the answer times the triggers count in buckets (migration 26),
    not from the appeals: each change to an answered appeal must move its count, or the page
    drifts from what the appeals say. Three appeals of a topic no other story here answers
    (snow), answered 2, 4 and 10 hours after filing; the organisation's operators, and the
    platform's over the topic (its rows of every organisation), read the median after each
    change."""
    here, there = own_org(db, request, "median-here"), own_org(db, request, "median-there")
    ours = add_user(db, unique(request, "here@example.ru"), here.slug)
    theirs = add_user(db, unique(request, "there@example.ru"), there.slug)
    platform = add_user(db, unique(request, "root@example.ru"), platform=True)
    email = unique(request, "snow@example.ru")
    contact = {"name": "Ирина Снегова", "email": email, "phone": "+7 900 321-00-00"}
    two, four, ten = (
        file(service.url, here.key, 1, category="snow", contact=contact)[0] for _ in range(3)
    )
    # A story cannot wait hours: the times of filing move back before the console answers
    # (an unanswered appeal's filing time counts in no bucket).
    with store(db) as conn:
        for appeal_id, hours in ((two, 2), (four, 4), (ten, 10)):
            filed = datetime.now(UTC) - timedelta(hours=hours)
            conn.execute(
                "UPDATE appeals SET created_at = ? WHERE id = ?",
                (filed.strftime("%Y-%m-%dT%H:%M:%S.000Z"), appeal_id),
            )

    def seen() -> tuple[str, str, str]:
        with (
            signed_in(service.url, ours) as mine,
            signed_in(service.url, theirs) as neighbour,
            signed_in(service.url, platform) as root,
        ):
            return median_shown(mine), median_shown(neighbour), median_shown(root, category="snow")

    with signed_in(service.url, ours) as console:
        for appeal_id in (two, four, ten):
            answer = console.post_form(f"/console/appeals/{appeal_id}/answer", {"text": "Убрали."})
            assert answer.status_code == 303, answer.text
    assert seen() == ("4,0 ч", "—", "4,0 ч")

    # Reopened and answered again: the first answer's time stays the one counted, once
    with signed_in(service.url, ours) as console:
        for action, data in (("status", {"status": "in_progress"}), ("answer", {"text": "Ещё."})):
            assert console.post_form(f"/console/appeals/{two}/{action}", data).status_code == 303
        page = console.get("/console/stats").text
    assert '<dd id="stats-answered">3 (100 %)</dd>' in page
    assert seen() == ("4,0 ч", "—", "4,0 ч")

    # Reopened and forwarded to another organisation: its time goes with it
    with signed_in(service.url, ours) as console:
        reopened = console.post_form(f"/console/appeals/{ten}/status", {"status": "in_progress"})
        assert reopened.status_code == 303
    with signed_in(service.url, platform) as console:
        moved = console.post_form(f"/console/appeals/{ten}/forward", {"to": there.slug})
        assert moved.status_code == 303, moved.text
    assert seen() == ("3,0 ч", "10,0 ч", "4,0 ч")  # the middle of 2 and 4 hours here

    # The citizen's data erased: the appeals and their times stay counted
    run_cli(db, "citizen", "erase", "--email", email, "--reason", "заявление 5")
    assert seen() == ("3,0 ч", "10,0 ч", "4,0 ч")

    # An appeal deleted behind the service's back (an administrator's SQL): its time goes
    with store(db) as conn:
        conn.execute("DELETE FROM appeals WHERE id = ?", (four,))
    assert seen() == ("2,0 ч", "10,0 ч", "6,0 ч")
