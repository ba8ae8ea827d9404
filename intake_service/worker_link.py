"""What the web process and its worker process say to each other, and which of the two a
process is (`Role`).

One UNIX socket pair of the SOCK_SEQPACKET kind joins them (worker.py makes it before either
starts an event loop): each send arrives as one message, whole, so no framing is needed. Two
kinds of message travel on it:

- a poke, one byte 0x01: "I wrote rows you deliver, look now" — the web process after an
  appeal whose citizen gets an e-mail, the worker after rows for the web's sinks (an erased
  appeal's message). Without pokes each side still looks once a second; with them an e-mail
  leaves within milliseconds of its appeal's answer.
- a report, one JSON object: the worker tells the web process how the mail sink is doing and how many e-mails it settled
  since the last report, because /readyz and /metrics are answered by the web process.

Nothing on the link is needed for correctness: every row is in the store, and a lost poke or
report costs at most a second's delay or a stale health figure. So a full socket buffer drops
the byte instead of blocking a loop, and a dead peer is only noticed, never waited for.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
import socket
from collections.abc import Callable
from typing import Any

log = logging.getLogger("pos_intake")
POKE = b"\x01"
MAX_MESSAGE = 64 * 1024  # a report is a few hundred bytes


class Role(enum.Enum):
    """What a process of the service does.

    INLINE: everything, one process (`serve --inline`, POS_WORKER=inline; the tests' in-process
    runs). WEB: answers requests and forwards appeals to their sinks (that is paced with intake
    and refuses appeals when the outbox is full, so it stays beside intake); the rest goes to
    its worker. WORKER: no HTTP — the citizens' e-mails, the search index, the periods and
    digests, retention."""

    INLINE = "inline"
    WEB = "web"
    WORKER = "worker"

    @property
    def runs_background(self) -> bool:
        """Runs the work that no request waits for (e-mails, index, periods, retention)."""
        return self is not Role.WEB

    @property
    def serves(self) -> bool:
        """Answers HTTP requests, and runs the upkeep that goes with them."""
        return self is not Role.WORKER


class Link:
    """One end of the socket pair, on the event loop of its process."""

    def __init__(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        self._sock = sock
        self._attached: asyncio.AbstractEventLoop | None = None

    def attach(
        self, on_poke: Callable[[], None], on_report: Callable[[dict[str, Any]], None]
    ) -> None:
        """Call `on_poke()` once per read that carried pokes and `on_report(data)` for each
        report line, from the running loop."""
        loop = asyncio.get_running_loop()
        self._attached = loop

        def readable() -> None:
            poked = False
            for _ in range(1024):  # what is waiting now; the loop comes back for the rest
                try:
                    message = self._sock.recv(MAX_MESSAGE)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    message = b""
                if not message:  # the other process is gone (a dead worker is started again)
                    loop.remove_reader(self._sock.fileno())
                    break
                if message == POKE:
                    poked = True
                    continue
                try:
                    on_report(json.loads(message))
                except Exception:
                    log.exception("worker link: a report could not be read; ignored")
            if poked:
                on_poke()

        loop.add_reader(self._sock.fileno(), readable)

    def detach(self) -> None:
        if self._attached is not None:
            with contextlib.suppress(Exception):
                self._attached.remove_reader(self._sock.fileno())
            self._attached = None

    def poke(self) -> None:
        """Ask the other process to look at the outbox now. Never blocks: with the buffer full,
        pokes are waiting there already."""
        with contextlib.suppress(BlockingIOError, InterruptedError, OSError):
            self._sock.send(POKE)

    def report(self, data: dict[str, Any]) -> None:
        """Send one report (the worker's mail health and counts). Dropped when the buffer is
        full: the next report carries the news."""
        message = json.dumps(data, separators=(",", ":")).encode()
        with contextlib.suppress(BlockingIOError, InterruptedError, OSError):
            self._sock.send(message)
