"""The worker process: the service's background work beside the web process.

`pos-intake serve` answers requests in one process and does in another what no answer waits
for — the citizens' e-mails rendered and sent, the search index kept, the periods and digests,
retention — so that none of it takes the event loop an appeal's answer waits on (issue 30:
rendering and sending a notice took ~2 ms of the same loop per appeal). `serve --inline`
(POS_WORKER=inline) keeps everything in one process, for tiny installs.

The processes:

    serve (web) ── supervisor ── worker

The supervisor is forked when `serve` starts, before the web process has a thread or an event
loop, so it is a single-threaded copy of the warm interpreter: it does nothing but fork the
worker and fork it again when it dies (kill -9, a crash), after a pause that grows while it
keeps dying. A fork of the warm process costs milliseconds, where starting a fresh interpreter
would cost about a second of CPU importing. The supervisor and the worker each end when the
process above them ends (Linux's parent-death signal, and a look at the parent on every turn),
so a web process killed with -9 leaves no worker sending mail for a service that is gone.

The worker has its own writer on the same store. On SQLite two writers take turns at the
write lock, as a CLI command and the service always have (the writer waits for it with short
pauses, off the loop); the worker's transactions are short — a batch of settled e-mails, a
batch of index rows. Rows for the mail sink are the worker's, every other sink's the web's
(forwarder.py, `handles`): on SQLite the rows being sent are held in the sending process's
memory only, so no row may have two senders. On PostgreSQL rows are claimed with SKIP LOCKED
and a lease in any case.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import time
from dataclasses import dataclass

from intake_service.access_log import LINE_FORMAT
from intake_service.settings import Settings
from intake_service.worker_link import Link, Role

log = logging.getLogger("pos_intake")
RESTART_PAUSE_FIRST = 0.2  # seconds before a dead worker is started again
RESTART_PAUSE_MAX = 10.0  # the pause doubles while the worker keeps dying, up to this
HEALTHY_SECONDS = 30.0  # a worker that lived this long resets the pause
STOP_SECONDS = 15.0  # how long a stopping web process waits for its worker to finish
_PR_SET_PDEATHSIG = 1
WORKER_LINE_FORMAT = LINE_FORMAT.replace("%(name)s", "%(name)s[worker]")


@dataclass
class WorkerHandle:
    """The web process's hold on its worker: the link and the supervisor's pid."""

    supervisor: int
    link: Link

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Ask the supervisor to stop the worker (SIGTERM: the worker finishes the e-mails it
        is sending and settles them) and wait for it, at most `timeout` seconds, then kill."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.supervisor, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(self.supervisor, os.WNOHANG)
            except ChildProcessError:
                return
            if pid:
                return
            time.sleep(0.02)
        log.warning("the worker process did not stop within %g s; killing it", timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.supervisor, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.supervisor, 0)


def start(settings: Settings) -> WorkerHandle:
    """Fork the supervisor, which forks the worker. Call before any thread or event loop
    exists in this process (fork copies only the calling thread)."""
    web_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:  # the supervisor
        code = 1
        try:
            web_end.close()
            code = _supervise(settings, worker_end)
        except BaseException:
            log.exception("the worker's supervisor failed")
        finally:
            os._exit(code)
    worker_end.close()
    return WorkerHandle(pid, Link(web_end))


def _die_with_parent(sig: int) -> None:
    """Have the kernel send `sig` to this process when its parent dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)


def _supervise(settings: Settings, sock: socket.socket) -> int:
    os.setpgid(0, 0)  # its own group: a stuck worker can be killed with it as one
    parent = os.getppid()
    _die_with_parent(signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the web process, which stops us
    stopping = False
    child = 0

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if child:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    if os.getppid() != parent:  # the web process died before the signal was asked for
        return 0
    pause = RESTART_PAUSE_FIRST
    while not stopping:
        started = time.monotonic()
        child = os.fork()
        if child == 0:
            code = 1
            try:
                _die_with_parent(signal.SIGTERM)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                code = _run_worker(settings, sock)
            except BaseException:
                log.exception("the worker process failed")
            finally:
                os._exit(code)
        if stopping:  # SIGTERM came between the fork and knowing the child's pid
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
        _, status = os.waitpid(child, 0)
        child = 0
        if stopping or os.getppid() != parent:
            break
        lived = time.monotonic() - started
        pause = RESTART_PAUSE_FIRST if lived >= HEALTHY_SECONDS else pause
        log.error(
            "the worker process ended (%s); starting it again in %g s",
            _how_it_ended(status),
            pause,
        )
        until = time.monotonic() + pause
        while not stopping and time.monotonic() < until:
            time.sleep(0.05)
        pause = min(pause * 2, RESTART_PAUSE_MAX)
    return 0


def _mark_log_lines() -> None:
    """The worker's log lines say they are the worker's (`pos_intake[worker]: …`): both
    processes write to the same stream, and a line such as "the store refuses to record
    delivery outcomes" may come from either, each about the rows it sends."""
    for handler in logging.getLogger("pos_intake").handlers:
        handler.setFormatter(logging.Formatter(WORKER_LINE_FORMAT))


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"killed by {signal.Signals(sig).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _run_worker(settings: Settings, sock: socket.socket) -> int:
    """The worker's life: the service's lifespan in the WORKER role until SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _mark_log_lines()
    with contextlib.suppress(OSError):  # intake goes first on a shared core (POS_WORKER_NICE)
        os.nice(settings.worker_nice)
    try:
        import uvloop
    except ImportError:
        return asyncio.run(_work(settings, sock))
    return uvloop.run(_work(settings, sock))


async def _work(settings: Settings, sock: socket.socket) -> int:
    from intake_service.app import create_app  # the web's own app, its lifespan in WORKER role

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    app = create_app(settings, role=Role.WORKER, link=Link(sock))
    async with app.router.lifespan_context(app):
        log.info("worker process %d: e-mails, search index, periods and retention", os.getpid())
        await stop.wait()
    log.info("worker process %d stopped", os.getpid())
    return 0
