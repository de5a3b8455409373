"""How turns, citations and documents are shown: small view models and the Jinja2 environment.

Both the full chat page and the per-turn fragment that the script fetches render a `TurnView` with the
same macro, so the no-JS and JS paths produce identical HTML from the same stored reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi.templating import Jinja2Templates

from qa.history import StoredTurn

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def split_marked(text: str, offset: int, start: int | None, end: int | None) -> tuple[str, str, str]:
    """Split `text` (which begins at `offset` in its document) around the document range [start, end).

    Returns (before, marked, after); `marked` is empty when the range is missing or falls outside `text`.
    """
    if start is None or end is None:
        return text, "", ""
    a, b = start - offset, end - offset
    if not 0 <= a < b <= len(text):
        return text, "", ""
    return text[:a], text[a:b], text[b:]


def document_href(doc_id: str, start: int, end: int) -> str:
    return f"/documents/{quote(doc_id, safe='')}?{urlencode({'start': start, 'end': end})}#cited"


@dataclass(frozen=True)
class CitationView:
    number: int
    doc_id: str
    title: str
    date: str | None
    before: str
    marked: str
    after: str
    href: str

    @property
    def text(self) -> str:
        return self.before + self.marked + self.after

    @classmethod
    def from_dict(cls, number: int, c: dict[str, Any]) -> CitationView:
        parts = split_marked(c["text"], c["start"], c.get("answer_start"), c.get("answer_end"))
        return cls(number, c["doc_id"], c["title"], c.get("date"), *parts,
                   document_href(c["doc_id"], c["start"], c["end"]))


@dataclass(frozen=True)
class DateView:
    """The days a date answer names (`qa.dates.DateValue.to_dict()`), shown beside the exact quote."""

    start: str
    end: str
    label: str

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> DateView | None:
        return cls(d["start"], d["end"], d["label"]) if d else None


@dataclass(frozen=True)
class TurnView:
    position: int
    question: str
    resolved_question: str
    answer: str | None
    message: str
    confidence: float
    kind: str
    citations: list[CitationView]
    related: list[CitationView]
    date_value: DateView | None = None

    @property
    def understood_as(self) -> str | None:
        return self.resolved_question if self.resolved_question != self.question else None

    @classmethod
    def from_payload(cls, position: int, payload: dict[str, Any]) -> TurnView:
        """Build from a reply's wire payload (`Answer.to_dict()` plus the stored `kind`)."""
        kind = payload.get("kind") or ("answer" if payload.get("answer") is not None else "abstain")
        return cls(
            position=position, question=payload["question"], resolved_question=payload["resolved_question"],
            answer=payload.get("answer"), message=payload.get("message", ""),
            confidence=float(payload.get("confidence", 0.0)), kind=kind,
            citations=[CitationView.from_dict(n, c) for n, c in enumerate(payload.get("citations", []), 1)],
            related=[CitationView.from_dict(n, c) for n, c in enumerate(payload.get("related", []), 1)],
            date_value=DateView.from_dict(payload.get("date_value")),
        )

    @classmethod
    def from_stored(cls, turn: StoredTurn) -> TurnView:
        return cls.from_payload(turn.position, turn.payload)
