"""The operators' daily digest: at `POS_DIGEST_HOUR` in each organisation's zone, every enabled
console user of an organisation with overdue appeals, or appeals due today or tomorrow, gets
one e-mail listing them (their organisation's and those below it, as the console shows them),
in the language the operator last signed in to the console with (`users.lang`).

Once a day per user: the notice's `dedupe` names the organisation, the date and the user, so a
job that runs again, or a restart, sends nothing twice. Nothing is sent on a day with nothing
overdue or due."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from intake_service.lifecycle.deadlines import today_in
from intake_service.lifecycle.notices import NoticeKind, record_notice
from intake_service.org_settings import timezone_of
from intake_service.pages import human_date
from intake_service.statuses import open_statuses_sql

if TYPE_CHECKING:
    from intake_service.runtime import Runtime

log = logging.getLogger("pos_intake")
MAX_LISTED = 50


def due_appeals(
    conn: sqlite3.Connection, org_ids: frozenset[int], today: dt.date
) -> tuple[list[dict[str, Any]], int]:
    """(overdue appeals, oldest due first; how many are due today or tomorrow)."""
    orgs = ",".join("?" * len(org_ids))
    soon = (today + dt.timedelta(days=1)).isoformat()
    rows = conn.execute(
        "SELECT id, number, category, answer_due, target_org_id FROM appeals "
        f"WHERE answer_due IS NOT NULL AND answer_due <= ? AND status IN {open_statuses_sql()} "
        f"AND target_org_id IN ({orgs}) ORDER BY answer_due",
        (soon, *org_ids),
    ).fetchall()
    overdue = [dict(r) for r in rows if r["answer_due"] < today.isoformat()]
    return overdue, len(rows) - len(overdue)


def _item(runtime: Runtime, appeal: dict[str, Any], lang: str, base: str) -> dict[str, str]:
    """One overdue appeal as the digest lists it, in the reader's words."""
    category = runtime.directory.catalogue(appeal["target_org_id"]).get(appeal["category"])
    return {
        "number": appeal["number"],
        "category": category.title(lang) if category else appeal["category"],
        "answer_due": human_date(appeal["answer_due"], lang),
        "url": f"{base.rstrip('/')}/console/appeals/{appeal['id']}",
    }


class DigestJob:
    """Remembers which organisations' digests are done for their day, so that the periodic
    look reads the appeals of each organisation once a day, not every few seconds."""

    def __init__(self) -> None:
        self.done: dict[int, dt.date] = {}

    async def look(self, runtime: Runtime, now: dt.datetime | None = None) -> int:
        return await send_due(runtime, now, self.done)


async def send_due(
    runtime: Runtime, now: dt.datetime | None = None, done: dict[int, dt.date] | None = None
) -> int:
    """Record today's digests that are due and not yet recorded; returns how many."""
    hour = runtime.settings.digest_hour
    if hour < 0:
        return 0
    now = now or dt.datetime.now(dt.UTC)
    done = {} if done is None else done
    base = runtime.settings.base_url or f"http://{runtime.settings.host}:{runtime.settings.port}"
    pending: list[tuple[Any, ...]] = []
    looked: dict[int, dt.date] = {}  # marked done only once the digests are recorded
    for org in runtime.directory.orgs():
        zone = timezone_of(org)
        local = now.astimezone(zone)
        today = today_in(zone, now)
        if local.hour < hour or done.get(org.id) == today:
            continue
        looked[org.id] = today
        overdue, soon = due_appeals(runtime.reader, runtime.directory.family(org.id), today)
        if not overdue and not soon:
            continue
        users = runtime.reader.execute(
            "SELECT id, email, lang FROM users WHERE org_id = ? AND disabled_at IS NULL",
            (org.id,),
        ).fetchall()
        by_lang: dict[str, dict[str, Any]] = {}
        for user in users:
            lang = user["lang"]
            if lang not in by_lang:
                by_lang[lang] = {
                    "org_name": org.name,
                    "overdue": len(overdue),
                    "due_soon": soon,
                    "overdue_list": [_item(runtime, a, lang, base) for a in overdue[:MAX_LISTED]],
                }
            dedupe = f"digest:{org.id}:{today}:{user['id']}"
            pending.append((org.id, user["email"], lang, by_lang[lang], dedupe))
    if not pending:
        done.update(looked)
        return 0

    def op(conn: sqlite3.Connection) -> int:
        made = 0
        for org_id, email, lang, data, dedupe in pending:
            made += record_notice(
                conn, NoticeKind.DIGEST, org_id=org_id, recipient=email, lang=lang, data=data,
                dedupe=dedupe,
            ) is not None  # fmt: skip
        return made

    made = await runtime.writer.submit(op)
    done.update(looked)  # a failed write is tried again at the next look
    if made and runtime.forwarder is not None:
        runtime.forwarder.wake()
    return made
