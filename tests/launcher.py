"""The service's processes, started from a warm interpreter.

`python -m intake_service` spends about a second of CPU importing Starlette, Jinja, aio-pika, the
OpenID Connect client and the service's own modules before it does anything, and the stories start
the service and the CLI several hundred times: on a 2-core machine that was a third of the suite's
time. So each test worker keeps one fork server (multiprocessing's "forkserver" context) that has
imported them once, and every process a story starts is forked from it and runs the very `main()`
that `pos-intake` runs — its own pid, environment, arguments, output file and port, signals and
exit status as a process started with exec has — without paying for the imports again.

What is about the interpreter's own start still execs a fresh `python -m intake_service`
(`launch(..., fresh=True)`): the first pages' cold template cache, the demo as a person starts it,
the docs' shell examples.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [sys.executable, "-m", "intake_service"]

# What the fork server imports once: everything `pos-intake serve` and the CLI's commands load.
_WARM = [
    "intake_service.cli",
    "intake_service.app",
    "uvicorn",
    "uvloop",
    "httptools",
    "launcher",
    "warm_words",
]
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(_WARM)


def _main(args: list[str], env: dict[str, str], stdout: str, stderr: str) -> None:
    """In the forked child: become `pos-intake ARGS` with `env`, writing to the given files."""
    for fd, path in ((1, stdout), (2, stderr)):
        opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(opened, fd)
        os.close(opened)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    tempfile.tempdir = None  # TMPDIR as this process's environment says
    sys.argv = ["pos-intake", *args]
    _cheap_password_hashes(env)
    from intake_service.cli import main

    try:
        code = main(args)
    finally:
        atexit._run_exitfuncs()  # the child ends with os._exit: flush what exit would flush
        sys.stdout.flush()
        sys.stderr.flush()
    raise SystemExit(code)


# A story that needs the service's own argon2 cost sets this in the process's environment (e.g.
# `@pytest.mark.service_env(TEST_ARGON2="real")`): a burst of guesses racing the lock.
REAL_ARGON2 = "TEST_ARGON2"


def _cheap_password_hashes(env: dict[str, str]) -> None:
    """Argon2id with the least cost it takes, instead of argon2-cffi's defaults (64 MiB, three
    passes, four lanes: a fifth of a second of CPU a hash). The stories add and sign in accounts
    a few hundred times, and on two cores those hashes were a minute of each pass; what they
    test is who may sign in, not how hard a hash is to break. Hashing and checking still go
    through the service's own functions, and a hash holds its own parameters, so a hash made
    either way checks the same."""
    if env.get(REAL_ARGON2) == "real":
        return
    from argon2 import PasswordHasher

    from intake_service.console import accounts

    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


class Launched:
    """A process forked from the worker's fork server, answering as `subprocess.Popen` does
    (`poll`, `wait`, `send_signal`, `terminate`, `kill`, `pid`, `returncode`)."""

    def __init__(self, args: list[str], env: dict[str, str], stdout: Path, stderr: Path) -> None:
        self.args = args
        self._process = _context.Process(
            target=_main, args=(args, env, str(stdout), str(stderr)), daemon=False
        )
        self._process.start()
        self.pid: int = self._process.pid  # type: ignore[assignment]

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(15)

    def kill(self) -> None:
        self.send_signal(9)


def launch(
    args: list[str],
    env: dict[str, str],
    stdout: Path,
    stderr: Path | None = None,
    fresh: bool = False,
) -> Launched | subprocess.Popen:
    """Start `pos-intake ARGS` with exactly `env`, its output appended to `stdout` (and `stderr`,
    else the same file). `fresh`: exec a new interpreter instead of forking a warm one."""
    if fresh:
        with stdout.open("ab") as out:
            if stderr is None:
                return subprocess.Popen(
                    [*CLI, *args], stdout=out, stderr=subprocess.STDOUT, env=env
                )
            with stderr.open("ab") as err:
                return subprocess.Popen([*CLI, *args], stdout=out, stderr=err, env=env)
    return Launched(args, env, stdout, stderr or stdout)


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """`pos-intake ARGS` to its end, its output captured as `subprocess.run` captures it."""
    fd, out_name = tempfile.mkstemp(prefix="cli-out-")
    os.close(fd)
    fd, err_name = tempfile.mkstemp(prefix="cli-err-")
    os.close(fd)
    out, err = Path(out_name), Path(err_name)
    try:
        process = launch(args, env, out, err)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
            raise
        return subprocess.CompletedProcess(
            [*CLI, *args],
            code,
            out.read_text(errors="replace"),
            err.read_text(errors="replace"),
        )
    finally:
        out.unlink(missing_ok=True)
        err.unlink(missing_ok=True)
