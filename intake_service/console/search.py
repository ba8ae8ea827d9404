"""Full-text search over appeals' text and address: Snowball stems in an FTS5 table.

SQLite has no Snowball tokenizer, and a tokenizer written in Python would have to be loaded into
every connection (the CLI's, the readers', a second storage engine's). So the words are stemmed
here, in Python (`snowballstemmer`: Russian for Cyrillic words, English for Latin ones), and the
FTS5 table `appeal_search` (migration 7) holds the stems (on PostgreSQL a plain table of the same
rows with a GIN index over their words, postgres/schema.py) — "фонари" and "фонарь" are both
"фонар" there — under FTS5's plain unicode61 tokenizer. A query is stemmed the same way. Its
`orgs` column holds one token per appeal, `o<target org id>`, so that the visibility filter runs
inside the full-text index rather than after it.

Indexing never runs on intake's path: `keep_indexed` is a background task that picks up the
appeals past the last indexed `seq` (kept in `meta`), reads and stems them on a reader thread,
and writes a few hundred rows per writer operation, pausing between batches so that intake's
writes go first. At the first start it works through every existing appeal the same way.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import sqlite3
import threading
from collections.abc import Iterable

import snowballstemmer

from intake_service.console.reads import ReaderPool
from intake_service.dialect import is_sqlite, lock_name
from intake_service.erasure import also_erase
from intake_service.events import SHARED_LOOKBACK_IDS
from intake_service.store import log_failure
from intake_service.writer import Writer, WriterStopped

log = logging.getLogger("pos_intake")

INDEXED_KEY = "search_indexed_seq"
BATCH = 300
PAUSE_BETWEEN_BATCHES = 0.02  # the writer takes intake's operations in between
IDLE_POLL = 0.5  # a new appeal is searchable within about this long
MAX_TERMS = 12

_WORD = re.compile(r"[^\W_]+")  # letters and digits: what FTS5 unicode61 keeps as one token
_CYRILLIC = re.compile(r"[а-я]")
_STEMMERS = threading.local()  # a stemmer keeps state while it works: one per thread


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """One lower-case word's stem. Cached: the pure-Python stemmers cost tens of microseconds a
    word, and appeals repeat a small vocabulary (measured: indexing ~10x faster)."""
    language = "russian" if _CYRILLIC.search(word) else "english"
    stemmer = getattr(_STEMMERS, language, None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer(language)
        setattr(_STEMMERS, language, stemmer)
    return stemmer.stemWord(word)


def _letter_or_digit(char: str) -> bool:
    return char.isalpha() or char.isdecimal()


def words(text: str) -> list[str]:
    """A text's words: runs of letters and decimal digits. Other characters Python counts as
    alphanumeric (`²`, `⁰`, `½`, `Ⅻ`) separate words: PostgreSQL's parser drops them, so a word
    made of them would vanish from a query there — and a query left with no word at all
    matched every appeal of the organisation — while FTS5 kept it (and found nothing). Kept
    out of both the index and the query, they mean the same on both engines."""
    found: list[str] = []
    for word in _WORD.findall(text):
        if word.isalpha() or word.isdecimal() or all(map(_letter_or_digit, word)):
            found.append(word)
        else:
            found.extend("".join(c if _letter_or_digit(c) else " " for c in word).split())
    return found


def stems(text: str) -> list[str]:
    """The stems of a text's words, in order: Russian words by the Russian stemmer, the rest
    (Latin words, numbers) by the English one. `ё` counts as `е`, as people type it."""
    return [stem(word) for word in words(text.lower().replace("ё", "е"))]


def indexed_body(text: str, address: str | None) -> str:
    return " ".join(stems(text + " " + (address or "")))


def org_token(org_id: int) -> str:
    return f"o{org_id}"


def match_expression(query: str, org_ids: Iterable[int] | None) -> str | None:
    """The FTS5 MATCH expression of a person's query: every stem must occur (AND), each quoted so
    that nothing typed is read as FTS syntax; limited to the orgs' tokens (None: every org).
    None when the query holds no word at all."""
    terms = list(dict.fromkeys(stems(query)))[:MAX_TERMS]
    if not terms:
        return None
    body = " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)
    expression = f"body : ({body})"
    if org_ids is not None:
        ids = sorted(org_ids)
        if not ids:
            return None
        orgs = " OR ".join(org_token(org_id) for org_id in ids)
        expression = f"orgs : ({orgs}) AND {expression}"
    return expression


def tsquery_expression(query: str, org_ids: Iterable[int] | None) -> str | None:
    """The same query for PostgreSQL's `to_tsquery('simple', …)` over the search rows' words
    (the stems are letters and digits only, so quoting them is all the escaping they need)."""
    terms = list(dict.fromkeys(stems(query)))[:MAX_TERMS]
    if not terms:
        return None
    expression = " & ".join(f"'{term}'" for term in terms)
    if org_ids is not None:
        ids = sorted(org_ids)
        if not ids:
            return None
        expression = "(" + " | ".join(org_token(i) for i in ids) + ") & " + expression
    return expression


SIGNIFICANT_LETTERS = 4  # shorter words (prepositions, "дом", "нет") say little of a text
MAX_SIGNIFICANT = 16


def significant_stems(text: str) -> list[str]:
    """The distinct stems of a text's words of at least four letters (digits do not count),
    in the order they first occur, at most `MAX_SIGNIFICANT`: what the similar appeals' text
    match asks the index for (console/similar.py)."""
    found = [
        word
        for word in words(text.lower().replace("ё", "е"))
        if word.isalpha() and len(word) >= SIGNIFICANT_LETTERS
    ]
    return list(dict.fromkeys(stem(word) for word in found))[:MAX_SIGNIFICANT]


def any_term_expression(terms: list[str], org_id: int, *, sqlite: bool) -> str | None:
    """The index query for appeals of one organisation holding any of `terms` (stems): FTS5's
    MATCH syntax with each stem quoted, or PostgreSQL's `to_tsquery('simple', …)` with each
    quoted (stems are letters and digits only). None without a term."""
    if not terms:
        return None
    if sqlite:
        body = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
        return f"orgs : ({org_token(org_id)}) AND body : ({body})"
    quoted = " | ".join("'" + term.replace("'", "''") + "'" for term in terms)
    return f"{org_token(org_id)} & ({quoted})"


def text_matches(query: str, text: str, address: str | None) -> bool:
    """The same test as the index makes, on one appeal in memory (the live tail checks a new
    appeal with it before the indexer has reached it)."""
    wanted = set(stems(query))
    return bool(wanted) and wanted <= set(stems(text + " " + (address or "")))


# --- the index -----------------------------------------------------------------------------


def indexed_up_to(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (INDEXED_KEY,)).fetchone()
    return int(row[0]) if row else 0


def pending_rows(conn: sqlite3.Connection, limit: int = BATCH) -> list[tuple[int, str, str]]:
    """The next appeals to index, stemmed: (seq, orgs, body). Runs on a reader thread."""
    after, stragglers = indexed_up_to(conn), ""
    if not is_sqlite(conn):  # other nodes' appeals become visible out of seq order: look back
        after -= SHARED_LOOKBACK_IDS
        stragglers = "AND NOT EXISTS (SELECT 1 FROM appeal_search s WHERE s.seq = a.seq) "
    rows = conn.execute(
        f"SELECT seq, target_org_id, text, address FROM appeals a WHERE seq > ? {stragglers}"
        "ORDER BY seq LIMIT ?",
        (after, limit),
    ).fetchall()
    return [
        (seq, org_token(org_id), indexed_body(text, address)) for seq, org_id, text, address in rows
    ]


def store_rows_op(rows: list[tuple[int, str, str]]):
    """A writer operation adding the stemmed rows and moving the mark past them. Rows at or
    below the mark are skipped, so two nodes indexing one database never add a row twice.
    Each row's organisation token is read again here: an appeal forwarded between the reader's
    look and this write is indexed under its new target, not the one it left."""

    def op(conn: sqlite3.Connection) -> int:
        nonlocal rows
        if rows:
            marks = ",".join("?" * len(rows))
            targets = dict(
                conn.execute(
                    f"SELECT seq, target_org_id FROM appeals WHERE seq IN ({marks})",
                    [row[0] for row in rows],
                ).fetchall()
            )
            rows = [
                (seq, org_token(targets[seq]) if seq in targets else orgs, body)
                for seq, orgs, body in rows
            ]
        if is_sqlite(conn):
            mark = indexed_up_to(conn)
            fresh = [row for row in rows if row[0] > mark]
            sql = "INSERT INTO appeal_search (rowid, orgs, body) VALUES (?, ?, ?)"
        else:  # stragglers lie below the mark; a row another node added meanwhile is kept
            lock_name(conn, INDEXED_KEY)
            mark = indexed_up_to(conn)
            fresh = list(rows)
            sql = "INSERT INTO appeal_search (seq, orgs, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
        if not fresh:
            return 0
        conn.executemany(sql, fresh)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (INDEXED_KEY, str(max(mark, fresh[-1][0]))),
        )
        return len(fresh)

    return op


def move_indexed(conn: sqlite3.Connection, appeal_id: str, old: int, new: int) -> None:
    """Inside a forward's transaction: the appeal's organisation token becomes its new
    target's, so that the new organisation finds it by search at once and the old one no
    longer does. An appeal the indexer has not reached yet is left to it (it reads the target
    when it writes). SQLite's table is contentless: a row is taken out by FTS5's `delete`
    command with the values it was indexed with — the stems of the appeal's text and address,
    which never change, made by the same `indexed_body` — and added again with the new token."""
    appeal = conn.execute(
        "SELECT seq, text, address FROM appeals WHERE id = ?", (appeal_id,)
    ).fetchone()
    seq = appeal["seq"]
    if not is_sqlite(conn):
        conn.execute("UPDATE appeal_search SET orgs = ? WHERE seq = ?", (org_token(new), seq))
        return
    if seq > indexed_up_to(conn):
        return
    body = indexed_body(appeal["text"], appeal["address"])
    conn.execute(
        "INSERT INTO appeal_search (appeal_search, rowid, orgs, body) VALUES ('delete', ?, ?, ?)",
        (seq, org_token(old), body),
    )
    conn.execute(
        "INSERT INTO appeal_search (rowid, orgs, body) VALUES (?, ?, ?)",
        (seq, org_token(new), body),
    )


async def index_once(reads: ReaderPool, writer: Writer) -> int:
    """Index the next batch; how many appeals it added."""
    rows = await reads.run(pending_rows)
    if not rows:
        return 0
    return await writer.submit(store_rows_op(rows))


async def keep_indexed(reads: ReaderPool, writer: Writer) -> None:
    """The background indexer: batches back to back (with a pause) while there is a backlog,
    then a look every `IDLE_POLL` seconds."""
    while True:
        try:
            added = await index_once(reads, writer)
        except WriterStopped:
            return
        except Exception:  # any failure: log it and try again, never let search stop for good
            log_failure("search index: a batch failed; trying again")
            added = 0
        await asyncio.sleep(PAUSE_BETWEEN_BATCHES if added else IDLE_POLL)


@also_erase
def unindex(conn: sqlite3.Connection, appeal: sqlite3.Row) -> None:
    """An erased appeal's stems out of the index (erasure.py), inside the erasure's transaction.
    SQLite's table is contentless: a row leaves by FTS5's `delete` command with the values it
    was indexed with, as in `move_indexed`; one the indexer has not reached yet it will index
    blank. (SQLite before 3.42 has no FTS5 `secure-delete`: the deleted stems may stay in the
    index's segments until FTS5 merges them — docs/data.md.)"""
    seq = appeal["seq"]
    if not is_sqlite(conn):
        conn.execute("DELETE FROM appeal_search WHERE seq = ?", (seq,))
        return
    if seq > indexed_up_to(conn):
        return
    conn.execute(
        "INSERT INTO appeal_search (appeal_search, rowid, orgs, body) VALUES ('delete', ?, ?, ?)",
        (seq, org_token(appeal["target_org_id"]), indexed_body(appeal["text"], appeal["address"])),
    )
