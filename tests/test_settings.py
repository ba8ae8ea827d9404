"""Settings: one table, documented, read from flags, environment and a TOML file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from intake_service.settings import SETTINGS, SettingsError, load

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_PAGE = ROOT / "docs" / "settings.md"


def test_every_setting_is_documented_on_the_settings_page():
    page = SETTINGS_PAGE.read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if f"| `{s.env}` |" not in page]
    assert not missing, f"docs/settings.md does not document {missing}"


def test_the_settings_page_says_what_settings_py_says():
    """The table is generated (scripts/docs_settings_table.py), never edited by hand: a help
    text changed in settings.py and not carried to the page fails here, not only in the docs
    build."""
    check = subprocess.run(
        [sys.executable, "scripts/docs_settings_table.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_flags_beat_environment_beat_file_beat_defaults(tmp_path):
    config = tmp_path / "pos.toml"
    config.write_text('port = 9001\nhost = "0.0.0.0"\nmax_body_bytes = 1000\n', encoding="utf-8")
    settings = load(
        {"config": str(config), "port": 9003},
        environ={"POS_PORT": "9002", "POS_MAX_BODY_BYTES": "2000"},
    )
    assert settings.port == 9003
    assert settings.max_body_bytes == 2000
    assert settings.host == "0.0.0.0"
    assert settings.rate_limit_key == 600


def test_secret_key_never_shows_in_a_repr():
    settings = load(environ={"POS_SECRET_KEY": "hunter2-very-secret"})
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"POS_PORT": "eighty"}, "port (POS_PORT) must be a whole number, not 'eighty'"),
        ({"POS_SYNCHRONOUS": "OFF"}, "synchronous"),
        ({"POS_CONFIG": "/nonexistent/pos.toml"}, "cannot read config file"),
        ({"POS_NODE": "node-1"}, "node (POS_NODE) must be up to 4 Latin letters or digits"),
        ({"POS_QUEUE_RETENTION": "0"}, "queue_retention (POS_QUEUE_RETENTION) must be at least 1"),
        (
            {"POS_SUPPORT_EMAIL": "help at pos"},
            "support_email (POS_SUPPORT_EMAIL): 'help at pos' is not an email",
        ),
        (
            {"POS_SUPPORT_WEBSITE": "javascript:alert(1)"},
            "support_website (POS_SUPPORT_WEBSITE): 'javascript:alert(1)' is not a website",
        ),
        ({"POS_SUPPORT_PHONE": "+7 900\u202e"}, "support_phone (POS_SUPPORT_PHONE): "),
        ({"POS_WORKER": "thread"}, "worker (POS_WORKER) must be process or inline"),
        ({"POS_WORKER_NICE": "-5"}, "worker_nice (POS_WORKER_NICE) must be 0 to 19"),
    ],
)
def test_bad_settings_are_refused_with_the_name_of_the_setting(environ, message):
    with pytest.raises(SettingsError, match=re.escape(message)):
        load(environ=environ)
