"""The register's reads: one page of appeals — one row per appeal — in a view, sorted and
filtered, paged by keyset, and the visible appeals among ids a bulk form sent.

A page is read per organisation the operator sees: one sub-query each, ordered and limited on
an index of migration 16 (`appeals_open_due`, `appeals_unassigned`, `appeals_closed`,
`appeals_by_status`), of migration 18 (`appeals_open_seq_due`: the open view, newest first —
migration 27 dropped `appeals_open`, a prefix of it) or an older one (`appeals_by_target`,
`appeals_by_target_time`), put together with UNION ALL and merged — never a scan of the
appeals, and a deep page costs what the first does. "Mine" starts from `appeals_by_assignee`
instead, a search from the full-text index (console/search.py). The rows keep to the one rule
of visibility (intake_service/visibility.py): the sub-queries name only organisations in the
operator's scope, and each row read is asked `sees_appeal` once more.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from intake_service.console.log_filter import PAGE_SIZE
from intake_service.console.log_queries import appeal_conditions
from intake_service.console.register_filter import Cursor, RegisterAsk
from intake_service.console.search import match_expression, tsquery_expression
from intake_service.dialect import MAX_COMPOUND, fixed_join, ids_in_json, is_sqlite
from intake_service.statuses import Status, open_statuses_sql
from intake_service.visibility import scope_arg, sees_appeal

_OPEN = open_statuses_sql()

_ROW = (
    "SELECT a.seq, a.id, a.number, a.created_at, a.target_org_id, t.slug AS org, a.category, "
    "substr(a.text, 1, 240) AS text, a.status, a.severity, a.answer_due, a.channel, a.kind, "
    "u.email AS assignee "
    "FROM appeals a JOIN orgs t ON t.id = a.target_org_id "
    "LEFT JOIN users u ON u.id = a.assignee_id "
)


def _view_terms(ask: RegisterAsk) -> tuple[list[str], list[Any]]:
    """The view's terms, written as the partial indexes are declared (literal statuses)."""
    view = ask.view
    if view == "open":
        return [f"a.status IN {_OPEN}"], []
    if view == "mine":
        return ["a.assignee_id = ?", f"a.status IN {_OPEN}"], [ask.me]
    if view == "unassigned":
        return [f"a.assignee_id IS NULL AND a.status IN {_OPEN}"], []
    if view == "overdue":
        if ask.sort == "received":
            # newest first: along `appeals_open_seq_due` (migration 18), the date read from the
            # index; the bare column would send the planner to the date range and a sort
            return [f"a.status IN {_OPEN}", "a.answer_due || '' < ?"], [ask.today]
        return [f"a.status IN {_OPEN}", "a.answer_due < ?"], [ask.today]
    if view == "today":
        return ["a.created_at >= ?"], [ask.today_from]
    if view == "waiting":
        return ["a.status = ?"], [str(Status.CLARIFYING)]
    if view == "closed":
        return [f"a.status NOT IN {_OPEN}"], []
    return [], []


def _filter_terms(ask: RegisterAsk) -> tuple[list[str], list[Any]]:
    """The log's conditions on an appeal, and the days it was received in."""
    f = ask.f
    terms, args = appeal_conditions(f)
    if f.at_from is not None:
        terms.append("a.created_at >= ?")
        args.append(f.at_from)
    if f.at_until is not None:
        terms.append("a.created_at < ?")
        args.append(f.at_until)
    return terms, args


def _where(terms: list[str]) -> str:
    return (" WHERE " + " AND ".join(terms)) if terms else ""


def _phases(ask: RegisterAsk) -> list[tuple[list[str], list[Any], str]]:
    """The page's parts in order, each (terms, args, ORDER BY): newest first; or the dated
    appeals by answer date, then those without a date (a part the cursor has passed is left
    out)."""
    after = ask.after
    if ask.sort == "received":
        terms, args = ([], []) if after is None else (["a.seq < ?"], [after.seq])
        return [(terms, args, "a.seq DESC")]
    undated = (["a.answer_due IS NULL"], [], "a.seq")
    if after is not None and after.undated:
        return [(["a.answer_due IS NULL", "a.seq > ?"], [after.seq], "a.seq")]
    dated_terms, dated_args = ["a.answer_due IS NOT NULL"], []
    if after is not None:
        dated_terms.append("(a.answer_due, a.seq) > (?, ?)")
        dated_args += [after.due, after.seq]
    return [(dated_terms, dated_args, "a.answer_due, a.seq"), undated]


def _org_ids(conn: sqlite3.Connection, ask: RegisterAsk) -> list[int]:
    if ask.f.org_ids is not None:
        return sorted(ask.f.org_ids)
    return [row[0] for row in conn.execute("SELECT id FROM orgs ORDER BY id")]


def _outer(order: str) -> str:
    """The merge's ORDER BY over the sub-queries' columns (seq, answer_due)."""
    return (
        "ORDER BY 1 DESC"
        if order == "a.seq DESC"
        else ("ORDER BY 2, 1" if order.startswith("a.answer_due") else "ORDER BY 1")
    )


def _part_seqs(
    conn: sqlite3.Connection,
    ask: RegisterAsk,
    terms: list[str],
    args: list[Any],
    order: str,
    limit: int,
) -> list[tuple[int, str | None]]:
    """(seq, answer_due) of one part of the page, in its order."""
    scope = ask.f.org_ids
    if ask.f.q is not None:
        return _search_seqs(conn, ask, terms, args, order, limit)
    if ask.view == "mine" or ask.f.assignee_id is not None:
        # an assignee's few appeals on their own index, then sorted
        own = [] if scope is None else [f"a.target_org_id IN {ids_in_json(conn)}"]
        own_args = [] if scope is None else [scope_arg(scope)]
        sql = (
            f"SELECT a.seq, a.answer_due FROM appeals a{_where([*terms, *own])} "
            f"ORDER BY {order} LIMIT ?"
        )
        return [(r[0], r[1]) for r in conn.execute(sql, (*args, *own_args, limit))]
    org_ids = _org_ids(conn, ask)
    # Overdue, newest first: walking back from the newest appeal would pass every open appeal
    # not yet due (a month of them) before the first overdue one; none filed in the last
    # SOONEST_ANSWER_DAYS can be overdue, so each organisation's walk starts below the last
    # appeal it received before then (one probe of `appeals_by_target_time`; seq order is the
    # order of filing, as "newest first" everywhere takes it).
    skip_young = ask.view == "overdue" and order == "a.seq DESC" and bool(ask.young_from)
    own_terms = ["a.target_org_id = ?"]
    if skip_young:
        own_terms.append(
            "a.seq <= coalesce((SELECT b.seq FROM appeals b WHERE b.target_org_id = ? "
            "AND b.created_at < ? ORDER BY b.created_at DESC LIMIT 1), 0)"
        )
    found: list[tuple[int, str | None]] = []
    for start in range(0, len(org_ids), MAX_COMPOUND):
        chunk = org_ids[start : start + MAX_COMPOUND]
        parts, values = [], []
        for org_id in chunk:
            parts.append(
                "SELECT seq, answer_due FROM (SELECT a.seq, a.answer_due FROM appeals a"
                f"{_where([*own_terms, *terms])} ORDER BY {order} LIMIT ?) AS per_org"
            )
            own_args = [org_id, org_id, ask.young_from] if skip_young else [org_id]
            values += [*own_args, *args, limit]
        sql = " UNION ALL ".join(parts) + f" {_outer(order)} LIMIT ?"
        found += [(r[0], r[1]) for r in conn.execute(sql, (*values, limit))]
    if order == "a.seq DESC":
        found.sort(key=lambda r: r[0], reverse=True)
    elif order == "a.seq":
        found.sort(key=lambda r: r[0])
    else:
        found.sort(key=lambda r: (r[1] or "", r[0]))
    return found[:limit]


def _search_seqs(
    conn: sqlite3.Connection,
    ask: RegisterAsk,
    terms: list[str],
    args: list[Any],
    order: str,
    limit: int,
) -> list[tuple[int, str | None]]:
    """A search: the matching appeals from the full-text index (its rowid is the appeal's
    seq), then the view's and the filters' terms on each."""
    sqlite = is_sqlite(conn)
    scope = ask.f.org_ids
    expression = (match_expression if sqlite else tsquery_expression)(ask.f.q or "", scope)
    if expression is None:
        return []
    seq = "s.rowid" if sqlite else "s.seq"
    match = (
        "appeal_search MATCH ?"
        if sqlite
        else "to_tsvector('simple', s.orgs || ' ' || s.body) @@ to_tsquery('simple', ?)"
    )
    where = [match, *terms]
    values: list[Any] = [expression, *args]
    if scope is not None:  # the index's org token aside, the appeal's target now
        where.append(f"a.target_org_id IN {ids_in_json(conn)}")
        values.append(scope_arg(scope))
    # ordered by the index's own rowid, newest first: SQLite walks the matches from the end
    # and stops at the page's size instead of sorting all of them
    order = order.replace("a.seq", seq)
    sql = (
        f"SELECT a.seq, a.answer_due FROM appeal_search s {fixed_join(conn)} appeals a "
        f"ON a.seq = {seq}{_where(where)} ORDER BY {order} LIMIT ?"
    )
    try:
        return [(r[0], r[1]) for r in conn.execute(sql, (*values, limit))]
    except sqlite3.OperationalError as error:
        # a word FTS5 reads as several tokens: nothing found rather than a server error
        if "fts5" not in str(error).lower() and "phrase" not in str(error).lower():
            raise
        return []


def page(
    conn: sqlite3.Connection, ask: RegisterAsk, limit: int = PAGE_SIZE
) -> tuple[list[dict[str, Any]], Cursor | None]:
    """One page of the register: its rows, and the cursor of the next page (None: the last)."""
    if ask.f.org_ids is not None and not ask.f.org_ids:
        return [], None
    view_terms, view_args = _view_terms(ask)
    filter_terms, filter_args = _filter_terms(ask)
    found: list[tuple[int, str | None]] = []
    for terms, args, order in _phases(ask):
        want = limit - len(found)
        if want <= 0:
            break
        found += _part_seqs(
            conn,
            ask,
            [*view_terms, *filter_terms, *terms],
            [*view_args, *filter_args, *args],
            order,
            want,
        )
    rows = _rows(conn, [seq for seq, _ in found], ask.f.org_ids)
    cursor = None
    if len(found) == limit:
        seq, due = found[-1]
        if ask.sort == "received":
            cursor = Cursor(seq)
        else:
            cursor = Cursor(seq, due=due) if due is not None else Cursor(seq, undated=True)
    return rows, cursor


def _rows(
    conn: sqlite3.Connection, seqs: list[int], scope: frozenset[int] | None
) -> list[dict[str, Any]]:
    """What the register shows of each appeal, in the seqs' order, of those the viewer sees."""
    if not seqs:
        return []
    marks = ",".join("?" * len(seqs))
    by_seq = {
        row["seq"]: dict(row)
        for row in conn.execute(_ROW + f"WHERE a.seq IN ({marks})", seqs)
        if sees_appeal(scope, row["target_org_id"])
    }
    return [by_seq[seq] for seq in seqs if seq in by_seq]


def visible_appeals(
    conn: sqlite3.Connection, ids: list[str], scope: frozenset[int] | None
) -> dict[str, dict[str, Any]]:
    """Of the appeal ids a bulk form sent, those that exist and the viewer sees, by id."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    sql = "SELECT id, number, target_org_id FROM appeals WHERE id IN (" + marks + ")"
    return {
        row["id"]: dict(row)
        for row in conn.execute(sql, ids)
        if sees_appeal(scope, row["target_org_id"])
    }
