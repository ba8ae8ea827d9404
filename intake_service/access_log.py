"""The access log, written in batches.

One line per request, with the same information and the same layout as the log's other lines
("INFO      pos_intake.access: …"), but not one `write` per request: on a virtual machine each
write to stderr is a costly exit (about 170 µs measured here, a tenth of a durable appeal's
budget). Lines are gathered and written together at most a fifth of a second later — or at
once when many are waiting, and when the service stops — so a person tailing the log sees a
request within 200 ms, and a busy server pays one write per few hundred requests.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import sys
import threading
from typing import TextIO

DELAY = 0.2
MAX_LINES = 512
# the layout of every line the service logs (cli/serve_cmd.py configures it for the others)
LINE_FORMAT = "%(levelname)-9s %(name)s: %(message)s"
logger = logging.getLogger("pos_intake.access")
_PREFIX = LINE_FORMAT % {"levelname": "INFO", "name": logger.name, "message": ""}


class AccessLog:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._scheduled = False

    @property
    def enabled(self) -> bool:
        return logger.isEnabledFor(logging.INFO)

    def add(self, message: str) -> None:
        with self._lock:
            self._lines.append(f"{_PREFIX}{message}\n")
            count = len(self._lines)
        if count >= MAX_LINES:
            self.flush()
        elif not self._scheduled:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not on a loop: write at once
                self.flush()
                return
            self._scheduled = True
            loop.call_later(DELAY, self.flush)

    def flush(self) -> None:
        with self._lock:
            lines, self._lines = self._lines, []
            self._scheduled = False
        if lines:
            stream = self._stream or sys.stderr
            try:
                stream.write("".join(lines))
                stream.flush()
            except (OSError, ValueError):  # stderr closed at exit: nothing more to say
                pass


access_log = AccessLog()
atexit.register(access_log.flush)
