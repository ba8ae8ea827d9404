"""An organisation's own settings: its time zone, its public contacts and whether it reads the
embedded queue. They live in the `settings` JSON of its row (no migration per setting), are
checked here when they are set, and are read through the functions below, which fill in the
defaults — so an organisation created before a setting existed behaves as the default says.

Public contacts are what a citizen is shown when the organisation cannot take the appeal here
(a site that is not, or no longer, allowed to embed the form): a phone, an e-mail, a website.
The ОКТМО code (the all-Russian classifier of municipal territories: 8 digits for a
municipality, 11 for a settlement within it) says which territory the organisation serves, as a
region's own lists name it (`org import`).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from intake_service.contacts import CONTACTS, VALUE_MAX, contact_problem, plain_problem
from intake_service.orgs import Org, OrgError, get_org

DEFAULT_TIMEZONE = "Europe/Moscow"
_OKTMO = re.compile(r"^(?:[0-9]{8}|[0-9]{11})$")


@dataclass(frozen=True)
class Setting:
    name: str
    help: str


SETTINGS = (
    Setting("timezone", f"IANA time zone of the organisation's pages (default {DEFAULT_TIMEZONE})"),
    Setting("phone", "public phone shown to citizens, e.g. '+7 (49442) 2-12-34'"),
    Setting("email", "public e-mail shown to citizens"),
    Setting("website", "public website shown to citizens, https://…"),
    Setting("oktmo", "ОКТМО code of the territory served: 8 digits, or 11 for a settlement"),
    Setting("embedded_queue", "on: every appeal waits in the pull API for the agency; off: none"),
    Setting(
        "identity_message",
        "how the citizen filing a message is identified: none (default), email (a confirmation "
        "link), oidc (sign-in at the identity provider)",
    ),
    Setting(
        "identity_official",
        "how the citizen filing an official appeal is identified: oidc (default when an identity "
        "provider is set) or email",
    ),
)
IDENTITY_MODES = ("none", "email", "oidc")


def timezone_of(org: Org) -> ZoneInfo:
    """The organisation's zone; a name that no longer resolves falls back to the default."""
    try:
        return ZoneInfo(str(org.settings.get("timezone") or DEFAULT_TIMEZONE))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


ZoneGroups = tuple[tuple[ZoneInfo, frozenset[int] | None], ...]


def zone_groups(orgs: Iterable[Org], org_ids: frozenset[int] | None) -> ZoneGroups:
    """The organisations of `org_ids` (None: all of `orgs`) per time zone, for reads that count
    local days (statistics, the board): each group's days are its own zone's. A single zone
    comes with `org_ids` itself (None: nothing narrows the read)."""
    by_zone: dict[str, set[int]] = {}
    for org in orgs:
        if org_ids is None or org.id in org_ids:
            by_zone.setdefault(timezone_of(org).key, set()).add(org.id)
    if len(by_zone) <= 1:
        zone = next(iter(by_zone), DEFAULT_TIMEZONE)
        return ((ZoneInfo(zone), org_ids),)
    return tuple((ZoneInfo(key), frozenset(found)) for key, found in sorted(by_zone.items()))


def offset_minutes(zone: ZoneInfo, moment: datetime) -> int:
    """The zone's offset from UTC at `moment` (aware), in whole minutes: what an appeal keeps so
    that it counts on its organisation's day (migration 17)."""
    offset = moment.astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def public_contacts(org: Org) -> dict[str, str]:
    """The contacts a citizen may be shown: only those that are set."""
    return {k: str(org.settings[k]) for k in CONTACTS if org.settings.get(k)}


def embedded_queue_on(org: Org) -> bool:
    return org.settings.get("embedded_queue", True) is not False


@functools.cache
def _zone_names() -> frozenset[str]:
    """The IANA names a time zone may take. Read once: available_timezones() walks the zone
    folders on every call (a tenth of a second), and `org import` checks a zone per row."""
    return frozenset(available_timezones() - {"localtime", "Factory"})


def check_setting(name: str, value: str) -> object:
    """The stored form of one setting (None: the default), or OrgError saying what is wrong
    with the value: the one check `org set`, `org import` and the console's settings share."""
    value = value.strip()
    if len(value) > VALUE_MAX:
        # before any pattern reads it, and before the value is echoed in the error
        raise OrgError(f"--{name.replace('_', '-')} takes at most {VALUE_MAX} characters")
    if name == "embedded_queue":
        if value.lower() in ("on", "yes", "true", "1"):
            return True
        if value.lower() in ("off", "no", "false", "0"):
            return False
        raise OrgError(f"--embedded-queue takes on or off, not {value!r}")
    if value == "":
        return None  # an empty value clears the setting
    if name in ("identity_message", "identity_official"):
        allowed = IDENTITY_MODES if name == "identity_message" else IDENTITY_MODES[1:]
        if value not in allowed:
            raise OrgError(
                f"--{name.replace('_', '-')} takes {' or '.join(allowed)}, not {value!r}"
            )
        return value
    if problem := plain_problem(value):
        raise OrgError(problem)
    if name == "timezone":
        if value not in _zone_names():
            raise OrgError(
                f"{value!r} is not a time zone name; use an IANA name such as Europe/Moscow, "
                "Europe/Samara, Asia/Yekaterinburg or Asia/Vladivostok"
            )
        return value
    if name == "oktmo":
        if not _OKTMO.match(value):
            raise OrgError(
                f"{value!r} is not an ОКТМО code: 8 digits (34714000) or 11 (34714000001)"
            )
        return value
    if problem := contact_problem(name, value):
        raise OrgError(problem)
    return value


def update_settings(conn: sqlite3.Connection, slug: str, changes: dict[str, str]) -> Org:
    """Check and store the given settings of an organisation (empty string: back to default)."""
    org = get_org(conn, slug)
    merged = dict(org.settings)
    for name, raw in changes.items():
        value = check_setting(name, raw)
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    conn.execute(
        "UPDATE orgs SET settings = ? WHERE id = ?",
        (json.dumps(merged, ensure_ascii=False, sort_keys=True), org.id),
    )
    return get_org(conn, slug)


def describe(org: Org) -> dict[str, object]:
    """Every setting with its effective value, for `org show` and `org set`."""
    return {
        "timezone": timezone_of(org).key,
        **{k: org.settings.get(k) for k in CONTACTS},
        "oktmo": org.settings.get("oktmo"),
        "embedded_queue": embedded_queue_on(org),
        "identity_message": org.settings.get("identity_message") or "none",
        "identity_official": org.settings.get("identity_official") or "oidc (email without an IdP)",
    }


def identity_mode(org: Org, kind: str, oidc_configured: bool) -> str:
    """How the citizen filing `kind` through the organisation's form is identified: none, email
    (the appeal is held until the e-mailed link is opened) or oidc (sign-in at the identity
    provider). Official appeals are never unidentified (547-ФЗ); oidc without an identity
    provider configured falls back to the e-mail link."""
    key = "identity_official" if kind == "official" else "identity_message"
    default = "oidc" if kind == "official" else "none"
    mode = str(org.settings.get(key) or default)
    if mode == "oidc" and not oidc_configured:
        return "email"
    return mode
