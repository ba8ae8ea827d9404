"""The repository holds source and text: a clone stays small, and every file in it can be read
in a review. Binaries (a profiler's wheel once sat at the root) and large files are refused here,
outside the places that ship assets: the example host pages and the static folders."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 1024 * 1024
ASSET_FOLDERS = ("examples/", "widget/static/", "intake_service/console/static/")


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: nothing tracked to check")
    return [name for name in listed.stdout.decode().split("\0") if name]


def test_no_large_or_binary_file_is_tracked():
    large, binary = [], []
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the working tree, not yet committed
        data = path.read_bytes()
        if len(data) > MAX_BYTES:
            large.append(f"{name} ({len(data):,} bytes)")
        if b"\0" in data and not name.startswith(ASSET_FOLDERS):
            binary.append(name)
    assert not large, f"files over 1 MB are tracked: {large}"
    assert not binary, f"binary files are tracked outside the asset folders: {binary}"
