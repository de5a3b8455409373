"""Hybrid retrieval: dense passages, dense sentences and BM25 passages fused by reciprocal rank.

Dense search finds paraphrases; BM25 keeps names, numbers and rare words that a small embedding model
blurs. Reciprocal rank fusion needs no score calibration between the two.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from index.lexical import terms
from index.store import LoadedIndex

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the very top ranks
DEPTH = 30  # how deep each list is read before fusion


@dataclass(frozen=True)
class ScoredPassage:
    row: int
    score: float  # fused RRF score
    dense: float  # cosine of the passage to the question


@dataclass(frozen=True)
class Retrieval:
    question_vector: np.ndarray
    passages: list[ScoredPassage]


class Retriever:
    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        # The first passage holding each sentence, so sentence hits vote for a passage.
        self._passage_of_sentence = np.zeros(len(index.sentences), dtype=np.int64)
        for row in range(len(index.passages) - 1, -1, -1):
            first, end = index.passages[row, 3], index.passages[row, 4]
            self._passage_of_sentence[first:end] = row

    def search(
        self, question: str, question_vector: np.ndarray, k: int = 6, prefer_doc: int | None = None,
        prefer_weight: float = 1.15, allowed_docs: list[int] | None = None,
    ) -> Retrieval:
        index = self.index
        n = len(index.passages)
        if n == 0:
            return Retrieval(question_vector, [])
        if allowed_docs is not None:
            return self._search_within(question, question_vector, k, allowed_docs)
        q = question_vector.reshape(1, -1)
        depth = min(DEPTH, n)
        _, dense_rows = index.passage_search.search(q, depth)
        _, sent_rows = index.sentence_search.search(q, min(DEPTH, len(index.sentences)))
        fused: dict[int, float] = defaultdict(float)
        for rank, row in enumerate(r for r in dense_rows[0] if r >= 0):
            fused[int(row)] += 1.0 / (RRF_K + rank)
        seen: set[int] = set()
        rank = 0
        for srow in sent_rows[0]:
            if srow < 0:
                continue
            prow = int(self._passage_of_sentence[srow])
            if prow in seen:
                continue
            seen.add(prow)
            fused[prow] += 1.0 / (RRF_K + rank)
            rank += 1
        query_terms = terms(question)
        if query_terms:
            scores = index.bm25.get_scores(query_terms)
            top = np.argpartition(-scores, depth - 1)[:depth] if depth < n else np.arange(n)
            top = top[np.argsort(-scores[top])]
            for rank, row in enumerate(int(r) for r in top if scores[r] > 0):
                fused[row] += 1.0 / (RRF_K + rank)
        if prefer_doc is not None:
            # The conversation's document wins ties on an ambiguous question without excluding others:
            # its passages nearest the question join the pool, and its passages' scores are raised.
            lo, hi = (int(x) for x in np.searchsorted(index.passages[:, 0], [prefer_doc, prefer_doc + 1]))
            if hi > lo:
                near = np.argsort(-(index.passage_vectors[lo:hi] @ question_vector))[:3]
                for rank, offset in enumerate(near):
                    fused[lo + int(offset)] += 1.0 / (RRF_K + rank)
            for row in fused:
                if index.passages[row, 0] == prefer_doc:
                    fused[row] *= prefer_weight
        return self._ranked(fused, question_vector, k)

    def _ranked(self, fused: dict[int, float], question_vector: np.ndarray, k: int) -> Retrieval:
        ranked = sorted(fused.items(), key=lambda item: -item[1])[:k]
        dense = self.index.passage_vectors[[r for r, _ in ranked]] @ question_vector if ranked else []
        return Retrieval(
            question_vector,
            [ScoredPassage(r, s, float(d)) for (r, s), d in zip(ranked, dense, strict=True)],
        )

    def _search_within(self, question: str, question_vector: np.ndarray, k: int, docs: list[int]) -> Retrieval:
        """Exact search over the passages of a few documents (a scoped conversation): dense and BM25
        ranks of those passages alone, fused the same way. A scope is small, so no index is needed."""
        index = self.index
        rows = np.concatenate([
            np.arange(*(int(x) for x in np.searchsorted(index.passages[:, 0], [d, d + 1]))) for d in docs
        ]) if docs else np.zeros(0, dtype=np.int64)
        if rows.size == 0:
            return Retrieval(question_vector, [])
        fused: dict[int, float] = defaultdict(float)
        dense = index.passage_vectors[rows] @ question_vector
        for rank, i in enumerate(np.argsort(-dense)[:DEPTH]):
            fused[int(rows[i])] += 1.0 / (RRF_K + rank)
        query_terms = terms(question)
        if query_terms:
            scores = index.bm25.get_scores(query_terms)[rows]
            for rank, i in enumerate(i for i in np.argsort(-scores)[:DEPTH] if scores[i] > 0):
                fused[int(rows[i])] += 1.0 / (RRF_K + rank)
        return self._ranked(fused, question_vector, k)
