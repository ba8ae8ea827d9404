"""An operator follows the intake log in the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import uuid

import httpx
import pytest

from conftest import CLI, appeal, bearer, make_org, run_cli

# One server and store for the module (tests/conftest.py, `module_service`), without rate
# limits: the tail shows the latest events first, so a story looks for the lines of its own
# appeal and request, not for whatever line comes.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0", POS_RATE_LIMIT_ORG="0"
)


class Follower:
    """`pos-intake log tail --follow` running, its output collected line by line."""

    def __init__(self, db, *args: str) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [*CLI, "log", "tail", "--follow", "--db", str(db), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=os.environ.copy(),
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if text in line:
                    return line
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear; the tail showed: {self.lines}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)
        self.reader.join(5)
        assert self.process.stdout is not None
        self.process.stdout.close()


def test_follow_shows_a_new_appeal_and_a_rejection_as_they_happen(service, org):
    tail = Follower(service.db)
    try:
        time.sleep(0.5)
        created = httpx.post(
            service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=5
        ).json()
        line = tail.wait_for(created["number"])
        assert "accepted" in line and "demo" in line and "category=street_lighting" in line

        request_id = f"tail-{uuid.uuid4().hex}"
        httpx.post(
            service.url + "/api/v1/appeals",
            json=appeal(consent=False),
            headers={**bearer(org.key), "X-Request-ID": request_id},
            timeout=5,
        )
        rejected = tail.wait_for(f"request={request_id}")
        assert (
            "rejected" in rejected
            and "consent:consent" in rejected
            and "from=127.0.0.1" in rejected
        )
    finally:
        tail.stop()


def test_follow_of_one_organisation_shows_only_its_events(service, org, db):
    other = make_org(db, "other", "https://other.example.ru")
    tail = Follower(db, "--org", "other", "--json")
    try:
        time.sleep(0.5)
        httpx.post(
            service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=5
        )
        theirs = httpx.post(
            service.url + "/api/v1/appeals", json=appeal(), headers=bearer(other.key), timeout=5
        ).json()
        line = tail.wait_for(theirs["number"])
        assert json.loads(line)["org"] == "other"
        time.sleep(0.5)
        assert all(json.loads(seen)["org"] == "other" for seen in tail.lines)
    finally:
        tail.stop()


def test_tail_without_follow_prints_the_latest_events_and_no_personal_data(service, org):
    created = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=5
    ).json()
    out = run_cli(service.db, "log", "tail").stdout
    # the types of its appeal's lines (the citizen's e-mail may have been sent already)
    assert "accepted" in [line.split()[2] for line in out.splitlines() if created["number"] in line]
    assert "ivan@example.ru" not in out and "Иван" not in out and "фонарь" not in out


def test_tail_of_an_unknown_organisation_says_so(db, org):
    result = run_cli(db, "log", "tail", "--org", "nope", check=False)
    assert result.returncode == 1
    assert "no organisation 'nope'" in result.stderr
