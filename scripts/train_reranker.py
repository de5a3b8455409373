"""Fit the answer reranker (qa/rerank.py) on CoQA conversations the reader never trained on.

    .venv/bin/python scripts/train_reranker.py            # writes qa/data/reranker.json

Data: the CoQA part 1 stories of the *held-out* fold that are not CNN (`bench.coqa_data.folds`: one story
in five of Wikipedia, Gutenberg, MCTest and RACE; 80 stories). The reader never trained on them, so its
margins there are as trustworthy as on new text, and the 50 CNN stories stay apart for measuring. Each
story is asked in order through the real pipeline (`ChatService`, scoped to the story, the product's
follow-up form), and for every span turn the reader's candidates are recorded with their features and
their F1 against the gold answer (cached in --work under the reader's and the features' hashes, so a refit
takes seconds).

The fit is listwise: a candidate's score is linear in its features, and each question's softmax over its
candidates' scores is fitted to their F1 (normalised to sum to one). The L2 penalty pulls the weights
towards the reader's own order (its margin, the only non-zero prior weight) rather than towards zero, so
the features move only the close calls they can pay for. SciPy's L-BFGS minimises it. A pointwise logistic
fit (a candidate is right when its F1 is at least 0.5) was tried first and lost to the reader's own order
(cross-validated 0.363 against 0.396). Stories are cross-validated in five groups, to choose the penalty
and to report what the choice is worth, before the final fit on all of them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.coqa_data import folds  # noqa: E402
from bench.coqa_eval import COQA_FILE, SOURCES, gold_kind, read_stories, write_corpus  # noqa: E402
from index.embedder import sha256_file  # noqa: E402
from qa.answerer import Answerer, candidate_features  # noqa: E402
from qa.evaluate import f1  # noqa: E402
from qa.reader import configured_weights  # noqa: E402
from qa.rerank import CANDIDATES, FEATURES, RERANKER, Reranker  # noqa: E402


class Recording(Answerer):
    """The product's answerer that records every question's candidates and answers with the reader's first
    span (so the conversations go as they would without a reranker)."""

    gold: str | None = None
    story: str = ""
    records: list[tuple[str, np.ndarray, np.ndarray]]

    def _choose(self, index, resolved, pieces, reading, context):  # type: ignore[no-untyped-def]
        if self.gold is not None and len(reading.candidates) > 1:
            candidates, rows = candidate_features(index, resolved, pieces, reading, context)
            scores = np.array([f1(index.documents[c.doc_row].text[c.start:c.end], self.gold) for c in candidates])
            self.records.append((self.story, rows, scores))
        return reading.spans[0]


def collect(stories, work: Path) -> list[tuple[str, np.ndarray, np.ndarray]]:
    from qa.chat import ChatService
    from qa.history import ConversationStore

    doc_ids = write_corpus(stories, work / "corpus")
    answerer = Recording(work / "corpus", work / "index", rerank=False)
    answerer.records = []
    answerer.load()
    # Any reranker makes the answerer ask the reader for its candidates; Recording answers with the first.
    answerer.reranker = Reranker(np.zeros(len(FEATURES), dtype=np.float32), 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        service = ChatService(answerer, ConversationStore(Path(tmp) / "c.sqlite3"))
        for number, story in enumerate(stories, start=1):
            conversation = service.start()
            answerer.story = story.id
            for turn_number, turn in enumerate(story.turns, start=1):
                answerer.gold = turn["answer"] if gold_kind(turn["answer"]) == "span" else None
                service.ask(turn["question"], conversation, [doc_ids[story.id]] if turn_number == 1 else None)
            if number % 20 == 0:
                print(f"{number}/{len(stories)} stories, {len(answerer.records)} questions", flush=True)
    return answerer.records


def top1(records, choose) -> float:
    """Mean F1 of the chosen candidate over the recorded questions."""
    return float(np.mean([scores[choose(rows)] for _, rows, scores in records])) if records else 0.0


def prior() -> np.ndarray:
    """The reader's own order as weights: its margin (a feature stored divided by 10) as the score."""
    weights = np.zeros(len(FEATURES), dtype=np.float64)
    weights[FEATURES.index("margin")] = 10.0
    return weights


def fit(records, penalty: float) -> Reranker:
    """Minimise the cross-entropy between each question's softmax over its candidates' scores and its
    candidates' normalised F1, plus `penalty` * |weights - prior|^2 / 2."""
    from scipy.optimize import minimize
    from scipy.special import log_softmax

    lists = [(rows.astype(np.float64), scores / scores.sum()) for _, rows, scores in records if scores.sum() > 0]
    start = prior()

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for rows, target in lists:
            logp = log_softmax(rows @ w)
            total -= float(target @ logp)
            grad -= rows.T @ (target - np.exp(logp))
        total, grad = total / max(len(lists), 1), grad / max(len(lists), 1)
        return total + penalty * float((w - start) @ (w - start)) / 2, grad + penalty * (w - start)

    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return Reranker(result.x.astype(np.float32), 0.0)


def cross_validated(records, penalty: float) -> float:
    """Mean F1 of the chosen candidate, each story's questions chosen by a model fitted without its group."""
    groups = sorted({story for story, _, _ in records})
    chosen = []
    for k in range(5):
        held = set(groups[k::5])
        model = fit([r for r in records if r[0] not in held], penalty)
        chosen += [scores[model.choose(rows)] for story, rows, scores in records if story in held]
    return float(np.mean(chosen))


def cached_collect(stories, work: Path, weights: Path) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """`collect`, kept in `work` under the reader's and the features' hashes."""
    key = hashlib.sha256((sha256_file(weights) + ",".join(FEATURES)).encode()).hexdigest()[:12]
    cache = work / f"records-{key}.npz"
    if cache.is_file():
        saved = np.load(cache, allow_pickle=False)
        return [(str(story), saved[f"rows{i}"], saved[f"scores{i}"]) for i, story in enumerate(saved["stories"])]
    records = collect(stories, work)
    arrays = {"stories": np.array([story for story, _, _ in records])}
    for i, (_, rows, scores) in enumerate(records):
        arrays[f"rows{i}"], arrays[f"scores{i}"] = rows, scores
    work.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **arrays)
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=RERANKER)
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "reranker")
    ap.add_argument("--penalties", type=float, nargs="+", default=[0.003, 0.01, 0.03, 0.1, 0.3, 1.0],
                    help="L2 strengths (towards the reader's order) tried by cross-validation")
    args = ap.parse_args(argv)

    every = read_stories(COQA_FILE, SOURCES, None)
    fold = folds([{"id": s.id, "source": s.source} for s in every])
    stories = [s for s in every if fold[s.id] == "heldout" and s.source != "cnn"]
    weights = configured_weights()
    started = time.perf_counter()
    records = cached_collect(stories, args.work, weights)
    print(f"{len(records)} questions with candidates from {len(stories)} stories "
          f"({time.perf_counter() - started:.0f}s)", flush=True)

    reader_f1 = top1(records, lambda rows: 0)
    oracle = float(np.mean([scores.max() for _, _, scores in records]))
    by_penalty = {penalty: cross_validated(records, penalty) for penalty in args.penalties}
    for penalty, value in by_penalty.items():
        print(f"penalty {penalty}: reranked span F1 (5-fold by story) {value:.3f}", flush=True)
    penalty = max(by_penalty, key=by_penalty.__getitem__)
    cross = by_penalty[penalty]
    print(f"top-{CANDIDATES} span F1 over recorded questions: reader's first {reader_f1:.3f}, "
          f"reranked {cross:.3f} (penalty {penalty}), best possible {oracle:.3f}", flush=True)

    model = fit(records, penalty)
    record = {
        "features": list(FEATURES), "weights": [round(float(w), 6) for w in model.weights],
        "bias": round(model.bias, 6),
        "fitted_on": {"data": "CoQA part 1, held-out fold, not CNN", "stories": len(stories),
                      "questions": len(records), "fit": "listwise, L2 towards the reader's margin",
                      "penalty": penalty, "reader_sha256": sha256_file(weights)},
        "cross_validated": {"reader_first_f1": round(reader_f1, 4), "reranked_f1": round(cross, 4),
                            "best_possible_f1": round(oracle, 4), "folds": 5,
                            "by_penalty": {str(k): round(v, 4) for k, v in by_penalty.items()}},
    }
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
