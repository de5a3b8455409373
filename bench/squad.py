"""SQuAD v1.1 (part 1) through the real pipeline: 24 articles as one corpus, no gold paragraph given.

Prints EM, F1 (SQuAD normalisation, best over gold answers), support (the first citation holds a gold
answer) and the share of abstentions, overall and per answer type.

    .venv/bin/python bench/squad.py [--limit N] [--no-abstain]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.squad_corpus import write_corpus  # noqa: E402
from qa.answerer import READ_PASSAGES, Answerer, Calibration  # noqa: E402
from qa.evaluate import best_over, exact_match, f1  # noqa: E402
from qa.question import analyse  # noqa: E402

WORK = Path(os.environ.get("QA_BENCH_DIR", "var/bench"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="ask only every k-th question so about N are asked")
    ap.add_argument("--no-abstain", action="store_true", help="always answer (SQuAD has no unanswerable questions)")
    ap.add_argument("--read", type=int, default=READ_PASSAGES, help="passages the reader reads per question")
    args = ap.parse_args()
    questions = write_corpus(WORK / "squad-corpus")
    if args.limit:
        step = max(1, len(questions) // args.limit)
        questions = questions[::step]
    started = time.perf_counter()
    answerer = Answerer(WORK / "squad-corpus", WORK / "squad-index", read_passages=args.read).load(
        progress=sys.stderr.isatty())
    if args.no_abstain:
        calibration = answerer.calibration
        answerer.calibration = Calibration(calibration.slope, calibration.intercept, 0.0)
    print(f"index ready in {time.perf_counter() - started:.1f}s: {answerer.index.manifest['counts']}")
    totals: dict[str, list[float]] = defaultdict(list)
    by_type: dict[str, list[float]] = defaultdict(list)
    started = time.perf_counter()
    # Questions are embedded in one batch here; per-question latency is bench/latency.py's job.
    vectors = answerer.embedder.encode([q.question for q in questions])
    for q, vector in zip(questions, vectors, strict=True):
        reply = answerer.ask(q.question, question_vector=vector)
        text = reply.answer or ""
        em = best_over(exact_match, text, q.answers) if reply.answer else 0.0
        score = best_over(f1, text, q.answers) if reply.answer else 0.0
        first = reply.citations[0].text if reply.citations else ""
        totals["em"].append(em)
        totals["f1"].append(score)
        totals["support"].append(float(any(a in first for a in q.answers)))
        totals["abstained"].append(float(reply.answer is None))
        totals["right_doc"].append(float(bool(reply.citations) and reply.citations[0].doc_id == q.article))
        by_type[analyse(q.question).answer_type.value].append(score)
    seconds = time.perf_counter() - started
    n = len(questions)
    print(f"questions: {n}  ({seconds / n * 1000:.1f} ms/question)")
    for key in ("em", "f1", "support", "right_doc", "abstained"):
        print(f"{key:>10}: {sum(totals[key]) / n:.4f}")
    print("F1 by answer type:")
    for kind, values in sorted(by_type.items(), key=lambda kv: -len(kv[1])):
        print(f"  {kind:>12}: {sum(values) / len(values):.3f}  (n={len(values)})")


if __name__ == "__main__":
    main()
