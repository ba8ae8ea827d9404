"""An operator handles an appeal in the console's one panel — status with the reason the citizen
reads, assignee, importance, a note and the answer, one save — and the citizen's tracking page and
e-mail show the public part at once; a second answer asks to be confirmed."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from console_helpers import PASSWORD, add_user, signed_in, unique
from test_console_appeal import file_appeal, tracking, tracking_json
from waiting import wait_until

from conftest import (
    events,
    serious_violations,
)

# One server and store for the module (tests/conftest.py, `module_service`): each story handles
# appeals it filed itself, signs in with accounts of its own (`unique`) and reads only the events
# of its appeals and accounts; the one that changes a topic's settings does so in an organisation
# of its own. No intake or sign-in limits (all comes from 127.0.0.1), and a form may be sent at
# once (the photo story sends one).
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0",
    POS_RATE_LIMIT_ADDRESS="0",
    POS_RATE_LIMIT_ORG="0",
    POS_CONSOLE_SIGNIN_ADDRESS="0",
    POS_FORM_MIN_SECONDS="0",
)


def add_template(console, title: str, body: str, category: str = "") -> int:
    page = console.get("/console/templates")
    org_id = re.search(r'<option value="(\d+)" selected', page.text).group(1)
    added = console.post_form(
        "/console/templates",
        {"org": org_id, "category": category, "title": title, "body": body},
    )
    assert added.status_code == 303, added.text
    listed = console.get(added.headers["location"])
    assert "Шаблон добавлен" in listed.text and title in listed.text
    row = rf"<td>{re.escape(html.escape(title))}</td>.*?/console/templates/(\d+)/delete"
    return int(re.search(row, listed.text, re.S).group(1))


def panel(page: str, **changes: str) -> dict[str, str]:
    """The handling form as the page fills it (what a browser would send untouched), with the
    operator's `changes`."""
    chosen = {}
    for name, select in (
        ("status", "move-to"),
        ("assignee", "assign-to"),
        ("severity", "severity"),
    ):
        options = re.search(rf'<select id="{select}"[^>]*>(.*?)</select>', page, re.S).group(1)
        picked = re.search(r'<option value="([^"]*)" selected>', options)
        chosen[name] = html.unescape(picked.group(1)) if picked else ""
    return {**chosen, "reason": "", "note": "", "text": "", "template_title": "", **changes}


def selected_label(page: str, select: str) -> str:
    options = re.search(rf'<select id="{select}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return html.unescape(re.search(r"<option [^>]*selected>([^<]*)<", options).group(1))


def answer_box(page: str) -> str:
    return html.unescape(
        re.search(r'<textarea id="answer-text"[^>]*>([^<]*)</textarea>', page).group(1)
    )


def test_operator_answers_from_a_template_and_the_citizen_reads_it(db, org, service, request):
    boss_email = add_user(db, unique(request, "boss@demo.example.ru"), "demo", role="admin")
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    filed = file_appeal(service.url, org.key)
    with signed_in(service.url, boss_email) as boss:
        template = add_template(
            boss,
            "Фонарь починен",
            "Уважаемый(ая) {name}! По обращению {number} фонарь заменён.",
            "street_lighting",
        )
    with signed_in(service.url, ops_email) as ops:
        page = ops.get(filed["path"])
        assert page.status_code == 200
        text = page.text
        assert filed["number"] in text and "Не горит фонарь" in text and "Принято" in text
        assert "58.326500, 44.765200" in text
        assert 'href="https://www.openstreetmap.org/?mlat=58.326500&amp;mlon=44.765200' in text
        assert 'target="_blank" rel="noopener noreferrer"' in text
        assert "https://demo.example.ru/contacts" in text  # the page it was sent from
        assert "ivan@example.ru" not in text  # the contact only on request
        # words, not codes: how it came, where it goes
        assert '<dd id="appeal-channel">API</dd>' in text
        assert "<td>Очередь для системы организации</td>" in text and ">embedded<" not in text
        assert selected_label(text, "move-to") == "Принято (сейчас)"

        # one save: assignee and severity together, one history entry each
        saved = ops.post_form(
            filed["path"] + "/handle", panel(text, assignee="me", severity="high")
        )
        assert saved.status_code == 303 and saved.headers["location"].endswith("#notice")
        page = ops.get(saved.headers["location"]).text
        assert "Исполнитель изменён. Важность изменена." in page
        assert f'id="appeal-assignee">{ops_email}<' in page and ">Высокий<" in page
        # the form now stands where the appeal does: saved untouched, it changes nothing
        assert selected_label(page, "assign-to") == f"мне ({ops_email})"
        assert selected_label(page, "severity") == "Высокий"
        before = len([e for e in events(db) if e["appeal_id"] == filed["id"]])
        again = ops.post_form(filed["path"] + "/handle", panel(page))
        assert "Изменений нет" in ops.get(again.headers["location"]).text
        assert len([e for e in events(db) if e["appeal_id"] == filed["id"]]) == before

        picked = ops.get(filed["path"], params={"template": template})
        filled = answer_box(picked.text)
        # the name stays a placeholder in the console: only the citizen's own page fills it in
        assert filled == f"Уважаемый(ая) {{name}}! По обращению {filed['number']} фонарь заменён."
        assert "{name} в тексте — имя заявителя" in picked.text  # and the page says so
        sent = ops.post_form(
            filed["path"] + "/handle",
            panel(picked.text, text=filled, template_title="Фонарь починен"),
        )
        assert sent.status_code == 303
        page = ops.get(sent.headers["location"]).text
        assert "Ответ отправлен заявителю" in page
        assert 'id="appeal-status">Дан ответ<' in page
        assert answer_box(page) == ""  # the box is empty again; the answer is in the history
        shown = f"Уважаемый(ая) ‹имя заявителя›! По обращению {filed['number']} фонарь заменён."
        assert f'<span class="detail">{shown}</span>' in html.unescape(page)
        assert "Отправить ещё один ответ" in page

        # a second answer must be meant: without the tick it is refused, and nothing is lost
        second = panel(page, text="Дополнение: опора тоже окрашена.", note="Проверил лично")
        refused = ops.post_form(filed["path"] + "/handle", second)
        assert refused.status_code == 422
        assert "Ответ уже отправлен. Чтобы отправить ещё один" in refused.text
        assert answer_box(refused.text) == "Дополнение: опора тоже окрашена."
        assert ">Проверил лично</textarea>" in refused.text
        confirmed = ops.post_form(filed["path"] + "/handle", {**second, "again": "yes"})
        assert confirmed.status_code == 303
        assert (
            "Заметка добавлена. Ответ отправлен заявителю."
            in ops.get(confirmed.headers["location"]).text
        )

    citizen = tracking(filed).text
    assert "Дан ответ" in citizen and "опора тоже окрашена" in citizen
    assert re.search(r"Принято</li>\s*<li>.*Дан ответ</li>", citizen)
    for private in (ops_email, boss_email, "Высокий", "ivan@example.ru", "Проверил лично"):
        assert private not in citizen
    view = tracking_json(filed)
    assert view["status"] == "answered" and view["status_type"] == "closed"
    assert view["answer"]["text"] == "Дополнение: опора тоже окрашена."

    handled = [e for e in events(db) if e["appeal_id"] == filed["id"]]
    kinds = {e["type"]: e["data"] for e in handled}
    assert kinds["assigned"] == {"to": ops_email, "by": ops_email, "number": filed["number"]}
    assert kinds["severity"]["from"] is None and kinds["severity"]["to"] == "high"
    assert [e["type"] for e in handled].count("assigned") == 1
    answers = [e["data"] for e in handled if e["type"] == "answered"]
    assert [a["template"] for a in answers] == ["Фонарь починен", None]
    changed = [
        e for e in events(db) if e["type"] == "site_changed" and e["data"]["by"] == boss_email
    ]
    assert [e["data"]["change"] for e in changed] == ["template-added"]


def test_every_status_change_keeps_the_reason_the_citizen_reads(db, org, service, request):
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    filed = file_appeal(service.url, org.key)
    with signed_in(service.url, ops_email) as ops:
        page = ops.get(filed["path"]).text
        illegal = ops.post_form(filed["path"] + "/handle", panel(page, status="resolved"))
        assert illegal.status_code == 422
        assert "Переход из статуса «Принято» в «Решено» не разрешён" in illegal.text
        # a reason with no new status would be lost: refused, with what was written kept
        lone = ops.post_form(filed["path"] + "/handle", panel(page, reason="Ждём подрядчика"))
        assert lone.status_code == 422 and "выберите новый статус" in lone.text
        assert ">Ждём подрядчика</textarea>" in lone.text
        moved = ops.post_form(
            filed["path"] + "/handle",
            panel(
                page,
                status="in_progress",
                reason="Заявка передана в управляющую компанию",
                note="Позвонить в ЖЭУ",
            ),
        )
        assert moved.status_code == 303
        page = ops.get(moved.headers["location"]).text
        assert "Заметка добавлена. Статус изменён." in page
        # the form stands at the current status, not at the first move from it
        assert selected_label(page, "move-to") == "В работе (сейчас)"
        assert "причина: Заявка передана в управляющую компанию" in page  # the history
        assert 'id="appeal-status-reason">Причина (видна заявителю): Заявка передана' in page
        no_reason = ops.post_form(filed["path"] + "/handle", panel(page, status="rejected"))
        assert no_reason.status_code == 422 and "укажите причину" in no_reason.text
        rejected = ops.post_form(
            filed["path"] + "/handle",
            panel(page, status="rejected", reason="Вопрос не относится к ведению администрации"),
        )
        assert rejected.status_code == 303
        assert ops.post_form(filed["path"] + "/note", {"text": "Секрет"}).status_code == 303
        page = ops.get(filed["path"]).text
        assert "Позвонить в ЖЭУ" in page and "Секрет" in page  # the operators' history
    citizen = tracking(filed).text
    assert "Отклонено" in citizen and "Вопрос не относится к ведению администрации" in citizen
    assert re.search(
        r"Принято</li>\s*<li>.*В работе<br><span class=\"muted\">"
        r"Заявка передана в управляющую компанию</span></li>\s*<li>.*Отклонено",
        citizen,
    )
    assert "Позвонить в ЖЭУ" not in citizen and "Секрет" not in citizen
    view = tracking_json(filed)
    assert view["status_reason"] == "Вопрос не относится к ведению администрации"
    handled = [e for e in events(db) if e["appeal_id"] == filed["id"]]
    moves = [e["data"] for e in handled if e["type"] == "status"]
    assert moves[0] == {
        "from": "accepted",
        "to": "in_progress",
        "reason": "Заявка передана в управляющую компанию",
        "by": ops_email,
        "number": filed["number"],
    }
    notes = [e["data"]["text"] for e in handled if e["type"] == "note"]
    assert notes == ["Позвонить в ЖЭУ", "Секрет"]


def test_the_one_part_status_form_still_keeps_its_note(db, org, service, request):
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    filed = file_appeal(service.url, org.key)
    with signed_in(service.url, ops_email) as ops:
        moved = ops.post_form(
            filed["path"] + "/status",
            {"status": "in_progress", "reason": "Начали работу", "note": "Позвонить в ЖЭУ"},
        )
        assert moved.status_code == 303
    assert tracking_json(filed)["status_reason"] == "Начали работу"
    [move] = [
        e["data"] for e in events(db) if e["type"] == "status" and e["appeal_id"] == filed["id"]
    ]
    assert move["note"] == "Позвонить в ЖЭУ" and move["reason"] == "Начали работу"


@pytest.mark.same_on_every_engine(
    "the appeal page's panel in the browser; the handling it sends is the stories above, on PostgreSQL too"
)
def test_an_operator_answers_in_the_browser(db, org, service, browser, request, tmp_path):
    shots = Path(os.environ.get("POS_SCREENSHOTS", tmp_path))
    boss = add_user(db, unique(request, "boss@demo.example.ru"), "demo", role="admin")
    filed = file_appeal(service.url, org.key)
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        tab.goto(service.url + "/console/signin?next=/console/templates")
        tab.fill("#email", boss)
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url("**/console/templates")
        tab.select_option("#tpl-category", "street_lighting")
        tab.fill("#tpl-title", "Отремонтировано")
        tab.fill("#tpl-body", "{name}, по обращению {number} освещение восстановлено.")
        tab.click("button:has-text('Добавить шаблон')")
        tab.wait_for_selector("text=Шаблон добавлен.")
        assert serious_violations(tab) == []

        tab.goto(service.url + filed["path"])
        assert tab.text_content("#appeal-status") == "Принято"
        # choosing in the list changes nothing by itself (no reload on the arrow keys)…
        tab.focus("#template")
        tab.keyboard.press("ArrowDown")
        assert tab.input_value("#template") != "" and tab.input_value("#answer-text") == ""
        assert tab.evaluate("performance.getEntriesByType('navigation').length") == 1
        # …the visible "Use template" button puts it in the box
        use = tab.locator("#template-use")
        box = use.bounding_box()
        assert box and box["width"] > 20 and box["height"] > 20  # never an invisible stop
        tab.select_option("#template", label="Отремонтировано")
        use.click()
        draft = f"{{name}}, по обращению {filed['number']} освещение восстановлено."
        assert tab.input_value("#answer-text") == draft
        assert tab.evaluate("document.activeElement.id") == "answer-text"
        tab.select_option("#assign-to", boss)
        tab.click("#panel button.primary")
        tab.wait_for_selector("text=Ответ отправлен заявителю.")
        # the notice says what was saved and holds the focus, in view
        # the page's script moves the focus once it has run: looked for, not assumed at load
        wait_until(lambda: tab.evaluate("document.activeElement.id") == "notice", what="focus")
        assert tab.evaluate("document.getElementById('notice').getBoundingClientRect().top") >= 0
        assert tab.text_content("#notice") == "Исполнитель изменён. Ответ отправлен заявителю."
        assert tab.text_content("#appeal-status") == "Дан ответ"
        shown = f"‹имя заявителя›, по обращению {filed['number']} освещение восстановлено."
        assert tab.text_content("#appeal-answer") == shown
        assert tab.input_value("#answer-text") == ""
        assert tab.input_value("#assign-to") == boss
        assert tab.locator("#again").is_visible()
        expected = f"Иван Петров, по обращению {filed['number']} освещение восстановлено."
        assert expected in tracking(filed).text
        assert serious_violations(tab) == []
        assert tab.evaluate("document.documentElement.scrollWidth") <= 1280
        tab.screenshot(path=str(shots / "appeal-1280.png"), full_page=True)

        tab.set_viewport_size({"width": 390, "height": 844})  # a phone: no sideways scroll
        tab.reload()
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        assert serious_violations(tab) == []
        tab.screenshot(path=str(shots / "appeal-390.png"), full_page=True)
        tab.locator("#handling").screenshot(path=str(shots / "appeal-390-handling.png"))
        tab.goto(filed["tracking_url"])
        assert tab.text_content("#answer-text") == expected
        assert serious_violations(tab) == []
    finally:
        context.close()
