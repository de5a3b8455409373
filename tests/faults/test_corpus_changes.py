"""Corpus files that vanish or turn unreadable between builds are reported, never fatal."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from index.embedder import Embedder
from index.errors import IndexWriteError
from index.store import ensure_index, load_index

pytestmark = pytest.mark.slow

TEXT = "The council approved the budget on Tuesday. Spending on parks rises by 4%.\n"


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (corpus / name).write_text(f"{name} report. " + TEXT)
    ensure_index(corpus, index, Embedder())
    return corpus, index


def test_a_file_that_disappears_is_dropped_and_the_rest_stay(built: tuple[Path, Path]) -> None:
    corpus, index = built
    (corpus / "b.txt").unlink()
    loaded, report = ensure_index(corpus, index, Embedder())
    assert report is not None and "b.txt" in report.reason
    assert sorted(d.doc_id for d in loaded.documents) == ["a", "c"]


def test_a_file_that_turns_unreadable_is_reported_by_name(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus, index = built
    (corpus / "c.txt").write_text("c.txt changed. " + TEXT)
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "c.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    loaded, report = ensure_index(corpus, index, Embedder())
    assert report is not None
    assert [(s.file, "cannot be read" in s.reason) for s in report.skipped] == [("c.txt", True)]
    assert sorted(d.doc_id for d in loaded.documents) == ["a", "b"]


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "no space left"), (errno.EROFS, "not writable")],
                         ids=["disk-full", "read-only"])
def test_unwritable_index_folder_gives_a_clear_error(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, code: int, words: str,
) -> None:
    corpus, index = built
    previous = load_index(index).path
    (corpus / "a.txt").write_text("a.txt changed. " + TEXT)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, "simulated")

    monkeypatch.setattr("index.store.np.save", fail)
    with pytest.raises(IndexWriteError) as caught:
        ensure_index(corpus, index, Embedder())
    assert words in str(caught.value) and str(index) in str(caught.value)
    assert load_index(index).path == previous
