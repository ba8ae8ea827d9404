"""Legal deadlines of an appeal, counted in working or calendar days.

59-ФЗ: an official appeal is registered within 3 days and answered within 30, extendable once by
30 with a reason the citizen is told. A message (quick feedback) is answered within 30 days, or
within 10 for categories on the fast track (snow, rubbish, lighting — set per category). Days
count from the day after filing, in the organisation's time zone; the due date is the last day
on which the answer is in time.

Working days are Monday to Friday minus the holidays file's days, plus the working Saturdays it
lists (`+2026-11-07`): Russia's production calendar moves days that way every year. The shipped
file (holidays_ru.txt) covers the years it names; a deployment points `POS_HOLIDAYS_FILE` at its
own for later ones. Every function takes the moment to count from, so tests and jobs inject
their own clock.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from intake_service.org_settings import timezone_of

if TYPE_CHECKING:
    from intake_service.directory import OrgDirectory
    from intake_service.orgs import Org

REGISTER_DAYS = 3
ANSWER_DAYS = 30
FAST_TRACK_DAYS = 10
EXTENSION_DAYS = 30
# No answer falls due sooner after filing than this many calendar days (the fast track, counted
# in calendar days; working days only add to it; forwarding and extensions count from later
# days): an appeal filed within them cannot be overdue yet, which the register's overdue view
# relies on to skip the newest appeals (console/register_queries.py).
SOONEST_ANSWER_DAYS = min(FAST_TRACK_DAYS, ANSWER_DAYS)
FORWARD_DAYS = 7  # 59-ФЗ art. 8 p. 3: forwarded to the competent body within 7 days of registration
SHIPPED_HOLIDAYS = Path(__file__).with_name("holidays_ru.txt")


class CalendarError(ValueError):
    """The holidays file cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Calendar:
    working_days: bool = True
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    working_weekends: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working(self, day: dt.date) -> bool:
        if not self.working_days:
            return True
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th counted day after `start` (which itself does not count). Every appeal
        of a day asks the same few questions (10 or 30 days from today), so the walk through
        the calendar is remembered."""
        return _add_days(self, start, days)

    def days_left(self, today: dt.date, due: dt.date) -> int:
        """Counted days from `today` to `due`: 0 on the due date, negative once overdue
        (calendar days past it, which is how a person reads "3 days late")."""
        if due < today:
            return -(today - due).days
        left, day = 0, today
        while day < due:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                left += 1
        return left


@functools.lru_cache(maxsize=1024)
def _add_days(calendar: Calendar, start: dt.date, days: int) -> dt.date:
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if calendar.is_working(day):
            counted += 1
    return day


def load_calendar(mode: str, path: str = "") -> Calendar:
    """The calendar of the settings: `deadline_days` (working|calendar) and `holidays_file`."""
    if mode == "calendar":
        return Calendar(working_days=False)
    source = Path(path) if path else SHIPPED_HOLIDAYS
    holidays: set[dt.date] = set()
    working: set[dt.date] = set()
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CalendarError(f"cannot read the holidays file {source}: {exc.strerror}") from None
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        target = working if line.startswith("+") else holidays
        try:
            target.add(dt.date.fromisoformat(line.lstrip("+")))
        except ValueError:
            raise CalendarError(
                f"{source}, line {number}: {raw.strip()!r} is not a date like 2026-01-07"
            ) from None
    return Calendar(True, frozenset(holidays), frozenset(working))


@dataclass(frozen=True)
class Due:
    register: dt.date | None  # official appeals only
    answer: dt.date


def due_dates(
    kind: str, fast_track: bool, filed: dt.datetime, zone: ZoneInfo, calendar: Calendar
) -> Due:
    """The due dates of an appeal filed at `filed` (aware) with an organisation in `zone`."""
    day = filed.astimezone(zone).date()
    if kind == "official":
        return Due(calendar.add_days(day, REGISTER_DAYS), calendar.add_days(day, ANSWER_DAYS))
    return Due(None, calendar.add_days(day, FAST_TRACK_DAYS if fast_track else ANSWER_DAYS))


@dataclass(frozen=True)
class OrgDeadlines:
    """Due dates as an organisation counts them: in its zone, with its categories' fast track,
    in the deployment's calendar — for a new appeal, one forwarded to it, one it registers."""

    directory: OrgDirectory
    calendar: Calendar

    def due_for(self, org: Org, kind: str, category: str, filed: dt.datetime | None = None) -> Due:
        """The deadlines of an appeal `org` receives at `filed` (now)."""
        return due_dates(
            kind,
            self.directory.fast_track(org.id, category),
            filed or dt.datetime.now(dt.UTC),
            timezone_of(org),
            self.calendar,
        )

    def forward_due(self, org_id: int) -> str:
        """The last day (ISO) to forward an official appeal the organisation registers today
        to the competent body."""
        return self.calendar.add_days(self._today(org_id), FORWARD_DAYS).isoformat()

    def today(self, org_id: int) -> str:
        """Today (ISO) in the organisation's zone, which its due dates are compared to."""
        return self._today(org_id).isoformat()

    def _today(self, org_id: int) -> dt.date:
        return today_in(timezone_of(self.directory.org(org_id)))


def extended(due: dt.date, calendar: Calendar) -> dt.date:
    """The answer's due date after the one extension 59-ФЗ allows."""
    return calendar.add_days(due, EXTENSION_DAYS)


def today_in(zone: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(zone).date()


def is_overdue(due: str | None, zone: ZoneInfo, now: dt.datetime | None = None) -> bool:
    """Whether an open appeal with this due date (ISO) is past it today in the zone."""
    return bool(due) and dt.date.fromisoformat(str(due)) < today_in(zone, now)
