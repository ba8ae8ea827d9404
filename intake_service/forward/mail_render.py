"""The e-mail of a notice: subject, plain text and HTML in the recipient's language, from the
notice's recorded data and the one message catalogue (`mail.*` keys).

Rendered when the notice is sent, not when it is recorded, so that a wording fixed in a release
reaches the mail still waiting in the outbox. Links are absolute and made here, from the
settings alone — never from a request's Host or Origin, which whoever posts the form writes (a
forged Host would mail a citizen, from the official sender, a link to another site carrying her
confirmation token): `POS_BASE_URL`, which a service sending through SMTP must have (`serve`
refuses to start without it), else the address the service listens on (the demo, a Maildir).
The HTML part is autoescaped: an answer or a question written by an operator is text.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from dataclasses import dataclass
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from intake_service.declension import greeting, org_name_in
from intake_service.i18n import t
from intake_service.ids import random_bytes
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
# the plain part's blocks take their own line ends with them: one blank line between paragraphs
_text = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=False,
    auto_reload=False,
    trim_blocks=True,
    lstrip_blocks=True,
)


class NoticeRenderer:
    def __init__(self, settings: Settings, tokens: Tokens) -> None:
        self.settings = settings
        self.tokens = tokens
        name, address = parseaddr(settings.mail_from)
        self._sender = envelope_address(address or settings.mail_from)
        self._domain = self._sender.rsplit("@", 1)[-1] or "localhost"
        self._from_header = formataddr((name, self._sender), charset="utf-8")

    def base_url(self) -> str:
        s = self.settings
        return (s.base_url or f"http://{s.host}:{s.port}").rstrip("/")

    def context(self, notice: sqlite3.Row) -> dict[str, Any]:
        data = json.loads(notice["data"])
        base = self.base_url()
        tracking = None
        if notice["appeal_id"] and notice["kind"] != "confirm":
            tracking = f"{base}/s/{self.tokens.tracking(notice['appeal_id'])}"
        elif notice["appeal_id"]:  # a held appeal's id; a link an older release kept is replaced
            data["confirm_url"] = f"{base}/c/{self.tokens.confirm(notice['appeal_id'])}"
        if data.get("follow_id") is not None:  # a follower's: confirm (follow) or stop (followed)
            link = f"{base}/f/{self.tokens.follow(int(data['follow_id']))}"
            if notice["kind"] == "follow":
                data["confirm_url"] = link
            else:
                data["stop_url"] = link + "/stop"
        if data.get("ballot_id") is not None:  # a held ballot's link (participation/ballots.py)
            data["confirm_url"] = (
                f"{base}/v/{self.tokens.ballot('confirm', int(data['ballot_id']))}"
            )
        if data.get("comment_id") is not None:  # the author's own page of their comment
            data["page_url"] = (
                f"{base}/p/c/{self.tokens.ballot('comment', int(data['comment_id']))}"
            )
            data["outcome"] = t(
                "mail.comment." + ("approved" if data.get("approved") else "rejected"),
                notice["lang"],
            )
        for key in DATE_FIELDS:  # due dates as the reader writes them
            if data.get(key):
                data[key] = human_date(str(data[key]), notice["lang"])
        return {
            **data,
            **_names(data, notice["lang"]),
            "kind": notice["kind"],
            "tracking_url": tracking,
            "base_url": base,
        }

    def message(self, notice: sqlite3.Row) -> Mail:
        lang = notice["lang"]
        context = self.context(notice)

        def translate(key: str, **values: object) -> str:
            return t(key, lang, **values)

        variables = {"t": translate, "lang": lang, "n": context}
        subject = translate(f"mail.subject.{notice['kind']}", **_values(context))
        recipient = envelope_address(notice["recipient"])
        headers = [
            ("From", self._from_header),
            ("To", recipient),
            ("Subject", encoded_words(subject)),
            ("Date", formatdate(localtime=False)),
            ("Message-ID", f"<notice-{notice['id']}.{self.tokens.issuer or 'pos'}@{self._domain}>"),
            ("Auto-Submitted", "auto-generated"),
            ("Content-Language", lang),
        ]
        parts = [
            ("plain", _text.get_template("notice.txt").render(variables)),
            ("html", _html.get_template("notice.html").render(variables)),
        ]
        return Mail(self._sender, recipient, mime_alternative(headers, parts))


@dataclass(frozen=True)
class Mail:
    """One e-mail ready to go: the envelope and the message in RFC 5322 form (CRLF line ends)."""

    sender: str
    recipient: str
    data: bytes


# The message is written out by hand: the email package (Message objects, its generator and
# charset machinery) cost ~0.75 ms a notice on this machine — three times the rendering — for
# what is a handful of ASCII headers and two base64 bodies of UTF-8 (RFC 2045–2047), and a
# notice per appeal made that the largest cost of intake (bench/RESULTS.md).
def mime_alternative(headers: list[tuple[str, str]], parts: list[tuple[str, str]]) -> bytes:
    """A multipart/alternative message: the headers (already ASCII), then each (subtype, text)
    as a base64 part of UTF-8."""
    boundary = f"=_pos_{random_bytes(12).hex()}"
    lines = [f"{name}: {_header_value(value)}" for name, value in headers]
    lines += [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
    ]
    for subtype, text in parts:
        lines += [
            f"--{boundary}",
            f'Content-Type: text/{subtype}; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(text.encode()).decode("ascii").replace("\n", "\r\n").rstrip(),
        ]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("ascii")


def _header_value(value: str) -> str:
    """Header values reach here ASCII and on one logical line; a line break not followed by
    white space would start a header of its own (header injection), so it is refused."""
    unfolded = value.replace("\r\n ", " ")
    if not value.isascii() or "\r" in unfolded or "\n" in unfolded:
        raise ValueError(f"not fit for a mail header: {value[:60]!r}")
    return value


def envelope_address(address: str) -> str:
    """An address as SMTP and the To header carry it: a domain in Cyrillic (`почта.рф`, which
    the appeal form accepts) in its IDNA form."""
    local, _, domain = address.strip().rpartition("@")
    if not domain.isascii():
        domain = domain.encode("idna").decode("ascii")
    return f"{local}@{domain}"


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


def _names(data: dict[str, Any], lang: str) -> dict[str, str]:
    """The organisation's name in the cases the Russian sentences put it in («направлено в
    Администрацию …», «Ответ Администрации …», «В Администрации … просрочено») and the greeting
    by the citizen's name, and the status as a word inside a sentence — made when the mail is
    sent, so a notice recorded before a release reads as well as a new one. English names the
    organisation as written."""
    org = str(data.get("org_name") or "")
    russian = lang == "ru"
    status = str(data.get("status_title") or "")
    return {
        "greeting": greeting(data.get("citizen_name"), lang),
        # mid-sentence after a colon Russian goes on in lower case: «изменён: в работе»
        "status_word": status[:1].lower() + status[1:] if russian else status,
        **{
            f"org_{case}": org_name_in(case, org) if russian else org
            for case in ("gent", "accs", "loct")
        },
    }


def _values(context: dict[str, Any]) -> dict[str, object]:
    """The values subject lines may name; missing ones read as empty."""
    return {k: ("" if v is None else v) for k, v in context.items() if not isinstance(v, dict)}
