"""Every example /docs shows is true: its curl command, copied from the page as a reader would,
runs against `pos-intake demo` and gets the status, content type and shape of answer the page
and /openapi.json document. An example that drifts from what the service does fails here.

The examples name an appeal, a token, a queue receipt, a form token: the values of the
example story. Here each is first made real — an appeal filed, answered, asked a question,
pulled from the queue, as the page says the example needs — and its documented value in the
command replaced by the real one, as a reader puts in their own."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from console_helpers import signed_in

from conftest import DemoSite, bearer, form_token, run_cli, start_demo, stop_demo

ALLOWED_ORIGIN = "http://127.0.0.1:8001"  # a page the demo's form may be framed by
JPEG = b"\xff\xd8\xff\xe0" + bytes(64)  # what the service looks at is the first bytes


@dataclass
class Shown:
    """One operation's example as the page shows it."""

    operation: str
    after: str = ""  # what the example needs done first (examples.py's Example.after)
    curl: str = ""
    status: int = 0
    media_type: str = ""


class _Page(HTMLParser):
    """The examples of /docs: each operation's curl command and its answer's status line."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: dict[str, Shown] = {}
        self._current: Shown | None = None
        self._in_curl = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "section" and attr.get("data-operation"):
            self._current = self.shown[attr["data-operation"]] = Shown(attr["data-operation"])
        elif tag == "div" and attr.get("data-after") and self._current:
            self._current.after = attr["data-after"] or ""
        elif tag == "pre" and attr.get("class") == "example-request":
            self._in_curl = True
        elif tag == "pre" and attr.get("class") == "example-answer" and self._current:
            self._current.status = int(attr["data-status"] or 0)
            self._current.media_type = attr["data-media-type"] or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._in_curl = False

    def handle_data(self, data: str) -> None:
        if self._in_curl and self._current:
            self._current.curl += data


@dataclass
class Story:
    """The demo, what it documents, and where the commands' answers are written."""

    site: DemoSite
    document: dict[str, Any]
    shown: dict[str, Shown]
    tmp: Path

    @property
    def url(self) -> str:
        return self.site.service

    def operation(self, name: str) -> dict[str, Any]:
        method, path = name.split(" ", 1)
        return self.document["paths"][path][method.lower()]

    def body_example(self, name: str) -> Any:
        content = self.operation(name)["requestBody"]["content"]
        return next(iter(content.values()))["examples"]["example"]["value"]

    def file(self) -> dict[str, str]:
        """A fresh appeal, with the body the first example documents."""
        filed = httpx.post(
            f"{self.url}/api/v1/appeals",
            json=self.body_example("POST /api/v1/appeals"),
            headers=bearer(self.site.key),
        )
        assert filed.status_code == 201, filed.text
        answer = filed.json()
        return {
            "id": answer["id"],
            "appeal": answer["number"],
            "token": answer["tracking_url"].rsplit("/", 1)[1],
        }


def _prepare(story: Story, after: str | None) -> dict[str, str]:
    """The state the example needs (its `after`), made through the service's own surfaces;
    the real values of what the example names."""
    if after in (None, "question"):
        return {}
    if after == "form":
        return {"form_token": form_token(story.url, ALLOWED_ORIGIN)}
    if after == "follow":
        return {"form_token": form_token(story.url, ALLOWED_ORIGIN), **story.file()}
    if after in ("poll", "discussion"):  # a poll of its own for each example that needs one
        body = story.body_example("POST /api/v1/polls")
        if after == "discussion":
            body = {k: v for k, v in body.items() if k != "questions"}
            body.update(kind="discussion", description="Обсуждаем проект парка.")
        made = httpx.post(f"{story.url}/api/v1/polls", json=body, headers=bearer(story.site.key))
        assert made.status_code == 201, made.text
        return {"poll_id": made.json()["id"]}
    if after == "pulled":
        story.file()
        pulled = httpx.get(f"{story.url}/api/v1/queue", headers=bearer(story.site.key))
        return {"receipt": pulled.json()["messages"][0]["receipt"]}
    if after == "photo":
        sent = httpx.post(
            f"{story.url}/w/demo/appeals",
            data={**_form_fields(story), "token": form_token(story.url, ALLOWED_ORIGIN)},
            files={"photos": ("lamp.jpg", JPEG, "image/jpeg")},
            headers={"Origin": story.url},
        )
        assert sent.status_code == 201, sent.text
        return {"id": sent.json()["id"], "token": sent.json()["tracking_url"].rsplit("/", 1)[1]}
    appeal = story.file()
    if after == "answered":
        answered = httpx.post(
            f"{story.url}/api/v1/appeals/{appeal['id']}/answer",
            json=story.body_example("POST /api/v1/appeals/{appeal}/answer"),
            headers={**bearer(story.site.key), "Idempotency-Key": uuid.uuid4().hex},
        )
        assert answered.status_code == 200, answered.text
    elif after == "asked":
        with signed_in(story.url, story.site.console_admin, story.site.console_password) as op:
            asked = op.post_form(
                f"/console/appeals/{appeal['id']}/clarify", {"question": "Какой номер опоры?"}
            )
            assert asked.status_code == 303, asked.text
    return appeal


def _form_fields(story: Story) -> dict[str, str]:
    fields = story.body_example("POST /w/{org}/appeals")
    return {k: str(v) for k, v in fields.items() if k != "token"}


def _documented_values(story: Story, name: str) -> dict[str, str]:
    """What the example names, by the names `_prepare` gives the real ones, as documented."""
    operation = story.operation(name)
    named = {
        p["name"]: str(p["example"]) for p in operation.get("parameters", []) if "example" in p
    }
    documented = {k: named[k] for k in ("id", "token", "appeal", "poll_id") if k in named}
    if name == "POST /api/v1/queue/ack":
        documented["receipt"] = story.body_example(name)["receipts"][0]
    if name in (
        "POST /w/{org}/appeals",
        "POST /w/{org}/form/token",
        "POST /w/{org}/similar",
        "POST /w/{org}/follow",
    ):
        documented["form_token"] = story.body_example(name)["token"]
    return documented


def _shape(documented: Any, real: Any, where: str = "") -> list[str]:
    """Where `real` is not shaped as `documented`: an object has the same keys (an empty one
    stands for any object), a list at least the documented items shaped alike, a value the same
    JSON type, and a status the same status."""
    if isinstance(documented, dict):
        if not isinstance(real, dict):
            return [f"{where or '.'}: {type(real).__name__}, documented an object"]
        if not documented:
            return []
        if documented.keys() != real.keys():
            missing, extra = documented.keys() - real.keys(), real.keys() - documented.keys()
            return [f"{where or '.'}: keys missing {sorted(missing)}, undocumented {sorted(extra)}"]
        return [p for k in documented for p in _shape(documented[k], real[k], f"{where}.{k}")]
    if isinstance(documented, list):
        if not isinstance(real, list) or len(real) < len(documented) or (real and not documented):
            return [f"{where or '.'}: {real!r:.80}, documented {documented!r:.80}"]
        return [
            p for i, d in enumerate(documented) for p in _shape(d, real[i], f"{where}[{i}]")
        ]  # fmt: skip
    kinds = (type(None), bool, (int, float), str)
    kind = next(k for k in kinds if isinstance(documented, k))
    if not isinstance(real, kind) or (kind is not bool and isinstance(real, bool)):
        return [f"{where or '.'}: {real!r:.60}, documented {documented!r:.60}"]
    if where.endswith(".status") and real != documented:  # the state the story has reached
        return [f"{where}: {real!r}, documented {documented!r}"]
    return []


def _run(curl: str, tmp: Path, key: str) -> tuple[int, dict[str, str], bytes]:
    """The command as a shell runs it, with the key in $KEY: status, headers, body."""
    head, body = tmp / "head", tmp / "body"
    done = subprocess.run(
        ["bash", "-c", f"{curl} -sS -D {head} -o {body}"],
        env={**os.environ, "KEY": key},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"{curl}\n{done.stderr}"
    lines = head.read_text().splitlines()
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:]) if v
    }
    return int(lines[0].split()[1]), headers, body.read_bytes()


def _check(story: Story, shown: Shown) -> list[str]:
    """What is wrong with one example, as words (none if it is true)."""
    name = shown.operation
    real = _prepare(story, shown.after or None)
    curl = shown.curl
    for what, documented in sorted(
        _documented_values(story, name).items(), key=lambda kv: -len(kv[1])
    ):
        curl = curl.replace(documented, real[what])
    status, headers, body = _run(curl, story.tmp, story.site.key)
    media_type = headers.get("content-type", "").split(";")[0]
    if status != shown.status:
        return [f"{name}: {status}, documented {shown.status}: {body[:300]!r}"]
    if shown.media_type and media_type != shown.media_type:
        return [f"{name}: answered {media_type}, documented {shown.media_type}"]
    answer = story.operation(name)["responses"][str(status)]
    missing = [h for h in answer.get("headers", {}) if "example" in answer["headers"][h]]
    wrong = [f"{name}: no {h} header" for h in missing if h.lower() not in headers]
    content = answer.get("content", {}).get(shown.media_type, {})
    if "examples" not in content:
        return wrong
    documented = content["examples"]["example"]["value"]
    if shown.media_type.endswith("json"):
        return wrong + [f"{name} {p}" for p in _shape(documented, json.loads(body))]
    text = body.decode()
    return wrong + [f"{name}: no {line!r}" for line in documented.splitlines() if line not in text]


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    tmp = tmp_path_factory.mktemp("examples")
    # the form example is sent at once after its page is read: no wait for a person typing
    site = start_demo(tmp, POS_FORM_MIN_SECONDS="0")
    try:
        run_cli(
            site.db, "org", "attribute", "demo", "street_lighting", "lamp",
            "--type", "singlevaluelist", "--description", "Какая лампа",
            "--value", "led=Светодиодная", "--value", "sodium=Натриевая",
        )  # fmt: skip
        page = httpx.get(f"{site.service}/docs?lang=en").text
        parser = _Page()
        parser.feed(page)
        document = httpx.get(f"{site.service}/openapi.json").json()
        yield Story(site, document, parser.shown, tmp)
    finally:
        stop_demo(site)


def test_every_operation_has_an_example_on_the_page(story):
    documented = {
        f"{method.upper()} {path}"
        for path, item in story.document["paths"].items()
        for method in item
    }
    assert set(story.shown) == documented
    assert all(s.curl.startswith("curl ") and s.status for s in story.shown.values())


def test_every_example_answers_as_documented(story):
    wrong = [problem for shown in story.shown.values() for problem in _check(story, shown)]
    assert wrong == []
