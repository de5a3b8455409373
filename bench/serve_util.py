"""Start and stop a real `qa serve` process on loopback, for the serving benchmarks and the fault tests.

    corpus_dir, index_dir, db = prepare("seed")          # or "bbc"
    process, base = start_server(corpus_dir, index_dir, db, torch_threads=1)
    ...                                                   # httpx against base (http://127.0.0.1:<port>)
    rss, peak = rss_mib(process.pid)
    stop_server(process)

Every wait here is bounded. Servers are started in their own session so that stopping one never touches
anything else; only processes started by this module are signalled, by their process group id.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "000_9aa2248574764ab3.txt"
WORK = REPO / "var" / "bench"
SERVE_SEED = WORK / "serve-seed"  # corpus/ (a copy of the seed), index/, conversations.sqlite3
BBC_CORPUS = WORK / "bbc-corpus"  # made by bench/index_build.py: symlinks to the BBC set + a copy of the seed
BBC_INDEX = WORK / "bbc-index"  # bench/index_build.py's index of BBC_CORPUS (it may wipe it: we only copy from it)
SERVE_BBC = WORK / "serve-bbc"  # index/ and conversations.sqlite3 of the benchmarks' own BBC server
BBC_SOURCE = REPO.parent / "shared" / "data" / "bbc-news"
BBC_MARKER = ".bench-corpus"  # the marker bench/index_build.py leaves in a corpus it made (hidden: not scanned)
QA = REPO / ".venv" / "bin" / "qa"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed_corpus(folder: Path) -> Path:
    """`folder` holding a copy of the seed article (created when missing); returns `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SEED.name
    if not target.is_file() or target.read_bytes() != SEED.read_bytes():
        shutil.copyfile(SEED, target)
    return folder


def bbc_corpus(target: Path = BBC_CORPUS, source: Path = BBC_SOURCE) -> Path:
    """The BBC + seed corpus, made the way bench/index_build.py makes it when it does not exist yet:
    category/NNN.txt symlinks to every file of the shared BBC set, plus a copy of the seed."""
    if target.is_dir() and any(target.iterdir()):
        return target
    if not source.is_dir():
        raise FileNotFoundError(f"the BBC set is not at {source}")
    target.mkdir(parents=True, exist_ok=True)
    (target / BBC_MARKER).write_text("made by bench/serve_util.py (same layout as bench/index_build.py)\n")
    for category in sorted(p for p in source.iterdir() if p.is_dir()):
        (target / category.name).mkdir(exist_ok=True)
        for src in sorted(category.glob("*.txt")):
            os.symlink(src.resolve(), target / category.name / src.name)
    shutil.copy2(SEED, target / SEED.name)
    return target


def _adopt_build(source_index: Path, target_index: Path) -> None:
    """Copy the live build of another index folder, so a first BBC server does not embed 2,226 articles
    again (~20 minutes here). `qa serve` then refreshes it incrementally if anything differs."""
    if (target_index / "CURRENT").is_file() or not (source_index / "CURRENT").is_file():
        return
    name = (source_index / "CURRENT").read_text().strip()
    build = source_index / "builds" / name
    if not name or not build.is_dir():
        return
    staging = target_index / "builds" / f".tmp-adopt-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(build, staging)
    os.replace(staging, target_index / "builds" / name)
    (target_index / ".CURRENT.tmp").write_text(name + "\n")
    os.replace(target_index / ".CURRENT.tmp", target_index / "CURRENT")


def prepare(corpus: str) -> tuple[Path, Path, Path]:
    """(corpus_dir, index_dir, conversations_db) for "seed" or "bbc", under var/bench/ (git-ignored)."""
    if corpus == "seed":
        return seed_corpus(SERVE_SEED / "corpus"), SERVE_SEED / "index", SERVE_SEED / "conversations.sqlite3"
    if corpus == "bbc":
        corpus_dir = bbc_corpus()
        index_dir = SERVE_BBC / "index"
        try:
            _adopt_build(BBC_INDEX, index_dir)
        except OSError as exc:  # another helper rebuilding it right now: build our own instead
            print(f"(could not copy {BBC_INDEX}: {exc}; the server will build its own index)", file=sys.stderr)
        return corpus_dir, index_dir, SERVE_BBC / "conversations.sqlite3"
    raise ValueError(f"unknown corpus {corpus!r} (seed or bbc)")


def spawn_server(
    corpus_dir: Path, index_dir: Path, conversations: Path, port: int | None = None, *,
    torch_threads: int | None = None, log: Path | None = None, extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `qa serve --host 127.0.0.1 --port PORT` without waiting for it. Returns (process, base url)."""
    port = port or free_port()
    env = {**os.environ, "QA_CORPUS_DIR": str(corpus_dir), "QA_INDEX_DIR": str(index_dir),
           "QA_CONVERSATIONS_DB": str(conversations), "PYTHONUNBUFFERED": "1"}
    if torch_threads:
        env["QA_TORCH_THREADS"] = str(torch_threads)
    env.update(extra_env or {})
    out = subprocess.DEVNULL
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        out = log.open("ab")
    try:
        process = subprocess.Popen(
            [str(QA), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=REPO, env=env,
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
        )
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]
    return process, f"http://127.0.0.1:{port}"


def wait_healthy(process: subprocess.Popen[bytes], base: str, timeout: float = 300.0, log: Path | None = None) -> None:
    """Poll GET /api/health (bounded by `timeout`) until it answers 200; raise if the process dies first."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, timeout=5) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:] if log and log.is_file() else ""
                raise RuntimeError(f"qa serve exited with {process.returncode} before answering\n{tail}")
            try:
                if client.get("/api/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    stop_server(process)
    raise TimeoutError(f"qa serve did not answer /api/health within {timeout:.0f}s")


def start_server(
    corpus_dir: Path, index_dir: Path, conversations: Path, port: int | None = None, *, timeout: float = 300.0,
    torch_threads: int | None = None, log: Path | None = None, extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `qa serve` (it builds or refreshes the index first) and wait until it is healthy."""
    process, base = spawn_server(corpus_dir, index_dir, conversations, port, torch_threads=torch_threads,
                                 log=log, extra_env=extra_env)
    try:
        wait_healthy(process, base, timeout, log)
    except BaseException:
        stop_server(process, kill=True)
        raise
    return process, base


def stop_server(process: subprocess.Popen[bytes], kill: bool = False, timeout: float = 20.0) -> int | None:
    """SIGTERM (or SIGKILL) the server's process group, wait (bounded), then SIGKILL. Returns the exit code."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=timeout)
    return process.returncode


def rss_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB, read from /proc/<pid>/status; (0, 0) once it has gone."""
    values: dict[str, float] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0, 0.0
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def machine() -> str:
    """One line of machine facts for benchmark output: cores, RAM, CPU model, load average."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                           if line.startswith("MemTotal:")))
    except (OSError, StopIteration, ValueError):
        mem_kib = 0
    return (f"nproc {os.cpu_count()}, RAM {mem_kib / 1024 / 1024:.1f} GiB, {cpu}, "
            f"load average {load()}, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))]


def default_torch_threads() -> int:
    """Torch threads for a benchmark's server and its floor: QA_TORCH_THREADS when set, else 1.

    torch's own default is one intra-op thread per core (2 here). On this shared 2-core machine that
    oversubscribes the CPU as soon as anything else runs: one bare encode of a question measured p50
    253 ms with 2 threads against 32 ms with 1 thread at load average ~5 (bench/latency.py prints which
    was used). The benchmarks pass the value to the server explicitly, so server and floor always match.
    """
    value = os.environ.get("QA_TORCH_THREADS")
    return max(1, int(value)) if value else 1
