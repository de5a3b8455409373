"""Conversations: resolve a follow-up, answer it, and store the turn. The one entry point for web and CLI.

A conversation may be scoped to a few documents ("ask about this article"): `ask(..., doc_ids=[...])` sets
the scope, later turns keep it, `doc_ids=[]` clears it (the whole briefing again), and `None` keeps
whatever the conversation has. The scope reaches the answerer as `Context.scope`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from qa.answerer import Answerer, Context, UnknownDocument, validate_question
from qa.answers import Answer
from qa.history import ConversationNotFound, ConversationStore, StoredTurn
from qa.question import analyse
from qa.resolver import TurnMemory, needs_history, remember, resolve
from qa.smalltalk import classify, example_questions, reply
from qa.wellformed import malformed

HISTORY_TURNS = 4  # how far back pronouns and topics are looked for
READER_TURNS = 2  # earlier turns the reader reads with a question (as it was trained)
# What the reader reads for a follow-up:
# "rewrite": the deterministic rewrite alone; "history": the question as asked after the earlier turns;
# "rewrite+history": the rewrite after the earlier turns; "either": both the rewrite alone and the question
# after the earlier turns, the surer reading kept (the higher calibrated confidence).
# "either" is the default since 2026-12-06 (docs/benchmarks.md, session 14): on unseen news the history
# reading is rarely the surer one, so it answers as the rewrite does (blind BBC conversations: follow-up F1
# 0.465 either way), but on the conversations the rewrite reads poorly it takes over: CoQA CNN span F1 0.389
# -> 0.448 at the threshold, blind seed follow-ups 0.667 -> 0.711, seed follow-ups 0.605 -> 0.622. It costs a
# second reader pass on follow-ups (about 55 ms). The history form alone loses on news (blind seed
# follow-ups 0.485, 30 false abstentions of 106 on the blind BBC conversations): its margins run lower.
FOLLOWUP_FORMS = ("rewrite", "history", "rewrite+history", "either")
DEFAULT_FOLLOWUP_FORM = "either"
# Follow-ups that keep talking about what the last answer was about ("When?", "Where did he hold it?"):
# the last answer's sentence anchors them. "And the Finance Ministerial?" changes the subject: no anchor.
ANCHORED_RULES = frozenset({"bare-wh", "pronoun", "demonstrative"})


@dataclass
class ChatReply:
    conversation_id: str
    position: int
    answer: Answer
    scope: tuple[str, ...] = ()  # the doc_ids this turn was answered from; empty: all

    def to_dict(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id, **self.answer.to_dict(), "scope": list(self.scope)}


class ChatService:
    def __init__(self, answerer: Answerer, store: ConversationStore, followup_form: str | None = None) -> None:
        followup_form = followup_form or os.environ.get("QA_FOLLOWUP_FORM") or DEFAULT_FOLLOWUP_FORM
        if followup_form not in FOLLOWUP_FORMS:
            raise ValueError(f"followup_form must be one of {FOLLOWUP_FORMS}, not {followup_form!r}")
        self.followup_form = followup_form
        self.answerer = answerer
        self.store = store
        self._examples: tuple[object, list[str]] | None = None

    @property
    def examples(self) -> list[str]:
        """Starter questions for the live index, rebuilt when a living briefing swaps in a new one."""
        self.answerer.load()
        index = self.answerer.index
        assert index is not None
        if self._examples is None or self._examples[0] is not index:
            self._examples = (index, example_questions(index))
        return self._examples[1]

    def start(self) -> str:
        return self.store.create()

    def history(self, conversation_id: str) -> list[StoredTurn]:
        return self.store.turns(conversation_id)

    def scope(self, conversation_id: str) -> tuple[str, ...]:
        """The doc_ids the conversation is scoped to (empty: the whole briefing)."""
        return self.store.scope(conversation_id)

    def set_scope(self, conversation_id: str, doc_ids: Sequence[str]) -> tuple[str, ...]:
        """Scope the conversation's next turns to `doc_ids` (empty: the whole briefing); returns the scope."""
        scope = _dedupe(doc_ids)
        self._check_scope(scope)
        self.store.set_scope(conversation_id, scope)
        return scope

    def ask(
        self, question: str, conversation_id: str | None = None, doc_ids: Sequence[str] | None = None,
    ) -> ChatReply:
        """Answer `question` in a conversation (a new one when the id is None).

        `doc_ids` scopes the conversation to those documents from this turn on; `None` keeps the scope the
        conversation has, an empty list clears it. Raises QuestionError for an unusable question,
        ConversationNotFound for an unknown id and UnknownDocument for a doc_id the index does not hold
        (the requested scope's, or a stored one's whose document has since been removed); nothing is
        stored then.
        """
        question = validate_question(question)
        fresh = conversation_id is None
        if conversation_id is not None and not self.store.exists(conversation_id):
            raise ConversationNotFound(conversation_id)
        requested = _dedupe(doc_ids) if doc_ids is not None else None
        if requested is not None:
            scope = requested
        else:
            scope = () if conversation_id is None else self.store.scope(conversation_id)
        self._check_scope(scope)
        if conversation_id is None:
            conversation_id = self.store.create(scope)
        answer = self._reply(question, conversation_id, fresh, scope)
        payload = {**answer.to_dict(), "kind": answer.kind, "answer_type": answer.answer_type,
                   "doc_id": answer.doc_id, "scope": list(scope)}
        position = self.store.append(conversation_id, question, answer.resolved_question, answer.answer, payload,
                                     scope=requested)
        return ChatReply(conversation_id, position, answer, scope)

    def _check_scope(self, scope: tuple[str, ...]) -> None:
        """Raise UnknownDocument for the first doc_id of `scope` the loaded index does not hold."""
        if not scope:
            return
        self.answerer.load()
        index = self.answerer.index
        assert index is not None
        for doc_id in scope:
            if doc_id not in index.doc_rows:
                raise UnknownDocument(doc_id)

    def _reply(self, question: str, conversation_id: str, fresh: bool = False, scope: tuple[str, ...] = ()) -> Answer:
        talk = classify(question)
        if talk:
            return Answer(question=question, resolved_question=question, answer=None,
                          message=reply(talk, self.examples), confidence=1.0, kind="smalltalk")
        turns = [] if fresh else self.store.turns(conversation_id, limit=HISTORY_TURNS)
        answered = [t for t in turns if t.payload.get("kind") in ("answer", "summary", "abstain")]
        resolved, source_of, anchor = question, None, None
        leans = bool(answered) and needs_history(question)
        if leans:
            memories = [_memory(t) for t in answered]
            resolution = resolve(question, memories)
            # A rewrite is shown ("Understood as ..."), so a malformed one is dropped for the question as
            # asked; the reader still reads the earlier turns.
            resolved = question if malformed(question, resolution.resolved) else resolution.resolved
            cited = answered[-1].payload.get("citations") or []
            last_answer = (cited[0]["doc_id"], int(cited[0]["start"]), int(cited[0]["end"])) if cited else None
            if resolution.rule == "source":
                source_of = last_answer
            elif resolution.rule in ANCHORED_RULES and answered[-1].payload.get("kind") == "answer":
                anchor = last_answer
        last_doc = next((t.payload.get("doc_id") for t in reversed(answered) if t.payload.get("doc_id")), None)
        history: tuple[tuple[str, str], ...] = ()
        reader_question = None
        if answered and self.followup_form != "rewrite":
            # The reader reads the last turns as CoQA readers do (scripts/train_conversation.py).
            history = tuple((t.question, t.answer or "") for t in answered[-READER_TURNS:])
            if self.followup_form in ("history", "either"):
                reader_question = question
        context = Context(doc_id=last_doc, scope=scope, source_of=source_of, anchor=anchor, history=history,
                          reader_question=reader_question)
        # A follow-up may be read up to four times (two forms, its article then the briefing): the question
        # is embedded once for all of them.
        vector = self.answerer.load().embed_question(" ".join(resolved.split())) if answered else None
        if leans and not scope and self._indexed(last_doc):
            # A question that leans on the conversation ("When?", "What did he say?") is about what the
            # conversation is about: it is read within the article of the last answer first, and in the
            # whole briefing only when the answer is not there (the reader declines). Over a large
            # briefing, retrieval's preference alone let follow-ups drift to other articles.
            try:
                within = self._read(question, replace(context, scope=(last_doc,)), resolved, vector)
            except UnknownDocument:  # removed by a live write since the check: read the whole briefing
                within = None
            if within is not None and within.kind != "abstain":
                return within
        return self._read(question, context, resolved, vector)

    def _indexed(self, doc_id: str | None) -> bool:
        index = self.answerer.index
        return doc_id is not None and index is not None and doc_id in index.doc_rows

    def _read(self, question: str, context: Context, resolved: str, vector: np.ndarray | None) -> Answer:
        """The answerer's reply; in the "either" form, the surer of the two readings of a follow-up."""
        answer = self.answerer.ask(question, context, resolved=resolved, question_vector=vector)
        if self.followup_form == "either" and context.history:
            # The same retrieval, read a second way: the rewrite alone. Confidence is the calibrated
            # probability of the reading's margin, so the two readings compare on one scale.
            alone = self.answerer.ask(question, replace(context, history=(), reader_question=None),
                                      resolved=resolved, question_vector=vector)
            if alone.confidence > answer.confidence:
                return alone
        return answer


def _dedupe(doc_ids: Sequence[str]) -> tuple[str, ...]:
    """The ids in the order given, each once."""
    return tuple(dict.fromkeys(doc_ids))


def _memory(turn: StoredTurn) -> TurnMemory:
    # The kind of thing the turn asked for (person, place, ...) decides where its answer is remembered.
    answer_type = turn.payload.get("answer_type") or analyse(turn.resolved_question).answer_type.value
    return remember(turn.resolved_question, turn.answer, answer_type, turn.payload.get("doc_id"))


__all__ = ["ChatReply", "ChatService", "ConversationNotFound"]
