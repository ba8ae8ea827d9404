"""The store's one error, below both engines: `store.py` raises it for SQLite, `postgres/` for
PostgreSQL, and the CLI prints it as one line.

It lives in a module of its own so that PostgreSQL's migration does not import `store.py`,
which calls it: the two importing each other was one of the import cycles issue 24 broke
(pyproject.toml, [tool.importlinter], keeps it broken).
"""

from __future__ import annotations

from collections.abc import Container, Iterable


class StoreError(RuntimeError):
    """The database cannot be opened or brought up to date; the message says which file and why."""


def refuse_newer(done: Iterable[int], known: Container[int]) -> None:
    """Leave alone a database a newer pos-intake migrated: its migrations this version does
    not know may have changed what this version would read or write."""
    if newer := [n for n in done if n not in known]:
        raise StoreError(
            f"the database has migration {max(newer)}, newer than this version of pos-intake knows"
        )
