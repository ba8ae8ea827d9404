"""One citizen's appeals: found by what the person gives (an e-mail, a phone, an appeal's number,
an identity provider's subject), refused when the match may be several people, and exported as
one archive — what `pos-intake citizen` (cli/citizen_cmd.py) answers a person's request with.

Matching folds an e-mail's case and reads a phone as its digits only (a leading 8 of a Russian
number counts as 7), so "+7 (912) 000-11-22" and "89120001122" are one phone. The e-mail and the
phone are matched in Python over the appeals whose contact mentions them at all: the contact is
one JSON column, and this is a rare operator's command, not a path the service serves.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake_service.appeals import document, load_appeals
from intake_service.categories import org_catalogue
from intake_service.events import EventType, insert_event
from intake_service.photos import listed_for, path_of


class CitizenError(ValueError):
    """A request the command cannot answer as asked: nothing found, or several people."""


@dataclass(frozen=True)
class Criteria:
    email: str | None = None
    phone: str | None = None
    number: str | None = None
    subject: str | None = None
    org: str | None = None  # an organisation's slug: only the appeals it received

    def given(self) -> bool:
        return any((self.email, self.phone, self.number, self.subject))


@dataclass(frozen=True)
class Held:
    """One appeal held about the person, as `find` lists it."""

    id: str
    number: str
    org: str
    created_at: str
    status: str
    erased: bool
    email: str  # folded, "" without one
    name: str  # folded, "" without one


def digits(phone: str) -> str:
    """A phone as its digits; a Russian 8XXXXXXXXXX is +7XXXXXXXXXX."""
    only = re.sub(r"\D", "", phone)
    if len(only) == 11 and only.startswith("8"):
        only = "7" + only[1:]
    return only


def find(conn: sqlite3.Connection, criteria: Criteria) -> list[Held]:
    """Every appeal that matches all the criteria given, oldest first."""
    if not criteria.given():
        raise CitizenError("say whose appeals: --email, --phone, --number or --subject")
    where, params = [], []
    if criteria.number:
        where.append("a.number = ?")
        params.append(criteria.number.strip())
    if criteria.subject:
        where.append("a.citizen_sub = ?")
        params.append(criteria.subject)
    if criteria.email:
        # a narrowing LIKE on the stored JSON (case folded); the exact match is below
        where.append("(lower(a.contact) LIKE ? OR a.confirmed_email = ?)")
        email = criteria.email.strip().lower()
        params.extend([f"%{email}%", email])  # exact below: a wildcard in it only widens
    if criteria.phone:
        where.append("a.contact LIKE ?")
        params.append('%"phone"%')
    if criteria.org:
        where.append("t.slug = ?")
        params.append(criteria.org)
    rows = conn.execute(
        "SELECT a.id, a.number, a.created_at, a.status, a.contact, a.confirmed_email, "
        "a.erased_at, t.slug FROM appeals a JOIN orgs t ON t.id = a.target_org_id "
        f"WHERE {' AND '.join(where)} ORDER BY a.seq",
        params,
    ).fetchall()
    found = []
    for row in rows:
        contact = json.loads(row["contact"] or "{}")
        email = str(contact.get("email") or row["confirmed_email"] or "").strip().lower()
        if criteria.email and email != criteria.email.strip().lower():
            continue
        if criteria.phone and digits(str(contact.get("phone") or "")) != digits(criteria.phone):
            continue
        found.append(
            Held(
                row["id"], row["number"], row["slug"], row["created_at"], row["status"],
                row["erased_at"] is not None, email,
                " ".join(str(contact.get("name") or "").split()).casefold(),
            )
        )  # fmt: skip
    return found


def one_person(found: list[Held], criteria: Criteria) -> list[Held]:
    """The appeals if they are one person's; CitizenError if none, or if they may be several
    people's. An e-mail or a subject names a person; a phone alone does not (a family shares
    one): appeals by phone with different e-mails or names are refused until narrowed."""
    if not found:
        raise CitizenError(
            "no appeal matches: nothing held about this person (an appeal erased already has "
            "no contact left to match: --number says whether it was erased)"
        )
    if criteria.email or criteria.subject or criteria.number:
        return found
    live = [h for h in found if not h.erased]  # erased ones have no name or e-mail left
    people = {(h.email, h.name) for h in live}
    if len(people) > 1:
        raise CitizenError(
            f"{len(live)} appeals match, filed by {len(people)} different people (names or "
            "e-mails differ): narrow down with --email or --number"
        )
    return found


def export_zip(conn: sqlite3.Connection, held: list[Held], media_root: Path) -> bytes:
    """One zip: `appeals/<number>.json` for each appeal (the document an agency receives, with
    its status, the answer, the question and the citizen's answer to it, the verdict) and
    `photos/<number>/<n>.<ext>` for each photo still on disk."""
    ids = [h.id for h in held]
    rows = load_appeals(conn, ids)
    extra = {
        r["id"]: r
        for r in conn.execute(
            "SELECT id, target_org_id, answered_at, clarify_question, clarify_answer, solved, "
            "rating, rating_comment, erased_at FROM appeals "
            f"WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        )
    }
    pictures = listed_for(conn, ids)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for h in held:
            row, more = rows[h.id], extra[h.id]
            catalogue = {c.code: c for c in org_catalogue(conn, more["target_org_id"])}
            body: dict[str, Any] = document(row, catalogue, pictures[h.id])
            for photo in body["photos"]:
                photo.pop("url", None)
            body["handling"] = {
                "answer": row["answer"],
                "answered_at": more["answered_at"],
                "status_reason": row["status_reason"],
                "clarify_question": more["clarify_question"],
                "clarify_answer": more["clarify_answer"],
                "solved": more["solved"],
                "rating": more["rating"],
                "rating_comment": more["rating_comment"],
                "erased_at": more["erased_at"],
            }
            name = h.number.replace("/", "-")
            archive.writestr(f"appeals/{name}.json", json.dumps(body, ensure_ascii=False, indent=2))
            for photo in pictures[h.id]:
                path = path_of(media_root, h.id, int(photo["n"]), str(photo["media_type"]))
                if path.exists():
                    archive.write(path, f"photos/{name}/{path.name}")
    return out.getvalue()


def log_export(
    conn: sqlite3.Connection, exported: list[tuple[str, str, int]], by: str, reason: str = ""
) -> None:
    """One `citizen_exported` event per appeal (id, number, organisation id) handed to the
    person: the CLI, the console and the citizen's own download write the same."""
    for appeal_id, number, org_id in exported:
        insert_event(
            conn,
            EventType.CITIZEN_EXPORTED,
            org_id=org_id,
            appeal_id=appeal_id,
            data={"number": number, "by": by, **({"reason": reason} if reason else {})},
            returning=False,
        )
