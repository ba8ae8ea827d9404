"""Issue 23, reliability under faults, PostgreSQL: the writer's backend terminated while it
commits. A COMMIT whose answer is lost leaves the batch stored or not; the client must never
be told 503 (send again) for an appeal that is stored, or it files it twice.

The fault is real: a second connection calls pg_terminate_backend on the writer's backend
whenever it is seen at work (its COMMIT or a statement before), while clients file appeals. Figures are printed (run with -s)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import Counter

import httpx
import psycopg
import pytest

from conftest import PostgresDatabase, Service, appeal, bearer, run_async, store

CLIENTS = 16
LOAD_SECONDS = 60.0  # at most; the load stops once enough lost commits were seen
ENOUGH = 6  # lost COMMITs resolved by the marker, of which at least one stored
KILL_PAUSE = 0.05  # between two terminations: the service must get work done between them
_LOST = re.compile(r"lost at COMMIT .*batch \S+ (had been stored|was not stored)")


def test_a_terminated_postgresql_backend_after_commit_answers_503_only_for_what_is_not_stored(
    db, org
):
    if not isinstance(db, PostgresDatabase):
        pytest.skip("PostgreSQL only: a SQLite commit is local, never lost on the way back")
    service = Service(db, env={"POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0"}).start()
    try:
        outcomes, kills, seconds = _load_while_terminating(service, org.key)
        with store(db) as conn:
            texts = [row[0] for row in conn.execute("SELECT text FROM appeals")]
        stored = {int(m.group(1)) for t in texts if (m := re.match(r"Обращение (\d+)\.", t))}
        lost = _LOST.findall(service.log())
        answered = Counter(outcomes.values())
        print(
            f"\n{len(outcomes)} appeals filed in {seconds:.1f} s, {kills} terminations of the "
            f"writer's backend at work: answers {dict(answered)}; {len(stored)} "
            f"stored; lost COMMITs: {Counter(lost)}"
        )
        wrongly_refused = sorted(i for i, o in outcomes.items() if o == "503" and i in stored)
        assert not wrongly_refused, f"answered 503 but stored: {wrongly_refused}"
        # stored and not answered 201: only where the client lost the answer, and then its
        # retry with the same Idempotency-Key finds the appeal
        unanswered = [i for i in stored if outcomes.get(i) != "201"]
        assert all(outcomes.get(i) == "lost" for i in unanswered), unanswered
        for i in unanswered:
            again = httpx.post(
                service.url + "/api/v1/appeals",
                json=_appeal(i),
                headers={**bearer(org.key), "Idempotency-Key": _key(i)},
                timeout=30,
            )
            assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
        assert all(i in stored for i, o in outcomes.items() if o == "201")
        # the story happened: commits were lost and the marker told stored ones apart
        assert len(lost) >= ENOUGH and "had been stored" in lost, (
            f"only {Counter(lost)} lost COMMITs in {seconds:.0f} s; {kills} terminations"
        )
    finally:
        service.stop()


def _key(i: int) -> str:
    return f"fault-{i}"


def _appeal(i: int) -> dict[str, object]:
    return appeal(text=f"Обращение {i}. Не горит фонарь у дома {i} по улице Ленина.")


def _load_while_terminating(service: Service, key: str) -> tuple[dict[int, str], int, float]:
    """File appeals from CLIENTS clients while a second connection terminates the writer's
    backend each time it finds it at work; until ENOUGH lost COMMITs are in the service's
    log, or LOAD_SECONDS. Returns each appeal's answer ('201', '503', or 'lost': no answer),
    the number of terminations and the seconds it took."""
    outcomes: dict[int, str] = {}
    done = threading.Event()
    kills = 0

    def terminate() -> None:
        nonlocal kills
        with psycopg.connect(str(service.db), autocommit=True) as admin:
            while not done.is_set():
                # the writer, busy with a batch: at its COMMIT (stored, its answer lost) or
                # a statement before it (COMMIT perhaps sent, the batch not stored)
                pids = admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND state = 'active' "
                    "AND query ~ '^(COMMIT|INSERT|UPDATE|NOTIFY)'"
                ).fetchall()
                for (pid,) in pids:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                    kills += 1
                    if len(_LOST.findall(service.log())) >= ENOUGH:
                        done.set()
                    done.wait(KILL_PAUSE)

    async def file_all() -> None:
        started = time.monotonic()
        counter = iter(range(10**9))
        async with httpx.AsyncClient(base_url=service.url, timeout=30) as client:

            async def one_client() -> None:
                while not done.is_set() and time.monotonic() - started < LOAD_SECONDS:
                    i = next(counter)
                    headers = {**bearer(key), "Idempotency-Key": _key(i)}
                    try:
                        answer = await client.post(
                            "/api/v1/appeals", json=_appeal(i), headers=headers
                        )
                    except httpx.TransportError:
                        outcomes[i] = "lost"
                        continue
                    assert answer.status_code in (201, 503), answer.text
                    outcomes[i] = str(answer.status_code)

            await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
        done.set()

    killer = threading.Thread(target=terminate)
    started = time.monotonic()
    killer.start()
    try:
        run_async(file_all())
    finally:
        done.set()
        killer.join(10)
    return outcomes, kills, time.monotonic() - started
