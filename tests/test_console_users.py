"""An organisation's admin manages its people in the console: adds them with a one-time password,
disables, resets, changes roles — and reaches no one outside their organisations."""

from __future__ import annotations

import re

import httpx
import pytest
from console_helpers import add_user, own_org, signed_in, unique

from conftest import events, run_cli, store

# One server and store for the module (tests/conftest.py, `module_service`): each story works
# with accounts and organisations of its own (`unique`, `own_org`) and reads only their events.
# The sign-in limit per address is off: every story signs in from 127.0.0.1.
pytestmark = pytest.mark.shared_service(POS_CONSOLE_SIGNIN_ADDRESS="0")

NEW_PASSWORD = "my-own-password-7"


def _one_time(page: str) -> str:
    return re.search(r'<code id="one-time-password">([^<]+)</code>', page).group(1)


def _user_id(page: str, email: str) -> str:
    row = page.split(email, 1)[1]
    return re.search(r'action="/console/users/(\d+)"', row).group(1)


def _account_id(db, email: str) -> int:
    """An account's row number, read from the store: the console shows no one their own, and
    on a shared store it is not known beforehand."""
    with store(db) as conn:
        return conn.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]


def _changes(db, email: str) -> list[dict]:
    """What the log holds of changes to the account `email`."""
    return [
        e["data"] for e in events(db) if e["type"] == "user_changed" and e["data"]["email"] == email
    ]


def _sign_in_once(url: str, email: str, password: str) -> httpx.Response:
    return httpx.post(
        url + "/console/signin",
        data={"email": email, "password": password},
        headers={"Origin": url},
    )


def test_an_admin_adds_an_operator_who_must_choose_a_password(db, org, service, request):
    admin_email = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    new = unique(request, "new@demo.example.ru")
    with signed_in(service.url, admin_email) as admin:
        page = admin.get("/console/users")
        assert page.status_code == 200 and "Добавить пользователя" in page.text
        made = admin.post_form(
            "/console/users", {"email": new, "name": "Ольга", "role": "operator", "org": "demo"}
        )
        assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
        password = _one_time(made.text)
        assert new in made.text and "Ольга" in made.text
        assert password not in admin.get("/console/users").text  # shown once

    signed = _sign_in_once(service.url, new, password)
    assert signed.status_code == 303 and signed.headers["location"] == "/console/password"
    with signed_in(service.url, new, password) as newcomer:
        assert newcomer.get("/console/site").status_code == 303  # choose a password first
        changed = newcomer.post_form(
            "/console/password",
            {"current": password, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        )
        assert changed.status_code == 303
    with signed_in(service.url, new, NEW_PASSWORD) as newcomer:
        assert newcomer.get("/console/site").status_code == 200
        assert newcomer.get("/console/users").status_code == 404  # an operator: no such page
    assert _changes(db, new) == [{"email": new, "change": "added", "by": admin_email}]


def test_disabling_ends_the_sessions_and_a_reset_gives_a_new_one_time_password(
    db, org, service, request
):
    admin_email = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    ops_email = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    with (
        signed_in(service.url, admin_email) as admin,
        signed_in(service.url, ops_email) as ops,
    ):
        user_id = _user_id(admin.get("/console/users").text, ops_email)
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
    signed = _sign_in_once(service.url, ops_email, password)
    assert signed.headers["location"] == "/console/password"
    changes = [change["change"] for change in _changes(db, ops_email)]
    assert changes == ["added", "disabled", "enabled", "role admin", "reset"]
    listed = run_cli(db, "user", "list").stdout
    assert re.search(rf"{re.escape(ops_email)}\s+demo\s+admin, must change password", listed)


def test_an_admin_cannot_disable_themself(db, org, service, request):
    admin_email = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    own = f"/console/users/{_account_id(db, admin_email)}"
    with signed_in(service.url, admin_email) as admin:
        page = admin.get("/console/users").text
        assert "это вы" in page and f'action="{own}"' not in page  # no forms on one's own row
        refused = admin.post_form(own, {"action": "disable"})
        assert refused.status_code == 422 and "Свою учётную запись" in refused.text
        assert admin.get("/console/users").status_code == 200  # still signed in


def test_an_admin_reaches_no_one_outside_their_organisations(db, org, service, request):
    other = own_org(db, request, "other", "https://other.example.ru").slug
    admin_email = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    theirs = add_user(db, unique(request, "ops@other.example.ru"), other)
    root_email = add_user(db, unique(request, "root@example.ru"), platform=True)
    with signed_in(service.url, root_email) as root:
        page = root.get("/console/users").text
        other_id = _user_id(page, theirs)
    with signed_in(service.url, admin_email) as admin:
        page = admin.get("/console/users").text
        assert theirs not in page and root_email not in page
        assert f'value="{other}"' not in page  # not among the organisations to add to
        # another org's operator; the platform admin
        for user_id in (other_id, _account_id(db, root_email)):
            for action in ("disable", "reset", "enable"):
                refused = admin.post_form(f"/console/users/{user_id}", {"action": action})
                assert refused.status_code == 404
        assert admin.post_form("/console/users/9999", {"action": "disable"}).status_code == 404
        stranger = unique(request, "x@other.example.ru")
        foreign = admin.post_form(
            "/console/users", {"email": stranger, "role": "admin", "org": other}
        )
        assert foreign.status_code == 404
        platform = admin.post_form(
            "/console/users",
            {"email": "p@demo.example.ru", "role": "platform", "org": "demo"},
        )
        assert platform.status_code == 422
    with signed_in(service.url, theirs) as still:
        assert still.get("/console/site").status_code == 200
    assert stranger not in run_cli(db, "user", "list").stdout


def test_a_region_admin_adds_a_user_to_a_child_org(db, org, service, request):
    school = unique(request, "school")
    run_cli(db, "org", "add", school, "--name", "Школа №1", "--parent", "demo")
    admin_email = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    head = unique(request, "head@school.example.ru")
    with signed_in(service.url, admin_email) as admin:
        made = admin.post_form("/console/users", {"email": head, "role": "admin", "org": school})
        assert made.status_code == 200 and _one_time(made.text)
    listed = run_cli(db, "user", "list").stdout
    assert re.search(rf"{re.escape(head)}\s+{school}\s+admin", listed)


def test_an_id_past_what_a_row_can_have_is_no_such_page_not_a_server_error(
    db, org, service, request
):
    """A path's row number of 30 digits used to reach the database, which cannot bind it: 500."""
    admin_email = add_user(db, unique(request, "admin@demo.example.ru"), "demo", role="admin")
    huge = "9" * 30
    logged_before = len(service.log())  # the module's server: only what this story caused
    with signed_in(service.url, admin_email) as admin:
        for path in (f"/console/users/{huge}", f"/console/templates/{huge}/delete"):
            answer = admin.post_form(path, {"action": "disable"})
            assert answer.status_code == 404, (path, answer.status_code, answer.text[:200])
        assert admin.post_form("/console/users/1²", {"action": "disable"}).status_code == 404
    assert "Traceback" not in service.log()[logged_before:]
