"""The one place failures become responses: JSON `{"detail": "..."}` for the API, an error page for HTML.

Core exceptions (QuestionError, ConversationNotFound, UnknownDocument) and the web layer's own lookups
(unknown document or turn, a bad cited range) map to 4xx here, so bad input never surfaces as a 5xx.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.corpus_writer import (
    ArticleConflict,
    ArticleNotFound,
    ArticleRejected,
    ArticleTooLarge,
    CorpusWriteError,
)
from qa.answerer import QuestionError, UnknownDocument
from qa.history import ConversationNotFound
from web.views import templates

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/openapi.json")


class NotFound(KeyError):
    """Something named in the URL does not exist; the message says what."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class DocumentNotFound(NotFound):
    def __init__(self, doc_id: str) -> None:
        super().__init__(f"no document has the id {doc_id!r}")


class TurnNotFound(NotFound):
    def __init__(self, conversation_id: str, position: int) -> None:
        super().__init__(f"conversation {conversation_id!r} has no turn at position {position}")


class RangeError(ValueError):
    """A cited range (start, end) that does not fit the document."""


def flatten(errors: Sequence[Any]) -> str:
    """Pydantic's error list as one sentence: "question: field required; conversation_id: ..."."""
    parts = []
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "")
            parts.append(f"request body is not valid JSON{f' ({reason})' if reason else ''}")
            continue
        loc = [str(p) for p in error.get("loc", ())]
        if len(loc) > 1 and loc[0] in ("body", "query", "path", "cookie", "header"):
            loc = loc[1:]  # the field's name says enough; "body" alone means the whole body
        where = ".".join(loc) or "request"
        where = "request body" if where == "body" else where
        message = str(error.get("msg", "is invalid"))
        parts.append(f"{where}: {message[:1].lower()}{message[1:]}")
    return "; ".join(parts) or "the request is invalid"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


def error_response(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None,
) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "detail": detail}, status_code=status, headers=headers,
    )


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(request, 422, flatten(exc.errors()))


async def _question(request: Request, exc: Exception) -> Response:
    return error_response(request, 422, str(exc))


async def _range(request: Request, exc: Exception) -> Response:
    return error_response(request, 422, str(exc))


async def _conversation(request: Request, exc: Exception) -> Response:
    conversation_id = exc.args[0] if exc.args else ""
    return error_response(request, 404, f"no conversation has the id {conversation_id!r}")


async def _unknown_document(request: Request, exc: Exception) -> Response:
    doc_id = exc.args[0] if exc.args else ""
    return error_response(request, 404, f"no document has the id {doc_id!r}")


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(request, 404, str(exc))


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if isinstance(exc.__cause__, UnicodeDecodeError):
        detail = "request body is not valid UTF-8"
    return error_response(request, exc.status_code, detail, headers=getattr(exc, "headers", None))


# Corpus writes (web/admin.py): the most specific class first, since ArticleTooLarge is an ArticleRejected.
WRITE_ERRORS: dict[type[Exception], int] = {
    ArticleTooLarge: 413, ArticleRejected: 422, ArticleConflict: 409, ArticleNotFound: 404, CorpusWriteError: 503,
}


async def _write(request: Request, exc: Exception) -> Response:
    status = next(code for kind, code in WRITE_ERRORS.items() if isinstance(exc, kind))
    return error_response(request, status, str(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "Something went wrong on our side; the error has been logged.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(QuestionError, _question)
    app.add_exception_handler(RangeError, _range)
    app.add_exception_handler(ConversationNotFound, _conversation)
    app.add_exception_handler(UnknownDocument, _unknown_document)
    app.add_exception_handler(NotFound, _not_found)
    for kind in WRITE_ERRORS:
        app.add_exception_handler(kind, _write)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
