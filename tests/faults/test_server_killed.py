"""A server killed with SIGKILL mid-conversation restarts with every answered turn still there."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.serve_util import seed_corpus, start_server, stop_server  # noqa: E402

pytestmark = pytest.mark.slow

QUESTIONS = ["Who convened the Critical Minerals Ministerial?", "When will it be held?",
             "Who represented India there?"]


def test_answered_turns_survive_a_killed_server(tmp_path: Path) -> None:
    corpus, index, db = seed_corpus(tmp_path / "corpus"), tmp_path / "index", tmp_path / "conv.sqlite3"
    process, base, _ = start_server(corpus, index, db)
    try:
        conversation = None
        answers = []
        for question in QUESTIONS:
            reply = httpx.post(f"{base}/api/ask", json={"question": question, "conversation_id": conversation},
                               timeout=60).json()
            conversation = reply["conversation_id"]
            answers.append(reply["answer"])
    finally:
        stop_server(process, kill=True)
    process, base, _ = start_server(corpus, index, db)
    try:
        turns = httpx.get(f"{base}/api/conversations/{conversation}", timeout=30).json()["turns"]
        assert [t["question"] for t in turns] == QUESTIONS
        assert [t["answer"] for t in turns] == answers
        follow_up = httpx.post(f"{base}/api/ask", json={"question": "Who convened the Finance Ministerial?",
                                                        "conversation_id": conversation}, timeout=60)
        assert follow_up.status_code == 200
        assert len(httpx.get(f"{base}/api/conversations/{conversation}", timeout=30).json()["turns"]) == 4
    finally:
        stop_server(process)
