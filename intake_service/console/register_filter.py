"""What an operator asked of the register of appeals (`/console`): a one-click view, the
sort, the keyset cursor — on top of the log's own filters (console/log_filter.py: `org`,
`kind`, `category`, `status`, `severity`, `assignee`, `due`, `q`, and `from`/`to` as local
days of receipt), so that the two pages speak one vocabulary.

Views: `open` (the default), `mine` (open, mine), `unassigned` (open, nobody's), `overdue`
(open, past the answer date), `today` (received today, the organisation's local day),
`waiting` (the question to the citizen is open: `clarifying`), `closed`, `all`.
Sorts: `received` (newest first, the default) and `due` (earliest answer date first; appeals
without one follow). The cursor `after` names the last row of the page before: `r<seq>`,
`d<date>.<seq>` or `n<seq>` (the appeals without a date, in the `due` sort).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from intake_service.console.auth import Operator
from intake_service.console.log_filter import BadFilter, LogFilter
from intake_service.directory import OrgDirectory
from intake_service.lifecycle.deadlines import SOONEST_ANSWER_DAYS, today_in

VIEWS = ("open", "mine", "unassigned", "overdue", "today", "waiting", "closed", "all")
SORTS = ("received", "due")
_CURSOR = re.compile(r"^(?:r(\d{1,18})|d(\d{4}-\d{2}-\d{2})\.(\d{1,18})|n(\d{1,18}))$")


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after `seq`, or after (`due`, `seq`) in the due sort;
    `undated`: among the appeals without an answer date (the due sort's tail)."""

    seq: int
    due: str | None = None
    undated: bool = False

    def text(self) -> str:
        if self.undated:
            return f"n{self.seq}"
        return f"d{self.due}.{self.seq}" if self.due is not None else f"r{self.seq}"


def parse_cursor(raw: str) -> Cursor | None:
    found = _CURSOR.match(raw)
    if found is None:
        return None
    received, due, due_seq, undated = found.groups()
    if received is not None:
        return Cursor(int(received))
    if due is not None:
        return Cursor(int(due_seq), due=due)
    return Cursor(int(undated), undated=True)


@dataclass(frozen=True)
class RegisterAsk:
    f: LogFilter
    view: str = "open"
    sort: str = "received"
    after: Cursor | None = None
    me: int = 0  # the operator's user id (`mine`)
    today: str = ""  # the local day, ISO (`overdue`)
    today_from: str = ""  # its first moment, stored-time format (`today`)
    # appeals filed from this moment on cannot be overdue today in any zone (`overdue`)
    young_from: str = ""

    @classmethod
    def from_query(
        cls,
        params: Mapping[str, str],
        operator: Operator,
        directory: OrgDirectory,
        conn: sqlite3.Connection,
    ) -> RegisterAsk:
        f = LogFilter.from_query(params, operator, directory, conn, views=())
        errors = []
        view = (params.get("view") or "open").strip()
        if view not in VIEWS:
            errors.append(("view", "param.one-of", {"allowed": ", ".join(VIEWS)}))
        sort = (params.get("sort") or "received").strip()
        if sort not in SORTS:
            errors.append(("sort", "param.one-of", {"allowed": ", ".join(SORTS)}))
        after = None
        if raw := (params.get("after") or "").strip():
            after = parse_cursor(raw)
            if after is None or (after.due is not None or after.undated) != (sort == "due"):
                errors.append(("after", "param.before", {}))
                after = None
        if errors:
            raise BadFilter(errors)
        zone = f.zone or UTC
        today = today_in(zone)
        start = datetime.combine(today, time(), zone).astimezone(UTC)
        return cls(
            f=f,
            view=view,
            sort=sort,
            after=after,
            me=operator.user.id,
            today=today.isoformat(),
            today_from=start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            # two days' margin: another organisation's zone (up to 26 hours apart) and the
            # moments between an appeal's time of filing and its insert
            young_from=(start - timedelta(days=SOONEST_ANSWER_DAYS - 2)).strftime(
                "%Y-%m-%dT%H:%M:%S.000Z"
            ),
        )

    def query(self, **changes: str | None) -> dict[str, str]:
        """The ask as query-string parameters (links: views, sorts, the next page)."""
        values = self.f.query(before=None)
        values.pop("view", None)
        if self.view != "open":
            values["view"] = self.view
        if self.sort != "received":
            values["sort"] = self.sort
        if self.after is not None:
            values["after"] = self.after.text()
        for name, value in changes.items():
            if value is None:
                values.pop(name, None)
            else:
                values[name] = value
        return values

    def first_page(self) -> RegisterAsk:
        return replace(self, after=None)
