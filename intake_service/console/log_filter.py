"""What an operator asked of the intake log: the filters of `/console`, `/console/log.json`,
`/console/live` and `/console/export.csv`, read from the query string in one place.

The parameter names are the console's shared vocabulary — the board's cells and the appeal
page link to the log with them: `org` (slug: that organisation and those below it, as a
region's row on the board sums its municipalities), `kind`, `category` (code), `status`,
`severity`, `type` (event type), `from` and `to` (dates YYYY-MM-DD, both inclusive, days of
the organisation's time zone — the asked one's, else the operator's own),
`assignee` (`me` or a colleague's e-mail), `due` (`overdue`: open appeals past their answer
date), `q` (full-text search), `view` (`audit`: the sign-ins and administrative events, which
only admins see; without it the log shows the appeals' events), and `before` (the keyset
cursor: an event id). A bad value is a
`BadParameter` naming each parameter in words; an organisation the operator may not see is
`NotFound`, exactly like one that does not exist.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from intake_service.appeal_input import KINDS
from intake_service.console.accounts import find_user
from intake_service.console.auth import Operator
from intake_service.directory import OrgDirectory
from intake_service.errors import BadParameter, Forbidden, NotFound
from intake_service.events import EventType
from intake_service.ids import whole_number
from intake_service.lifecycle.deadlines import today_in
from intake_service.org_settings import DEFAULT_TIMEZONE, timezone_of
from intake_service.orgs import Org
from intake_service.statuses import Severity, Status

PAGE_SIZE = 50
_CODE = re.compile(r"^[a-z0-9_\-]{1,64}$")
MAX_QUERY = 200


def event_id(raw: str) -> int | None:
    """The event id a client sends back (the `before` cursor, a stream's Last-Event-ID), or None
    if `raw` names none."""
    return whole_number(raw)


# query-string name -> attribute
_NAMES = {
    "org": "org",
    "kind": "kind",
    "category": "category",
    "status": "status",
    "severity": "severity",
    "type": "type",
    "from": "date_from",
    "to": "date_to",
    "assignee": "assignee",
    "due": "due",
    "q": "q",
    "view": "view",
}
DUE = ("overdue",)
EVENT_TYPES = tuple(str(member) for member in EventType)
# The log's audit view (admins only): who signed in or failed to, and what was administered.
# The default view is every other event — the appeals' own.
AUDIT_TYPES = tuple(
    str(member)
    for member in (
        EventType.SIGNED_IN,
        EventType.SIGNIN_FAILED,
        EventType.SIGNED_OUT,
        EventType.PASSWORD_CHANGED,
        EventType.USER_CHANGED,
        EventType.SITE_CHANGED,
        EventType.EXPORTED,
    )
)
LOG_VIEWS = ("audit",)


@dataclass(frozen=True)
class LogFilter:
    org: str | None = None
    kind: str | None = None
    category: str | None = None
    status: str | None = None
    severity: str | None = None
    type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    assignee: str | None = None  # as asked: "me" or an e-mail
    due: str | None = None  # "overdue"
    q: str | None = None
    view: str | None = None  # "audit" (the log only)
    before: int | None = None
    # resolved from the above
    org_ids: frozenset[int] | None = None  # what may be shown: None = every org and no-org rows
    assignee_id: int | None = None
    due_before: str | None = None  # `due=overdue`: answer dates before this day are past
    zone: ZoneInfo | None = None  # whose days `from` and `to` name (None: UTC)

    @classmethod
    def from_query(
        cls,
        params: Mapping[str, str],
        operator: Operator,
        directory: OrgDirectory,
        conn: sqlite3.Connection,
        *,
        views: tuple[str, ...] = LOG_VIEWS,
    ) -> LogFilter:
        """The filter asked; `views`: the `view` values this surface takes (the register reads
        its own views itself)."""
        errors: list[tuple[str, str, dict[str, Any]]] = []

        def text(name: str) -> str | None:
            value = (params.get(name) or "").strip()
            return value or None

        def one_of(name: str, allowed: tuple[str, ...]) -> str | None:
            value = text(name)
            if value is not None and value not in allowed:
                errors.append((name, "param.one-of", {"allowed": ", ".join(allowed)}))
                return None
            return value

        def day(name: str) -> date | None:
            value = text(name)
            if value is None:
                return None
            try:
                return filter_day(value)
            except ValueError:
                errors.append((name, "param.date", {}))
                return None

        org_ids = operator.org_ids
        org = text("org")
        found: Org | None = None
        if org is not None:
            found = directory.org_by_slug(org)
            if found is None or not operator.sees(found.id):
                raise NotFound("detail.no-route", reason="not-visible", path="")
            family = directory.family(found.id)
            org_ids = family if operator.org_ids is None else family & operator.org_ids
        category = text("category")
        if category is not None and not _CODE.match(category):
            errors.append(("category", "param.code", {}))
            category = None
        assignee, assignee_id = text("assignee"), None
        if assignee is not None:
            if assignee == "me":
                assignee_id = operator.user.id
            else:
                user = find_user(conn, assignee[:320])
                if user is None or user.org_id is None or not operator.sees(user.org_id):
                    errors.append(("assignee", "param.assignee", {}))
                    assignee = None
                else:
                    assignee_id = user.id
        before = None
        if (raw := text("before")) is not None:
            before = event_id(raw)
            if before is None:
                errors.append(("before", "param.before", {}))
        q = text("q")
        if q is not None and len(q) > MAX_QUERY:
            errors.append(("q", "param.too-long", {"max": MAX_QUERY}))
            q = None
        view = one_of("view", views) if views else None
        if view == "audit" and not operator.is_admin:
            raise Forbidden("log.audit-admins", reason="audit-admins-only")
        zone = _zone(found, operator, directory)
        due = one_of("due", DUE)
        due_before = None
        if due is not None:
            due_before = today_in(zone).isoformat()
        date_from, date_to = day("from"), day("to")
        if date_from and date_to and date_from > date_to:
            errors.append(("to", "param.period", {}))
        found_filter = cls(
            org=org,
            kind=one_of("kind", KINDS),
            category=category,
            status=one_of("status", tuple(str(s) for s in Status)),
            severity=one_of("severity", tuple(str(s) for s in Severity)),
            type=one_of("type", EVENT_TYPES),
            date_from=date_from,
            date_to=date_to,
            assignee=assignee,
            due=due,
            q=q,
            view=view,
            before=before,
            org_ids=org_ids,
            assignee_id=assignee_id,
            due_before=due_before,
            zone=zone,
        )
        if errors:
            raise BadFilter(errors)
        return found_filter

    @property
    def needs_appeal(self) -> bool:
        """Whether a row must have an appeal with the asked attributes (a join)."""
        return any(
            value is not None
            for value in (
                self.kind,
                self.category,
                self.status,
                self.severity,
                self.assignee_id,
                self.due_before,
            )
        )

    @property
    def audit(self) -> bool:
        return self.view == "audit"

    @property
    def at_from(self) -> str | None:
        """The first moment of `from` in the filter's zone, as stored times are written (UTC)."""
        return self._moment(self.date_from) if self.date_from else None

    @property
    def at_until(self) -> str | None:
        """The exclusive upper bound of `at`: the first moment of the day after `to`."""
        return self._moment(self.date_to + timedelta(days=1)) if self.date_to else None

    def _moment(self, day: date) -> str:
        start = datetime.combine(day, time(), self.zone or UTC).astimezone(UTC)
        return start.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    @property
    def active(self) -> bool:
        return any(getattr(self, attr) is not None for attr in _NAMES.values())

    def query(self, **changes: Any) -> dict[str, str]:
        """The filters as query-string parameters (for links: older page, export, live)."""
        values: dict[str, str] = {}
        for name, attr in _NAMES.items():
            value = getattr(self, attr)
            if value is not None:
                values[name] = value.isoformat() if isinstance(value, date) else str(value)
        if self.before is not None:
            values["before"] = str(self.before)
        for name, value in changes.items():
            if value is None:
                values.pop(name, None)
            else:
                values[name] = str(value)
        return values

    def described(self) -> dict[str, str]:
        """The asked filters, for the export's audit event."""
        return {k: v for k, v in self.query(before=None).items()}

    def older(self, before: int | None) -> LogFilter:
        return replace(self, before=before)


class BadFilter(BadParameter):
    """A filter of the log with a bad value (the queue's `bad-parameter`, titled for the log)."""

    title_key = "problem.bad-filter"


def _zone(asked: Org | None, operator: Operator, directory: OrgDirectory) -> ZoneInfo:
    """Whose "today" decides what is overdue: the asked organisation's, else the operator's own;
    a platform admin's log without an organisation counts in the default zone. (Each row's flag
    uses its own organisation's zone; the two differ only in the hours around midnight.)"""
    org = asked
    if org is None and operator.user.org_id is not None:
        try:
            org = directory.org(operator.user.org_id)
        except KeyError:
            org = None
    return timezone_of(org) if org is not None else ZoneInfo(DEFAULT_TIMEZONE)


# The days a filter may name. The calendar's ends overflow the arithmetic the queries do on a day
# (the day after `to`, a period's first Monday, 30 days back), so a filter is held to the years
# an appeal can carry, and `9999-12-31` is the client's error, not the service's.
DAY_MIN, DAY_MAX = date(1970, 1, 1), date(2999, 12, 31)


def filter_day(value: str) -> date:
    """A filter's day from YYYY-MM-DD, or ValueError when it is not one or lies outside
    DAY_MIN..DAY_MAX."""
    if len(value) != 10:
        raise ValueError("not YYYY-MM-DD")
    day = date.fromisoformat(value)
    if not DAY_MIN <= day <= DAY_MAX:
        raise ValueError("outside the years a filter may name")
    return day
