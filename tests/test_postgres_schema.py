"""An operator points `pos-intake migrate` at PostgreSQL: the schema SQLite's migrations build is
created there once, with the same tables, columns and indexes, and the triggers that keep the
board's counts and the registry's version work as SQLite's do. Real PostgreSQL
(scripts/postgres-up)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import psycopg

from intake_service.migrations import MIGRATIONS

from conftest import run_cli

# Where the engines differ by design: SQLite's full-text table keeps its words in shadow tables
# and its row id implicitly; PostgreSQL's search rows name the appeal's seq and have a GIN index;
# users are unique by e-mail in any case through an index on lower(email) (SQLite: NOCASE).
SQLITE_ONLY_TABLES = {"sqlite_sequence", "appeal_search"}
PG_ONLY_INDEXES = {"users_email", "appeal_search_words"}


def _sqlite_schema(path) -> tuple[dict[str, set[str]], set[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("appeal_search_") and r[0] not in SQLITE_ONLY_TABLES
        ]
        columns = {t: {c[1] for c in conn.execute(f"PRAGMA table_info({t})")} for t in tables}
        indexes = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        }
        return columns, indexes
    finally:
        conn.close()


def _postgres_schema(url: str) -> tuple[dict[str, set[str]], set[str]]:
    with psycopg.connect(url) as conn:
        columns: dict[str, set[str]] = {}
        for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        ):
            columns.setdefault(table, set()).add(column)
        indexes = {
            r[0]
            for r in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                "AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'"
            )
        }
    columns.pop("appeal_search")
    return columns, indexes


def test_migrate_creates_the_schema_once_and_never_prints_the_password(postgres_url):
    latest = max(MIGRATIONS)  # every migration the tree has, whatever comes next
    first = run_cli(postgres_url, "migrate")
    assert f"applied migrations 1–{latest}" in first.stdout
    assert ":pos@" not in first.stdout + first.stderr and ":***@" in first.stdout
    again = run_cli(postgres_url, "migrate")
    assert f"up to date (migration {latest})" in again.stdout


def test_the_postgresql_schema_has_sqlites_tables_columns_and_indexes(tmp_path, postgres_url):
    run_cli(tmp_path / "pos.db", "migrate")
    run_cli(postgres_url, "migrate")
    sqlite_columns, sqlite_indexes = _sqlite_schema(tmp_path / "pos.db")
    pg_columns, pg_indexes = _postgres_schema(postgres_url)
    assert pg_columns == sqlite_columns
    assert pg_indexes - PG_ONLY_INDEXES == sqlite_indexes


def test_the_triggers_keep_the_board_counts_and_the_registry_version(postgres_url):
    run_cli(postgres_url, "migrate")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        version = int(
            conn.execute("SELECT value FROM meta WHERE key = 'config_version'").fetchone()[0]
        )
        org = conn.execute(
            "INSERT INTO orgs (slug, name, created_at) VALUES ('manturovo', 'Мантурово', %s) "
            "RETURNING id",
            (now,),
        ).fetchone()[0]
        bumped = int(
            conn.execute("SELECT value FROM meta WHERE key = 'config_version'").fetchone()[0]
        )
        assert bumped == version + 1
        conn.execute(
            "INSERT INTO appeals (id, number, origin_org_id, target_org_id, kind, category, text, "
            "contact, channel, status, created_at, severity, answer_due) VALUES "
            "('a1', 'MANTUROVO-2026-000001', %s, %s, 'message', 'lighting', 'Фонарь не горит', "
            "'{}', 'api', 'accepted', %s, 'high', '2027-01-05')",
            (org, org, now),
        )
        day = conn.execute(
            "SELECT n, high_critical, open_message, via_api, st_accepted FROM appeal_day_counts"
        ).fetchall()
        assert day == [(1, 1, 1, 1, 1)]
        assert conn.execute("SELECT n FROM appeal_open_counts").fetchall() == [(1,)]
        assert conn.execute("SELECT n FROM appeal_hour_counts").fetchall() == [(1,)]
        due = "SELECT answer_due, n FROM appeal_due_counts"
        assert conn.execute(due).fetchall() == [("2027-01-05", 1)]
        conn.execute("UPDATE appeals SET answer_due = '2027-02-04' WHERE id = 'a1'")  # extended
        assert conn.execute(due).fetchall() == [("2027-02-04", 1)]

        conn.execute(
            "UPDATE appeals SET status = 'answered', answered_at = %s WHERE id = 'a1'", (now,)
        )
        day = conn.execute(
            "SELECT n, answered, open_message, st_accepted, st_answered FROM appeal_day_counts"
        ).fetchall()
        assert day == [(1, 1, 0, 0, 1)]
        assert conn.execute("SELECT n FROM appeal_open_counts").fetchall() == [(0,)]
        assert conn.execute(due).fetchall() == []  # answered: no longer open, the row gone

        conn.execute(
            "INSERT INTO outbox (appeal_id, org_id, sink, state, next_attempt_at, updated_at) "
            "VALUES ('a1', %s, 'embedded', 'pending', 0, %s)",
            (org, now),
        )
        conn.execute("UPDATE outbox SET state = 'done'")
        counts = conn.execute("SELECT state, n FROM outbox_counts ORDER BY state").fetchall()
        assert counts == [("done", 1), ("pending", 0)]

        # the appeals each organisation received (migration 24) follow a forward
        by_org = "SELECT target_org_id, n FROM appeal_org_counts ORDER BY target_org_id"
        assert conn.execute(by_org).fetchall() == [(org, 1)]
        other = conn.execute(
            "INSERT INTO orgs (slug, name, created_at) VALUES ('sharya', 'Шарья', %s) RETURNING id",
            (now,),
        ).fetchone()[0]
        conn.execute("UPDATE appeals SET target_org_id = %s WHERE id = 'a1'", (other,))
        assert conn.execute(by_org).fetchall() == [(org, 0), (other, 1)]


def test_the_cli_manages_organisations_on_postgresql_as_on_sqlite(postgres_url):
    run_cli(postgres_url, "org", "add", "demo", "--name", "Администрация", "--origin",
            "https://demo.example.ru")  # fmt: skip
    listed = run_cli(postgres_url, "org", "list").stdout
    assert "demo" in listed and "https://demo.example.ru" in listed
    assert ":pos@" not in listed


def test_an_unreachable_server_is_one_line_without_the_password():
    result = run_cli("postgresql://pos:s3cret@127.0.0.1:1/pos", "migrate", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("pos-intake: cannot open the database postgresql://pos:***@")
    assert "s3cret" not in result.stderr
