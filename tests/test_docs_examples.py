"""Every shell example in the README and docs/ runs against a demo server, as a reader would run it.

The examples are the fenced ```sh, ```bash, ```shell and ```console blocks of README.md and
docs/**/*.md. Each page gets its own `pos-intake demo` (own ports, own folder) and runs its
blocks in order in one `bash -euo pipefail`, as a reader types them into one terminal (what one
block sets, the next one has), with what the getting-started page has the reader set
(docs/index.md, "Trying the examples"):

- `POS`: the demo's base URL (http://127.0.0.1:8000 for a reader), `KEY`: the API key it printed;
- `ID`, `NUMBER`, `TOKEN`: an appeal filed through the JSON API just before (its id, number and
  the last part of its tracking link);
- `POS_DB`: the demo's database, so the `pos-intake` CLI examples act on the running demo.

A block that fails (an HTTP error too: the examples use `curl -fsS`) fails the page's test,
which names the block and shows its output.

A block that cannot run here — it installs something, starts a server that never ends, needs
PostgreSQL or RabbitMQ — is marked by an HTML comment right before it, which readers do not see:

    <!-- untested: needs a PostgreSQL server -->

Each marked block is reported as a skipped test with its reason. A block that looks like a
command but has no shell language is an error, so no example escapes by its fence.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import appeal, bearer, start_demo, stop_demo

ROOT = Path(__file__).resolve().parent.parent
SHELL = {"sh", "bash", "shell", "console"}
_FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
_UNTESTED = re.compile(r"^\s*<!--\s*untested:\s*(?P<reason>.*?)\s*-->\s*$")
_LOOKS_LIKE_A_COMMAND = re.compile(r"^\s*(\$ |curl |pos-intake |python3? |pip |scripts/)")
PAGE_TIMEOUT = 120
MARK = "#### example at "  # printed before each block, to tell which one failed


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: str  # relative to the repository: README.md, docs/api.md
    line: int  # of the opening fence, 1-based
    language: str
    code: str
    untested: str | None  # the reason given in the comment before it

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    def script(self) -> str:
        """What bash runs: the block, or a console block's commands without prompts and output."""
        if self.language != "console":
            return self.code
        commands, continuing = [], False
        for line in self.code.splitlines():
            if line.startswith("$ ") or continuing:
                commands.append(line[2:] if line.startswith("$ ") and not continuing else line)
                continuing = line.rstrip().endswith("\\")
        return "\n".join(commands)


def _blocks(path: Path) -> list[Block]:
    page = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i, before = [], 0, None  # `before`: the last non-blank line outside a block
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            if lines[i].strip():
                before = lines[i]
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        language = opening["info"].strip().split(" ")[0].strip("{}.").lower()
        body, j = [], i + 1
        while j < len(lines) and not lines[j].startswith(indent + fence):
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        marker = _UNTESTED.match(before or "")
        found.append(Block(page, i + 1, language, "\n".join(body), marker and marker["reason"]))
        before, i = None, j + 1
    return found


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


ALL = [block for path in _pages() for block in _blocks(path)]
SHELL_BLOCKS = [b for b in ALL if b.language in SHELL]
RUN = [b for b in SHELL_BLOCKS if b.untested is None]
PAGES = sorted({b.page for b in RUN})


def test_the_examples_are_found_and_every_command_is_in_a_shell_block():
    assert len(RUN) >= 20, f"only {len(RUN)} runnable examples found: is the extraction broken?"
    hidden = [
        f"{b.where} ({b.language or 'no language'})"
        for b in ALL
        if b.language not in SHELL and _LOOKS_LIKE_A_COMMAND.match(b.code)
    ]
    assert not hidden, f"commands outside a ```sh block, so no test runs them: {hidden}"
    empty = [b.where for b in SHELL_BLOCKS if b.untested == ""]
    assert not empty, f"an untested example must say why: {empty}"


@pytest.mark.parametrize("block", [b for b in SHELL_BLOCKS if b.untested], ids=lambda b: b.where)
def test_untested_examples_say_why(block: Block) -> None:
    pytest.skip(f"{block.where}: {block.untested}")


@pytest.mark.sqlite_only("the demo keeps its SQLite file under either engine")
@pytest.mark.parametrize("page", PAGES)
def test_the_examples_of_a_page_run_against_the_demo(page: str, tmp_path: Path) -> None:
    site = start_demo(tmp_path)
    try:
        filed = httpx.post(
            site.service + "/api/v1/appeals", json=appeal(), headers=bearer(site.key), timeout=10
        )
        assert filed.status_code == 201, filed.text
        answer = filed.json()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("POS_")},
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "POS": site.service,
            "KEY": site.key,
            "ID": answer["id"],
            "NUMBER": answer["number"],
            "TOKEN": answer["tracking_url"].rsplit("/", 1)[1],
            "POS_DB": str(site.db),
        }
        blocks = [b for b in RUN if b.page == page]
        script = tmp_path / "examples.sh"  # the page's blocks in order, as typed in one terminal
        script.write_text(
            "".join(f"printf '\\n{MARK}{b.where}\\n'\n{b.script()}\n" for b in blocks),
            encoding="utf-8",
        )
        result = subprocess.run(
            ["bash", "-euo", "pipefail", str(script)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=PAGE_TIMEOUT,
        )
        if result.returncode != 0:
            started = re.findall(f"^{re.escape(MARK)}(.+)$", result.stdout, re.M)
            failed = next(b for b in blocks if b.where == started[-1])
            output = result.stdout.rsplit(MARK + failed.where, 1)[1]
            pytest.fail(
                f"the example at {failed.where} exited {result.returncode}:\n{failed.code}\n"
                f"--- its output{output}",
                pytrace=False,
            )
    finally:
        stop_demo(site)
