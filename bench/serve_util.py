"""Start and stop a real `qa serve` process on loopback for benchmarks and fault tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "000_9aa2248574764ab3.txt"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, folder / SEED.name)
    return folder


def start_server(
    corpus_dir: Path, index_dir: Path, conversations: Path, port: int | None = None, timeout: float = 300.0,
    extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str, float]:
    """Start `qa serve`; wait (bounded) until /api/health answers. Returns (process, base url, seconds)."""
    port = port or free_port()
    env = {**os.environ, "QA_CORPUS_DIR": str(corpus_dir), "QA_INDEX_DIR": str(index_dir),
           "QA_CONVERSATIONS_DB": str(conversations), **(extra_env or {})}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "qa"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"qa serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return process, base, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise TimeoutError(f"qa serve did not answer within {timeout:.0f}s")


def stop_server(process: subprocess.Popen[bytes], kill: bool = False) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def rss_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)
