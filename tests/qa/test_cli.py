"""qa.cli.main: the `qa` subcommands (index, ask, eval) against temporary corpus, index and database paths
given through QA_* environment variables, as a user would run them."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa.cli import main
from qa.settings import get_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = REPO_ROOT / "corpus" / "000_9aa2248574764ab3.txt"
CONTRACT_KEYS = {
    "conversation_id", "question", "resolved_question", "answer", "message", "confidence", "kind", "citations",
    "related", "date_value", "scope",
}
TINY_ARTICLE = (
    "date 2026-03-01\n"
    "The city council of Springfield approved a new bridge on Monday. "
    "The bridge will cost 12 million dollars and open in 2027.\n"
)


@dataclass
class Paths:
    corpus: Path
    index: Path
    db: Path


def _environment(monkeypatch: pytest.MonkeyPatch, paths: Paths) -> None:
    monkeypatch.setenv("QA_CORPUS_DIR", str(paths.corpus))
    monkeypatch.setenv("QA_INDEX_DIR", str(paths.index))
    monkeypatch.setenv("QA_CONVERSATIONS_DB", str(paths.db))
    monkeypatch.delenv("QA_EMBEDDING_MODEL", raising=False)
    get_settings.cache_clear()  # settings are read once and cached; re-read them for these paths


def _fields(output: str) -> dict[str, str]:
    """The `key: value` lines the index command prints."""
    return dict(re.findall(r"^(\w+): (.*)$", output, re.MULTILINE))


@pytest.fixture(scope="module")
def seed_paths(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    if not SEED_FILE.is_file():
        pytest.skip(f"seed article {SEED_FILE} is absent")
    root = tmp_path_factory.mktemp("cli")
    (root / "corpus").mkdir()
    shutil.copy(SEED_FILE, root / "corpus" / SEED_FILE.name)
    return Paths(root / "corpus", root / "index", root / "db" / "conversations.sqlite3")


@pytest.fixture(scope="module")
def first_build(seed_paths: Paths, single_thread_torch: None) -> tuple[int, str]:
    """`qa index` run once on a fresh index folder; every slow test in this module shares the result."""
    with pytest.MonkeyPatch.context() as mp:
        _environment(mp, seed_paths)
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(["index"])
    get_settings.cache_clear()
    return code, out.getvalue()


@pytest.fixture
def seed_env(
    monkeypatch: pytest.MonkeyPatch, seed_paths: Paths, first_build: tuple[int, str],
) -> Iterator[Paths]:
    _environment(monkeypatch, seed_paths)
    yield seed_paths
    get_settings.cache_clear()


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `qa <argv>`; returns (exit code, stdout, stderr)."""

    def _run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


# ------------------------------------------------------------------------------------------ fast paths


def test_a_subcommand_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "command" in capsys.readouterr().err


def test_unknown_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_index_of_a_missing_corpus_folder_exits_2(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run,
) -> None:
    _environment(monkeypatch, Paths(tmp_path / "nowhere", tmp_path / "index", tmp_path / "db.sqlite3"))
    try:
        code, out, err = run("index")
    finally:
        get_settings.cache_clear()
    assert code == 2
    assert err.startswith("qa index: ") and "does not exist" in err


def test_settings_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = Paths(tmp_path / "c", tmp_path / "i", tmp_path / "d.sqlite3")
    _environment(monkeypatch, paths)
    try:
        settings = get_settings()
        assert settings.corpus_dir == paths.corpus and settings.index_dir == paths.index
        assert settings.conversations_path == paths.db
        monkeypatch.delenv("QA_CONVERSATIONS_DB")
        get_settings.cache_clear()
        assert get_settings().conversations_path == paths.index / "conversations.sqlite3"
    finally:
        get_settings.cache_clear()


# --------------------------------------------------------------------------------------------- index


@pytest.mark.slow
def test_index_builds_and_prints_counts(first_build: tuple[int, str], seed_paths: Paths) -> None:
    code, out = first_build
    assert code == 0
    assert out.startswith(f"built index in {seed_paths.index}")
    fields = _fields(out)
    assert {"documents", "passages", "sentences", "skipped", "seconds"} <= set(fields)
    assert fields["documents"] == "1" and fields["skipped"] == "0"
    assert int(fields["passages"]) >= 1 and int(fields["sentences"]) >= int(fields["passages"])
    assert float(fields["seconds"]) >= 0


@pytest.mark.slow
def test_index_again_is_up_to_date(seed_env: Paths, first_build: tuple[int, str], run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("index")
    assert code == 0
    assert out.startswith("index is up to date")
    built, again = _fields(first_build[1]), _fields(out)
    for key in ("documents", "passages", "sentences", "skipped"):
        assert again[key] == built[key], key
    assert "seconds" in again


@pytest.mark.slow
@pytest.mark.parametrize(
    ("bad_file", "expected_code"),
    [pytest.param(True, 1, id="invalid-utf8-file"), pytest.param(False, 0, id="clean-corpus")],
)
def test_index_strict(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, single_thread_torch: None, run,
    bad_file: bool, expected_code: int,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bridge.txt").write_text(TINY_ARTICLE, encoding="utf-8")
    if bad_file:
        (corpus / "broken.txt").write_bytes(b"date 2026-03-02\nCaf\xe9 owners \xff\xfe protested.\n")
    _environment(monkeypatch, Paths(corpus, tmp_path / "index", tmp_path / "db.sqlite3"))
    try:
        code, out, err = run("index", "--strict")
        plain_code, _, _ = run("index")  # without --strict a skipped file is not an error
    finally:
        get_settings.cache_clear()
    assert code == expected_code
    assert plain_code == 0
    fields = _fields(out)
    assert fields["documents"] == "1"
    assert fields["skipped"] == ("1" if bad_file else "0")
    if bad_file:
        assert "skipped broken.txt" in err and "UTF-8" in err
    else:
        assert "skipped" not in err


# ----------------------------------------------------------------------------------------------- ask


@pytest.mark.slow
def test_ask_json_prints_the_contract(seed_env: Paths, run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("ask", "--json", "Who convened the Critical Minerals Ministerial?")
    assert code == 0
    payload = json.loads(out)
    assert set(payload) == CONTRACT_KEYS
    assert payload["question"] == "Who convened the Critical Minerals Ministerial?"
    assert 0.0 <= payload["confidence"] <= 1.0
    assert isinstance(payload["citations"], list) and isinstance(payload["related"], list)
    if payload["answer"] is not None:
        first = payload["citations"][0]
        a, b = first["answer_start"] - first["start"], first["answer_end"] - first["start"]
        assert first["text"][a:b] == payload["answer"]

    # The conversation was stored where QA_CONVERSATIONS_DB says; a follow-up continues it.
    assert seed_env.db.is_file()
    code, out, _ = run("ask", "--json", "--conversation", payload["conversation_id"], "When will it be held?")
    assert code == 0
    follow = json.loads(out)
    assert follow["conversation_id"] == payload["conversation_id"]
    assert "Critical Minerals Ministerial" in follow["resolved_question"]


@pytest.mark.slow
def test_ask_out_of_briefing_abstains(seed_env: Paths, run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("ask", "--json", "What is the boiling point of water?")
    assert code == 0
    payload = json.loads(out)
    assert payload["answer"] is None and payload["citations"] == []


@pytest.mark.slow
def test_ask_plain_text_names_the_conversation(seed_env: Paths, run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("ask", "What is this briefing about?")
    assert code == 0
    assert re.search(r"^\(conversation [0-9a-f]{32}\)$", out, re.MULTILINE)


@pytest.mark.slow
def test_ask_plain_text_prints_answer_and_citations(seed_env: Paths, run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("ask", "What is this briefing about?")
    assert code == 0
    assert out.startswith("Answer: ")
    assert re.search(r"^  \[1\] .+:\d+-\d+$", out, re.MULTILINE)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["ask", "   "], "question is empty", id="blank-question"),
        pytest.param(["ask", "--conversation", "no-such-id", "Who?"], "no-such-id",
                     id="unknown-conversation"),
    ],
)
def test_ask_errors_exit_2(seed_env: Paths, run, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(*argv)
    assert code == 2
    assert err.strip().splitlines()[-1] == f"qa ask: {message}"


# ---------------------------------------------------------------------------------------------- eval


@pytest.fixture
def tiny_set(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.jsonl"
    records = [
        {"id": "t-1", "question": "Who convened the Finance Ministerial?", "answers": ["Scott Bessent"],
         "support": "Scott Bessent convened a high-level Finance Ministerial"},
        {"id": "t-2", "question": "What is the capital of France?", "answers": [], "support": None},
        {"id": "t-conv", "turns": [
            {"question": "Who convened the Critical Minerals Ministerial?", "answers": ["Marco Rubio"]},
            {"question": "When will it be held?", "answers": ["February 4"]},
        ]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_eval_prints_metrics(seed_env: Paths, tiny_set: Path, run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("eval", str(tiny_set))
    assert code == 0
    metrics = dict(re.findall(r"^\s*(\w+): (.*)$", out, re.MULTILINE))
    assert metrics["questions"] == "4" and metrics["answerable"] == "2" and metrics["followups"] == "1"
    for key in ("exact_match", "f1"):
        assert 0.0 <= float(metrics[key]) <= 1.0, key


@pytest.mark.slow
def test_eval_json(seed_env: Paths, tiny_set: Path, run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("eval", "--json", str(tiny_set))
    assert code == 0
    report = json.loads(out)
    assert set(report) == {"metrics", "misses"}
    metrics = report["metrics"]
    assert metrics["questions"] == 4 and metrics["unanswerable"] == 1
    assert 0.0 <= metrics["exact_match"] <= 1.0 and 0.0 <= metrics["f1"] <= 1.0
    assert {m["id"] for m in report["misses"]} <= {"t-1", "t-2", "t-conv#1", "t-conv#2"}


@pytest.mark.slow
def test_eval_malformed_set_exits_2(seed_env: Paths, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "question": "A?", "answers": []}\n{oops\n', encoding="utf-8")
    code, _, err = run("eval", str(broken))
    assert code == 2
    assert f"{broken}:2" in err
