"""Incremental builds carry the previous HNSW graph over: labels move to the new rows, removed rows become
dead (-1) labels, new rows are added, and past MAX_DEAD_SHARE the graph is built afresh. Searches return
the same rows as a graph built from scratch would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np
import pytest

from index import store
from index.store import build_index, carry_search, load_index, make_row_search


def unit_vectors(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, 32)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def labels(search: faiss.Index) -> np.ndarray:
    return faiss.vector_to_array(search.id_map)


def top_rows(search: faiss.Index, vectors: np.ndarray) -> np.ndarray:
    return search.search(vectors, 1)[1][:, 0]


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "EXACT_SEARCH_LIMIT", 20)  # HNSW from 21 vectors up


def test_carried_graph_moves_labels_and_adds_only_new_rows(small_limit: None) -> None:
    old = unit_vectors(200, 1)
    previous = make_row_search(old)
    assert isinstance(previous, faiss.IndexIDMap2) and list(labels(previous)) == list(range(200))
    # Rows 0-9 removed, the rest move up by 5, and 15 new rows open the table.
    new = np.vstack([unit_vectors(15, 2), old[10:]])
    carried = np.full(200, -1, dtype=np.int64)
    carried[10:] = np.arange(15, 205)
    search = carry_search(previous, new, carried)
    assert search.ntotal == 200 + 15, "the 10 removed rows stay in the graph as dead labels"
    assert int((labels(search) == -1).sum()) == 10
    assert sorted(labels(search)[labels(search) >= 0]) == list(range(205))
    assert list(top_rows(search, new)) == list(range(205))
    assert list(labels(previous)) == list(range(200)), "the previous search is left as it was"


def test_too_many_dead_labels_rebuild_the_graph(small_limit: None) -> None:
    old = unit_vectors(100, 3)
    carried = np.full(100, -1, dtype=np.int64)
    carried[:70] = np.arange(70)  # 30 of 100 removed: over the 20% share
    search = carry_search(make_row_search(old), old[:70], carried)
    assert search.ntotal == 70 and list(labels(search)) == list(range(70))


def test_small_collections_stay_exact(small_limit: None) -> None:
    search = carry_search(make_row_search(unit_vectors(50, 4)), unit_vectors(10, 5), np.full(50, -1))
    assert isinstance(search, faiss.IndexFlatIP) and search.ntotal == 10


def test_incremental_builds_search_like_a_fresh_build(
    tmp_path: Path, embedder, write_corpus: Callable[..., Path], small_limit: None,  # noqa: ANN001
) -> None:
    stories = {f"story{i}.txt": f"Story {i}\n\nThe council met on day {i}. It approved plan {i} for the "
                                f"district. Work on plan {i} begins next month.\n" for i in range(8)}
    corpus = write_corpus(stories)
    index = tmp_path / "index"
    build_index(corpus, index, embedder)
    first = load_index(index)
    assert isinstance(first.sentence_search, faiss.IndexIDMap2)

    (corpus / "story3.txt").unlink()
    (corpus / "aaa-new.txt").write_text("New story\n\nA new bridge opened on Friday. It cost 3 million pounds.\n")
    report = build_index(corpus, index, embedder)
    assert report.embedded_documents == 1 and report.reused_documents == 7
    carried = load_index(index)
    dead = carried.sentence_search.ntotal - len(carried.sentences)
    assert dead == int((first.sentences[:, 0] == first.doc_rows["story3"]).sum()) > 0
    for name in ("sentence", "passage"):
        vectors = getattr(carried, f"{name}_vectors")
        assert list(top_rows(getattr(carried, f"{name}_search"), vectors)) == list(range(len(vectors)))

    build_index(corpus, index, embedder, rebuild=True)
    fresh = load_index(index)
    assert np.array_equal(fresh.sentences, carried.sentences)
    query = carried.sentence_vectors[:5] * 0.9 + carried.sentence_vectors[5:10] * 0.1
    query /= np.linalg.norm(query, axis=1, keepdims=True)
    assert np.array_equal(top_rows(fresh.sentence_search, query), top_rows(carried.sentence_search, query))
