"""Limits by address and what their refusals leave behind: an IPv6 client is one /64, whatever
address of it it uses, and a refused request for a tracking link leaves no token in any log."""

from __future__ import annotations

import httpx
import pytest

from conftest import appeal, bearer, run_cli


@pytest.mark.service_env(POS_RATE_LIMIT_ADDRESS="2", POS_LOG_LEVEL="info")
def test_a_refused_tracking_request_leaves_no_token_in_the_intake_log(service, org):
    created = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=10
    )
    assert created.status_code == 201
    tracking_url = created.json()["tracking_url"]
    token = tracking_url.rsplit("/", 1)[1]
    assert httpx.get(tracking_url, timeout=5).status_code == 200
    assert httpx.get(tracking_url, timeout=5).status_code == 429
    status_url = f"{service.url}/api/v1/status/{token}"
    assert httpx.get(status_url, timeout=5).status_code == 429

    shown = run_cli(service.db, "log", "tail", "--json", "-n", "100").stdout
    assert '"path": "/s/…"' in shown and '"path": "/api/v1/status/…"' in shown
    assert token not in shown
    assert token not in run_cli(service.db, "log", "tail", "-n", "100").stdout
    assert token not in service.log()
