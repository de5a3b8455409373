"""Save docs/screenshot-chat.png: the chat page after a two-turn conversation, in Debian's Chromium.

Starts `qa serve` on a free local port (corpus and index from QA_CORPUS_DIR / QA_INDEX_DIR or the defaults,
conversations in a temporary database), asks the two questions through the page, and screenshots it.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot-chat.png] [--width 1100]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

QUESTIONS = ["Who convened the Critical Minerals Ministerial?", "When will it be held?"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(base: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"qa serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"qa serve did not answer /api/health within {seconds:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshot-chat.png"))
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QA_CONVERSATIONS_DB": str(Path(tmp) / "conversations.sqlite3")}
        process = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], env=env)
        try:
            wait_healthy(base, process)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": args.width, "height": args.height},
                                        device_scale_factor=1)
                page.goto(f"{base}/")
                for number, question in enumerate(QUESTIONS, start=1):
                    page.get_by_label("Your question").fill(question)
                    page.get_by_label("Your question").press("Enter")
                    expect(page.locator("article.turn:not(.turn--pending)")).to_have_count(number)
                page.reload()  # the server-rendered page, scrolled to the top
                page.evaluate("window.scrollTo(0, 0)")
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
