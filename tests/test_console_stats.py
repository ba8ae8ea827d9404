"""Statistics: an operator sees their appeals of a period per day, organisation, category,
channel and status, the share answered and the median time to the first answer, as charts the
server draws (inline SVG) and as tables — never counting another organisation's appeals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from console_helpers import add_user, signed_in

from conftest import appeal, bearer, make_org, run_cli, store


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


def test_the_period_totals_charts_and_answer_times(db, org, service):
    make_org(db, "zarechye", "https://zarechye.example.ru")
    other_key = run_cli(db, "org", "key", "zarechye").stdout.strip().splitlines()[-1]
    add_user(db, "analyst@example.ru", "demo")
    roads = file(service.url, org.key, 3, category="roads")
    file(service.url, org.key, 2, category="street_lighting")
    file(service.url, other_key, 4, category="roads")  # another organisation's: never counted
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
    with signed_in(service.url, "analyst@example.ru") as console:
        page = console.get("/console/stats").text
        roads_only = console.get("/console/stats", params={"category": "roads"}).text
        assert console.get("/console/stats", params={"org": "zarechye"}).status_code == 404
        long_ago = console.get("/console/stats", params={"from": "2020-01-01", "to": "2020-01-31"})
    assert re.search(r'<dd id="stats-total">5</dd>', page)
    assert re.search(r'<dd id="stats-answered">2 \(40 %\)</dd>', page)
    assert '<dd id="stats-median">3,0 ч</dd>' in page  # the middle of 2 and 4 hours
    assert table_row(page, "per-category", "Дороги") == 3
    assert table_row(page, "per-category", "Уличное освещение") == 2
    assert table_row(page, "per-org", "Администрация demo") == 5
    assert table_row(page, "per-channel", "API") == 5
    assert table_row(page, "per-status", "Принято") == 3
    assert table_row(page, "per-status", "Дан ответ") == 2
    today = datetime.now(UTC).date().isoformat()
    assert table_row(page, "per-day", today) == 5
    assert "Администрация zarechye" not in page
    # Charts are inline SVG with titles a screen reader reads; no script draws them.
    assert page.count('<svg class="chart') == 6
    assert '<title id="chart-' in page and "<title>Дороги: 3</title>" in page
    assert "<script" not in page.split("</head>")[1]
    assert re.search(r'<dd id="stats-total">3</dd>', roads_only)
    assert re.search(r'<dd id="stats-total">0</dd>', long_ago.text)


def test_names_in_charts_are_text_never_markup(db, org, service):
    run_cli(db, "org", "add", "evil", "--name", '<img src=x onerror=alert(1)>"', "--parent", "demo")
    evil_key = run_cli(db, "org", "key", "evil").stdout.strip().splitlines()[-1]
    add_user(db, "region@example.ru", "demo")
    file(service.url, evil_key, 1, category="roads")
    with signed_in(service.url, "region@example.ru") as console:
        page = console.get("/console/stats").text
        board = console.get("/console/board").text
    for html in (page, board):
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_wrong_period_says_so_and_shows_the_last_30_days(db, org, service):
    add_user(db, "analyst@example.ru", "demo")
    file(service.url, org.key, 1, category="roads")
    with signed_in(service.url, "analyst@example.ru") as console:
        answer = console.get("/console/stats", params={"from": "вчера", "to": "2026-13-45"})
    assert answer.status_code == 400
    assert "Период указан неверно" in answer.text
    assert re.search(r'<dd id="stats-total">1</dd>', answer.text)
