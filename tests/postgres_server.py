"""A PostgreSQL server of a test's own, which the test may stop and start again: the machine's
server is shared by every other test, so an outage is staged on a private one. Debian's server
binaries, run as the `postgres` user (the server refuses root), data in a fresh folder."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from conftest import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*command: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *command],
        check=True,
        capture_output=True,
        timeout=60,
    )


class OwnPostgres:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pos-test-pg-"))
        shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.port = free_port()
        _as_postgres(str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/pos"

    def start(self) -> OwnPostgres:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        _as_postgres(
            str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
            str(self.folder / "server.log"), "-w", "start",
        )  # fmt: skip
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres") as conn:
            conn.autocommit = True
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'pos'").fetchone():
                conn.execute("CREATE DATABASE pos")
        return self

    def stop(self) -> None:
        """A fast shutdown: open transactions are rolled back, clients disconnected."""
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(BIN / "pg_ctl"), "-D", str(self.data),
             "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)
