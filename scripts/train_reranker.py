"""Fit the answer reranker (qa/rerank.py) on CoQA conversations the reader never trained on.

    .venv/bin/python scripts/train_reranker.py            # writes qa/data/reranker.json

Data: the CoQA part 1 stories of the *held-out* fold that are not CNN (`bench.coqa_data.folds`: one story
in five of Wikipedia, Gutenberg, MCTest and RACE; 80 stories). The reader never trained on them, so its
margins there are as trustworthy as on new text, and the 50 CNN stories stay apart for measuring. Each
story is asked in order through the real pipeline (`ChatService`, scoped to the story, the product's
follow-up form), and for every span turn the reader's candidates are recorded with their features and
their F1 against the gold answer. The model is scikit-learn's logistic regression: a candidate is
positive when its F1 is at least 0.5. Stories are cross-validated in five groups to report what the
choice is worth before the final fit on all of them.
"""

from __future__ import annotations

import argparse
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
from qa.rerank import CANDIDATES, FEATURES, RERANKER, Reranker  # noqa: E402

POSITIVE_F1 = 0.5


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


def fit(records, c: float):
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([rows for _, rows, _ in records])
    y = np.concatenate([scores >= POSITIVE_F1 for _, _, scores in records]).astype(int)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x, y)
    return Reranker(model.coef_[0].astype(np.float32), float(model.intercept_[0]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=RERANKER)
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "reranker")
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the logistic regression")
    args = ap.parse_args(argv)

    every = read_stories(COQA_FILE, SOURCES, None)
    fold = folds([{"id": s.id, "source": s.source} for s in every])
    stories = [s for s in every if fold[s.id] == "heldout" and s.source != "cnn"]
    started = time.perf_counter()
    records = collect(stories, args.work)
    print(f"{len(records)} questions with candidates from {len(stories)} stories "
          f"({time.perf_counter() - started:.0f}s)", flush=True)

    groups = sorted({story for story, _, _ in records})
    reader_f1 = top1(records, lambda rows: 0)
    oracle = float(np.mean([scores.max() for _, _, scores in records]))
    chosen = []
    for k in range(5):
        held = set(groups[k::5])
        model = fit([r for r in records if r[0] not in held], args.c)
        chosen += [scores[model.choose(rows)] for story, rows, scores in records if story in held]
    cross = float(np.mean(chosen))
    print(f"top-{CANDIDATES} span F1 over recorded questions: reader's first {reader_f1:.3f}, "
          f"reranked (5-fold by story) {cross:.3f}, best possible {oracle:.3f}", flush=True)

    model = fit(records, args.c)
    from qa.reader import configured_weights

    weights = configured_weights()
    record = {
        "features": list(FEATURES), "weights": [round(float(w), 6) for w in model.weights],
        "bias": round(model.bias, 6),
        "fitted_on": {"data": "CoQA part 1, held-out fold, not CNN", "stories": len(stories),
                      "questions": len(records), "positive_f1": POSITIVE_F1, "c": args.c,
                      "reader_sha256": sha256_file(weights)},
        "cross_validated": {"reader_first_f1": round(reader_f1, 4), "reranked_f1": round(cross, 4),
                            "best_possible_f1": round(oracle, 4), "folds": 5},
    }
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
