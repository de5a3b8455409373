"""The FastAPI application: factory, lifespan (load model and index once), security headers, routers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from index.corpus_writer import CorpusWriter
from qa.answerer import Answerer
from qa.chat import ChatService
from qa.history import ConversationStore
from qa.live import LiveIndex
from qa.question import warm_up as warm_up_question_tagger
from qa.resolver import warm_up as warm_up_resolver
from qa.settings import Settings, get_settings
from web import admin, api, docs, errors, pages
from web.views import HERE

# No inline script or style anywhere: the page works from /static alone, offline.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


class SecurityHeaders:
    """Adds the Content-Security-Policy (per-path overrides allowed) and friends to every response."""

    def __init__(self, app: ASGIApp, overrides: dict[str, str] | None = None) -> None:
        self.app = app
        self.overrides = overrides or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.overrides.get(scope["path"], POLICY)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = policy
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, send_with_headers)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    answerer = app.state.preloaded or Answerer(settings.corpus_dir, settings.index_dir, settings.embedding_model)
    await run_in_threadpool(answerer.load)  # a no-op when `qa serve` loaded it before binding the port
    chat = ChatService(answerer, ConversationStore(settings.conversations_path))
    await run_in_threadpool(lambda: chat.examples)  # computed once here, not on the first page view
    await run_in_threadpool(warm_up_resolver)  # the parser follow-ups use loads here, not on the first one
    await run_in_threadpool(warm_up_question_tagger)  # and the tagger that finds "which <noun>" heads
    # The index, term tables and models are millions of long-lived objects: frozen, the garbage collector
    # stops walking them on every full collection during requests.
    gc.collect()
    gc.freeze()
    app.state.answerer = answerer
    app.state.chat = chat
    # Corpus writes over HTTP, background builds and the CURRENT watcher (web/admin.py, qa/live.py).
    app.state.writer = CorpusWriter(settings.corpus_dir, settings.max_upload_bytes)
    app.state.live = LiveIndex(answerer, poll_seconds=settings.index_poll_seconds,
                               warm_up=settings.admin_token is not None).start()
    try:
        yield
    finally:
        app.state.live.stop()


def create_app(settings: Settings | None = None, answerer: Answerer | None = None) -> FastAPI:
    """The application. `answerer` may come loaded already (by `qa serve`), so nothing loads twice."""
    app = FastAPI(
        title="Briefing QA",
        summary="Extractive, cited answers to questions about a news briefing.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by web.docs from local assets
        redoc_url=None,  # ReDoc only ships from a CDN
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.settings = settings or get_settings()
    app.state.preloaded = answerer
    overrides = docs.install(app)
    app.add_middleware(SecurityHeaders, overrides=overrides)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(admin.router)
    return app
