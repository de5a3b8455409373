"""'Ask about this article' in a real Chromium (Debian's, through Playwright) against `qa serve` over the seed
briefing and two BBC articles: the article's button opens a chat scoped to it, the chip shows it, follow-ups
stay in it, and the chip's button clears it. Answers are checked by where their links point."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from scope_corpus import SEED_QUESTION, TECH_FOLLOW_UPS, TECH_ID, TECH_QUESTION, TECH_TITLE, write_scope_corpus
from served import served

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ANSWER_MS = 60_000  # one answer on a busy two-core machine
DOC_LINK = re.compile(r"^/documents/([^?#/]+)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`qa serve` in a subprocess over the three-article corpus; yields its base URL."""
    root = tmp_path_factory.mktemp("browser-scope")
    write_scope_corpus(root / "corpus")
    with served(root / "corpus", root / "index", root / "browser.sqlite3", root / "server.log") as base:
        yield base


@pytest.fixture(params=[True, False], ids=["with-js", "without-js"])
def page(request: pytest.FixtureRequest, browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=server, java_script_enabled=request.param,
                                  viewport={"width": 1100, "height": 850})
    context.set_default_timeout(ANSWER_MS)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()
    assert dialogs == []


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, and wait for its server-rendered turn; returns that turn."""
    before = page.locator("article.turn:not(.turn--pending)").count()
    page.get_by_label("Your question").fill(question)
    page.get_by_label("Your question").press("Enter")
    turn = page.locator("article.turn:not(.turn--pending)").nth(before)
    expect(turn.locator(".reply")).to_be_visible()
    return turn


def linked_documents(turn: Any) -> set[str]:
    """The documents a turn's citation chips and related passages link to."""
    links = turn.locator(".reply a[href^='/documents/']")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    return {m.group(1) for h in hrefs if (m := DOC_LINK.match(h))}


def test_ask_about_this_article_keeps_the_conversation_in_it(page: Any) -> None:
    page.goto(f"/documents/{TECH_ID}")
    page.get_by_role("button", name="Ask about this article").click()
    expect(page).to_have_url(re.compile(rf"/\?doc={TECH_ID}$"))
    chip = page.locator("#scope .scope__chip")
    expect(chip).to_have_text(TECH_TITLE)

    for question in (TECH_QUESTION, *TECH_FOLLOW_UPS):
        turn = ask(page, question)
        expect(turn.locator(".bubble--question")).to_have_text(question)
        documents = linked_documents(turn)
        assert documents and documents <= {TECH_ID}, (question, documents)
        expect(chip).to_have_text(TECH_TITLE)
    expect(page.locator("article.turn")).to_have_count(1 + len(TECH_FOLLOW_UPS))
    expect(page).to_have_url(re.compile(r"/\?c=[0-9a-f]{32}(#turn-\d+)?$"))

    page.reload()  # the conversation stored its scope: the chip comes back without ?doc=
    expect(page.locator("#scope .scope__chip")).to_have_text(TECH_TITLE)

    page.get_by_role("button", name="Clear: ask the whole briefing").click()
    expect(page.locator("#scope")).to_have_count(0)
    expect(page.locator("article.turn")).to_have_count(1 + len(TECH_FOLLOW_UPS))
    ask(page, SEED_QUESTION)
    (cid,) = re.findall(r"[?&]c=([0-9a-f]{32})", page.url)
    stored = page.request.get(f"/api/conversations/{cid}").json()
    assert stored["scope"] == [] and [t["scope"] for t in stored["turns"]][-2:] == [[TECH_ID], []]
