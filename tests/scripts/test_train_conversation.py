"""scripts/train_conversation.py: what each CoQA turn teaches the reader (targets and history)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))  # scripts/ is a folder of scripts, not an installed package

from index.embedder import packaged_model_dir  # noqa: E402

pytestmark = pytest.mark.slow

STORY = "Anna went to Paris in May. She met Tom there. They ate cake by the river."


def _turn(question: str, answer: str, rationale: str) -> dict:
    start = STORY.index(rationale) if rationale else -1
    return {"question": question, "answer": answer, "rationale_start": start,
            "rationale_end": start + len(rationale) if rationale else -1}


STORIES = [{"id": "s1", "story": STORY, "turns": [
    _turn("Where did Anna go?", "Paris", "Anna went to Paris"),
    _turn("When?", "in May", "in May"),
    _turn("Did she go alone?", "no", "She met Tom there"),
    _turn("Who did she meet?", "Tom", "She met Tom there"),
]}]


class _Always:
    """An rng whose coin always picks the reader's own history."""

    def random(self) -> float:
        return 0.0


@pytest.fixture(scope="module")
def tokenizer():  # type: ignore[no-untyped-def]
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(packaged_model_dir()), use_fast=True)


def test_targets_are_the_best_span_in_the_rationale_and_history_the_earlier_turns(tokenizer) -> None:  # type: ignore[no-untyped-def]
    from scripts.train_conversation import coqa_items

    items = coqa_items(STORIES, tokenizer, 192)
    assert [STORY[s:e] for _, _, s, e in items] == ["Paris", "in May", "Tom"]  # the yes/no turn teaches nothing
    firsts = [first for first, *_ in items]
    assert firsts[0] == "Where did Anna go?"
    assert firsts[1] == "where did anna go? paris [SEP] When?"  # history comes back through the uncased tokenizer
    assert firsts[2] == "when? in may did she go alone? no [SEP] Who did she meet?"  # the last two turns


def test_mixed_history_adds_the_readers_own_earlier_answers(tokenizer) -> None:  # type: ignore[no-untyped-def]
    from scripts.train_conversation import coqa_items

    own = {"s1": ["Anna", "the river", "no", "Tom"]}
    items = coqa_items(STORIES, tokenizer, 192, own=own, rng=_Always())  # type: ignore[arg-type]
    last = [first for first, _, s, e in items if STORY[s:e] == "Tom"]
    assert last == ["when? in may did she go alone? no [SEP] Who did she meet?",
                    "when? the river did she go alone? no [SEP] Who did she meet?"]
