"""qa.answerer.first_telling: which of several tellings of the same answer is cited."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from qa.answerer import SAME_ANSWER_MARGIN, first_telling
from qa.extractor import ScoredSentence, ScoredSpan
from qa.spans import Span

TEXTS = ["Jane Doe chairs the board. Later: \"Jane Doe chairs the board,\" he said.", "Jane Doe spoke."]
# (doc, start, end) of each sentence; sentence 2 is another document's.
SENTENCES = np.array([[0, 0, 26], [0, 27, 72], [1, 0, 15]])
INDEX = SimpleNamespace(sentences=SENTENCES, documents=[SimpleNamespace(text=t) for t in TEXTS])


def scored(row: int, start: int, end: int, score: float, kind: str = "PERSON") -> ScoredSpan:
    sentence = ScoredSentence(row=row, score=0.0, lexical=0.0, dense=0.0, bigram=0.0, passage=0.0)
    return ScoredSpan(sentence, Span(start, end, kind, 2), score, 1.0, np.zeros(1), score)


QUOTED = scored(1, 35, 43, 5.0)  # "Jane Doe" inside the quote


@pytest.mark.parametrize(
    ("others", "expected"),
    [
        pytest.param([scored(0, 0, 8, 4.5)], (0, 8), id="earlier-telling-close-behind-is-cited"),
        pytest.param([scored(0, 0, 8, 5.0 - SAME_ANSWER_MARGIN - 0.1)], (35, 43), id="far-behind-is-not"),
        pytest.param([scored(0, 0, 8, 4.5, kind="NP")], (35, 43), id="another-kind-is-not"),
        pytest.param([scored(0, 9, 15, 4.9)], (35, 43), id="other-words-are-not"),
        pytest.param([scored(2, 0, 8, 4.9)], (35, 43), id="another-article-is-not"),
        pytest.param([], (35, 43), id="alone"),
    ],
)
def test_first_telling(others: list[ScoredSpan], expected: tuple[int, int]) -> None:
    assert TEXTS[0][35:43] == "Jane Doe"
    best = first_telling([QUOTED, *others], INDEX)  # type: ignore[arg-type]
    assert (best.span.start, best.span.end) == expected
