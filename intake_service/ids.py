"""Identifiers: UUIDv7 for records (time-ordered, so new rows append to the B-tree) and the
per-organisation human number people read out on the phone (`DEMO-2026-000123`)."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7() -> str:
    """A RFC 9562 version 7 UUID; monotonic within the process even inside one millisecond."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
                ms += 1
                _counter = 0
        else:
            _counter = int.from_bytes(os.urandom(2), "big") & 0x3FF
        _last_ms = ms
        counter = _counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand_b
    return str(uuid.UUID(int=value))


def human_number(slug: str, year: int, sequence: int, node: str = "") -> str:
    """The number a citizen is told: organisation, year, a sequence that restarts each year —
    and, when several intake nodes each count their own sequence, the node's name, so that two
    nodes never hand out the same number."""
    if node:
        return f"{slug.upper()}-{year}-{node.upper()}-{sequence:06d}"
    return f"{slug.upper()}-{year}-{sequence:06d}"
