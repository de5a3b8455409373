"""scripts/train_reranker.py's listwise fit on made-up candidate lists: it learns a feature that says which
candidate is right, a strong penalty keeps the reader's own order, and the cache gives back what it kept."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))  # scripts/ is a folder of scripts, not an installed package

from qa.rerank import FEATURES  # noqa: E402
from scripts import train_reranker  # noqa: E402

MARGIN, ENTITY = FEATURES.index("margin"), FEATURES.index("whole_entity")


def made_up(count: int, seed: int = 3) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Questions of four candidates, best reader margin first, where the right one (F1 1) is the whole
    entity, ranked first by the reader only one time in four."""
    rng = np.random.default_rng(seed)
    records = []
    for q in range(count):
        rows = np.zeros((4, len(FEATURES)), dtype=np.float32)
        rows[:, MARGIN] = np.array([0.40, 0.35, 0.30, 0.25]) + rng.normal(0, 0.01, 4)
        right = int(rng.integers(4))
        rows[right, ENTITY] = 1.0
        scores = np.zeros(4)
        scores[right] = 1.0
        records.append((f"story-{q % 10}", rows, scores))
    return records


def test_the_fit_learns_the_feature_that_finds_the_right_candidate() -> None:
    records = made_up(200)
    assert train_reranker.top1(records, lambda rows: 0) < 0.4  # the reader's order
    model = train_reranker.fit(records, penalty=0.01)
    assert model.weights[ENTITY] > 1.0
    assert train_reranker.top1(records, model.choose) == 1.0
    assert train_reranker.cross_validated(records, 0.01) == 1.0


def test_a_strong_penalty_keeps_the_readers_order() -> None:
    records = made_up(200)
    model = train_reranker.fit(records, penalty=1e6)
    assert np.allclose(model.weights, train_reranker.prior(), atol=1e-3)
    assert all(model.choose(rows) == 0 for _, rows, _ in records)


def test_questions_where_no_candidate_is_right_teach_nothing() -> None:
    wrong = [(s, rows, np.zeros_like(scores)) for s, rows, scores in made_up(50)]
    model = train_reranker.fit(wrong, penalty=0.01)
    assert np.allclose(model.weights, train_reranker.prior())


def test_the_cache_gives_back_the_recorded_candidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = made_up(7)
    weights = tmp_path / "reader.safetensors"
    weights.write_bytes(b"weights")
    calls = []

    def collect(stories, work):  # type: ignore[no-untyped-def]
        calls.append(work)
        return records

    monkeypatch.setattr(train_reranker, "collect", collect)
    first = train_reranker.cached_collect([], tmp_path / "work", weights)
    again = train_reranker.cached_collect([], tmp_path / "work", weights)
    assert len(calls) == 1
    assert [s for s, _, _ in again] == [s for s, _, _ in records]
    assert all(np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2]) for a, b in zip(again, first, strict=True))
    weights.write_bytes(b"other weights")  # another reader: its candidates are collected anew
    train_reranker.cached_collect([], tmp_path / "work", weights)
    assert len(calls) == 2
