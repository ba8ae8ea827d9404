"""The heat board's reads: what each (organisation, category) cell needs, from the counts that
triggers keep (migration 9) — never from the appeals themselves, so the board costs the same
with a million appeals as with ten.

Small reads: the day counts of the last month (one range of the day table, whose key starts
with the day; its days before today are kept in memory until an older appeal changes), today's
day counts, the open counts, and the filings of the last 24 hours. They return plain
numbers per `(target_org_id, category)`; `heat.py` turns them into scores, `board.py` folds
organisations into the rows an operator sees.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from intake_service.dialect import ids_in_json
from intake_service.org_settings import ZoneGroups

# How long an appeal of each kind may stay open before it counts against the organisation: an
# operator's answer to a message is due within 10 days, an official appeal (59-FZ) within 30.
TARGET_DAYS: dict[str, int] = {"message": 10, "official": 30}
DEFAULT_TARGET_DAYS = TARGET_DAYS["official"]  # any kind other than a message
USUAL_DAYS = 28  # the cell's usual level: the mean per 24 h over these days before the window
WEEK_DAYS = 7
UTC_ZONE = ZoneInfo("UTC")


@dataclass
class CellCounts:
    """One cell's numbers (several organisations' cells add up into a row's)."""

    recent: int = 0  # filed in the last 24 hours
    usual_total: int = 0  # filed in the USUAL_DAYS full days before yesterday
    week: int = 0  # filed in the last 7 days (today included)
    week_high: int = 0  # … of them now high or critical
    week_duplicates: int = 0  # … of them marked duplicates
    week_repeats: int = 0  # repeats of one problem: counted from the next issue on
    prev_week: int = 0  # filed in the 7 days before those
    prev_week_high: int = 0
    open: int = 0  # open now
    overdue: int = 0  # open now and past the due date (older appeals: filed the target days ago)

    def add(self, other: CellCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Window:
    """The days and hours a board reads, fixed at one moment: days are the local days of
    `zone` (an organisation's appeals count on its own days, migration 17), hours are UTC
    hours (the last 24 hours are a span of time, not of days)."""

    now: datetime
    zone: ZoneInfo = UTC_ZONE

    def day(self, back: int) -> str:
        return (self.now.astimezone(self.zone) - timedelta(days=back)).strftime("%Y-%m-%d")

    @property
    def hour_from(self) -> str:
        """The first hour inside the last 24 (the current hour is the 24th)."""
        return (self.now - timedelta(hours=23)).strftime("%Y-%m-%dT%H")


def _org_filter(
    conn: sqlite3.Connection, org_ids: frozenset[int] | None
) -> tuple[str, list[object]]:
    if org_ids is None:
        return "", []
    return f" AND target_org_id IN {ids_in_json(conn)}", [json.dumps(sorted(org_ids))]


# Sums over the days before today, per (org ids, today, meta.appeal_counts_past): grouping a
# month of a platform's day rows is most of the board's cost, and those days change only when
# an older appeal does — which moves the version and so misses the cache.
_PAST: OrderedDict[tuple[object, ...], dict[tuple[int, str], tuple[int, ...]]] = OrderedDict()
_PAST_LOCK = threading.Lock()
_PAST_KEEP = 64


def _past_sums(
    conn: sqlite3.Connection, window: Window, org_ids: frozenset[int] | None
) -> dict[tuple[int, str], tuple[int, ...]]:
    """(usual, week, week high, week duplicates, prev week, prev week high, young open) per
    cell over the days from the start of the usual window to yesterday."""
    version = conn.execute("SELECT value FROM meta WHERE key = 'appeal_counts_past'").fetchone()
    key = (org_ids, window.day(0), version[0] if version else None)
    with _PAST_LOCK:
        if key in _PAST:
            _PAST.move_to_end(key)
            return _PAST[key]
    where, args = _org_filter(conn, org_ids)
    start = max(USUAL_DAYS + 1, TARGET_DAYS["message"], DEFAULT_TARGET_DAYS)
    sums: dict[tuple[int, str], tuple[int, ...]] = {}
    for org_id, category, *numbers in conn.execute(
        "SELECT target_org_id, category, "
        "sum(CASE WHEN day <= :usual_to THEN n ELSE 0 END), "
        "sum(CASE WHEN day >= :week_from THEN n ELSE 0 END), "
        "sum(CASE WHEN day >= :week_from THEN high_critical ELSE 0 END), "
        "sum(CASE WHEN day >= :week_from THEN st_duplicate ELSE 0 END), "
        "sum(CASE WHEN day BETWEEN :prev_from AND :prev_to THEN n ELSE 0 END), "
        "sum(CASE WHEN day BETWEEN :prev_from AND :prev_to THEN high_critical ELSE 0 END), "
        "sum(CASE WHEN day > :message_young THEN open_message ELSE 0 END) "
        "+ sum(CASE WHEN day > :other_young THEN open_other ELSE 0 END), "
        "sum(CASE WHEN day >= :week_from THEN repeats ELSE 0 END) "
        "FROM appeal_day_counts WHERE day BETWEEN :start AND :yesterday"
        + where.replace("?", ":orgs")
        + " GROUP BY target_org_id, category",
        {
            "usual_to": window.day(2),
            "week_from": window.day(WEEK_DAYS - 1),
            "prev_from": window.day(2 * WEEK_DAYS - 1),
            "prev_to": window.day(WEEK_DAYS),
            "message_young": window.day(TARGET_DAYS["message"]),
            "other_young": window.day(DEFAULT_TARGET_DAYS),
            "start": window.day(start),
            "yesterday": window.day(1),
            **({"orgs": args[0]} if args else {}),
        },
    ):
        sums[(org_id, category)] = tuple(numbers)
    with _PAST_LOCK:
        _PAST[key] = sums
        while len(_PAST) > _PAST_KEEP:
            _PAST.popitem(last=False)
    return sums


def board_counts(
    conn: sqlite3.Connection,
    org_ids: frozenset[int] | None,
    now: datetime | None = None,
    zones: ZoneGroups | None = None,
) -> dict[tuple[int, str], CellCounts]:
    """Per (target organisation, category) of `org_ids` (None: all), the board's numbers; each
    organisation's days are those of its zone in `zones` (org_settings.zone_groups; without
    it, UTC days)."""
    moment = now or datetime.now(UTC)
    cells: dict[tuple[int, str], CellCounts] = {}
    for zone, ids in zones or ((UTC_ZONE, org_ids),):
        _zone_counts(conn, ids, Window(moment, zone), cells)
    return cells


def _zone_counts(
    conn: sqlite3.Connection,
    org_ids: frozenset[int] | None,
    window: Window,
    cells: dict[tuple[int, str], CellCounts],
) -> None:
    """The board's numbers of organisations that share one zone, added to `cells`."""
    where, args = _org_filter(conn, org_ids)

    def cell(org_id: int, category: str) -> CellCounts:
        return cells.setdefault((org_id, category), CellCounts())

    young: dict[tuple[int, str], int] = {}
    for (org_id, category), numbers in _past_sums(conn, window, org_ids).items():
        counts = cell(org_id, category)
        counts.usual_total, counts.week, counts.week_high, counts.week_duplicates = numbers[:4]
        counts.prev_week, counts.prev_week_high = numbers[4:6]
        young[(org_id, category)] = numbers[6]
        counts.week_repeats = numbers[7]
    for org_id, category, n, high, duplicates, open_today, repeats in conn.execute(
        "SELECT target_org_id, category, n, high_critical, st_duplicate, "
        # the local day (migration 17) of the zone these organisations share
        "open_message + open_other, repeats FROM appeal_day_counts WHERE day >= ?" + where,
        [window.day(0), *args],
    ):
        counts = cell(org_id, category)
        counts.week += n
        counts.week_high += high
        counts.week_duplicates += duplicates
        counts.week_repeats += repeats
        young[(org_id, category)] = young.get((org_id, category), 0) + open_today
    for org_id, category, n in conn.execute(
        "SELECT target_org_id, category, n FROM appeal_open_counts WHERE n > 0" + where, args
    ):
        counts = cell(org_id, category)
        counts.open = n
        counts.overdue = max(0, n - young.get((org_id, category), 0))
    # Appeals with due dates (every appeal since the follow-through) are overdue by their own
    # date — fast track, extensions and holidays included — counted per answer date of the open
    # ones (migration 20: a cell is a few dozen rows); the age rule above stays for older
    # appeals, which have none.
    for org_id, category, dated, late in conn.execute(
        "SELECT target_org_id, category, sum(n), "
        "sum(CASE WHEN answer_due < ? THEN n ELSE 0 END) FROM appeal_due_counts WHERE n > 0"
        + where
        + " GROUP BY target_org_id, category",
        [window.day(0), *args],
    ):
        counts = cell(org_id, category)
        undated_overdue = max(0, counts.overdue - dated)
        counts.overdue = min(counts.open, late + undated_overdue)
    for org_id, category, n in conn.execute(
        "SELECT target_org_id, category, sum(n) FROM appeal_hour_counts WHERE hour >= ?"
        + where
        + " GROUP BY target_org_id, category",
        [window.hour_from, *args],
    ):
        cell(org_id, category).recent = n
