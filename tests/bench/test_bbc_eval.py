"""bench/bbc_eval.py without the model: which article each question and each conversation turn is about."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))  # bench/ is a folder of scripts, not an installed package

from bench.bbc_eval import gold_docs  # noqa: E402
from qa.evaluate import read_sets  # noqa: E402


def test_every_turn_of_a_conversation_is_about_its_article(tmp_path: Path) -> None:
    single = {"id": "q1", "doc": "business/120", "question": "Who?", "answers": ["A"]}
    turn = {"question": "What?", "answers": ["B"]}
    conversation = {"id": "c1", "doc": "tech/007", "turns": [turn, {**turn, "question": "Why?"}]}
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in (single, conversation)) + "\n")
    docs = gold_docs([path])
    singles, conversations = read_sets([path])
    asked = [c.id for c in singles] + [c.id for turns in conversations for c in turns]
    assert {i: docs[i] for i in asked} == {"q1": "business-120", "c1#1": "tech-007", "c1#2": "tech-007"}
