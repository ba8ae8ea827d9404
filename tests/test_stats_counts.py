"""Migration 26: the statistics' counts (per organisation and day; answer times in buckets)
are filled from what a store already holds, and the page's reads agree with the appeals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from intake_service import store as store_module
from intake_service.console.stats_queries import Scope, period_stats
from intake_service.migrations import MIGRATIONS

from conftest import run_cli, store


def _migrated_to(db, last: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store as a release before migration `last + 1` left it."""
    monkeypatch.setattr(
        store_module, "MIGRATIONS", {n: f for n, f in MIGRATIONS.items() if n <= last}
    )
    with store(db) as conn:
        store_module.migrate(conn)
    monkeypatch.undo()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_migration_26_counts_the_answers_given_before_it(db, monkeypatch):
    _migrated_to(db, 25, monkeypatch)
    filed = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # 12:00 in Moscow (offset 180)
    with store(db) as conn:
        conn.execute(
            "INSERT INTO orgs (slug, name, created_at) VALUES ('manturovo', 'Мантурово', ?)",
            (_iso(filed),),
        )
        org = conn.execute("SELECT id FROM orgs WHERE slug = 'manturovo'").fetchone()[0]
        # answered 30 minutes, 3 hours and 5 days after filing; one not answered; one by phone
        took = (timedelta(minutes=30), timedelta(hours=3), timedelta(days=5), None, None)
        for n, after in enumerate(took, 1):
            conn.execute(
                "INSERT INTO appeals (id, number, origin_org_id, target_org_id, kind, category, "
                "text, contact, channel, status, created_at, local_offset, answered_at) VALUES "
                "(?, ?, ?, ?, 'message', 'roads', 'Яма', '{}', ?, ?, ?, 180, ?)",
                (
                    f"a{n}",
                    f"MANTUROVO-2026-{n:06}",
                    org,
                    org,
                    "phone" if n == 5 else "api",
                    "answered" if after else "accepted",
                    _iso(filed),
                    _iso(filed + after) if after else None,
                ),
            )

    assert "26" in run_cli(db, "migrate").stdout
    day = date(2026, 11, 2)
    with store(db) as conn:
        for org_ids, category in ((None, None), (frozenset([org]), None), (None, "roads")):
            stats = period_stats(conn, Scope(org_ids, category, day, day))
            assert (stats.total, stats.answered) == (5, 3)
            assert stats.per_channel == {"api": 4, "phone": 1}
            assert stats.per_status == {"answered": 3, "accepted": 2}
            assert stats.median_answer_seconds == 3 * 3600  # the middle of 30 min, 3 h, 5 days
        # and the triggers keep them from now on: the 3-hour answer moves to 2 days
        conn.execute(
            "UPDATE appeals SET answered_at = ? WHERE id = 'a2'", (_iso(filed + timedelta(days=2)),)
        )
        assert period_stats(conn, Scope(None, None, day, day)).median_answer_seconds == 2 * 86400
        conn.execute("DELETE FROM appeals WHERE id = 'a3'")
        stats = period_stats(conn, Scope(frozenset([org]), "roads", day, day))
        assert stats.median_answer_seconds == (30 * 60 + 2 * 86400) / 2
        assert (stats.total, stats.answered) == (4, 2)
