"""How the single writer commits a batch on PostgreSQL, on its own thread: pipelined and without
savepoints first (a batch costs a few round trips, not one per statement), again statement by
statement with a savepoint around each operation when one of them fails, and again whole when
PostgreSQL gives the transaction up for another node's (a deadlock between two nodes' batches).

Each batch also writes a marker row (migrations/writer_batches.py), by which a batch whose
COMMIT answer was lost with its connection is found stored or not before its requests are
answered (`_stored`). Apart from writer.py, which gathers the batches and commits SQLite's on
the event loop: the two engines share the batching, not the transaction.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from typing import Any

from intake_service.ids import uuid7
from intake_service.postgres import NOTIFY_CHANNEL, TransactionConflict
from intake_service.store import config_version
from intake_service.writer_batch import Outcome, Pending

log = logging.getLogger("pos_intake")

CONFLICT_RETRIES = 5  # PostgreSQL: tries of a batch given up for another node's (deadlock)
# PostgreSQL: how long the writer keeps asking a server it lost at COMMIT whether the batch was
# stored, and how long that question may wait for a lost transaction still holding the marker
MARKER_CHECK_SECONDS = 15.0
MARKER_LOCK_TIMEOUT = "5s"


class OperationFailed(Exception):
    """An operation raised in a batch run without savepoints: run it again with them."""


class PostgresBatches:
    """The batches of one writer's connection; `run` is called on the writer's thread."""

    def __init__(self, conn: Any, *, read_version: bool) -> None:
        self._conn = conn
        self._read_version = read_version  # the writer wants the registry's version
        # the batch markers to delete with the next batch (migrations/writer_batches.py)
        self._old_markers: list[str] = []

    def run(self, batch: list[Pending], known: int) -> tuple[list[Outcome], int]:
        """First pipelined and without savepoints: statements go out without waiting for each
        answer, so a batch costs a few round trips rather than one per statement, and
        operations almost never fail. If one does, the transaction is rolled back and the batch
        runs again statement by statement with a savepoint around each operation, so that the
        failing one fails alone. `known`: the registry's version the writer knows; returned
        with the outcomes, or the version the batch read."""
        savepoints, conflicts = False, 0
        while True:
            try:
                return self._attempt(batch, known, savepoints=savepoints)
            except OperationFailed:
                savepoints = True
            except TransactionConflict as exc:
                # two nodes' batches locked the same rows in opposite orders: PostgreSQL gave
                # this one up, nothing of it is kept, and the same batch runs again
                conflicts += 1
                if conflicts >= CONFLICT_RETRIES:
                    return [(f, None, exc, h) for _, f, h in batch], known
                log.info("writer: batch given up by PostgreSQL (%s); running it again", exc)

    def _attempt(
        self, batch: list[Pending], known: int, *, savepoints: bool
    ) -> tuple[list[Outcome], int]:
        conn: Any = self._conn
        assert conn is not None
        outcomes: list[Outcome] = []
        marker = uuid7()
        version = known
        commit_sent = False
        try:
            with contextlib.nullcontext() if savepoints else conn.pipelined():
                conn.execute("BEGIN")
                # this batch's marker, and the last ones' away (migrations/writer_batches.py)
                conn.execute(
                    "INSERT INTO writer_batches (id, created_at) VALUES (?, ?)",
                    (marker, time.time()),
                )
                if self._old_markers:
                    marks = ",".join("?" * len(self._old_markers))
                    conn.execute(
                        f"DELETE FROM writer_batches WHERE id IN ({marks})", self._old_markers
                    )
                for op, future, hooks in batch:
                    if savepoints:
                        conn.execute("SAVEPOINT op")
                    try:
                        result = op(conn)
                    except sqlite3.OperationalError:
                        raise  # the server is gone, or gave the transaction up: all of it
                    except Exception as exc:
                        if not savepoints:
                            raise OperationFailed from exc
                        conn.execute("ROLLBACK TO SAVEPOINT op")
                        conn.execute("RELEASE SAVEPOINT op")
                        outcomes.append((future, None, exc, hooks))
                    else:
                        if savepoints:
                            conn.execute("RELEASE SAVEPOINT op")
                        outcomes.append((future, result, None, hooks))
                version = config_version(conn) if self._read_version else -1
                # every node's live log wakes when this commits (postgres/notify.py)
                conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
                commit_sent = True
                conn.execute("COMMIT")
            # leaving the pipeline waited for every answer: the COMMIT's too
        except Exception as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, TransactionConflict):
                raise
            if commit_sent and isinstance(exc, sqlite3.OperationalError):
                # the connection was lost with the COMMIT sent: stored or not, the marker says
                stored = self._stored(marker, exc)
                if stored:
                    self._old_markers = [marker]
                    return outcomes, version
                if stored is not None:
                    self._old_markers.append(marker)  # the claim (see _stored)
            if not savepoints and not isinstance(exc, sqlite3.OperationalError):
                # an operation's error, perhaps surfacing at a later statement: find it
                raise OperationFailed from exc
            return [(future, None, exc, hooks) for _, future, hooks in batch], known
        self._old_markers = [marker]
        return outcomes, version

    def _stored(self, marker: str, lost: BaseException) -> bool | None:
        """Whether the batch with `marker`, whose COMMIT was sent before the connection was
        lost, is stored (PostgreSQL; on the writer's thread). Asked by inserting the marker as
        `claimed` on a new connection: that waits for a transaction that still holds it (a
        backend that has not yet noticed it lost its client) and then either finds the batch's
        own row — stored — or puts the claim in, after which the lost batch can never commit.
        None when the server does not answer within MARKER_CHECK_SECONDS: nobody knows, and
        the batch's requests are answered 503 as before."""
        conn: Any = self._conn
        # the old connection may be stuck half-way (libpq: "cannot exit pipeline mode while
        # busy"); closed, the next statement opens a new one
        with contextlib.suppress(Exception):
            conn.close()
        deadline = time.monotonic() + MARKER_CHECK_SECONDS
        while True:
            try:
                conn.execute("BEGIN")
                conn.execute(f"SET LOCAL lock_timeout = '{MARKER_LOCK_TIMEOUT}'")
                conn.execute(
                    "INSERT INTO writer_batches (id, created_at, claimed) VALUES (?, ?, 1) "
                    "ON CONFLICT (id) DO NOTHING",
                    (marker, time.time()),
                )
                conn.execute("COMMIT")
                row = conn.execute(
                    "SELECT claimed FROM writer_batches WHERE id = ?", (marker,)
                ).fetchone()
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if time.monotonic() >= deadline:
                    log.error(
                        "writer: the connection to PostgreSQL was lost at COMMIT (%s) and whether "
                        "batch %s was stored cannot be learnt (%s): its requests are answered "
                        "503 and may have been stored",
                        lost,
                        marker,
                        exc,
                    )
                    return None
                time.sleep(0.2)
                continue
            stored = row is not None and not row["claimed"]
            log.warning(
                "writer: the connection to PostgreSQL was lost at COMMIT (%s); batch %s %s",
                lost,
                marker,
                "had been stored: its requests are answered as stored"
                if stored
                else "was not stored: its requests are answered 503",
            )
            return stored
