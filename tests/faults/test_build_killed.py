"""kill -9 during an index build leaves the previous index serving; the next build cleans up after it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from index.store import build_index, ensure_index, load_index

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

# The rebuild, in a child process. Writing a build of six short articles takes milliseconds, so the child
# pauses after writing its first array, as a slow disk would: the kill then lands on a half-written
# `builds/.tmp-*` folder every time rather than by luck.
REBUILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import numpy, torch
    from index.embedder import Embedder
    from index.store import build_index

    torch.set_num_threads(1)
    real_save = numpy.save

    def slow_save(*args, **kwargs):
        real_save(*args, **kwargs)
        time.sleep(120)

    numpy.save = slow_save
    build_index(Path(sys.argv[1]), Path(sys.argv[2]), Embedder(), rebuild=True)
""")


def test_kill_during_build_leaves_previous_index(
    tmp_path: Path, embedder, write_corpus: Callable[[Path, dict[str, str]], Path],  # noqa: ANN001
    articles: dict[str, str], more_articles: dict[str, str],
) -> None:
    corpus, index = write_corpus(tmp_path / "corpus", articles), tmp_path / "index"
    build_index(corpus, index, embedder)
    before = load_index(index)
    assert sorted(d.doc_id for d in before.documents) == ["bridge", "council", "geneva"]

    write_corpus(corpus, more_articles)
    log = tmp_path / "rebuild.log"
    with log.open("wb") as out:
        child = subprocess.Popen([sys.executable, "-c", REBUILD, str(corpus), str(index)], cwd=REPO,
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list((index / "builds").glob(".tmp-*")):
            assert child.poll() is None, f"the rebuild ended ({child.returncode}) first:\n{log.read_text()[-2000:]}"
            time.sleep(0.05)
        temporaries = list((index / "builds").glob(".tmp-*"))
        assert temporaries, "no build in progress was seen within 120 s"
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert all(t.exists() for t in temporaries), "the half-written build is left behind by the kill"

    # The previous build is still the live one, and loads with every checksum verified.
    after = load_index(index)
    assert after.path == before.path
    assert [d.doc_id for d in after.documents] == [d.doc_id for d in before.documents]

    # The next build takes the lock the dead process held, completes, and removes the stale temporary.
    refreshed, report = ensure_index(corpus, index, embedder)
    assert report is not None
    assert (report.documents, report.reused_documents, report.embedded_documents) == (6, 3, 3)
    assert sorted(d.doc_id for d in refreshed.documents) == [
        "bridge", "council", "geneva", "harbour", "library", "marathon"]
    assert not list((index / "builds").glob(".tmp-*"))
    assert [p.name for p in (index / "builds").iterdir()] == [refreshed.path.name]
