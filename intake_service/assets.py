"""Where the shipped front-end files are, and serving the loader.

`widget/` and `embed.js` live at the top of the repository and are copied into the wheel under
`intake_service/` (hatch force-include), so an installed service finds them beside this module
and a checkout finds them one level up.

The loader is served with its strings taken from the one message catalogue (the JSON between
`/*i18n*/` and `/*end*/` is replaced once at start), without its comment lines (lines whose first
characters are `//`: they explain the source to us and would cost host pages about a sixth
more; served, the loader is about 3.4 KB gzipped since the phone tab, decision 0111, and
4.7 KB since the polls' tab, count and inline block, decision 0112, and 5.9 KB since the
banner and the ПОС banner's `Widget`, decision 0115), an ETag over the served
bytes, and a short public cache so that a fixed loader reaches every host page within minutes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from intake_service.i18n import LANGUAGES, t

_HERE = Path(__file__).resolve().parent
_STRINGS = re.compile(r"/\*i18n\*/.*?/\*end\*/", re.S)
_COMMENT_LINE = re.compile(r"^[ \t]*//[^\n]*\n", re.M)
LOADER_KEYS = (
    "badge",
    "title",
    "close",
    "appeal",
    "polls",
    "open-one",
    "open-few",
    "open-many",
    "slogan",
    "banner",
    "banner-small",
    "report",
)


def shipped(name: str) -> Path:
    """A front-end file or folder, installed or in the checkout."""
    for base in (_HERE, _HERE.parent):
        if (base / name).exists():
            return base / name
    raise FileNotFoundError(f"{name} is missing from the installation")


def loader_strings() -> dict[str, dict[str, str]]:
    return {lang: {k: t(f"loader.{k}", lang) for k in LOADER_KEYS} for lang in LANGUAGES}


@cache
def loader() -> tuple[bytes, bytes, str]:
    """(the loader as served, its gzip, its ETag)."""
    source = shipped("embed.js").read_text(encoding="utf-8")
    strings = json.dumps(loader_strings(), ensure_ascii=False, separators=(",", ":"))
    source = _COMMENT_LINE.sub("", source)
    served = _STRINGS.sub(lambda _: f"/*i18n*/{strings}/*end*/", source, count=1).encode()
    etag = '"' + hashlib.sha256(served).hexdigest()[:16] + '"'
    return served, gzip.compress(served, 9, mtime=0), etag


async def embed_js(request: Request) -> Response:
    body, zipped, etag = loader()
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=300",
        "Vary": "Accept-Encoding",
        # The loader runs in host pages: it must be loadable from any origin.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = zipped
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)
