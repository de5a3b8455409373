"""The persistent index: FAISS (passages and sentences), BM25, annotations, and a verified manifest.

Layout under the index folder:
    CURRENT            name of the build that is live (replaced atomically)
    builds/<name>/     one complete build: manifest.json + data files, each with a sha256 in the manifest
    .lock              held while a build runs, so two processes never build at once

A build is written into a temporary folder and only becomes live when CURRENT is swapped, so a crash or
kill mid-build leaves the previous index usable. Unchanged articles (same text) reuse their sentences,
annotations and vectors from the previous build: only new or changed articles are embedded again.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np

from index.annotator import ANNOTATOR_VERSION, ENTITY_LABELS, POS_TAGS, annotate
from index.chunker import ChunkParams, passage_windows
from index.documents import Article, Skipped
from index.embedder import Embedder, sha256_file
from index.errors import IndexCorrupt, IndexMissing, IndexWriteError
from index.ingest import CorpusScan, scan_corpus
from index.lexical import LEXICAL_VERSION, terms
from index.segmenter import sentence_spans

FORMAT_VERSION = 1
# Exact search reads every vector per question: ~0.1 ms per 1,000 vectors here (39k BBC sentences took
# ~4 ms). Above this size HNSW answers in well under a millisecond with recall@10 near 1 on real vectors
# (bench/vector_search.py).
EXACT_SEARCH_LIMIT = 10_000
HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 128
# An incremental build carries the previous build's HNSW graph over (labels moved to the new rows, new
# vectors added) rather than building it again: ~0.1 s against ~5 s for the BBC set's 39k sentences here.
# Rows of removed or changed articles stay in the graph as dead labels (-1, which searches skip) until
# they are more than this share of it; then the graph is built afresh.
MAX_DEAD_SHARE = 0.2

ARRAY_FILES = (
    "sentences", "passages", "sentence_vectors", "passage_vectors", "tokens", "entities",
)


@dataclass
class BuildReport:
    documents: int
    passages: int
    sentences: int
    skipped: list[Skipped]
    seconds: float
    embedded_documents: int  # articles segmented, tagged and embedded in this build
    reused_documents: int  # articles carried over from the previous build
    reason: str  # why this build ran

    def summary(self) -> str:
        return (
            f"documents={self.documents} passages={self.passages} sentences={self.sentences} "
            f"skipped={len(self.skipped)} embedded={self.embedded_documents} "
            f"reused={self.reused_documents} seconds={self.seconds:.1f}"
        )


@dataclass
class DocumentRecord:
    doc_id: str
    title: str
    date: str | None
    text: str
    source_file: str
    source: str | None
    url: str | None
    text_hash: str

    @classmethod
    def from_article(cls, article: Article) -> DocumentRecord:
        return cls(
            article.doc_id, article.title, article.date, article.text, article.source_file,
            article.source, article.url,
            # The title is embedded with every passage, so it is part of what decides reuse.
            hashlib.sha256(f"{article.title}\0{article.text}".encode()).hexdigest(),
        )


@dataclass
class LoadedIndex:
    """Everything the answerer reads, in memory. Row arrays are int32; vectors are unit float32."""

    path: Path
    manifest: dict[str, Any]
    documents: list[DocumentRecord]
    sentences: np.ndarray  # [n, 3] doc_row, start, end
    passages: np.ndarray  # [m, 5] doc_row, start, end, first_sentence, end_sentence (exclusive)
    sentence_vectors: np.ndarray
    passage_vectors: np.ndarray
    tokens: np.ndarray  # [t, 4] sentence_row, start, end, pos id
    entities: np.ndarray  # [e, 4] sentence_row, start, end, label id
    passage_search: faiss.Index
    sentence_search: faiss.Index
    bm25: bm25s.BM25
    doc_rows: dict[str, int] = field(default_factory=dict)
    token_offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    entity_offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))

    def __post_init__(self) -> None:
        self.doc_rows = {d.doc_id: i for i, d in enumerate(self.documents)}
        n = len(self.sentences)
        self.token_offsets = np.searchsorted(self.tokens[:, 0], np.arange(n + 1)).astype(np.int64)
        self.entity_offsets = np.searchsorted(self.entities[:, 0], np.arange(n + 1)).astype(np.int64)

    @property
    def skipped(self) -> list[Skipped]:
        return [Skipped(**s) for s in self.manifest.get("skipped", [])]

    def sentence_text(self, row: int) -> str:
        d, s, e = self.sentences[row]
        return self.documents[d].text[s:e]

    def passage_text(self, row: int) -> str:
        d, s, e = self.passages[row][:3]
        return self.documents[d].text[s:e]

    def sentence_tokens(self, row: int) -> np.ndarray:
        return self.tokens[self.token_offsets[row]: self.token_offsets[row + 1], 1:]

    def sentence_entities(self, row: int) -> np.ndarray:
        return self.entities[self.entity_offsets[row]: self.entity_offsets[row + 1], 1:]

    def sentence_at(self, doc_id: str, start: int) -> int | None:
        """The row of the sentence of `doc_id` starting at `start` (as a citation gives it), if indexed."""
        doc_row = self.doc_rows.get(doc_id)
        if doc_row is None:
            return None
        rows = np.nonzero((self.sentences[:, 0] == doc_row) & (self.sentences[:, 1] == start))[0]
        return int(rows[0]) if len(rows) else None

    def passage_holding(self, sentence_row: int) -> int | None:
        """The first passage whose sentence range holds `sentence_row`."""
        rows = np.nonzero((self.passages[:, 3] <= sentence_row) & (self.passages[:, 4] > sentence_row))[0]
        return int(rows[0]) if len(rows) else None


# ---------------------------------------------------------------------------------------------- paths


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        raise IndexMissing(f"no index has been built in {index_dir}")
    name = pointer.read_text().strip()
    path = index_dir / "builds" / name
    if not name or not path.is_dir():
        raise IndexCorrupt(f"{pointer} names build {name!r}, which does not exist")
    return path


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / ".lock", "a+")  # noqa: SIM115 - closed below, after the lock is released
    except OSError as exc:
        raise IndexWriteError(_write_error_message(index_dir, exc)) from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ----------------------------------------------------------------------------------------------- load


def expected_settings(embedder: Embedder, params: ChunkParams) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "model": embedder.name,
        "model_hash": embedder.model_hash,
        "chunking": asdict(params),
        "annotator": ANNOTATOR_VERSION,
        "lexical": LEXICAL_VERSION,
        "search": {"exact_limit": EXACT_SEARCH_LIMIT, "hnsw_m": HNSW_NEIGHBOURS, "labels": "rows"},
    }


# Settings that change only the search structures (BM25 is rebuilt from the text on every write): a build
# under other values reuses every article's parts.
SEARCH_ONLY_SETTINGS = ("search", "lexical")


def read_manifest(build: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{build / 'manifest.json'} is unreadable: {exc}") from None
    if not isinstance(manifest, dict) or "checksums" not in manifest:
        raise IndexCorrupt(f"{build / 'manifest.json'} has no checksums")
    return manifest


def verify(build: Path, manifest: dict[str, Any]) -> None:
    """Raise IndexCorrupt when any file is missing, truncated or altered since it was written."""
    for name, digest in manifest["checksums"].items():
        path = build / name
        if not path.is_file():
            raise IndexCorrupt(f"index file {name} is missing from {build}")
        if sha256_file(path) != digest:
            raise IndexCorrupt(f"index file {name} in {build} does not match its checksum")


def load_index(index_dir: Path, verify_files: bool = True) -> LoadedIndex:
    build = current_build(index_dir)
    manifest = read_manifest(build)
    if verify_files:
        verify(build, manifest)
    try:
        # One record per "\n": str.splitlines() would also split inside a record whose text holds U+2028,
        # U+0085 or another character it takes for a line end (written as is, ensure_ascii=False).
        docs = [
            DocumentRecord(**json.loads(line))
            for line in (build / "documents.jsonl").read_text(encoding="utf-8").split("\n") if line
        ]
        arrays = {name: np.load(build / f"{name}.npy", allow_pickle=False) for name in ARRAY_FILES}
        passage_search = faiss.read_index(str(build / "passages.faiss"))
        sentence_search = faiss.read_index(str(build / "sentences.faiss"))
        bm25 = bm25s.BM25.load(str(build / "bm25"))
    except (OSError, ValueError, RuntimeError, TypeError, KeyError) as exc:
        raise IndexCorrupt(f"index in {build} cannot be loaded: {exc}") from None
    for search in (passage_search, sentence_search):
        inner = faiss.downcast_index(search.index) if isinstance(search, faiss.IndexIDMap2) else search
        if hasattr(inner, "hnsw"):
            inner.hnsw.efSearch = HNSW_EF_SEARCH
    return LoadedIndex(build, manifest, docs, passage_search=passage_search,
                       sentence_search=sentence_search, bm25=bm25, **arrays)


def staleness(manifest: dict[str, Any], expected: dict[str, Any], scan: CorpusScan) -> str | None:
    """Why an index no longer matches the model, parameters or corpus, or None when it is fresh."""
    for key, value in expected.items():
        if manifest.get("settings", {}).get(key) != value:
            return f"{key} changed"
    if manifest.get("fingerprints") != scan.fingerprints:
        old, new = manifest.get("fingerprints", {}), scan.fingerprints
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        return f"corpus changed ({len(changed)} file(s), e.g. {changed[0]})" if changed else "corpus changed"
    return None


def ensure_index(
    corpus_dir: Path, index_dir: Path, embedder: Embedder, params: ChunkParams | None = None,
    progress: bool = False,
) -> tuple[LoadedIndex, BuildReport | None]:
    """Load the index, building or refreshing it first when it is missing, corrupt or stale."""
    params = params or ChunkParams()
    scan = scan_corpus(corpus_dir)
    expected = expected_settings(embedder, params)
    loaded: LoadedIndex | None = None
    try:
        loaded = load_index(index_dir)
        reason = staleness(loaded.manifest, expected, scan)
        if reason is None:
            return loaded, None
    except (IndexMissing, IndexCorrupt) as exc:
        reason = str(exc)
    report = build_index(corpus_dir, index_dir, embedder, params, progress=progress, scan=scan, reason=reason,
                         previous_index=loaded)
    return load_index(index_dir), report


# ---------------------------------------------------------------------------------------------- build


@dataclass
class _DocParts:
    sentences: list[tuple[int, int]]
    windows: list[tuple[int, int]]
    tokens: np.ndarray  # [t, 3] start, end, pos
    entities: np.ndarray  # [e, 3] start, end, label
    sentence_vectors: np.ndarray
    passage_vectors: np.ndarray


def _load_previous(index_dir: Path) -> LoadedIndex | None:
    try:
        return load_index(index_dir)
    except (IndexMissing, IndexCorrupt):
        return None


def _previous_parts(
    index_dir: Path, expected: dict[str, Any], old: LoadedIndex | None = None,
) -> dict[str, _DocParts]:
    """Per text hash, what the previous build computed, when it was built with the same settings."""
    if old is None:
        try:
            old = load_index(index_dir)
        except (IndexMissing, IndexCorrupt):
            return {}
    def parts_settings(settings: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in settings.items() if k not in SEARCH_ONLY_SETTINGS}

    if parts_settings(old.manifest.get("settings", {})) != parts_settings(expected):
        return {}
    parts: dict[str, _DocParts] = {}
    sent_doc = old.sentences[:, 0]
    pass_doc = old.passages[:, 0]
    for row, doc in enumerate(old.documents):
        s_rows = np.nonzero(sent_doc == row)[0]
        p_rows = np.nonzero(pass_doc == row)[0]
        if len(s_rows) == 0:
            continue
        first = int(s_rows[0])
        t_lo, t_hi = old.token_offsets[first], old.token_offsets[s_rows[-1] + 1]
        e_lo, e_hi = old.entity_offsets[first], old.entity_offsets[s_rows[-1] + 1]
        parts[doc.text_hash] = _DocParts(
            sentences=[(int(s), int(e)) for s, e in old.sentences[s_rows, 1:3]],
            windows=[(int(a) - first, int(b) - first) for a, b in old.passages[p_rows, 3:5]],
            tokens=old.tokens[t_lo:t_hi, 1:].copy(),
            entities=old.entities[e_lo:e_hi, 1:].copy(),
            sentence_vectors=old.sentence_vectors[s_rows].copy(),
            passage_vectors=old.passage_vectors[p_rows].copy(),
        )
    return parts


def passage_embedding_text(title: str, passage: str) -> str:
    """The title gives a passage its topic, which the passage alone may only imply."""
    return f"{title}. {passage}"


def build_index(
    corpus_dir: Path, index_dir: Path, embedder: Embedder, params: ChunkParams | None = None,
    *, progress: bool = False, rebuild: bool = False, scan: CorpusScan | None = None,
    reason: str = "requested", on_stage: Callable[[str], None] | None = None,
    previous_index: LoadedIndex | None = None,
) -> BuildReport:
    """Build a new index and make it live atomically. `rebuild` ignores the previous build entirely;
    `previous_index`, when the caller has loaded it already, is reused rather than read again."""
    params = params or ChunkParams()
    started = time.perf_counter()
    with build_lock(index_dir):
        scan = scan if scan is not None else scan_corpus(corpus_dir)
        expected = expected_settings(embedder, params)
        old = None if rebuild else previous_index or _load_previous(index_dir)
        previous = {} if old is None else _previous_parts(index_dir, expected, old)
        # The search structures carry over too when the parts did and they were made the same way.
        carry = old if previous and old is not None and (
            old.manifest.get("settings", {}).get("search") == expected["search"]) else None
        records = [DocumentRecord.from_article(a) for a in scan.articles]
        # A doc_id seen twice (e.g. a.txt and a.md) would make citations ambiguous: keep the first.
        seen: set[str] = set()
        unique: list[DocumentRecord] = []
        for rec, article in zip(records, scan.articles, strict=True):
            if rec.doc_id in seen:
                scan.skipped.append(Skipped(article.source_file, f"doc_id {rec.doc_id!r} already used"))
                continue
            seen.add(rec.doc_id)
            unique.append(rec)
        records = unique
        fresh = [r for r in records if r.text_hash not in previous]
        parts = dict(previous)
        parts.update(_compute_parts(fresh, embedder, params, progress, on_stage))
        if on_stage:
            on_stage("write")
        tmp = _write_build(index_dir, records, parts, scan, expected, embedder, started, reason, carry)
        _activate(index_dir, tmp)
    total_sentences = sum(len(parts[r.text_hash].sentences) for r in records)
    total_passages = sum(len(parts[r.text_hash].windows) for r in records)
    return BuildReport(
        documents=len(records), passages=total_passages, sentences=total_sentences,
        skipped=list(scan.skipped), seconds=time.perf_counter() - started,
        embedded_documents=len({r.text_hash for r in fresh}),
        reused_documents=len(records) - len(fresh), reason=reason,
    )


def _compute_parts(
    records: list[DocumentRecord], embedder: Embedder, params: ChunkParams, progress: bool,
    on_stage: Callable[[str], None] | None,
) -> dict[str, _DocParts]:
    if not records:
        return {}
    records = list({r.text_hash: r for r in records}.values())
    from tqdm import tqdm

    bar = lambda it, desc: tqdm(it, desc=desc, total=len(records), disable=not progress, file=sys.stderr)  # noqa: E731
    # spaCy tagging reads the whole cleaned text, so it starts first and runs in a second thread while pysbd
    # segments and the model encodes (the numeric kernels of both release the GIL). On two cores the build
    # then costs about (encode CPU + tagging CPU) / 2 instead of encode + tagging end to end; the bench
    # measured 38.9 s against 42.5 s for tagging after encoding, on 150 articles whose bare encode took 35.2 s.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="annotate") as pool:
        if on_stage:
            on_stage("annotate")
        tagging = pool.submit(lambda: list(annotate([r.text for r in records])))
        if on_stage:
            on_stage("segment")
        spans = [sentence_spans(r.text) for r in bar(records, "sentences")]
        windows = [passage_windows(s, params) for s in spans]
        sentence_texts = [r.text[a:b] for r, ss in zip(records, spans, strict=True) for a, b in ss]
        passage_texts = [
            passage_embedding_text(r.title, r.text[ss[f][0]: ss[last - 1][1]])
            for r, ss, ws in zip(records, spans, windows, strict=True) for f, last in ws
        ]
        if on_stage:
            on_stage("embed")
        sentence_vectors = embedder.encode(sentence_texts, progress=progress)
        passage_vectors = embedder.encode(passage_texts, progress=progress)
        notes = tagging.result()
    out: dict[str, _DocParts] = {}
    s_pos = p_pos = 0
    for rec, ss, ws, note in zip(records, spans, windows, notes, strict=True):
        out[rec.text_hash] = _DocParts(
            ss, ws, note.tokens, note.entities,
            sentence_vectors[s_pos: s_pos + len(ss)], passage_vectors[p_pos: p_pos + len(ws)],
        )
        s_pos += len(ss)
        p_pos += len(ws)
    return out


def make_search(vectors: np.ndarray) -> faiss.Index:
    """Exact inner-product search for small collections, HNSW above EXACT_SEARCH_LIMIT vectors."""
    dim = vectors.shape[1]
    search = faiss.IndexFlatIP(dim) if len(vectors) <= EXACT_SEARCH_LIMIT else _hnsw(dim)
    if len(vectors):
        search.add(vectors)
    return search


def _hnsw(dim: int) -> faiss.IndexHNSWFlat:
    search = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
    # 40 builds ~3x faster than 80 with the same recall@10 on the BBC vectors (bench/vector_search.py).
    search.hnsw.efConstruction = 40
    search.hnsw.efSearch = HNSW_EF_SEARCH
    return search


def make_row_search(vectors: np.ndarray) -> faiss.Index:
    """What make_search chooses, with HNSW wrapped in an IndexIDMap2 labelled by row, so that the next
    build can carry its graph over (carry_search). Searches return rows either way."""
    if len(vectors) <= EXACT_SEARCH_LIMIT:
        return make_search(vectors)
    search = faiss.IndexIDMap2(_hnsw(vectors.shape[1]))
    search.add_with_ids(vectors, np.arange(len(vectors), dtype=np.int64))
    return search


def carry_search(previous: faiss.Index, vectors: np.ndarray, carried: np.ndarray) -> faiss.Index:
    """Search over `vectors` (row i is vectors[i]) made from the previous build's search, where `carried[r]`
    is the new row of the previous build's row r (-1: gone). Its graph is copied, labels moved to the new
    rows (gone ones become dead, -1), and only the rows not carried are added. The previous search is only
    read, so questions can go on using it meanwhile."""
    if len(vectors) <= EXACT_SEARCH_LIMIT or not isinstance(previous, faiss.IndexIDMap2):
        return make_row_search(vectors)
    labels = faiss.vector_to_array(previous.id_map)
    moved = np.full_like(labels, -1)
    alive = labels >= 0
    moved[alive] = carried[labels[alive]]
    new_rows = np.setdiff1d(np.arange(len(vectors), dtype=np.int64), moved[moved >= 0])
    if int((moved < 0).sum()) > MAX_DEAD_SHARE * (len(moved) + len(new_rows)):
        return make_row_search(vectors)
    search = faiss.clone_index(previous)
    faiss.copy_array_to_vector(moved.astype(np.int64), search.id_map)
    if len(new_rows):
        search.add_with_ids(vectors[new_rows], new_rows)
    search.construct_rev_map()
    return search


def _carried_rows(
    old: LoadedIndex, records: list[DocumentRecord], arrays: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """For "sentences" and "passages": the row in this build of each row of the previous build, -1 for rows
    of articles removed or changed (an article is the same when its doc_id and text hash are)."""
    old_rows = {(d.doc_id, d.text_hash): i for i, d in enumerate(old.documents)}
    out = {}
    for name, old_table in (("sentences", old.sentences), ("passages", old.passages)):
        new_table = arrays[name]
        old_bounds = np.searchsorted(old_table[:, 0], np.arange(len(old.documents) + 1))
        new_bounds = np.searchsorted(new_table[:, 0], np.arange(len(records) + 1))
        carried = np.full(len(old_table), -1, dtype=np.int64)
        for row, rec in enumerate(records):
            was = old_rows.get((rec.doc_id, rec.text_hash))
            if was is None:
                continue
            a, b, c, d = old_bounds[was], old_bounds[was + 1], new_bounds[row], new_bounds[row + 1]
            if b - a == d - c:
                carried[a:b] = np.arange(c, d)
        out[name] = carried
    return out


def _assemble(records: list[DocumentRecord], parts: dict[str, _DocParts], dim: int) -> dict[str, np.ndarray]:
    sentences, passages, tokens, entities, s_vecs, p_vecs = [], [], [], [], [], []
    s_base = 0
    for row, rec in enumerate(records):
        part = parts[rec.text_hash]
        starts = np.array([s for s, _ in part.sentences], dtype=np.int64)
        for a, b in part.sentences:
            sentences.append((row, a, b))
        for f, last in part.windows:
            passages.append((row, part.sentences[f][0], part.sentences[last - 1][1], s_base + f, s_base + last))
        # Tokens and entities belong to the sentence whose span holds their start.
        for array, sink in ((part.tokens, tokens), (part.entities, entities)):
            if len(array):
                owner = np.searchsorted(starts, array[:, 0], side="right") - 1
                keep = owner >= 0
                sink.append(np.column_stack([owner[keep] + s_base, array[keep]]))
        s_vecs.append(part.sentence_vectors)
        p_vecs.append(part.passage_vectors)
        s_base += len(part.sentences)

    def rows(items: list, width: int) -> np.ndarray:
        return np.array(items, dtype=np.int32).reshape(-1, width)

    def stack(chunks: list[np.ndarray], width: int) -> np.ndarray:
        return np.vstack(chunks).astype(np.int32) if chunks else np.zeros((0, width), dtype=np.int32)

    def vecs(chunks: list[np.ndarray]) -> np.ndarray:
        return np.ascontiguousarray(np.vstack(chunks), dtype=np.float32) if chunks else np.zeros((0, dim), np.float32)

    return {
        "sentences": rows(sentences, 3), "passages": rows(passages, 5),
        "tokens": stack(tokens, 4), "entities": stack(entities, 4),
        "sentence_vectors": vecs(s_vecs), "passage_vectors": vecs(p_vecs),
    }


def _write_build(
    index_dir: Path, records: list[DocumentRecord], parts: dict[str, _DocParts], scan: CorpusScan,
    expected: dict[str, Any], embedder: Embedder, started: float, reason: str, carry: LoadedIndex | None = None,
) -> Path:
    builds = index_dir / "builds"
    name = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 100000}"
    tmp = builds / f".tmp-{name}"
    try:
        builds.mkdir(parents=True, exist_ok=True)
        _clean_stale_temporaries(builds)
        tmp.mkdir()
        arrays = _assemble(records, parts, embedder.dimension)
        with (tmp / "documents.jsonl").open("w", encoding="utf-8") as handle:
            for rec in records:
                handle.write(json.dumps(asdict(rec), ensure_ascii=False) + "\n")
        for key, array in arrays.items():
            np.save(tmp / f"{key}.npy", array, allow_pickle=False)
        if carry is not None:
            carried = _carried_rows(carry, records, arrays)
            passage_search = carry_search(carry.passage_search, arrays["passage_vectors"], carried["passages"])
            sentence_search = carry_search(carry.sentence_search, arrays["sentence_vectors"], carried["sentences"])
        else:
            passage_search = make_row_search(arrays["passage_vectors"])
            sentence_search = make_row_search(arrays["sentence_vectors"])
        faiss.write_index(passage_search, str(tmp / "passages.faiss"))
        faiss.write_index(sentence_search, str(tmp / "sentences.faiss"))
        bm25 = bm25s.BM25()
        passage_terms = [
            terms(records[d].title + " " + records[d].text[s:e]) or ["\u2205"] for d, s, e, _, _ in arrays["passages"]
        ]
        bm25.index(passage_terms, show_progress=False)
        bm25.save(str(tmp / "bm25"))
        checksums = {
            p.relative_to(tmp).as_posix(): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()
        }
        manifest = {
            "name": name,
            "settings": expected,
            "dimension": embedder.dimension,
            "search": {"passages": _search_kind(len(arrays["passages"])),
                       "sentences": _search_kind(len(arrays["sentences"]))},
            "pos_tags": list(POS_TAGS),
            "entity_labels": list(ENTITY_LABELS),
            "fingerprints": scan.fingerprints,
            "skipped": [s.to_dict() for s in scan.skipped],
            "counts": {"documents": len(records), "passages": len(arrays["passages"]),
                       "sentences": len(arrays["sentences"])},
            "build_seconds": round(time.perf_counter() - started, 3),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "reason": reason,
            "checksums": checksums,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        _fsync_tree(tmp)
        return tmp
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise IndexWriteError(_write_error_message(index_dir, exc)) from exc


def _search_kind(n: int) -> str:
    return "exact" if n <= EXACT_SEARCH_LIMIT else f"hnsw(M={HNSW_NEIGHBOURS})"


def _write_error_message(index_dir: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"no space left on the device holding {index_dir}; the previous index is still in use"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"the index folder {index_dir} is not writable ({exc.strerror}); the previous index is still in use"
    return f"cannot write the index in {index_dir}: {exc}; the previous index is still in use"


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def _clean_stale_temporaries(builds: Path) -> None:
    """Remove half-written builds left by a killed process (the lock guarantees none is in progress)."""
    for path in builds.glob(".tmp-*"):
        shutil.rmtree(path, ignore_errors=True)


def _activate(index_dir: Path, tmp: Path) -> None:
    """Make `tmp` the live build: rename it into place, then swap CURRENT with an atomic replace."""
    final = tmp.with_name(tmp.name.removeprefix(".tmp-"))
    try:
        os.replace(tmp, final)
        pointer_tmp = index_dir / ".CURRENT.tmp"
        pointer_tmp.write_text(final.name + "\n")
        with pointer_tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(pointer_tmp, index_dir / "CURRENT")
    except OSError as exc:
        # Whatever was renamed is not live (CURRENT still names the old build): remove it.
        for path in (tmp, final):
            shutil.rmtree(path, ignore_errors=True)
        raise IndexWriteError(_write_error_message(index_dir, exc)) from exc
    for old in (index_dir / "builds").iterdir():
        if old.is_dir() and old.name != final.name and not old.name.startswith(".tmp-"):
            shutil.rmtree(old, ignore_errors=True)


__all__ = [
    "BuildReport", "DocumentRecord", "LoadedIndex", "build_index", "carry_search", "ensure_index",
    "load_index", "make_row_search", "make_search",
]
