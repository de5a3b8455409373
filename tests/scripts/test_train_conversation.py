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


def test_unanswerable_items_come_from_the_train_fold_only_and_point_at_cls(tmp_path: Path) -> None:
    import json

    from bench.squad_corpus import v2_heldout_articles, write_corpus
    from scripts.train_conversation import unanswerable_items

    def article(title: str) -> dict:
        context = f"{title} was founded in 1900 by Ada."
        return {"title": title, "paragraphs": [{"context": context, "qas": [
            {"id": f"{title}-a", "question": f"When was {title} founded?", "is_impossible": False,
             "answers": [{"text": "1900", "answer_start": context.index("1900")}]},
            {"id": f"{title}-u", "question": f"Who closed {title}?", "is_impossible": True, "answers": []},
        ]}]}

    path = tmp_path / "v2.json"
    path.write_text(json.dumps({"data": [article(t) for t in ("Alpha", "Beta", "Gamma", "Delta")]}))
    items = unanswerable_items(path)
    # The third article is the held-out fold's: the calibration measures on it, so nothing teaches from it.
    # Answerable v2.0 questions are SQuAD v1.1 dev questions, which measure the reader: never taught.
    assert {q for q, *_ in items} == {"Who closed Alpha?", "Who closed Beta?", "Who closed Delta?"}
    assert all((start, end) == (None, None) for _, _, start, end in items)
    heldout = v2_heldout_articles(path)
    asked = write_corpus(tmp_path / "corpus", path)
    assert {q.question for q in asked if q.article in heldout} == {"When was Gamma founded?", "Who closed Gamma?"}


def test_off_paragraph_items_ask_another_paragraph_of_the_article_that_lacks_the_answer(tmp_path: Path) -> None:
    import json
    import random

    from scripts.train_conversation import off_paragraph_items

    def paragraph(context: str, question: str, answer: str) -> dict:
        return {"context": context, "qas": [{"id": question, "question": question,
                                             "answers": [{"text": answer, "answer_start": context.index(answer)}]}]}

    data = {"data": [
        {"title": "Rome", "paragraphs": [
            paragraph("Rome was founded in 753 BC.", "When was Rome founded?", "753 BC"),
            paragraph("The Tiber runs through Rome.", "What river runs through Rome?", "Tiber"),
            paragraph("Some say the Tiber was sacred; 753 BC is legend.", "What is legend?", "753 BC is legend"),
        ]},
        {"title": "Solo", "paragraphs": [paragraph("Only one paragraph here.", "How many?", "one")]},
    ]}
    path = tmp_path / "train.json"
    path.write_text(json.dumps(data))
    contexts = {p["context"] for a in data["data"] for p in a["paragraphs"]}
    for seed in range(20):
        items = off_paragraph_items(path, 10, random.Random(seed))
        for question, context, start, end in items:
            assert (start, end) == (None, None)
            # Never the question's own paragraph, never one that holds its answer, never another article's.
            own = next(p for a in data["data"] for p in a["paragraphs"] if p["qas"][0]["question"] == question)
            assert context != own["context"]
            assert own["qas"][0]["answers"][0]["text"].lower() not in context.lower()
            assert context in contexts and question != "How many?"
    # The Tiber question may be asked of either other paragraph only when it lacks "Tiber": only the first.
    asked = {(q, c) for seed in range(20) for q, c, *_ in off_paragraph_items(path, 10, random.Random(seed))}
    assert ("What river runs through Rome?", "Rome was founded in 753 BC.") in asked
    assert all(c != "Some say the Tiber was sacred; 753 BC is legend." for q, c in asked if q.startswith("What river"))
    assert len(off_paragraph_items(path, 1, random.Random(0))) == 1  # the count is a cap
