"""A new user runs `pos-intake demo` and has a working service with a key to try, and example
host pages on another origin."""

from __future__ import annotations

import signal
import subprocess

import httpx
from console_helpers import signed_in

from conftest import CLI, appeal, bearer, start_demo


def test_demo_prints_a_working_key_and_the_urls_and_serves(tmp_path):
    site = start_demo(tmp_path, fresh=True)
    try:
        printed = (tmp_path / "demo.out").read_text()
        assert f"{site.service}/openapi.json" in printed
        assert "pos-intake log tail --follow" in printed
        assert f"{site.examples}/strict-csp.html" in printed

        response = httpx.post(
            site.service + "/api/v1/appeals", json=appeal(), headers=bearer(site.key), timeout=5
        )
        assert response.status_code == 201
        assert response.json()["number"].startswith("DEMO-")

        page = httpx.get(site.examples + "/plain.html", timeout=5).text
        assert f'src="{site.service}/embed.js"' in page and 'data-org="demo"' in page

        # the printed console account signs in (a new password each run, nothing to change)
        assert f"{site.service}/console" in printed
        with signed_in(site.service, site.console_admin, site.console_password) as console:
            assert site.console_admin in console.get("/console/password").text
    finally:
        site.process.send_signal(signal.SIGINT)
        site.process.wait(15)

    # a second run reuses the organisation and its appeals, with a fresh key
    shown = subprocess.run(
        [*CLI, "org", "show", "demo", "--db", str(site.db)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "http://localhost:*" in shown.stdout and "http://127.0.0.1:*" in shown.stdout
