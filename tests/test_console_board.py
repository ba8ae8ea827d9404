"""The heat board: an operator sees their organisations × categories, the busy and serious topic
glowing hotter than a calm one, with a legend that says how the heat is made; a region sees a
row per district; the weekly tension index compares this week with the last; the board follows
new appeals live, also on a wall monitor; nobody sees another organisation's cells."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from console_helpers import PASSWORD, add_user, own_org, signed_in, unique
from playwright.sync_api import expect

from intake_service.statuses import Status, open_statuses
from intake_service.store import open_database

from conftest import Service, appeal, bearer, make_org, run_cli, serious_violations, store

# One server and store for the module (tests/conftest.py, `module_service`): a story that reads
# cells' counts files into an organisation of its own (`own_org`) and signs in as its operator,
# so that the module's other appeals are not on its board; the accounts are each story's own
# (`unique`). No intake or sign-in limits: all comes from 127.0.0.1.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_CONSOLE_SIGNIN_ADDRESS="0",
)


def file(service: Service, key: str, count: int = 1, **changes: object) -> list[str]:
    """File appeals through the API, as an agency's back end does; their ids."""
    ids = []
    for _ in range(count):
        answer = httpx.post(
            service.url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key)
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


def set_severity(url: str, email: str, ids: list[str], severity: str) -> None:
    """An operator sets the severity on each appeal's page, as in the console."""
    with signed_in(url, email) as console:
        for appeal_id in ids:
            answer = console.post_form(
                f"/console/appeals/{appeal_id}/severity", {"severity": severity}
            )
            assert answer.status_code == 303, answer.text


def cell_class(page: str, row: str, category: str) -> int:
    found = re.search(
        rf'<td class="cell heat-(\d)" data-row="{row}" data-category="{category}">'
        r'<a [^>]*><span class="count">(\d+)</span>',
        page,
    )
    assert found, f"no cell {row}/{category}"
    return int(found.group(1))


def cell_count(page: str, row: str, category: str) -> int:
    found = re.search(
        rf'data-row="{row}" data-category="{category}"><a [^>]*><span class="count">(\d+)<', page
    )
    assert found, f"no cell {row}/{category}"
    return int(found.group(1))


def test_the_busy_serious_topic_glows_hotter_and_the_legend_says_why(db, service, request):
    own = own_org(db, request, "heat")
    duty = add_user(db, unique(request, "duty@example.ru"), own.slug)
    roads = file(service, own.key, 4, category="roads")
    file(service, own.key, 1, category="street_lighting")
    set_severity(service.url, duty, roads[:2], "high")
    with signed_in(service.url, duty) as console:
        page = console.get("/console/board").text
    row = own.slug
    assert cell_count(page, row, "roads") == 4
    assert cell_count(page, row, "street_lighting") == 1
    assert cell_count(page, row, "housing") == 0
    hot, calm = cell_class(page, row, "roads"), cell_class(page, row, "street_lighting")
    assert hot > calm > cell_class(page, row, "housing") == 0
    # The legend tells how the score is made, and a cell opens the filtered log.
    assert "Как считается острота" in page
    assert "0,40 × объём + 0,25 × серьёзность" in page
    assert f'href="/console?org={row}&amp;category=roads"' in page
    assert 'style="' not in page  # the CSP forbids inline styles: colours are classes


def test_an_operator_never_sees_another_organisations_cells(db, service, request):
    own = own_org(db, request, "own")
    other = own_org(db, request, "zarechye", "https://zarechye.example.ru")
    ours = add_user(db, unique(request, "a@example.ru"), own.slug)
    add_user(db, unique(request, "b@example.ru"), other.slug)
    file(service, own.key, 2, category="roads")
    file(service, other.key, 3, category="housing")
    with signed_in(service.url, ours) as console:
        data = console.get("/console/board.json").json()
        assert [row["org"] for row in data["rows"]] == [own.slug]
        assert data["rows"][0]["cells"]["roads"]["count"] == 2
        assert data["rows"][0]["cells"]["housing"]["count"] == 0
        assert other.slug not in console.get("/console/board.json").text
        # Asking for the other organisation's board looks the same as asking for nothing.
        assert console.get(f"/console/board?org={other.slug}").status_code == 404
        assert console.get(f"/console/board.json?org={other.slug}").status_code == 404
        assert console.get("/console/board?org=nobody").status_code == 404


def test_a_region_sees_a_row_per_district_and_the_platform_drills_down(db, service, request):
    region = own_org(db, request, "region")
    north, south, school = (unique(request, name) for name in ("north", "south", "school"))
    run_cli(db, "org", "add", north, "--name", "Северный район", "--parent", region.slug)
    run_cli(db, "org", "add", south, "--name", "Южный район", "--parent", region.slug)
    run_cli(db, "org", "add", school, "--name", "Школа № 3", "--parent", north)
    school_key = run_cli(db, "org", "key", school).stdout.strip().splitlines()[-1]
    south_key = run_cli(db, "org", "key", south).stdout.strip().splitlines()[-1]
    operator = add_user(db, unique(request, "region@example.ru"), region.slug)
    root = add_user(db, unique(request, "root@example.ru"), platform=True)
    file(service, region.key, 1, category="roads")
    file(service, school_key, 2, category="education")
    file(service, south_key, 1, category="transport")
    with signed_in(service.url, operator) as console:
        rows = {row["org"]: row for row in console.get("/console/board.json").json()["rows"]}
    assert list(rows) == [region.slug, north, south]
    assert rows[region.slug]["name"] == f"Администрация {region.slug} (собственные)"
    assert rows[region.slug]["cells"]["roads"]["count"] == 1
    assert rows[north]["cells"]["education"]["count"] == 2  # the school is in the north
    assert rows[north]["drill"] == f"/console/board?org={north}"
    assert rows[south]["cells"]["transport"]["count"] == 1
    with signed_in(service.url, root) as console:
        # the platform's top rows are the regions (the module's others too), not their districts
        top = {row["org"]: row for row in console.get("/console/board.json").json()["rows"]}
        assert region.slug in top and not {north, south, school} & set(top)
        assert top[region.slug]["cells"]["education"]["count"] == 2
        drilled = console.get(f"/console/board.json?org={north}").json()
        assert [row["org"] for row in drilled["rows"]] == [north, school]
        assert "Северный район" in console.get(f"/console/board?org={north}").text


def test_the_weekly_tension_index_compares_with_last_week(db, service, request):
    own = own_org(db, request, "tension")
    duty = add_user(db, unique(request, "duty@example.ru"), own.slug)
    last_week = file(service, own.key, 2, category="roads")
    this_week = file(service, own.key, 3, category="roads")
    set_severity(service.url, duty, this_week[:1], "critical")
    with signed_in(service.url, duty) as console:
        before = console.get("/console/board.json").json()["rows"][0]
    assert (before["tension"]["week"], before["tension"]["prev_week"]) == (5, 0)

    # Nothing can be filed in the past through the API: the story moves two appeals' filing
    # time 9 and 12 days back; the counts' triggers follow the rows. The one 12 days open is
    # past its due date, which moves with it (as a fast-track message's would).
    def days_ago(days: int) -> str:
        return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    with store(db) as conn:
        conn.executemany(
            "UPDATE appeals SET created_at = ? WHERE id = ?",
            [(days_ago(9), last_week[0]), (days_ago(12), last_week[1])],
        )
        conn.execute(
            "UPDATE appeals SET answer_due = ? WHERE id = ?", (days_ago(2)[:10], last_week[1])
        )
    with signed_in(service.url, duty) as console:
        data = console.get("/console/board.json").json()
        page = console.get("/console/board").text
    index = data["rows"][0]["tension"]
    assert (index["week"], index["prev_week"]) == (3, 2)
    assert index["high_text"] == "33 %"
    assert (index["arrow"], index["change_text"]) == ("↑", "+50 %")
    assert data["rows"][0]["cells"]["roads"]["count"] == 3  # the last 24 hours only
    assert data["rows"][0]["cells"]["roads"]["parts"]["overdue"] == 0.2  # 1 of 5 open
    assert "Индекс социальной напряжённости" in page
    assert re.search(r'<td class="t-week">3</td>\s*<td class="t-high">33 %</td>', page)
    assert "+50 %" in page


def test_counts_kept_by_triggers_agree_with_the_appeals(tmp_path):
    """The migration's frozen list of open statuses is the status model's, and after every kind
    of change the kept counts equal a count over the appeals themselves."""
    from intake_service.migrations import follow_through
    from intake_service.statuses import open_statuses_sql

    # the partial indexes on open appeals are used only when queries repeat these literals
    assert open_statuses_sql() == follow_through.OPEN_11
    assert "(" + ", ".join(f"'{s}'" for s in open_statuses()) + ")" == follow_through.OPEN_11
    assert tuple(str(s) for s in Status) == follow_through.STATUSES_11
    conn = open_database(tmp_path / "x.db")
    conn.execute(
        "INSERT INTO orgs (id, slug, name, created_at) VALUES (1, 'a', 'A', 'x'), (2, 'b', 'B', 'x')"
    )
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    for n in range(12):
        conn.execute(
            "INSERT INTO appeals (id, number, origin_org_id, target_org_id, kind, category, text, "
            "contact, channel, status, created_at, answer_due) VALUES (?, ?, 1, ?, ?, ?, 't', "
            "'{}', 'api', 'accepted', ?, ?)",
            (
                f"id{n}",
                f"n{n}",
                1 + n % 2,
                "official" if n % 3 else "message",
                "roads" if n % 4 else "housing",
                now,
                None if n == 0 else f"2026-12-{10 + n % 3:02d}",
            ),
        )
    conn.execute("UPDATE appeals SET severity = 'high' WHERE seq % 3 = 0")
    conn.execute("UPDATE appeals SET status = 'duplicate' WHERE seq % 5 = 0")
    conn.execute(
        "UPDATE appeals SET status = 'answered', answered_at = ? WHERE seq % 7 = 0", (now,)
    )
    conn.execute("UPDATE appeals SET category = 'ecology', target_org_id = 2 WHERE seq = 4")
    conn.execute("UPDATE appeals SET answer_due = '2027-01-09' WHERE seq IN (2, 8)")  # extended
    conn.execute("DELETE FROM appeals WHERE seq = 6")
    kept = conn.execute(
        "SELECT day, target_org_id, category, n, high_critical, st_duplicate, answered, "
        "open_message, open_other, via_api, st_answered FROM appeal_day_counts "
        "WHERE n != 0 ORDER BY 1, 2, 3"
    ).fetchall()
    counted = conn.execute(
        "SELECT substr(created_at, 1, 10), target_org_id, category, count(*), "
        "sum(coalesce(severity, '') = 'high'), sum(status = 'duplicate'), "
        "sum(answered_at IS NOT NULL), sum(status = 'accepted' AND kind = 'message'), "
        "sum(status = 'accepted' AND kind != 'message'), sum(channel = 'api'), "
        "sum(status = 'answered') FROM appeals GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    ).fetchall()
    assert [tuple(r) for r in kept] == [tuple(r) for r in counted]
    open_kept = conn.execute(
        "SELECT target_org_id, category, n FROM appeal_open_counts WHERE n != 0 ORDER BY 1, 2"
    ).fetchall()
    open_counted = conn.execute(
        "SELECT target_org_id, category, count(*) FROM appeals WHERE status = 'accepted' "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()
    assert [tuple(r) for r in open_kept] == [tuple(r) for r in open_counted]
    due_kept = conn.execute(
        "SELECT target_org_id, category, answer_due, n FROM appeal_due_counts ORDER BY 1, 2, 3"
    ).fetchall()
    due_counted = conn.execute(
        "SELECT target_org_id, category, answer_due, count(*) FROM appeals "
        "WHERE status = 'accepted' AND answer_due IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    ).fetchall()
    assert due_counted and [tuple(r) for r in due_kept] == [tuple(r) for r in due_counted]
    hours = conn.execute("SELECT sum(n) FROM appeal_hour_counts").fetchone()[0]
    assert hours == 11
    conn.close()


@pytest.mark.own_service  # it stops the server
def test_the_board_stream_tells_only_of_ones_own_and_ends_with_the_service(db, org, service):
    make_org(db, "zarechye", "https://zarechye.example.ru")
    other_key = run_cli(db, "org", "key", "zarechye").stdout.strip().splitlines()[-1]
    add_user(db, "duty@example.ru", "demo")
    heard: list[str] = []
    with signed_in(service.url, "duty@example.ru") as console:

        def listen() -> None:
            try:
                with console.stream("GET", "/console/board/live", timeout=30) as stream:
                    for line in stream.iter_lines():
                        heard.append(line)
            except httpx.HTTPError:
                heard.append("<broken>")

        listener = threading.Thread(target=listen)
        listener.start()
        deadline = time.monotonic() + 10
        while not heard and time.monotonic() < deadline:
            time.sleep(0.05)
        file(service, other_key, 2, category="roads")  # another organisation's: not a word
        time.sleep(2)
        assert heard and "event: changed" not in heard
        file(service, org.key, 1, category="roads")
        while "event: changed" not in heard and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "event: changed" in heard  # a new appeal of the operator's org: refetch
        started = time.monotonic()
        service.stop()
        assert service.process.poll() is not None
        assert time.monotonic() - started < 5, "the open stream held the shutdown"
        listener.join(10)
        assert not listener.is_alive()


def open_tab(browser, service: Service, email: str, path: str):
    """A new Chromium context signed in through the sign-in form, on `path`."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    tab = context.new_page()
    tab.goto(service.url + "/console/signin?next=" + path)
    tab.fill("#email", email)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url("**" + path)
    return tab


@pytest.fixture
def board_tab(browser, db, service, request):
    """A Chromium tab on the board, signed in as the operator of an organisation of the story's
    own (with nothing filed yet), and that organisation."""
    own = own_org(db, request, "wall")
    wall = add_user(db, unique(request, "wall@example.ru"), own.slug)
    tab = open_tab(browser, service, wall, "/console/board")
    yield tab, own
    tab.context.close()


def test_a_new_appeal_shows_on_the_open_board_without_a_reload(board_tab, service):
    tab, own = board_tab
    cell = tab.locator(f'td[data-row="{own.slug}"][data-category="roads"] .count')
    assert cell.text_content() == "0"
    tab.evaluate("window.__same_page = true")
    file(service, own.key, 1, category="roads")
    expect(cell).to_have_text("1", timeout=5000)
    assert tab.evaluate("window.__same_page") is True  # updated in place, not reloaded
    assert "heat-0" not in (
        tab.locator(f'td[data-row="{own.slug}"][data-category="roads"]').get_attribute("class")
    )
    expect(tab.locator(f'tr[data-row="{own.slug}"] .t-week')).to_have_text("1")


def test_the_wall_has_no_chrome_large_type_and_says_when_it_lost_the_server(board_tab, service):
    tab, own = board_tab
    tab.goto(service.url + "/console/board/wall")
    assert tab.locator("nav").count() == 0 and tab.locator("header.top").count() == 0
    assert "wall" in tab.locator("body").get_attribute("class")
    count = tab.locator(f'td[data-row="{own.slug}"][data-category="roads"] .count')
    size = count.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    assert size >= 30
    assert tab.locator("#legend-title").is_visible()
    # The network drops: the next refresh fails and the wall says so, then recovers.
    tab.context.set_offline(True)
    tab.evaluate("window.dispatchEvent(new Event('board-refresh'))")
    expect(tab.locator("#board-status")).to_contain_text("Связь потеряна", timeout=8000)
    tab.context.set_offline(False)
    file(service, own.key, 1, category="roads")
    expect(count).to_have_text("1", timeout=10000)
    expect(tab.locator("#board-status")).to_have_text("")


@pytest.mark.same_on_every_engine(
    "the pages' layout and axe; their rows are counted on PostgreSQL by the board stories"
)
def test_board_wall_and_statistics_pass_axe_and_fit_a_phone(browser, db, org, service, request):
    viewer = add_user(db, unique(request, "viewer@example.ru"), "demo")
    file(service, org.key, 3, category="roads")
    tab = open_tab(browser, service, viewer, "/console/stats")
    try:
        for path in ("/console/stats", "/console/board", "/console/board/wall"):
            for width in (1280, 375):
                tab.set_viewport_size({"width": width, "height": 800})
                tab.goto(service.url + path)
                if width == 1280:
                    assert serious_violations(tab) == [], path
                else:
                    wide = tab.evaluate("document.scrollingElement.scrollWidth - innerWidth")
                    assert wide <= 0, f"{path} scrolls sideways on a phone by {wide}px"
    finally:
        tab.context.close()


def test_the_week_is_the_organisation_s_own_seven_days(db, service, request):
    """An organisation far from UTC counts its week on its own calendar: an appeal filed on
    the sixth local day back is in this week, one filed on the seventh is in the last. The zone
    is picked so that its date differs from UTC's as the story runs (west of UTC before noon
    UTC, east of it after), where UTC days would put each appeal into the other week."""
    from zoneinfo import ZoneInfo

    now = datetime.now(UTC)
    zone = ZoneInfo("Etc/GMT+12" if now.hour < 12 else "Pacific/Kiritimati")
    assert now.astimezone(zone).date() != now.date()
    own = own_org(db, request, "faraway")
    run_cli(db, "org", "set", own.slug, "--timezone", zone.key)
    duty = add_user(db, unique(request, "duty@example.ru"), own.slug)
    this_week, last_week = file(service, own.key, 2, category="roads")
    local_today = now.astimezone(zone).date()

    def local_noon(days_back: int) -> tuple[str, int]:
        """(the UTC time of filing, the zone's offset in minutes) at noon of a local day."""
        day = local_today - timedelta(days=days_back)
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone)
        offset = int(noon.utcoffset().total_seconds() // 60)
        return noon.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"), offset

    with store(db) as conn:
        for appeal_id, back in ((this_week, 6), (last_week, 7)):
            conn.execute(
                "UPDATE appeals SET created_at = ?, local_offset = ? WHERE id = ?",
                (*local_noon(back), appeal_id),
            )
    with signed_in(service.url, duty) as console:
        index = console.get("/console/board.json").json()["rows"][0]["tension"]
    assert (index["week"], index["prev_week"]) == (1, 1)
