"""The answer reranker: its features say what each candidate is, and its choice is the answer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.question import AnswerType
from qa.rerank import FEATURES, Candidate, Reranker, features

pytestmark = pytest.mark.slow

ARTICLE = (
    "Harbour deal signed\n\n"
    "The harbour agreement was signed in Lisbon on March 3 by port director Ana Ferreira. "
    "Officials said the deal would double cargo traffic. "
    "Ferreira thanked the city council for its support."
)


@pytest.fixture(scope="module")
def harbour(answerer_over):  # type: ignore[no-untyped-def]
    return answerer_over("harbour", ARTICLE)


def candidate(index, text: str, sentence: int = 0) -> Candidate:  # type: ignore[no-untyped-def]
    doc = index.documents[0].text
    start = doc.index(text)
    row = next(r for r in range(len(index.sentences)) if index.sentences[r, 1] <= start < index.sentences[r, 2])
    return Candidate(margin=5.0, doc_row=0, sentence=row, start=start, end=start + len(text), piece_rank=0)


def column(rows: np.ndarray, name: str) -> np.ndarray:
    return rows[:, FEATURES.index(name)]


def test_features_say_what_kind_of_thing_each_candidate_is(harbour) -> None:  # type: ignore[no-untyped-def]
    index = harbour.index
    cands = [candidate(index, "Ana Ferreira"), candidate(index, "Lisbon"), candidate(index, "harbour agreement")]
    rows = features(index, "Who signed the harbour agreement?", AnswerType.PERSON, cands, anchor=None)
    assert column(rows, "person*person").tolist() == [1.0, 0.0, 0.0]
    assert column(rows, "person*place").tolist() == [0.0, 1.0, 0.0]
    assert column(rows, "whole_entity")[0] == 1.0
    assert column(rows, "question_words").tolist() == [0.0, 0.0, 1.0]  # it only repeats the question
    assert column(rows, "has_anchor").tolist() == [0.0, 0.0, 0.0]


def test_features_measure_the_distance_from_the_previous_answer(harbour) -> None:  # type: ignore[no-untyped-def]
    index = harbour.index
    near, far = candidate(index, "Ana Ferreira"), candidate(index, "city council")
    rows = features(index, "Whom did she thank?", AnswerType.PERSON, [near, far], anchor=near.sentence)
    assert column(rows, "anchor_same_sentence").tolist() == [1.0, 0.0]
    assert column(rows, "after_anchor").tolist() == [0.0, 1.0]
    assert column(rows, "anchor_distance")[1] > column(rows, "anchor_distance")[0]


def test_a_reranker_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "reranker.json"
    path.write_text(json.dumps({"features": ["margin"], "weights": [1.0], "bias": 0.0}))
    with pytest.raises(ValueError, match="other features"):
        Reranker.load(path)
    assert Reranker.load(tmp_path / "absent.json") is None


def test_the_answer_is_the_rerankers_choice_and_an_exact_slice(harbour) -> None:  # type: ignore[no-untyped-def]
    question = "What was signed in Lisbon?"
    first = harbour.ask(question)
    assert first.answer
    longest = np.zeros(len(FEATURES), dtype=np.float32)
    longest[FEATURES.index("log_words")] = 100.0  # a model that wants the longest candidate
    saved = harbour.reranker
    try:
        harbour.reranker = Reranker(longest, 0.0)
        chosen = harbour.ask(question)
    finally:
        harbour.reranker = saved
    doc = harbour.index.documents[0].text
    assert chosen.answer == doc[chosen.answer_start:chosen.answer_end]
    assert len(chosen.answer.split()) > len(first.answer.split())
