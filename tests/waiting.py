"""Waiting for a condition, never for a fixed time: the stories run on a loaded 2-core machine as
on a fast one, so each waits for what it needs to see, up to a timeout that names it."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(check: Callable[[], object], timeout: float = 30, what: str = "condition") -> None:
    """Until `check()` is true, looking every 50 ms; an AssertionError naming `what` after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what} ({timeout:g} s)")
