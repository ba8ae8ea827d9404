"""The embedded queue: agencies pull their organisation's appeals over HTTP and acknowledge them.

At-least-once, like SQS: a pull hands out messages under a fresh receipt and hides them for the
visibility timeout; an acknowledgement with that receipt marks them done; a message not
acknowledged in time is handed out again under a new receipt (the old receipt stops working), and
its `delivery_count` grows. Consumers drop repeats by `message_id` (the appeal id).

Messages go out in the order they became visible: a new one carries its arrival time as
`next_attempt_at`, one handed out before the end of its visibility timeout. A pull walks the
`outbox_queue` index (organisation, next_attempt_at) over waiting messages only and stops after
`max`, so it costs the same with ten messages waiting as with a million — in this queue or in
another organisation's. A message nobody acknowledges within the retention period expires
(`outbox.expire_op`).
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from intake_service.dialect import row_locks
from intake_service.events import EventType, insert_event
from intake_service.forward.outbox import EMBEDDED_SINK, OutboxState, withdraw_rows, withdrawable
from intake_service.store import now_iso
from intake_service.visibility import sees_appeal


@dataclass(frozen=True)
class Claimed:
    outbox_id: int
    appeal_id: str
    receipt: str
    delivery_count: int
    message: str | None = None  # outbox.message: None for the appeal's document


def claim_op(
    org_id: int,
    scope: frozenset[int],
    max_messages: int,
    visibility: float,
    request_id: str | None,
) -> Callable[[sqlite3.Connection], list[Claimed]]:
    """A writer operation: hand out up to `max_messages` due messages of the organisation.
    `scope` is what the organisation sees (itself and those below it): a message whose appeal
    has since gone elsewhere is withdrawn, not handed out — the one rule of visibility holds
    here too, also for rows a forward left behind before forwards withdrew them."""

    def op(conn: sqlite3.Connection) -> list[Claimed]:
        now = time.time()
        at = now_iso(now)
        # the literals match the partial index's WHERE, so SQLite may use it
        rows = conn.execute(
            "SELECT x.id, x.appeal_id, x.attempts, x.message, a.number, a.target_org_id FROM outbox x "
            "JOIN appeals a ON a.id = x.appeal_id "
            "WHERE x.org_id = ? AND x.sink = 'embedded' AND x.state IN ('pending', 'inflight') "
            "AND x.next_attempt_at <= ? ORDER BY x.next_attempt_at LIMIT ?"
            # nodes sharing PostgreSQL hand out different messages to pulls at the same moment
            + row_locks(conn, "x", skip_locked=True),
            (org_id, now, max_messages),
        ).fetchall()
        gone = [row["id"] for row in rows if not sees_appeal(scope, row["target_org_id"])]
        withdraw_rows(conn, withdrawable(conn, gone), at=at)
        claimed = []
        for row in rows:
            if row["id"] in gone:
                continue
            receipt = secrets.token_urlsafe(18)
            conn.execute(
                "UPDATE outbox SET state = ?, attempts = attempts + 1, receipt = ?, "
                "next_attempt_at = ?, updated_at = ? WHERE id = ?",
                (OutboxState.INFLIGHT, receipt, now + visibility, at, row["id"]),
            )
            count = row["attempts"] + 1
            insert_event(
                conn,
                EventType.DELIVERED,
                org_id=org_id,
                appeal_id=row["appeal_id"],
                request_id=request_id,
                data={"number": row["number"], "sink": EMBEDDED_SINK, "delivery": count},
                at=at,
            )
            claimed.append(Claimed(row["id"], row["appeal_id"], receipt, count, row["message"]))
        return claimed

    return op


def ack_op(
    org_id: int, receipts: list[str], request_id: str | None
) -> Callable[[sqlite3.Connection], tuple[list[str], list[str]]]:
    """A writer operation: mark messages done with an `acked` event; returns (acknowledged,
    unknown) — a receipt is unknown once its message was handed out again or expired."""

    def op(conn: sqlite3.Connection) -> tuple[list[str], list[str]]:
        at = now_iso()
        acked, unknown = [], []
        for receipt in receipts:
            row = conn.execute(
                "SELECT x.id, x.appeal_id, x.attempts, a.number FROM outbox x "
                "JOIN appeals a ON a.id = x.appeal_id "
                "WHERE x.receipt = ? AND x.org_id = ? AND x.sink = ? AND x.state = ?"
                + row_locks(conn, "x"),
                (receipt, org_id, EMBEDDED_SINK, OutboxState.INFLIGHT),
            ).fetchone()
            if row is None:
                unknown.append(receipt)
                continue
            conn.execute(
                "UPDATE outbox SET state = ?, receipt = NULL, updated_at = ? WHERE id = ?",
                (OutboxState.DONE, at, row["id"]),
            )
            insert_event(
                conn,
                EventType.ACKED,
                org_id=org_id,
                appeal_id=row["appeal_id"],
                request_id=request_id,
                data={"number": row["number"], "sink": EMBEDDED_SINK, "delivery": row["attempts"]},
                at=at,
            )
            acked.append(receipt)
        return acked, unknown

    return op
