"""`pos-intake serve` answers in one process and sends the citizens' e-mails from a worker process
beside it: an appeal's answer never waits for its e-mail, a dead worker is started again and
sends what waited, and no worker outlives its service. `--inline` keeps one process."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
from pathlib import Path

import httpx
import pytest
from waiting import wait_until

from conftest import Service, appeal, bearer, events, make_org


def _soon(look, timeout: float, what: str):
    """What `look()` returns once it returns something, looking every 50 ms."""
    found = []
    wait_until(lambda: found.append(look()) or found[-1], timeout=timeout, what=what)
    return found[-1]


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may hold spaces and brackets: split after the last ")"
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":  # a zombie is dead, waiting to be reaped
            found.append(int(entry.name))
    return found


def _worker_of(service: Service, not_: int = 0) -> tuple[int, int]:
    """(supervisor, worker) under the service's web process, once both run (a worker other
    than `not_`: one killed a moment ago)."""
    assert service.process is not None
    web = service.process.pid

    def both() -> tuple[int, int] | None:
        supervisors = _children(web)
        if len(supervisors) != 1:
            return None
        workers = [pid for pid in _children(supervisors[0]) if pid != not_]
        return (supervisors[0], workers[0]) if len(workers) == 1 else None

    return _soon(both, timeout=20, what="the supervisor and the worker process")


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _file(service: Service, key: str, email: str) -> dict:
    reply = httpx.post(
        service.url + "/api/v1/appeals",
        json=appeal(contact={"name": "Анна", "email": email}),
        headers=bearer(key),
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_the_worker_sends_the_mail_and_the_service_still_reports_it(db, tmp_path):
    """The e-mail is written by the worker process (a Maildir file's name carries the pid of
    the process that wrote it), and the web process's /readyz and /metrics still say how mail
    is doing."""
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    maildir = tmp_path / "mail"
    service = Service(db, env={"POS_MAILDIR": str(maildir)}).start()
    try:
        _, worker = _worker_of(service)
        filed = [_file(service, org.key, f"z{i}z@example.ru") for i in range(2)]
        names = _soon(
            lambda: (
                sorted(p.name for p in (maildir / "new").glob("*"))
                if len(list((maildir / "new").glob("*"))) == 2
                else None
            ),
            timeout=15,
            what="two e-mails in the Maildir",
        )
        assert all(re.search(rf"P{worker}Q", name) for name in names), (worker, names)
        subjects = " ".join(
            str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"])
            for p in (maildir / "new").glob("*")
        )
        assert all(one["number"] in subjects for one in filed), subjects
        # the worker's count reaches the web process's /metrics with its next report
        wait_until(
            lambda: (
                'pos_deliveries_total{sink="mail",outcome="notified"} 2'
                in httpx.get(service.url + "/metrics", timeout=5).text
            ),
            timeout=10,
            what="two e-mails counted in /metrics",
        )
        wait_until(  # the backlog is recounted once a second
            lambda: (
                httpx.get(service.url + "/readyz", timeout=5).json()
                == {
                    "status": "ready",
                    "checks": {"writer": "ok", "database": "writable", "sinks": "ok", "mail": "ok"},
                    "outbox_backlog": 0,
                    "mail_backlog": 0,
                }
            ),
            timeout=10,
            what="/readyz to say mail is ok with nothing waiting",
        )
    finally:
        service.stop()
    assert re.search(r"pos_intake\[worker\]: worker process \d+ stopped", service.log())


def test_a_killed_worker_is_started_again_and_sends_what_waited(tmp_path, mail_server):
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    service = Service(db, env=mail_server.env).start()
    try:
        supervisor, worker = _worker_of(service)
        os.kill(worker, signal.SIGKILL)
        filed = [_file(service, org.key, f"z{i}z@example.ru") for i in range(5)]
        _worker_of(service, not_=worker)  # a new one, started by the supervisor
        for i, one in enumerate(filed):
            [mail] = mail_server.wait_for(f"z{i}z@example.ru")
            assert one["number"] in mail["Subject"]
        assert "the worker process ended (killed by SIGKILL); starting it again" in service.log()
        assert _children(service.process.pid) == [supervisor]
    finally:
        service.stop()


def test_no_worker_outlives_its_service_and_no_email_is_lost_or_doubled(tmp_path, mail_server):
    """kill -9 of the web process right after an appeal: the worker ends with it (told to
    stop, it settles the e-mail it is sending); the e-mail is sent once, before the kill or by
    the next start."""
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    service = Service(db, env=mail_server.env).start()
    supervisor, worker = _worker_of(service)
    filed = _file(service, org.key, "anna@example.ru")
    service.kill()
    wait_until(
        lambda: not _alive(supervisor) and not _alive(worker),
        timeout=10,
        what="the supervisor and the worker to end with their service",
    )
    service.start()
    try:
        [mail] = mail_server.wait_for("anna@example.ru")
        assert filed["number"] in mail["Subject"]
        wait_until(
            lambda: httpx.get(service.url + "/readyz", timeout=5).json()["mail_backlog"] == 0,
            timeout=10,
            what="no e-mail waiting",
        )
        assert len(mail_server.to("anna@example.ru")) == 1
    finally:
        service.stop()


@pytest.mark.parametrize(
    "victims",
    [
        pytest.param(
            "worker",
            marks=pytest.mark.same_on_every_engine(
                "the worker's restart is the engine's business nowhere; PostgreSQL's leases of a "
                "killed sender: the `both` story"
            ),
        ),
        "both",
    ],
)
def test_kill_9_under_load_loses_no_appeal_and_no_email(db, mail_server, victims):
    """Appeals filed without a pause while the worker (or the worker and the web process
    together) is killed with -9: every acknowledged appeal is stored and its citizen gets the
    e-mail; one sent twice is possible only for a batch the SMTP server had taken when the
    worker died (docs/notices.md, «Once»), never more. On PostgreSQL the rows a killed
    worker had claimed are sent when their lease ends (10 s)."""
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    service = Service(db, env=mail_server.env).start()
    acknowledged: list[str] = []
    try:
        worker = 0
        for _cycle in range(2):
            _, worker = _worker_of(service, not_=worker)
            with httpx.Client(base_url=service.url, headers=bearer(org.key)) as client:
                for i in range(30):
                    if i == 15:
                        os.kill(worker, signal.SIGKILL)
                        if victims == "both":
                            service.kill()
                            break
                    n = len(acknowledged)
                    address = f"z{n}z@example.ru"  # no address a part of another
                    body = appeal(contact={"name": "Анна", "email": address})
                    reply = client.post("/api/v1/appeals", json=body)
                    assert reply.status_code == 201, reply.text
                    acknowledged.append(address)
            if victims == "both":
                service.start()
        stored = [e for e in events(db) if e["type"] == "accepted"]
        assert len(stored) == len(acknowledged)
        for address in acknowledged:
            mail_server.wait_for(address, timeout=40)
        twice = [a for a in acknowledged if len(mail_server.to(a)) > 1]
        assert len(twice) <= 2 * 16, twice  # at most the batch in flight at each kill
    finally:
        service.stop()


def test_inline_is_one_process_that_sends_its_own_mail(tmp_path):
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    maildir = tmp_path / "mail"
    service = Service(db, env={"POS_WORKER": "inline", "POS_MAILDIR": str(maildir)}).start()
    try:
        filed = _file(service, org.key, "anna@example.ru")
        [name] = _soon(
            lambda: [p.name for p in (maildir / "new").glob("*")] or None,
            timeout=10,
            what="the e-mail in the Maildir",
        )
        assert filed["number"]
        # the Maildir's file name carries the pid of the process that wrote it
        assert re.search(rf"P{service.process.pid}Q", name), name
        assert _children(service.process.pid) == []
    finally:
        service.stop()
