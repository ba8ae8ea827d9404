"""An operator moves a SQLite deployment to PostgreSQL with `pos-intake copy`: every row arrives
with its ids and numbers — appeals with photos, their log, the outbox, notices, accounts — the
signing key with them (tracking links stay valid), and new rows continue after the copied ids.
Real service, real PostgreSQL (scripts/postgres-up)."""

from __future__ import annotations

import sqlite3
import subprocess

import httpx
import psycopg
from console_helpers import add_user

from conftest import CLI, Service, appeal, bearer, form_fields, form_token, make_org

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
SKIPPED = {"migrations", "sqlite_sequence"}  # each engine's own; search is built again


def _filled_store(tmp_path) -> tuple:
    db = tmp_path / "pos.db"
    org = make_org(db, "demo", "https://demo.example.ru")
    add_user(db, "ops@demo.example.ru", "demo")
    service = Service(db, env={"POS_FORM_MIN_SECONDS": "0"}).start()
    try:
        with httpx.Client(base_url=service.url) as client:
            filed = [
                client.post(
                    "/api/v1/appeals",
                    json=appeal(contact={"name": "Анна", "email": f"a{i}@example.ru"}),
                    headers=bearer(org.key),
                ).json()
                for i in range(3)
            ]
        reply = httpx.post(
            f"{service.url}/w/demo/appeals",
            data=form_fields(
                form_token(service.url, "https://demo.example.ru"),
                text="Яма на дороге, фото прилагаю.",
            ),
            files=[("photos", ("hole.png", PNG, "image/png"))],
            headers={"Origin": service.url, "Accept": "application/json"},
        )
        assert reply.status_code == 201, reply.text
        filed.append(reply.json())
    finally:
        service.stop()
    return db, filed


def _copy(source, url: str) -> subprocess.CompletedProcess:
    """`pos-intake copy`, which names both databases itself (no --db)."""
    command = [*CLI, "copy", "--from", str(source), "--to", url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _rows(conn, table: str) -> list[tuple]:
    rows = conn.execute(f"SELECT * FROM {table}").fetchall()
    return sorted((tuple(r) for r in rows), key=repr)


def test_a_sqlite_store_moves_to_postgresql_row_for_row(tmp_path, postgres_url):
    db, filed = _filled_store(tmp_path)
    result = _copy(db, postgres_url)
    assert result.returncode == 0, result.stderr
    assert "appeals: 4 rows" in result.stdout and "appeal_photos: 1 rows" in result.stdout
    assert ":pos@" not in result.stdout

    source = sqlite3.connect(db)
    tables = [
        r[0]
        for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if r[0] not in SKIPPED and not r[0].startswith("appeal_search")
    ]
    with psycopg.connect(postgres_url) as target:
        for table in tables:
            expected = _rows(source, table)
            if table == "meta":  # the search index starts again on PostgreSQL
                expected = [r for r in expected if r[0] != "search_indexed_seq"]
                got = [r for r in _rows(target, table) if r[0] != "search_indexed_seq"]
            else:
                got = _rows(target, table)
            assert got == expected, table
        numbers = {r[0] for r in target.execute("SELECT number FROM appeals")}
        assert numbers == {f["number"] for f in filed}
        events = target.execute("SELECT count(*) FROM events WHERE type = 'accepted'").fetchone()
        assert events[0] == 4
        # new rows continue after the copied ids
        next_org = target.execute(
            "INSERT INTO orgs (slug, name, created_at) VALUES ('new', 'Новая', 'x') RETURNING id"
        ).fetchone()[0]
        assert next_org > max(r[0] for r in source.execute("SELECT id FROM orgs"))
        target.rollback()
    source.close()


def test_copy_refuses_a_destination_that_holds_data_and_a_missing_source(tmp_path, postgres_url):
    db, _ = _filled_store(tmp_path)
    assert _copy(db, postgres_url).returncode == 0
    again = _copy(db, postgres_url)
    assert again.returncode == 1
    assert "already holds organisations" in again.stderr
    missing = _copy(tmp_path / "nope.db", postgres_url)
    assert missing.returncode == 1 and "no such database file" in missing.stderr
    assert not (tmp_path / "nope.db").exists()


def test_a_store_copied_to_postgresql_and_back_is_the_same_row_for_row(tmp_path, postgres_url):
    """The way back: an operator who moved to PostgreSQL can return to one SQLite file, and the
    round trip changes nothing — appeals with their photo rows, the log, the outbox, notices."""
    db, filed = _filled_store(tmp_path)
    assert _copy(db, postgres_url).returncode == 0
    back = tmp_path / "back.db"
    result = _copy(postgres_url, back)
    assert result.returncode == 0, result.stderr
    assert "outbox: " in result.stdout and "appeal_photos: 1 rows" in result.stdout

    original, returned = sqlite3.connect(db), sqlite3.connect(back)
    try:
        tables = [
            r[0]
            for r in original.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in SKIPPED and not r[0].startswith("appeal_search")
        ]
        assert {"appeals", "events", "outbox", "notices", "appeal_photos"} <= set(tables)
        for table in tables:
            expected, got = _rows(original, table), _rows(returned, table)
            if table == "meta":  # the search index is built again at each destination
                expected = [r for r in expected if r[0] != "search_indexed_seq"]
                got = [r for r in got if r[0] != "search_indexed_seq"]
            assert got == expected, table
        triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        assert returned.execute(triggers).fetchall() == original.execute(triggers).fetchall()
    finally:
        original.close()
        returned.close()
    # the returned store serves, and the citizens' tracking links still open their appeals
    service = Service(back).start()
    try:
        for appeal_filed in filed:
            link = appeal_filed["tracking_url"]
            status = httpx.get(service.url + link[link.index("/s/") :], timeout=10)
            assert status.status_code == 200, status.text
            assert status.json()["number"] == appeal_filed["number"]
    finally:
        service.stop()
