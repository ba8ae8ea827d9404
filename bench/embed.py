"""The loader's weight and the citizen's wait.

Prints embed.js as served (strings filled in from the catalogue): raw, gzip -9 and brotli -q 11
bytes against the 3,072-byte gzip budget, and the click-to-interactive time of the form on
localhost — from the click on the badge to the form's text field accepting input inside the
dialog — over fresh browser contexts (cold: no cache) and repeated opens in one context.

Run: python bench/embed.py [--runs 20]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from intake_service.assets import loader  # noqa: E402

from conftest import CHROMIUM, CHROMIUM_FLAGS, start_demo  # noqa: E402

BUDGET = 3072


def brotli_size(data: bytes) -> int | None:
    if shutil.which("brotli") is None:
        subprocess.run(["apt-get", "install", "-y", "brotli"], check=False, capture_output=True)
    if shutil.which("brotli") is None:
        return None
    out = subprocess.run(["brotli", "-q", "11", "-c"], input=data, capture_output=True, check=True)
    return len(out.stdout)


def sizes() -> dict[str, int | None]:
    served, _, _ = loader()
    return {
        "raw": len(served),
        "gzip": len(gzip.compress(served, 9, mtime=0)),
        "brotli": brotli_size(served),
    }


def click_to_interactive(runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import expect, sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="pos-embed-bench-"))
    site = start_demo(tmp)
    cold: list[float] = []
    warm: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                page.goto(site.examples + "/plain.html")
                badge = page.get_by_role("link", name="Обратная связь · Госуслуги")
                badge.wait_for()
                frame = page.frame_locator("iframe")
                started = time.perf_counter()
                badge.click()
                frame.locator("#text").click()
                frame.locator("#text").fill("x")
                cold.append((time.perf_counter() - started) * 1000)
                for _ in range(3):  # close and open again in the same page
                    page.keyboard.press("Escape")
                    expect(page.locator("dialog")).not_to_have_attribute("open", "")
                    started = time.perf_counter()
                    badge.click()
                    frame.locator("#text").click()
                    frame.locator("#text").fill("y")
                    warm.append((time.perf_counter() - started) * 1000)
                context.close()
            browser.close()
    finally:
        site.process.send_signal(signal.SIGINT)
        site.process.wait(15)
        shutil.rmtree(tmp, ignore_errors=True)
    return cold, warm


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("POS_LOG_LEVEL", "warning")

    s = sizes()
    verdict = "PASS" if s["gzip"] <= BUDGET else "FAIL"
    print(
        f"embed.js as served: raw {s['raw']} B, gzip -9 {s['gzip']} B, brotli -q11 {s['brotli']} B"
    )
    print(f"gzip budget {BUDGET} B: {verdict} ({s['gzip'] / BUDGET:.0%} of budget)")

    cold, warm = click_to_interactive(args.runs)
    print(
        f"click → interactive form, cold (new context) n={len(cold)}: "
        f"p50 {statistics.median(cold):.0f} ms, p95 {pct(cold, 0.95):.0f} ms"
    )
    print(
        f"click → interactive form, reopen (same page) n={len(warm)}: "
        f"p50 {statistics.median(warm):.0f} ms, p95 {pct(warm, 0.95):.0f} ms"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
