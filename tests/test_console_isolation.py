"""Each organisation sees only its own: an operator of one organisation gets exactly what a
missing thing gets (404, or nothing listed) for every console page, call, photo, export and
live stream of another organisation's appeals — and a region's operator sees its
municipalities' appeals without their citizens' contacts."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from console_helpers import add_user, signed_in

from conftest import Service, appeal, bearer, form_fields, form_token, make_org, run_cli

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture(scope="module")
def two_orgs(tmp_path_factory):
    """Org `alpha` and org `beta` (beta's appeal has a photo), each with an operator; a region
    above beta with its own operator and admin."""
    tmp = tmp_path_factory.mktemp("isolation")
    db = tmp / "pos-intake.db"
    alpha = make_org(db, "alpha", "https://alpha.example.ru")
    run_cli(db, "org", "add", "region", "--name", "Регион")
    run_cli(
        db, "org", "add", "beta", "--name", "Бета", "--parent", "region",
        "--origin", "http://127.0.0.1:*",
    )  # fmt: skip
    add_user(db, "a@alpha.example.ru", "alpha")
    add_user(db, "b@beta.example.ru", "beta")
    add_user(db, "r@region.example.ru", "region")
    add_user(db, "admin@region.example.ru", "region", role="admin")
    service = Service(db, env={"POS_FORM_MIN_SECONDS": "0"}).start()
    a = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(alpha.key))
    token = form_token(service.url, service.url, org="beta")
    b = httpx.post(
        f"{service.url}/w/beta/appeals",
        data=form_fields(token, text="Фонарь не горит у дома 9", email="secret@beta.example.ru"),
        files=[("photos", ("lamp.png", PNG, "image/png"))],
        headers={"Origin": service.url, "Accept": "application/json"},
    )
    assert a.status_code == 201 and b.status_code == 201, (a.text, b.text)
    yield service, a.json(), b.json()
    service.stop()


def test_another_organisations_appeal_is_missing_everywhere(two_orgs):
    service, _, b = two_orgs
    with signed_in(service.url, "a@alpha.example.ru") as alpha:
        for path in (
            f"/console/appeals/{b['id']}",
            f"/console/appeals/{b['id']}/photos/1",
            f"/console/appeals/{b['id']}/photos/0",
            "/console?org=beta",
            "/console/log.json?org=beta",
            "/console/export.csv?org=beta",
            "/console/board.json?org=beta",
            "/console/stats?org=beta",
            "/console/site?org=beta",
        ):
            answer = alpha.get(path)
            assert answer.status_code == 404, f"{path}: {answer.status_code}"
            assert b["number"] not in answer.text, path
        missing = alpha.get("/console/appeals/00000000-0000-7000-8000-000000000000")
        assert missing.status_code == 404
        for path in ("/console", "/console/log.json", "/console/export.csv", "/console/board.json",
                     "/console/stats", "/console/log.json?q=фонарь"):  # fmt: skip
            answer = alpha.get(path)
            assert answer.status_code == 200, path
            assert b["number"] not in answer.text and "beta" not in answer.text.lower(), path
        for action, data in (
            ("status", {"status": "in_progress"}),
            ("assign", {"assignee": "me"}),
            ("severity", {"severity": "high"}),
            ("note", {"text": "x"}),
            ("answer", {"text": "x"}),
            ("contact", {}),
            ("duplicate", {"number": b["number"]}),
            ("clarify", {"question": "x"}),
            ("extend", {"reason": "x"}),
            ("forward", {"to": "alpha"}),
        ):
            answer = alpha.post_form(f"/console/appeals/{b['id']}/{action}", data)
            assert answer.status_code == 404, f"{action}: {answer.status_code}"


def test_the_live_stream_carries_only_ones_own(two_orgs):
    service, _, _ = two_orgs
    received: list[dict] = []
    with signed_in(service.url, "a@alpha.example.ru") as alpha:

        def listen() -> None:
            try:
                with alpha.stream("GET", "/console/live", timeout=8) as stream:
                    for line in stream.iter_lines():
                        if line.startswith("data:"):
                            received.append(json.loads(line[5:]))
            except httpx.ReadTimeout:
                pass

        thread = threading.Thread(target=listen)
        thread.start()
        time.sleep(1.5)
        beta_key = run_cli(service.db, "org", "key", "beta").stdout.strip().splitlines()[-1]
        alpha_key = run_cli(service.db, "org", "key", "alpha").stdout.strip().splitlines()[-1]
        mine = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(alpha_key))
        theirs = httpx.post(
            service.url + "/api/v1/appeals", json=appeal(), headers=bearer(beta_key)
        )
        thread.join()
    numbers = {entry.get("number") for entry in received}
    assert mine.json()["number"] in numbers
    assert theirs.json()["number"] not in numbers


def test_a_region_sees_its_municipality_but_not_its_citizens_contacts(two_orgs):
    service, _, b = two_orgs
    with signed_in(service.url, "r@region.example.ru") as region:
        page = region.get(f"/console/appeals/{b['id']}")
        assert page.status_code == 200 and b["number"] in page.text
        assert "secret@beta.example.ru" not in page.text
        assert region.post_form(f"/console/appeals/{b['id']}/contact").status_code in (403, 404)
        csv = region.get("/console/export.csv")
        assert b["number"] in csv.text and "secret@beta.example.ru" not in csv.text
    with signed_in(service.url, "b@beta.example.ru") as beta:
        csv = beta.get("/console/export.csv")
        assert "secret@beta.example.ru" in csv.text
        photo = beta.get(f"/console/appeals/{b['id']}/photos/1")
        assert photo.status_code == 200 and photo.content == PNG
    with signed_in(service.url, "admin@region.example.ru") as admin:
        assert "secret@beta.example.ru" in admin.get("/console/export.csv").text
