"""The statistics' reads for a period: counts per day, organisation, category, channel and
status, and the answered, from the day counts the triggers keep (migration 9) — one range of a
small table — and the median time to the first answer from the partial index of answered
appeals.

Every read takes the organisations to count (already narrowed to what the operator sees) and an
optional category; the period is whole local days, `first` and `last` included: each appeal
counts on its organisation's local day (`appeals.local_offset`, migration 17), and the median reads
the appeals filed between each zone's local midnights (`Scope.zones`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from intake_service.dialect import ids_in_json, index_hint, seconds_between
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
    # it (the median's bounds are that zone's midnights, no list of organisations needed)
    zones: tuple[tuple[ZoneInfo, frozenset[int] | None], ...] = ((ZoneInfo("UTC"), None),)

    def _bounds(self, zone: ZoneInfo) -> list[object]:
        """The UTC moments of `first`'s local midnight and the one after `last`, as stored."""
        return [
            datetime.combine(day, time(), zone).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            for day in (self.first, self.last + timedelta(days=1))
        ]

    def where(
        self, conn: sqlite3.Connection, *, day_column: str | None = None
    ) -> tuple[str, list[object]]:
        """The WHERE clause for the day table (`day_column`) or the appeals table."""
        if day_column:
            clauses = [f"{day_column} BETWEEN ? AND ?"]
            args: list[object] = [self.first.isoformat(), self.last.isoformat()]
        elif len(self.zones) == 1:
            clauses = ["created_at >= ?", "created_at < ?"]
            args = self._bounds(self.zones[0][0])
        else:
            parts, args = [], []
            for zone, ids in self.zones:
                parts.append(
                    f"(target_org_id IN {ids_in_json(conn)} AND created_at >= ? AND created_at < ?)"
                )
                args += [json.dumps(sorted(ids or ())), *self._bounds(zone)]
            clauses = ["(" + " OR ".join(parts) + ")"]
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


def period_stats(conn: sqlite3.Connection, scope: Scope) -> Stats:
    stats = Stats()
    where, args = scope.where(conn, day_column="day")
    channels = ", ".join(f"sum(via_{c})" for c in CHANNELS)
    statuses = ", ".join(f"sum(st_{s})" for s in STATUSES)
    for day, org_id, category, n, answered, *by in conn.execute(
        f"SELECT day, target_org_id, category, sum(n), sum(answered), {channels}, {statuses} "
        "FROM appeal_day_counts"
        + where
        + " GROUP BY day, target_org_id, category HAVING sum(n) > 0",
        args,
    ):
        stats.per_day[day] = stats.per_day.get(day, 0) + n
        stats.per_org[org_id] = stats.per_org.get(org_id, 0) + n
        stats.per_category[category] = stats.per_category.get(category, 0) + n
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
    where, args = scope.where(conn)
    stats.median_answer_seconds = _median_answer(conn, where, args, stats.answered)
    return stats


def _median_answer(
    conn: sqlite3.Connection, where: str, args: list[object], answered: int
) -> float | None:
    """The middle of the answered appeals' times from filing to the first answer (seconds);
    of an even number, the mean of the two middle ones. Reads the partial index of answered
    appeals alone (migration 9)."""
    if not answered:
        return None
    middle = conn.execute(
        f"SELECT {seconds_between(conn, 'created_at', 'answered_at')} AS took "
        f"FROM appeals{index_hint(conn, 'appeals_answered')}"
        + where
        + " AND answered_at IS NOT NULL ORDER BY took LIMIT ? OFFSET ?",
        [*args, 1 if answered % 2 else 2, (answered - 1) // 2],
    ).fetchall()
    if not middle:
        return None
    return sum(row[0] for row in middle) / len(middle)
