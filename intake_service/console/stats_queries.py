"""The statistics' reads for a period: counts per day, organisation, category, channel and
status, and the answered, from the counts the triggers keep per organisation and day (migration
26) or, for one topic, per organisation, topic and day (migration 9), and the median time to the
first answer from the answer times the triggers count in buckets (migration 26).

Every read takes the organisations to count (already narrowed to what the operator sees) and an
optional category; the period is whole local days, `first` and `last` included: each appeal
counts on its organisation's local day (`appeals.local_offset`, migration 17), the median's
answer times too.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from intake_service.dialect import ids_in_json
from intake_service.statuses import Status

# The channels and statuses the day counts keep a column for (migrations 9, 12 and 19); an
# appeal of another channel (the form's own page, `page`) counts as "other".
CHANNELS = ("api", "form", "open311", "phone", "letter", "visit")
STATUSES = tuple(str(s) for s in Status)


@dataclass(frozen=True)
class Scope:
    org_ids: frozenset[int] | None  # None: every organisation
    category: str | None
    first: date
    last: date
    # the organisations counted, per zone; one zone with None: every organisation counted is in
    # it (the polls of the period are read between the first zone's midnights, `_bounds`)
    zones: tuple[tuple[ZoneInfo, frozenset[int] | None], ...] = ((ZoneInfo("UTC"), None),)

    def _bounds(self, zone: ZoneInfo) -> list[object]:
        """The UTC moments of `first`'s local midnight and the one after `last`, as stored."""
        return [
            datetime.combine(day, time(), zone).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            for day in (self.first, self.last + timedelta(days=1))
        ]

    def where(self, conn: sqlite3.Connection) -> tuple[str, list[object]]:
        """The WHERE clause for the day counts: the period's local days (each organisation's
        appeals are counted on its own zone's days, migration 17), its organisations, a topic."""
        clauses = ["day BETWEEN ? AND ?"]
        args: list[object] = [self.first.isoformat(), self.last.isoformat()]
        if self.org_ids is not None:
            clauses.append(f"target_org_id IN {ids_in_json(conn)}")
            args.append(json.dumps(sorted(self.org_ids)))
        if self.category:
            clauses.append("category = ?")
            args.append(self.category)
        return " WHERE " + " AND ".join(clauses), args


@dataclass
class Stats:
    per_day: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DD" -> appeals
    per_org: dict[int, int] = field(default_factory=dict)  # target org id -> appeals
    per_category: dict[str, int] = field(default_factory=dict)
    per_channel: dict[str, int] = field(default_factory=dict)
    per_status: dict[str, int] = field(default_factory=dict)
    total: int = 0
    answered: int = 0
    median_answer_seconds: float | None = None
    # the median is in the last bucket, which holds every time of a year or longer
    median_at_least: bool = False


def period_stats(conn: sqlite3.Connection, scope: Scope) -> Stats:
    """The period's figures, summed by the database from the counts the triggers keep: per
    organisation and day (migration 26) — a platform's 30 days are 1,500 rows — or, for one
    topic, the day counts of that topic; the topics from the day counts. What comes back is a
    row per organisation, per day and per topic: a few hundred."""
    stats = Stats()
    where, args = scope.where(conn)
    table = "appeal_day_counts" if scope.category else "appeal_org_day_counts"
    channels = ", ".join(f"sum(via_{c})" for c in CHANNELS)
    statuses = ", ".join(f"sum(st_{s})" for s in STATUSES)
    for org_id, n, answered, *by in conn.execute(
        f"SELECT target_org_id, sum(n), sum(answered), {channels}, {statuses} FROM {table}"
        + where
        + " GROUP BY target_org_id HAVING sum(n) > 0",
        args,
    ):
        stats.per_org[org_id] = n
        stats.total += n
        stats.answered += answered
        for name, count in zip((*CHANNELS, *STATUSES), by, strict=True):
            target = stats.per_channel if name in CHANNELS else stats.per_status
            target[name] = target.get(name, 0) + count
        other = n - sum(by[: len(CHANNELS)])
        if other:
            stats.per_channel["other"] = stats.per_channel.get("other", 0) + other
    stats.per_channel = {k: v for k, v in stats.per_channel.items() if v}
    stats.per_status = {k: v for k, v in stats.per_status.items() if v}
    for key, per in (("day", stats.per_day), ("category", stats.per_category)):
        source = table if key == "day" else "appeal_day_counts"
        per.update(
            conn.execute(
                f"SELECT {key}, sum(n) FROM {source}{where} GROUP BY {key} HAVING sum(n) > 0",
                args,
            ).fetchall()
        )
    stats.median_answer_seconds = _median_answer(conn, scope) if stats.answered else None
    stats.median_at_least = (stats.median_answer_seconds or 0) >= LONGEST_SECONDS
    return stats


# The buckets of the answer times (migration 26, migrations/stats_counts.py): one a minute under
# an hour, one per 0.1 hour under two days, one per 0.1 day beyond — the steps the page shows a
# duration in (stats.py `_duration`).
_MINUTE_BUCKETS, _HOUR_BUCKETS_END, _LAST_BUCKET = 60, 530, 4170
# the organisation and topic of the rows counting every organisation, every topic
EVERY_ORG, EVERY_CATEGORY = 0, ""


def bucket_seconds(bucket: int) -> int:
    """A bucket's value: the time from filing to the first answer, seconds, rounded to the step
    the page shows it in (the times counted in it are within half a step of it)."""
    if bucket <= _MINUTE_BUCKETS:
        return bucket * 60
    if bucket <= _HOUR_BUCKETS_END:
        return 3600 + (bucket - _MINUTE_BUCKETS) * 360
    return 172800 + (bucket - _HOUR_BUCKETS_END) * 8640


LONGEST_SECONDS = bucket_seconds(_LAST_BUCKET)  # about a year: longer times count as this


def _median_answer(conn: sqlite3.Connection, scope: Scope) -> float | None:
    """The middle of the answered appeals' times from filing to the first answer (seconds),
    rounded to the step the page shows it in (decision 0120); of an even number, the mean of
    the two middle ones. Reads the period's bucket counts of the organisations counted (every
    organisation: the rows of organisation 0), a row per day and bucket, summed per bucket."""
    orgs = [EVERY_ORG] if scope.org_ids is None else sorted(scope.org_ids)
    counts = conn.execute(
        "SELECT bucket, sum(n) FROM appeal_answer_counts "
        f"WHERE target_org_id IN {ids_in_json(conn)} AND category = ? AND day BETWEEN ? AND ? "
        "GROUP BY bucket ORDER BY bucket",
        [json.dumps(orgs), scope.category or EVERY_CATEGORY, str(scope.first), str(scope.last)],
    ).fetchall()
    answered = sum(n for _, n in counts)
    if not answered:
        return None
    wanted = {(answered - 1) // 2, answered // 2}  # the middle one, or the two middle ones
    middle, seen = [], 0
    for bucket, n in counts:
        middle += [bucket_seconds(bucket)] * sum(1 for i in wanted if seen <= i < seen + n)
        seen += n
        if seen > answered // 2:
            break
    return sum(middle) / len(middle)
