"""Cold start: seconds from process start to the first 200 answer of POST /api/ask, index already built.

First makes sure the index is built and current (one `qa serve` start that is not timed), then --repeats
times (default 3): `subprocess.Popen(qa serve ...)`, then POST /api/ask every 50 ms (connection refused
until the model and index are loaded and the port is bound) until one answers 200; bounded by --timeout.
Prints each time and the median. The OS page cache is warm after the first start (model weights, index
files), as it would be on a restart; a first boot after a reboot reads them from disk as well.

    .venv/bin/python bench/cold_start.py [--corpus seed|bbc] [--repeats 3] [--torch-threads N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.serve_util import (  # noqa: E402
    WORK,
    default_torch_threads,
    load,
    machine,
    prepare,
    rss_mib,
    spawn_server,
    start_server,
    stop_server,
)

QUESTION = "Who convened the Critical Minerals Ministerial?"


def first_answer(corpus_dir: Path, index_dir: Path, db: Path, threads: int, timeout: float, log: Path) -> dict:
    started = time.perf_counter()
    process, base = spawn_server(corpus_dir, index_dir, db, torch_threads=threads, log=log)
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            while time.perf_counter() - started < timeout:
                if process.poll() is not None:
                    raise RuntimeError(f"qa serve exited with {process.returncode}; see {log}")
                try:
                    response = http.post("/api/ask", json={"question": QUESTION})
                except httpx.TransportError:
                    time.sleep(0.05)
                    continue
                if response.status_code == 200:
                    answered = time.perf_counter() - started
                    break
                time.sleep(0.05)
            else:
                raise TimeoutError(f"no 200 from /api/ask within {timeout:.0f}s")
        rss, _ = rss_mib(process.pid)
    finally:
        stop_server(process)
    return {"seconds": answered, "rss_mib": round(rss), "load": load()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=["seed", "bbc"], default="seed")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=300, help="bound on each timed start")
    ap.add_argument("--torch-threads", type=int, default=default_torch_threads())
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    corpus_dir, index_dir, db = prepare(args.corpus)
    log = WORK / "logs" / f"serve-cold-start-{args.corpus}.log"
    print(f"machine: {machine()}")
    print(f"corpus {args.corpus}; server QA_TORCH_THREADS={args.torch_threads}", flush=True)
    # Untimed: build or refresh the index so that every timed start only loads it.
    process, base = start_server(corpus_dir, index_dir, db, torch_threads=args.torch_threads, log=log,
                                 timeout=1800)
    documents = httpx.get(f"{base}/api/health", timeout=30).json()["documents"]
    stop_server(process)
    print(f"index ready ({documents} documents); timing {args.repeats} starts", flush=True)
    runs = []
    for n in range(args.repeats):
        r = first_answer(corpus_dir, index_dir, db, args.torch_threads, args.timeout, log)
        runs.append(r)
        print(f"start {n + 1}: {r['seconds']:.2f} s to the first 200 answer (RSS then {r['rss_mib']} MiB, "
              f"load average {r['load']})", flush=True)
    median = statistics.median(r["seconds"] for r in runs)
    print(f"median: {median:.2f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), "corpus": args.corpus, "runs": runs,
                                         "median": median}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
