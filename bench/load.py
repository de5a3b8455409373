"""Mixed traffic for a bounded time against one `qa serve` on loopback; fails on any 5xx or memory growth.

K concurrent clients (default 4) for --seconds (default 300) and at most --max-requests requests in all:
new questions, follow-ups in the same conversation_id, bad requests (empty question, a 2,000-character
question, wrong types, a missing field, a JSON array, a non-JSON body, a non-UTF-8 body, an unknown
conversation id, an unknown document id), document fetches, conversation reads and health checks.
Counts responses by kind and status. Samples the server's resident memory (VmRSS from /proc) every 10 s,
prints the series with first/last/max, and flags growth over 20% between the first and the last minute
(the largest sample of each). Exits 1 on any 5xx, any transport error (a dead server shows up here, not
as a 5xx), or that growth.

    .venv/bin/python bench/load.py [--seconds 300] [--clients 4] [--max-requests 100000] [--corpus seed|bbc]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
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

FOLLOW_UPS = ["When will it be held?", "Who represented India there?", "When?", "What did they discuss?",
              "And the Finance Ministerial?", "Where did he hold it?", "What is his position?", "Why?"]
JSON = {"content-type": "application/json"}
# (label, method, path, request keyword arguments, statuses that are right for it)
BAD: list[tuple[str, str, str, dict, set[int]]] = [
    ("empty question", "POST", "/api/ask", {"json": {"question": ""}}, {422}),
    ("2,000-char question", "POST", "/api/ask", {"json": {"question": "why " * 500}}, {422}),
    ("question is a number", "POST", "/api/ask", {"json": {"question": 5}}, {422}),
    ("question is a list", "POST", "/api/ask", {"json": {"question": ["Who?"]}}, {422}),
    ("conversation_id is a number", "POST", "/api/ask", {"json": {"question": "Who?", "conversation_id": 7}}, {422}),
    ("missing question", "POST", "/api/ask", {"json": {}}, {422}),
    ("JSON array body", "POST", "/api/ask", {"json": ["Who convened it?"]}, {422}),
    ("non-JSON body", "POST", "/api/ask", {"content": b"question=who", "headers": JSON}, {400, 422}),
    ("non-UTF-8 body", "POST", "/api/ask", {"content": b'{"question": "\xff\xfe"}', "headers": JSON}, {400, 422}),
    ("unknown conversation id", "POST", "/api/ask",
     {"json": {"question": "Who?", "conversation_id": "no-such-conversation"}}, {404}),
    ("unknown document id", "GET", "/api/documents/no-such-document", {}, {404}),
    ("unknown conversation (GET)", "GET", "/api/conversations/no-such-conversation", {}, {404}),
]


class Traffic:
    """Shared state of the clients: counts, latencies, known document ids, the request budget."""

    def __init__(self, max_requests: int, stop_at: float) -> None:
        self.lock = threading.Lock()
        self.sent = 0
        self.max_requests = max_requests
        self.stop_at = stop_at
        self.by_kind: dict[str, Counter[str]] = defaultdict(Counter)
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.unexpected: Counter[str] = Counter()
        self.doc_ids: list[str] = []

    def take(self) -> bool:
        with self.lock:
            if self.sent >= self.max_requests or time.monotonic() >= self.stop_at:
                return False
            self.sent += 1
            return True

    def record(self, kind: str, outcome: str, ms: float, expected: set[int] | None = None) -> None:
        with self.lock:
            self.by_kind[kind][outcome] += 1
            self.latency[kind].append(ms)
            if expected is not None and outcome not in {str(s) for s in expected}:
                self.unexpected[f"{kind}: {outcome}"] += 1


def client(base: str, seed: int, traffic: Traffic, questions: list[str]) -> None:
    rng = random.Random(seed)
    conversation: str | None = None
    with httpx.Client(base_url=base, timeout=60) as http:
        while traffic.take():
            roll = rng.random()
            expected: set[int] | None = {200}
            if roll < 0.35 or (roll < 0.60 and conversation is None):
                kind, method, path = "question", "POST", "/api/ask"
                kwargs = {"json": {"question": rng.choice(questions)}}
            elif roll < 0.60:
                kind, method, path = "follow-up", "POST", "/api/ask"
                kwargs = {"json": {"question": rng.choice(FOLLOW_UPS), "conversation_id": conversation}}
            elif roll < 0.80:
                label, method, path, kwargs, expected = rng.choice(BAD)
                kind = f"bad: {label}"
            elif roll < 0.92:
                with traffic.lock:
                    doc = rng.choice(traffic.doc_ids) if traffic.doc_ids else None
                kind, method, path, kwargs = "document", "GET", f"/api/documents/{doc}", {}
                if doc is None:
                    kind, path = "health", "/api/health"
            elif roll < 0.97 and conversation:
                kind, method, path, kwargs = "conversation", "GET", f"/api/conversations/{conversation}", {}
            else:
                kind, method, path, kwargs = "health", "GET", "/api/health", {}
            started = time.perf_counter()
            try:
                response = http.request(method, path, **kwargs)
                outcome = str(response.status_code)
            except httpx.HTTPError as exc:
                response, outcome = None, type(exc).__name__
            traffic.record(kind, outcome, (time.perf_counter() - started) * 1000, expected)
            if response is None or response.status_code != 200 or kind not in ("question", "follow-up"):
                continue
            body = response.json()
            if kind == "question":
                conversation = body["conversation_id"]
            elif body["conversation_id"] != conversation:
                with traffic.lock:
                    traffic.unexpected["follow-up answered in another conversation"] += 1
            cited = [c["doc_id"] for c in body["citations"] + body["related"]]
            if cited:
                with traffic.lock:
                    if len(traffic.doc_ids) < 500 and cited[0] not in traffic.doc_ids:
                        traffic.doc_ids.append(cited[0])
            if rng.random() < 0.1:
                conversation = None  # start a new conversation now and then


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--max-requests", type=int, default=100_000)
    ap.add_argument("--sample-every", type=float, default=10, help="seconds between server RSS samples")
    ap.add_argument("--corpus", choices=["seed", "bbc"], default="seed")
    ap.add_argument("--torch-threads", type=int, default=default_torch_threads())
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    questions = question_list()
    corpus_dir, index_dir, _ = prepare(args.corpus)
    log = WORK / "logs" / f"serve-load-{args.corpus}.log"
    print(f"machine: {machine()}")
    print(f"corpus {args.corpus}; {args.clients} clients; {args.seconds:.0f} s or {args.max_requests} requests; "
          f"server QA_TORCH_THREADS={args.torch_threads}; server log {log}", flush=True)
    with tempfile.TemporaryDirectory(prefix="qa-load-") as tmp:
        process, base = start_server(corpus_dir, index_dir, Path(tmp) / "conversations.sqlite3",
                                     torch_threads=args.torch_threads, log=log, timeout=1800)
        try:
            started = time.monotonic()
            traffic = Traffic(args.max_requests, started + args.seconds)
            threads = [threading.Thread(target=client, args=(base, n, traffic, questions), daemon=True)
                       for n in range(args.clients)]
            for t in threads:
                t.start()
            samples: list[tuple[float, float]] = []
            hard_stop = started + args.seconds + 120  # clients stop at --seconds; a stuck request times out at 60 s
            next_sample = started
            while any(t.is_alive() for t in threads) and time.monotonic() < hard_stop:
                now = time.monotonic()
                if now >= next_sample:
                    samples.append((now - started, rss_mib(process.pid)[0]))
                    next_sample += args.sample_every
                time.sleep(min(0.5, max(0.0, next_sample - time.monotonic())))
            elapsed = time.monotonic() - started
            samples.append((elapsed, rss_mib(process.pid)[0]))
            peak = rss_mib(process.pid)[1]
            alive = process.poll() is None
        finally:
            stop_server(process)
    stuck = sum(t.is_alive() for t in threads)
    totals: Counter[str] = Counter()
    for counts in traffic.by_kind.values():
        totals.update(counts)
    total = sum(totals.values())
    print(f"\n{total} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s) from {args.clients} clients; "
          f"load average at the end {load()}")
    print("by status:", dict(sorted(totals.items())))
    print("by kind:")
    for kind in sorted(traffic.by_kind):
        times = traffic.latency[kind]
        print(f"  {kind:<32} {dict(sorted(traffic.by_kind[kind].items()))}  "
              f"p50 {percentile(times, 0.5):.1f} ms  p95 {percentile(times, 0.95):.1f} ms")
    if traffic.unexpected:
        print("statuses other than the expected ones (not fatal unless 5xx):", dict(traffic.unexpected))
    print("server RSS (MiB) every ~10 s:", " ".join(f"{t:.0f}s:{m:.0f}" for t, m in samples))
    first = max(m for t, m in samples if t <= 60)
    last = max(m for t, m in samples if t >= elapsed - 60)
    growth = (last - first) / first if first else 0.0
    print(f"RSS first {samples[0][1]:.0f} MiB, last {samples[-1][1]:.0f} MiB, max {max(m for _, m in samples):.0f} "
          f"MiB (VmHWM {peak:.0f} MiB); first-minute max {first:.0f} -> last-minute max {last:.0f} MiB: "
          f"{growth:+.1%}" + ("  ** GROWTH OVER 20% **" if growth > 0.2 else ""))
    server_errors = sum(n for s, n in totals.items() if s.isdigit() and int(s) >= 500)
    transport = sum(n for s, n in totals.items() if not s.isdigit())
    print(f"5xx responses: {server_errors}; transport errors: {transport}; server alive at the end: {alive}; "
          f"clients still running: {stuck}")
    failed = server_errors or transport or not alive or stuck or growth > 0.2
    print("RESULT:", "FAILED" if failed else "ok (zero 5xx, memory level)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "machine": machine(), "args": {k: str(v) for k, v in vars(args).items()}, "requests": total,
            "seconds": elapsed, "by_status": totals, "by_kind": traffic.by_kind, "rss_samples": samples,
            "growth": growth, "unexpected": traffic.unexpected, "failed": bool(failed),
        }, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
