"""Typed results of the answerer, carrying their provenance; `to_dict()` is the wire shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["answer", "abstain", "summary", "smalltalk"]


@dataclass(frozen=True)
class Citation:
    doc_id: str
    title: str
    date: str | None
    start: int
    end: int
    text: str
    answer_start: int | None = None
    answer_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """One reply. `answer` is None when the briefing does not say (or for small talk)."""

    question: str
    resolved_question: str
    answer: str | None
    message: str
    confidence: float
    kind: Kind
    citations: list[Citation] = field(default_factory=list)
    related: list[Citation] = field(default_factory=list)
    doc_id: str | None = None
    answer_start: int | None = None
    answer_end: int | None = None
    answer_type: str | None = None
    entities: list[str] = field(default_factory=list)  # names in the cited sentence, for follow-ups
    # When the answer is a date or time expression: the calendar days it names, as of the article's date
    # (qa.dates.DateValue.to_dict(): start, end, label), shown beside the quote, which stays exact.
    date_value: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "resolved_question": self.resolved_question,
            "answer": self.answer,
            "message": self.message,
            "confidence": round(float(self.confidence), 4),
            "kind": self.kind,
            "citations": [c.to_dict() for c in self.citations],
            "related": [c.to_dict() for c in self.related],
            "date_value": self.date_value,
        }
