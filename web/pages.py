"""HTML routes: the chat page, the no-JS form post, one turn as a fragment, and an article with its citation.

"Ask about this article": the article page links to `/?doc=ID`, a fresh chat scoped to it. The page's forms
carry the pending scope as hidden `doc_ids` fields until the first question stores it with the conversation;
after that the conversation keeps it, shown as a chip whose clear button posts to /scope.

The chat page and the fragment render the same `turn` macro from the same stored reply, so a reply looks
the same whether the form posted (no JS) or the script called /api/ask and fetched the fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Cookie, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import URL

from index.store import LoadedIndex
from qa.history import ConversationNotFound
from web.deps import Chat, Index
from web.documents import cited_parts, find_document
from web.errors import TurnNotFound
from web.views import TurnView, templates

router = APIRouter(tags=["pages"])

COOKIE = "qa_conversation"  # the conversation to show at "/" for readers without JavaScript
COOKIE_AGE = 30 * 24 * 3600


@dataclass(frozen=True)
class ScopeDocument:
    """A scope chip's document: its id and title."""

    doc_id: str
    title: str


def _scope_documents(index: LoadedIndex, doc_ids: tuple[str, ...]) -> list[ScopeDocument]:
    """What the scope chip shows: each document's title, or its bare id when it has since been removed."""
    def title(doc_id: str) -> str:
        row = index.doc_rows.get(doc_id)
        return index.documents[row].title if row is not None else doc_id

    return [ScopeDocument(d, title(d)) for d in doc_ids]


@router.get("/", response_class=HTMLResponse,
            summary="The chat page: the conversation named by ?c= or the cookie, else a fresh one; "
                    "?doc= scopes the next question to those articles")
def chat_page(
    request: Request, chat: Chat, index: Index, c: str | None = None,
    doc: Annotated[list[str] | None, Query()] = None,
    cookie: Annotated[str | None, Cookie(alias=COOKIE)] = None,
) -> Response:
    pending = tuple(dict.fromkeys(d for d in doc or () if d))
    scope = [ScopeDocument(d, find_document(index, d).title) for d in pending]  # an unknown id: 404 page
    # "Ask about this article" opens a fresh conversation unless ?c= names one to re-scope.
    conversation_id, turns = c or (None if pending else cookie), []
    if conversation_id:
        try:
            turns = [TurnView.from_stored(t) for t in chat.history(conversation_id)]
            if not pending:
                scope = _scope_documents(index, chat.scope(conversation_id))
        except ConversationNotFound:
            if c:
                raise
            conversation_id = None  # a stale cookie: start afresh rather than fail
    return templates.TemplateResponse(request, "chat.html", {
        "conversation_id": conversation_id, "turns": turns, "examples": chat.examples,
        "scope": scope, "pending_scope": list(pending),
    })


@router.post("/ask", response_class=RedirectResponse, status_code=303,
             summary="The chat form without JavaScript: ask, then redirect to the conversation")
def ask_form(
    chat: Chat, question: Annotated[str, Form()] = "", conversation_id: Annotated[str, Form()] = "",
    doc_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    reply = chat.ask(question, conversation_id or None, doc_ids or None)
    url = URL("/").include_query_params(c=reply.conversation_id)
    response = RedirectResponse(f"{url}#turn-{reply.position}", status_code=303)
    response.set_cookie(COOKIE, reply.conversation_id, max_age=COOKIE_AGE, samesite="lax")
    return response


@router.post("/scope", response_class=RedirectResponse, status_code=303,
             summary="Clear a conversation's scope (the chip's button): later questions ask the whole briefing")
def clear_scope(chat: Chat, conversation_id: Annotated[str, Form()] = "") -> Response:
    if not conversation_id:
        return RedirectResponse("/", status_code=303)  # only a pending ?doc= scope: drop it
    chat.set_scope(conversation_id, ())
    url = URL("/").include_query_params(c=conversation_id)
    return RedirectResponse(str(url), status_code=303)


@router.post("/new", response_class=RedirectResponse, status_code=303, summary="Start a new conversation")
def new_conversation() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, samesite="lax")
    return response


@router.get("/fragments/turn", response_class=HTMLResponse, summary="One turn as HTML, for the page script")
def turn_fragment(request: Request, chat: Chat, c: str, position: Annotated[int, Query(ge=0)]) -> Response:
    turn = next((t for t in chat.history(c) if t.position == position), None)
    if turn is None:
        raise TurnNotFound(c, position)
    return templates.TemplateResponse(request, "fragment_turn.html", {"t": TurnView.from_stored(turn)})


@router.get("/documents/{doc_id}", response_class=HTMLResponse,
            summary="An article, with the cited range [start, end) highlighted")
def document_page(
    request: Request, doc_id: str, index: Index,
    start: Annotated[int | None, Query(ge=0)] = None, end: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    doc = find_document(index, doc_id)
    before, cited, after = cited_parts(doc.text, start, end)
    return templates.TemplateResponse(request, "document.html", {
        "doc": doc, "before": before, "cited": cited, "after": after,
    })
