"""What routes receive: the objects loaded once in the lifespan, as `Annotated[..., Depends(...)]` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from index.store import LoadedIndex
from qa.answerer import Answerer
from qa.chat import ChatService


# Coroutines on purpose: FastAPI runs a plain `def` dependency in the thread pool, one hand-off per
# dependency per request, for what is an attribute read.
async def get_answerer(request: Request) -> Answerer:
    answerer: Answerer = request.app.state.answerer
    return answerer


async def get_chat(request: Request) -> ChatService:
    chat: ChatService = request.app.state.chat
    return chat


async def get_index(answerer: Annotated[Answerer, Depends(get_answerer)]) -> LoadedIndex:
    assert answerer.index is not None, "the lifespan loads the index before serving"
    return answerer.index


LoadedAnswerer = Annotated[Answerer, Depends(get_answerer)]
Chat = Annotated[ChatService, Depends(get_chat)]
Index = Annotated[LoadedIndex, Depends(get_index)]
