"""Wake-ups across nodes sharing one PostgreSQL: LISTEN/NOTIFY on one channel.

Every writer batch that committed on any node notifies the channel (the writer sends `NOTIFY`
inside the batch's transaction, so the wake-up leaves only with the commit). Each node's live
log listens on a connection of its own, in a thread of its own, and wakes its watcher, which
then reads the new events as it always does — the notification carries nothing, so nothing can
be missed or read twice through it. The watcher still looks every quarter second without one,
which covers writers that do not notify (CLI commands) and a listener that lost its server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

import psycopg

from intake_service.postgres import NOTIFY_CHANNEL as CHANNEL

log = logging.getLogger("pos_intake")
LISTEN_TIMEOUT_SECONDS = 1.0  # how often the listener looks whether it should stop
RECONNECT_SECONDS = 1.0


class Listener:
    """LISTEN on `CHANNEL` in a daemon thread; each notification sets `wake` on the loop."""

    def __init__(self, url: str, wake: asyncio.Event) -> None:
        self._url = url
        self._wake = wake
        self._loop = asyncio.get_running_loop()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pos-intake-listen", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._notify()  # what was committed while not listening is read now
                    while not self._stopped.is_set():
                        for _ in conn.notifies(timeout=LISTEN_TIMEOUT_SECONDS):
                            self._notify()
            except psycopg.Error as exc:
                log.warning("live log: not listening to PostgreSQL (%s); polling meanwhile", exc)
                self._stopped.wait(RECONNECT_SECONDS)

    def _notify(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: the service is stopping
            self._loop.call_soon_threadsafe(self._wake.set)

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(LISTEN_TIMEOUT_SECONDS + 1)
