"""Sending the notices' e-mails: through an SMTP server (aiosmtplib; STARTTLS, implicit TLS or a
plain local relay, with credentials from the settings) or, with no server configured, into a
local Maildir that the demo names and any mail reader opens.

The forwarder hands over the notices of one due batch and settles each by the answer given here:
None when the server took the message (250 after DATA) or the Maildir holds it, else a
`Refusal`: a permanent one (a 5xx reply to the message's envelope or content — no such mailbox,
message rejected) goes dead at once with the server's words, since sending it again gets the
same answer; any other is retried with backoff. Each message carries a Message-ID made of the
notice id and this database's id, so that a message sent again after a crash between the
server's 250 and our commit — the one way a notice goes out twice — is recognisable as the same
message.

Two timeouts. Opening a connection — TCP connect, greeting, EHLO, TLS, login — has seconds per
step (`POS_SMTP_CONNECT_TIMEOUT`): no mail has been handed over yet, so giving up costs nothing
but a retry, and a server that accepts and never greets is known to be failing at once instead
of after a minute. The exchange of a message is long (`POS_SMTP_TIMEOUT`): a slow server that
is still taking the mail is waited for, not sent it twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

import aiosmtplib

from intake_service.forward.mail_render import Mail
from intake_service.postgres import is_postgres
from intake_service.settings import Settings

log = logging.getLogger("pos_intake")
SMTP_CONNECTIONS = 4  # at most, for one batch of notices
# 5xx replies that name our login, not the message: the settings are wrong, every message would
# get them, and they are retried (and the mail sink shows failing) rather than sent dead one by one
LOGIN_CODES = frozenset({530, 534, 535, 538})


@dataclass(frozen=True)
class Refusal:
    """Why a message was not handed over. `permanent`: the server refused this message for good
    (RFC 5321: a 5xx reply to its MAIL FROM, RCPT TO or DATA), so it goes dead at once with
    `error` — the server's words — as the reason; otherwise it is retried with backoff. A
    permanent refusal is the server answering, not the server failing."""

    error: str
    permanent: bool = False


def maildir_path(settings: Settings) -> Path:
    """Where mail goes while no SMTP server is set: `POS_MAILDIR`, or `<db>.mail` beside the
    database."""
    if settings.maildir:
        return Path(settings.maildir)
    if is_postgres(settings.db):  # no file to sit beside: the folder the node runs in
        return Path("pos-intake.mail").resolve()
    return Path(settings.db).with_name(Path(settings.db).name + ".mail")


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tls_context: ssl.SSLContext | None = None
        if settings.smtp_host and settings.smtp_security != "none":
            # the server's certificate is always checked: against the system's authorities,
            # or the organisation's own CA when `smtp_ca_file` names one (checked at load)
            self.tls_context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)

    @property
    def target(self) -> str:
        """Where the mail goes, for the start-up line and `queue stats` (no password)."""
        s = self.settings
        if not s.smtp_host:
            return f"maildir {maildir_path(s)}"
        return f"smtp {s.smtp_host}:{s.smtp_port} ({s.smtp_security})"

    async def send(self, messages: list[Mail]) -> list[Refusal | None]:
        """One answer per message: None when handed over, else why not."""
        if not self.settings.smtp_host:
            return await asyncio.to_thread(self._to_maildir, messages)
        # a batch goes over a few connections, each carrying its share one message after the
        # other: a connection (and its TLS handshake and login) per message cost more than the
        # message, and a server may refuse a hundred connections at once
        shares = [messages[i::SMTP_CONNECTIONS] for i in range(SMTP_CONNECTIONS)]
        answers = await asyncio.gather(*(self._smtp(share) for share in shares if share))
        ordered: list[Refusal | None] = [None] * len(messages)
        for i, share_answers in enumerate(answers):
            ordered[i::SMTP_CONNECTIONS] = share_answers
        return ordered

    async def _smtp(self, messages: list[Mail]) -> list[Refusal | None]:
        """`messages` over one connection. A message the server refuses fails alone; a
        connection that fails fails the messages not yet handed over, and they are retried."""
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_user or None,
            password=s.smtp_password or None,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            tls_context=self.tls_context,
            timeout=s.smtp_connect_timeout,  # each step of connect(): see the module's docstring
        )
        answers: list[Refusal | None] = []
        try:
            await client.connect()
            client.timeout = s.smtp_timeout  # from here on, each command of a message's exchange
            async with client:
                for message in messages:
                    try:
                        await client.sendmail(message.sender, [message.recipient], message.data)
                    except aiosmtplib.SMTPRecipientsRefused as exc:
                        answers.append(self._refused("recipient refused", *exc.recipients[:1]))
                    except (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPDataError) as exc:
                        if not client.is_connected:
                            raise
                        answers.append(self._refused(_REFUSED[type(exc)], exc))
                    except (
                        aiosmtplib.SMTPResponseException
                    ) as exc:  # e.g. to EHLO: not this message
                        if not client.is_connected:
                            raise
                        answers.append(Refusal(self._error(exc)))
                    else:
                        answers.append(None)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            if len(answers) < len(messages):  # not a failure of QUIT after the last one
                answers += [Refusal(self._error(exc))] * (len(messages) - len(answers))
        return answers

    def _refused(self, what: str, exc: aiosmtplib.SMTPResponseException | None = None) -> Refusal:
        """The server's answer refusing one message's sender, recipient or content, in its own
        words (no address: the reason goes to the intake log); permanent when it is a 5xx that
        does not name our login."""
        if exc is None:  # a refusal without a reply (cannot happen with one recipient)
            return Refusal(what)
        error = self._hide_password(f"{what}: {exc.code} {exc.message}"[:300])
        return Refusal(error, permanent=500 <= exc.code < 600 and exc.code not in LOGIN_CODES)

    def _error(self, exc: BaseException) -> str:
        return self._hide_password(f"{type(exc).__name__}: {exc}"[:300])

    def _hide_password(self, error: str) -> str:
        if self.settings.smtp_password:
            error = error.replace(self.settings.smtp_password, "***")
        return error

    def _to_maildir(self, messages: list[Mail]) -> list[Refusal | None]:
        path = maildir_path(self.settings)
        try:
            for sub in ("tmp", "new", "cur"):
                (path / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return [Refusal(f"maildir {path}: {exc.strerror}")] * len(messages)
        answers: list[Refusal | None] = []
        for message in messages:
            try:
                _maildir_deliver(path, message.data.replace(b"\r\n", b"\n"))
            except OSError as exc:
                answers.append(Refusal(f"maildir {path}: {exc.strerror}"))
            else:
                answers.append(None)
        # On disk before they count as sent, as an appeal is — but with one flush for the whole
        # batch instead of an fsync per file: each fsync waits for the disk, and a notice per
        # appeal made the Maildir's fsyncs, not the appeals, what capped intake.
        if any(answer is None for answer in answers):
            os.sync()
        return answers


_REFUSED = {
    aiosmtplib.SMTPSenderRefused: "sender refused",
    aiosmtplib.SMTPDataError: "message refused",
}

_delivered = itertools.count()


def _maildir_deliver(path: Path, data: bytes) -> None:
    """One message into a Maildir as its specification says: written under `tmp/` with a name
    no other delivery uses, then moved into `new/`, where a reader sees it whole. (The standard
    library's `mailbox.Maildir.add` does the same with twice the system calls, which on this
    kind of virtual machine cost more than the write.)

    A write that fails — a full disk takes the file's name but not its bytes — removes its file
    again: each try left an empty one in `tmp/`, 25,986 of them in a disk-full incident."""
    now = time.time()
    name = f"{int(now)}.M{int(now % 1 * 1e6)}P{os.getpid()}Q{next(_delivered)}.{_HOST}"
    tmp = path / "tmp" / name
    out = open(tmp, "xb")  # noqa: SIM115 (closed below; failing here, it made nothing)
    try:
        with out:
            out.write(data)
        os.rename(tmp, path / "new" / name)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


_HOST = socket.gethostname().replace("/", r"\057").replace(":", r"\072")
