"""The BBC News question set through the real pipeline: the whole BBC corpus (2,225 articles) plus the seed.

Asks every question in tests/questions/bbc/bbc_single.jsonl with Answerer.ask (no gold document given) and
prints qa.evaluate's metrics (EM, F1, support, abstention precision/recall), doc accuracy (the first
citation's doc_id is the question's "doc", e.g. "business/120" -> "business-120") and every miss.

    .venv/bin/python bench/bbc_eval.py
    .venv/bin/python bench/bbc_eval.py --corpus-dir /tmp/bbc-corpus-copy --index-dir /tmp/bbc-index-copy

The corpus folder and index default to var/bench/bbc-corpus and var/bench/bbc-index, as bench/index_build.py
makes them. When the corpus folder is missing it is created the same way (symlinks category/NNN.txt to the
shared BBC files plus a copy of the seed article); when the index is missing or stale the Answerer builds
or refreshes it (a full build of the BBC set takes about 15 minutes). Pass copies when another process
uses the default folders: the index folder is written to when it is refreshed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from index.ingest import doc_id_for  # noqa: E402
from qa.answerer import Answerer  # noqa: E402
from qa.answers import Answer  # noqa: E402
from qa.evaluate import Outcome, evaluate, read_sets  # noqa: E402

DEFAULT_QUESTIONS = REPO / "tests" / "questions" / "bbc" / "bbc_single.jsonl"
DEFAULT_BBC = REPO.parent / "shared" / "data" / "bbc-news"
DEFAULT_SEED = REPO / "corpus" / "000_9aa2248574764ab3.txt"
WORK = REPO / "var" / "bench"


def gold_docs(paths: list[Path]) -> dict[str, str]:
    """Question id -> the doc_id its "doc" field names ("business/120" -> "business-120"); a conversation's
    "doc" is every turn's (turn ids are "<id>#<n>", as qa.evaluate.read_sets numbers them)."""
    docs: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("doc") and "id" in record:
                doc = doc_id_for(f"{record['doc']}.txt")
                if "turns" in record:
                    docs.update({f"{record['id']}#{n}": doc for n in range(1, len(record["turns"]) + 1)})
                else:
                    docs[str(record["id"])] = doc
    return docs


def cited_doc(answer: Answer) -> str | None:
    return answer.citations[0].doc_id if answer.citations else None


def doc_metrics(outcomes: list[Outcome], docs: dict[str, str]) -> dict[str, float | int | None]:
    """Share of answerable questions whose first citation is in the gold document."""
    scored = [o for o in outcomes if o.answerable and o.case.id in docs]
    answered = [o for o in scored if o.answer.answer is not None]
    right = [o for o in scored if cited_doc(o.answer) == docs[o.case.id]]
    # For abstentions the nearest passages (Answer.related) still show whether retrieval found the article.
    near = [o for o in scored if (o.answer.citations or o.answer.related)
            and (o.answer.citations or o.answer.related)[0].doc_id == docs[o.case.id]]

    def share(part: list[Outcome], whole: list[Outcome]) -> float | None:
        return round(len(part) / len(whole), 4) if whole else None

    return {
        "doc_questions": len(scored),
        "doc_accuracy": share(right, scored),  # abstentions count as wrong
        "doc_accuracy_answered": share(right, answered),
        "doc_accuracy_incl_related": share(near, scored),
    }


def ensure_corpus(corpus: Path, bbc: Path, seed: Path) -> None:
    if corpus.exists():
        return
    from bench.index_build import make_corpus

    count = make_corpus(bbc, seed, corpus, limit=0)
    print(f"made corpus {corpus}: {count} BBC symlinks + seed copy {seed.name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, default=[DEFAULT_QUESTIONS], help="question sets (JSONL)")
    ap.add_argument("--corpus-dir", type=Path, default=WORK / "bbc-corpus")
    ap.add_argument("--index-dir", type=Path, default=WORK / "bbc-index")
    ap.add_argument("--bbc-dir", type=Path, default=DEFAULT_BBC, help="used only to create a missing corpus")
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="used only to create a missing corpus")
    ap.add_argument("--json", action="store_true", help="print metrics and misses as JSON")
    args = ap.parse_args()

    ensure_corpus(args.corpus_dir, args.bbc_dir, args.seed)
    singles, conversations = read_sets(args.files)
    docs = gold_docs(args.files)

    started = time.perf_counter()
    answerer = Answerer(args.corpus_dir, args.index_dir).load(progress=sys.stderr.isatty())
    assert answerer.index is not None
    load_s = time.perf_counter() - started
    built = answerer.build_report.summary() if answerer.build_report else "index was fresh (no build)"
    log = sys.stderr if args.json else sys.stdout
    print(f"corpus {args.corpus_dir}  index {args.index_dir}", file=log)
    print(f"loaded in {load_s:.1f}s: {answerer.index.manifest.get('counts')}; {built}", file=log)

    with tempfile.TemporaryDirectory() as tmp:
        converse = None
        if conversations:
            from qa.chat import ChatService
            from qa.history import ConversationStore

            service = ChatService(answerer, ConversationStore(Path(tmp) / "eval.sqlite3"))

            def converse(questions: list[str]) -> list[Answer]:
                conversation = service.start()
                return [service.ask(q, conversation).answer for q in questions]

        started = time.perf_counter()
        report = evaluate(singles, conversations, answerer.ask, converse)
        ask_s = time.perf_counter() - started

    metrics = {**report.metrics(), **doc_metrics(report.outcomes, docs)}
    by_id = {o.case.id: o for o in report.outcomes}
    misses = report.misses()
    for miss in misses:
        miss["cited_doc"] = cited_doc(by_id[miss["id"]].answer)
        miss["gold_doc"] = docs.get(miss["id"])
    missed = {m["id"] for m in misses}
    # Right answer string, wrong article: not a miss for EM, but a miss for doc accuracy.
    wrong_doc = [
        {"id": o.case.id, "question": o.case.question, "answered": o.answer.answer,
         "cited_doc": cited_doc(o.answer), "gold_doc": docs[o.case.id]}
        for o in report.outcomes
        if o.case.id in docs and o.case.id not in missed and o.answer.answer is not None
        and cited_doc(o.answer) != docs[o.case.id]
    ]

    if args.json:
        print(json.dumps({"metrics": metrics, "misses": misses, "right_answer_wrong_doc": wrong_doc},
                         indent=2, ensure_ascii=False))
        return
    n = len(report.outcomes)
    print(f"asked {n} questions in {ask_s:.1f}s ({ask_s / max(n, 1) * 1000:.0f} ms/question)\n")
    for key, value in metrics.items():
        print(f"{key:>26}: {value}")
    kinds = Counter("abstained" if o.answer.answer is None else "answered" for o in report.outcomes)
    print(f"{'replies':>26}: {dict(kinds)}")
    if misses:
        print(f"\nmisses ({len(misses)}):")
        for m in misses:
            doc = "" if m["gold_doc"] is None else f"; doc {m['cited_doc']} (gold {m['gold_doc']})"
            print(f"  {m['id']}: {m['question']}\n      answered {m['answered']!r} (f1 {m['f1']}, conf "
                  f"{m['confidence']}); expected {m['expected'][:2]}{doc}")
    if wrong_doc:
        print(f"\nright answer, wrong document ({len(wrong_doc)}):")
        for m in wrong_doc:
            print(f"  {m['id']}: {m['question']}\n      answered {m['answered']!r} from {m['cited_doc']} "
                  f"(gold {m['gold_doc']})")


if __name__ == "__main__":
    main()
