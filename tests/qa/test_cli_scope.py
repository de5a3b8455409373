"""`qa ask --doc ID` and `qa chat --doc ID`: a conversation scoped to a few articles from the command line,
over the seed briefing plus two BBC articles (so the scope decides which article answers)."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.cli import main
from qa.history import ConversationStore
from qa.settings import get_settings

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = REPO_ROOT / "corpus" / "000_9aa2248574764ab3.txt"
BBC_DIR = REPO_ROOT.parent / "shared" / "data" / "bbc-news"
SEED_ID, BUSINESS_ID, TECH_ID = "000_9aa2248574764ab3", "business_001", "tech_001"
SEED_QUESTION = "Who convened the Critical Minerals Ministerial?"
TECH_QUESTION = "Who pushed through the law requiring the use of ink in the elections?"


@pytest.fixture(scope="module")
def scope_paths(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    sources = [SEED_FILE, BBC_DIR / "business" / "001.txt", BBC_DIR / "tech" / "001.txt"]
    if not all(p.is_file() for p in sources):
        pytest.skip("the seed article or the shared BBC articles are absent")
    root = tmp_path_factory.mktemp("cli-scope")
    (root / "corpus").mkdir()
    for source, name in zip(sources, (SEED_FILE.name, f"{BUSINESS_ID}.txt", f"{TECH_ID}.txt"), strict=True):
        shutil.copy(source, root / "corpus" / name)
    return root / "corpus", root / "index", root / "conversations.sqlite3"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, scope_paths: tuple[Path, Path, Path],
        single_thread_torch: None) -> Iterator[Path]:
    corpus, index, db = scope_paths
    monkeypatch.setenv("QA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("QA_INDEX_DIR", str(index))
    monkeypatch.setenv("QA_CONVERSATIONS_DB", str(db))
    monkeypatch.delenv("QA_EMBEDDING_MODEL", raising=False)
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def docs_of(payload: dict) -> set[str]:  # type: ignore[type-arg]
    return {c["doc_id"] for c in payload["citations"] + payload["related"]}


def test_ask_with_doc_scopes_the_conversation(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "--json", "--doc", BUSINESS_ID, "--doc", TECH_ID, SEED_QUESTION)
    assert code == 0, err
    payload = json.loads(out)
    assert payload["scope"] == [BUSINESS_ID, TECH_ID]
    assert docs_of(payload) <= {BUSINESS_ID, TECH_ID}  # the seed article answers this, but is out of scope

    # A follow-up without --doc keeps the scope; one with --doc replaces it.
    cid = payload["conversation_id"]
    code, out, err = run(capsys, "ask", "--json", "--conversation", cid, TECH_QUESTION)
    assert code == 0, err
    assert json.loads(out)["scope"] == [BUSINESS_ID, TECH_ID]
    code, out, err = run(capsys, "ask", "--conversation", cid, "--doc", SEED_ID, SEED_QUESTION)
    assert code == 0, err
    assert out.strip().splitlines()[-1] == f"(conversation {cid}, asking only about {SEED_ID})"
    assert ConversationStore(env).scope(cid) == (SEED_ID,)


def test_ask_with_an_unknown_doc_exits_2_naming_it(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "--doc", "no-such-article", SEED_QUESTION)
    assert code == 2 and out == ""
    assert err.strip().splitlines()[-1] == "qa ask: no document has the id 'no-such-article'"


def test_chat_with_doc_asks_only_that_article(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{TECH_QUESTION}\nWho agreed to fund it?\n\n"))
    code, out, err = run(capsys, "chat", "--doc", TECH_ID)
    assert code == 0, err
    assert f"Asking only about: {TECH_ID}" in out
    (cid,) = re.findall(r"\(conversation ([0-9a-f]{32}) is saved\)", out)
    store = ConversationStore(env)
    assert store.scope(cid) == (TECH_ID,)
    turns = store.turns(cid)
    assert [t.question for t in turns] == [TECH_QUESTION, "Who agreed to fund it?"]
    for turn in turns:
        assert turn.payload["scope"] == [TECH_ID] and docs_of(turn.payload) <= {TECH_ID}
