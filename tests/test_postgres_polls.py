"""Votes on several intake nodes of one PostgreSQL: the same person voting on two nodes at the
same moment — a double tap that the app sends twice, two tabs on two nodes behind a balancer —
is counted once, at every identity level the store keys a voter by, and the counts equal the
ballots afterwards."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from test_polls_api import ANSWERS, courtyard_vote

from intake_service.tokens import Citizen, Tokens

from conftest import PostgresDatabase, Service, bearer, make_org, store

NO_LIMITS = {"POS_RATE_LIMIT_ADDRESS": "0", "POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_POLL": "0"}
IDP = {"POS_OIDC_ISSUER": "http://127.0.0.1:9/idp"}  # named for identified polls, never asked


def _at_once(urls: list[str], path: str, bodies: list[dict]) -> list[int]:
    """Each body sent to each node by its own thread, all released at one moment."""
    start = threading.Barrier(len(urls) * len(bodies))
    codes: list[int] = []
    lock = threading.Lock()

    def send(url: str, body: dict) -> None:
        with httpx.Client(timeout=20) as client:
            start.wait()
            code = client.post(url + path, json=body).status_code
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=send, args=(url, body)) for url in urls for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(codes)


def test_one_person_voting_on_two_nodes_at_once_is_counted_once(postgres_url: str, tmp_path: Path):
    db = PostgresDatabase(postgres_url, tmp_path)
    org = make_org(db, "demo", "https://demo.example.ru")
    nodes = [Service(db, env={**NO_LIMITS, **IDP, "POS_NODE": n}).start() for n in ("a", "b")]
    urls = [node.url for node in nodes]
    try:
        with httpx.Client(timeout=10, headers=bearer(org.key)) as client:
            closes = (datetime.now(UTC) + timedelta(days=1)).isoformat()
            by_browser = client.post(
                urls[0] + "/api/v1/polls", json=courtyard_vote(closes_at=closes)
            ).json()["id"]
            by_subject = client.post(
                urls[0] + "/api/v1/polls",
                json=courtyard_vote(closes_at=closes, identity="identified"),
            ).json()["id"]
            warm_up = client.post(
                urls[0] + "/api/v1/polls", json=courtyard_vote(closes_at=closes)
            ).json()["id"]
        # the app's voter id, from its first vote anywhere
        voter = httpx.post(
            f"{urls[1]}/api/v1/polls/{warm_up}/votes", json={"answers": ANSWERS}
        ).json()["voter"]
        with store(db) as conn:
            key = conn.execute("SELECT value FROM meta WHERE key = 'secret_key'").fetchone()[0]
        identity = Tokens(key).identity(Citizen("subject-42", "Анна", None, ""))

        for poll_id, body in (
            (by_browser, {"answers": ANSWERS, "voter": voter}),
            (by_subject, {"answers": ANSWERS, "identity": identity}),
        ):
            codes = _at_once(urls, f"/api/v1/polls/{poll_id}/votes", [body] * 4)
            assert codes == [201] + [409] * 7, codes
            results = httpx.get(f"{urls[1]}/api/v1/polls/{poll_id}/results").json()
            assert results["participants"] == 1
            assert results["questions"]["q1"] == {"a": 1, "b": 0}
        with store(db) as conn:
            ballots = conn.execute(
                "SELECT count(*) FROM poll_ballots WHERE poll_id IN (?, ?)",
                (by_browser, by_subject),
            ).fetchone()[0]
            counted = conn.execute(
                "SELECT count(*) FROM events WHERE type = 'vote_counted'"
            ).fetchone()[0]
        assert ballots == 2 and counted == 3  # the warm-up's, and one for each poll
    finally:
        for node in nodes:
            node.stop()
