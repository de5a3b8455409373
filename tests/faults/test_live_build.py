"""The living briefing against real `qa serve` processes on 127.0.0.1: an article added over HTTP answers
without a restart and is gone once deleted; questions asked without pause while articles are added are
answered from one whole index; a `qa index` run elsewhere is picked up; kill -9 mid-build loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.serve_util import QA, REPO, free_port, start_server, stop_server, wait_healthy
from index.store import load_index

pytestmark = pytest.mark.slow

TOKEN = "fault-token-81d2"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ANSWERABLE_WITHIN = 120.0  # seconds from the POST to an answer; one short article builds in ~1 s here
MARATHON = {"title": "Marathon record", "date": "2026-04-05",
            "text": "Keza Otieno won the city marathon on Sunday in 2 hours 21 minutes, a course record."}
MARATHON_Q = "Who won the city marathon?"
ADDED = [  # (article, a question only it answers, the answer)
    ({"title": "Harbour dredged", "date": "2026-04-01",
      "text": "Work to dredge the harbour began in May. The port authority expects larger ships by 2027."},
     "When did work to dredge the harbour begin?", "May"),
    ({"title": "Library extended", "date": "2026-04-02",
      "text": "The central library opened a new wing on Saturday. It holds 20,000 books and a children's room."},
     "How many books does the new library wing hold?", "20,000"),
    ({"title": "Ferry strike", "date": "2026-04-03",
      "text": "Ferry crews walked out on Wednesday. The strike was called by the Seafarers Union over pay."},
     "Which union called the ferry strike?", "Seafarers Union"),
]
BASE = {
    "geneva.txt": "Storm data deal\n\nOfficials from twelve countries met in Geneva on Monday. They agreed to share "
                  "data on storms. The next meeting will be held in March.\n",
    "bridge.txt": "Bridge reopens\n\nThe Tamar bridge reopened on Friday after repairs that cost 3 million pounds. "
                  "Engineers replaced 40 cables.\n",
}
BASE_QUESTIONS = ["How many cables did engineers replace?", "Where did officials from twelve countries meet?"]


def ask(client: httpx.Client, question: str) -> dict[str, Any]:
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


def poll(check: Callable[[], Any], timeout: float, every: float = 0.25) -> Any:
    """`check()` until it returns something truthy (returned), at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    return None


def assert_exact_slice(client: httpx.Client, reply: dict[str, Any]) -> str:
    """The answer is the cited document's text[answer_start:answer_end]; returns that doc_id."""
    citation = reply["citations"][0]
    doc = client.get(f"/api/documents/{citation['doc_id']}")
    assert doc.status_code == 200, doc.text
    text = doc.json()["text"]
    assert text[citation["answer_start"]: citation["answer_end"]] == reply["answer"], (reply, text)
    assert text[citation["start"]: citation["end"]] == citation["text"]
    return str(citation["doc_id"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """One `qa serve` with writes on, over two short articles; (process, base url, root)."""
    root = tmp_path_factory.mktemp("live")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in BASE.items():
        (corpus / name).write_text(text, encoding="utf-8")
    process, base = start_server(corpus, root / "index", root / "conversations.sqlite3", torch_threads=1,
                                 log=root / "serve.log", timeout=300,
                                 extra_env={"QA_ADMIN_TOKEN": TOKEN, "QA_INDEX_POLL_SECONDS": "0.5"})
    try:
        yield process, base, root
    finally:
        stop_server(process)


def test_an_added_article_answers_without_a_restart_and_abstains_once_deleted(
    server: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    process, base, root = server
    with httpx.Client(base_url=base, timeout=60) as client:
        assert ask(client, MARATHON_Q)["answer"] is None, "nothing in the corpus says so yet"
        posted = client.post("/api/documents", json=MARATHON, headers=AUTH)
        assert posted.status_code == 202, posted.text
        doc_id = posted.json()["doc_ids"][0]
        started = time.monotonic()
        reply = poll(lambda: (r := ask(client, MARATHON_Q))["answer"] is not None and r, ANSWERABLE_WITHIN)
        assert reply, f"not answerable within {ANSWERABLE_WITHIN:.0f} s of the POST"
        print(f"answerable {time.monotonic() - started:.1f} s after the POST")
        assert reply["answer"] == "Keza Otieno"
        assert assert_exact_slice(client, reply) == doc_id

        deleted = client.delete(f"/api/documents/{doc_id}", headers=AUTH)
        assert deleted.status_code == 202, deleted.text
        gone = poll(lambda: ask(client, MARATHON_Q)["answer"] is None, ANSWERABLE_WITHIN)
        assert gone, "the deleted article still answers"
        assert client.get(f"/api/documents/{doc_id}").status_code == 404
    assert process.poll() is None, "the same server process throughout"
    assert not (root / "corpus" / "added" / "2026-04-05-marathon-record.md").exists()


def test_questions_during_adds_come_from_one_whole_live_index(
    server: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    _, base, _ = server
    questions = [q for _, q, _ in ADDED] + BASE_QUESTIONS
    posted_at: dict[str, float] = {}  # doc_id -> when its POST was sent
    replies: list[tuple[float, float, int, dict[str, Any] | str]] = []  # (sent, received, status, body)
    stop = threading.Event()

    def asker() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            for n in range(5000):  # bounded; stopped by the event long before
                if stop.is_set():
                    return
                sent = time.monotonic()
                response = client.post("/api/ask", json={"question": questions[n % len(questions)]})
                body = response.json() if response.headers.get("content-type", "").startswith("application/json") \
                    else response.text
                replies.append((sent, time.monotonic(), response.status_code, body))

    thread = threading.Thread(target=asker, name="asker")
    thread.start()
    try:
        with httpx.Client(base_url=base, timeout=180) as client:
            for article, _, _ in ADDED:
                sent = time.monotonic()
                response = client.post("/api/documents?wait=60", json=article, headers=AUTH)
                assert response.status_code == 201, response.text
                posted_at[response.json()["doc_ids"][0]] = sent
            time.sleep(2)  # a few questions against the final index too
    finally:
        stop.set()
        thread.join(120)
    assert not thread.is_alive()

    assert len(replies) >= 10, f"only {len(replies)} questions were asked"
    assert [r for r in replies if r[2] != 200] == [], "every question got a 200 (no 5xx)"
    with httpx.Client(base_url=base, timeout=60) as client:
        for _sent, received, _, body in replies:
            assert isinstance(body, dict)
            if body["answer"] is None:
                continue
            doc_id = assert_exact_slice(client, body)
            if doc_id in posted_at:  # an added article can only answer after its POST was sent
                assert received > posted_at[doc_id], f"{doc_id} answered before it was written"
        final = {q: ask(client, q)["answer"] for _, q, _ in ADDED}
    assert final == {q: a for _, q, a in ADDED}
    cited_new = {b["citations"][0]["doc_id"] for _, _, _, b in replies
                 if isinstance(b, dict) and b["answer"] is not None} & set(posted_at)
    assert cited_new, "no answer came from an added article while the adds went on"


def test_a_qa_index_run_elsewhere_is_picked_up(server: tuple[subprocess.Popen[bytes], str, Path]) -> None:
    _, base, root = server
    corpus, index = root / "corpus", root / "index"
    (corpus / "zoo.txt").write_text("Zoo panda born\n\nA panda cub named Bao was born at the city zoo on Thursday.\n",
                                    encoding="utf-8")
    env = {**os.environ, "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(index), "QA_TORCH_THREADS": "1"}
    run = subprocess.run([str(QA), "index"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    finished = time.monotonic()
    current = (index / "CURRENT").read_text().strip()
    with httpx.Client(base_url=base, timeout=60) as client:
        live = poll(lambda: client.get("/api/index").json()["live"]["build"] == current, 30, every=0.1)
        assert live, "the server did not adopt the new build"
        seconds = time.monotonic() - finished
        assert seconds < 10, f"adopted after {seconds:.1f} s"
        reply = ask(client, "What was the panda cub born at the city zoo named?")
        assert reply["answer"] == "Bao"
        assert assert_exact_slice(client, reply) == "zoo"


# ------------------------------------------------------------------------------------ kill -9 mid-build

# `qa serve` whose background builds stop for good after writing their first array (as a slow disk would),
# so the kill lands on a half-written build every time; start-up builds (main thread) are not slowed.
SLOW_BUILD_SERVE = textwrap.dedent("""
    import sys, threading, time
    import numpy

    real_save = numpy.save

    def slow_save(*args, **kwargs):
        real_save(*args, **kwargs)
        if threading.current_thread().name == "index-builder":
            time.sleep(600)

    numpy.save = slow_save
    from qa.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_kill_9_mid_build_loses_nothing_and_the_build_runs_again(
    tmp_path: Path, write_corpus: Callable[[Path, dict[str, str]], Path], articles: dict[str, str],
    servers: Callable[..., tuple[subprocess.Popen[bytes], str]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus, index, db = write_corpus(tmp_path / "corpus", articles), tmp_path / "index", tmp_path / "c.sqlite3"
    monkeypatch.setenv("QA_ADMIN_TOKEN", TOKEN)
    env = {**os.environ, "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(index), "QA_CONVERSATIONS_DB": str(db),
           "QA_TORCH_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    port = free_port()
    log = tmp_path / "slow.log"
    with log.open("wb") as out:
        slow = subprocess.Popen([sys.executable, "-c", SLOW_BUILD_SERVE, "serve", "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=out, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(slow, base, timeout=300, log=log)
        with httpx.Client(base_url=base, timeout=60) as client:
            first = ask(client, "How many cables did engineers replace?")
            assert first["answer"] == "40"
            before = load_index(index)
            posted = client.post("/api/documents", json=MARATHON, headers=AUTH)
            assert posted.status_code == 202, posted.text
            written = corpus / posted.json()["path"]
            content = written.read_bytes()
            mid_build = poll(lambda: list((index / "builds").glob(".tmp-*"))
                             and client.get("/api/index").json()["running"], 120, every=0.1)
            assert mid_build and mid_build["stage"] == "write", mid_build
    finally:
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait(timeout=30)
    assert slow.returncode == -signal.SIGKILL
    assert list((index / "builds").glob(".tmp-*")), "the kill left a half-written build behind"

    # Nothing lost: the written article, the live build (checksums verified), the stored conversation.
    assert written.read_bytes() == content
    after = load_index(index)
    assert after.path == before.path and [d.doc_id for d in after.documents] == [d.doc_id for d in before.documents]

    process, base = servers(corpus, index, db, log=tmp_path / "restart.log")
    with httpx.Client(base_url=base, timeout=60) as client:
        turns = client.get(f"/api/conversations/{first['conversation_id']}").json()["turns"]
        assert [t["answer"] for t in turns] == ["40"]
        # The restart's own build took in the article written before the kill ...
        reply = ask(client, MARATHON_Q)
        assert reply["answer"] == "Keza Otieno" and assert_exact_slice(client, reply).startswith("added-")
        # ... and background builds run again.
        article, question, answer = ADDED[0]
        assert client.post("/api/documents?wait=60", json=article, headers=AUTH).status_code == 201
        assert ask(client, question)["answer"] == answer
    assert not list((index / "builds").glob(".tmp-*")), "the next build removed the half-written one"
    stop_server(process)


# ------------------------------------------------------------------------------------- generated writes

FUZZED = [("POST", "/api/documents"), ("PUT", "/api/documents/{doc_id}"), ("DELETE", "/api/documents/{doc_id}")]


@pytest.mark.parametrize(("method", "path"), FUZZED, ids=[f"{m} {p}" for m, p in FUZZED])
def test_generated_writes_get_no_5xx(server: tuple[subprocess.Popen[bytes], str, Path], method: str, path: str) -> None:
    """Schema-generated writes with the token (schemathesis, as tests/faults/test_openapi_fuzz.py does for
    reads): every answer is a documented status and shape, never a 5xx, and the server keeps answering."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

    _, base, _ = server
    operation = schemathesis.openapi.from_url(f"{base}/openapi.json")[path][method]
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if "{doc_id}" in path:
        strategies.append(operation.as_strategy(path_parameters={"doc_id": "bridge"}))
    statuses: list[int] = []
    problems: list[str] = []

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(*strategies))
    def check(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(base_url=base, headers=AUTH, timeout=60)
        statuses.append(response.status_code)
        try:
            case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                                     content_type_conformance])
        except Exception as exc:  # noqa: BLE001 - collected, then reported together
            problems.append(f"{response.status_code} for {case.method} {case.formatted_path}: {str(exc)[:400]}")

    check()
    assert len(statuses) >= 10 and all(s < 500 for s in statuses), "\n".join(problems[:10])
    assert not problems, "\n".join(problems[:10])
    with httpx.Client(base_url=base, timeout=120) as client:
        status = poll(lambda: (s := client.get("/api/index").json())["up_to_date"] and s, 120)
        assert status and status["last_error"] is None, status
        ask(client, "How many cables did engineers replace?")  # a 200 (the article itself may be fuzzed away)
