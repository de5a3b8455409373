"""Conversations: resolve a follow-up, answer it, and store the turn. The one entry point for web and CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa.answerer import Answerer, Context, validate_question
from qa.answers import Answer
from qa.history import ConversationNotFound, ConversationStore, StoredTurn
from qa.resolver import TurnMemory, needs_history, remember, resolve
from qa.smalltalk import classify, example_questions, reply

HISTORY_TURNS = 4  # how far back pronouns and topics are looked for
# Follow-ups that keep talking about what the last answer was about ("When?", "Where did he hold it?"):
# the last answer's sentence anchors them. "And the Finance Ministerial?" changes the subject: no anchor.
ANCHORED_RULES = frozenset({"bare-wh", "pronoun", "demonstrative"})


@dataclass
class ChatReply:
    conversation_id: str
    position: int
    answer: Answer

    def to_dict(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id, **self.answer.to_dict()}


class ChatService:
    def __init__(self, answerer: Answerer, store: ConversationStore) -> None:
        self.answerer = answerer
        self.store = store
        self._examples: list[str] | None = None

    @property
    def examples(self) -> list[str]:
        if self._examples is None:
            self.answerer.load()
            assert self.answerer.index is not None
            self._examples = example_questions(self.answerer.index)
        return self._examples

    def start(self) -> str:
        return self.store.create()

    def history(self, conversation_id: str) -> list[StoredTurn]:
        return self.store.turns(conversation_id)

    def ask(self, question: str, conversation_id: str | None = None) -> ChatReply:
        """Answer `question` in a conversation (a new one when the id is None).

        Raises QuestionError for an unusable question and ConversationNotFound for an unknown id.
        """
        question = validate_question(question)
        fresh = conversation_id is None
        if conversation_id is None:
            conversation_id = self.store.create()
        elif not self.store.exists(conversation_id):
            raise ConversationNotFound(conversation_id)
        answer = self._reply(question, conversation_id, fresh)
        payload = {**answer.to_dict(), "kind": answer.kind, "answer_type": answer.answer_type,
                   "doc_id": answer.doc_id}
        position = self.store.append(conversation_id, question, answer.resolved_question, answer.answer, payload)
        return ChatReply(conversation_id, position, answer)

    def _reply(self, question: str, conversation_id: str, fresh: bool = False) -> Answer:
        talk = classify(question)
        if talk:
            return Answer(question=question, resolved_question=question, answer=None,
                          message=reply(talk, self.examples), confidence=1.0, kind="smalltalk")
        turns = [] if fresh else self.store.turns(conversation_id, limit=HISTORY_TURNS)
        answered = [t for t in turns if t.payload.get("kind") in ("answer", "summary", "abstain")]
        resolved, source_of, anchor = question, None, None
        if answered and needs_history(question):
            memories = [_memory(t) for t in answered]
            resolution = resolve(question, memories)
            resolved = resolution.resolved
            cited = answered[-1].payload.get("citations") or []
            last_answer = (cited[0]["doc_id"], int(cited[0]["start"]), int(cited[0]["end"])) if cited else None
            if resolution.rule == "source":
                source_of = last_answer
            elif resolution.rule in ANCHORED_RULES and answered[-1].payload.get("kind") == "answer":
                anchor = last_answer
        last_doc = next((t.payload.get("doc_id") for t in reversed(answered) if t.payload.get("doc_id")), None)
        context = Context(doc_id=last_doc, source_of=source_of, anchor=anchor)
        return self.answerer.ask(question, context, resolved=resolved)


def _memory(turn: StoredTurn) -> TurnMemory:
    return remember(turn.resolved_question, turn.answer, turn.payload.get("answer_type"), turn.payload.get("doc_id"))


__all__ = ["ChatReply", "ChatService", "ConversationNotFound"]
