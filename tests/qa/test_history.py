"""qa.history.ConversationStore: SQLite conversations that keep their order, survive reopening and never
lose or duplicate a turn under concurrent writers (threads or processes)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from qa.history import ConversationNotFound, ConversationStore, StoredTurn


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "conversations.sqlite3"  # parent folder does not exist yet


@pytest.fixture
def store(db_path: Path) -> ConversationStore:
    return ConversationStore(db_path)


def _payload(writer: int, n: int) -> dict[str, object]:
    return {"writer": writer, "n": n, "text": f"réponse {writer}-{n} “quoted”", "citations": [{"start": n}]}


def _assert_complete(turns: list[StoredTurn], writers: int, per_writer: int) -> None:
    """Positions 0..N-1 without gaps or duplicates, and every (writer, n) payload present exactly once."""
    assert [t.position for t in turns] == list(range(writers * per_writer))
    seen = sorted((t.payload["writer"], t.payload["n"]) for t in turns)
    assert seen == [(w, n) for w in range(writers) for n in range(per_writer)]
    for t in turns:
        w, n = t.payload["writer"], t.payload["n"]
        assert t.payload == _payload(w, n)
        assert t.question == f"q {w}-{n}" and t.resolved_question == f"r {w}-{n}" and t.answer == f"a {w}-{n}"
    # Each writer's own turns keep the order it wrote them in.
    for w in range(writers):
        assert [t.payload["n"] for t in turns if t.payload["writer"] == w] == list(range(per_writer))


def _append(store: ConversationStore, conversation_id: str, writer: int, n: int) -> int:
    tag = f"{writer}-{n}"
    return store.append(conversation_id, f"q {tag}", f"r {tag}", f"a {tag}", _payload(writer, n))


# ------------------------------------------------------------------------------------------- basics


def test_creates_the_database_and_its_folder(db_path: Path, store: ConversationStore) -> None:
    assert db_path.is_file()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_create_gives_distinct_ids(store: ConversationStore) -> None:
    ids = {store.create() for _ in range(5)}
    assert len(ids) == 5
    assert all(store.exists(i) for i in ids)
    assert not store.exists("no-such-conversation")


def test_new_conversation_has_no_turns(store: ConversationStore) -> None:
    assert store.turns(store.create()) == []


def test_append_returns_positions_and_turns_come_back_in_order(store: ConversationStore) -> None:
    cid = store.create()
    positions = [store.append(cid, f"q{i}", f"r{i}", None if i == 1 else f"a{i}", {"i": i}) for i in range(4)]
    assert positions == [0, 1, 2, 3]
    turns = store.turns(cid)
    assert [(t.position, t.question, t.resolved_question, t.answer, t.payload) for t in turns] == [
        (0, "q0", "r0", "a0", {"i": 0}),
        (1, "q1", "r1", None, {"i": 1}),
        (2, "q2", "r2", "a2", {"i": 2}),
        (3, "q3", "r3", "a3", {"i": 3}),
    ]
    assert [t.created for t in turns] == sorted(t.created for t in turns)


def test_turns_limit_returns_the_latest_in_order(store: ConversationStore) -> None:
    cid = store.create()
    for i in range(5):
        store.append(cid, f"q{i}", f"q{i}", None, {})
    assert [t.position for t in store.turns(cid, limit=2)] == [3, 4]
    assert [t.position for t in store.turns(cid, limit=10)] == [0, 1, 2, 3, 4]


def test_conversations_are_separate(store: ConversationStore) -> None:
    a, b = store.create(), store.create()
    store.append(a, "qa", "qa", None, {})
    assert store.append(b, "qb", "qb", None, {}) == 0
    assert [t.question for t in store.turns(a)] == ["qa"]
    assert [t.question for t in store.turns(b)] == ["qb"]


def test_to_dict_merges_position_and_payload(store: ConversationStore) -> None:
    cid = store.create()
    store.append(cid, "q", "q", "a", {"answer": "a", "kind": "answer"})
    (turn,) = store.turns(cid)
    assert turn.to_dict() == {"position": 0, "created": turn.created, "answer": "a", "kind": "answer"}


def test_unicode_payload_round_trips(store: ConversationStore) -> None:
    cid = store.create()
    payload = {"text": "Ministère “des” Affaires — 外交部", "n": [1, 2.5, None, True]}
    store.append(cid, "Qui?", "Qui?", "Ministère", payload)
    assert store.turns(cid)[0].payload == payload


def test_survives_reopening(db_path: Path, store: ConversationStore) -> None:
    cid = store.create()
    for n in range(3):
        _append(store, cid, 0, n)
    reopened = ConversationStore(db_path)
    assert reopened.exists(cid)
    _assert_complete(reopened.turns(cid), writers=1, per_writer=3)
    assert _append(reopened, cid, 0, 3) == 3


@pytest.mark.parametrize("operation", ["append", "turns"])
def test_unknown_conversation(store: ConversationStore, operation: str) -> None:
    with pytest.raises(ConversationNotFound) as info:
        if operation == "append":
            store.append("missing-id", "q", "q", None, {})
        else:
            store.turns("missing-id")
    assert isinstance(info.value, KeyError) and info.value.args == ("missing-id",)


def test_failed_append_leaves_nothing_behind(db_path: Path, store: ConversationStore) -> None:
    with pytest.raises(ConversationNotFound):
        store.append("missing-id", "q", "q", None, {})
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 0
    cid = store.create()  # the store is still usable: no transaction was left open
    assert store.append(cid, "q", "q", None, {}) == 0


def test_unserialisable_payload_rolls_back(store: ConversationStore) -> None:
    cid = store.create()
    with pytest.raises(TypeError):
        store.append(cid, "q", "q", None, {"bad": object()})
    assert store.turns(cid) == []
    assert store.append(cid, "q", "q", None, {}) == 0


# -------------------------------------------------------------------------------------- concurrency

THREADS, PER_THREAD = 8, 25


def test_concurrent_threads_one_conversation(store: ConversationStore) -> None:
    cid = store.create()
    start = threading.Barrier(THREADS)

    def writer(w: int) -> list[int]:
        start.wait(timeout=30)
        return [_append(store, cid, w, n) for n in range(PER_THREAD)]

    with ThreadPoolExecutor(THREADS) as pool:
        returned = [p for ps in pool.map(writer, range(THREADS), timeout=120) for p in ps]
    assert sorted(returned) == list(range(THREADS * PER_THREAD))
    _assert_complete(store.turns(cid), THREADS, PER_THREAD)


def test_concurrent_threads_several_conversations(db_path: Path) -> None:
    # Each thread holds its own ConversationStore on the same file, as separate web workers would.
    conversations = [ConversationStore(db_path).create() for _ in range(3)]
    start = threading.Barrier(THREADS)

    def writer(w: int) -> None:
        own = ConversationStore(db_path)
        start.wait(timeout=30)
        for n in range(PER_THREAD):
            # Writer w spreads its turns over every conversation, interleaving with the others.
            _append(own, conversations[(w + n) % len(conversations)], w, n)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(writer, range(THREADS), timeout=120))
    store = ConversationStore(db_path)
    total = 0
    found: list[tuple[int, int]] = []
    for i, cid in enumerate(conversations):
        turns = store.turns(cid)
        assert [t.position for t in turns] == list(range(len(turns)))
        for t in turns:
            w, n = t.payload["writer"], t.payload["n"]
            assert (w + n) % len(conversations) == i and t.payload == _payload(w, n)
            found.append((w, n))
        total += len(turns)
    assert total == THREADS * PER_THREAD
    assert sorted(found) == [(w, n) for w in range(THREADS) for n in range(PER_THREAD)]


PROCESSES, PER_PROCESS = 3, 20
# A separate interpreter per writer, as separate server workers would be. It imports only the installed
# `qa` package, so it runs the same whatever pytest's import mode; it waits for a "go" file so that all
# writers start together.
_WRITER = """
import sys, time
from pathlib import Path
from qa.history import ConversationStore
db, cid, writer, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
store = ConversationStore(Path(db))
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.01)
for n in range(count):
    tag = f"{writer}-{n}"
    payload = {"writer": writer, "n": n, "text": f"réponse {tag} “quoted”", "citations": [{"start": n}]}
    store.append(cid, f"q {tag}", f"r {tag}", f"a {tag}", payload)
"""


def test_concurrent_processes_one_file(tmp_path: Path, db_path: Path, store: ConversationStore) -> None:
    cid = store.create()
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db_path), cid, str(w), str(PER_PROCESS), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in range(PROCESSES)
    ]
    try:
        go.touch()
        results = [p.communicate(timeout=120) for p in workers]
        assert [p.returncode for p in workers] == [0] * PROCESSES, [err for _, err in results]
    finally:
        for p in workers:
            if p.poll() is None:
                p.kill()
                p.wait(5)
    _assert_complete(store.turns(cid), PROCESSES, PER_PROCESS)
