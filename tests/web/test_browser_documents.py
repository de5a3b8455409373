"""The articles page in a real Chromium (Debian's, through Playwright) against `qa serve` with writes on: the
token goes in the password field, an article added through the form is listed once live, and the chat
answers from it. A second server-side corpus keeps the session browser tests' one-article corpus as it is."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.serve_util import start_server, stop_server  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

TOKEN = "browser-token-5a7e"
LIVE_WITHIN_MS = 120_000  # from the click to "is live"; one short article builds in about a second here
BASE = {"bridge.txt": "Bridge reopens\n\nThe Tamar bridge reopened on Friday after repairs that cost 3 million "
                      "pounds. Engineers replaced 40 cables.\n"}
TITLE = "Marathon record"
TEXT = "Keza Otieno won the city marathon on Sunday in 2 hours 21 minutes, a course record."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser-documents")
    (root / "corpus").mkdir()
    for name, text in BASE.items():
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    process, base = start_server(root / "corpus", root / "index", root / "conversations.sqlite3", torch_threads=1,
                                 log=root / "serve.log", timeout=300, extra_env={"QA_ADMIN_TOKEN": TOKEN})
    try:
        yield base
    finally:
        stop_server(process)


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh context (its own sessionStorage) on the session's Chromium (tests/web/conftest.py)."""
    context = browser.new_context(base_url=server, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text
            and problems.append(m.text))
    yield page
    context.close()
    assert problems == []


def use_token(page: Any, token: str) -> None:
    page.get_by_label("Admin token").fill(token)
    page.get_by_role("button", name="Use token").click()


def test_a_wrong_token_is_refused_and_forgotten(page: Any) -> None:
    page.goto("/documents")
    expect(page.get_by_role("button", name="Add article")).to_be_hidden()
    use_token(page, "not-the-token")
    page.get_by_label("Title").fill("Refused")
    page.get_by_label("Text").fill("This should not be written.")
    page.get_by_role("button", name="Add article").click()
    expect(page.locator("#build-message")).to_contain_text("not this server's admin token")
    expect(page.get_by_role("button", name="Add article")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('briefing-qa:admin-token')") is None
    expect(page.locator("#documents tbody tr")).to_have_count(len(BASE))


def test_an_article_added_through_the_form_is_listed_and_answers_in_the_chat(page: Any) -> None:
    page.goto("/documents")
    rows = page.locator("#documents tbody tr")
    expect(rows).to_have_count(len(BASE))
    use_token(page, TOKEN)
    assert page.evaluate("sessionStorage.getItem('briefing-qa:admin-token')") == TOKEN
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Date").fill("2026-04-05")
    page.get_by_label("Text").fill(TEXT)
    page.get_by_role("button", name="Add article").click()
    expect(page.locator("#build-message")).to_contain_text("is live", timeout=LIVE_WITHIN_MS)
    expect(rows).to_have_count(len(BASE) + 1)
    first = rows.first  # newest first
    expect(first.locator("td").nth(0)).to_have_text("2026-04-05")
    link = first.get_by_role("link", name=TITLE)
    expect(link).to_have_attribute("href", "/documents/added-2026-04-05-marathon-record")
    expect(first.locator("td").nth(2)).to_have_text("added/2026-04-05-marathon-record.md")

    # The token stays for this tab: a reload keeps the form open.
    page.reload()
    expect(page.get_by_role("button", name="Add article")).to_be_visible()

    link = page.get_by_role("link", name=TITLE)
    link.click()
    expect(page.locator("h1")).to_have_text(TITLE)

    page.goto("/")
    page.get_by_label("Your question").fill("Who won the city marathon?")
    page.get_by_label("Your question").press("Enter")
    turn = page.locator("article.turn:not(.turn--pending)").first
    expect(turn.locator(".reply__answer")).to_have_text("Keza Otieno")
    expect(turn.locator("a.chip").first).to_have_attribute(
        "href", re.compile(r"^/documents/added-2026-04-05-marathon-record\?"))


def test_a_file_uploaded_through_the_form_is_listed(page: Any) -> None:
    page.goto("/documents")
    use_token(page, TOKEN)
    before = page.locator("#documents tbody tr").count()
    page.get_by_label("Or upload a file").set_input_files({
        "name": "ferry.md", "mimeType": "text/markdown",
        "buffer": b"---\ntitle: Ferry strike\ndate: 2026-04-03\n---\nFerry crews walked out on Wednesday.\n"})
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator("#build-message")).to_contain_text("ferry.md is live", timeout=LIVE_WITHIN_MS)
    expect(page.locator("#documents tbody tr")).to_have_count(before + 1)
    expect(page.get_by_role("link", name="Ferry strike")).to_have_attribute("href", "/documents/added-ferry")
