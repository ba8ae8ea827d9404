"""What the HTTP server in front of us never lets through, but another ASGI server might: header
values h11 refuses itself, and a request task cancelled while its appeal waits for the writer
(servers such as Hypercorn cancel the handler when the client goes away; uvicorn does not).

These stories drive the real application — `create_app`, its lifespan, the real SQLite file, the
single writer — through its ASGI interface in this process, because no client can reach those
paths through uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from intake_service.app import create_app
from intake_service.runtime import Runtime
from intake_service.settings import load

from conftest import bearer, form_fields, make_org, run_async

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


PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.mark.sqlite_only("a CLI holding SQLite's write lock keeps the appeal in the writer's queue")
def test_an_appeal_whose_request_is_cancelled_in_the_writers_queue_keeps_its_photos(db: Path):
    """The request goes away (its task cancelled) while its appeal waits for the write lock; the
    queued appeal still commits — and so its photo must still be there for the agency."""
    org = make_org(db, "demo", "https://demo.example.ru")

    async def story() -> tuple[int, list[httpx.Response]]:
        async with in_process(db, form_min_seconds=0) as (client, runtime):
            page = await client.get("/w/demo/form", params={"origin": "https://demo.example.ru"})
            token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
            # the appeal's own operation reaching the writer's queue (not a job's write)
            queued = asyncio.Event()
            submit_nowait = runtime.writer.submit_nowait

            def watched(op, *args, **kwargs):
                if op.__qualname__.startswith("accept_op."):
                    queued.set()
                return submit_nowait(op, *args, **kwargs)

            runtime.writer.submit_nowait = watched
            cli = sqlite3.connect(db, isolation_level=None)
            cli.execute("BEGIN IMMEDIATE")  # a CLI command holding the write lock
            try:
                sending = asyncio.ensure_future(
                    client.post(
                        "/w/demo/appeals",
                        data=form_fields(token),
                        files=[("photos", ("lamp.png", PNG, "image/png"))],
                        headers={"Origin": BASE, "Accept": "application/json"},
                    )
                )
                await asyncio.wait_for(queued.wait(), 30)
                assert not sending.done(), sending.result().text
                sending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sending
            finally:
                cli.execute("ROLLBACK")
                cli.close()
            await runtime.writer.submit(lambda conn: None)  # the batch after the appeal's
            stored = runtime.reader.execute("SELECT count(*) FROM appeals").fetchone()[0]
            pulled = await client.get("/api/v1/queue?max=10", headers=bearer(org.key))
            photos = [
                await client.get(photo["url"], headers=bearer(org.key))
                for message in pulled.json()["messages"]
                for photo in message["body"]["photos"]
            ]
            return stored, photos

    stored, photos = run_async(story())
    assert stored == 1  # the cancelled request's appeal was committed
    assert [p.status_code for p in photos] == [200]
    assert photos[0].content == PNG
