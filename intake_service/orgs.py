"""The organisation registry: organisations, their allowed origins, category overrides and API
keys. These functions take a connection and are shared by the CLI (its own process) and the
service; the service reads them through `OrgDirectory` (directory.py), which caches them.

API keys look like `pos_<id>_<secret>`. Only a SHA-256 of the secret is stored: the secret is 256
random bits, so a slow password hash would add nothing but latency to every request.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from intake_service.categories import DEFAULT_CATALOGUE
from intake_service.contacts import plain_problem
from intake_service.i18n import t
from intake_service.origins import (
    OriginError,
    display_origin,
    normalise_origin,
    normalise_pattern,
)
from intake_service.statuses import Severity
from intake_service.store import now_iso, transaction

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
KEY_PREFIX = "pos"


class OrgError(ValueError):
    """A registry request that cannot be done; the message says why in words a person uses."""


@dataclass(frozen=True)
class Org:
    id: int
    slug: str
    name: str
    parent: str | None
    origins: list[str] = field(default_factory=list)
    settings: dict[str, object] = field(default_factory=dict)
    created_at: str = ""
    # the number the old ПОС widget called it by (`Widget("https://pos.gosuslugi.ru/form",
    # 224510)`), so a banner left on a site finds it (unique, migration 23)
    pos_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "name": self.name,
            "parent": self.parent,
            "origins": self.origins,
            "pos_id": self.pos_id,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class ApiKey:
    id: str
    org_id: int
    hash: str
    label: str
    created_at: str
    revoked_at: str | None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(token: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _row_to_org(conn: sqlite3.Connection, row: sqlite3.Row) -> Org:
    origins = [
        r[0]
        for r in conn.execute(
            "SELECT origin FROM org_origins WHERE org_id = ? ORDER BY origin", (row["id"],)
        )
    ]
    parent = None
    if row["parent_id"] is not None:
        parent = conn.execute("SELECT slug FROM orgs WHERE id = ?", (row["parent_id"],)).fetchone()[
            0
        ]
    return Org(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        parent=parent,
        origins=origins,
        settings=json.loads(row["settings"]),
        created_at=row["created_at"],
        pos_id=row["pos_id"],
    )


def get_org(conn: sqlite3.Connection, slug: str) -> Org:
    row = conn.execute("SELECT * FROM orgs WHERE slug = ?", (slug,)).fetchone()
    if row is None:
        raise OrgError(f"there is no organisation {slug!r}; `pos-intake org list` shows them")
    return _row_to_org(conn, row)


def list_orgs(conn: sqlite3.Connection) -> list[Org]:
    return [_row_to_org(conn, row) for row in conn.execute("SELECT * FROM orgs ORDER BY slug")]


NAME_MAX = 300  # characters of an organisation's name («Муниципальное бюджетное …» runs long)


def check_name(name: str) -> str:
    """An organisation's name as it is kept: stripped, not empty, not longer than NAME_MAX, and
    plain text — a control character (NUL, which PostgreSQL cannot store) or a direction mark
    (which makes a name shown on the form read as another) is refused. The one rule `org add`,
    `org import` and the console share."""
    name = name.strip()
    if not name:
        raise OrgError("the organisation needs a name (--name)")
    if len(name) > NAME_MAX:
        raise OrgError(f"a name has at most {NAME_MAX} characters")
    if problem := plain_problem(name):
        raise OrgError(problem)
    return name


def check_slug(slug: str) -> None:
    """A new organisation's slug: the one rule `org add` and `org import` share."""
    if not _SLUG.match(slug):
        raise OrgError(
            f"{slug[:60]!r} cannot be a slug: use 2–40 lower-case Latin letters, digits and "
            "hyphens, e.g. mo-manturovo"
        )
    if slug == "all":
        raise OrgError("'all' is reserved: `pos-intake org sink all …` names the default sinks")


def normalise_origins(origins: Iterable[str]) -> list[str]:
    """The stored (ASCII) form of each new origin pattern, or OrgError naming the first that
    the rules of origins.py refuse."""
    try:
        return [normalise_pattern(o) for o in origins]
    except OriginError as exc:
        raise OrgError(str(exc)) from None


POS_ID_MAX_DIGITS = 12


def parse_pos_id(text: str) -> int:
    """The ПОС widget's numeric id as a person copies it from `Widget(url, 224510)`."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > POS_ID_MAX_DIGITS:
        raise OrgError(
            f"{value[:20]!r} is not a ПОС id: write the number the old widget is called with, "
            'e.g. 224510 from Widget("https://pos.gosuslugi.ru/form", 224510)'
        )
    if int(value) == 0:
        raise OrgError("a ПОС id is a positive number")
    return int(value)


def pos_id_holder(conn: sqlite3.Connection, pos_id: int) -> str | None:
    """The slug of the organisation that has this ПОС id, if any."""
    row = conn.execute("SELECT slug FROM orgs WHERE pos_id = ?", (pos_id,)).fetchone()
    return row[0] if row else None


def set_pos_id(conn: sqlite3.Connection, slug: str, pos_id: int | None) -> Org:
    """Give the organisation the old ПОС widget's id (None clears it). One id names one
    organisation (a UNIQUE column): an id another already has is refused, naming that one."""
    with transaction(conn):
        org = get_org(conn, slug)
        holder = pos_id_holder(conn, pos_id) if pos_id is not None else None
        if holder is not None and holder != slug:
            raise OrgError(
                f"the ПОС id {pos_id} already belongs to {holder}; clear it there first: "
                f"pos-intake org set {holder} --pos-id none"
            )
        if org.pos_id != pos_id:  # an unchanged id moves no config version
            conn.execute("UPDATE orgs SET pos_id = ? WHERE id = ?", (pos_id, org.id))
    return get_org(conn, slug)


def create_org(
    conn: sqlite3.Connection,
    slug: str,
    name: str,
    *,
    origins: list[str] = (),  # type: ignore[assignment]
    parent: str | None = None,
) -> Org:
    check_slug(slug)
    name = check_name(name)
    normalised = normalise_origins(origins)
    with transaction(conn):
        if conn.execute("SELECT 1 FROM orgs WHERE slug = ?", (slug,)).fetchone():
            raise OrgError(f"the organisation {slug!r} already exists")
        parent_id = None
        if parent is not None:
            parent_id = get_org(conn, parent).id
        org_id = conn.execute(
            "INSERT INTO orgs (slug, name, parent_id, created_at) VALUES (?, ?, ?, ?) RETURNING id",
            (slug, name.strip(), parent_id, now_iso()),
        ).fetchone()[0]
        conn.executemany(
            "INSERT INTO org_origins (org_id, origin) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(org_id, o) for o in normalised],
        )
    return get_org(conn, slug)


def add_origin(conn: sqlite3.Connection, slug: str, origin: str) -> Org:
    (normalised,) = normalise_origins([origin])
    org = get_org(conn, slug)
    conn.execute(
        "INSERT INTO org_origins (org_id, origin) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (org.id, normalised),
    )
    return get_org(conn, slug)


def remove_origin(conn: sqlite3.Connection, slug: str, origin: str) -> Org:
    """Either spelling removes a pattern (`https://мантурово.рф` or its punycode); only parsing
    is applied, not the rules for new patterns, so a pattern they now refuse can be removed."""
    org = get_org(conn, slug)
    try:
        normalised = normalise_origin(origin)
    except OriginError:
        normalised = origin.strip()
    deleted = conn.execute(
        "DELETE FROM org_origins WHERE org_id = ? AND origin = ?", (org.id, normalised)
    ).rowcount
    if not deleted:
        raise OrgError(
            f"{slug} has no origin {origin!r}; it has: "
            f"{', '.join(display_origin(o) for o in org.origins) or 'none'}"
        )
    return get_org(conn, slug)


def set_category(
    conn: sqlite3.Connection,
    slug: str,
    code: str,
    *,
    enabled: bool = True,
    title_ru: str | None = None,
    title_en: str | None = None,
    default_severity: str | None = None,
    fast_track: bool | None = None,
) -> None:
    """Turn a default category off or on, retitle it, add a category of the org's own, or set
    the severity its new appeals start with (`default_severity`: a Severity, "none" clears it,
    None keeps it) and whether its messages are on the fast track (answered within 10 days
    instead of 30; None keeps it)."""
    org = get_org(conn, slug)
    is_default = any(c.code == code for c in DEFAULT_CATALOGUE)
    if default_severity is not None:
        check_severity(default_severity)
    if not _CODE.match(code):
        raise OrgError(f"{code!r} cannot be a category code: use lower-case letters, digits and _")
    if not is_default and enabled and not title_ru:
        raise OrgError(f"{code!r} is a new category: give it a Russian title (--title-ru)")
    conn.execute(
        "INSERT INTO org_categories (org_id, code, title_ru, title_en, enabled) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, code) DO UPDATE SET "
        "title_ru = coalesce(excluded.title_ru, org_categories.title_ru), "
        "title_en = coalesce(excluded.title_en, org_categories.title_en), "
        "enabled = excluded.enabled",
        (org.id, code, title_ru, title_en, int(enabled)),
    )
    if default_severity is not None:
        conn.execute(
            "UPDATE org_categories SET default_severity = ? WHERE org_id = ? AND code = ?",
            (None if default_severity == "none" else default_severity, org.id, code),
        )
    if fast_track is not None:
        conn.execute(
            "UPDATE org_categories SET fast_track = ? WHERE org_id = ? AND code = ?",
            (int(fast_track), org.id, code),
        )


def check_severity(value: str) -> None:
    """A category's default severity is one of the Severity values or "none" (clears it): the
    one check the CLI's `org category --default-severity` and the console's settings page share."""
    allowed = (*(str(s) for s in Severity), "none")
    if value not in allowed:
        raise OrgError(f"the default severity is one of {', '.join(allowed)}, not {value!r}")


def set_default_severity(conn: sqlite3.Connection, slug: str, code: str, severity: str) -> None:
    """The severity new appeals of `code` start with ("none" clears it), leaving whether the
    category is offered, its titles and its period as they are."""
    check_severity(severity)
    org = get_org(conn, slug)
    known = {c.code for c in DEFAULT_CATALOGUE} | {
        r[0] for r in conn.execute("SELECT code FROM org_categories WHERE org_id = ?", (org.id,))
    }
    if code not in known:
        raise OrgError(f"{slug} has no category {code!r}")
    conn.execute(
        "INSERT INTO org_categories (org_id, code, enabled, default_severity) VALUES (?, ?, 1, ?) "
        "ON CONFLICT (org_id, code) DO UPDATE SET default_severity = excluded.default_severity",
        (org.id, code, None if severity == "none" else severity),
    )


def create_key(conn: sqlite3.Connection, slug: str, label: str = "") -> str:
    """Make an API key for the organisation; the whole key is returned once and never stored."""
    org = get_org(conn, slug)
    key_id = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO api_keys (id, org_id, hash, label, created_at) VALUES (?, ?, ?, ?, ?)",
        (key_id, org.id, hash_secret(secret), label, now_iso()),
    )
    return f"{KEY_PREFIX}_{key_id}_{secret}"


def list_keys(conn: sqlite3.Connection, slug: str) -> list[ApiKey]:
    org = get_org(conn, slug)
    return [
        ApiKey(**dict(row))
        for row in conn.execute(
            "SELECT id, org_id, hash, label, created_at, revoked_at FROM api_keys "
            "WHERE org_id = ? ORDER BY created_at",
            (org.id,),
        )
    ]


def revoke_key(conn: sqlite3.Connection, slug: str, key_id: str) -> None:
    org = get_org(conn, slug)
    updated = conn.execute(
        "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND org_id = ? AND revoked_at IS NULL",
        (now_iso(), key_id, org.id),
    ).rowcount
    if not updated:
        raise OrgError(f"{slug} has no active key {key_id!r}; `pos-intake org key {slug} --list`")


OFFSET_MAX = 400  # the loader's cap on data-offset, in pixels


def check_base_url(base_url: str) -> None:
    """The service's public URL a snippet points at: `org snippet` and `org snippets` share it."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise OrgError(
            f"--base-url {base_url!r} must be an http(s) URL such as https://pos.example.ru"
        )


def snippet(base_url: str, slug: str, *, fallback: bool = False, offset: int = 0) -> str:
    """The one line a webmaster pastes into the site; with `fallback`, followed on the same line
    by a `<noscript>` link to the full-page form for visitors without JavaScript. `offset` lifts
    the floating badge above a site's fixed footer bar of that many pixels (data-offset)."""
    base = html.escape(base_url.rstrip("/"), quote=True)
    lift = f' data-offset="{offset}"' if offset else ""
    line = f'<script async src="{base}/embed.js" data-org="{slug}"{lift}></script>'
    if fallback:
        label = html.escape(t("loader.badge"))
        line += f'<noscript><a href="{base}/w/{slug}/form">{label}</a></noscript>'
    return line
