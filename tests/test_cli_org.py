"""An agency admin sets up an organisation from the terminal."""

from __future__ import annotations

import json

import httpx

from conftest import Service, appeal, bearer, run_cli, store_dump


def test_admin_creates_org_with_origins_gets_key_and_snippet(db):
    added = run_cli(
        db,
        "org",
        "add",
        "mo-manturovo",
        "--name",
        "Администрация городского округа Мантурово",
        "--origin",
        "https://mo-manturovo.ru",
        "--origin",
        "https://*.kostroma.ru",
    )
    assert "mo-manturovo" in added.stdout
    assert "https://*.kostroma.ru" in added.stdout

    key = run_cli(db, "org", "key", "mo-manturovo", "--label", "crm").stdout.splitlines()[-1]
    assert key.startswith("pos_")

    snippet = run_cli(db, "org", "snippet", "mo-manturovo", "--base-url", "https://pos.example.ru/")
    assert snippet.stdout.strip() == (
        '<script async src="https://pos.example.ru/embed.js" data-org="mo-manturovo"></script>'
        '<noscript><a href="https://pos.example.ru/w/mo-manturovo/form">'
        "Обратная связь · Госуслуги</a></noscript>"
    )
    assert len(snippet.stdout.strip().splitlines()) == 1
    bare = run_cli(
        db,
        "org",
        "snippet",
        "mo-manturovo",
        "--base-url",
        "https://pos.example.ru",
        "--script-only",
    )
    assert bare.stdout.strip() == (
        '<script async src="https://pos.example.ru/embed.js" data-org="mo-manturovo"></script>'
    )
    # a site with a bar fixed to the bottom of the screen lifts the badge above it
    base = ("org", "snippet", "mo-manturovo", "--base-url", "https://pos.example.ru")
    lifted = run_cli(db, *base, "--script-only", "--offset", "64")
    assert lifted.stdout.strip() == (
        '<script async src="https://pos.example.ru/embed.js" data-org="mo-manturovo"'
        ' data-offset="64"></script>'
    )
    for bad in ("401", "-1"):
        refused = run_cli(db, *base, "--offset", bad, check=False)
        assert refused.returncode == 1 and "must be 0 to 400 pixels" in refused.stderr, bad

    listed = json.loads(run_cli(db, "org", "list", "--json").stdout)
    assert listed == [
        {
            "slug": "mo-manturovo",
            "name": "Администрация городского округа Мантурово",
            "parent": None,
            "origins": ["https://*.kostroma.ru", "https://mo-manturovo.ru"],
            "pos_id": None,
            "created_at": listed[0]["created_at"],
        }
    ]
    shown = json.loads(run_cli(db, "org", "show", "mo-manturovo", "--json").stdout)
    assert [k["label"] for k in shown["keys"]] == ["crm"]
    assert len(shown["categories"]) == 12  # the default catalogue

    # only a hash of the key is in the database
    dump = store_dump(db)
    assert key.split("_", 2)[2] not in dump


def test_the_key_from_the_cli_files_appeals_for_that_org(db):
    run_cli(db, "org", "add", "school-7", "--name", "Школа № 7")
    key = run_cli(db, "org", "key", "school-7").stdout.splitlines()[-1]
    service = Service(db).start()
    try:
        response = httpx.post(
            service.url + "/api/v1/appeals", json=appeal(), headers=bearer(key), timeout=5
        )
        assert response.json()["number"].startswith("SCHOOL-7-")
    finally:
        service.stop()


def test_origins_are_added_removed_and_checked(db):
    run_cli(db, "org", "add", "kostroma", "--name", "Кострома")
    out = run_cli(db, "org", "origins", "kostroma", "--add", "HTTPS://Kostroma.RU:443").stdout
    assert "https://kostroma.ru" in out
    run_cli(db, "org", "origins", "kostroma", "--add", "http://localhost:*")
    out = run_cli(db, "org", "origins", "kostroma", "--remove", "https://kostroma.ru").stdout
    assert "https://kostroma.ru" not in out and "http://localhost:*" in out

    for bad in (
        "kostroma.ru",
        "ftp://kostroma.ru",
        "https://kostroma.ru/path",
        "https://ko stroma.ru",
        "https://*.",
        "http://localhost:99999",
    ):
        result = run_cli(db, "org", "origins", "kostroma", "--add", bad, check=False)
        assert result.returncode == 1, bad
        assert result.stderr.startswith("pos-intake: ")
        assert "Traceback" not in result.stderr

    missing = run_cli(db, "org", "origins", "kostroma", "--remove", "https://nope.ru", check=False)
    assert missing.returncode == 1 and "has no origin" in missing.stderr


def test_parent_org_and_mistakes_get_messages(db):
    run_cli(db, "org", "add", "kostroma-region", "--name", "Костромская область")
    run_cli(db, "org", "add", "manturovo", "--name", "Мантурово", "--parent", "kostroma-region")
    shown = json.loads(run_cli(db, "org", "show", "manturovo", "--json").stdout)
    assert shown["parent"] == "kostroma-region"

    cases = [
        (("org", "add", "manturovo", "--name", "Again"), "already exists"),
        (("org", "add", "Bad Slug", "--name", "X"), "cannot be a slug"),
        (("org", "add", "x2", "--name", "X", "--parent", "nope"), "no organisation 'nope'"),
        (("org", "show", "nope"), "no organisation 'nope'"),
        (("org", "key", "manturovo", "--revoke", "abc"), "no active key"),
        (("org", "snippet", "manturovo", "--base-url", "pos.example.ru"), "must be an http(s) URL"),
    ]
    for args, message in cases:
        result = run_cli(db, *args, check=False)
        assert result.returncode == 1, args
        assert message in result.stderr, (args, result.stderr)


def test_org_narrows_and_extends_its_catalogue(db):
    run_cli(db, "org", "add", "school-7", "--name", "Школа № 7")
    key = run_cli(db, "org", "key", "school-7").stdout.splitlines()[-1]
    run_cli(db, "org", "category", "school-7", "roads", "--off")
    run_cli(
        db,
        "org",
        "category",
        "school-7",
        "canteen",
        "--title-ru",
        "Столовая",
        "--title-en",
        "Canteen",
    )
    service = Service(db).start()
    try:
        ru = httpx.get(service.url + "/api/v1/categories", headers=bearer(key), timeout=5).json()
        codes = [c["code"] for c in ru["categories"]]
        assert "roads" not in codes and codes[-1] == "canteen"
        assert ru["categories"][-1]["title"] == "Столовая"
        en = httpx.get(service.url + "/api/v1/categories?lang=en", headers=bearer(key), timeout=5)
        assert en.json()["categories"][0] == {"code": "housing", "title": "Housing and utilities"}

        refused = httpx.post(
            service.url + "/api/v1/appeals",
            json=appeal(category="roads"),
            headers=bearer(key),
            timeout=5,
        )
        assert refused.status_code == 422
        accepted = httpx.post(
            service.url + "/api/v1/appeals",
            json=appeal(category="canteen"),
            headers=bearer(key),
            timeout=5,
        )
        assert accepted.status_code == 201
    finally:
        service.stop()


def test_cli_help_lists_settings_and_bad_usage_exits_2(db):
    help_text = run_cli(db, "serve", "--help").stdout
    assert "POS_DB" in help_text and "POS_RATE_LIMIT_KEY" in help_text
    result = run_cli(db, "org", "frobnicate", check=False)
    assert result.returncode == 2
