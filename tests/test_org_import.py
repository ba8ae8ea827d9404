"""A region onboards its organisations from one CSV file: `pos-intake org import` (with
`--dry-run`), `org export` back to the same format, `org snippets` for the webmasters' mail
merge; a bad file is refused line by line with nothing written; a ПОС id names one organisation.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

from intake_service.store import config_version

from conftest import PostgresDatabase, postgres_database, run_cli, store, store_dump

HEADER = "slug,name,parent,oktmo,origins,timezone,phone,email,website,pos_id"
DISTRICTS = 23
PER_DISTRICT = 12  # 1 region + 23 districts + 23 × 12 schools and hospitals = 300


def region_csv() -> str:
    """A made-up region, three levels deep, every parent after its children."""
    lines = [HEADER]
    for d in range(1, DISTRICTS + 1):
        district = f"mo-{d:02d}"
        for i in range(1, PER_DISTRICT + 1):
            kind, title = ("school", "Школа") if i % 2 else ("hospital", "Больница")
            slug = f"{kind}-{d:02d}-{i:02d}"
            lines.append(
                f'{slug},"{title} №{i}, {district}",{district},,'
                f"https://{slug}.kostroma.ru,,,{slug}@edu.kostroma.ru,,"
            )
        lines.append(
            f"{district},Администрация района {d},region,347{d:02d}000,"
            f"https://{district}.ru https://*.{district}.ru,Europe/Moscow,"
            f"+7 (49442) 2-12-{d:02d},priemnaya@{district}.ru,https://{district}.ru,{224500 + d}"
        )
    lines.append("region,Администрация Костромской области,,34000000,https://kostroma.ru,,,,,")
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def empty_store(db: Path, tmp_path: Path) -> Iterator[Path]:
    """A second store on the story's engine."""
    if isinstance(db, PostgresDatabase):
        with postgres_database(f"second_{tmp_path.name}") as url:
            yield PostgresDatabase(url, tmp_path)  # type: ignore[misc]
    else:
        yield tmp_path / "second.db"


def version(db: Path) -> int:
    with store(db) as conn:
        return config_version(conn)


def test_a_region_of_300_imports_at_once_exports_and_hands_out_snippets(db, tmp_path):
    region = tmp_path / "region.csv"
    region.write_text(region_csv(), encoding="utf-8")
    run_cli(db, "migrate")
    empty = store_dump(db)

    dry = run_cli(db, "org", "import", str(region), "--dry-run")
    assert dry.stdout.count("would create  ") == 300
    assert "dry run, nothing written: 300 created, 0 updated, 0 unchanged" in dry.stdout
    assert store_dump(db) == empty

    started = time.monotonic()
    done = run_cli(db, "org", "import", str(region))
    elapsed = time.monotonic() - started
    print(f"imported 300 organisations in {elapsed:.2f} s")
    assert elapsed < 10, elapsed
    assert "300 created, 0 updated, 0 unchanged" in done.stdout

    orgs = {o["slug"]: o for o in json.loads(run_cli(db, "org", "list", "--json").stdout)}
    assert len(orgs) == 300
    assert orgs["school-07-03"]["parent"] == "mo-07" and orgs["mo-07"]["parent"] == "region"
    assert orgs["mo-07"]["pos_id"] == 224507 and orgs["school-07-03"]["pos_id"] is None
    assert orgs["mo-07"]["origins"] == ["https://*.mo-07.ru", "https://mo-07.ru"]
    shown = json.loads(run_cli(db, "org", "show", "mo-07", "--json").stdout)
    assert shown["settings"]["oktmo"] == "34707000"
    assert shown["settings"]["phone"] == "+7 (49442) 2-12-07"

    # the same file again: nothing moves, not even the registry's version
    imported = store_dump(db)
    moved = version(db)
    again = run_cli(db, "org", "import", str(region))
    assert "nothing changed: the 300 organisation(s) of the file are as stored" in again.stdout
    assert store_dump(db) == imported

    # a changed file: the dry run says what, field by field, and writes nothing
    changed = tmp_path / "changed.csv"
    changed.write_text(
        f"{HEADER}\n"
        "school-new,Новая школа,mo-03,,,,,,,\n"
        "mo-03,Администрация района 3 (новое имя),,,,Asia/Yekaterinburg,,,,\n"
        "mo-04,,,,,,,,,\n",
        encoding="utf-8",
    )
    dry = run_cli(db, "org", "import", str(changed), "--dry-run")
    assert dry.stdout.splitlines() == [
        "would create  school-new",
        "would update  mo-03: name, timezone",
        "dry run, nothing written: 1 created, 1 updated, 1 unchanged",
    ]
    assert store_dump(db) == imported
    run_cli(db, "org", "import", str(changed))
    assert version(db) > moved  # running services reload the directory
    renamed = json.loads(run_cli(db, "org", "show", "mo-03", "--json").stdout)
    assert renamed["name"] == "Администрация района 3 (новое имя)"
    assert renamed["settings"]["phone"] == "+7 (49442) 2-12-03"  # an empty cell left it

    # export: parents first; into an empty store and out again, byte for byte
    exported = run_cli(db, "org", "export").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 301 and exported.splitlines()[0] == HEADER
    seen: set[str] = set()
    for row in rows:
        assert not row["parent"] or row["parent"] in seen, row
        seen.add(row["slug"])
    (tmp_path / "export.csv").write_text(exported, encoding="utf-8")
    with empty_store(db, tmp_path) as second:
        run_cli(second, "org", "import", str(tmp_path / "export.csv"))
        assert run_cli(second, "org", "export").stdout == exported

    # one row per organisation for the mail merge: snippet and the webmaster's contact
    out = tmp_path / "snippets.csv"
    run_cli(db, "org", "snippets", "--base-url", "https://pos.example.ru", str(out))
    snippets = {r["slug"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert len(snippets) == 301
    assert snippets["mo-07"] == {
        "slug": "mo-07",
        "name": "Администрация района 7",
        "snippet": '<script async src="https://pos.example.ru/embed.js" data-org="mo-07">'
        '</script><noscript><a href="https://pos.example.ru/w/mo-07/form">'
        "Обратная связь · Госуслуги</a></noscript>",
        "email": "priemnaya@mo-07.ru",
        "phone": "+7 (49442) 2-12-07",
        "website": "https://mo-07.ru",
    }


BAD_ROWS = {
    "ok-school,Школа,district,,,,,,,": None,  # a good row: not written either
    "ring-a,Кольцо А,ring-b,,,,,,,": "line 3: parent: the parents go round in a circle: "
    "ring-a → ring-b → ring-a",
    "ring-b,Кольцо Б,ring-a,,,,,,,": None,
    "lost,Потерянная,nowhere,,,,,,,": "line 5: parent: 'nowhere' is neither in the file nor stored",
    "ftp-site,Сайт,,,ftp://x.ru,,,,,": "line 6: origins: 'ftp://x.ru' is not an origin",
    "mars,Марс,,,,Mars/Base,,,,": "line 7: timezone: 'Mars/Base' is not a time zone name",
    "bad-phone,Телефон,,,,,call us,,,": "line 8: phone: 'call us' is not a phone",
    "bad-mail,Почта,,,,,,not-mail,,": "line 9: email: 'not-mail' is not an email",
    "bad-site,Сайт,,,,,,,javascript:x,": "line 10: website: 'javascript:x' is not a website",
    "bad-oktmo,ОКТМО,,123,,,,,,": "line 11: oktmo: '123' is not an ОКТМО code",
    "taken,Занятый,,,,,,,,224510": "line 12: pos_id: 224510 already belongs to district",
    "twin-a,Близнец,,,,,,,,777": None,
    "twin-b,Близнец,,,,,,,,777": "line 14: pos_id: 777 is also twin-a's, on line 13",
    "Bad_Slug,Плохой,,,,,,,,": "line 15: 'Bad_Slug' cannot be a slug",
    "ok-school,Снова,,,,,,,,": "line 16: ok-school is already on line 2",
    "region,,district,,,,,,,": "line 17: parent: the parents go round in a circle: "
    "region → district → region",
    "short,Мало": "line 18: 2 cells, the header has 10",
    # a direction mark would make the name read as another on the form
    "rlo,Школа\u202eанмок,,,,,,,,": "line 19: name: 'Школа\\u202eанмок' has control or direction",
}


def test_a_bad_file_is_refused_line_by_line_and_nothing_is_written(db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        f"{HEADER}\nregion,Область,,,,,,,,\ndistrict,Район,region,,,,,,,224510\n", encoding="utf-8"
    )
    run_cli(db, "org", "import", str(good))
    before = store_dump(db)

    files = {
        "rows.csv": (HEADER + "\n" + "\n".join(BAD_ROWS) + "\n").encode(),
        "header.csv": b"slug,name,parent,origins\nx,y,,\n",
        "latin1.csv": f"{HEADER}\nschool,Школа,,,,,,,,\n".encode("cp1251"),
    }
    expected = {
        "rows.csv": [why for why in BAD_ROWS.values() if why],
        "header.csv": [
            "line 1: missing column(s) oktmo, timezone, phone, email, website, pos_id; "
            f"the header must be exactly {HEADER}"
        ],
        "latin1.csv": ["line 2: the file is not UTF-8 text"],
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        for extra in ((), ("--dry-run",)) if name == "rows.csv" else ((),):
            refused = run_cli(db, "org", "import", str(tmp_path / name), *extra, check=False)
            assert refused.returncode == 1, (name, refused.stdout)
            assert refused.stderr.startswith("pos-intake: the file is refused, nothing was written")
            for why in expected[name]:
                assert why in refused.stderr, (name, why, refused.stderr)
            assert refused.stdout == ""
    assert store_dump(db) == before


def test_a_pos_id_names_one_organisation(db):
    for slug in ("mo-manturovo", "mo-sharya"):
        run_cli(db, "org", "add", slug, "--name", f"Администрация {slug}")
    done = run_cli(db, "org", "set", "mo-manturovo", "--pos-id", "224510", "--oktmo", "34714000")
    assert "ПОС id:         224510" in done.stdout and "34714000" in done.stdout

    taken = run_cli(db, "org", "set", "mo-sharya", "--pos-id", "224510", check=False)
    assert taken.returncode == 1
    assert "224510 already belongs to mo-manturovo" in taken.stderr
    for flag, bad, hint in (("--pos-id", "12x", "not a ПОС id"), ("--oktmo", "123", "ОКТМО")):
        refused = run_cli(db, "org", "set", "mo-sharya", flag, bad, check=False)
        assert refused.returncode == 1 and hint in refused.stderr, refused.stderr

    listed = {
        o["slug"]: o["pos_id"] for o in json.loads(run_cli(db, "org", "list", "--json").stdout)
    }
    assert listed == {"mo-manturovo": 224510, "mo-sharya": None}

    run_cli(db, "org", "set", "mo-manturovo", "--pos-id", "none")
    run_cli(db, "org", "set", "mo-sharya", "--pos-id", "224510")
    shown = json.loads(run_cli(db, "org", "show", "mo-sharya", "--json").stdout)
    assert shown["pos_id"] == 224510
    assert "ПОС id:  224510" in run_cli(db, "org", "show", "mo-sharya").stdout
