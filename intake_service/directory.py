"""The service's in-memory view of the registry: organisations, keys and catalogues.

Every request needs its organisation, key and category catalogue; reading them from SQLite each
time would cost more than the rest of validation. The directory keeps them in memory and reloads
all of them whenever `meta.config_version` moves — triggers bump it on every change, including
changes made by the CLI in another process. Checking the version is one primary-key read, done
at most every CHECK_INTERVAL: a key revoked with the CLI stops working within that, one revoked
in the console (this process's writer) on the very next request.
"""

from __future__ import annotations

import hmac
import sqlite3
import time
from dataclasses import dataclass

from intake_service.categories import Category, fast_track_codes, org_catalogue
from intake_service.errors import Unauthorized
from intake_service.forward.sinks import Sink, list_sinks
from intake_service.orgs import Org, hash_secret, list_orgs, split_key
from intake_service.routing import MAX_HOPS
from intake_service.routing import rules as routing_rules
from intake_service.store import config_version

CHECK_INTERVAL = 0.1  # seconds between two looks at the registry's version


@dataclass(frozen=True)
class _Key:
    org_id: int
    hash: str
    revoked: bool


@dataclass(frozen=True)
class Caller:
    """Who a request acts for, as decided by the service — never by the request body."""

    org: Org
    key_id: str


class OrgDirectory:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._version = -1
        self._orgs_by_id: dict[int, Org] = {}
        self._orgs_by_slug: dict[str, Org] = {}
        self._orgs_by_pos_id: dict[int, Org] = {}
        self._keys: dict[str, _Key] = {}
        self._catalogues: dict[int, dict[str, Category]] = {}
        self._fast_track: dict[int, frozenset[str]] = {}
        self._sinks: list[Sink] = []
        self._routes: dict[tuple[int, str], int] = {}
        self._checked_at = -1.0

    def invalidate(self) -> None:
        """Look at the registry's version again on the next use: this process may have just
        changed it (the version is otherwise read ten times a second at most)."""
        self._checked_at = -1.0

    def refresh(self) -> None:
        """Re-read the registry if the CLI changed it. The version is looked at ten times a
        second at most: one request asks the directory half a dozen times, and under load each
        look is a read transaction that costs more than the rest of the request's checks
        (bench/RESULTS.md); a change by the CLI is in force a tenth of a second after it, one
        by this service's own writer at once (`invalidate`)."""
        now = time.monotonic()
        if now - self._checked_at < CHECK_INTERVAL:
            return
        self._checked_at = now
        version = config_version(self._conn)
        if version == self._version:
            return
        orgs = list_orgs(self._conn)
        self._orgs_by_id = {o.id: o for o in orgs}
        self._orgs_by_slug = {o.slug: o for o in orgs}
        self._orgs_by_pos_id = {o.pos_id: o for o in orgs if o.pos_id is not None}
        self._catalogues = {
            o.id: {c.code: c for c in org_catalogue(self._conn, o.id)} for o in orgs
        }
        self._fast_track = {o.id: fast_track_codes(self._conn, o.id) for o in orgs}
        self._keys = {
            row["id"]: _Key(row["org_id"], row["hash"], row["revoked_at"] is not None)
            for row in self._conn.execute("SELECT id, org_id, hash, revoked_at FROM api_keys")
        }
        self._sinks = list_sinks(self._conn)
        self._routes = routing_rules(self._conn)
        self._version = version

    def route_targets(self, org_id: int) -> set[int]:
        """The organisations this one's own routing rules name as competent."""
        self.refresh()
        return {to for (origin, _), to in self._routes.items() if origin == org_id}

    def route(self, org: Org, category: str) -> Org:
        """Where an appeal of `category` filed with `org` goes: the end of its routing rules'
        chain (routing.py), or `org` itself."""
        self.refresh()
        for _ in range(MAX_HOPS):
            to = self._routes.get((org.id, category))
            if to is None or to not in self._orgs_by_id:
                break
            org = self._orgs_by_id[to]
        return org

    def org(self, org_id: int) -> Org:
        self.refresh()
        return self._orgs_by_id[org_id]

    def org_by_slug(self, slug: str) -> Org | None:
        self.refresh()
        return self._orgs_by_slug.get(slug)

    def by_pos_id(self, pos_id: int) -> Org | None:
        """The organisation the old ПОС widget called `pos_id` (`org set --pos-id`), for a
        site that kept its ПОС banner and loads this service's script instead."""
        self.refresh()
        return self._orgs_by_pos_id.get(pos_id)

    def orgs(self) -> list[Org]:
        self.refresh()
        return list(self._orgs_by_id.values())

    def family(self, org_id: int) -> frozenset[int]:
        """The organisation and every organisation below it (a region's municipalities and
        their schools): what an operator of `org_id` sees."""
        self.refresh()
        children: dict[str, list[Org]] = {}
        for org in self._orgs_by_id.values():
            if org.parent:
                children.setdefault(org.parent, []).append(org)
        found: set[int] = set()
        todo = [self._orgs_by_id[org_id]] if org_id in self._orgs_by_id else []
        while todo:
            org = todo.pop()
            if org.id not in found:
                found.add(org.id)
                todo.extend(children.get(org.slug, ()))
        return frozenset(found)

    def catalogue(self, org_id: int) -> dict[str, Category]:
        self.refresh()
        return self._catalogues[org_id]

    def fast_track(self, org_id: int, code: str) -> bool:
        """Whether the organisation answers messages of a category on the fast track, a category
        it has turned off included (its older appeals keep their period)."""
        self.refresh()
        return code in self._fast_track.get(org_id, frozenset())

    def sinks(self) -> list[Sink]:
        self.refresh()
        return self._sinks

    def sinks_as_last_read(self) -> list[Sink]:
        """The sinks as the last look at the registry found them, without looking again: what
        /readyz and /metrics report must answer while the store is unreachable — that is when
        they are read most (the forwarder's own turns keep the list current otherwise)."""
        return self._sinks

    def sink(self, sink_id: int) -> Sink | None:
        return next((s for s in self.sinks() if s.id == sink_id), None)

    def sink_names(self, org_id: int) -> tuple[str, ...]:
        """The outbox sinks of a new appeal of this organisation: its own and the defaults."""
        return tuple(s.name for s in self.sinks() if s.org_id in (None, org_id))

    def authenticate(self, authorization: str | None) -> Caller:
        """The organisation of a `Bearer` API key, or Unauthorized saying what is wrong."""
        self.refresh()
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("detail.key-missing", reason="key-missing")
        parts = split_key(token.strip())
        key = self._keys.get(parts[0]) if parts else None
        if parts is None or key is None or not hmac.compare_digest(key.hash, hash_secret(parts[1])):
            raise Unauthorized("detail.key-unknown", reason="key-unknown")
        if key.revoked:
            raise Unauthorized("detail.key-revoked", reason="key-revoked")
        return Caller(org=self._orgs_by_id[key.org_id], key_id=parts[0])
