"""The e-mail of a notice: subject, plain text and HTML in the recipient's language, from the
notice's recorded data and the one message catalogue (`mail.*` keys).

Rendered when the notice is sent, not when it is recorded, so that a wording fixed in a release
reaches the mail still waiting in the outbox. Links are absolute: `POS_BASE_URL` when set, else
the address the service listens on (fine for the demo; a deployment behind a proxy sets the base
URL). The HTML part is autoescaped: an answer or a question written by an operator is text.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.utils import formatdate
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from intake_service.i18n import t
from intake_service.pages import human_date
from intake_service.settings import Settings
from intake_service.tokens import Tokens

DATE_FIELDS = ("answer_due", "register_due", "clarify_due")
_TEMPLATES = Path(__file__).parent / "templates" / "mail"
# templates ship with the package: not re-read (and not stat-ed on every message) while running
_html = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(default=True),
    auto_reload=False,
)
_text = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=False, auto_reload=False)


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

    def message(self, notice: sqlite3.Row) -> Message:
        lang = notice["lang"]
        context = self.context(notice)

        def translate(key: str, **values: object) -> str:
            return t(key, lang, **values)

        variables = {"t": translate, "lang": lang, "n": context}
        # email.mime with the compat32 policy: the modern EmailMessage API costs ~1.7 ms a
        # message in header folding and content managers, which at intake's rate was most of
        # an appeal's cost (bench/intake.py); this builds the same MIME in a fraction of it.
        message = MIMEMultipart("alternative")
        message["From"] = self.settings.mail_from
        message["To"] = notice["recipient"]
        subject = translate(f"mail.subject.{notice['kind']}", **_values(context))
        message["Subject"] = encoded_words(subject)
        message["Date"] = formatdate(localtime=False)
        domain = self.settings.mail_from.rsplit("@", 1)[-1].strip(" >") or "localhost"
        message["Message-ID"] = f"<notice-{notice['id']}.{self.tokens.issuer or 'pos'}@{domain}>"
        message["Auto-Submitted"] = "auto-generated"
        message["Content-Language"] = lang
        message.attach(_part(_text.get_template("notice.txt").render(variables), "plain"))
        message.attach(_part(_html.get_template("notice.html").render(variables), "html"))
        return message


# Building the parts and the subject by hand: the email package's charset machinery (MIMEText,
# Header) cost ~0.5 ms a message — a third of a notice's cost at intake's rate — for what is
# base64 of UTF-8 in both cases (RFC 2045, RFC 2047).
def _part(text: str, subtype: str) -> Message:
    part = Message()
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["MIME-Version"] = "1.0"
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(base64.encodebytes(text.encode()).decode("ascii"))
    return part


ENCODED_WORD_BYTES = 45  # 60 base64 characters: with "=?utf-8?b?…?=" under the 75 allowed


def encoded_words(text: str) -> str:
    """A header value as RFC 2047 encoded words (ASCII text stays as it is), split between
    characters, never inside one, and folded one word a line."""
    if text.isascii():
        return text
    words, chunk = [], b""
    for char in text:
        encoded = char.encode()
        if len(chunk) + len(encoded) > ENCODED_WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    if chunk:
        words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)


def _values(context: dict[str, Any]) -> dict[str, object]:
    """The values subject lines may name; missing ones read as empty."""
    return {k: ("" if v is None else v) for k, v in context.items() if not isinstance(v, dict)}
