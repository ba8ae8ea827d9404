"""`pos-intake serve` runs on the production stack — uvloop's event loop and httptools' HTTP
parser, installed with the package — and says so when it starts, so an operator reading the
log knows which stack answers (and what to install when it is the slower fallback)."""

from __future__ import annotations

import importlib.util

import httpx

from conftest import appeal, bearer


def test_serve_says_it_runs_uvloop_and_httptools(service, org):
    # the package's own dependencies on this platform: not optional here
    assert importlib.util.find_spec("uvloop") is not None
    assert importlib.util.find_spec("httptools") is not None
    created = httpx.post(
        f"{service.url}/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=10
    )
    assert created.status_code == 201
    assert "serving with event loop uvloop, HTTP parser httptools" in service.log()
    assert "not installed" not in service.log()
