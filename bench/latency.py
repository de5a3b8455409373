"""Question latency over HTTP on loopback next to the model's floor, plus cold start and concurrency.

Sequential POST /api/ask (p50/p95) against one bare SentenceTransformer.encode of the same question,
measured in the same run; then N concurrent clients (bounded request count) for throughput; cold start
is the time from process start to a healthy server with a built index.

    .venv/bin/python bench/latency.py [--corpus-dir DIR --index-dir DIR] [--requests 200] [--clients 1 2 4 8]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.serve_util import REPO, rss_mib, seed_corpus, start_server, stop_server  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def questions() -> list[str]:
    lines = (REPO / "tests" / "questions" / "seed_single.jsonl").read_text().splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def concurrent_round(base: str, asked: list[str], clients: int, requests: int) -> tuple[float, list[float], int]:
    """`clients` threads share `requests` questions; returns (questions/s, latencies in ms, 5xx count)."""
    per_client = max(1, requests // clients)
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as own:
            for i in range(per_client):
                started = time.perf_counter()
                response = own.post("/api/ask", json={"question": asked[(offset + i) % len(asked)]})
                with lock:
                    times.append((time.perf_counter() - started) * 1000)
                    errors[0] += response.status_code >= 500

    workers = [threading.Thread(target=run, args=(c * 7,)) for c in range(clients)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=600)
    return len(times) / (time.perf_counter() - started), times, errors[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus-dir", type=Path)
    ap.add_argument("--index-dir", type=Path)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--clients", type=int, nargs="*", default=[1, 2, 4, 8])
    args = ap.parse_args()
    threads = os.environ.get("QA_TORCH_THREADS", "")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus_dir or seed_corpus(Path(tmp) / "corpus")
        index = args.index_dir or Path(tmp) / "index"
        db = Path(tmp) / "conversations.sqlite3"
        process, base, _ = start_server(corpus, index, db)  # builds the index if needed
        stop_server(process)
        process, base, cold = start_server(corpus, index, db)
        try:
            asked = questions()
            client = httpx.Client(base_url=base, timeout=60)
            first = time.perf_counter()
            client.post("/api/ask", json={"question": asked[0]}).raise_for_status()
            cold_first = cold + (time.perf_counter() - first)
            for q in asked[:10]:  # warm-up
                client.post("/api/ask", json={"question": q})
            http_ms = []
            for i in range(args.requests):
                started = time.perf_counter()
                client.post("/api/ask", json={"question": asked[i % len(asked)]}).raise_for_status()
                http_ms.append((time.perf_counter() - started) * 1000)
            # The floor: one bare encode of the same question, in this process, same thread count.
            from index.embedder import Embedder

            model = Embedder().load()._model
            for q in asked[:10]:
                model.encode([q], normalize_embeddings=True)
            floor_ms = []
            for i in range(args.requests):
                started = time.perf_counter()
                model.encode([asked[i % len(asked)]], normalize_embeddings=True)
                floor_ms.append((time.perf_counter() - started) * 1000)
            health = client.get("/api/health").json()
            print(f"corpus: {health['documents']} documents, {health['passages']} passages; "
                  f"QA_TORCH_THREADS={threads or '(unset)'}; load {os.getloadavg()[0]:.2f}")
            print(f"cold start to healthy server: {cold:.1f}s; to first answer: {cold_first:.1f}s")
            p50, p95 = percentile(http_ms, 0.5), percentile(http_ms, 0.95)
            f50, f95 = percentile(floor_ms, 0.5), percentile(floor_ms, 0.95)
            print(f"POST /api/ask sequential: p50 {p50:.1f} ms  p95 {p95:.1f} ms  (n={len(http_ms)})")
            print(f"bare encode floor:        p50 {f50:.1f} ms  p95 {f95:.1f} ms")
            print(f"ratio: p50 {p50 / f50:.2f}x (target <= 1.5)  p95 {p95 / f95:.2f}x (target <= 3)")
            for clients in args.clients:
                rate, times, errors = concurrent_round(base, asked, clients, args.requests)
                print(f"{clients} clients: {rate:.1f} questions/s  p50 {percentile(times, 0.5):.1f} ms"
                      f"  p95 {percentile(times, 0.95):.1f} ms  5xx errors {errors}")
            rss, peak = rss_mib(process.pid)
            print(f"server memory: RSS {rss:.0f} MiB (peak {peak:.0f} MiB)")
        finally:
            stop_server(process)


if __name__ == "__main__":
    main()
