"""The living briefing over HTTP: add, replace and delete articles (bearer token), the index's status, and the
list of articles as JSON (GET /api/documents) and as a page (/documents).

Each route is a few lines over `index.corpus_writer.CorpusWriter` (validate, write atomically) and
`qa.live.LiveIndex` (build in the background, swap when ready). A write answers 202 with its number
(`seq`) at once; GET /api/index shows when `live.seq` reaches it. With `?wait=SECONDS` the write waits up
to that long for its build and answers 201 (added) or 200 (replaced, deleted) once the change is live.

Writes need `Authorization: Bearer <QA_ADMIN_TOKEN>`: 403 when the server has no token (writes off), 401
when the header is missing or wrong. Reading and asking stay open.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from index.corpus_writer import ArticleFields, ArticleRejected, ArticleTooLarge, CorpusWriter, Written
from index.store import LoadedIndex
from qa.digest import first_sentence
from qa.live import LiveIndex
from qa.settings import Settings
from web import schemas
from web.deps import Index
from web.views import templates

router = APIRouter(tags=["documents"])
bearer = HTTPBearer(auto_error=False, description="The server's QA_ADMIN_TOKEN; needed for every write.")

# Multipart framing and JSON quoting around an article at the size limit.
REQUEST_OVERHEAD = 64 * 1024
MAX_WAIT_SECONDS = 60.0
UPLOAD_FIELD = "file"


# ------------------------------------------------------------------------------------------- deps


async def get_live(request: Request) -> LiveIndex:
    live: LiveIndex = request.app.state.live
    return live


async def get_writer(request: Request) -> CorpusWriter:
    writer: CorpusWriter = request.app.state.writer
    return writer


async def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    settings: Settings = request.app.state.settings
    token = settings.admin_token.get_secret_value() if settings.admin_token else ""
    if not token:
        raise HTTPException(403, "writes are turned off on this server: it was started without QA_ADMIN_TOKEN")
    if credentials is None:
        raise HTTPException(401, "this write needs the header 'Authorization: Bearer <admin token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    if not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(401, "the bearer token is not this server's admin token",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


Live = Annotated[LiveIndex, Depends(get_live)]
Writer = Annotated[CorpusWriter, Depends(get_writer)]
Wait = Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS,
                              description="Seconds to wait for the article to be answerable (0: do not wait).")]
WRITE_ERRORS = schemas.errors(400, 401, 403, 404, 409, 413, 415, 422, 503)

UPLOAD_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/ArticleIn"}},
    "multipart/form-data": {"schema": {
        "type": "object", "required": [UPLOAD_FIELD],
        "properties": {UPLOAD_FIELD: {"type": "string", "format": "binary",
                                      "description": "A .txt, .md or .jsonl article file, UTF-8."}},
    }},
}}}


# ------------------------------------------------------------------------------------------ writes


@router.post(
    "/api/documents", status_code=202, response_model=schemas.WriteResult, dependencies=[Depends(require_token)],
    summary="Add an article (JSON fields, or an uploaded .txt / .md / .jsonl file)", openapi_extra=UPLOAD_BODY,
    responses={201: {"model": schemas.WriteResult, "description": "Written and already answerable (with wait)"},
               **WRITE_ERRORS},
)
async def add_document(request: Request, response: Response, writer: Writer, live: Live, wait: Wait = 0) -> Any:
    written = await _write_from_request(request, writer)
    return await _after_write(response, live, written, wait, f"added {written.path}", done=201)


@router.put(
    "/api/documents/{doc_id}", status_code=202, response_model=schemas.WriteResult,
    dependencies=[Depends(require_token)], summary="Replace an article in its own file, keeping its id",
    responses={200: {"model": schemas.WriteResult, "description": "Replaced and already answerable (with wait)"},
               **WRITE_ERRORS},
)
async def replace_document(
    doc_id: str, article: schemas.ArticleIn, response: Response, writer: Writer, live: Live, wait: Wait = 0,
) -> Any:
    written = await run_in_threadpool(writer.replace, doc_id, _fields(article))
    return await _after_write(response, live, written, wait, f"replaced {doc_id}")


@router.delete(
    "/api/documents/{doc_id}", status_code=202, response_model=schemas.WriteResult,
    dependencies=[Depends(require_token)],
    summary="Delete an article (a .jsonl article's line is blanked, so the file's other ids stay)",
    responses={200: {"model": schemas.WriteResult, "description": "Deleted, and gone from answers (with wait)"},
               **WRITE_ERRORS},
)
async def delete_document(doc_id: str, response: Response, writer: Writer, live: Live, wait: Wait = 0) -> Any:
    removed = await run_in_threadpool(writer.delete, doc_id)
    path = f"{removed.path}#{removed.line}" if removed.line is not None and not removed.file_removed else removed.path
    return await _after_write(response, live, Written(path, (doc_id,), False), wait, f"deleted {doc_id}",
                              removed=True)


@router.post("/api/index", status_code=202, response_model=schemas.IndexStatus,
             dependencies=[Depends(require_token)], responses=schemas.errors(401, 403),
             summary="Build again now (say, after a failed build), with whatever the corpus folder holds")
def rebuild(live: Live) -> dict[str, Any]:
    live.request_build("requested over HTTP")
    return live.status().to_dict()


# ------------------------------------------------------------------------------------------ reads


@router.get("/api/index", response_model=schemas.IndexStatus,
            summary="The live build, and any build running (stage, progress) or failed")
def index_status(live: Live) -> dict[str, Any]:
    return live.status().to_dict()


@router.get("/api/documents", response_model=schemas.DocumentList, summary="Every article, newest first")
def documents(index: Index) -> dict[str, Any]:
    return {"documents": document_summaries(index)}


@router.get("/documents", response_class=HTMLResponse, tags=["pages"],
            summary="The articles, newest first; with the admin token, a form to add one")
def documents_page(request: Request, index: Index) -> Response:
    settings: Settings = request.app.state.settings
    rows = document_summaries(index)
    for d in rows[:LEAD_SENTENCES]:
        d["lead"] = lead_sentence(index, d["doc_id"])
    return templates.TemplateResponse(request, "documents.html", {
        "documents": rows, "writes_enabled": settings.admin_token is not None,
        "max_bytes": settings.max_upload_bytes,
    })


# The page shows the first digest sentence of the newest articles (a digest of every one of 2,226 BBC
# articles would hold the first view for seconds); each is computed once per live index.
LEAD_SENTENCES = 100


def lead_sentence(index: LoadedIndex, doc_id: str) -> str | None:
    cache: dict[str, str | None] = index.__dict__.setdefault("_lead_sentences", {})
    if doc_id not in cache:
        try:
            cache[doc_id] = index.sentence_text(first_sentence(index, index.doc_rows[doc_id]))
        except ValueError:  # an article with no sentence
            cache[doc_id] = None
    return cache[doc_id]


def document_summaries(index: LoadedIndex) -> list[dict[str, Any]]:
    """doc_id, title, date, source file (with #line for .jsonl) and passage count of every article,
    newest first; undated articles last; ties by title."""
    counts = np.bincount(index.passages[:, 0], minlength=len(index.documents)) if len(index.passages) else None
    rows = []
    for row, doc in enumerate(index.documents):
        source = doc.source_file
        if source.endswith(".jsonl"):
            source += "#" + doc.doc_id.rpartition("-")[2]  # a .jsonl article's id ends with its line number
        rows.append({"doc_id": doc.doc_id, "title": doc.title, "date": doc.date, "source": source,
                     "passages": int(counts[row]) if counts is not None else 0})
    rows.sort(key=lambda d: d["title"].lower())
    rows.sort(key=lambda d: d["date"] or "", reverse=True)  # stable: titles stay in order within a date
    return rows


# ----------------------------------------------------------------------------------------- helpers


async def _write_from_request(request: Request, writer: CorpusWriter) -> Written:
    """A JSON article or a multipart upload, size-checked before it is read in full, then written."""
    limit = writer.max_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + REQUEST_OVERHEAD:
        raise ArticleTooLarge(f"the request is {int(length):,} bytes; the limit for an article is {limit:,} bytes")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json":
        body = await request.body()
        try:
            article = schemas.ArticleIn.model_validate_json(body)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False)) from None
        return await run_in_threadpool(writer.add_article, _fields(article))
    if media == "multipart/form-data":
        async with request.form(max_files=1, max_fields=16) as form:
            upload = form.get(UPLOAD_FIELD)
            if not isinstance(upload, UploadFile):
                raise ArticleRejected(f"a multipart upload needs the article file in a field named {UPLOAD_FIELD!r}")
            data = await upload.read(limit + 1)
            name = upload.filename or ""
        if len(data) > limit:
            raise ArticleTooLarge(f"{name or 'the upload'} is larger than the limit of {limit:,} bytes")
        return await run_in_threadpool(writer.add_file, name, data)
    raise HTTPException(415, "send an article as application/json, or a .txt, .md or .jsonl file as "
                             f"multipart/form-data in the field {UPLOAD_FIELD!r}")


def _fields(article: schemas.ArticleIn) -> ArticleFields:
    return ArticleFields(title=article.title, text=article.text, date=article.date, source=article.source,
                         url=article.url)


async def _after_write(
    response: Response, live: LiveIndex, written: Written, wait: float, reason: str, removed: bool = False,
    done: int = 200,
) -> dict[str, Any]:
    """Ask for the build; with `wait`, wait for it and answer `done` (201 for a new article, else 200) when
    the change is live. Without, or when the wait runs out, the route's 202 stands."""
    seq = live.request_build(reason)
    is_live = bool(wait) and await run_in_threadpool(live.wait, seq, wait)
    if is_live:
        response.status_code = done
    return {"doc_ids": list(written.doc_ids), "path": written.path, "replaced": written.replaced,
            "removed": removed, "seq": seq, "live": is_live}
