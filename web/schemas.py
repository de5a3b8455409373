"""Pydantic models of the HTTP contract, with examples so /openapi.json documents every endpoint."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qa.answerer import MAX_QUESTION_CHARS

QUESTION = "Who convened the Critical Minerals Ministerial?"
DOC_ID = "000_9aa2248574764ab3"
TITLE = "External Affairs Minister S. Jaishankar will visit the United States from February 2-4 to…"
SENTENCE = ("Ahead of the Ministerial, the US Department of State had said in January that the inaugural "
            "Critical Minerals Ministerial, to be held on February 4 by US Secretary of State Marco Rubio, "
            "will bring together partners from across the globe to strengthen cooperation on critical "
            "mineral supply chains.")
CITATION_EXAMPLE = {
    "doc_id": DOC_ID, "title": TITLE, "date": "2026-02-02", "start": 506, "end": 803, "text": SENTENCE,
    "answer_start": 643, "answer_end": 653,
}
REPLY_EXAMPLE = {
    "question": "When will it be held?",
    "resolved_question": "When will the Critical Minerals Ministerial be held?",
    "answer": "February 4",
    "message": SENTENCE,
    "confidence": 0.9749,
    "citations": [CITATION_EXAMPLE],
    "related": [],
}
CONVERSATION_ID = "63ba00f996084739b98c14d875d13b11"


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [
            {"question": QUESTION, "conversation_id": None},
            {"question": "When will it be held?", "conversation_id": CONVERSATION_ID},
        ]},
    )

    question: str = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS,
        description="The reader's question; follow-ups may use pronouns (\"it\", \"he\").",
    )
    conversation_id: str | None = Field(
        default=None, description="Continue this conversation; omit or null to start a new one.",
    )

    @field_validator("question", "conversation_id")
    @classmethod
    def _encodable(cls, value: str | None) -> str | None:
        # JSON may carry lone surrogates ("\ud800"); they cannot be stored, so they are bad input, not a 500.
        if value is not None:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("text contains an unpaired surrogate, which is not valid Unicode") from None
        return value


class Citation(BaseModel):
    """A sentence of an article; `text == document.text[start:end]`, the answer span within it when set."""

    model_config = ConfigDict(json_schema_extra={"examples": [CITATION_EXAMPLE]})

    doc_id: str
    title: str
    date: str | None
    start: int
    end: int
    text: str
    answer_start: int | None = None
    answer_end: int | None = None


class Reply(BaseModel):
    question: str
    resolved_question: str = Field(
        description="The question as understood, with a follow-up's references filled in.")
    answer: str | None = Field(
        description="The short answer, an exact slice of the first citation's document; "
                    "null when the briefing does not say, or for small talk.")
    message: str
    confidence: float
    citations: list[Citation]
    related: list[Citation] = Field(description="When abstaining: the closest passages the briefing has.")


class AskResponse(Reply):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"conversation_id": CONVERSATION_ID, **REPLY_EXAMPLE},
    ]})

    conversation_id: str


class Turn(Reply):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"position": 1, "created": 1770000000.0, **REPLY_EXAMPLE, "kind": "answer"},
    ]})

    position: int
    created: float = Field(description="Unix time the turn was stored.")
    kind: Literal["answer", "abstain", "summary", "smalltalk"]


class Conversation(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"conversation_id": CONVERSATION_ID,
         "turns": [{"position": 1, "created": 1770000000.0, **REPLY_EXAMPLE, "kind": "answer"}]},
    ]})

    conversation_id: str
    turns: list[Turn]


class Document(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "doc_id": DOC_ID, "title": TITLE, "date": "2026-02-02", "source": "Zee News",
        "url": "https://example.com/article", "text": "External Affairs Minister S. Jaishankar will visit …",
    }]})

    doc_id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    text: str


class Skipped(BaseModel):
    file: str
    reason: str
    line: int | None = None


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "ok", "documents": 1, "passages": 4, "skipped": [], "model": "all-MiniLM-L6-v2",
    }]})

    status: Literal["ok"]
    documents: int
    passages: int
    skipped: list[Skipped]
    model: str


class ErrorDetail(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"detail": "question: field required"}]})

    detail: str = Field(description="What was wrong, in one human-readable sentence.")


def errors(*statuses: int) -> dict[int | str, dict[str, object]]:
    """The `responses=` entry documenting the error shape for these statuses."""
    described = {400: "The body could not be read", 404: "Not found", 422: "The request is invalid"}
    return {s: {"model": ErrorDetail, "description": described.get(s, "Error")} for s in statuses}
