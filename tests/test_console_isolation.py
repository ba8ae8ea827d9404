"""Each organisation sees only its own: an operator of one organisation gets exactly what a
missing thing gets (404, or nothing listed) for every console page, call, photo, export and
live stream of another organisation's appeals — and a region's operator sees its
municipalities' appeals without their citizens' contacts."""

from __future__ import annotations

import json
import re
import threading
import time

import httpx
import pytest
from console_helpers import add_user, signed_in

from conftest import Service, appeal, bearer, events, form_fields, form_token, make_org, run_cli

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
            "/console/log?org=beta",
            "/console/log.json?org=beta",
            "/console/export.csv?org=beta",
            "/console/board.json?org=beta",
            "/console/stats?org=beta",
            "/console/site?org=beta",
            "/console/settings?org=beta",
        ):
            answer = alpha.get(path)
            assert answer.status_code == 404, f"{path}: {answer.status_code}"
            assert b["number"] not in answer.text, path
        missing = alpha.get("/console/appeals/00000000-0000-7000-8000-000000000000")
        assert missing.status_code == 404
        for path in ("/console", "/console/log", "/console/log.json", "/console/export.csv", "/console/board.json",
                     "/console/stats", "/console/log.json?q=фонарь", "/console/map",
                     "/console/map.json"):  # fmt: skip
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
        for data in (
            {"action": "assign", "to": "me"},
            {"action": "status", "status": "in_progress"},
            {"action": "severity", "severity": "high"},
        ):  # the register's bulk form: another organisation's id is refused, never changed
            answer = alpha.post_form("/console/register/bulk", {**data, "appeal": b["id"]})
            assert answer.status_code == 303, answer.text
            assert "changed=0&refused=1" in answer.headers["location"], data
        for data in (  # another organisation's settings: missing, and nothing changes
            {"action": "settings", "timezone": "Asia/Vladivostok"},
            {"action": "off", "category": "roads"},
            {"action": "route-add", "category": "roads", "to": "alpha"},
            {"action": "question-remove", "category": "roads", "code": "x"},
        ):
            answer = alpha.post_form("/console/settings", {"org": "beta", **data})
            assert answer.status_code == 404, f"{data}: {answer.status_code}"
        # the page for appeals taken by phone, letter or visit offers only one's own organisations
        # and refuses another's as it refuses a made-up one, filing nothing
        offered = alpha.get("/console/appeals/new")
        assert offered.status_code == 200 and "beta" not in offered.text.lower()
        assert "Бета" not in offered.text
        before = len([e for e in events(service.db) if e["type"] == "accepted"])
        taken = {"channel": "phone", "category": "street_lighting", "consent": "yes",
                 "text": "Не горит фонарь у дома 9 уже неделю.", "name": "Анна",
                 "phone": "+7 900 000-00-00"}  # fmt: skip
        for slug in ("beta", "region", "no-such-org"):
            answer = alpha.post_form("/console/appeals/new", {**taken, "org": slug})
            assert answer.status_code == 422, f"{slug}: {answer.status_code}"
            assert "Выберите организацию из списка." in answer.text and "Бета" not in answer.text
        assert len([e for e in events(service.db) if e["type"] == "accepted"]) == before


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


def test_another_organisations_poll_is_missing_everywhere(two_orgs):
    """Beta's discussion, with a pending comment: alpha's operator finds nothing of it on any
    console address of polls; the region above beta sees it, without its authors' contacts."""
    service, _, _ = two_orgs
    with signed_in(service.url, "b@beta.example.ru") as beta:
        made = beta.post_form(
            "/console/polls/new",
            {"org": "beta", "kind": "discussion", "title": "Проект сквера Беты",
             "description": "Проект.", "identity": "anyone", "results": "live",
             "reach": "own", "opens_at": "2020-01-01T09:00", "closes_at": "2099-01-01T09:00"},
        )  # fmt: skip
        assert made.status_code == 303, made.text
        poll_id = made.headers["location"].split("/")[-1].split("?")[0]
    comment = httpx.post(
        f"{service.url}/api/v1/polls/{poll_id}/comments",
        json={"author": "Анна", "email": "anna@beta.example.ru", "text": "Тайное мнение"},
    )
    assert comment.status_code == 202, comment.text
    comment_id = comment.json()["comment"]
    with signed_in(service.url, "a@alpha.example.ru") as alpha:
        for path in (
            f"/console/polls/{poll_id}",
            f"/console/polls/{poll_id}/results.json",
            f"/console/polls/{poll_id}/results.csv",
        ):
            answer = alpha.get(path)
            assert answer.status_code == 404, f"{path}: {answer.status_code}"
            assert "Беты" not in answer.text, path
        for path, data in (
            (f"/console/polls/{poll_id}/close", {}),
            (f"/console/polls/{poll_id}/publish", {}),
            (f"/console/polls/{poll_id}/comments/{comment_id}/reply", {"reply": "x"}),
            (f"/console/polls/moderation/{comment_id}", {"action": "approve"}),
            (f"/console/polls/moderation/{comment_id}", {"action": "reject", "reason": "x"}),
        ):
            answer = alpha.post_form(path, data)
            assert answer.status_code == 404, f"{path}: {answer.status_code}"
        for path in ("/console/polls", "/console/polls/moderation", "/console/polls/new"):
            answer = alpha.get(path)
            assert answer.status_code == 200, path
            assert "Беты" not in answer.text and "Тайное" not in answer.text, path
            assert "Бета" not in answer.text, path
    with signed_in(service.url, "r@region.example.ru") as region:
        assert "Проект сквера Беты" in region.get("/console/polls").text
        queue = region.get("/console/polls/moderation").text
        assert "Тайное мнение" in queue
        assert "anna@beta.example.ru" not in queue  # the author's contact stays beta's
        assert region.get(f"/console/polls/{poll_id}").status_code == 200


# --- an appeal that left an organisation is no longer that organisation's ------------------


def _orgs(db) -> dict[str, str]:
    """A region with the city and a town under it; two utilities; an unrelated organisation
    whose own rule names the water utility. The city routes street lighting to the lighting
    utility. One operator each (e-mail op@<slug>.example.ru); the keys by slug."""
    keys = {}
    for slug, parent in (("region", None), ("city", "region"), ("town", "region"),
                         ("light", None), ("water", None), ("alpha", None)):  # fmt: skip
        args = ["org", "add", slug, "--name", f"Администрация {slug}"]
        run_cli(db, *args, *(["--parent", parent] if parent else []))
        keys[slug] = run_cli(db, "org", "key", slug).stdout.strip().splitlines()[-1]
        add_user(db, f"op@{slug}.example.ru", slug)
    run_cli(db, "org", "route", "city", "street_lighting", "--to", "light")
    run_cli(db, "org", "route", "alpha", "street_lighting", "--to", "water")
    return keys


def _file(service: Service, key: str, **changes) -> dict:
    answer = httpx.post(
        service.url + "/api/v1/appeals",
        json=appeal(contact={"name": "Анна", "email": "anna@citizen.example.ru"}, **changes),
        headers=bearer(key),
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _log(console, **params: str) -> dict:
    answer = console.get("/console/log.json", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _found(console, q: str) -> list[str]:
    return [row["number"] for row in _log(console, q=q)["rows"]]


def _searched(console, q: str) -> list[str]:
    """A search once the background indexer has reached a new appeal (about a second)."""
    deadline = time.monotonic() + 10
    while not (found := _found(console, q)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def _stats_total(console) -> int:
    page = console.get("/console/stats").text
    return int(page.split('<dd id="stats-total">', 1)[1].split("<", 1)[0])


def _board_week(console) -> int:
    board = console.get("/console/board.json").json()
    return sum(cell["week"] for row in board["rows"] for cell in row["cells"].values())


def _pull(service: Service, key: str, **params: str) -> list[dict]:
    answer = httpx.get(service.url + "/api/v1/queue", params=params, headers=bearer(key))
    assert answer.status_code == 200, answer.text
    return answer.json()["messages"]


def _seen_nowhere(console, gone: dict, words: str) -> None:
    """Everything an operator reads lists nothing of the appeal `gone`."""
    log = console.get("/console/log.json")
    assert log.status_code == 200 and gone["number"] not in log.text and gone["id"] not in log.text
    assert gone["number"] not in console.get("/console").text
    assert gone["number"] not in console.get("/console/log").text
    assert gone["number"] not in console.get("/console", params={"view": "all"}).text
    export = console.get("/console/export.csv")
    assert export.status_code == 200
    assert gone["number"] not in export.text and words not in export.text
    assert _found(console, words) == []
    assert console.get(f"/console/appeals/{gone['id']}").status_code == 404


class _Live:
    """An operator's live stream, opened as a reconnecting browser does (Last-Event-ID), so
    that it is known to be listening once it has sent the row of `first` (an event of theirs)."""

    def __init__(self, console, first: int) -> None:
        self._context = console.stream(
            "GET", "/console/live", headers={"Last-Event-ID": str(first - 1)}, timeout=15
        )
        self._lines = self._context.__enter__().iter_lines()
        self.rows: list[dict] = []

    def until(self, number: str) -> list[dict]:
        """The rows up to and including the first of appeal `number`."""
        for line in self._lines:
            if line.startswith("data:"):
                self.rows.append(json.loads(line[5:]))
                if self.rows[-1]["number"] == number:
                    return self.rows
        raise AssertionError(f"the stream ended before {number}")

    def close(self) -> None:
        self._context.__exit__(None, None, None)


def test_an_appeal_a_rule_routes_away_is_not_the_origins_to_read(db):
    """The city's rule sends street lighting to the utility: the city's operator reads none of
    it — not the utility's status, severity or assignee, not its text — in the log, export,
    search, statistics, board, live stream or queue; the utility has all of it."""
    keys = _orgs(db)
    service = Service(db).start()
    try:
        with signed_in(service.url, "op@city.example.ru") as city:
            own = _file(service, keys["city"], category="roads", text="Яма у рынка на Заречной")
            first = _log(city)["rows"][-1]["id"]
            live = _Live(city, first)
            live.until(own["number"])
            lamp = _file(service, keys["city"], text="Фонарь мигает возле котельной")
            assert lamp["number"].startswith("LIGHT-")
            with signed_in(service.url, "op@light.example.ru") as light:
                for action, data in (("assign", {"to": "me"}), ("severity", {"severity": "high"}),
                                     ("status", {"status": "in_progress"})):  # fmt: skip
                    done = light.post_form(f"/console/appeals/{lamp['id']}/{action}", data)
                    assert done.status_code == 303, done.text
                assert _searched(light, "котельной") == [lamp["number"]]
            marker = _file(service, keys["city"], category="roads", text="Ещё одна яма")
            rows = live.until(marker["number"])
            live.close()
            assert lamp["number"] not in {row["number"] for row in rows}
            _seen_nowhere(city, lamp, "котельной")
            assert "op@light.example.ru" not in city.get("/console/log.json").text
            assert _stats_total(city) == 2 and _board_week(city) == 2
        assert [m["message_id"] for m in _pull(service, keys["city"])] == [own["id"], marker["id"]]
        [message] = _pull(service, keys["light"])
        assert message["message_id"] == lamp["id"]
    finally:
        service.stop()


def test_a_forwarded_appeal_moves_with_everything_the_old_organisation_read(db):
    """The city forwards an appeal to the utility by hand: from then on the city reads none of
    it anywhere (log, export, search, statistics, board, live stream), its queue withdraws what
    it had not delivered — an event says so — and the utility finds it by search at once,
    without the city's internal note or its operator's e-mail."""
    keys = _orgs(db)
    service = Service(db).start()
    try:
        pit = _file(service, keys["city"], category="roads", text="Провал асфальта у котельной")
        [handed] = _pull(service, keys["city"])  # handed out, not yet acknowledged
        with signed_in(service.url, "op@city.example.ru") as city:
            assert _searched(city, "котельной") == [pit["number"]]
            for action, data in (
                ("assign", {"to": "me"}),
                ("note", {"text": "Внутренняя заметка: подрядчик тянет"}),
            ):
                done = city.post_form(f"/console/appeals/{pit['id']}/{action}", data)
                assert done.status_code == 303
            kept = _file(service, keys["city"], category="roads", text="Яма у рынка на Заречной")
            assert (_stats_total(city), _board_week(city)) == (2, 2)
            [since] = [
                r["id"]
                for r in _log(city, type="accepted")["rows"]
                if r["number"] == kept["number"]
            ]
            live = _Live(city, since)
            live.until(kept["number"])
            forwarded = city.post_form(f"/console/appeals/{pit['id']}/forward", {"to": "light"})
            assert forwarded.status_code == 303
            with signed_in(service.url, "op@light.example.ru") as light:
                assert _found(light, "котельной") == [pit["number"]]  # at once
                page = light.get(f"/console/appeals/{pit['id']}")
                assert page.status_code == 200 and "Провал асфальта" in page.text
                for secret in ("подрядчик тянет", "op@city.example.ru"):
                    assert secret not in page.text
                    assert secret not in light.get("/console/log.json").text
                assert "Администрация city" in page.text  # who sent it, by name
            marker = _file(service, keys["city"], category="roads", text="Ещё одна яма")
            rows = live.until(marker["number"])
            live.close()
            assert pit["number"] not in {row["number"] for row in rows}
            _seen_nowhere(city, pit, "котельной")
            assert (_stats_total(city), _board_week(city)) == (2, 2)  # kept and the marker
        acked = httpx.post(
            service.url + "/api/v1/queue/ack",
            json={"receipts": [handed["receipt"]]},
            headers=bearer(keys["city"]),
        ).json()
        waiting = [m["message_id"] for m in _pull(service, keys["city"])]
        assert [m["message_id"] for m in _pull(service, keys["light"])] == [pit["id"]]
    finally:
        service.stop()
    assert handed["message_id"] == pit["id"] and acked["unknown"] == [handed["receipt"]]
    assert waiting == [kept["id"], marker["id"]]
    withdrawn = [e for e in events(db) if e["type"] == "withdrawn"]
    assert [(e["org"], e["appeal_id"], e["data"]["to"]) for e in withdrawn] == [
        ("city", pit["id"], "light")
    ]


def test_an_organisation_forwards_only_to_those_it_works_with(db):
    """The forward list: the city's own rule's utility and its region's tree — never the water
    utility that only an unrelated organisation's rule names; a forward there is refused."""
    keys = _orgs(db)
    service = Service(db).start()
    try:
        pit = _file(service, keys["city"], category="roads")
        with signed_in(service.url, "op@city.example.ru") as city:
            page = city.get(f"/console/appeals/{pit['id']}").text
            select = page.split('id="forward-to"', 1)[1].split("</select>", 1)[0]
            offered = set(re.findall(r'<option value="([a-z]+)"', select))
            assert {"light", "region", "town"} <= offered
            assert not offered & {"water", "alpha", "city"}
            refused = city.post_form(f"/console/appeals/{pit['id']}/forward", {"to": "water"})
            assert refused.status_code == 422
        with signed_in(service.url, "op@water.example.ru") as water:
            assert water.get(f"/console/appeals/{pit['id']}").status_code == 404
    finally:
        service.stop()
