"""Web fixtures: one tiny corpus, index and app per session (the real model loads once)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qa.settings import Settings
from web.app import create_app

CORPUS_FILE = Path(__file__).resolve().parents[2] / "corpus" / "000_9aa2248574764ab3.txt"

# --import-mode=importlib puts no test folder on sys.path; the web tests share `web_assertions` from here.
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def web_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus folder holding one article, beside an empty index folder; shared by the app and the server."""
    root = tmp_path_factory.mktemp("web")
    (root / "corpus").mkdir()
    shutil.copy(CORPUS_FILE, root / "corpus")
    return root


@pytest.fixture(scope="session")
def web_settings(web_root: Path) -> Settings:
    return Settings(corpus_dir=web_root / "corpus", index_dir=web_root / "index",
                    conversations_db=web_root / "conversations.sqlite3")


@pytest.fixture(scope="session")
def client(web_settings: Settings) -> Iterator[TestClient]:
    """The app with its lifespan run: the index is built (first time) and the model loaded once."""
    with TestClient(create_app(web_settings)) as client:
        yield client


@pytest.fixture
def fresh_client(client: TestClient) -> Iterator[TestClient]:
    """The session client without the conversation cookie a previous test's form post left behind."""
    client.cookies.clear()
    yield client
    client.cookies.clear()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one for the whole session: Playwright's sync API cannot start
    a second instance while one runs, so every browser test module shares this one."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
