"""The fixed reference of the intake benchmark: a plain Starlette handler, written the way the
framework's documentation writes one, on the same server stack as `pos-intake serve` (uvicorn,
with uvloop and httptools where installed). It parses the JSON, checks the fields an appeal
must have and answers 201 with a body of the same shape. It imports nothing from
`intake_service`, so it does not move when the project's own code gets slower or faster: the
ratio against it shows what the whole service costs, where `bare_app.py` (built from the
project's own request path) shows only what storage adds.

Run: python bench/plain_app.py --port 8100   (or POS_PORT in env)
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import uuid

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

KEY_PREFIX = "Bearer pos_"
_numbers = itertools.count(1)


async def create_appeal(request: Request) -> JSONResponse:
    if not request.headers.get("authorization", "").startswith(KEY_PREFIX):
        return JSONResponse({"detail": "API key required"}, status_code=401)
    try:
        data = json.loads(await request.body())
    except ValueError:
        return JSONResponse({"detail": "bad JSON"}, status_code=400)
    errors = []
    if not isinstance(data, dict):
        return JSONResponse({"detail": "not an object"}, status_code=422)
    text = data.get("text")
    if not isinstance(text, str) or not 10 <= len(text) <= 4000:
        errors.append("text")
    if not isinstance(data.get("category"), str):
        errors.append("category")
    contact = data.get("contact")
    if not isinstance(contact, dict) or not contact.get("name"):
        errors.append("contact")
    if data.get("consent") is not True:
        errors.append("consent")
    if errors:
        return JSONResponse({"errors": errors}, status_code=422)
    appeal_id = str(uuid.uuid4())
    return JSONResponse(
        {
            "id": appeal_id,
            "number": f"BENCH-2026-{next(_numbers):06d}",
            "status": "accepted",
            "tracking_url": f"http://127.0.0.1/s/{appeal_id}",
        },
        status_code=201,
    )


app = Starlette(routes=[Route("/api/v1/appeals", create_appeal, methods=["POST"])])


def main() -> int:
    parser = argparse.ArgumentParser(description="Serve the plain Starlette reference handler.")
    parser.add_argument("--host", default=os.environ.get("POS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("POS_PORT", "8100")))
    args = parser.parse_args()
    # the stack `pos-intake serve` runs: uvicorn picks uvloop and httptools where installed
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
