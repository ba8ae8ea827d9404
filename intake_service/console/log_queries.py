"""The intake log's reads for the console: one page of the filtered log, one event checked
against a filter (the live tail), and the appeals of a filtered log (the CSV export).

Paging is by keyset — `before` an event id, newest first — so a deep page costs what the first
does. An operator's log is read per organisation on the `events_by_org (org_id, id)` index: one
sub-query per visible organisation, each already ordered and limited, put together with
UNION ALL and merged — SQLite walks each index backwards for at most a page instead of sorting
every event of a region. A platform admin's log walks the events' own id backwards. Filters on
the appeal (kind, category, status, severity, assignee) join `appeals` by its unique id — or,
when few appeals match, start from those appeals (`_appeals_first_ids`). A search starts from
the full-text index (console/search.py) instead, newest appeal first.

Every path keeps to the one rule of visibility (intake_service/visibility.py): an event that
names an appeal shows only while the appeal's current target is one of the viewer's
organisations — the walks add `event_sql` (a primary-key look-up of the event's appeal), the
appeal-first and search paths filter on the joined appeal's target.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from intake_service.console.log_filter import AUDIT_TYPES, PAGE_SIZE, LogFilter
from intake_service.console.search import match_expression, tsquery_expression
from intake_service.dialect import MAX_COMPOUND, fixed_join, ids_in_json, index_hint, is_sqlite
from intake_service.events import EventType
from intake_service.statuses import open_statuses_sql
from intake_service.visibility import event_sql, scope_arg, sees_appeal, sees_event

# Up to this many matching appeals a filtered page starts from the appeals and sorts their
# events (measured at 1,000,000 appeals with the readers' 64 MiB cache: ~2,600 appeals of a
# region 13 ms, ~5,400 about 70 ms); beyond it matches are common and the walk of the events
# usually finds a page sooner.
APPEALS_FIRST = 6000
# the audit view's event types as an SQL list (constants of the code, never a client's words)
_AUDIT_SQL = "(" + ", ".join(f"'{t}'" for t in AUDIT_TYPES) + ")"

_ROW = (
    "SELECT e.id, e.at, e.type, e.org_id, o.slug AS org, e.appeal_id, e.reason, e.data, "
    "a.number, a.category, a.kind, a.status, a.severity, a.target_org_id, a.answer_due, "
    "a.channel, substr(a.text, 1, 240) AS text, u.email AS assignee "
    "FROM events e LEFT JOIN orgs o ON o.id = e.org_id "
    "LEFT JOIN appeals a ON a.id = e.appeal_id LEFT JOIN users u ON u.id = a.assignee_id "
)


def first_id_at(conn: sqlite3.Connection, at: str) -> int:
    """The id of the first event at or after `at` (one past the last event if none), found by
    bisecting the primary key: ids grow with time, and there is no index on `at`. A period
    becomes an id range that the index walks cover exactly; the `at` terms stay as well, so a
    row a clock put out of order (a CLI process) is never shown outside the period."""
    # two sub-queries: each is a look at one end of the primary key; `min(id), max(id)` in
    # one SELECT scans the table
    low_high = conn.execute(
        "SELECT (SELECT min(id) FROM events), (SELECT max(id) FROM events)"
    ).fetchone()
    if low_high[0] is None:
        return 1
    low, high = int(low_high[0]), int(low_high[1]) + 1
    while low < high:
        middle = (low + high) // 2
        row = conn.execute(
            "SELECT id, at FROM events WHERE id >= ? ORDER BY id LIMIT 1", (middle,)
        ).fetchone()
        if row is None or row[1] >= at:
            high = middle
        else:
            low = int(row[0]) + 1
    return low


def _conditions(
    f: LogFilter, *, search: bool, conn: sqlite3.Connection | None = None
) -> tuple[list[str], list[Any]]:
    """The WHERE terms every path shares (events `e`, appeals `a`)."""
    terms: list[str] = []
    args: list[Any] = []
    if f.before is not None:
        terms.append("e.id < ?")
        args.append(f.before)
    if conn is not None and f.at_from is not None:
        terms.append("e.id >= ?")
        args.append(first_id_at(conn, f.at_from))
    if conn is not None and f.at_until is not None:
        terms.append("e.id < ?")
        args.append(first_id_at(conn, f.at_until))
    # the audit view shows only sign-ins and administration, every other view never them
    terms.append(f"e.type {'IN' if f.audit else 'NOT IN'} {_AUDIT_SQL}")
    if search:
        terms.append("e.type = ?")
        args.append(str(EventType.ACCEPTED))
    elif f.type is not None:
        terms.append("e.type = ?")
        args.append(f.type)
    if f.at_from is not None:
        terms.append("e.at >= ?")
        args.append(f.at_from)
    if f.at_until is not None:
        terms.append("e.at < ?")
        args.append(f.at_until)
    appeal_terms, appeal_args = appeal_conditions(f)
    return terms + appeal_terms, args + appeal_args


def appeal_conditions(f: LogFilter) -> tuple[list[str], list[Any]]:
    """The WHERE terms on the event's appeal `a` alone: the filter's topic, status, importance,
    kind, assignee and overdue; the register asks the same of its rows."""
    terms: list[str] = []
    args: list[Any] = []
    for column, value in (
        ("a.category", f.category),
        ("a.status", f.status),
        ("a.severity", f.severity),
        ("a.kind", f.kind),
        ("a.assignee_id", f.assignee_id),
    ):
        if value is not None:
            terms.append(f"{column} = ?")
            args.append(value)
    if f.due_before is not None:
        terms.append(f"a.answer_due < ? AND a.status IN {open_statuses_sql()}")
        args.append(f.due_before)
    return terms, args


def _seen(conn: sqlite3.Connection, f: LogFilter) -> tuple[list[str], list[Any]]:
    """The one visibility rule on the walk of events: an event naming an appeal shows only
    while the appeal's current target is one of the filter's organisations (a routed or
    forwarded appeal leaves the log of the organisation it left). None for the platform."""
    if f.org_ids is None:
        return [], []
    return [event_sql(conn)], [scope_arg(f.org_ids)]


def _where(terms: list[str]) -> str:
    return (" WHERE " + " AND ".join(terms)) if terms else ""


def page_ids(conn: sqlite3.Connection, f: LogFilter, limit: int = PAGE_SIZE) -> list[int]:
    """The event ids of one page of the filtered log, newest first."""
    if f.q is not None:
        return _search_ids(conn, f, limit)
    if f.org_ids is not None and not f.org_ids:
        return []
    join = f" {fixed_join(conn)} appeals a ON a.id = e.appeal_id" if f.needs_appeal else ""
    terms, args = _conditions(f, search=False, conn=conn)
    if f.needs_appeal:
        found_first = _appeals_first_ids(conn, f, terms, args, limit)
        if found_first is not None:
            return found_first
    org_ids: list[int | None]
    if f.org_ids is not None:
        org_ids = sorted(f.org_ids)
    elif f.type is not None:
        # a platform admin asking for one type: per organisation on `events_by_org_type`
        # (and the refusals that named none), not a walk of every event looking for it
        org_ids = [None, *(row[0] for row in conn.execute("SELECT id FROM orgs ORDER BY id"))]
    else:
        sql = f"SELECT e.id FROM events e{join}{_where(terms)} ORDER BY e.id DESC LIMIT ?"
        return [row[0] for row in conn.execute(sql, (*args, limit))]
    seen, seen_args = _seen(conn, f)
    found: list[int] = []
    for start in range(0, len(org_ids), MAX_COMPOUND):
        chunk = org_ids[start : start + MAX_COMPOUND]
        parts, values = [], []
        for org_id in chunk:
            own = "e.org_id IS NULL" if org_id is None else "e.org_id = ?"
            parts.append(
                f"SELECT id FROM (SELECT e.id FROM events e{join}"
                f"{_where([own, *terms, *seen])} ORDER BY e.id DESC LIMIT ?) AS per_org"
            )
            values += [*([] if org_id is None else [org_id]), *args, *seen_args, limit]
        sql = " UNION ALL ".join(parts) + " ORDER BY 1 DESC LIMIT ?"
        found += [row[0] for row in conn.execute(sql, (*values, limit))]
    return sorted(found, reverse=True)[:limit]


def _appeals_first_ids(
    conn: sqlite3.Connection, f: LogFilter, terms: list[str], args: list[Any], limit: int
) -> list[int] | None:
    """A page filtered by the appeal's attributes, found from the matching appeals: their
    events, newest first. None when more than `APPEALS_FIRST` appeals match — then matching
    events are common enough that walking the organisations' events finds a page soon.

    Walking events and checking each one's appeal costs one look-up per event passed over, and
    a rare combination (or a status that the newest appeals do not have yet) made the walk go
    through a region's whole recent history. The appeals are found on `appeals_log_facets`
    (target_org_id, category, status, severity, kind, assignee_id, id) — the index alone; an
    assignee's on `appeals_by_assignee` — and their events on `events_by_appeal`; the few events are then sorted. An appeal's events
    carry its target organisation (intake, handling and delivery all write it so), and the
    events' own conditions — the organisations shown, `before`, the period — stay as well."""
    org_ids = (
        sorted(f.org_ids)
        if f.org_ids is not None
        else [row[0] for row in conn.execute("SELECT id FROM orgs ORDER BY id")]
    )
    if not org_ids or len(org_ids) > MAX_COMPOUND:
        return None
    marks = ",".join("?" * len(org_ids))
    appeal_terms, appeal_args = appeal_conditions(f)
    appeals_where = _where([f"a.target_org_id IN ({marks})", *appeal_terms])
    # an assignee's few appeals are found on their own index, not among an org's every appeal;
    # overdue ones on the answer dates', where only the past dates are read
    if f.assignee_id is not None:
        index = "appeals_by_assignee"
    elif f.due_before is not None:
        index = "appeals_due"
    else:
        index = "appeals_log_facets"
    hint = index_hint(conn, index)
    matching = f"SELECT 1 FROM appeals a{hint}{appeals_where} LIMIT ?"
    (count,) = conn.execute(
        f"SELECT count(*) FROM ({matching}) AS matching",
        (*org_ids, *appeal_args, APPEALS_FIRST + 1),
    ).fetchone()
    if count > APPEALS_FIRST:
        return None
    own: list[str] = []
    own_args: list[Any] = []
    if f.org_ids is not None:
        own, own_args = [f"+e.org_id IN ({marks})"], list(org_ids)
    sql = (
        f"SELECT e.id FROM appeals a{hint} "
        f"{fixed_join(conn)} events e ON e.appeal_id = a.id"
        f"{_where([f'a.target_org_id IN ({marks})', *own, *terms])} ORDER BY e.id DESC LIMIT ?"
    )
    return [row[0] for row in conn.execute(sql, (*org_ids, *own_args, *args, limit))]


def _search_ids(conn: sqlite3.Connection, f: LogFilter, limit: int) -> list[int]:
    """A search: the accepted rows of the matching appeals, newest appeal first, driven by the
    full-text index (its rowid is the appeal's seq, in the same order as the events' ids)."""
    if f.type is not None and f.type != EventType.ACCEPTED:
        return []
    sqlite = is_sqlite(conn)
    expression = (match_expression if sqlite else tsquery_expression)(f.q or "", f.org_ids)
    if expression is None:
        return []
    terms, args = _conditions(f, search=True, conn=conn)
    seq = "s.rowid" if sqlite else "s.seq"
    match = (
        "appeal_search MATCH ?"
        if sqlite
        else "to_tsvector('simple', s.orgs || ' ' || s.body) @@ to_tsquery('simple', ?)"
    )
    terms = [match, *terms]
    args = [expression, *args]
    if f.org_ids is not None:  # the index's org token aside, the appeal's target now
        terms.append(f"a.target_org_id IN {ids_in_json(conn)}")
        args.append(scope_arg(f.org_ids))
    if f.before is not None:
        row = conn.execute(
            "SELECT a.seq FROM events e JOIN appeals a ON a.id = e.appeal_id WHERE e.id = ?",
            (f.before,),
        ).fetchone()
        if row is not None:
            terms.insert(1, f"{seq} < ?")
            args.insert(1, row[0])
    sql = (
        f"SELECT e.id FROM appeal_search s {fixed_join(conn)} appeals a ON a.seq = {seq} "
        f"{fixed_join(conn)} events e ON e.appeal_id = a.id{_where(terms)} "
        f"ORDER BY {seq} DESC LIMIT ?"
    )
    try:
        return [row[0] for row in conn.execute(sql, (*args, limit))]
    except sqlite3.OperationalError as error:
        # a word FTS5 reads as several tokens (a phrase, which detail=column cannot answer):
        # nothing is found rather than a server error
        if "fts5" not in str(error).lower() and "phrase" not in str(error).lower():
            raise
        return []


def rows(conn: sqlite3.Connection, ids: list[int]) -> list[dict[str, Any]]:
    """What the log shows of each event (with its appeal's current state), in the ids' order."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    found = {}
    for row in conn.execute(_ROW + f"WHERE e.id IN ({marks})", ids):
        values = dict(row)
        values["data"] = json.loads(values["data"]) if values["data"] else {}
        found[values["id"]] = values
    return [found[event_id] for event_id in ids if event_id in found]


def page(conn: sqlite3.Connection, f: LogFilter, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    return rows(conn, page_ids(conn, f, limit))


def matching_row(conn: sqlite3.Connection, f: LogFilter, event_id: int) -> dict[str, Any] | None:
    """The event's row if it passes the filter (search aside: see search.text_matches), for
    the live tail; the same conditions as a page, on one id."""
    join = f" {fixed_join(conn)} appeals a ON a.id = e.appeal_id" if f.needs_appeal else ""
    terms, args = _conditions(f.older(None), search=False)
    if f.q is not None:
        terms.append("e.type = ?")
        args.append(str(EventType.ACCEPTED))
    sql = f"SELECT e.org_id FROM events e{join}{_where(['e.id = ?', *terms])}"
    if conn.execute(sql, (event_id, *args)).fetchone() is None:
        return None
    found = rows(conn, [event_id])
    return found[0] if found and visible_row(f, found[0]) else None


def visible_row(f: LogFilter, row: dict[str, Any]) -> bool:
    """Whether the filter's viewer sees this log row (`rows`' dict): the one rule, on the
    event's organisation and its appeal's current target."""
    if (row["type"] in AUDIT_TYPES) != f.audit:
        return False
    return sees_event(f.org_ids, row["org_id"], row["target_org_id"])


def ids_after(conn: sqlite3.Connection, f: LogFilter, after_id: int, limit: int) -> list[int]:
    """Ids of the events after `after_id` of the filter's organisations, oldest first: what a
    live stream that reconnects (Last-Event-ID) missed meanwhile, each still to be checked
    against the filter with `matching_row`."""
    if f.org_ids is None:
        sql, args = "SELECT id FROM events WHERE id > ? ORDER BY id LIMIT ?", [after_id, limit]
    else:
        marks = ",".join("?" * len(f.org_ids))
        sql = f"SELECT id FROM events WHERE id > ? AND org_id IN ({marks}) ORDER BY id LIMIT ?"
        args = [after_id, *sorted(f.org_ids), limit]
    return [row[0] for row in conn.execute(sql, args)]


def appeal_text(conn: sqlite3.Connection, appeal_id: str) -> tuple[str, str | None] | None:
    row = conn.execute("SELECT text, address FROM appeals WHERE id = ?", (appeal_id,)).fetchone()
    return (row[0], row[1]) if row else None


# --- the export ----------------------------------------------------------------------------

_EXPORT = (
    "SELECT a.id, a.number, a.created_at, t.slug AS org, a.target_org_id, a.category, a.kind, "
    "a.status, a.severity, a.channel, a.address, a.text, a.contact "
    "FROM appeals a JOIN orgs t ON t.id = a.target_org_id "
)


def export_batch(
    conn: sqlite3.Connection, f: LogFilter, seen: set[str], batch: int = 500
) -> tuple[list[dict[str, Any]], int | None]:
    """The next appeals of the filtered log not yet exported (`seen` grows), newest first, and
    the cursor of the batch after (None: the log is exhausted)."""
    ids = page_ids(conn, f, batch)
    if not ids:
        return [], None
    marks = ",".join("?" * len(ids))
    appeal_ids: list[str] = []
    for (appeal_id,) in conn.execute(
        f"SELECT appeal_id FROM events WHERE id IN ({marks}) AND appeal_id IS NOT NULL "
        "ORDER BY id DESC",
        ids,
    ):
        if appeal_id not in seen:
            seen.add(appeal_id)
            appeal_ids.append(appeal_id)
    found = _appeals(conn, appeal_ids, f.org_ids)
    cursor = ids[-1] if len(ids) == batch else None
    return [found[a] for a in appeal_ids if a in found], cursor


def _appeals(
    conn: sqlite3.Connection, ids: Iterable[str], scope: frozenset[int] | None
) -> dict[str, dict[str, Any]]:
    """The appeals to export, of those the viewer (`scope`) sees now."""
    ids = list(ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    sql = _EXPORT + f"WHERE a.id IN ({marks})"
    return {
        row["id"]: dict(row)
        for row in conn.execute(sql, ids)
        if sees_appeal(scope, row["target_org_id"])
    }
