"""A server killed with SIGKILL mid-conversation restarts with every answered turn still there."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bench.serve_util import seed_corpus

pytestmark = pytest.mark.slow

TURNS = ["Who convened the Critical Minerals Ministerial?", "When will it be held?", "Who represented India there?"]
FOURTH = "And the Finance Ministerial?"


def test_answered_turns_survive_a_killed_server(tmp_path: Path, servers: Callable) -> None:
    corpus, index, db = seed_corpus(tmp_path / "corpus"), tmp_path / "index", tmp_path / "conversations.sqlite3"
    process, base = servers(corpus, index, db, log=tmp_path / "serve.log")
    conversation = None
    replies, positions = [], []
    with httpx.Client(base_url=base, timeout=60) as http:
        for question in TURNS:
            response = http.post("/api/ask", json={"question": question, "conversation_id": conversation})
            assert response.status_code == 200, response.text
            replies.append(response.json())
            positions.append(int(response.headers["X-Turn-Position"]))
            conversation = replies[-1]["conversation_id"]
    assert len({r["conversation_id"] for r in replies}) == 1

    process.send_signal(signal.SIGKILL)  # no shutdown hooks, no chance to flush anything
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    _, base = servers(corpus, index, db, log=tmp_path / "serve.log")
    with httpx.Client(base_url=base, timeout=60) as http:
        stored = http.get(f"/api/conversations/{conversation}")
        assert stored.status_code == 200, stored.text
        turns = stored.json()["turns"]
        assert [t["position"] for t in turns] == positions
        for turn, reply in zip(turns, replies, strict=True):
            assert (turn["question"], turn["resolved_question"], turn["answer"], turn["citations"]) == (
                reply["question"], reply["resolved_question"], reply["answer"], reply["citations"])

        fourth = http.post("/api/ask", json={"question": FOURTH, "conversation_id": conversation})
        assert fourth.status_code == 200, fourth.text
        assert fourth.json()["conversation_id"] == conversation
        assert fourth.json()["resolved_question"] != FOURTH, "the follow-up was read with the earlier turns"
        assert len(http.get(f"/api/conversations/{conversation}").json()["turns"]) == 4
