"""kill -9 during an index build leaves the previous index serving; the next build cleans up after it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from index.embedder import Embedder
from index.store import build_index, ensure_index, load_index

pytestmark = pytest.mark.slow

ARTICLE = "Officials from {n} countries met in Geneva on Monday. They agreed to share data on storms. " \
          "The next meeting will be held in March.\n"


def write_corpus(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"a{n:03d}.txt").write_text(ARTICLE.format(n=n + 2) * 3)


def test_kill_during_build_leaves_previous_index(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 3)
    build_index(corpus, index, Embedder())
    before = load_index(index)
    write_corpus(corpus, 150)  # enough new text that the rebuild runs for a while
    script = textwrap.dedent(f"""
        from pathlib import Path
        from index.embedder import Embedder
        from index.store import build_index
        build_index(Path({str(corpus)!r}), Path({str(index)!r}), Embedder(), rebuild=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2],
                             start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and not list((index / "builds").glob(".tmp-*")):
            assert child.poll() is None, "the build finished before it could be killed"
            time.sleep(0.05)
        assert list((index / "builds").glob(".tmp-*")), "no build in progress was seen"
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    after = load_index(index)  # verifies every checksum
    assert after.path == before.path
    assert [d.doc_id for d in after.documents] == [d.doc_id for d in before.documents]
    refreshed, report = ensure_index(corpus, index, Embedder())
    assert report is not None and report.documents == 150
    assert not list((index / "builds").glob(".tmp-*"))
    assert len(refreshed.documents) == 150
