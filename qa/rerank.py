"""Choose the answer among the reader's best few spans with a small learned model, not the top score alone.

The reader's top span is right less often than one of its top five: on held-out CoQA CNN stories its first
span reads at F1 0.388 and the best of its first five at 0.592. What the reader's logits do not weigh is
cheap to know here: whether the span is the kind of thing the question asks for (a person for "who", a
date for "when": spaCy's entities, computed at index time), whether it only repeats the question's own
words, how long it is, and in a conversation how far it sits from the sentence of the previous answer.
A logistic model over these features, fitted by `scripts/train_reranker.py` on conversations the reader was
never trained on and stored in `qa/data/reranker.json`, scores each candidate; the best scored is the
answer. Without that file the reader's top span is the answer, as before.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.annotator import ENTITY_LABELS
from index.lexical import STOP_WORDS
from index.store import LoadedIndex
from qa.question import AnswerType

RERANKER = Path(__file__).resolve().parent / "data" / "reranker.json"
CANDIDATES = 5  # spans considered per question (best of 5 reads CoQA CNN at F1 0.592, of 10 barely more)



def configured_reranker() -> Path | None:
    """The reranker in use: `QA_RERANKER` (a path, or "none" for the reader's first span, to compare) or the
    shipped one."""
    chosen = os.environ.get("QA_RERANKER")
    if not chosen:
        return RERANKER
    return None if chosen.lower() == "none" else Path(chosen)


# What the question asks for, as the reranker sees it; the other answer types are "other".
ASKED = ("person", "date", "place", "number", "duration", "organisation", "other")
_ASKED_OF = {AnswerType.PERSON: "person", AnswerType.DATE: "date", AnswerType.PLACE: "place",
             AnswerType.NUMBER: "number", AnswerType.DURATION: "duration", AnswerType.ORG: "organisation"}
# What the span is, by the spaCy entity covering most of it.
FOUND = ("person", "group", "organisation", "place", "date", "number", "other-entity", "none")
_FOUND_OF = {"PERSON": "person", "NORP": "group", "ORG": "organisation", "GPE": "place", "LOC": "place",
             "FAC": "place", "DATE": "date", "TIME": "date", "CARDINAL": "number", "QUANTITY": "number",
             "MONEY": "number", "PERCENT": "number", "ORDINAL": "number"}
ANCHOR_REACH = 6  # sentences; farther from the previous answer counts as far

FEATURES: tuple[str, ...] = (
    "margin", "behind_best", "log_rank", "log_words", "piece_rank", "question_words", "whole_entity",
    "has_anchor", "anchor_same_sentence", "anchor_distance", "after_anchor",
    *(f"{a}*{f}" for a in ASKED for f in FOUND),
)
_COLUMN = {name: i for i, name in enumerate(FEATURES)}
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class Candidate:
    """One span the reader proposes, placed in its document."""

    margin: float  # reader score minus the no-answer score
    doc_row: int
    sentence: int  # index row of the sentence holding its start
    start: int  # document offsets
    end: int
    piece_rank: int  # retrieval rank of the piece it was read in


def asked(answer_type: AnswerType) -> str:
    return _ASKED_OF.get(answer_type, "other")


def found(index: LoadedIndex, candidate: Candidate) -> tuple[str, bool]:
    """(what kind of entity covers most of the span, whether the span is exactly that entity)."""
    best, cover, exact = "none", 0, False
    for start, end, label in index.sentence_entities(candidate.sentence):
        overlap = min(end, candidate.end) - max(start, candidate.start)
        if overlap > cover:
            best, cover = _FOUND_OF.get(ENTITY_LABELS[int(label)], "other-entity"), overlap
            exact = int(start) == candidate.start and int(end) == candidate.end
    if cover * 2 < candidate.end - candidate.start:
        return "none", False
    return best, exact


def features(index: LoadedIndex, question: str, answer_type: AnswerType, candidates: list[Candidate],
             anchor: int | None) -> np.ndarray:
    """One row of FEATURES per candidate (candidates best reader margin first). `anchor`: the index row of
    the previous answer's sentence in a follow-up."""
    rows = np.zeros((len(candidates), len(FEATURES)), dtype=np.float32)
    if not candidates:
        return rows
    question_words = {w for w in _WORD.findall(question.lower()) if w not in STOP_WORDS}
    top = max(c.margin for c in candidates)
    kind = asked(answer_type)
    anchor_doc = int(index.sentences[anchor, 0]) if anchor is not None else None
    for i, c in enumerate(candidates):
        text = index.documents[c.doc_row].text[c.start:c.end]
        words = _WORD.findall(text.lower())
        content = [w for w in words if w not in STOP_WORDS]
        entity, exact = found(index, c)
        row = rows[i]
        row[_COLUMN["margin"]] = c.margin / 10.0
        row[_COLUMN["behind_best"]] = (c.margin - top) / 10.0
        row[_COLUMN["log_rank"]] = np.log1p(i)
        row[_COLUMN["log_words"]] = np.log1p(len(words))
        row[_COLUMN["piece_rank"]] = min(c.piece_rank, 5) / 5.0
        row[_COLUMN["question_words"]] = (sum(w in question_words for w in content) / len(content)) if content else 1.0
        row[_COLUMN["whole_entity"]] = float(exact)
        row[_COLUMN[f"{kind}*{entity}"]] = 1.0
        if anchor is not None:
            row[_COLUMN["has_anchor"]] = 1.0
            same_doc = c.doc_row == anchor_doc
            distance = abs(c.sentence - anchor) if same_doc else ANCHOR_REACH
            row[_COLUMN["anchor_same_sentence"]] = float(same_doc and distance == 0)
            row[_COLUMN["anchor_distance"]] = min(distance, ANCHOR_REACH) / ANCHOR_REACH
            row[_COLUMN["after_anchor"]] = float(same_doc and c.sentence > anchor)
    return rows


@dataclass(frozen=True)
class Reranker:
    """A logistic model over FEATURES; `choose` returns the position of the best-scored candidate."""

    weights: np.ndarray
    bias: float

    @classmethod
    def load(cls, path: Path = RERANKER) -> Reranker | None:
        """The fitted model, or None when there is none (the reader's top span is then the answer)."""
        if not path.is_file():
            return None
        record = json.loads(path.read_text())
        names = tuple(record["features"])
        if names != FEATURES:
            raise ValueError(f"{path} was fitted on other features ({len(names)} named); refit it with "
                             "scripts/train_reranker.py")
        return cls(np.asarray(record["weights"], dtype=np.float32), float(record["bias"]))

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return rows @ self.weights + self.bias

    def choose(self, rows: np.ndarray) -> int:
        return int(np.argmax(self.scores(rows))) if len(rows) else 0
