"""The persistent index: round trip, incremental refresh, corruption, crashes, model changes, write errors.

Every test here runs the real packaged MiniLM (session fixture `embedder`) and spaCy, on a tiny corpus.
The base index is built once per module and copied into each test's own tmp_path.
"""

from __future__ import annotations

import errno
import os
import pathlib
import shutil
import stat
from dataclasses import asdict
from types import SimpleNamespace

import numpy as np
import pytest

import index.store as store
from index.chunker import ChunkParams, passage_windows
from index.errors import IndexCorrupt, IndexMissing, IndexWriteError
from index.ingest import scan_corpus
from index.segmenter import sentence_spans
from index.store import build_index, ensure_index, load_index, passage_embedding_text

pytestmark = pytest.mark.slow

CORPUS = {
    "politics/budget.txt": (
        "Council passes city budget\n\n"
        "The city council approved a budget of 3.5 million dollars on Monday. "
        "Mayor Dr. Ana Ruiz said the money would go to schools.\n\n"
        '"We kept our promise," the mayor said. Opposition members voted against it.\n'
    ),
    "sport/final.txt": (
        "date 2026-02-02 The home side won the cup final 2-1 on Saturday. "
        "Their captain scored twice in the second half.\n\n"
        "Fans celebrated in the streets until midnight. The coach praised the defence.\n"
    ),
    "tech/chips.md": (
        "---\ntitle: Chip maker opens new plant\ndate: 2025-11-03\nsource: Tech Daily\n"
        "url: https://example.com/chips\n---\n"
        "A chip maker opened a factory in the U.S. state of Ohio. It will employ 3,000 people.\n\n"
        "Production starts in Feb. 2027. Analysts expect prices to fall.\n"
    ),
    "world/talks.txt": (
        "Peace talks resume in Geneva\n\n"
        "Diplomats from both countries met in Geneva on Tuesday. The talks lasted six hours.\n\n"
        "Add Zee News as a Preferred Source\n\n"
        "A second round is planned for next month. Both sides called the meeting useful.\n"
    ),
    "broken.txt": b"caf\xe9 au lait",
}
GOOD_FILES = 4
CHANGED_BUDGET = (
    "Council rejects city budget\n\n"
    "The city council rejected the budget on Thursday after a long debate. "
    "The mayor said a new plan would follow within weeks.\n"
)


class SimulatedCrash(Exception):
    """Stands in for a kill or an unexpected failure in the middle of a build."""


def write_files(root: pathlib.Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def build_names(index_dir: pathlib.Path) -> list[str]:
    return sorted(p.name for p in (index_dir / "builds").iterdir())


@pytest.fixture(scope="module")
def base(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("base")
    corpus, index_dir = root / "corpus", root / "index"
    write_files(corpus, CORPUS)
    report = build_index(corpus, index_dir, embedder)
    return SimpleNamespace(corpus=corpus, index=index_dir, report=report)


@pytest.fixture
def ws(tmp_path, base):
    """A private copy of the base corpus and its built index."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(base.corpus, corpus)
    shutil.copytree(base.index, index_dir)
    loaded = load_index(index_dir)
    return SimpleNamespace(corpus=corpus, index=index_dir, loaded=loaded, name=loaded.manifest["name"])


_ENCODED: dict[str, np.ndarray] = {}


def encode_cached(embedder, texts: list[str]) -> np.ndarray:
    """The real embedding of each text, memoised across tests (the corpus texts repeat a lot)."""
    new = sorted({t for t in texts if t not in _ENCODED})
    if new:
        _ENCODED.update(zip(new, embedder.encode(new), strict=True))
    return np.stack([_ENCODED[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


def assert_consistent(loaded, embedder, params: ChunkParams | None = None) -> None:
    """Every row points at its own text, windows follow the chunker, and every vector row is the
    embedding of the text its row points at."""
    params = params or ChunkParams()
    sentence_texts, passage_texts = [], []
    for d, doc in enumerate(loaded.documents):
        rows = np.nonzero(loaded.sentences[:, 0] == d)[0]
        spans = [(int(s), int(e)) for s, e in loaded.sentences[rows, 1:3]]
        assert spans == sentence_spans(doc.text), doc.doc_id
        for row, (s, e) in zip(rows, spans, strict=True):
            assert loaded.sentence_text(row) == doc.text[s:e]
            tokens = loaded.sentence_tokens(row)
            assert len(tokens) > 0
            assert ((tokens[:, 0] >= s) & (tokens[:, 0] < e)).all()
        p_rows = np.nonzero(loaded.passages[:, 0] == d)[0]
        first_row = int(rows[0])
        windows = [(int(a) - first_row, int(b) - first_row) for a, b in loaded.passages[p_rows, 3:5]]
        assert windows == passage_windows(spans, params), doc.doc_id
        for p_row in p_rows:
            _, s, e, first, end = (int(x) for x in loaded.passages[p_row])
            assert set(loaded.sentences[first:end, 0]) == {d}
            assert (s, e) == (int(loaded.sentences[first, 1]), int(loaded.sentences[end - 1, 2]))
            assert loaded.passage_text(p_row) == doc.text[s:e]
            passage_texts.append(passage_embedding_text(doc.title, doc.text[s:e]))
        sentence_texts.extend(doc.text[s:e] for s, e in spans)
    assert [loaded.sentence_text(r) for r in range(len(loaded.sentences))] == sentence_texts

    assert loaded.sentence_vectors.shape == (len(loaded.sentences), 384)
    assert loaded.passage_vectors.shape == (len(loaded.passages), 384)
    assert loaded.sentence_search.ntotal == len(loaded.sentences)
    assert loaded.passage_search.ntotal == len(loaded.passages)
    np.testing.assert_allclose(loaded.sentence_vectors, encode_cached(embedder, sentence_texts), atol=1e-4)
    np.testing.assert_allclose(loaded.passage_vectors, encode_cached(embedder, passage_texts), atol=1e-4)


# ------------------------------------------------------------------------------------------ round trip


def test_build_then_load_round_trips(base, embedder):
    loaded = load_index(base.index)
    scan = scan_corpus(base.corpus)

    for doc, article in zip(loaded.documents, scan.articles, strict=True):
        assert (doc.doc_id, doc.title, doc.date, doc.text, doc.source_file, doc.source, doc.url) == (
            article.doc_id, article.title, article.date, article.text, article.source_file,
            article.source, article.url,
        )
    assert len(loaded.documents) == GOOD_FILES
    assert [str(s) for s in loaded.skipped] == [str(s) for s in scan.skipped]
    assert loaded.skipped[0].file == "broken.txt"

    assert_consistent(loaded, embedder)

    manifest = loaded.manifest
    assert manifest["settings"]["model"] == embedder.name
    assert manifest["settings"]["model_hash"] == embedder.model_hash
    assert manifest["settings"]["chunking"] == asdict(ChunkParams())
    assert manifest["dimension"] == 384
    assert manifest["fingerprints"] == scan.fingerprints
    assert manifest["counts"] == {
        "documents": GOOD_FILES, "passages": len(loaded.passages), "sentences": len(loaded.sentences),
    }
    assert (manifest["counts"]["passages"], manifest["counts"]["sentences"]) == (
        base.report.passages, base.report.sentences,
    )
    assert isinstance(manifest["build_seconds"], float) and manifest["build_seconds"] >= 0
    on_disk = {
        p.relative_to(loaded.path).as_posix() for p in loaded.path.rglob("*") if p.is_file()
    } - {"manifest.json"}
    assert set(manifest["checksums"]) == on_disk
    assert base.report.embedded_documents == GOOD_FILES and base.report.reused_documents == 0


def test_cleaned_text_is_what_is_indexed(base):
    loaded = load_index(base.index)
    talks = next(d for d in loaded.documents if d.source_file == "world/talks.txt")
    assert "Preferred Source" not in talks.text
    final = next(d for d in loaded.documents if d.source_file == "sport/final.txt")
    assert final.date == "2026-02-02" and not final.text.startswith("date")
    chips = next(d for d in loaded.documents if d.source_file == "tech/chips.md")
    assert (chips.title, chips.source, chips.url) == (
        "Chip maker opens new plant", "Tech Daily", "https://example.com/chips",
    )


def test_no_index_is_reported_missing(tmp_path):
    with pytest.raises(IndexMissing):
        load_index(tmp_path / "index")


def test_ensure_index_on_unchanged_corpus_does_not_rebuild(ws, recording_embedder):
    recorder = recording_embedder()
    loaded, report = ensure_index(ws.corpus, ws.index, recorder)
    assert report is None
    assert loaded.manifest["name"] == ws.name
    assert build_names(ws.index) == [ws.name]
    assert recorder.encoded == []


@pytest.mark.parametrize("mark", ["\u2028", "\u2029", "\x85", "\x1e", "\x0b", "\x0c"],
                         ids=["line-sep", "para-sep", "nel", "record-sep", "vtab", "form-feed"])
def test_text_holding_a_character_splitlines_would_break_on_round_trips(ws, embedder, mark):
    """documents.jsonl is written as is (ensure_ascii=False), one record per "\n"; a text holding a
    character str.splitlines() also ends lines at must load back whole (a fuzzed write once made the live
    index unloadable this way)."""
    (ws.corpus / "world" / "marked.txt").write_text(
        f"Cable work ends\n\nEngineers replaced 40 cables.{mark}The bridge reopens on Monday.\n", encoding="utf-8")
    build_index(ws.corpus, ws.index, embedder)
    loaded = load_index(ws.index)
    marked = next(d for d in loaded.documents if d.source_file == "world/marked.txt")
    assert "Engineers replaced 40 cables." in marked.text and "The bridge reopens on Monday." in marked.text


def test_duplicate_doc_id_is_skipped_by_name(ws, embedder):
    write_files(ws.corpus, {"politics/budget.md": "---\ntitle: Same id\n---\nAnother text. Still here.\n"})
    loaded, report = ensure_index(ws.corpus, ws.index, embedder)
    assert report is not None
    dup = [s for s in report.skipped if "already used" in s.reason]
    assert [s.file for s in dup] == ["politics/budget.txt"]  # budget.md sorts first and keeps the id
    assert any("already used" in s.reason for s in loaded.skipped)
    assert len(loaded.documents) == GOOD_FILES


# ----------------------------------------------------------------------------------------- incremental


@pytest.mark.parametrize(
    ("change", "embedded", "reused", "documents"),
    [
        ("change", 1, GOOD_FILES - 1, GOOD_FILES),
        ("add", 1, GOOD_FILES, GOOD_FILES + 1),
        ("remove", 0, GOOD_FILES - 1, GOOD_FILES - 1),
        ("rename", 0, GOOD_FILES, GOOD_FILES),
    ],
    ids=["one-file-changed", "one-file-added", "one-file-removed", "one-file-renamed"],
)
def test_incremental_refresh_embeds_only_new_text(ws, recording_embedder, embedder, change, embedded, reused,
                                                   documents):
    budget = ws.corpus / "politics" / "budget.txt"
    if change == "change":
        budget.write_text(CHANGED_BUDGET)
    elif change == "add":
        write_files(ws.corpus, {"politics/new.txt": CHANGED_BUDGET})
    elif change == "remove":
        budget.unlink()
    else:
        budget.rename(budget.with_name("budget-2025.txt"))
    old_vectors = {
        d.text_hash: ws.loaded.sentence_vectors[ws.loaded.sentences[:, 0] == row]
        for row, d in enumerate(ws.loaded.documents)
    }

    recorder = recording_embedder()
    loaded, report = ensure_index(ws.corpus, ws.index, recorder)

    assert report is not None and "corpus changed" in report.reason
    assert (report.embedded_documents, report.reused_documents) == (embedded, reused)
    assert len(loaded.documents) == documents
    assert loaded.manifest["name"] != ws.name
    assert build_names(ws.index) == [loaded.manifest["name"]]

    # Exactly the new article's sentences and passages went through the model.
    expected: list[str] = []
    for row, doc in enumerate(loaded.documents):
        if doc.text_hash in old_vectors:
            continue
        expected += [loaded.sentence_text(r) for r in np.nonzero(loaded.sentences[:, 0] == row)[0]]
        expected += [
            passage_embedding_text(doc.title, loaded.passage_text(r))
            for r in np.nonzero(loaded.passages[:, 0] == row)[0]
        ]
    assert sorted(recorder.encoded) == sorted(expected)
    assert len(expected) > 0 if embedded else expected == []

    # Reused vectors are carried over unchanged and still sit on the right rows.
    for row, doc in enumerate(loaded.documents):
        if doc.text_hash in old_vectors:
            np.testing.assert_array_equal(
                loaded.sentence_vectors[loaded.sentences[:, 0] == row], old_vectors[doc.text_hash]
            )
    assert_consistent(loaded, embedder)


def test_title_only_change_re_embeds_passages(ws, recording_embedder, embedder):
    chips = ws.corpus / "tech" / "chips.md"
    chips.write_text(chips.read_text().replace("Chip maker opens new plant", "Football club signs striker"))
    loaded, report = ensure_index(ws.corpus, ws.index, recording_embedder())
    assert report is not None
    doc_row = next(i for i, d in enumerate(loaded.documents) if d.source_file == "tech/chips.md")
    assert loaded.documents[doc_row].title == "Football club signs striker"
    rows = np.nonzero(loaded.passages[:, 0] == doc_row)[0]
    expected = embedder.encode([
        passage_embedding_text("Football club signs striker", loaded.passage_text(r)) for r in rows
    ])
    np.testing.assert_allclose(loaded.passage_vectors[rows], expected, atol=1e-4)


# ------------------------------------------------------------------------------------------ corruption


def truncate(path: pathlib.Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("target", "damage"),
    [
        ("passage_vectors.npy", truncate),
        ("passages.faiss", truncate),
        ("manifest.json", truncate),
        ("sentences.faiss", pathlib.Path.unlink),
    ],
    ids=["passage-vectors-truncated", "faiss-truncated", "manifest-truncated", "faiss-missing"],
)
def test_damaged_index_is_detected_and_rebuilt(ws, embedder, target, damage):
    damage(ws.loaded.path / target)

    with pytest.raises(IndexCorrupt):
        load_index(ws.index)

    loaded, report = ensure_index(ws.corpus, ws.index, embedder)
    assert report is not None
    assert report.reused_documents == 0  # nothing is taken from a build that failed verification
    assert [d.text for d in loaded.documents] == [d.text for d in ws.loaded.documents]
    reloaded = load_index(ws.index)
    assert reloaded.manifest["name"] == loaded.manifest["name"] != ws.name
    assert_consistent(reloaded, embedder)


def test_current_pointing_at_missing_build_is_corrupt(ws, embedder):
    (ws.index / "CURRENT").write_text("no-such-build\n")
    with pytest.raises(IndexCorrupt, match="no-such-build"):
        load_index(ws.index)
    loaded, report = ensure_index(ws.corpus, ws.index, embedder)
    assert report is not None and len(loaded.documents) == GOOD_FILES


# ---------------------------------------------------------------------------------------------- crashes


def crash_in_write_index(monkeypatch):
    real = store.faiss.write_index

    def write_then_crash(search, path):
        real(search, path)
        raise SimulatedCrash("killed while writing the search index")

    monkeypatch.setattr(store.faiss, "write_index", write_then_crash)


def crash_in_activate(monkeypatch):
    def crash(index_dir, tmp):
        assert (tmp / "manifest.json").is_file()  # the new build was fully written
        raise SimulatedCrash("killed before activation")

    monkeypatch.setattr(store, "_activate", crash)


def crash_before_pointer_swap(monkeypatch):
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if pathlib.Path(dst).name == "CURRENT":
            raise SimulatedCrash("killed between renaming the build and swapping CURRENT")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(store.os, "replace", replace)


@pytest.mark.parametrize(
    "crash", [crash_in_write_index, crash_in_activate, crash_before_pointer_swap],
    ids=["during-write", "before-activate", "before-pointer-swap"],
)
def test_crash_mid_build_leaves_previous_index_usable(ws, embedder, monkeypatch, crash):
    (ws.corpus / "politics" / "budget.txt").write_text(CHANGED_BUDGET)
    crash(monkeypatch)
    with pytest.raises(SimulatedCrash):
        build_index(ws.corpus, ws.index, embedder)
    monkeypatch.undo()

    pointer = (ws.index / "CURRENT").read_text().strip()
    assert pointer == ws.name and not pointer.startswith(".tmp-")
    survivor = load_index(ws.index)
    assert survivor.manifest["name"] == ws.name
    assert [d.text for d in survivor.documents] == [d.text for d in ws.loaded.documents]

    # The next build recovers and clears whatever the crash left behind.
    loaded, report = ensure_index(ws.corpus, ws.index, embedder)
    assert report is not None and report.embedded_documents == 1
    assert any("rejected the budget" in d.text for d in loaded.documents)
    assert build_names(ws.index) == [loaded.manifest["name"]]


# --------------------------------------------------------------------------------------- model changes


@pytest.mark.parametrize(
    ("override", "reason_part"),
    [({"model_hash": "0" * 64}, "model_hash"), ({"name": "some-other-model"}, "model")],
    ids=["weights-hash-changed", "model-name-changed"],
)
def test_model_change_triggers_full_rebuild(ws, recording_embedder, override, reason_part):
    other = recording_embedder(**override)
    loaded, report = ensure_index(ws.corpus, ws.index, other)
    assert report is not None
    assert "model" in report.reason and reason_part in report.reason
    assert report.reused_documents == 0 and report.embedded_documents == GOOD_FILES
    assert loaded.manifest["settings"]["model_hash"] == other.model_hash
    assert loaded.manifest["settings"]["model"] == other.name
    assert len(other.encoded) == len(loaded.sentences) + len(loaded.passages)


def test_chunking_change_triggers_rebuild(ws, embedder):
    params = ChunkParams(sentences_per_passage=2, overlap=0)
    loaded, report = ensure_index(ws.corpus, ws.index, embedder, params)
    assert report is not None and "chunking" in report.reason
    assert loaded.manifest["settings"]["chunking"] == asdict(params)
    assert_consistent(loaded, embedder, params)
    _, again = ensure_index(ws.corpus, ws.index, embedder, params)
    assert again is None


# ---------------------------------------------------------------------------------------- write errors


def assert_previous_index_intact(ws) -> None:
    survivor = load_index(ws.index)
    assert survivor.manifest["name"] == ws.name
    assert [d.text for d in survivor.documents] == [d.text for d in ws.loaded.documents]
    assert not any(name.startswith(".tmp-") for name in build_names(ws.index))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="running as root: chmod cannot make a folder read-only")
def test_read_only_index_folder_gives_index_write_error(ws, embedder):
    (ws.corpus / "politics" / "budget.txt").write_text(CHANGED_BUDGET)
    folders = [ws.index, ws.index / "builds"]
    modes = [f.stat().st_mode for f in folders]
    for folder in folders:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(IndexWriteError) as info:
            build_index(ws.corpus, ws.index, embedder)
    finally:
        for folder, mode in zip(folders, modes, strict=True):
            folder.chmod(mode)
    assert "not writable" in str(info.value) and str(ws.index) in str(info.value)
    assert_previous_index_intact(ws)


def fail_np_save(code):
    def install(monkeypatch, index_dir):
        real = np.save

        def save(file, array, *args, **kwargs):
            if "passage_vectors" in str(file):
                raise OSError(code, os.strerror(code), str(file))
            return real(file, array, *args, **kwargs)

        monkeypatch.setattr(store.np, "save", save)

    return install


def fail_tmp_mkdir(code):
    def install(monkeypatch, index_dir):
        real = pathlib.Path.mkdir

        def mkdir(self, *args, **kwargs):
            if self.name.startswith(".tmp-"):
                raise OSError(code, os.strerror(code), str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "mkdir", mkdir)

    return install


def fail_pointer_write(code):
    def install(monkeypatch, index_dir):
        real = pathlib.Path.write_text

        def write_text(self, *args, **kwargs):
            if self.name == ".CURRENT.tmp":
                raise OSError(code, os.strerror(code), str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "write_text", write_text)

    return install


@pytest.mark.parametrize(
    ("install", "message"),
    [
        (fail_np_save(errno.ENOSPC), "no space left"),
        (fail_np_save(errno.EROFS), "not writable"),
        (fail_tmp_mkdir(errno.EROFS), "not writable"),
        (fail_tmp_mkdir(errno.EACCES), "not writable"),
        (fail_pointer_write(errno.ENOSPC), "no space left"),
        (fail_np_save(errno.EIO), "cannot write the index"),
    ],
    ids=["disk-full-mid-write", "read-only-mid-write", "read-only-folder", "permission-denied",
         "disk-full-at-pointer-swap", "io-error"],
)
def test_write_failure_gives_index_write_error_and_keeps_previous(ws, embedder, monkeypatch, install,
                                                                   message):
    # An unchanged corpus: the build reuses every vector and goes straight to writing files.
    install(monkeypatch, ws.index)
    with pytest.raises(IndexWriteError) as info:
        build_index(ws.corpus, ws.index, embedder)
    monkeypatch.undo()
    assert message in str(info.value)
    assert str(ws.index) in str(info.value)
    assert "previous index is still in use" in str(info.value)
    assert_previous_index_intact(ws)


def test_failed_pointer_swap_leaves_no_orphan_build(ws, embedder, monkeypatch):
    fail_pointer_write(errno.ENOSPC)(monkeypatch, ws.index)
    with pytest.raises(IndexWriteError):
        build_index(ws.corpus, ws.index, embedder)
    monkeypatch.undo()
    assert build_names(ws.index) == [ws.name]


def test_read_only_file_system_at_lock_gives_index_write_error(ws, embedder, monkeypatch):
    real_open = open

    def read_only_open(file, mode="r", *args, **kwargs):
        if pathlib.Path(file).parent == ws.index and any(c in mode for c in "wax+"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(store, "open", read_only_open, raising=False)
    with pytest.raises(IndexWriteError, match="not writable"):
        build_index(ws.corpus, ws.index, embedder)
