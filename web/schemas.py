"""Pydantic models of the HTTP contract, with examples so /openapi.json documents every endpoint."""

from __future__ import annotations

from typing import Annotated, Literal

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
    "date_value": {"start": "2026-02-04", "end": "2026-02-04", "label": "Wed 4 Feb 2026"},
    "scope": [],
}
CONVERSATION_ID = "63ba00f996084739b98c14d875d13b11"
MAX_SCOPE = 20  # documents one conversation may be scoped to
DocId = Annotated[str, Field(min_length=1, max_length=300)]



def encodable(value: str | None) -> str | None:
    """JSON may carry lone surrogates ("\\ud800"); they cannot be stored, so they are bad input, not a 500."""
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text contains an unpaired surrogate, which is not valid Unicode") from None
    return value

class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [
            {"question": QUESTION, "conversation_id": None},
            {"question": "When will it be held?", "conversation_id": CONVERSATION_ID},
            {"question": "Who convened the ministerial?", "conversation_id": None, "doc_ids": [DOC_ID]},
        ]},
    )

    question: str = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS,
        description="The reader's question; follow-ups may use pronouns (\"it\", \"he\").",
    )
    conversation_id: str | None = Field(
        default=None, description="Continue this conversation; omit or null to start a new one.",
    )
    doc_ids: list[DocId] | None = Field(
        default=None, max_length=MAX_SCOPE,
        description="Answer only from these documents, in this turn and the conversation's later ones. "
                    "Omit or null to keep the conversation's scope; an empty list clears it (the whole "
                    "briefing). An id the index does not hold is a 404.",
    )

    _encodable = field_validator("question", "conversation_id")(classmethod(lambda cls, v: encodable(v)))


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


class DateValue(BaseModel):
    """The calendar days a date answer names, read against its article's date ("February 4" -> 2026-02-04)."""

    start: str = Field(description="First day, YYYY-MM-DD.")
    end: str = Field(description="Last day, YYYY-MM-DD (equal to start for one day).")
    label: str = Field(description="For display: 'Wed 4 Feb 2026', '2–8 Feb 2026', 'Feb 2026', '2005'.")


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
    date_value: DateValue | None = Field(
        default=None, description="When the answer is a date or time: the days it names; the answer stays exact.")
    scope: list[str] = Field(default_factory=list,
                             description="The doc_ids this reply was drawn from; empty: the whole briefing.")


class AskResponse(Reply):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"conversation_id": CONVERSATION_ID, **REPLY_EXAMPLE, "kind": "answer"},
    ]})

    conversation_id: str
    kind: Literal["answer", "abstain", "summary", "smalltalk"] = Field(
        description="answer, abstain (the briefing does not say), summary (a digest: the citations are its "
                    "sentences) or smalltalk.")


class Turn(Reply):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"position": 1, "created": 1770000000.0, **REPLY_EXAMPLE, "kind": "answer"},
    ]})

    position: int
    created: float = Field(description="Unix time the turn was stored.")
    kind: Literal["answer", "abstain", "summary", "smalltalk"]


class Conversation(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"conversation_id": CONVERSATION_ID, "scope": [],
         "turns": [{"position": 1, "created": 1770000000.0, **REPLY_EXAMPLE, "kind": "answer"}]},
    ]})

    conversation_id: str
    scope: list[str] = Field(default_factory=list,
                             description="The doc_ids the next turn is answered from; empty: the whole briefing.")
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


# ------------------------------------------------------------------------ the living briefing (web/admin.py)

ARTICLE_EXAMPLE = {
    "title": "Storm data deal", "date": "2026-03-02", "source": "Example News",
    "url": "https://example.com/storm-data",
    "text": "Officials from twelve countries met in Geneva on Monday. They agreed to share data on storms.",
}


class ArticleIn(BaseModel):
    """An article to add or to put in place of another: the fields of a corpus .md file's front matter."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ARTICLE_EXAMPLE]})

    title: str = Field(min_length=1, max_length=300, description="One line.")
    date: str | None = Field(default=None, description="ISO date, YYYY-MM-DD.",
                             pattern=r"^\d{4}-\d{2}-\d{2}$")
    text: str = Field(min_length=1, description="The article's text; cleaned by the same rules as `qa index`.")
    source: str | None = Field(default=None, max_length=300, description="The publisher.")
    url: str | None = Field(default=None, max_length=2000)

    _encodable = field_validator("title", "text", "source", "url")(classmethod(lambda cls, v: encodable(v)))


class WriteResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "doc_ids": ["added-2026-03-02-storm-data-deal"], "path": "added/2026-03-02-storm-data-deal.md",
        "replaced": False, "removed": False, "seq": 3, "live": False,
    }]})

    doc_ids: list[str] = Field(description="The articles written (or removed).")
    path: str = Field(description="The file, relative to the corpus folder (with #line for a .jsonl article).")
    replaced: bool = Field(description="An existing file or line was replaced.")
    removed: bool = Field(default=False, description="The article was deleted.")
    seq: int = Field(description="This write's number: it is answerable once GET /api/index shows "
                                 "live.seq >= seq.")
    live: bool = Field(description="Already answerable (only when the request waited, see `wait`).")


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    date: str | None
    source: str = Field(description="The file, relative to the corpus folder; '#<line>' for a .jsonl article.")
    passages: int


class DocumentList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"documents": [{
        "doc_id": DOC_ID, "title": TITLE, "date": "2026-02-02", "source": f"{DOC_ID}.txt", "passages": 4}]}]})

    documents: list[DocumentSummary] = Field(description="Every indexed article, newest first.")


class LiveBuild(BaseModel):
    build: str
    documents: int
    passages: int
    sentences: int
    built_at: str | None
    seq: int = Field(description="Every write numbered up to this one is answerable.")


class RunningBuild(BaseModel):
    stage: str = Field(description="scan, annotate, segment, embed, write, load or swap.")
    progress: float = Field(description="Coarse progress, 0 to 1, by stage.")
    started_at: float
    reason: str
    seq: int
    to_embed: int | None = Field(description="Articles new or changed since the live build.")


class BuildError(BaseModel):
    message: str
    at: float
    seq: int


class IndexStatus(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "live": {"build": "20260302T101500-4242-123", "documents": 2, "passages": 5, "sentences": 14,
                 "built_at": "2026-03-02T10:15:00Z", "seq": 2},
        "running": {"stage": "embed", "progress": 0.3, "started_at": 1772446500.0, "reason": "added x.md",
                    "seq": 3, "to_embed": 1},
        "queued": False, "seq": 3, "last_error": None, "last_build_seconds": 2.4, "skipped": [],
        "up_to_date": False,
    }]})

    live: LiveBuild | None
    running: RunningBuild | None
    queued: bool = Field(description="Another build follows the running one.")
    seq: int = Field(description="The latest write's number.")
    last_error: BuildError | None = Field(description="The last build's failure, until a build succeeds.")
    last_build_seconds: float | None
    skipped: list[Skipped]
    up_to_date: bool = Field(description="Every write is answerable.")
