"""The answers an operation gives because of what it is, not what it does: added to every
operation of /openapi.json in one place, so that a new route cannot forget them.

- 429 with `Retry-After`: every route spends its client's address budget (and a key's, where
  it takes one) before its own work — all but the few in `UNLIMITED`;
- 503 with `Retry-After`: every route that reads or writes the store answers so when the
  database is unreachable or busy (problems.py's storage handler) — all but `STORELESS`;
- 401: every operation with a `security` requirement (the key is checked first);
- 413: every operation that takes a body (each is read with a size limit);
- 415: every operation that takes a JSON body (api/requests.py's `read_json`);
- 431: every operation, when a request's headers pass 64 KiB (middleware.py).

Under /open311/ the answers are GeoReport's error list with its statuses (open311/problems.py:
415 is 400, 401 is 403); elsewhere they are problems (RFC 9457), or a page for a browser that
asked for HTML.
"""

from __future__ import annotations

from typing import Any

from intake_service.open311 import PREFIX as OPEN311_PREFIX
from intake_service.open311.problems import STATUS_OF as OPEN311_STATUS_OF

# no rate limit: static or self-describing answers, and what a balancer or scraper polls
UNLIMITED = frozenset({"/embed.js", "/healthz", "/readyz", "/openapi.json", "/docs"})
# answered without the store (readyz reports the store's failure as its own 503)
STORELESS = frozenset({"/embed.js", "/healthz", "/readyz", "/openapi.json", "/docs"})
RETRY_AFTER = {
    "Retry-After": {
        "required": True,
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
DESCRIPTIONS = {
    401: "No API key, or not a valid one.",
    413: "The body is larger than the service takes.",
    415: "The body is not JSON (`Content-Type: application/json`).",
    431: "The request's headers are larger than the service takes (64 KiB).",
    429: "Too many requests from this address or key: try again after `Retry-After` seconds.",
    503: "The store is unavailable for a moment: try again after `Retry-After` seconds.",
}


def problem_answer(code: int, description: str) -> dict[str, Any]:
    """A refusal as the service gives it outside Open311: problem+json, or the same problem as
    a page to a browser (`Accept: text/html`, problems.py's `respond`)."""
    answer: dict[str, Any] = {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
    if code in (429, 503):
        answer["headers"] = RETRY_AFTER
    return answer


def open311_answer(code: int, description: str = "GeoReport v2 errors.") -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Open311Errors"}},
            "text/xml": {"schema": {"type": "string"}},
        },
    }
    if code in (429, 503):
        answer["headers"] = RETRY_AFTER
    return answer


def _common(path: str, operation: dict[str, Any]) -> list[int]:
    codes = []
    if path not in UNLIMITED:
        codes.append(429)
    if path not in STORELESS:
        codes.append(503)
    if operation.get("security"):
        codes.append(401)
    bodies = operation.get("requestBody", {}).get("content", {})
    if bodies:
        codes.append(413)
    if "application/json" in bodies:
        codes.append(415)
    codes.append(431)
    return codes


def complete(paths: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every operation with its common answers added (its own, where it has one, stay) and
    its answers in the order of their status codes."""
    for path, item in paths.items():
        open311 = path.startswith(OPEN311_PREFIX + "/")
        for operation in item.values():
            responses = operation["responses"]
            for code in _common(path, operation):
                if open311:
                    code = OPEN311_STATUS_OF.get(code, code)
                    answer = open311_answer(code, DESCRIPTIONS.get(code, "GeoReport v2 errors."))
                else:
                    answer = problem_answer(code, DESCRIPTIONS[code])
                responses.setdefault(str(code), answer)
            operation["responses"] = dict(sorted(responses.items()))
    return paths
