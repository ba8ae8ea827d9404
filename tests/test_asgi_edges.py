"""What the HTTP server in front of us never lets through, but another ASGI server might: header
values h11 refuses itself, and a request task cancelled while its appeal waits for the writer
(servers such as Hypercorn cancel the handler when the client goes away; uvicorn does not).

These stories drive the real application — `create_app`, its lifespan, the real SQLite file, the
single writer — through its ASGI interface in this process, because no client can reach those
paths through uvicorn."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from intake_service.app import create_app
from intake_service.runtime import Runtime
from intake_service.settings import load

from conftest import make_org, run_async

BASE = "http://testserver"


@contextlib.asynccontextmanager
async def in_process(
    db: Path, **settings: object
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    app = create_app(load({"db": str(db), **settings}, environ={}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield client, app.state.runtime


def test_content_length_of_unicode_digits_is_not_a_length(db: Path):
    """'²' is a digit to `str.isdigit` and not to `int`: it must not become a 500."""
    org = make_org(db, "demo", "https://demo.example.ru")

    async def story() -> list[httpx.Response]:
        async with in_process(db) as (client, _):
            api = await client.post(
                "/api/v1/appeals",
                content=b'{"text": ',
                headers={
                    "Authorization": f"Bearer {org.key}",
                    "Content-Type": "application/json",
                    "Content-Length": b"\xb2",
                },
            )
            form = await client.post(
                "/w/demo/appeals",
                content=b"--x--\r\n",
                headers={
                    "Origin": BASE,
                    "Accept": "application/json",
                    "Content-Type": "multipart/form-data; boundary=x",
                    "Content-Length": b"\xb2",
                },
            )
            return [api, form]

    api, form = run_async(story())
    assert api.status_code == 400, api.text  # the body was read and is not JSON
    assert api.json()["type"].endswith("/bad-json")
    assert form.status_code == 400, form.text  # the form was read and has no token
    assert form.json()["type"].endswith("/form-invalid")
