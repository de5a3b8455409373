"""Fit the reader's confidence calibration and abstention threshold; write them into qa/data/reader.json.

    .venv/bin/python scripts/calibrate_reader.py --no-false-abstentions [--curve] [--limit N]

Data: SQuAD v2.0 dev part 1, the held-out fold (`bench.squad_corpus.v2_fold`: 6 of its 19 articles, 1,970
questions, 1,034 unanswerable from their paragraph; the other 13 may train the reader), each asked through
the real pipeline *scoped to its own article* (so retrieval still has to find the paragraph), plus the seed
briefing's single questions (tests/questions/seed_single.jsonl, seed_unanswerable.jsonl) over the seed
corpus. Nothing is trained here: two numbers map the reader's margin (best span score minus no-answer score)
to a probability that the answer is right (F1 >= 0.5), by logistic regression; a third, the threshold below
which the bot abstains, is the one that maximises the expected score (an answer scores its F1, an
abstention scores 1 on an unanswerable question and 0 on an answerable one), with the seed questions
weighted as much as all of SQuAD together so the briefing's own questions are not drowned out, and
unanswerable questions weighted to `--unanswerable-share` (default 0.2) of each set: SQuAD v2's half
unanswerable is no reader's traffic, and fitted at that half (threshold 0.41) the bot abstained on 17 of the
seed's 53 answerable questions and on 79% of CoQA's CNN span turns. With `--no-false-abstentions` (the
shipped choice) the threshold is then lowered to the highest one that declines no answerable seed question.
The margins are cached per weights in var/bench, so `--curve` and other objectives re-run in seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.squad_corpus import SQUAD_V2_FILE as V2  # noqa: E402
from bench.squad_corpus import v2_heldout_articles, write_corpus  # noqa: E402
from index.embedder import sha256_file  # noqa: E402
from qa.answerer import Answerer, Calibration, Context  # noqa: E402
from qa.evaluate import best_over, read_sets  # noqa: E402
from qa.evaluate import f1 as f1_score  # noqa: E402
from qa.reader import card_for, configured_weights  # noqa: E402

WORK = ROOT / "var" / "bench"
QUESTIONS = ROOT / "tests" / "questions"
SEED_SETS = [QUESTIONS / "seed_single.jsonl", QUESTIONS / "seed_unanswerable.jsonl"]


def margins(answerer: Answerer, asked: list[tuple[str, list[str], Context | None]]) -> tuple[np.ndarray, np.ndarray]:
    """(margin, F1 of the answer) per question, with abstention switched off."""
    answerer.calibration = Calibration(1.0, 0.0, 0.0)
    from tqdm import tqdm

    out_m, out_f = [], []
    for question, golds, context in tqdm(asked, unit="q", file=sys.stderr):
        reply = answerer.ask(question, context)
        p = min(max(reply.confidence, 1e-12), 1 - 1e-12)
        out_m.append(math.log(p / (1 - p)))
        text = reply.answer or ""
        out_f.append(best_over(f1_score, text, golds) if golds and reply.answer else 0.0)
    return np.array(out_m), np.array(out_f)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="every k-th SQuAD question so about N are asked")
    ap.add_argument("--unanswerable-share", type=float, default=0.2,
                    help="how often a question in use has no answer in the briefing: the threshold maximises the "
                         "expected score with unanswerable questions weighted to this share (SQuAD v2 has 52%%)")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write qa/data/reader.json")
    ap.add_argument("--curve", action="store_true", help="also print the scores at a range of thresholds")
    ap.add_argument("--no-false-abstentions", action="store_true",
                    help="lower the threshold until no answerable seed question is declined (the shipped choice)")
    args = ap.parse_args()

    questions = write_corpus(WORK / "squad2-corpus", V2)
    # Only the held-out fold's articles: a reader may have learned to decline from the train fold's
    # (scripts/train_conversation.py --unanswerable), and a threshold fitted on questions it was taught
    # would decline too little on questions it was not.
    heldout = v2_heldout_articles(V2)
    questions = [q for q in questions if q.article in heldout]
    if args.limit:
        questions = questions[:: max(1, len(questions) // args.limit)]
    squad_answerable = np.array([bool(q.answers) for q in questions])
    singles, _ = read_sets(SEED_SETS)
    # The margins depend only on the reader's weights and the questions: kept per weights so that trying
    # another objective or printing the curve does not ask 6,500 questions again.
    weights = configured_weights()
    cache = WORK / f"calibration-margins-{sha256_file(weights)[:12]}-{len(questions)}.npz"
    if cache.is_file():
        saved = np.load(cache)
        squad_m, squad_f, seed_m, seed_f = saved["squad_m"], saved["squad_f"], saved["seed_m"], saved["seed_f"]
    else:
        answerer = Answerer(WORK / "squad2-corpus", WORK / "squad2-index").load()
        squad_m, squad_f = margins(answerer, [(q.question, q.answers, Context(scope=(q.article,)))
                                              for q in questions])
        seed = Answerer(ROOT / "corpus", WORK / "seed-index").load()
        seed_m, seed_f = margins(seed, [(c.question, c.answers, None) for c in singles])
        np.savez(cache, squad_m=squad_m, squad_f=squad_f, seed_m=seed_m, seed_f=seed_f)
    seed_answerable = np.array([bool(c.answers) for c in singles])

    m = np.concatenate([squad_m, seed_m])
    f = np.concatenate([squad_f, seed_f])
    weight = np.concatenate([np.ones(len(squad_m)), np.full(len(seed_m), len(squad_m) / max(1, len(seed_m)))])

    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=10.0).fit(m.reshape(-1, 1), (f >= 0.5).astype(int), sample_weight=weight)
    slope, intercept = float(model.coef_[0, 0]), float(model.intercept_[0])
    prob = 1.0 / (1.0 + np.exp(-(slope * m + intercept)))

    def score(threshold: float, p: np.ndarray, f1s: np.ndarray, ans: np.ndarray, share: float | None = None) -> float:
        """Expected score; with `share`, unanswerable questions weigh that share of the total."""
        answered = p >= threshold
        values = np.where(answered, f1s, np.where(ans, 0.0, 1.0))
        if share is None or ans.all() or not ans.any():
            return float(values.mean())
        return float((1 - share) * values[ans].mean() + share * values[~ans].mean())

    grid = np.linspace(0.02, 0.98, 97)
    share = args.unanswerable_share
    totals = [(score(t, prob[: len(squad_m)], squad_f, squad_answerable, share)
               + score(t, prob[len(squad_m):], seed_f, seed_answerable, share)) / 2 for t in grid]
    threshold = float(grid[int(np.argmax(totals))])
    fitted = threshold
    if args.no_false_abstentions:
        # A reader who asks about the briefing and is told "I don't know" when the answer is there loses
        # trust faster than one told a wrong answer to a question the briefing cannot answer, so the
        # threshold may not decline any answerable seed question: the highest such grid point, at most
        # the expected-score optimum.
        seed_p = prob[len(squad_m):]
        keeps = [t for t in grid if t <= fitted and not ((seed_p < t) & seed_answerable).any()]
        threshold = float(max(keeps)) if keeps else float(grid[0])

    def report(name: str, p: np.ndarray, f1s: np.ndarray, ans: np.ndarray) -> dict:
        answered = p >= threshold
        return {
            "set": name, "questions": int(len(p)),
            "f1_overall": round(score(threshold, p, f1s, ans), 4),
            "f1_answerable_answered_or_not": round(float(np.where(answered, f1s, 0.0)[ans].mean()), 4)
            if ans.any() else None,
            "unanswerable_abstained": round(float((~answered[~ans]).mean()), 4) if (~ans).any() else None,
            "false_abstentions": int((~answered & ans).sum()),
        }

    result = {
        "slope": round(slope, 5), "intercept": round(intercept, 5), "abstain_below": round(threshold, 3),
        "fitted_on": "SQuAD v2.0 dev part 1, held-out fold (scoped to each article) + seed single questions",
        "unanswerable_share": share,
        "expected_score_optimum": round(fitted, 3),
        "rule": "highest threshold with no false abstention on the seed singles, at most the optimum"
        if args.no_false_abstentions else "expected-score optimum",
        "squad_v2": report("dev-v2.0-part1 held-out fold, scoped", prob[: len(squad_m)], squad_f, squad_answerable),
        "seed": report("seed singles", prob[len(squad_m):], seed_f, seed_answerable),
    }
    print(json.dumps(result, indent=2))
    if args.curve:
        print("threshold  squad F1  squad unanswerable declined  seed F1  seed false abstentions  seed declined")
        seed_p = prob[len(squad_m):]
        for t in (0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.24, 0.3, 0.4):
            sq = prob[: len(squad_m)] >= t
            print(f"{t:9.2f}  {score(t, prob[: len(squad_m)], squad_f, squad_answerable):8.3f}  "
                  f"{(~sq[~squad_answerable]).mean():27.3f}  {score(t, seed_p, seed_f, seed_answerable):7.3f}  "
                  f"{int(((seed_p < t) & seed_answerable).sum()):22d}  "
                  f"{int(((seed_p < t) & ~seed_answerable).sum()):3d}/{int((~seed_answerable).sum())}")
    if not args.dry_run:
        card_path = card_for(weights)
        card = json.loads(card_path.read_text()) if card_path.is_file() else {}
        card["calibration"] = result
        card_path.write_text(json.dumps(card, indent=2) + "\n")
        print(f"written to {card_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
