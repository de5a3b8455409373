"""Mixed traffic for a bounded time: questions, follow-ups, bad requests, document fetches.

K concurrent clients on loopback for --seconds (and at most --max-requests); counts responses by status,
fails (exit 1) on any 5xx, and samples the server's resident memory every 10 s to show it levels off.

    .venv/bin/python bench/load.py [--seconds 300] [--clients 4] [--corpus-dir DIR --index-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.serve_util import REPO, rss_mib, seed_corpus, start_server, stop_server  # noqa: E402

FOLLOW_UPS = ["When will it be held?", "Who represented India there?", "When?", "What did they discuss?",
              "And the Finance Ministerial?", "Which meeting did he attend?"]
BAD = [
    ("post", "/api/ask", {"json": {"question": ""}}),
    ("post", "/api/ask", {"json": {"question": "x" * 2000}}),
    ("post", "/api/ask", {"json": {"question": 5}}),
    ("post", "/api/ask", {"json": {}}),
    ("post", "/api/ask", {"content": b"not json", "headers": {"content-type": "application/json"}}),
    ("post", "/api/ask", {"content": b"\xff\xfe{", "headers": {"content-type": "application/json"}}),
    ("post", "/api/ask", {"json": {"question": "Who?", "conversation_id": "no-such-conversation"}}),
    ("get", "/api/documents/no-such-doc", {}),
    ("get", "/api/conversations/no-such-conversation", {}),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--max-requests", type=int, default=200_000)
    ap.add_argument("--corpus-dir", type=Path)
    ap.add_argument("--index-dir", type=Path)
    args = ap.parse_args()
    questions = [json.loads(line)["question"]
                 for line in (REPO / "tests/questions/seed_single.jsonl").read_text().splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus_dir or seed_corpus(Path(tmp) / "corpus")
        index = args.index_dir or Path(tmp) / "index"
        process, base, _ = start_server(corpus, index, Path(tmp) / "conversations.sqlite3")
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        sent = [0]
        stop_at = time.monotonic() + args.seconds
        doc_id: str | None = None  # learnt from the first cited answer

        def client(seed: int) -> None:
            nonlocal doc_id
            rng = random.Random(seed)
            conversation = None
            with httpx.Client(base_url=base, timeout=60) as http:
                while time.monotonic() < stop_at:
                    with lock:
                        if sent[0] >= args.max_requests:
                            return
                        sent[0] += 1
                    roll = rng.random()
                    if roll < 0.45:
                        r = http.post("/api/ask", json={"question": rng.choice(questions)})
                        if r.status_code == 200:
                            conversation = r.json()["conversation_id"]
                            if r.json()["citations"]:
                                doc_id = r.json()["citations"][0]["doc_id"]
                    elif roll < 0.7 and conversation:
                        r = http.post("/api/ask", json={"question": rng.choice(FOLLOW_UPS),
                                                        "conversation_id": conversation})
                    elif roll < 0.9:
                        method, path, kwargs = rng.choice(BAD)
                        r = http.request(method.upper(), path, **kwargs)
                    else:
                        r = http.get(f"/api/documents/{doc_id}" if doc_id else "/api/health")
                    with lock:
                        statuses[r.status_code] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        samples = []
        started = time.monotonic()
        while any(t.is_alive() for t in threads):
            samples.append((time.monotonic() - started, rss_mib(process.pid)[0]))
            for t in threads:
                t.join(timeout=10 / max(len(threads), 1))
        rss_end, peak = rss_mib(process.pid)
        stop_server(process)
    elapsed = time.monotonic() - started
    total = sum(statuses.values())
    print(f"{total} requests in {elapsed:.0f}s ({total / elapsed:.1f}/s) from {args.clients} clients")
    print("by status:", dict(sorted(statuses.items())))
    series = [f"{t:.0f}s:{m:.0f}" for t, m in samples[:: max(1, len(samples) // 30)]]
    print("server RSS MiB over time:", " ".join(series))
    first = [m for t, m in samples if t <= 60] or [samples[0][1]]
    last = [m for t, m in samples if t >= elapsed - 60] or [rss_end]
    growth = (max(last) - max(first)) / max(first)
    print(f"RSS first minute max {max(first):.0f} MiB, last minute max {max(last):.0f} MiB "
          f"({growth:+.1%}), peak {peak:.0f} MiB")
    errors = sum(n for code, n in statuses.items() if code >= 500)
    print(f"5xx responses: {errors}")
    if errors or growth > 0.2:
        sys.exit(1)


if __name__ == "__main__":
    main()
