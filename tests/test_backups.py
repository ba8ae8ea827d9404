"""An operator backs up the live store while citizens file appeals, restores it elsewhere and
follows the old tracking links there; the service takes backups on a schedule, keeps the
newest few and says how old the last good one is; bad destinations and bad backups are
refused with a clear message and nothing left behind."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest
from waiting import wait_until

from conftest import PostgresDatabase, Service, appeal, bearer, run_cli

NO_LIMITS = {"POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0"}
KEY = "a key kept in the deployment's settings"


@pytest.mark.sqlite_only("the database's copy is SQLite's; on PostgreSQL pg_dump takes it")
# the key set by POS_SECRET_KEY, so not in the store: the tracking links work on the restored
# store (started without it) only if the backup carried the key; the operator's backup runs
# with the deployment's settings
@pytest.mark.service_env(**NO_LIMITS, POS_SECRET_KEY=KEY)
def test_backup_while_eight_clients_file_then_restored_store_serves_their_tracking_links(
    service, org, tmp_path_factory
):
    acknowledged: list[tuple[float, dict]] = []  # (when the 201 came, the answer)
    failures: list[str] = []
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(headers=bearer(org.key), timeout=20) as http:
            while not stop.is_set():
                response = http.post(service.url + "/api/v1/appeals", json=appeal())
                if response.status_code != 201:
                    failures.append(f"{response.status_code} {response.text}")
                    return
                acknowledged.append((time.monotonic(), response.json()))

    clients = [threading.Thread(target=client) for _ in range(8)]
    for thread in clients:
        thread.start()
    try:
        wait_until(lambda: len(acknowledged) >= 40 or failures, what="40 appeals filed")
        began = time.monotonic()
        before = [answer for at, answer in list(acknowledged) if at < began]
        dest = tmp_path_factory.mktemp("backups") / "monday"
        taken = run_cli(service.db, "backup", str(dest), POS_SECRET_KEY=KEY)
        ended = time.monotonic()
        during = [answer for at, answer in list(acknowledged) if began <= at < ended]
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    assert not failures
    assert "integrity ok" in taken.stdout
    assert during, "intake stopped while the backup ran"
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["integrity"] == "ok"
    assert manifest["appeals"] >= len(before) >= 40
    assert dest.stat().st_mode & 0o777 == 0o700  # every citizen's data: the service's user only
    assert (dest / "secret_key").is_file()

    restored = tmp_path_factory.mktemp("restored") / "pos-intake.db"
    told = run_cli(restored, "restore", str(dest)).stdout
    assert f"start it with: pos-intake serve --db {restored}" in told
    there = Service(restored).start()
    try:
        for answer in before:
            link = answer["tracking_url"].replace(service.url, there.url)
            shown = httpx.get(link, timeout=10)
            assert shown.status_code == 200, link
            assert shown.json()["number"] == answer["number"]
    finally:
        there.stop()


def test_scheduled_backups_rotate_and_the_last_good_ones_age_is_shown(db, org, tmp_path_factory):
    folder = tmp_path_factory.mktemp("scheduled")
    # two backups from 2020 in the folder: the first scheduled one is due at start, and
    # with two kept the older of them goes
    older, old = (
        folder / "pos-intake-20200101T000000.000Z",
        folder / "pos-intake-20200102T000000.000Z",
    )
    run_cli(db, "backup", str(older))
    shutil.copytree(older, old)
    for backup, day in ((older, "01"), (old, "02")):
        manifest = json.loads((backup / "manifest.json").read_text())
        manifest["taken_at"] = f"2020-01-{day}T00:00:00.000Z"
        (backup / "manifest.json").write_text(json.dumps(manifest))
    env = {"POS_BACKUP_DIR": str(folder), "POS_BACKUP_EVERY": "3600", "POS_BACKUP_KEEP": "2"}
    service = Service(db, env=env).start()
    try:
        wait_until(lambda: "old backup(s) removed" in service.log(), what="the oldest removed")
        ready = httpx.get(service.url + "/readyz", timeout=5).json()
        metrics = httpx.get(service.url + "/metrics", timeout=5).text
    finally:
        service.stop()
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 2 and kept[0] == old.name and kept[1] > old.name
    assert ready["checks"]["backup"] == "ok"
    assert ready["backup"]["last_good"] == kept[1]
    assert 0 <= ready["backup"]["last_good_age_seconds"] < 60
    ages = [line for line in metrics.splitlines() if line.startswith("pos_backup_last_good_age")]
    assert len(ages) == 1 and 0 <= float(ages[0].split()[1]) < 60
    assert "pos_backup_failures_total 0" in metrics

    # by hand, the store the service started on (so it has its key): on PostgreSQL the
    # photos and the key, and the pg_dump command for the database
    dest = tmp_path_factory.mktemp("by-hand") / "now"
    out = run_cli(db, "backup", str(dest)).stdout
    assert (dest / "secret_key").is_file()
    if isinstance(db, PostgresDatabase):
        assert "pg_dump --format=custom" in out
        assert "password" not in out.lower()
    else:
        assert "integrity ok" in out


def test_a_scheduled_backup_that_fails_degrades_the_node_and_says_why_in_the_log(
    db, org, tmp_path_factory
):
    blocker = tmp_path_factory.mktemp("taken") / "a-file-not-a-folder"
    blocker.write_text("")
    env = {"POS_BACKUP_DIR": str(blocker), "POS_BACKUP_EVERY": "3600"}
    service = Service(db, env=env).start()
    try:
        wait_until(lambda: "scheduled backup failed" in service.log(), what="the failure logged")
        ready = httpx.get(service.url + "/readyz", timeout=5)
        metrics = httpx.get(service.url + "/metrics", timeout=5).text
    finally:
        service.stop()
    assert f"{blocker} is not a folder" in service.log()
    assert ready.status_code == 200  # intake goes on
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["checks"]["backup"] == "failing"
    assert body["backup"] == {"every_seconds": 3600.0, "failures": 1}  # no path, no error text
    assert "pos_backup_failures_total 1" in metrics
    assert not [m for m in metrics.splitlines() if m.startswith("pos_backup_last_good_age")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.sqlite_only("restore makes a SQLite store; the destination check is the file's")
def test_bad_destinations_and_bad_backups_are_refused_leaving_nothing(db, org, tmp_path_factory):
    place = tmp_path_factory.mktemp("refusals")
    good = place / "good"
    run_cli(db, "backup", str(good))
    live = digest(db)

    refused = run_cli(db, "restore", str(good), check=False)  # onto the live store itself
    assert refused.returncode == 1
    assert "exists: restore makes a new store and never overwrites one" in refused.stderr
    assert digest(db) == live

    damaged = place / "damaged"
    shutil.copytree(good, damaged)
    copy = damaged / "pos-intake.db"
    with copy.open("r+b") as f:
        f.truncate(copy.stat().st_size // 2)
    foreign = place / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    for source, said in (
        (damaged, "is damaged"),
        (foreign, "is a SQLite database but not a pos-intake store"),
        (place / "nothing", "no such backup"),
    ):
        target = place / "new" / "pos-intake.db"
        target.parent.mkdir(exist_ok=True)
        refused = run_cli(target, "restore", str(source), check=False)
        assert refused.returncode == 1, source
        assert said in refused.stderr
        assert list(target.parent.iterdir()) == []  # nothing half-done

    inside = run_cli(db, "backup", str(db.parent / "backup"), check=False)
    assert inside.returncode == 1
    assert "inside" in inside.stderr and "the live store's folder" in inside.stderr
    assert not (db.parent / "backup").exists()
    scheduled = run_cli(db, "migrate", check=False, POS_BACKUP_DIR=str(db.parent / "backups"))
    assert scheduled.returncode == 1
    assert "backup_dir (POS_BACKUP_DIR)" in scheduled.stderr and "inside" in scheduled.stderr
    unwritable = run_cli(db, "backup", "/proc/pos-intake-backup", check=False)
    assert unwritable.returncode == 1
    assert "cannot write the backup into /proc" in unwritable.stderr
    assert sorted(p.name for p in place.iterdir()) == [
        "damaged",
        "foreign.sqlite",
        "good",
        "new",
    ]
