"""Identifiers: UUIDv7 for records (time-ordered, so new rows append to the B-tree) and the
per-organisation human number people read out on the phone (`DEMO-2026-000123`)."""

from __future__ import annotations

import os
import re
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0

# Random bytes from the kernel's CSPRNG, fetched a page at a time: on virtual machines each
# getrandom() is a costly exit (about 90 µs measured here), and intake needs ~12 bytes per
# request. The bytes are the same quality; a fork would share them, so the pool is refilled
# in a child (os.register_at_fork).
_POOL_SIZE = 4096
_pool = b""
_pool_at = 0


def random_bytes(n: int) -> bytes:
    """`n` bytes from os.urandom, drawn from a pool filled a page at a time."""
    with _lock:
        return random_bytes_unlocked(n)


def random_bytes_unlocked(n: int) -> bytes:
    """`random_bytes` for a caller that holds `_lock` already."""
    global _pool, _pool_at
    if _pool_at + n > len(_pool):
        _pool, _pool_at = os.urandom(max(_POOL_SIZE, n)), 0
    taken = _pool[_pool_at : _pool_at + n]
    _pool_at += n
    return taken


def _forget_pool() -> None:
    global _pool, _pool_at
    _pool, _pool_at = b"", 0


os.register_at_fork(after_in_child=_forget_pool)


def request_id() -> str:
    """16 hex digits naming one request in the logs."""
    return random_bytes(8).hex()


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
            _counter = int.from_bytes(random_bytes_unlocked(2), "big") & 0x3FF
        _last_ms = ms
        counter = _counter
        rand_b = int.from_bytes(random_bytes_unlocked(8), "big") & ((1 << 62) - 1)
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


# ASCII digits within the 64-bit integers both engines store: `str.isdigit` also takes "²",
# on which int() fails, and a number past 2**63 was a 500 (SQLite refuses to bind it,
# PostgreSQL's BIGINT to compare with it).
WHOLE_NUMBER = "[0-9]{1,18}"  # also the path type of a row's number (api/requests.py)
_WHOLE = re.compile(WHOLE_NUMBER)


def whole_number(raw: str) -> int | None:
    """The number `raw` spells in ASCII digits within a 64-bit integer, or None: a row's id
    sent back by a client (a log cursor, a stream's Last-Event-ID), a Content-Length."""
    return int(raw) if _WHOLE.fullmatch(raw) else None
