"""What the service says of its sinks' health — /readyz, /metrics — and how the mail sink's
health and delivery counts reach the web process from its worker.

Apart from the forwarder, which sends, because two processes share it: the worker notes the mail
sink's health as its batches are answered and reports it with the e-mails it settled
(`report`, every quarter second over the worker link); the web process notes its own sinks,
hears the worker's report (`heard`) and answers /readyz and /metrics for both. Everything here
is kept in memory: /readyz must answer while the store is the very thing that is down.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from intake_service.directory import OrgDirectory
from intake_service.forward.batches import MAIL_HEALTH
from intake_service.lifecycle.notices import MAIL_SINK
from intake_service.metrics import Metrics


@dataclass
class SinkHealth:
    """What /readyz and `queue stats` say of a sink: its last delivery and its last error."""

    last_ok: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None

    @property
    def failing(self) -> bool:
        return self.last_error_at is not None and (self.last_ok or 0) < self.last_error_at


@dataclass
class SinksHealth:
    """Every sink's health by its id; the mail sink's under MAIL_HEALTH."""

    directory: OrgDirectory
    metrics: Metrics
    mail_configured: bool
    by_sink: dict[int, SinkHealth] = field(default_factory=lambda: defaultdict(SinkHealth))
    _reported: Counter[str] = field(default_factory=Counter)  # mail outcomes told the web process

    def note(self, sink_id: int, errors: list[str | None]) -> None:
        """A batch's answers: a sink is up once one of them was delivered, failing when the
        last error came after the last delivery."""
        health = self.by_sink[sink_id]
        now = time.time()
        failures = [e for e in errors if e is not None]
        if len(failures) < len(errors):
            health.last_ok = now
        if failures:
            health.last_error, health.last_error_at = failures[-1], now

    def appeals_sink_failing(self) -> bool:
        """Whether a sink of appeals (not mail) failed its last delivery."""
        return any(h.failing for key, h in self.by_sink.items() if key != MAIL_HEALTH)

    def sinks_up(self) -> list[tuple[str, str, bool]]:
        """(sink, kind, up) for /metrics and /readyz: every configured sink, down while its last
        delivery failed. From the registry as last read: never a read of the store, which may
        be the very thing that is down."""
        configured = [
            (s.name, s.kind, not (s.id in self.by_sink and self.by_sink[s.id].failing))
            for s in self.directory.sinks_as_last_read()
        ]
        if self.mail_configured:
            configured.append((MAIL_SINK, "mail", not self.by_sink[MAIL_HEALTH].failing))
        return configured

    def failing_sinks(self) -> list[str]:
        """Appeals' sinks whose last delivery failed, for /readyz: by outbox name and kind only.
        /readyz answers anyone who can reach it, so broker hosts, webhook URLs and error texts
        stay in the CLI (`pos-intake queue stats`) and the log. Mail is `mail_failing`."""
        return [
            f"{name} ({kind})" for name, kind, up in self.sinks_up() if not up and name != MAIL_SINK
        ]

    def mail_failing(self) -> bool:
        """The SMTP server (or Maildir) failed the last attempt to send: refused the connection,
        said nothing within the connect timeout, or failed the exchange."""
        return self.mail_configured and self.by_sink[MAIL_HEALTH].failing

    def report(self) -> dict[str, object]:
        """What the worker tells the web process of the mail sink (worker_link.py): its health
        and the e-mails settled since the last report, by outcome."""
        health = self.by_sink[MAIL_HEALTH]
        settled = {
            outcome: count - self._reported[outcome]
            for (sink, outcome), count in self.metrics.deliveries.items()
            if sink == MAIL_SINK and count != self._reported[outcome]
        }
        for outcome, count in settled.items():
            self._reported[outcome] += count
        return {
            "mail": [health.last_ok, health.last_error, health.last_error_at],
            "deliveries": settled,
        }

    def heard(self, report: dict[str, Any]) -> None:
        """The worker's report, in the web process: the mail sink's health for /readyz and
        /metrics, and the e-mails it settled for the delivery counts."""
        mail = report.get("mail")
        if isinstance(mail, list) and len(mail) == 3:
            health = self.by_sink[MAIL_HEALTH]
            health.last_ok, health.last_error, health.last_error_at = mail
        for outcome, count in (report.get("deliveries") or {}).items():
            self.metrics.deliveries[(MAIL_SINK, str(outcome))] += int(count)
