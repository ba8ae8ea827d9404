"""Following an appeal another resident filed: the form shows the open appeals already reported
at the place (form/similar.py), and a citizen who came to report the same thing may follow one
instead of filing it again. Its moves then come to their e-mail — the number, the organisation
and the new status only: never the filer's name, the operator's words to the filer, the answer's
text or the filer's tracking link (lifecycle/notices.py `notify_followers`).

The address must be the follower's: the first e-mail carries a link to confirm (`GET /f/{token}`
shows a page with one button and its POST confirms, so a mail scanner that fetches links never
does), good for CONFIRM_HOURS; each later e-mail a link to stop (`POST /f/{token}/stop`). A
request to follow mails at most once an hour per appeal and address, so the form cannot be used
to flood someone else's inbox.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intake_service.api.requests import client_address, runtime_of
from intake_service.errors import NotFound
from intake_service.form.submission import check_sender
from intake_service.lifecycle.notices import NoticeKind, record_notice
from intake_service.pages import page_language, render
from intake_service.store import now_iso

CONFIRM_HOURS = 48


def follow_op(
    *, appeal_id: str, org_id: int, org_name: str, number: str, email: str, lang: str
) -> Callable[[sqlite3.Connection], bool]:
    """The follow row (kept if there is one) and, unless it is confirmed and running, the
    e-mail asking to confirm it; True when an e-mail was recorded."""

    def op(conn: sqlite3.Connection) -> bool:
        row = conn.execute(
            "INSERT INTO follows (appeal_id, email, lang, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (appeal_id, email) DO UPDATE SET lang = excluded.lang "
            "RETURNING id, confirmed_at, stopped_at",
            (appeal_id, email, lang, now_iso()),
        ).fetchone()
        if row["confirmed_at"] is not None and row["stopped_at"] is None:
            return False  # following already: nothing to confirm
        hour = int(time.time() // 3600)
        return (
            record_notice(
                conn,
                NoticeKind.FOLLOW,
                org_id=org_id,
                recipient=email,
                lang=lang,
                data={"number": number, "org_name": org_name, "follow_id": row["id"]},
                dedupe=f"follow:{row['id']}:{hour}",
            )
            is not None
        )

    return op


def _mark_op(follow_id: int, confirm: bool) -> Callable[[sqlite3.Connection], None]:
    def op(conn: sqlite3.Connection) -> None:
        if confirm:
            conn.execute(
                "UPDATE follows SET confirmed_at = ?, stopped_at = NULL WHERE id = ?",
                (now_iso(), follow_id),
            )
        else:
            conn.execute("UPDATE follows SET stopped_at = ? WHERE id = ?", (now_iso(), follow_id))

    return op


def _follow(request: Request, *, confirming: bool) -> dict:
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    max_age = CONFIRM_HOURS * 3600 if confirming else None
    follow_id = runtime.tokens.read_follow(request.path_params["token"], max_age)
    row = (
        runtime.reader.execute(
            "SELECT f.id, f.confirmed_at, f.stopped_at, a.number, a.target_org_id "
            "FROM follows f JOIN appeals a ON a.id = f.appeal_id WHERE f.id = ?",
            (follow_id,),
        ).fetchone()
        if follow_id is not None
        else None
    )
    if row is None:
        raise NotFound("detail.follow-unknown", reason="follow-forged-or-expired")
    request.state.org_id = row["target_org_id"]
    return dict(row)


def _confirming(request: Request) -> bool:
    """The confirming link (`/f/{token}`), or the stopping one (`/f/{token}/stop`)."""
    return not request.url.path.endswith("/stop")


async def follow_page(request: Request) -> Response:
    """GET /f/{token} (or …/stop): one button to follow the appeal (or to stop) — a scanner's
    fetch changes nothing."""
    confirming = _confirming(request)
    row = _follow(request, confirming=confirming)
    done = None if confirming else "ask-stop"
    return render("follow.html", page_language(request), {"number": row["number"], "done": done})


async def follow_act(request: Request) -> Response:
    """POST /f/{token}: follow the appeal; POST /f/{token}/stop: no more news of it."""
    confirming = _confirming(request)
    row = _follow(request, confirming=confirming)
    check_sender(request)
    await runtime_of(request).writer.submit(_mark_op(row["id"], confirm=confirming))
    done = "following" if confirming else "stopped"
    return render("follow.html", page_language(request), {"number": row["number"], "done": done})


ROUTES = [
    Route("/f/{token}", follow_page, methods=["GET"]),
    Route("/f/{token}", follow_act, methods=["POST"]),
    Route("/f/{token}/stop", follow_page, methods=["GET"]),
    Route("/f/{token}/stop", follow_act, methods=["POST"]),
]
