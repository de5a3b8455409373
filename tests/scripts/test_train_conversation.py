"""scripts/train_conversation.py: what each CoQA turn teaches the reader (targets, history, marks)."""

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


def _at(text: str) -> tuple[int, int]:
    start = STORY.index(text)
    return start, start + len(text)


def test_targets_are_the_best_span_and_marks_the_earlier_answers_spans(tokenizer) -> None:  # type: ignore[no-untyped-def]
    from scripts.train_conversation import coqa_items

    items = coqa_items(STORIES, tokenizer, 192, mark=True)
    assert [(STORY[s:e], marks) for _, _, s, e, marks in items] == [
        ("Paris", ()),
        ("in May", (_at("Paris"),)),
        ("Tom", (_at("in May"),)),  # the yes/no turn between has no span to mark
    ]
    assert all("[SEP]" in first for first, *_ in items[1:])


def test_own_answers_are_marked_where_their_text_first_occurs(tokenizer) -> None:  # type: ignore[no-untyped-def]
    from scripts.train_conversation import coqa_items

    own = {"s1": ["Anna", "the river", "no", "Tom"]}
    items = coqa_items(STORIES, tokenizer, 192, own=own, rng=_Always(), mark=True)  # type: ignore[arg-type]
    last = [marks for first, _, s, e, marks in items if STORY[s:e] == "Tom" and "the river" in first]
    assert last == [(_at("the river"),)]  # "no" is not in the story, so only the river is marked
    unmarked = coqa_items(STORIES, tokenizer, 192, own=own, rng=_Always(), mark=False)  # type: ignore[arg-type]
    assert all(marks == () for *_, marks in unmarked)
