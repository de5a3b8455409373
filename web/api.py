"""JSON routes under /api: each a few lines over ChatService or the loaded index."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from web import schemas
from web.deps import Chat, Index, LoadedAnswerer
from web.documents import document_payload, find_document

router = APIRouter(prefix="/api", tags=["api"])

# The reply's turn number, so the page script can fetch that turn's server-rendered HTML.
TURN_HEADER = "X-Turn-Position"


@router.get("/health", response_model=schemas.Health, summary="Index and model status")
def health(answerer: LoadedAnswerer) -> dict[str, Any]:
    index = answerer.index
    assert index is not None
    counts = index.manifest["counts"]
    return {"status": "ok", "documents": counts["documents"], "passages": counts["passages"],
            "skipped": [s.to_dict() for s in index.skipped], "model": answerer.embedder.name}


@router.head("/health", include_in_schema=False)
def health_probe(answerer: LoadedAnswerer) -> Response:
    """HEAD /api/health for load balancers and uptime monitors: 200 once the index is loaded, no body."""
    return Response(status_code=200 if answerer.index is not None else 503)


@router.post(
    "/ask", response_model=schemas.AskResponse, summary="Ask a question, optionally as a follow-up",
    responses={200: {"headers": {TURN_HEADER: {"description": "Position of the stored turn",
                                               "schema": {"type": "integer"}}}},
               **schemas.errors(400, 404, 422)},
)
def ask(body: schemas.AskRequest, chat: Chat, response: Response) -> dict[str, Any]:
    reply = chat.ask(body.question, body.conversation_id, body.doc_ids)
    response.headers[TURN_HEADER] = str(reply.position)
    return reply.to_dict()


@router.get("/documents/{doc_id}", response_model=schemas.Document, summary="A whole article",
            responses=schemas.errors(404))
def document(doc_id: str, index: Index) -> dict[str, Any]:
    return document_payload(find_document(index, doc_id))


@router.get("/conversations/{conversation_id}", response_model=schemas.Conversation,
            summary="Every turn of a conversation", responses=schemas.errors(404))
def conversation(conversation_id: str, chat: Chat) -> dict[str, Any]:
    turns = [t.to_dict() for t in chat.history(conversation_id)]
    return {"conversation_id": conversation_id, "scope": list(chat.scope(conversation_id)), "turns": turns}
