"""Verifying a pos-intake webhook, for an agency's receiver. Standard library only.

pos-intake POSTs each appeal as JSON with three headers:

    X-Pos-Timestamp:  Unix time of sending, e.g. 1795400000
    X-Pos-Signature:  v1=<hex HMAC-SHA256(secret, "<timestamp>." + raw body bytes)>
    X-Pos-Message-Id: the appeal id; the same appeal may come twice, drop repeats by it

Recipe: take the raw body bytes (before any JSON parsing), compute the HMAC with the secret
given to `pos-intake org sink SLUG add webhook --secret …`, compare in constant time, and refuse
timestamps older than a few minutes. Answer 2xx only after the appeal is stored on your side:
anything else (or no answer within the timeout) makes pos-intake send it again later.

Run as a tiny receiver:  python examples/webhook_verify.py 8080 YOUR-SECRET
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, HTTPServer

MAX_AGE_SECONDS = 300


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> bool:
    """True when the signature matches the body and the timestamp is fresh."""
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered.get("x-pos-timestamp", "")
    given = lowered.get("x-pos-signature", "")
    if not timestamp.isdigit() or not given.startswith("v1="):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest("v1=" + expected.hexdigest(), given)


def serve(port: int, secret: str) -> None:
    seen: set[str] = set()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not verify(secret, dict(self.headers), body):
                self.send_response(401)
                self.end_headers()
                return
            message_id = self.headers["X-Pos-Message-Id"]
            if message_id not in seen:  # store it here, then remember the id
                seen.add(message_id)
                appeal = json.loads(body)
                print(f"appeal {appeal['number']}: {appeal['text'][:60]}")
            self.send_response(204)
            self.end_headers()

    HTTPServer(("127.0.0.1", port), Receiver).serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
