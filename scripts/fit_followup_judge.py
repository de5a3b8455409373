"""Fit the follow-up judge (qa/followup_judge.py) for the reader weights; write it into their card.

    .venv/bin/python scripts/fit_followup_judge.py [--dry-run] [--stories heldout-other]

Data: CoQA part 1 conversations, asked in order in one conversation scoped to their story, exactly as
bench/coqa_eval.py asks them. Default: the held-out fold's stories that are not CNN (80 stories,
`bench.coqa_data.folds`): the reader never trained on them, so its confidences there are what it shows on
unseen text, and the 50 CNN stories stay untouched for measuring (bench/coqa_eval.py --source cnn), as do
the blind BBC conversations. Every follow-up is read both ways, neither declined; each reading is labelled
right when its F1 against the annotator's answer is at least 0.5 ("unknown" turns: never right). A logistic
regression (scikit-learn) over `qa.followup_judge.FEATURES` gives each reading's probability of being right.

The threshold below which a follow-up is declined maximises the expected score on the same turns: the kept
reading scores its F1, a declined answerable turn 0, a declined "unknown" turn 1, with "unknown" turns
weighted to `--unanswerable-share` (default 0.2, as scripts/calibrate_reader.py weights SQuAD v2) of the
scored turns: CoQA has 1-2% of them, no reader's traffic has so few.
The readings are cached per weights in var/bench, so refitting with other settings takes seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.coqa_data import COQA, folds  # noqa: E402
from bench.coqa_eval import SOURCES, Story, gold_kind, read_stories, write_corpus  # noqa: E402
from index.embedder import sha256_file  # noqa: E402
from qa.evaluate import f1 as f1_score  # noqa: E402
from qa.followup_judge import FollowupJudge, features  # noqa: E402
from qa.reader import card_for, configured_weights  # noqa: E402

WORK = ROOT / "var" / "bench"
PICKS = ("heldout-other", "heldout", "train")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stories", choices=PICKS, default="heldout-other",
                    help="which CoQA stories to fit on (default: held out from training, not CNN)")
    ap.add_argument("--data", type=Path, default=COQA)
    ap.add_argument("--unanswerable-share", type=float, default=0.2)
    ap.add_argument("--dry-run", action="store_true", help="print the fit, do not write the card")
    return ap.parse_args(argv)


def pick_stories(stories: list[Story], which: str) -> list[Story]:
    fold = folds([{"id": s.id, "source": s.source} for s in stories])
    if which == "heldout-other":
        return [s for s in stories if fold[s.id] == "heldout" and s.source != "cnn"]
    return [s for s in stories if fold[s.id] == which]


class _Recorder:
    """Stands in for the judge while recording: keeps both readings, returns the surer, declines nothing."""

    abstain_below = 0.0

    def __init__(self) -> None:
        self.last: tuple | None = None

    def choose(self, question, with_history, alone):  # type: ignore[no-untyped-def]
        self.last = (question, with_history, alone)
        return (with_history, with_history.confidence) if with_history.confidence >= alone.confidence \
            else (alone, alone.confidence)


def record(stories: list[Story]) -> list[dict]:
    """Every scored follow-up: both readings' features and F1 against the annotator's answer."""
    from qa.answerer import Answerer
    from qa.chat import ChatService
    from qa.history import ConversationStore

    work = WORK / "followup-judge"
    doc_ids = write_corpus(stories, work / "corpus")
    answerer = Answerer(work / "corpus", work / "index").load()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        service = ChatService(answerer, ConversationStore(Path(tmp) / "judge.sqlite3"), followup_form="either")
        recorder = _Recorder()
        service.judge = recorder  # type: ignore[assignment]
        for story in stories:
            conversation = service.start()
            for number, turn in enumerate(story.turns, start=1):
                recorder.last = None
                try:
                    service.ask(turn["question"], conversation, [doc_ids[story.id]] if number == 1 else None)
                except ValueError:
                    continue
                kind = gold_kind(turn["answer"])
                if recorder.last is None or kind == "yesno":
                    continue
                question, with_history, alone = recorder.last
                scores = [f1_score(r.answer, turn["answer"]) if kind == "span" and r.answer else 0.0
                          for r in (with_history, alone)]
                rows.append({"id": f"{story.id}#{number}", "kind": kind,
                             "history": features(question, with_history, alone, True),
                             "alone": features(question, alone, with_history, False),
                             "f1": scores})
    return rows


def fit(rows: list[dict], unanswerable_share: float) -> tuple[FollowupJudge, dict]:
    """The logistic regression over both readings, and the threshold of the best weighted expected score."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([r[form] for r in rows for form in ("history", "alone")])
    y = np.array([f >= 0.5 for r in rows for f in r["f1"]], dtype=float)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    judge = FollowupJudge(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]), 0.0)
    p = model.predict_proba(x)[:, 1].reshape(len(rows), 2)
    pick = p.argmax(1)
    kept = p.max(1)
    f1_kept = np.array([r["f1"][k] for r, k in zip(rows, pick, strict=True)])
    unknown = np.array([r["kind"] == "unknown" for r in rows])
    share = unknown.mean()
    weight = np.where(unknown, unanswerable_share / share, (1 - unanswerable_share) / (1 - share)) if 0 < share < 1 \
        else np.ones(len(rows))

    def score(t: float) -> float:
        declined = kept < t
        return float((weight * np.where(declined, unknown.astype(float), f1_kept)).sum() / weight.sum())

    grid = np.round(np.arange(0.0, 0.8, 0.005), 3)
    best = max(grid, key=score)
    judge = FollowupJudge(judge.weights, judge.bias, float(best))
    declined = kept < best
    report = {
        "turns": len(rows), "unknown": int(unknown.sum()), "threshold": float(best),
        "span_f1_kept": round(float(np.where(declined, 0, f1_kept)[~unknown].mean()), 4),
        "span_f1_never_declining": round(float(f1_kept[~unknown].mean()), 4),
        "span_f1_surer": round(float(np.array([r["f1"][0] if r["history"][0] >= r["alone"][0] else r["f1"][1]
                                               for r in rows])[~unknown].mean()), 4),
        "unknown_declined": round(float(declined[unknown].mean()), 4) if unknown.any() else None,
        "answerable_declined": round(float(declined[~unknown].mean()), 4),
    }
    return judge, report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    weights = configured_weights()
    digest = sha256_file(weights)
    stories = pick_stories(read_stories(args.data, SOURCES, None),
                           args.stories)
    cache = WORK / f"followup-judge-{args.stories}-{digest[:12]}.jsonl"
    if cache.is_file():
        rows = [json.loads(line) for line in cache.read_text(encoding="utf-8").split("\n") if line]
    else:
        rows = record(stories)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    judge, report = fit(rows, args.unanswerable_share)
    print(json.dumps({"stories": len(stories), **report, "judge": judge.to_dict()}, indent=2))
    if not args.dry_run:
        card_path = card_for(weights)
        card = json.loads(card_path.read_text())
        card["followup_judge"] = {**judge.to_dict(), "fitted_on": f"CoQA part 1, {args.stories} stories "
                                  f"({len(stories)}), {len(rows)} follow-ups", "unanswerable_share":
                                  args.unanswerable_share, **{k: v for k, v in report.items() if k != "threshold"}}
        card_path.write_text(json.dumps(card, indent=2) + "\n")
        print(f"wrote the follow-up judge into {card_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
