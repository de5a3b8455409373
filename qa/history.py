"""Conversations stored in SQLite, so they survive a restart and concurrent writers never corrupt them.

Each thread keeps its own connection (WAL journal, busy timeout), and a turn's position is taken inside
an IMMEDIATE transaction, so two requests appending to one conversation serialise cleanly. WAL with
synchronous=NORMAL survives a killed process (committed transactions are in the WAL file); only a power
loss may drop the last few commits, never corrupting the file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
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


class ConversationStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

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

    def create(self) -> str:
        conversation_id = uuid.uuid4().hex
        with self._connect() as db:
            db.execute("INSERT INTO conversations (id, created) VALUES (?, ?)", (conversation_id, time.time()))
        return conversation_id

    def exists(self, conversation_id: str) -> bool:
        with self._connect() as db:
            row = db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return row is not None

    def append(
        self, conversation_id: str, question: str, resolved_question: str, answer: str | None,
        payload: dict[str, Any],
    ) -> int:
        """Add a turn at the end; returns its position. Raises ConversationNotFound for an unknown id."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
                    raise ConversationNotFound(conversation_id)
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
