"""The chat in a real Chromium (Debian's, through Playwright) against `qa serve` on a free local port."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served import served

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

QUESTION = "Who convened the Critical Minerals Ministerial?"
FOLLOW_UP = "When will it be held?"
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def server(web_root: Path) -> Iterator[str]:
    """`qa serve` in a subprocess on the session's one-article corpus; yields its base URL."""
    with served(web_root / "corpus", web_root / "index", web_root / "browser.sqlite3",
                web_root / "server.log") as base:
        yield base


# `browser` (one Chromium for the session, shared by every browser test module) is in conftest.py.


class Watched:
    """A page that records dialogs (which must never open) and CSP violations reported on the console."""

    def __init__(self, browser: Any, base: str, **context_options: Any) -> None:
        self.context = browser.new_context(base_url=base, **context_options)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def ask(self, question: str) -> Any:
        """Type a question, press Enter, and wait for its server-rendered turn; returns that turn."""
        before = self.page.locator("article.turn:not(.turn--pending)").count()
        self.page.get_by_label("Your question").fill(question)
        self.page.get_by_label("Your question").press("Enter")
        turn = self.page.locator("article.turn:not(.turn--pending)").nth(before)
        expect(turn.locator(".reply")).to_be_visible()
        return turn


@pytest.fixture
def watched(browser: Any, server: str) -> Iterator[Watched]:
    w = Watched(browser, server, viewport={"width": 1100, "height": 850})
    yield w
    w.context.close()
    assert w.dialogs == []
    assert [e for e in w.console_errors if "Content Security Policy" in e] == []


def test_answer_bubble_has_a_highlight_and_a_citation_chip(watched: Watched) -> None:
    page = watched.page
    page.goto("/")
    turn = watched.ask(QUESTION)
    expect(turn.locator(".bubble--question")).to_have_text(QUESTION)
    expect(turn.locator(".reply--answer .reply__answer")).not_to_be_empty()
    expect(turn.locator(".reply__quote mark")).to_be_visible()
    chip_href = re.compile(r"^/documents/.+\?start=\d+&end=\d+#cited$")
    expect(turn.locator("a.chip").first).to_have_attribute("href", chip_href)
    expect(page).to_have_url(re.compile(r"/\?c=[0-9a-f]+$"))
    expect(page.get_by_label("Your question")).to_have_value("")


def test_follow_up_shows_how_it_was_understood(watched: Watched) -> None:
    watched.page.goto("/")
    watched.ask(QUESTION)
    turn = watched.ask(FOLLOW_UP)
    expect(turn.locator(".reply__understood")).to_contain_text("Understood as:")
    expect(watched.page.locator("article.turn")).to_have_count(2)


def test_citation_opens_the_article_with_the_sentence_marked_in_view(watched: Watched) -> None:
    page = watched.page
    page.set_viewport_size({"width": 800, "height": 400})  # short, so the cited sentence needs scrolling to
    page.goto("/")
    turn = watched.ask(QUESTION)
    turn.locator("a.chip").last.click()
    expect(page).to_have_url(re.compile(r"/documents/.+#cited$"))
    cited = page.locator("mark#cited")
    expect(cited).to_be_visible()
    expect(cited).to_be_in_viewport()
    expect(page.locator("h1")).not_to_be_empty()


def test_markup_in_a_question_stays_text(watched: Watched) -> None:
    page = watched.page
    page.goto("/")
    turn = watched.ask(XSS)
    expect(turn.locator(".bubble--question")).to_have_text(XSS)
    expect(page.locator("img")).to_have_count(0)
    page.reload()
    expect(page.locator("article.turn .bubble--question").last).to_have_text(XSS)
    expect(page.locator("img")).to_have_count(0)
    assert watched.dialogs == []


def test_reload_and_revisit_keep_the_conversation(watched: Watched) -> None:
    page = watched.page
    page.goto("/")
    watched.ask(QUESTION)
    watched.ask(FOLLOW_UP)
    url = page.url
    page.reload()
    expect(page.locator("article.turn")).to_have_count(2)
    watched.context.clear_cookies()  # the script's localStorage alone brings it back at "/"
    page.goto("/")
    expect(page).to_have_url(url)
    expect(page.locator("article.turn")).to_have_count(2)
    page.get_by_role("button", name="New conversation").click()
    expect(page.locator("article.turn")).to_have_count(0)
    expect(page.locator("#intro")).to_be_visible()


def test_starter_button_asks_its_question(watched: Watched) -> None:
    page = watched.page
    page.goto("/")
    starter = page.locator(".starter").first
    question = starter.get_attribute("value")
    starter.click()
    turn = page.locator("article.turn:not(.turn--pending)").first
    expect(turn.locator(".bubble--question")).to_have_text(question or "")
    expect(page.locator("#intro")).to_be_hidden()


def test_without_javascript_the_form_posts_and_the_server_renders(browser: Any, server: str) -> None:
    w = Watched(browser, server, java_script_enabled=False)
    page = w.page
    page.goto("/")
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page).to_have_url(re.compile(r"/\?c=[0-9a-f]+#turn-0$"))
    turn = page.locator("article.turn")
    expect(turn).to_have_count(1)
    expect(turn.locator(".reply__quote mark")).to_be_visible()
    page.get_by_label("Your question").fill(FOLLOW_UP)
    page.get_by_label("Your question").press("Enter")
    expect(page.locator("article.turn")).to_have_count(2)
    expect(page.locator(".reply__understood")).to_contain_text("Understood as:")
    w.context.close()


def test_phone_width_has_no_sideways_scroll(browser: Any, server: str) -> None:
    w = Watched(browser, server, viewport={"width": 375, "height": 740}, is_mobile=True)
    w.page.goto("/")
    w.ask(QUESTION)
    assert w.page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(w.page.get_by_role("button", name="Ask", exact=True)).to_be_in_viewport()
    w.context.close()


def test_api_docs_render_offline_under_the_csp(watched: Watched) -> None:
    from web.docs import swagger_ui_dir

    if swagger_ui_dir() is None:
        pytest.skip("swagger-ui-bundle-v2 is not installed: /docs uses the CDN")
    watched.page.goto("/docs")
    expect(watched.page.locator(".opblock").first).to_be_visible()
    expect(watched.page.locator(".opblock-summary-path", has_text="/api/ask")).to_be_visible()
