"""The reader alone on CoQA stories: how much of issue 18's gap is the reader, and how much the pipeline.

`bench/coqa_eval.py` measures the product: retrieval, the resolver, two readings per follow-up, the
threshold. This script takes all of that away. Each selected story's turns are read in order against the
WHOLE story (every window, no retrieval, no rewrite), and the best span is kept whatever its margin
(never declining), with three histories in the reader's first segment (`qa.reader.query_text`, two earlier
turns as served):

- `none`: the question alone;
- `gold`: the earlier turns as the annotators asked and answered them. This is CoQA's published setting,
  the one the issue's anchors are measured in (DrQA 54.7, BERT-base ~78-80; they also score against four
  reference answers, here there is one);
- `own`: the earlier turns with the reader's own earlier answers, which is what the chat has.

Span turns only (gold answer neither yes/no nor "unknown"), SQuAD F1 against the one free-form answer.
Two more numbers frame them:

- the extractive ceiling: the best-F1 span inside the annotator's rationale (the conversation stage's
  training target, `scripts/train_conversation.best_span`), i.e. what a perfect extractive reader scores
  against one free-form answer;
- "unknown" turns: the AUC of the reader's margin between span turns and "unknown" turns (1.0: some
  threshold declines every unknown turn and no span turn; 0.5: the margin says nothing), and the share
  of each declined at the card's threshold and at the margin that declines half the unknown turns (the
  issue's target); all from the `own` reading's margins, as the chat would have.

    .venv/bin/python bench/coqa_reader.py [--source cnn] [--fold heldout] [--limit N] [--weights W]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.coqa_data import COQA, folds, load_stories, turn_kind  # noqa: E402
from qa.answerer import Calibration, history_text  # noqa: E402
from qa.evaluate import f1  # noqa: E402
from qa.reader import Reader, ReaderConfig, configured_weights  # noqa: E402
from scripts.train_conversation import HISTORY_TURNS, best_span  # noqa: E402

HISTORIES = ("none", "gold", "own")


def auc(positive: list[float], negative: list[float]) -> float | None:
    """P(a random positive scores above a random negative), ties half: the Mann-Whitney statistic."""
    if not positive or not negative:
        return None
    pos, neg = np.asarray(positive), np.asarray(negative)
    above = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(above / (pos.size * neg.size))


def _mean(values: list, digits: int = 4) -> float | None:
    return round(float(np.mean(values)), digits) if values else None


def read_story(reader: Reader, story: dict) -> dict[str, list[tuple[str, float]]]:
    """history form -> (answer, margin) for every turn of the story, asked in order."""
    text = story["story"]
    out: dict[str, list[tuple[str, float]]] = {}
    for form in HISTORIES:
        earlier: list[tuple[str, str]] = []
        said: list[tuple[str, float]] = []
        for turn in story["turns"]:
            history = "" if form == "none" else history_text(tuple(earlier[-HISTORY_TURNS:]))
            reading = reader.reading(turn["question"], [text], history)
            best = reading.spans[0] if reading.spans else None
            answer = text[best.start:best.end] if best else ""
            said.append((answer, best.margin if best else float("-inf")))
            earlier.append((turn["question"], turn["answer"] if form == "gold" else answer))
        out[form] = said
    return out


def measure(stories: list[dict], reader: Reader, threshold_margin: float) -> dict[str, dict]:
    """Per group ("overall" and each source): span F1 per history form, the ceiling, the unknown figures."""
    groups: dict[str, dict] = defaultdict(lambda: {"stories": 0, "span_turns": 0, "ceiling": [],
                                                   **{form: [] for form in HISTORIES},
                                                   "margins_span": [], "margins_unknown": []})
    started = time.perf_counter()
    for number, story in enumerate(stories, start=1):
        read = read_story(reader, story)
        # Each turn is scored once, then counted in "overall" and in its source.
        unknown_margins, span_margins, scores, ceiling = [], [], {form: [] for form in HISTORIES}, []
        for i, turn in enumerate(story["turns"]):
            kind = turn_kind(turn["answer"])
            margin = read["own"][i][1]
            if kind == "unknown":
                unknown_margins.append(margin)
            if kind != "span":
                continue
            span_margins.append(margin)
            for form in HISTORIES:
                scores[form].append(f1(read[form][i][0], turn["answer"]))
            if turn["rationale_start"] >= 0:
                span = best_span(story["story"], turn["rationale_start"], turn["rationale_end"], turn["answer"])
                ceiling.append(f1(story["story"][span[0]:span[1]], turn["answer"]) if span else 0.0)
        for name in ("overall", story["source"]):
            group = groups[name]
            group["stories"] += 1
            group["span_turns"] += len(span_margins)
            group["margins_span"] += span_margins
            group["margins_unknown"] += unknown_margins
            group["ceiling"] += ceiling
            for form in HISTORIES:
                group[form] += scores[form]
        if number % 10 == 0:
            elapsed = time.perf_counter() - started
            print(f"  {number}/{len(stories)} stories, {elapsed:.0f}s", file=sys.stderr, flush=True)
    report = {}
    for name, group in groups.items():
        span_m, unknown_m = group["margins_span"], group["margins_unknown"]
        half = float(np.median(unknown_m)) if unknown_m else 0.0
        report[name] = {
            "stories": group["stories"],
            "span_turns": group["span_turns"],
            **{f"f1_{form}_history": _mean(group[form]) for form in HISTORIES},
            "extractive_ceiling": _mean(group["ceiling"]),
            "unknown_turns": len(unknown_m),
            "unknown_margin_auc": None if (a := auc(span_m, unknown_m)) is None else round(a, 3),
            "unknown_declined_at_threshold": _mean([m < threshold_margin for m in unknown_m], 3),
            "span_declined_at_threshold": _mean([m < threshold_margin for m in span_m], 3),
            # the price of the target: declining half the unknown turns declines this share of span turns
            "span_declined_at_half_unknown": _mean([m <= half for m in span_m], 3) if unknown_m else None,
        }
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=COQA, help="the CoQA JSONL file (read in place)")
    ap.add_argument("--source", default="cnn", help="one source (cnn, gutenberg, mctest, race, wikipedia) or 'all'")
    ap.add_argument("--fold", choices=["all", "heldout", "train"], default="heldout",
                    help="the stories the reader was never trained on (default), those it was, or both")
    ap.add_argument("--limit", type=int, default=None, help="at most N stories")
    ap.add_argument("--weights", type=Path, default=None,
                    help="reader weights (default: QA_READER_WEIGHTS or the shipped ones)")
    args = ap.parse_args(argv)

    stories = load_stories(args.data)
    fold_of = folds(stories)
    chosen = [s for s in stories
              if (args.source == "all" or s["source"] == args.source)
              and (args.fold == "all" or fold_of[s["id"]] == args.fold)][: args.limit]
    if not chosen:
        ap.error(f"no story of source {args.source!r} in fold {args.fold!r}")
    weights = args.weights or configured_weights()
    reader = Reader.load(weights, ReaderConfig())
    calibration = Calibration.for_weights(weights)
    threshold_margin = calibration.margin(calibration.abstain_below)
    print(f"reader {weights} alone over whole stories: {len(chosen)} stories ({args.source}, fold {args.fold}); "
          f"threshold {calibration.abstain_below} = margin {threshold_margin:.2f}")
    for name, row in sorted(measure(chosen, reader, threshold_margin).items(), key=lambda kv: kv[0] != "overall"):
        print(f"\n[{name}]")
        for key, value in row.items():
            print(f"{key:>32}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
