"""MkDocs hook: links from a docs page to a file of the repository outside docs/.

On GitHub a page may link to `../bench/RESULTS.md` or `../examples/webhook_verify.py` and the
link works; the site holds only docs/, so the same link would be broken there (and
`mkdocs build --strict` fails on it). The site shows such a link as the file's path in code
instead, so it names the file a reader finds in the repository. A link to a file that does not
exist is left alone, for MkDocs (and tests/test_docs.py) to report.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)#\s]+)(#[^)\s]*)?\)")


def _outside_docs(page_uri: str, target: str, docs: Path) -> str | None:
    """The repository path of `target` when it is a file of the repository outside docs/."""
    if "://" in target or target.startswith(("mailto:", "/")):
        return None
    resolved = (docs / PurePosixPath(page_uri).parent / target).resolve()
    if docs in resolved.parents or not resolved.is_file() or ROOT not in resolved.parents:
        return None
    return resolved.relative_to(ROOT).as_posix()


def _rewrite(text: str, page_uri: str, docs: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        path = _outside_docs(page_uri, target, docs)
        if path is None:
            return match.group(0)
        if label.strip("`") == path:
            return f"`{path}`"
        return f"{label} (`{path}`)"

    return _LINK.sub(replace, text)


def on_page_markdown(markdown: str, page: Any, config: Any, **_: Any) -> str:
    docs = Path(config["docs_dir"]).resolve()
    out, last = [], 0
    for fence in _FENCE.finditer(markdown):  # code blocks are shown as written
        out.append(_rewrite(markdown[last : fence.start()], page.file.src_uri, docs))
        out.append(fence.group(0))
        last = fence.end()
    out.append(_rewrite(markdown[last:], page.file.src_uri, docs))
    return "".join(out)
