"""The e-mail of a notice: subject, plain text and HTML in the recipient's language, from the
notice's recorded data and the one message catalogue (`mail.*` keys).

Rendered when the notice is sent, not when it is recorded, so that a wording fixed in a release
reaches the mail still waiting in the outbox. Links are absolute: `POS_BASE_URL` when set, else
the address the service listens on (fine for the demo; a deployment behind a proxy sets the base
URL). The HTML part is autoescaped: an answer or a question written by an operator is text.
"""

from __future__ import annotations

import json
import sqlite3
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from intake_service.i18n import t
from intake_service.pages import human_date
from intake_service.settings import Settings
from intake_service.tokens import Tokens

DATE_FIELDS = ("answer_due", "register_due", "clarify_due")
_TEMPLATES = Path(__file__).parent / "templates" / "mail"
_html = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(default=True))
_text = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=False)


def load_notices(conn: sqlite3.Connection, ids: list[int]) -> dict[int, sqlite3.Row]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "SELECT id, appeal_id, org_id, kind, recipient, lang, data, dedupe, created_at "
        f"FROM notices WHERE id IN ({marks})",
        ids,
    )
    return {row["id"]: row for row in rows}


class NoticeRenderer:
    def __init__(self, settings: Settings, tokens: Tokens) -> None:
        self.settings = settings
        self.tokens = tokens

    def base_url(self) -> str:
        s = self.settings
        return (s.base_url or f"http://{s.host}:{s.port}").rstrip("/")

    def context(self, notice: sqlite3.Row) -> dict[str, Any]:
        data = json.loads(notice["data"])
        base = self.base_url()
        tracking = None
        if notice["appeal_id"] and notice["kind"] != "confirm":
            tracking = f"{base}/s/{self.tokens.tracking(notice['appeal_id'])}"
        for key in DATE_FIELDS:  # due dates as the reader writes them
            if data.get(key):
                data[key] = human_date(str(data[key]), notice["lang"])
        return {**data, "kind": notice["kind"], "tracking_url": tracking, "base_url": base}

    def message(self, notice: sqlite3.Row) -> EmailMessage:
        lang = notice["lang"]
        context = self.context(notice)

        def translate(key: str, **values: object) -> str:
            return t(key, lang, **values)

        variables = {"t": translate, "lang": lang, "n": context}
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = notice["recipient"]
        message["Subject"] = translate(f"mail.subject.{notice['kind']}", **_values(context))
        message["Date"] = formatdate(localtime=False)
        domain = self.settings.mail_from.rsplit("@", 1)[-1].strip(" >") or "localhost"
        message["Message-ID"] = make_msgid(f"notice-{notice['id']}", domain=domain)
        message["Auto-Submitted"] = "auto-generated"
        message["Content-Language"] = lang
        message.set_content(_text.get_template("notice.txt").render(variables))
        message.add_alternative(_html.get_template("notice.html").render(variables), subtype="html")
        return message


def _values(context: dict[str, Any]) -> dict[str, object]:
    """The values subject lines may name; missing ones read as empty."""
    return {k: ("" if v is None else v) for k, v in context.items() if not isinstance(v, dict)}
