"""Scoped conversations ("ask about this article"): the ConversationStore's scope column and its migration,
and ChatService's scope rules (set, kept, cleared, checked) as seen by the answerer through Context.scope.

The answerer here is a spy that records the Context it is given, so these tests hold whatever reader the
answerer uses; that answers really come from the scope is tested against the real one in
tests/web/test_scope_api.py.
"""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from qa.answerer import Context, UnknownDocument
from qa.answers import Answer
from qa.chat import ChatService
from qa.history import ConversationNotFound, ConversationStore

# The schema as it was before conversations had a scope, to check that old databases keep working.
OLD_SCHEMA = """
CREATE TABLE conversations (id TEXT PRIMARY KEY, created REAL NOT NULL);
CREATE TABLE turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    position INTEGER NOT NULL,
    created REAL NOT NULL,
    question TEXT NOT NULL,
    resolved_question TEXT NOT NULL,
    answer TEXT,
    payload TEXT NOT NULL,
    PRIMARY KEY (conversation_id, position)
);
"""


def old_database(path: Path) -> None:
    """A database written by the store before the scope column: one conversation with one turn."""
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        db.execute("INSERT INTO conversations VALUES ('old', 1.0)")
        db.execute("INSERT INTO turns VALUES ('old', 0, 2.0, 'q', 'r', 'a', '{\"kind\": \"answer\"}')")
    db.close()


def columns(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        names = [row[1] for row in db.execute("PRAGMA table_info(conversations)")]
    db.close()
    return names


# ----------------------------------------------------------------------------------------- the store


def test_an_old_database_gains_the_scope_column_and_keeps_its_turns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path)
    assert "scope" not in columns(path)
    store = ConversationStore(path)
    assert columns(path) == ["id", "created", "scope"]
    assert store.scope("old") == ()
    (turn,) = store.turns("old")
    assert (turn.question, turn.resolved_question, turn.answer, turn.payload) == ("q", "r", "a", {"kind": "answer"})
    assert store.append("old", "q2", "r2", None, {}, scope=["doc-1"]) == 1
    assert store.scope("old") == ("doc-1",)
    again = ConversationStore(path)  # a second opening finds nothing to migrate
    assert columns(path) == ["id", "created", "scope"] and again.scope("old") == ("doc-1",)


def test_many_stores_opening_one_old_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path)
    start = threading.Barrier(6)

    def open_store(_: int) -> tuple[str, ...]:
        start.wait(timeout=30)
        return ConversationStore(path).scope("old")

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(open_store, range(6), timeout=60)) == [()] * 6
    assert columns(path).count("scope") == 1


def test_scope_round_trips(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    whole, scoped = store.create(), store.create(["b-2", "a-1"])
    assert store.scope(whole) == () and store.scope(scoped) == ("b-2", "a-1")
    store.append(scoped, "q", "q", None, {})  # no scope given: the conversation keeps its own
    assert store.scope(scoped) == ("b-2", "a-1")
    store.append(scoped, "q", "q", None, {}, scope=[])
    assert store.scope(scoped) == ()
    store.set_scope(whole, ["ünï-3"])
    assert store.scope(whole) == ("ünï-3",)


@pytest.mark.parametrize("operation", ["scope", "set_scope"])
def test_scope_of_an_unknown_conversation(tmp_path: Path, operation: str) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    with pytest.raises(ConversationNotFound):
        store.scope("missing") if operation == "scope" else store.set_scope("missing", ["a"])


def test_a_failed_append_does_not_change_the_scope(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    cid = store.create(["a"])
    with pytest.raises(TypeError):
        store.append(cid, "q", "q", None, {"bad": object()}, scope=["b"])
    assert store.scope(cid) == ("a",) and store.turns(cid) == []


# -------------------------------------------------------------------------------------- ChatService


@dataclass
class FakeIndex:
    doc_rows: dict[str, int]


@dataclass
class SpyAnswerer:
    """Answers every question from the first document of its scope (else "a") and records each Context."""

    index: FakeIndex = field(default_factory=lambda: FakeIndex({"a": 0, "b": 1, "c": 2}))
    contexts: list[Context] = field(default_factory=list)

    def load(self) -> SpyAnswerer:
        return self

    def embed_question(self, question: str) -> None:
        return None

    def ask(self, question: str, context: Context | None = None, resolved: str | None = None,
            question_vector: object = None) -> Answer:
        context = context or Context()
        self.contexts.append(context)
        for doc_id in context.scope:
            if doc_id not in self.index.doc_rows:
                raise UnknownDocument(doc_id)
        doc = context.scope[0] if context.scope else "a"
        return Answer(question=question, resolved_question=resolved or question, answer="it",
                      message="m", confidence=0.9, kind="answer", doc_id=doc)


@pytest.fixture
def spy() -> SpyAnswerer:
    return SpyAnswerer()


@pytest.fixture
def service(spy: SpyAnswerer, tmp_path: Path) -> ChatService:
    return ChatService(spy, ConversationStore(tmp_path / "c.sqlite3"))  # type: ignore[arg-type]


def test_a_conversation_without_doc_ids_asks_the_whole_briefing(service: ChatService, spy: SpyAnswerer) -> None:
    reply = service.ask("Who?")
    assert reply.scope == () and spy.contexts[-1].scope == ()
    assert reply.to_dict()["scope"] == []


def test_scope_is_kept_until_named_again_and_an_empty_list_clears_it(
    service: ChatService, spy: SpyAnswerer,
) -> None:
    first = service.ask("Who?", doc_ids=["b"])
    cid = first.conversation_id
    assert first.scope == ("b",) and spy.contexts[-1].scope == ("b",)
    assert service.ask("When?", cid).scope == ("b",) and spy.contexts[-1].scope == ("b",)
    assert service.ask("Where?", cid, ["c", "a", "c"]).scope == ("c", "a")  # each id once, in order
    assert spy.contexts[-1].scope == ("c", "a")
    # Cleared: a standalone question reads the whole briefing (a leaning one, "Why?", would read the last
    # answer's article first, tests/qa/test_chat.py).
    assert service.ask("Which company makes the Xbox?", cid, []).scope == () and spy.contexts[-1].scope == ()
    assert service.ask("How?", cid).scope == ()
    stored = service.history(cid)
    assert [t.payload["scope"] for t in stored] == [["b"], ["b"], ["c", "a"], [], []]
    assert service.scope(cid) == ()


@pytest.mark.parametrize("existing", [False, True], ids=["new-conversation", "existing-conversation"])
def test_an_unknown_doc_id_is_refused_before_anything_is_stored(
    service: ChatService, spy: SpyAnswerer, tmp_path: Path, existing: bool,
) -> None:
    cid = service.ask("Who?", doc_ids=["a"]).conversation_id if existing else None
    asked = len(spy.contexts)
    with pytest.raises(UnknownDocument) as info:
        service.ask("When?", cid, ["a", "nope"])
    assert info.value.args[0] == "nope" and isinstance(info.value, KeyError)
    assert len(spy.contexts) == asked  # the answerer was not asked
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0] == (1 if existing else 0)
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == (1 if existing else 0)
    db.close()
    if cid:
        assert service.scope(cid) == ("a",)


def test_a_stored_scope_whose_document_was_removed_names_it(service: ChatService, spy: SpyAnswerer) -> None:
    cid = service.ask("Who?", doc_ids=["b"]).conversation_id
    del spy.index.doc_rows["b"]
    with pytest.raises(UnknownDocument) as info:
        service.ask("When?", cid)
    assert info.value.args[0] == "b"
    assert service.ask("When?", cid, []).scope == ()  # clearing it lets the conversation go on


def test_set_scope_checks_the_ids_and_applies_to_the_next_turn(service: ChatService, spy: SpyAnswerer) -> None:
    cid = service.start()
    with pytest.raises(UnknownDocument):
        service.set_scope(cid, ["zzz"])
    assert service.set_scope(cid, ["c", "c"]) == ("c",)
    assert service.ask("Who?", cid).scope == ("c",) and spy.contexts[-1].scope == ("c",)
    with pytest.raises(ConversationNotFound):
        service.set_scope("missing", [])
