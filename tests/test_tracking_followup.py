"""The citizen follows an appeal through on its tracking page: the deadline, a question to
answer, the verdict on the answer (once), a repeat appeal when the problem is back — and the
operator sees the chain in the console. Periods that run out move the appeal by themselves."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import httpx
import pytest
from console_helpers import add_user, signed_in
from mail_server import text_of

from conftest import Service, appeal, bearer, events, make_org, store

CITIZEN = {"name": "Анна", "email": "anna@example.ru"}


@pytest.fixture
def city(tmp_path, mail_server, request):
    marker = request.node.get_closest_marker("service_env")
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    add_user(db, "op@manturovo.example.ru", org="manturovo")
    env = {**mail_server.env, **(marker.kwargs if marker else {})}
    service = Service(db, env=env).start()
    yield db, org, service
    service.stop()


def _file(service: Service, key: str, **changes: object) -> dict:
    with httpx.Client(base_url=service.url) as client:
        reply = client.post(
            "/api/v1/appeals", json=appeal(contact=CITIZEN, **changes), headers=bearer(key)
        )
    assert reply.status_code == 201, reply.text
    return reply.json()


def _operator(service: Service, appeal_id: str, action: str, data: dict) -> httpx.Response:
    with signed_in(service.url, "op@manturovo.example.ru") as console:
        return console.post_form(f"/console/appeals/{appeal_id}/{action}", data)


def _citizen(service: Service) -> httpx.Client:
    """The citizen's browser on the tracking page: its forms post from the service's own page."""
    return httpx.Client(
        base_url=service.url, headers={"Origin": service.url, "Accept": "text/html"}, timeout=15
    )


def _status(service: Service, filed: dict) -> dict:
    token = filed["tracking_url"].rsplit("/", 1)[1]
    return httpx.get(f"{service.url}/api/v1/status/{token}").json()


def test_verdict_once_and_only_after_the_answer(city):
    db, org, service = city
    filed = _file(service, org.key)
    path = "/s/" + filed["tracking_url"].rsplit("/", 1)[1]
    with _citizen(service) as citizen:
        page = citizen.get(path)
        assert "Срок ответа" in page.text and "verdict-form" not in page.text
        early = citizen.post(path + "/verdict", data={"solved": "yes", "rating": "5"})
        assert early.status_code == 409
        assert "только после ответа" in early.text
        assert (
            _operator(service, filed["id"], "answer", {"text": "Фонарь заменён."}).status_code
            == 303
        )
        page = citizen.get(path)
        assert "verdict-form" in page.text and "Фонарь заменён." in page.text
        done = citizen.post(
            path + "/verdict", data={"solved": "yes", "rating": "5", "comment": "Спасибо!"}
        )
        assert done.status_code == 303
        page = citizen.get(done.headers["location"])
        assert "Спасибо за оценку." in page.text
        assert "Ваша оценка: 5 из 5, проблема решена." in page.text
        twice = citizen.post(path + "/verdict", data={"solved": "no", "rating": "1"})
        assert twice.status_code == 409 and "уже дана" in twice.text
    assert _status(service, filed)["status"] == "resolved"
    reasons = [e["reason"] for e in events(db) if e["type"] == "rejected"]
    assert "tracking-early" in reasons and "tracking-twice" in reasons
    with signed_in(service.url, "op@manturovo.example.ru") as console:
        page = console.get(f"/console/appeals/{filed['id']}").text
    assert "решено, 5/5" in page and "Спасибо!" in page


def test_not_solved_files_a_linked_repeat_the_console_shows(city, mail_server):
    db, org, service = city
    filed = _file(service, org.key, text="Не горит фонарь у дома 5 по улице Ленина")
    _operator(service, filed["id"], "answer", {"text": "Фонарь заменён."})
    path = "/s/" + filed["tracking_url"].rsplit("/", 1)[1]
    with _citizen(service) as citizen:
        reply = citizen.post(
            path + "/verdict",
            data={"solved": "no", "rating": "2", "comment": "Фонарь мигает и гаснет по ночам"},
        )
        assert reply.status_code == 303
        repeat_page = citizen.get(reply.headers["location"]).text
    repeat_number = re.search(r"MANTUROVO-2026-\d+", repeat_page.split("<h1>", 1)[1]).group(0)
    assert repeat_number != filed["number"]
    assert "Повторное к обращению" in repeat_page and filed["number"] in repeat_page
    first = _status(service, filed)
    assert first["status"] == "not_resolved" and first["repeats"] == [repeat_number]
    with signed_in(service.url, "op@manturovo.example.ru") as console:
        page = console.get(f"/console/appeals/{filed['id']}").text
        assert repeat_number in page and "не решено, 2/5" in page
        repeat_id = re.search(r'id="appeal-repeats"><a href="/console/appeals/([^"]+)"', page)[1]
        repeat = console.get(f"/console/appeals/{repeat_id}").text
        board = console.get("/console/board.json").json()
    assert filed["number"] in repeat and "Фонарь мигает и гаснет по ночам" in repeat
    [cell] = [c for row in board["rows"] for c in row["cells"].values() if c.get("count")]
    assert cell["parts"]["repeats"] == 0.5  # one of the two appeals is a repeat
    registered = mail_server.wait_for("anna@example.ru", 4)  # registered, answered, closed, repeat
    assert any(repeat_number in m["Subject"] for m in registered)
    types = [e["type"] for e in events(db) if e["appeal_id"] == filed["id"]]
    assert "rated" in types and "repeated" in types


def test_the_problem_is_back_files_one_repeat_while_that_repeat_is_open(city):
    """A double click, a form sent again after a slow answer, or anyone holding the link must
    not file a second repeat appeal (its own number, queue message and e-mail) while the first
    one is still being handled; the page stops offering the form."""
    db, org, service = city
    filed = _file(service, org.key)
    _operator(service, filed["id"], "answer", {"text": "Фонарь заменён."})
    path = "/s/" + filed["tracking_url"].rsplit("/", 1)[1]
    with _citizen(service) as citizen:
        citizen.post(path + "/verdict", data={"solved": "yes", "rating": "4"})
        first = citizen.post(path + "/repeat", data={"text": "Фонарь снова не горит вечером"})
        assert first.status_code == 303
        again = citizen.post(path + "/repeat", data={"text": "Фонарь снова не горит вечером"})
        assert again.status_code == 409, again.text
        assert 'action="' + path + '/repeat"' not in citizen.get(path).text
    status = _status(service, filed)
    assert len(status["repeats"]) == 1 and status["can_repeat"] is False
    assert "tracking-repeat-open" in [e["reason"] for e in events(db) if e["type"] == "rejected"]


def test_a_not_solved_comment_over_the_limit_files_nothing(city):
    """ "Not solved" makes its comment the repeat appeal's text: a comment longer than the
    verdict form takes is refused with the appeal form's own field error — beside the field on
    the page, in the problem's errors in JSON — instead of becoming an appeal far past the
    length every consumer is promised."""
    db, org, service = city
    filed = _file(service, org.key)
    _operator(service, filed["id"], "answer", {"text": "Фонарь заменён."})
    token = filed["tracking_url"].rsplit("/", 1)[1]
    long_comment = "Фонарь мигает. " * 134  # 2,010 characters
    with _citizen(service) as citizen:
        page = citizen.post(
            f"/s/{token}/verdict", data={"solved": "no", "rating": "2", "comment": long_comment}
        )
    assert page.status_code == 422, page.text[:300]
    beside = re.search(r'<p class="field-error" id="verdict-comment-error">([^<]*)</p>', page.text)
    assert beside and beside[1] == "Не длиннее 2000 символов."
    assert 'aria-describedby="verdict-comment-error"' in page.text
    assert long_comment.strip() in page.text  # what she wrote is kept to shorten, not retyped
    api = httpx.post(
        f"{service.url}/api/v1/status/{token}/verdict",
        json={"solved": False, "rating": 2, "comment": "lamp is out " * 5_000},
    )
    assert api.status_code == 422
    assert api.headers["content-type"].startswith("application/problem+json")
    [error] = api.json()["errors"]
    assert (error["field"], error["code"]) == ("comment", "too-long")
    status = _status(service, filed)
    assert status["status"] == "answered" and status["repeats"] == [] and status["can_rate"]
    with store(db) as conn:
        assert conn.execute("SELECT count(*) FROM appeals").fetchone()[0] == 1
    reasons = [e["reason"] for e in events(db) if e["type"] == "rejected"]
    assert reasons.count("validation comment:too-long") == 2


def test_not_solved_while_a_repeat_is_open_files_no_second_one(city):
    """ "The problem is back" refuses while an earlier repeat is open; "not solved" after it
    must too, or one problem is worked twice under two numbers."""
    db, org, service = city
    filed = _file(service, org.key)
    _operator(service, filed["id"], "answer", {"text": "Фонарь заменён."})
    api = f"{service.url}/api/v1/status/{filed['tracking_url'].rsplit('/', 1)[1]}"
    back = httpx.post(api + "/repeat", json={"text": "Фонарь снова не горит вечером"})
    assert back.status_code == 200, back.text
    verdict = httpx.post(
        api + "/verdict", json={"solved": False, "rating": 1, "comment": "Так и не горит"}
    )
    assert verdict.status_code == 409, verdict.text
    assert verdict.json()["detail"] == (
        "Повторное обращение по этой проблеме уже подано и ещё рассматривается."
    )
    status = _status(service, filed)
    assert len(status["repeats"]) == 1 and status["status"] == "answered"
    assert "tracking-repeat-open" in [e["reason"] for e in events(db) if e["type"] == "rejected"]


@pytest.mark.service_env(POS_REPEAT_DAYS="0")
def test_a_repeat_after_the_period_is_refused(city):
    db, org, service = city
    filed = _file(service, org.key)
    _operator(service, filed["id"], "answer", {"text": "Фонарь заменён."})
    path = "/s/" + filed["tracking_url"].rsplit("/", 1)[1]
    time.sleep(1)
    with _citizen(service) as citizen:
        citizen.post(path + "/verdict", data={"solved": "yes", "rating": "4"})
        late = citizen.post(path + "/repeat", data={"text": "Фонарь снова не горит вечером"})
    assert late.status_code == 409 and "истёк" in late.text
    assert _status(service, filed)["repeats"] == []
    assert "tracking-late" in [e["reason"] for e in events(db) if e["type"] == "rejected"]


def test_a_question_answered_and_a_question_left_unanswered(city, mail_server):
    db, org, service = city
    filed = _file(service, org.key)
    asked = _operator(service, filed["id"], "clarify", {"question": "Какой номер опоры?"})
    assert asked.status_code == 303
    question = [
        m for m in mail_server.wait_for("anna@example.ru", 2) if "уточнение" in m["Subject"]
    ]
    assert "Какой номер опоры?" in text_of(question[0])
    path = "/s/" + filed["tracking_url"].rsplit("/", 1)[1]
    with _citizen(service) as citizen:
        page = citizen.get(path).text
        assert "Какой номер опоры?" in page and "Запрошено уточнение" in page
        answered = citizen.post(path + "/clarification", data={"text": "Опора № 17"})
        assert answered.status_code == 303
        again = citizen.post(path + "/clarification", data={"text": "Опора № 18"})
        assert again.status_code == 409
    assert _status(service, filed)["status"] == "in_progress"
    with signed_in(service.url, "op@manturovo.example.ru") as console:
        assert "Опора № 17" in console.get(f"/console/appeals/{filed['id']}").text

    _operator(service, filed["id"], "clarify", {"question": "А какой подъезд?"})
    with store(db) as conn:  # the clock moves past the question's date
        conn.execute("UPDATE appeals SET clarify_due = '2020-01-01' WHERE id = ?", (filed["id"],))
    deadline = time.monotonic() + 15
    while _status(service, filed)["status"] != "not_clarified" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _status(service, filed)["status_title"] == "Закрыто: уточнение не получено"
    closed = mail_server.wait_for("anna@example.ru", 4)
    assert any("закрыто" in m["Subject"] for m in closed)


@pytest.mark.service_env(POS_VERDICT_DAYS="0")
def test_an_answer_without_a_word_from_the_citizen_counts_as_resolved(city):
    db, org, service = city
    filed = _file(service, org.key)
    _operator(service, filed["id"], "answer", {"text": "Фонарь заменён."})
    deadline = time.monotonic() + 15
    while _status(service, filed)["status"] != "resolved" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _status(service, filed)["status"] == "resolved"
    by = [e["data"].get("by") for e in events(db) if e["type"] == "status"]
    assert by == ["system"]


def test_an_appeal_answered_again_after_reopening_waits_for_the_citizen_again(city):
    """The confirmation period runs from the answer the citizen is reading: an appeal reopened
    and answered again (the first answer's time kept for the statistics) must not be counted
    resolved at once because its first answer was long ago."""
    db, org, service = city
    filed = _file(service, org.key)
    _operator(service, filed["id"], "answer", {"text": "Фонарь заменён."})
    # the clock moves past the period of the first answer: a month ago, not years (an appeal
    # closed more than POS_RETENTION_YEARS ago has its citizen's data erased by the worker)
    long_ago = (datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with store(db) as conn:
        conn.execute(
            "UPDATE appeals SET answered_at = ?, updated_at = ? WHERE id = ?",
            (long_ago, long_ago, filed["id"]),
        )
    deadline = time.monotonic() + 15
    while _status(service, filed)["status"] != "resolved" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _status(service, filed)["status"] == "resolved"
    reopened = _operator(service, filed["id"], "status", {"status": "in_progress"})
    assert reopened.status_code == 303
    again = _operator(service, filed["id"], "answer", {"text": "Заменили и провод."})
    assert again.status_code == 303
    time.sleep(5)  # the periods job looks every 2 s
    status = _status(service, filed)
    assert status["status"] == "answered" and status["can_rate"] is True
    by = [e["data"].get("by") for e in events(db) if e["type"] == "status"]
    assert by.count("system") == 1
    # the page dates the answer she reads, and "not solved" may still file a repeat: the
    # repeat period runs from that answer too, not from the first one years ago
    assert status["answer"]["text"] == "Заменили и провод." and status["can_repeat"] is True
    assert not status["answer"]["at"].startswith(long_ago[:10])
    with _citizen(service) as citizen:
        path = "/s/" + filed["tracking_url"].rsplit("/", 1)[1]
        verdict = citizen.post(path + "/verdict", data={"solved": "no", "rating": "2"})
        assert verdict.status_code == 303, verdict.text
    assert _status(service, filed)["repeats"]


def test_an_official_appeals_deadline_is_extended_once_with_a_reason(city):
    _db, org, service = city
    filed = _file(service, org.key, kind="official")
    before = _status(service, filed)
    assert before["register_due"] and before["answer_due"]
    extended = _operator(
        service, filed["id"], "extend", {"reason": "Нужна проверка с выездом на место"}
    )
    assert extended.status_code == 303
    after = _status(service, filed)
    assert after["answer_due"] > before["answer_due"]
    assert after["extension_reason"] == "Нужна проверка с выездом на место"
    again = _operator(service, filed["id"], "extend", {"reason": "Ещё раз"})
    assert again.status_code == 422 and "один раз" in again.text
    with _citizen(service) as citizen:
        page = citizen.get("/s/" + filed["tracking_url"].rsplit("/", 1)[1]).text
    assert "Нужна проверка с выездом на место" in page


def test_a_forged_tracking_link_acts_on_nothing(city):
    db, _org, service = city
    with _citizen(service) as citizen:
        forged = citizen.post("/s/not-a-token/verdict", data={"solved": "yes", "rating": "5"})
        api = httpx.post(f"{service.url}/api/v1/status/forged.x/verdict", json={"rating": 5})
    assert forged.status_code == api.status_code == 404
    assert [e["reason"] for e in events(db) if e["type"] == "rejected"].count(
        "tracking-unknown"
    ) == 2


def test_the_pages_forms_are_read_within_the_body_limit_and_too_many_fields_is_a_page(city):
    """The tracking page's forms are read no further than a JSON body (413, not a megabyte
    in memory), and a post with more fields than a form has is the page saying so (422), not
    a 400 titled "internal error"."""
    db, org, service = city
    filed = _file(service, org.key)
    path = "/s/" + filed["tracking_url"].rsplit("/", 1)[1] + "/verdict"
    with _citizen(service) as citizen:
        huge = citizen.post(path, data={"rating": "5", "comment": "о" * 100_000})
        crowded = citizen.post(path, data={f"field{i}": "1" for i in range(11)})
    assert huge.status_code == 413
    assert huge.headers["content-type"].startswith("text/html")
    assert "Запрос слишком большой" in huge.text
    assert crowded.status_code == 422
    assert crowded.headers["content-type"].startswith("text/html")
    assert "Форма пришла с полями, которых в ней нет" in crowded.text
    reasons = [e["reason"] for e in events(db) if e["type"] == "rejected"]
    assert "payload-too-large" in reasons


def test_a_backlog_of_answers_past_their_period_is_resolved_in_small_batches(city):
    """After an upgrade (or a stopped service) many answers may be past the citizen's period at
    once: they are resolved a few at a time (each batch a short write beside intake's), the
    next batch soon after a full one, and the log says so in one line, not one a batch."""
    db, org, service = city
    filed = [_file(service, org.key) for _ in range(25)]
    with httpx.Client(base_url=service.url, headers=bearer(org.key), timeout=10) as client:
        for n, appeal_filed in enumerate(filed):
            path = f"/api/v1/appeals/{appeal_filed['id']}"
            for step, body in (("status", {"status": "in_progress"}), ("answer", {"text": "Ok"})):
                reply = client.post(
                    f"{path}/{step}", json=body, headers={"Idempotency-Key": f"{step}-{n}"}
                )
                assert reply.status_code == 200, reply.text
    long_ago = (datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with store(db) as conn:  # every answer past its period at once
        conn.execute("UPDATE appeals SET answered_at = ?, updated_at = ?", (long_ago, long_ago))
    started = time.monotonic()
    deadline = started + 20
    while time.monotonic() < deadline and any(
        _status(service, f)["status"] != "resolved" for f in filed
    ):
        time.sleep(0.2)
    assert [_status(service, f)["status"] for f in filed] == ["resolved"] * 25
    # three batches (10, 10, 5), a quarter of a second apart: seconds, not a look every 2 s each
    assert time.monotonic() - started < 8
    wait_for_line = time.monotonic() + 5
    while "periods: 25 answer(s)" not in service.log() and time.monotonic() < wait_for_line:
        time.sleep(0.1)
    lines = [line for line in service.log().splitlines() if "answer(s) now resolved" in line]
    assert len(lines) == 1 and "periods: 25 answer(s) now resolved" in lines[0], lines
    # the batches, by the times of the system's status events: groups a pause apart
    times = sorted(
        datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
        for e in events(db)
        if e["type"] == "status" and e["data"].get("by") == "system"
    )
    assert len(times) == 25
    pauses = [b - a for a, b in pairwise(times) if b - a > timedelta(seconds=0.15)]
    assert len(pauses) >= 2, times
