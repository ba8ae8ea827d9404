"""Counters for /metrics in the Prometheus text format, kept in the event loop's thread.

Hand-written rather than a client library: a handful of counters and one histogram, and the
exposition format is a few lines of text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from intake_service.loop_watch import LoopWatch
from intake_service.store_health import StoreHealth

BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


def _labels(**labels: str) -> str:
    if not labels:
        return ""
    escaped = (
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in labels.items()
    )
    return "{" + ",".join(escaped) + "}"


class Metrics:
    def __init__(self) -> None:
        self.accepted: Counter[str] = Counter()  # by org
        self.rejected: Counter[str] = Counter()  # by reason
        self.batch_count = 0
        self.batch_sum = 0
        self.batch_buckets: Counter[int] = Counter()
        self.deliveries: Counter[tuple[str, str]] = Counter()  # by sink and outcome
        self.replies: Counter[str] = Counter()  # reply-queue messages, by outcome
        self.loop = LoopWatch()  # how long the event loop was held (run by the runtime)
        self.store = StoreHealth()  # how the last real write ended (intake, the forwarder)
        # deliveries a sink answered whose outcome the store would not take yet, by sink (kept
        # by the forwarder), and its attempts to record them that the store refused
        self.unrecorded: Counter[str] = Counter()
        self.record_refusals = 0

    def record_batch(self, size: int) -> None:
        self.batch_count += 1
        self.batch_sum += size
        for bound in BATCH_BUCKETS:
            if size <= bound:
                self.batch_buckets[bound] += 1

    def render(
        self,
        queue_depth: Iterable[tuple[str, str, int]],
        sinks_up: Iterable[tuple[str, str, bool]] = (),
        mail_backlog: int | None = None,
    ) -> str:
        """`sinks_up`: (sink, kind, whether its last delivery succeeded) per configured sink;
        `mail_backlog`: e-mails not yet sent, when this node sends mail."""
        lines = [
            "# HELP pos_appeals_accepted_total Appeals accepted and stored, by organisation.",
            "# TYPE pos_appeals_accepted_total counter",
        ]
        lines += [
            f"pos_appeals_accepted_total{_labels(org=org)} {n}"
            for org, n in sorted(self.accepted.items())
        ]
        lines += [
            "# HELP pos_rejections_total Requests refused, by reason.",
            "# TYPE pos_rejections_total counter",
        ]
        lines += [
            f"pos_rejections_total{_labels(reason=reason)} {n}"
            for reason, n in sorted(self.rejected.items())
        ]
        lines += [
            "# HELP pos_writer_batch_size Writes committed together by the single writer.",
            "# TYPE pos_writer_batch_size histogram",
        ]
        lines += [
            f'pos_writer_batch_size_bucket{{le="{bound}"}} {self.batch_buckets[bound]}'
            for bound in BATCH_BUCKETS
        ]
        lines += [
            f'pos_writer_batch_size_bucket{{le="+Inf"}} {self.batch_count}',
            f"pos_writer_batch_size_sum {self.batch_sum}",
            f"pos_writer_batch_size_count {self.batch_count}",
            "# HELP pos_queue_depth Outbox messages waiting for their sink (neither done nor "
            "expired), by organisation and sink.",
            "# TYPE pos_queue_depth gauge",
        ]
        lines += [
            f"pos_queue_depth{_labels(org=org, sink=sink)} {n}" for org, sink, n in queue_depth
        ]
        lines += [
            "# HELP pos_deliveries_total Attempts to hand appeals to external sinks, by sink and "
            "outcome (forwarded, failed, dead).",
            "# TYPE pos_deliveries_total counter",
        ]
        lines += [
            f"pos_deliveries_total{_labels(sink=sink, outcome=outcome)} {n}"
            for (sink, outcome), n in sorted(self.deliveries.items())
        ]
        lines += [
            "# HELP pos_sink_up 1 while a sink's last delivery succeeded (or none was tried), "
            "0 while it fails.",
            "# TYPE pos_sink_up gauge",
        ]
        lines += [
            f"pos_sink_up{_labels(sink=sink, kind=kind)} {int(up)}" for sink, kind, up in sinks_up
        ]
        lines += [
            "# HELP pos_reply_messages_total Messages taken from the agencies' reply queue, by "
            "outcome (applied, refused, requeued while the store is down; redelivered counts "
            "those the broker had given out before).",
            "# TYPE pos_reply_messages_total counter",
        ]
        lines += [
            f"pos_reply_messages_total{_labels(outcome=outcome)} {n}"
            for outcome, n in sorted(self.replies.items())
        ]
        if mail_backlog is not None:
            lines += [
                "# HELP pos_mail_backlog E-mails waiting for the SMTP server (or the Maildir), "
                "retries included; they never count against the outbox limit.",
                "# TYPE pos_mail_backlog gauge",
                f"pos_mail_backlog {mail_backlog}",
            ]
        lines += self._store_lines()
        lines += self.loop.render()
        return "\n".join(lines) + "\n"

    def _store_lines(self) -> list[str]:
        """A store that refuses writes (a full disk): whether it does, and what the forwarder
        holds in memory meanwhile instead of sending it again."""
        lines = [
            "# HELP pos_store_writable 1 while the store took the last real write (an appeal, a "
            "delivery's outcome), 0 while it refuses them.",
            "# TYPE pos_store_writable gauge",
            f"pos_store_writable {int(self.store.refusing() is None)}",
            "# HELP pos_deliveries_unrecorded Deliveries their sink answered whose outcome the "
            "store has not taken yet: held in memory, not sent again until recorded.",
            "# TYPE pos_deliveries_unrecorded gauge",
        ]
        lines += [
            f"pos_deliveries_unrecorded{_labels(sink=sink)} {n}"
            for sink, n in sorted(self.unrecorded.items())
        ]
        lines += [
            "# HELP pos_outcome_record_refusals_total Attempts to record held delivery outcomes "
            "that the store refused (tried again with exponential backoff).",
            "# TYPE pos_outcome_record_refusals_total counter",
            f"pos_outcome_record_refusals_total {self.record_refusals}",
        ]
        return lines
