"""A person who clones only this repository can read its docs: nothing they point to is missing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [ROOT / line for line in out.splitlines() if (ROOT / line).exists()]


def test_docs_and_code_point_to_nothing_outside_the_repository():
    files = _tracked("*.md", "*.py", "*.js", "*.html", "*.toml")
    assert files, "git ls-files found nothing: the test would pass vacuously"
    outside = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path in files
        if path.name != "test_docs.py"
        for needle in ("../shared", "DESIGN.md", "steering repo")
        if needle in path.read_text(errors="replace")
    ]
    assert outside == []


def test_relative_links_in_the_docs_resolve_to_files_in_the_repository():
    docs = _tracked("*.md")
    broken = []
    for doc in docs:
        for target in _LINK.findall(doc.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (doc.parent / target).resolve()
            if not resolved.exists() or ROOT not in resolved.parents:
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert broken == []
