"""The service and the CLI as the stories run them: `pos-intake serve` on a free port of its own,
`pos-intake demo` with its example pages, and `pos-intake COMMAND` run to its end — each a process
of its own (forked from the worker's warm interpreter, launcher.py)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import launcher
from stores import engine_env

from intake_service.directory import CHECK_INTERVAL

CLI = launcher.CLI
START_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(
    db: Path | str, *args: str, check: bool = True, **env: str
) -> subprocess.CompletedProcess:
    result = launcher.run([*args, "--db", str(db)], {**os.environ, **engine_env(db), **env})
    if check and result.returncode != 0:
        raise AssertionError(
            f"pos-intake {' '.join(args)} exited {result.returncode}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
    # A running service sees a change made by the CLI within CHECK_INTERVAL (docs/nodes.md,
    # "several processes"); after a command that changes something, the test acts after that, as
    # a person at the terminal would. A command that only reads changes nothing to wait for.
    if not reads_only(args):
        time.sleep(CHECK_INTERVAL)
    return result


READING_COMMANDS = {
    ("log",),
    ("queue", "show"),
    ("queue", "stats"),
    ("org", "list"),
    ("org", "show"),
    ("org", "snippet"),
    ("org", "snippets"),
    ("org", "export"),
    ("user", "list"),
    ("queue", "dead"),
}


def reads_only(args: tuple[str, ...]) -> bool:
    """Whether `pos-intake ARGS` only reads the store (the log, listings, a snippet)."""
    return args[:1] in READING_COMMANDS or args[:2] in READING_COMMANDS


@dataclass
class Service:
    """A running `pos-intake serve` process."""

    db: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: launcher.Launched | subprocess.Popen | None = None
    log_path: Path | None = None
    fresh: bool = False  # exec a new interpreter rather than fork the warm one (launcher.py)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Service:
        if self.log_path is None:  # a story may put it elsewhere (not on the disk it fills)
            self.log_path = self.db.with_suffix(f".{self.port}.log")
        env = {**os.environ, **engine_env(self.db), **self.env}
        if env.get("POS_SMTP_HOST"):  # a service sending mail must know its URL (serve_cmd.py)
            env.setdefault("POS_BASE_URL", self.url)
        self.process = launcher.launch(
            ["serve", "--db", str(self.db), "--port", str(self.port)],
            env,
            self.log_path,
            fresh=self.fresh,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the service exited at start:\n{self.log()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"the service did not answer in {START_TIMEOUT} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush — what a power cut looks like to the process."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> Service:
        self.stop()
        return self.start()


@dataclass
class DemoSite:
    """`pos-intake demo` running: the service, the example host pages on a second port, a key."""

    db: Path
    service: str
    examples: str
    key: str
    process: launcher.Launched | subprocess.Popen
    console_admin: str = ""  # the demo organisation's console admin, as the demo printed it
    console_password: str = ""


def start_demo(tmp: Path, fresh: bool = False, **env: str) -> DemoSite:
    port, examples_port = free_port(), free_port()
    db = tmp / "demo.db"
    out_path = tmp / "demo.out"
    process = launcher.launch(
        ["demo", "--db", str(db), "--port", str(port)],
        # The session's one demo site takes every browser story's appeals from 127.0.0.1:
        # more than one citizen's address may file a minute (tests/test_form_checks.py
        # tests that limit itself).
        {
            **os.environ,
            "POS_EXAMPLES_PORT": str(examples_port),
            "POS_RATE_LIMIT_SENDER": "0",
            **env,
        },
        out_path,
        fresh=fresh,
    )
    service, examples = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{examples_port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"demo exited:\n{out_path.read_text()}")
        try:
            if (
                httpx.get(service + "/readyz", timeout=1).status_code == 200
                and httpx.get(examples + "/", timeout=1).status_code == 200
            ):
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        raise AssertionError(f"demo did not start:\n{out_path.read_text()}")
    printed = out_path.read_text()
    key = next(line.split()[-1] for line in printed.splitlines() if line.startswith("API key"))
    admin = re.search(r"sign in as (\S+) with (\S+)", printed)
    return DemoSite(db, service, examples, key, process, admin.group(1), admin.group(2))


def stop_demo(site: DemoSite) -> None:
    """Ctrl-C, as a person stops the demo; killed if it does not end."""
    site.process.send_signal(signal.SIGINT)
    try:
        site.process.wait(15)
    except subprocess.TimeoutExpired:
        site.process.kill()
        site.process.wait(5)
