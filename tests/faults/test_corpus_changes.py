"""Corpus files that vanish or turn unreadable between builds are reported, never fatal."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

import pytest

from index.store import ensure_index, load_index

pytestmark = pytest.mark.slow


@pytest.fixture
def built(tmp_path: Path, embedder, write_corpus: Callable, articles: dict[str, str]) -> tuple[Path, Path]:  # noqa: ANN001
    corpus, index = write_corpus(tmp_path / "corpus", articles), tmp_path / "index"
    loaded, _ = ensure_index(corpus, index, embedder)
    assert sorted(d.doc_id for d in loaded.documents) == ["bridge", "council", "geneva"]
    return corpus, index


def test_a_file_that_disappears_is_dropped_and_the_rest_stay(built: tuple[Path, Path], embedder) -> None:  # noqa: ANN001
    corpus, index = built
    (corpus / "council.txt").unlink()
    loaded, report = ensure_index(corpus, index, embedder)
    assert report is not None, "a vanished file makes the index stale"
    assert "council.txt" in report.reason
    assert report.skipped == [] and report.documents == 2 and report.embedded_documents == 0
    assert sorted(d.doc_id for d in loaded.documents) == ["bridge", "geneva"]
    assert load_index(index).path == loaded.path


def test_a_file_that_turns_unreadable_is_skipped_by_name_with_the_reason(
    built: tuple[Path, Path], embedder, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    # chmod 000 does not stop root from reading, so the refusal is simulated where the file is read.
    corpus, index = built
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "bridge.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    loaded, report = ensure_index(corpus, index, embedder)  # not fatal
    assert report is not None
    assert [(s.file, s.reason) for s in report.skipped] == [("bridge.txt", "cannot be read (Permission denied)")]
    assert sorted(d.doc_id for d in loaded.documents) == ["council", "geneva"]
    assert [s.file for s in loaded.skipped] == ["bridge.txt"], "the skip is kept in the manifest (GET /api/health)"
