"""An organisation's admin manages its people in the console: adds them with a one-time password,
disables, resets, changes roles — and reaches no one outside their organisations."""

from __future__ import annotations

import re

import httpx
from console_helpers import add_user, signed_in

from conftest import events, make_org, run_cli

NEW_PASSWORD = "my-own-password-7"


def _one_time(page: str) -> str:
    return re.search(r'<code id="one-time-password">([^<]+)</code>', page).group(1)


def _user_id(page: str, email: str) -> str:
    row = page.split(email, 1)[1]
    return re.search(r'action="/console/users/(\d+)"', row).group(1)


def _sign_in_once(url: str, email: str, password: str) -> httpx.Response:
    return httpx.post(
        url + "/console/signin",
        data={"email": email, "password": password},
        headers={"Origin": url},
    )


def test_an_admin_adds_an_operator_who_must_choose_a_password(db, org, service):
    add_user(db, "admin@demo.example.ru", "demo", role="admin")
    with signed_in(service.url, "admin@demo.example.ru") as admin:
        page = admin.get("/console/users")
        assert page.status_code == 200 and "Добавить пользователя" in page.text
        made = admin.post_form(
            "/console/users",
            {"email": "new@demo.example.ru", "name": "Ольга", "role": "operator", "org": "demo"},
        )
        assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
        password = _one_time(made.text)
        assert "new@demo.example.ru" in made.text and "Ольга" in made.text
        assert password not in admin.get("/console/users").text  # shown once

    signed = _sign_in_once(service.url, "new@demo.example.ru", password)
    assert signed.status_code == 303 and signed.headers["location"] == "/console/password"
    with signed_in(service.url, "new@demo.example.ru", password) as newcomer:
        assert newcomer.get("/console/site").status_code == 303  # choose a password first
        changed = newcomer.post_form(
            "/console/password",
            {"current": password, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        )
        assert changed.status_code == 303
    with signed_in(service.url, "new@demo.example.ru", NEW_PASSWORD) as newcomer:
        assert newcomer.get("/console/site").status_code == 200
        assert newcomer.get("/console/users").status_code == 404  # an operator: no such page
    added = [e for e in events(db) if e["type"] == "user_changed"]
    assert added[-1]["data"] == {
        "email": "new@demo.example.ru",
        "change": "added",
        "by": "admin@demo.example.ru",
    }


def test_disabling_ends_the_sessions_and_a_reset_gives_a_new_one_time_password(db, org, service):
    add_user(db, "admin@demo.example.ru", "demo", role="admin")
    add_user(db, "ops@demo.example.ru", "demo")
    with (
        signed_in(service.url, "admin@demo.example.ru") as admin,
        signed_in(service.url, "ops@demo.example.ru") as ops,
    ):
        user_id = _user_id(admin.get("/console/users").text, "ops@demo.example.ru")
        disabled = admin.post_form(f"/console/users/{user_id}", {"action": "disable"})
        assert disabled.status_code == 303
        assert ops.get("/console/site").status_code == 303  # back to sign-in
        assert "отключён" in admin.get("/console/users").text
        assert admin.post_form(f"/console/users/{user_id}", {"action": "enable"}).status_code == 303

        role = admin.post_form(f"/console/users/{user_id}", {"action": "role", "role": "admin"})
        assert role.status_code == 303
        bad_role = admin.post_form(
            f"/console/users/{user_id}", {"action": "role", "role": "platform"}
        )
        assert bad_role.status_code == 422

        reset = admin.post_form(f"/console/users/{user_id}", {"action": "reset"})
        password = _one_time(reset.text)
    signed = _sign_in_once(service.url, "ops@demo.example.ru", password)
    assert signed.headers["location"] == "/console/password"
    changes = [e["data"]["change"] for e in events(db) if e["type"] == "user_changed"]
    assert changes[-4:] == ["disabled", "enabled", "role admin", "reset"]
    listed = run_cli(db, "user", "list").stdout
    assert re.search(r"ops@demo.example.ru\s+demo\s+admin, must change password", listed)


def test_an_admin_cannot_disable_themself(db, org, service):
    add_user(db, "admin@demo.example.ru", "demo", role="admin")
    with signed_in(service.url, "admin@demo.example.ru") as admin:
        page = admin.get("/console/users").text
        assert "это вы" in page and "/console/users/1" not in page  # no forms on one's own row
        # The admin's own account is the only one, so the first made: id 1.
        refused = admin.post_form("/console/users/1", {"action": "disable"})
        assert refused.status_code == 422 and "Свою учётную запись" in refused.text
        assert admin.get("/console/users").status_code == 200  # still signed in


def test_an_admin_reaches_no_one_outside_their_organisations(db, org, service):
    make_org(db, "other", "https://other.example.ru")
    add_user(db, "admin@demo.example.ru", "demo", role="admin")
    add_user(db, "ops@other.example.ru", "other")
    add_user(db, "root@example.ru", platform=True)
    with signed_in(service.url, "root@example.ru") as root:
        page = root.get("/console/users").text
        other_id = _user_id(page, "ops@other.example.ru")
    with signed_in(service.url, "admin@demo.example.ru") as admin:
        page = admin.get("/console/users").text
        assert "ops@other.example.ru" not in page and "root@example.ru" not in page
        assert 'value="other"' not in page  # not among the organisations to add to
        for user_id in (other_id, "3"):  # another org's operator; the platform admin
            for action in ("disable", "reset", "enable"):
                refused = admin.post_form(f"/console/users/{user_id}", {"action": action})
                assert refused.status_code == 404
        assert admin.post_form("/console/users/9999", {"action": "disable"}).status_code == 404
        foreign = admin.post_form(
            "/console/users",
            {"email": "x@other.example.ru", "role": "admin", "org": "other"},
        )
        assert foreign.status_code == 404
        platform = admin.post_form(
            "/console/users",
            {"email": "p@demo.example.ru", "role": "platform", "org": "demo"},
        )
        assert platform.status_code == 422
    with signed_in(service.url, "ops@other.example.ru") as still:
        assert still.get("/console/site").status_code == 200
    assert "x@other.example.ru" not in run_cli(db, "user", "list").stdout


def test_a_region_admin_adds_a_user_to_a_child_org(db, org, service):
    run_cli(db, "org", "add", "school", "--name", "Школа №1", "--parent", "demo")
    add_user(db, "admin@demo.example.ru", "demo", role="admin")
    with signed_in(service.url, "admin@demo.example.ru") as admin:
        made = admin.post_form(
            "/console/users",
            {"email": "head@school.example.ru", "role": "admin", "org": "school"},
        )
        assert made.status_code == 200 and _one_time(made.text)
    listed = run_cli(db, "user", "list").stdout
    assert re.search(r"head@school.example.ru\s+school\s+admin", listed)


def test_an_id_past_what_a_row_can_have_is_no_such_page_not_a_server_error(db, org, service):
    """A path's row number of 30 digits used to reach the database, which cannot bind it: 500."""
    add_user(db, "admin@demo.example.ru", "demo", role="admin")
    huge = "9" * 30
    with signed_in(service.url, "admin@demo.example.ru") as admin:
        for path in (f"/console/users/{huge}", f"/console/templates/{huge}/delete"):
            answer = admin.post_form(path, {"action": "disable"})
            assert answer.status_code == 404, (path, answer.status_code, answer.text[:200])
        assert admin.post_form("/console/users/1²", {"action": "disable"}).status_code == 404
    assert "Traceback" not in service.log()
