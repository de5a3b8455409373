"""Sequential question latency over HTTP on loopback, next to the model's floor, in the same run.

Starts `qa serve` on 127.0.0.1 (bench/serve_util.py), warms it up, then sends --requests POST /api/ask one
after another, cycling through a fixed list of 40 questions (30 from tests/questions/seed_single.jsonl, 10
generic news questions). The floor is one bare `SentenceTransformer.encode([question],
normalize_embeddings=True)` of the same question in this process, with the same number of torch threads
as the server, and one pass of the reader over the very texts the server's answerer reads for that
question (the same index loaded in this process); each HTTP request is followed by both floor
measurements of the same question, so all see the same machine load. Prints p50/p95/p99 and the ratios
p50 / (encode + reader pass) p50 (target <= 1.25) and p50 / encode p50 (target <= 4).

    .venv/bin/python bench/latency.py [--corpus seed|bbc|all] [--requests 200] [--torch-threads N] [--json OUT]
                                      [--breakdown]

--breakdown: after the server has stopped, load the same index in this process and time, per question,
the answerer's own work with the question vector given (retrieval, sentence and span scoring) and a whole
ChatService.ask (embedding through the micro-batcher, answering, the SQLite write); what HTTP adds is the
rest (uvicorn, FastAPI validation and serialisation, JSON, the client).

--corpus seed: a copy of the seed briefing (var/bench/serve-seed/); bbc: the 2,225 BBC articles + the
seed (var/bench/bbc-corpus, made like bench/index_build.py makes it if missing); all: both, one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.serve_util import (  # noqa: E402
    REPO,
    WORK,
    default_torch_threads,
    load,
    machine,
    percentile,
    prepare,
    rss_mib,
    start_server,
    stop_server,
)

GENERIC = [
    "What happened to the company's profits?",
    "Who won the match?",
    "What did the minister say about the economy?",
    "When will the election be held?",
    "Which film won the award?",
    "How much did the deal cost?",
    "Who is the chief executive?",
    "Where was the meeting held?",
    "Why did the shares fall?",
    "What is the new phone called?",
]


def question_list(seed_count: int = 30) -> list[str]:
    """The fixed 40 questions: the first 30 distinct seed questions, then 10 generic ones."""
    seed: list[str] = []
    for line in (REPO / "tests" / "questions" / "seed_single.jsonl").read_text().splitlines():
        if line.strip():
            q = json.loads(line)["question"]
            if q not in seed:
                seed.append(q)
    return seed[:seed_count] + GENERIC


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "p99": percentile(values, 0.99),
            "mean": sum(values) / len(values), "n": len(values)}


def measure(corpus: str, args: argparse.Namespace, questions: list[str], model) -> dict:  # noqa: ANN001
    from qa.answerer import Answerer

    corpus_dir, index_dir, db = prepare(corpus)
    log = WORK / "logs" / f"serve-latency-{corpus}.log"
    started = time.perf_counter()
    process, base = start_server(corpus_dir, index_dir, db, torch_threads=args.torch_threads, log=log,
                                 timeout=args.start_timeout)
    print(f"[{corpus}] server up in {time.perf_counter() - started:.1f}s ({base}, log {log})", flush=True)
    http_ms: list[float] = []
    floor_ms: list[float] = []
    reader_ms: list[float] = []
    windows: list[int] = []
    errors: dict[int, int] = {}
    try:
        # The same index in this process, to know (and time reading) what the server's reader reads.
        local = Answerer(corpus_dir, index_dir).load()
        texts = {q: local.texts_read(q) for q in questions}
        with httpx.Client(base_url=base, timeout=60) as client:
            health = client.get("/api/health").json()
            for q in questions:  # warm-up: every question once, server and floor
                client.post("/api/ask", json={"question": q})
                model.encode([q], normalize_embeddings=True)
            load_before = load()
            deadline = time.monotonic() + args.max_seconds
            for i in range(args.requests):
                if time.monotonic() > deadline:
                    print(f"[{corpus}] stopped after {i} requests: --max-seconds reached", flush=True)
                    break
                q = questions[i % len(questions)]
                t0 = time.perf_counter()
                response = client.post("/api/ask", json={"question": q})
                t1 = time.perf_counter()
                if response.status_code != 200:
                    errors[response.status_code] = errors.get(response.status_code, 0) + 1
                http_ms.append((t1 - t0) * 1000)
                t0 = time.perf_counter()
                model.encode([q], normalize_embeddings=True)
                t1 = time.perf_counter()
                local.reader.reading(q, texts[q])
                floor_ms.append((t1 - t0) * 1000)
                reader_ms.append((time.perf_counter() - t1) * 1000)
                windows.append(len(texts[q]))
            load_after = load()
        rss, peak = rss_mib(process.pid)
    finally:
        stop_server(process)
    http, floor, reading = summary(http_ms), summary(floor_ms), summary(reader_ms)
    both = summary([a + b for a, b in zip(floor_ms, reader_ms, strict=True)])
    return {
        "corpus": corpus, "documents": health["documents"], "passages": health["passages"],
        "http_ms": http, "floor_ms": floor, "reader_ms": reading, "encode_plus_reader_ms": both,
        "texts_read_mean": sum(windows) / max(1, len(windows)), "errors": errors,
        "ratio_p50": http["p50"] / both["p50"], "ratio_p95": http["p95"] / both["p95"],
        "ratio_p50_encode": http["p50"] / floor["p50"],
        "rss_mib": round(rss), "peak_rss_mib": round(peak), "load_before": load_before, "load_after": load_after,
    }


def breakdown(corpus: str, questions: list[str], requests: int) -> dict:
    """In-process timings over the index the server used (see --breakdown in the docstring)."""
    import tempfile

    from qa.answerer import Answerer
    from qa.chat import ChatService
    from qa.history import ConversationStore

    corpus_dir, index_dir, _ = prepare(corpus)
    answerer = Answerer(corpus_dir, index_dir).load()
    vectors = {q: answerer.embedder.encode([q])[0] for q in questions}
    work_ms, chat_ms = [], []
    with tempfile.TemporaryDirectory(prefix="qa-breakdown-") as tmp:
        chat = ChatService(answerer, ConversationStore(Path(tmp) / "conversations.sqlite3"))
        for q in questions:  # warm-up
            answerer.ask(q, question_vector=vectors[q])
            chat.ask(q)
        for i in range(requests):
            q = questions[i % len(questions)]
            t0 = time.perf_counter()
            answerer.ask(q, question_vector=vectors[q])
            t1 = time.perf_counter()
            chat.ask(q)
            t2 = time.perf_counter()
            work_ms.append((t1 - t0) * 1000)
            chat_ms.append((t2 - t1) * 1000)
    return {"answer_work_ms": summary(work_ms), "chat_ask_ms": summary(chat_ms)}


def report(r: dict) -> None:
    h, f, rd, b = r["http_ms"], r["floor_ms"], r["reader_ms"], r["encode_plus_reader_ms"]
    ok50, ok4 = r["ratio_p50"] <= 1.25, r["ratio_p50_encode"] <= 4
    print(f"\n== {r['corpus']}: {r['documents']} documents, {r['passages']} passages "
          f"(load average before {r['load_before']}, after {r['load_after']})")
    print(f"POST /api/ask (HTTP, sequential): p50 {h['p50']:.1f} ms  p95 {h['p95']:.1f} ms  p99 {h['p99']:.1f} ms  "
          f"mean {h['mean']:.1f} ms  (n={h['n']}, non-200: {r['errors'] or 0})")
    print(f"bare encode (floor):              p50 {f['p50']:.1f} ms  p95 {f['p95']:.1f} ms  p99 {f['p99']:.1f} ms  "
          f"mean {f['mean']:.1f} ms")
    print(f"reader pass (floor):              p50 {rd['p50']:.1f} ms  p95 {rd['p95']:.1f} ms  "
          f"({r['texts_read_mean']:.2f} texts read a question)")
    print(f"encode + reader pass:             p50 {b['p50']:.1f} ms  p95 {b['p95']:.1f} ms")
    print(f"ratio p50 / (encode + reader) {r['ratio_p50']:.2f} (target <= 1.25: {'met' if ok50 else 'MISSED'})  "
          f"p50 / encode {r['ratio_p50_encode']:.2f} (target <= 4: {'met' if ok4 else 'MISSED'})  "
          f"p95 / (encode + reader) {r['ratio_p95']:.2f}")
    print(f"server memory after the run: RSS {r['rss_mib']} MiB, peak {r['peak_rss_mib']} MiB")
    if "breakdown" in r:
        w, c = r["breakdown"]["answer_work_ms"], r["breakdown"]["chat_ask_ms"]
        print(f"in process: answer work without the encode p50 {w['p50']:.1f} ms  p95 {w['p95']:.1f} ms; "
              f"ChatService.ask (encode + answer + store) p50 {c['p50']:.1f} ms  p95 {c['p95']:.1f} ms; "
              f"HTTP adds ~{h['p50'] - c['p50']:.1f} ms at p50")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=["seed", "bbc", "all"], default="seed")
    ap.add_argument("--requests", type=int, default=200, help="measured requests per corpus (default 200)")
    ap.add_argument("--torch-threads", type=int, default=default_torch_threads(),
                    help="torch threads for the server (QA_TORCH_THREADS) and the floor; default "
                         "QA_TORCH_THREADS or 1 (see bench/serve_util.py:default_torch_threads)")
    ap.add_argument("--max-seconds", type=float, default=600, help="time bound of the measured loop, per corpus")
    ap.add_argument("--start-timeout", type=float, default=1800, help="bound on server start (a first build)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--breakdown", action="store_true", help="also time the answerer and ChatService in process")
    args = ap.parse_args()

    # The floor runs in this process with the server's thread count (the Embedder reads QA_TORCH_THREADS).
    os.environ["QA_TORCH_THREADS"] = str(args.torch_threads)
    import torch

    torch.set_num_threads(args.torch_threads)
    from index.embedder import Embedder

    model = Embedder().load()._model
    questions = question_list()
    print(f"machine: {machine()}")
    print(f"torch threads: server QA_TORCH_THREADS={args.torch_threads}, this process "
          f"torch.get_num_threads()={torch.get_num_threads()}; {len(questions)} questions, "
          f"{args.requests} measured requests per corpus", flush=True)
    corpora = ["seed", "bbc"] if args.corpus == "all" else [args.corpus]
    results = [measure(c, args, questions, model) for c in corpora]
    if args.breakdown:
        for r in results:
            r["breakdown"] = breakdown(r["corpus"], questions, args.requests)
    for r in results:
        report(r)
    if len(results) == 2:
        seed, bbc = results
        print(f"\nBBC vs seed: p50 {bbc['http_ms']['p50'] / seed['http_ms']['p50']:.2f}x  "
              f"p95 {bbc['http_ms']['p95'] / seed['http_ms']['p95']:.2f}x")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), "torch_threads": args.torch_threads,
                                         "results": results}, indent=1))
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
