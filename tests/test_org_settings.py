"""An agency admin sets the organisation's time zone, public contacts and embedded queue."""

from __future__ import annotations

import json

from conftest import run_cli


def test_admin_sets_time_zone_contacts_and_queue_and_sees_them(db):
    run_cli(db, "org", "add", "mo-manturovo", "--name", "Администрация г. Мантурово")
    shown = json.loads(run_cli(db, "org", "set", "mo-manturovo", "--json").stdout)
    assert shown == {
        "timezone": "Europe/Moscow",
        "phone": None,
        "email": None,
        "website": None,
        "oktmo": None,
        "embedded_queue": True,
        "identity_message": "none",
        "identity_official": "oidc (email without an IdP)",
    }

    done = run_cli(
        db,
        "org",
        "set",
        "mo-manturovo",
        "--timezone",
        "Asia/Yekaterinburg",
        "--phone",
        "+7 (49442) 2-12-34",
        "--email",
        "priemnaya@manturovo.ru",
        "--website",
        "https://manturovo.ru",
        "--embedded-queue",
        "off",
    )
    assert "Asia/Yekaterinburg" in done.stdout
    assert "attach a sink" in done.stdout  # turning the queue off says what it means

    info = json.loads(run_cli(db, "org", "show", "mo-manturovo", "--json").stdout)
    assert info["settings"] == {
        "timezone": "Asia/Yekaterinburg",
        "phone": "+7 (49442) 2-12-34",
        "email": "priemnaya@manturovo.ru",
        "website": "https://manturovo.ru",
        "oktmo": None,
        "embedded_queue": False,
        "identity_message": "none",
        "identity_official": "oidc (email without an IdP)",
    }

    # An empty value restores the default; the others stay.
    run_cli(db, "org", "set", "mo-manturovo", "--timezone", "", "--embedded-queue", "on")
    again = json.loads(run_cli(db, "org", "set", "mo-manturovo", "--json").stdout)
    assert again["timezone"] == "Europe/Moscow" and again["embedded_queue"] is True
    assert again["phone"] == "+7 (49442) 2-12-34"


def test_bad_settings_are_refused_with_what_to_write(db):
    run_cli(db, "org", "add", "demo", "--name", "Демо")
    cases = {
        "--timezone": ("Mars/Base", "Europe/Moscow"),
        "--phone": ("call us", "+7"),
        "--email": ("not-an-address", "@"),
        "--website": ("javascript:alert(1)", "https://"),
        "--embedded-queue": ("maybe", "on or off"),
    }
    tricky = [
        ("--website", "http://a.ru/\u202egnp.exe", "direction"),
        ("--email", "a@b.c\u202eur", "direction"),
        ("--website", "http://x\\@evil.ru", "backslash"),
        ("--timezone", "localtime", "Europe/Moscow"),
        ("--timezone", "Factory", "Europe/Moscow"),
    ]
    for flag, value, hint in tricky:
        refused = run_cli(db, "org", "set", "demo", flag, value, check=False)
        assert refused.returncode == 1 and hint in refused.stderr, (flag, value, refused.stderr)
    for flag, (value, hint) in cases.items():
        refused = run_cli(db, "org", "set", "demo", flag, value, check=False)
        assert refused.returncode == 1, flag
        assert refused.stderr.startswith("pos-intake: ") and hint in refused.stderr, refused.stderr
    unknown = run_cli(db, "org", "set", "nobody", "--phone", "+7 900 000-00-00", check=False)
    assert unknown.returncode == 1 and "org list" in unknown.stderr
