"""Conversations stored in SQLite, so they survive a restart and concurrent writers never corrupt them.

Each thread keeps its own connection (WAL journal, busy timeout), and a turn's position is taken inside
an IMMEDIATE transaction, so two requests appending to one conversation serialise cleanly. WAL with
synchronous=NORMAL survives a killed process (committed transactions are in the WAL file); only a power
loss may drop the last few commits, never corrupting the file.

A conversation may be scoped to a few documents (`scope`, a JSON list of doc_ids; NULL or [] is the whole
briefing). Databases written before that column existed gain it when first opened (`MIGRATIONS`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
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
# Columns added after the first release: (table, column, declaration). Old databases are altered when opened;
# a new one is created by SCHEMA and altered the same way, so there is one path to test.
MIGRATIONS: tuple[tuple[str, str, str], ...] = (
    ("conversations", "scope", "TEXT"),  # JSON list of doc_ids; NULL is the whole briefing
)


class ConversationNotFound(KeyError):
    """No conversation has this id."""


@dataclass(frozen=True)
class StoredTurn:
    position: int
    created: float
    question: str
    resolved_question: str
    answer: str | None
    payload: dict[str, Any]  # the whole reply as sent, plus what follow-ups need (answer type, doc)

    def to_dict(self) -> dict[str, Any]:
        return {"position": self.position, "created": self.created, **self.payload}


def _use_wal(db: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch the database to WAL once. Reading the mode takes no lock; switching it does, and SQLite may
    refuse the switch at once ("database is locked", without waiting out busy_timeout) while another
    process opens the same file, so a refused switch is retried a bounded number of times."""
    for attempt in range(attempts):
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


class ConversationStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as db:
            _use_wal(db)
            db.executescript(SCHEMA)
            _migrate(db)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=True)
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        yield db

    def create(self, scope: Sequence[str] = ()) -> str:
        """A new conversation, scoped to the doc_ids in `scope` (empty: the whole briefing)."""
        conversation_id = uuid.uuid4().hex
        with self._connect() as db:
            db.execute("INSERT INTO conversations (id, created, scope) VALUES (?, ?, ?)",
                       (conversation_id, time.time(), _scope_json(scope)))
        return conversation_id

    def scope(self, conversation_id: str) -> tuple[str, ...]:
        """The doc_ids the conversation is scoped to (empty: the whole briefing)."""
        with self._connect() as db:
            row = db.execute("SELECT scope FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row is None:
            raise ConversationNotFound(conversation_id)
        return tuple(json.loads(row[0])) if row[0] else ()

    def set_scope(self, conversation_id: str, scope: Sequence[str]) -> None:
        """Scope the conversation to these doc_ids (empty: the whole briefing) without adding a turn."""
        with self._connect() as db:
            changed = db.execute("UPDATE conversations SET scope = ? WHERE id = ?",
                                 (_scope_json(scope), conversation_id)).rowcount
        if not changed:
            raise ConversationNotFound(conversation_id)

    def exists(self, conversation_id: str) -> bool:
        with self._connect() as db:
            row = db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return row is not None

    def append(
        self, conversation_id: str, question: str, resolved_question: str, answer: str | None,
        payload: dict[str, Any], scope: Sequence[str] | None = None,
    ) -> int:
        """Add a turn at the end; returns its position. Raises ConversationNotFound for an unknown id.

        `scope`, when given, becomes the conversation's scope in the same transaction as the turn.
        """
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
                    raise ConversationNotFound(conversation_id)
                if scope is not None:
                    db.execute("UPDATE conversations SET scope = ? WHERE id = ?",
                               (_scope_json(scope), conversation_id))
                (position,) = db.execute(
                    "SELECT COALESCE(MAX(position), -1) + 1 FROM turns WHERE conversation_id = ?",
                    (conversation_id,),
                ).fetchone()
                db.execute(
                    "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (conversation_id, position, time.time(), question, resolved_question, answer,
                     json.dumps(payload, ensure_ascii=False)),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return int(position)

    def turns(self, conversation_id: str, limit: int | None = None) -> list[StoredTurn]:
        """Turns in order (the last `limit` of them when given)."""
        with self._connect() as db:
            if db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
                raise ConversationNotFound(conversation_id)
            query = "SELECT position, created, question, resolved_question, answer, payload FROM turns " \
                    "WHERE conversation_id = ? ORDER BY position DESC"
            params: tuple[Any, ...] = (conversation_id,)
            if limit is not None:
                query += " LIMIT ?"
                params += (limit,)
            rows = db.execute(query, params).fetchall()
        return [StoredTurn(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in reversed(rows)]


def _scope_json(scope: Sequence[str]) -> str | None:
    return json.dumps(list(scope), ensure_ascii=False) if scope else None


def _migrate(db: sqlite3.Connection) -> None:
    """Add the columns of MIGRATIONS that an older database lacks. Inside one IMMEDIATE transaction, so two
    processes opening the same old file at once cannot both add a column."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for table, column, declaration in MIGRATIONS:
            present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
