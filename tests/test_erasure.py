"""A citizen's data: erased on request through `pos-intake citizen erase` (gone from the store's
bytes, from search, and every consumer told), exported as one archive of that person's appeals
only, refused when the match may be several people or nobody, and erased by retention when an
appeal was closed longer ago than POS_RETENTION_YEARS."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from console_helpers import add_user, own_org, signed_in, unique
from processes import Service
from stores import PostgresDatabase, store, store_dump
from waiting import wait_until

from conftest import (
    A_PERSON_WRITES,
    DEMO_FORM_MIN_SECONDS,
    appeal,
    bearer,
    events,
    form_token,
    run_cli,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)

pytestmark = pytest.mark.shared_service(
    POS_FORM_MIN_SECONDS=str(DEMO_FORM_MIN_SECONDS),
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_CONSOLE_SIGNIN_ADDRESS="0",
)


def file(url: str, key: str, name: str, email: str | None, phone: str, text: str) -> dict:
    contact = {"name": name, "phone": phone, **({"email": email} if email else {})}
    answer = httpx.post(
        url + "/api/v1/appeals", json=appeal(contact=contact, text=text), headers=bearer(key)
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def pull(url: str, key: str) -> list[dict]:
    answer = httpx.get(url + "/api/v1/queue", params={"max": 10}, headers=bearer(key), timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["messages"]


def searched(console, q: str) -> list[str]:
    answer = console.get(
        "/console/log.json", params={"q": q}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    return sorted({row["number"] for row in answer.json()["rows"] if row["number"]})


def sqlite_bytes(db) -> bytes:
    """The database file and its WAL as a disk copy would hold them, after a checkpoint."""
    with store(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_an_erased_citizen_is_gone_from_the_bytes_the_search_and_told_to_the_queue(
    db, service, request
):
    own = own_org(db, request, "erase")
    duty = add_user(db, unique(request, "duty@demo.ru"), own.slug)
    email = unique(request, "Anna.Sterkhova@Example.ru")
    name = "Анна Стерхова-Лиственничная"
    words = "Обвалилась штукатурка балкона"
    hers = [
        file(service.url, own.key, name, email, "+7 900 555-00-11", f"{words} {n}") for n in (1, 2)
    ]
    other = file(service.url, own.key, "Пётр Ильин", None, "+7 900 000-99-88", "Лужа во дворе")
    with signed_in(service.url, duty) as console:
        wait_until(lambda: len(searched(console, "штукатурка")) == 2, what="the indexer")
    assert {m["message_id"] for m in pull(service.url, own.key)} >= {h["id"] for h in hers}

    with store(db) as conn:  # she also follows the other appeal (as a confirmed link leaves it)
        conn.execute(
            "INSERT INTO follows (appeal_id, email, lang, created_at, confirmed_at) "
            "VALUES (?, ?, 'ru', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            (other["id"], email.lower()),
        )

    found = run_cli(db, "citizen", "find", "--email", email.upper()).stdout
    assert hers[0]["number"] in found and hers[1]["number"] in found
    assert other["number"] not in found
    refused = run_cli(db, "citizen", "erase", "--email", email, check=False)
    assert refused.returncode == 1 and "--reason" in refused.stderr

    done = run_cli(db, "citizen", "erase", "--email", email, "--reason", "заявление 17").stdout
    assert "2 appeal(s) erased" in done and "embedded" in done
    assert "1 follow(s) by this e-mail" in done

    with signed_in(service.url, duty) as console:
        assert searched(console, "штукатурка") == []
        assert searched(console, "лужа") == [other["number"]]  # the other citizen stays
        site = console.get("/console/site", params={"org": own.slug})
        assert "Персональные данные в обращениях хранятся 5 лет после закрытия" in site.text
    erased = [m for m in pull(service.url, own.key) if m["message_id"].startswith("erased:")]
    assert sorted(m["message_id"] for m in erased) == sorted(f"erased:{h['id']}" for h in hers)
    assert {m["body"]["schema"] for m in erased} == {"pos-intake/erased@1"}
    assert name not in json.dumps(erased, ensure_ascii=False)
    logged = [e for e in events(db, "--org", own.slug) if e["type"] == "erased"]
    assert len(logged) == 2
    assert {e["data"]["why"] for e in logged} == {"request"}
    assert email.lower() not in json.dumps(logged, ensure_ascii=False).lower()
    accepted = [e for e in events(db, "--org", own.slug) if e["type"] == "accepted"]
    assert {e["remote_addr"] for e in accepted if e["appeal_id"] == other["id"]} == {"127.0.0.1"}
    assert {e["remote_addr"] for e in accepted if e["appeal_id"] != other["id"]} == {None}

    if isinstance(db, PostgresDatabase):  # the rows; dead tuples wait for VACUUM (docs/data.md)
        dump = store_dump(db)
        assert email.lower() not in dump.lower() and name not in dump and words not in dump
        assert "Пётр Ильин" in dump  # the dump can show a name: the assertion above can fail
    else:
        raw = sqlite_bytes(db)
        assert email.lower().encode() not in raw.lower()
        assert name.encode() not in raw and words.encode() not in raw
        assert "Пётр Ильин".encode() in raw

    # erasing twice changes nothing and says so; by its contact an erased appeal is not found
    again = run_cli(db, "citizen", "erase", "--number", hers[0]["number"], "--reason", "r").stdout
    assert "already erased" in again and "0 appeal(s) erased, 1 erased before" in again
    gone = run_cli(db, "citizen", "erase", "--email", email, "--reason", "r", check=False)
    assert gone.returncode == 1 and "no appeal matches" in gone.stderr
    assert len([e for e in events(db, "--org", own.slug) if e["type"] == "erased"]) == 2


class Receiver:
    """A webhook's receiver: what it was sent, by message id."""

    def __init__(self) -> None:
        self.got: dict[str, dict] = {}
        got = self.got

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                got[self.headers["X-Pos-Message-Id"]] = json.loads(body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_a_webhook_that_got_the_appeal_is_told_of_its_erasure(db, service, request):
    own = own_org(db, request, "hooked")
    receiver = Receiver()
    try:
        run_cli(db, "org", "sink", own.slug, "add", "webhook", "--url", receiver.url,
                "--secret", "a-secret-of-sixteen-chars")  # fmt: skip
        name = "Ефим Рябинин"
        filed = file(service.url, own.key, name, None, "+7 904 100-20-30", "Нет воды в доме с утра")
        wait_until(lambda: filed["id"] in receiver.got, what="the appeal at the webhook")
        run_cli(db, "citizen", "erase", "--number", filed["number"], "--reason", "заявление 19")
        told = f"erased:{filed['id']}"
        wait_until(lambda: told in receiver.got, what="the erasure at the webhook")
        assert receiver.got[told]["schema"] == "pos-intake/erased@1"
        assert receiver.got[told]["number"] == filed["number"]
        assert name not in json.dumps(receiver.got[told], ensure_ascii=False)
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def test_an_export_holds_every_appeal_of_the_person_and_nobody_elses(db, service, request):
    own = own_org(db, request, "export")
    elsewhere = own_org(db, request, "elsewhere")
    name = "Борис Кедров"
    his = [
        file(service.url, own.key, name, None, "+7 (901) 222-33-44", "Сломана скамейка"),
        file(service.url, own.key, name, None, "8 901 2223344", "Нет освещения в сквере"),
    ]
    file(service.url, own.key, "Вера Осинова", None, "+7 901 999-88-77", "Мусор у остановки")
    file(service.url, elsewhere.key, name, None, "+79012223344", "Другая организация")

    out = db.with_suffix(f".{unique(request, 'export')}.zip")
    run_cli(db, "citizen", "export", "--phone", "89012223344", "--org", own.slug, "-o", str(out))
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        docs = [json.loads(archive.read(n)) for n in archive.namelist() if n.endswith(".json")]
    assert sorted(d["number"] for d in docs) == sorted(h["number"] for h in his)
    assert {d["contact"]["name"] for d in docs} == {name}
    assert {d["text"] for d in docs} == {"Сломана скамейка", "Нет освещения в сквере"}
    exported = [e for e in events(db, "--org", own.slug) if e["type"] == "citizen_exported"]
    assert len(exported) == 2

    nobody = run_cli(
        db, "citizen", "export", "--phone", "+7 901 999-88-77", "--org", elsewhere.slug, check=False
    )
    assert nobody.returncode == 1 and "no appeal matches" in nobody.stderr


def test_the_photos_come_with_the_export_and_go_with_the_erasure(db, service, org, request):
    email = unique(request, "lidia@example.ru")
    token = form_token(service.url, "https://demo.example.ru")
    time.sleep(A_PERSON_WRITES)  # the form's robot check: a person takes longer to write
    reply = httpx.post(
        f"{service.url}/w/demo/appeals",
        data={
            "token": token,
            "kind": "message",
            "category": "roads",
            "text": "Яма у подъезда, фото прилагаю.",
            "name": "Лидия Ясенева",
            "email": email,
            "consent": "on",
        },
        files=[("photos", ("hole.png", PNG, "image/png"))],
        headers={"Origin": service.url, "Accept": "application/json"},
    )
    assert reply.status_code == 201, reply.text
    filed = reply.json()
    photo = f"{service.url}/api/v1/appeals/{filed['id']}/photos/1"
    assert httpx.get(photo, headers=bearer(org.key)).content == PNG

    out = db.with_suffix(f".{unique(request, 'photos')}.zip")
    run_cli(db, "citizen", "export", "--email", email, "--output", str(out))
    with zipfile.ZipFile(out) as archive:
        name = filed["number"].replace("/", "-")
        assert archive.read(f"photos/{name}/1.png") == PNG

    # the file itself, beside the SQLite file (on PostgreSQL in the service's working folder)
    folder = None if isinstance(db, PostgresDatabase) else db.parent / f"{db.stem}-media"
    assert folder is None or (folder / filed["id"] / "1.png").read_bytes() == PNG
    run_cli(db, "citizen", "erase", "--email", email, "--reason", "заявление 18")
    assert httpx.get(photo, headers=bearer(org.key)).status_code == 404
    assert folder is None or not (folder / filed["id"]).exists()


def test_a_phone_two_people_gave_is_refused_until_narrowed(db, service, request):
    own = own_org(db, request, "family")
    email = unique(request, "galina@example.ru")
    galina = file(
        service.url,
        own.key,
        "Галина Сосновая",
        email,
        "+7 902 123-45-67",
        "Текст первого обращения",
    )
    file(
        service.url, own.key, "Денис Сосновый", None, "+7 902 123-45-67", "Текст второго обращения"
    )
    args = ("citizen", "erase", "--phone", "+79021234567", "--org", own.slug, "--reason", "r")

    refused = run_cli(db, *args, check=False)
    assert refused.returncode == 1
    assert "2 different people" in refused.stderr and "--email or --number" in refused.stderr

    narrowed = run_cli(db, *args, "--email", email).stdout
    assert galina["number"] in narrowed and "1 appeal(s) erased" in narrowed
    missing = run_cli(
        db, "citizen", "erase", "--number", "nope-2026-1", "--reason", "r", check=False
    )
    assert missing.returncode == 1 and "no appeal matches" in missing.stderr


@pytest.mark.own_service
def test_retention_erases_only_appeals_closed_long_ago(db, service):
    key = run_cli(db, "org", "key", "demo").stdout.strip().splitlines()[-1]
    old_closed, old_open, new_closed = (
        file(
            service.url,
            key,
            f"Житель {n}",
            None,
            "+7 903 000-00-0" + str(n),
            f"Текст обращения номер {n}",
        )
        for n in (1, 2, 3)
    )
    service.stop()
    with store(db) as conn:
        for made, status, at in (
            (old_closed, "answered", "2019-03-01T10:00:00.000Z"),
            (old_open, "in_progress", "2019-03-01T10:00:00.000Z"),
            (new_closed, "answered", "2025-11-01T10:00:00.000Z"),
        ):
            conn.execute(
                "UPDATE appeals SET status = ?, updated_at = ?, created_at = ? WHERE id = ?",
                (status, at, at, made["id"]),
            )
    again = Service(db, env={"POS_RETENTION_YEARS": "5"}).start()
    try:
        wait_until(lambda: any(e["type"] == "erased" for e in events(db)), what="the retention job")
        erased = [e for e in events(db) if e["type"] == "erased"]
        assert [e["appeal_id"] for e in erased] == [old_closed["id"]]
        assert erased[0]["data"]["why"] == "retention"
        with store(db) as conn:
            contacts = {r[0]: r[1] for r in conn.execute("SELECT number, contact FROM appeals")}
        assert contacts[old_closed["number"]] == "{}"
        assert "Житель 2" in contacts[old_open["number"]]
        assert "Житель 3" in contacts[new_closed["number"]]
    finally:
        again.stop()


def test_an_appeal_erased_before_its_document_left_sends_nothing(db, service, request):
    """The agency had not pulled it yet: the waiting document is withdrawn (it would go out
    blank), and no `erased` message follows, since the agency never had the citizen's data."""
    own = own_org(db, request, "early", "https://early.example.ru")
    email = unique(request, "early@example.ru")
    filed = file(service.url, own.key, "Ранний Гражданин", email, "+7 900 000-00-01",
                 "Не вывезли мусор со двора дома 3.")  # fmt: skip
    run_cli(db, "citizen", "erase", "--number", filed["number"], "--reason", "заявление 18")
    assert pull(service.url, own.key) == []
