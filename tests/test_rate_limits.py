"""Limits by address and what their refusals leave behind: an IPv6 client is one /64, whatever
address of it it uses, and a refused request for a tracking link leaves no token in any log."""

from __future__ import annotations

import httpx
import pytest

from intake_service.errors import RateLimited
from intake_service.ratelimit import MAX_BUCKETS, RateLimiter

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


def forwarded_for(service, address: str) -> int:
    """A request through a trusted proxy (127.0.0.1 is trusted by default) for `address`."""
    return httpx.get(
        f"{service.url}/w/demo/form", headers={"X-Forwarded-For": address}, timeout=5
    ).status_code


@pytest.mark.service_env(POS_RATE_LIMIT_ADDRESS="2")
def test_ipv6_clients_are_limited_by_their_64_network(service, org):
    assert forwarded_for(service, "2001:db8:1:2::1") == 200
    assert forwarded_for(service, "2001:db8:1:2:ffff:ffff:ffff:fffe") == 200
    assert forwarded_for(service, "2001:db8:1:2:abcd::7") == 429  # the same /64, a third time
    assert forwarded_for(service, "2001:db8:1:3::1") == 200  # the next /64 is someone else
    assert forwarded_for(service, "203.0.113.5") == 200
    assert forwarded_for(service, "203.0.113.5") == 200
    assert forwarded_for(service, "203.0.113.6") == 200  # IPv4 addresses are not grouped


def test_the_limiter_keeps_a_bounded_number_of_buckets_however_many_clients_come():
    limiter = RateLimiter(1, "address")  # one a minute: no bucket refills during the test
    for n in range(300_000):
        limiter.check(f"198.{n >> 16}.{(n >> 8) & 255}.{n & 255}")
    assert len(limiter) <= MAX_BUCKETS
    with pytest.raises(RateLimited):  # the latest clients are still remembered and limited
        limiter.check(f"198.{299_999 >> 16}.{(299_999 >> 8) & 255}.{299_999 & 255}")
