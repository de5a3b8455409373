"""Questions per second with N concurrent clients (1, 2, 4, 8) against one `qa serve` on loopback.

For each level, N threads (one httpx.Client each) share a bounded budget of --requests POST /api/ask
(default 200 per level) drawn from the same 40 questions as bench/latency.py; each level is also bounded
by --level-seconds. Prints questions/s, p50/p95 latency and the error count (non-200 answers and transport
errors), which must be 0: the script exits 1 otherwise.

    .venv/bin/python bench/throughput.py [--corpus seed|bbc] [--clients 1 2 4 8] [--requests 200] [--torch-threads N]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.latency import question_list  # noqa: E402
from bench.serve_util import (  # noqa: E402
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


def level(base: str, questions: list[str], clients: int, requests: int, seconds: float) -> dict:
    """`clients` threads share `requests` questions; bounded by `seconds` as well."""
    lock = threading.Lock()
    next_index = [0]
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    deadline = time.monotonic() + seconds

    def take() -> int | None:
        with lock:
            if next_index[0] >= requests or time.monotonic() > deadline:
                return None
            next_index[0] += 1
            return next_index[0] - 1

    def client(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while (i := take()) is not None:
                question = questions[(i * 7 + n) % len(questions)]
                t0 = time.perf_counter()
                try:
                    status = str(http.post("/api/ask", json={"question": question}).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(elapsed)
                    outcomes[status] += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    wall = time.perf_counter() - started
    errors = sum(n for status, n in outcomes.items() if status != "200")
    return {"clients": clients, "requests": len(latencies), "seconds": wall, "qps": len(latencies) / wall,
            "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95), "errors": errors,
            "outcomes": dict(outcomes), "load": load()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=["seed", "bbc"], default="seed")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4, 8])
    ap.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    ap.add_argument("--level-seconds", type=float, default=300, help="time bound per level")
    ap.add_argument("--torch-threads", type=int, default=default_torch_threads())
    ap.add_argument("--start-timeout", type=float, default=1800)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    questions = question_list()
    corpus_dir, index_dir, db = prepare(args.corpus)
    log = WORK / "logs" / f"serve-throughput-{args.corpus}.log"
    print(f"machine: {machine()}")
    print(f"corpus {args.corpus}; server QA_TORCH_THREADS={args.torch_threads}; {args.requests} requests per level",
          flush=True)
    process, base = start_server(corpus_dir, index_dir, db, torch_threads=args.torch_threads, log=log,
                                 timeout=args.start_timeout)
    results = []
    try:
        with httpx.Client(base_url=base, timeout=60) as http:
            health = http.get("/api/health").json()
            for q in questions:  # warm-up
                http.post("/api/ask", json={"question": q})
        print(f"{health['documents']} documents, {health['passages']} passages")
        print(f"{'clients':>7} {'questions/s':>12} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}  load average")
        for clients in args.clients:
            r = level(base, questions, clients, args.requests, args.level_seconds)
            results.append(r)
            print(f"{clients:>7} {r['qps']:>12.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['errors']:>6}  {r['load']}"
                  + ("" if r["requests"] == args.requests else f"  (only {r['requests']} in the time bound)"),
                  flush=True)
        rss, peak = rss_mib(process.pid)
        print(f"server memory: RSS {rss:.0f} MiB, peak {peak:.0f} MiB")
    finally:
        stop_server(process)
    errors = sum(r["errors"] for r in results)
    print(f"errors: {errors} ({'ok' if errors == 0 else 'FAILED: must be 0'})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), "corpus": args.corpus,
                                         "torch_threads": args.torch_threads, "levels": results}, indent=1))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
