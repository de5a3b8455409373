"""CoQA (dev part 1) through the real conversation pipeline: follow-ups on stories nobody here has read.

Each story becomes one corpus document (all selected stories are one corpus, indexed once). Each story's
questions are asked in order in ONE conversation (`ChatService`), scoped to that story, so the resolver
rewrites follow-ups ("What did she do?") from the earlier turns exactly as in the chat.

Reported, by source and overall:
- span turns (gold answer neither yes/no nor unknown): SQuAD-normalised F1 and EM against the one gold
  answer (qa.evaluate's f1/normalize; an abstention scores 0), and how many were abstained on;
- yes/no turns: asked (so later turns see them) but not scored, since the answers are extractive spans;
- "unknown" turns: the abstention rate (the right reply is to abstain);
- rewrites: how many questions the resolver changed, and how many of those are malformed (below).

Malformed rewrite, the criterion (a rewrite is the resolved question when it differs from the asked one,
whitespace aside; it is malformed when any of these rules fires, and each rule is counted):
- `repeated-word`: a word written twice in a row ("the the", "Cotton Cotton") that the question did not have;
- `doubled-possessive`: "X's X" ("Cotton's Cotton");
- `dangling-possessive`: a substituted possessive ("her" -> "Cotton's") followed by no noun: the end of the
  question, or a preposition, conjunction, auxiliary, pronoun or article ("Who helped Cotton's?");
- `long-substitution`: a pronoun or "that/this <noun>" replaced by more than LONG_SUBSTITUTION (8) words, i.e.
  a clause or a whole answer written into the question (a bare "When?" rebuilt into a whole question is not
  a substitution);
- `empty-substitution`: a pronoun replaced by words that are only function words or pronouns ("he" ->
  "it"), which resolve nothing;
- `person-as-bare-noun`: a person's pronoun (he/him/his/she/her/hers) replaced by a phrase opening with a
  lower-case word that is no determiner ("What did police officer in Chicago have?", "nick name's
  clothing line"): not a name, not "the <noun>", so the substitution is nonsense as English;
- `extra-wh`: the rewrite holds two or more question words, more than the question did ("And then what?"
  -> "How did she previously save then what ...?"; "And the date?" -> "When is ...?" holds one);
- `lost-wh`: the asked question opens with a question word (who/what/when/where/why/how/which/whom/whose)
  and the rewrite holds none ("What did they eat?" -> "Cotton eat?"; the templates' "Why?" -> "What is the
  purpose of ...?" keeps one);
- `lost-verb`: the asked question has a verb or auxiliary (spaCy en_core_web_sm POS) and the rewrite has
  none.
The same count is taken on the conversations of the seed sets (tests/questions/*.jsonl) over corpus/.

Every miss (a span turn with F1 < 1, or an "unknown" turn answered) is listed with its resolved question:
`--misses` prints them, `--misses-json FILE` writes them, `--json` prints the whole report.

    .venv/bin/python bench/coqa_eval.py --source cnn --limit 5 [--misses] [--json] [--no-seed-sets]

The CoQA file is read where it is (never copied into the repository); the corpus and index are written
under var/bench/coqa/ (git-ignored) and reused while the selection and the index settings are unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.coqa_data import folds  # noqa: E402
from index.ingest import doc_id_for  # noqa: E402
from qa.evaluate import f1, normalize, read_sets  # noqa: E402
from qa.wellformed import malformed  # noqa: E402

COQA_FILE = ROOT.parent / "shared" / "data" / "coqa" / "coqa-dev-part1.jsonl"
SOURCES = ("cnn", "mctest", "race", "wikipedia", "gutenberg")
WORK = ROOT / "var" / "bench" / "coqa"
CORPUS_NAME = "coqa.jsonl"
SEED_SETS = sorted((ROOT / "tests" / "questions").glob("*.jsonl"))



# ------------------------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Story:
    id: str
    source: str
    text: str
    turns: list[dict[str, Any]]


def read_stories(path: Path, sources: Iterable[str], limit: int | None) -> list[Story]:
    """The stories of the chosen sources, in file order; at most `limit` of each source."""
    wanted = set(sources)
    taken: Counter[str] = Counter()
    stories = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            if record["source"] not in wanted or (limit is not None and taken[record["source"]] >= limit):
                continue
            taken[record["source"]] += 1
            stories.append(Story(record["id"], record["source"], record["story"], record["turns"]))
    return stories


def write_corpus(stories: list[Story], corpus_dir: Path) -> dict[str, str]:
    """One JSONL corpus file, one story a line; returns story id -> doc_id. Rewritten only when it changed,
    so a second run reuses the index."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"title": f"{s.source} {s.id}", "text": s.text, "source": s.source}, ensure_ascii=False)
             for s in stories]
    content = "\n".join(lines) + "\n"
    path = corpus_dir / CORPUS_NAME
    if not path.is_file() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")
    return {s.id: doc_id_for(CORPUS_NAME, number) for number, s in enumerate(stories, start=1)}


def gold_kind(answer: str) -> str:
    norm = normalize(answer)
    if norm in ("yes", "no"):
        return "yesno"
    if norm in ("unknown", "unknow", "unkown"):  # the misspellings are in the data
        return "unknown"
    return "span"


# ------------------------------------------------------------------------------------------ running


@dataclass
class Tally:
    stories: int = 0
    turns: int = 0
    span: list[float] = field(default_factory=list)  # F1 per span turn
    span_em: list[float] = field(default_factory=list)
    span_abstained: int = 0
    yesno: int = 0
    yesno_abstained: int = 0
    unknown: int = 0
    unknown_abstained: int = 0
    rewritten: int = 0
    malformed: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    errors: int = 0

    def add_rewrite(self, question: str, resolved: str) -> list[str]:
        broken = malformed(question, resolved)
        if resolved != " ".join(question.split()):
            self.rewritten += 1
        if broken:
            self.malformed += 1
            self.rules.update(broken)
        return broken

    def summary(self) -> dict[str, Any]:
        def mean(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 4) if values else None

        return {
            "stories": self.stories, "turns": self.turns,
            "span_turns": len(self.span), "span_f1": mean(self.span), "span_em": mean(self.span_em),
            "span_abstained": self.span_abstained,
            "yesno_turns": self.yesno, "yesno_abstained": self.yesno_abstained,
            "unknown_turns": self.unknown,
            "unknown_abstention_rate": round(self.unknown_abstained / self.unknown, 4) if self.unknown else None,
            "rewritten": self.rewritten, "malformed_rewrites": self.malformed,
            "malformed_by_rule": dict(sorted(self.rules.items())), "errors": self.errors,
        }


@dataclass
class Miss:
    story: str
    source: str
    turn: int
    question: str
    resolved: str
    answered: str | None
    expected: str
    kind: str
    f1: float
    confidence: float
    malformed: list[str]


def run_coqa(
    stories: list[Story], doc_ids: dict[str, str], service: Any,
) -> tuple[dict[str, Tally], list[Miss], list[dict[str, Any]]]:
    """Ask every story's turns in one scoped conversation; returns the tallies by source, the misses and
    every malformed rewrite (missed or not)."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    misses: list[Miss] = []
    broken_rewrites: list[dict[str, Any]] = []
    for story in stories:
        tally = Tally()
        tallies[f"{story.source}#{story.id}"] = tally
        tally.stories += 1
        conversation = service.start()
        scope = [doc_ids[story.id]]
        for number, turn in enumerate(story.turns, start=1):
            question, gold = turn["question"], turn["answer"]
            tally.turns += 1
            try:
                # Scoped on the first turn; the conversation keeps the scope for the others.
                answer = service.ask(question, conversation, scope if number == 1 else None).answer
            except ValueError as exc:  # an unusable question (QuestionError): counted, not fatal
                tally.errors += 1
                print(f"{story.id}#{number}: {exc}", file=sys.stderr)
                continue
            broken = tally.add_rewrite(question, answer.resolved_question)
            if broken:
                broken_rewrites.append({"id": f"{story.id}#{number}", "question": question,
                                        "resolved": answer.resolved_question, "rules": broken})
            kind = gold_kind(gold)
            said = answer.answer
            if kind == "yesno":
                tally.yesno += 1
                tally.yesno_abstained += said is None
                continue
            if kind == "unknown":
                tally.unknown += 1
                tally.unknown_abstained += said is None
                score = 1.0 if said is None else 0.0
            else:
                score = f1(said, gold) if said is not None else 0.0
                tally.span.append(score)
                tally.span_em.append(float(said is not None and normalize(said) == normalize(gold)))
                tally.span_abstained += said is None
            TURNS.append({"id": f"{story.id}#{number}", "kind": kind, "f1": round(score, 4),
                          "answered": said is not None, "confidence": round(float(answer.confidence), 4),
                          "margin": round(service.answerer.calibration.margin(answer.confidence), 4)})
            if score < 1.0:
                misses.append(Miss(story.id, story.source, number, question, answer.resolved_question, said, gold,
                                   kind, round(score, 3), round(float(answer.confidence), 3), broken))
    return tallies, misses, broken_rewrites


TURNS: list[dict[str, Any]] = []  # every scored turn, for --turns-json


def merge(tallies: Iterable[Tally]) -> Tally:
    """One tally of several (a source's stories, a fold's, all)."""
    total = Tally()
    for t in tallies:
        for name in ("stories", "turns", "span_abstained", "yesno", "yesno_abstained", "unknown",
                     "unknown_abstained", "rewritten", "malformed", "errors"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
        total.span += t.span
        total.span_em += t.span_em
        total.rules.update(t.rules)
    return total


def run_seed_sets(paths: list[Path], answerer: Any, service_for: Any) -> dict[str, Any]:
    """Malformed rewrites on the seed sets' conversations (their answers are qa eval's business)."""
    _, conversations = read_sets(paths)
    tally = Tally()
    examples = []
    service = service_for(answerer)
    for turns in conversations:
        conversation = service.start()
        for case in turns:
            answer = service.ask(case.question, conversation).answer
            tally.turns += 1
            broken = tally.add_rewrite(case.question, answer.resolved_question)
            if broken:
                examples.append({"id": case.id, "question": case.question, "resolved": answer.resolved_question,
                                 "rules": broken})
    return {"files": [str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in paths],
            "conversations": len(conversations), "turns": tally.turns, "rewritten": tally.rewritten,
            "malformed_rewrites": tally.malformed, "malformed_by_rule": dict(sorted(tally.rules.items())),
            "malformed": examples}


def main(argv: list[str] | None = None) -> int:
    from qa.chat import FOLLOWUP_FORMS

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=COQA_FILE, help="the CoQA JSONL file (read in place)")
    ap.add_argument("--source", default="cnn",
                    help=f"comma-separated sources among {', '.join(SOURCES)}, or 'all' (default cnn)")
    ap.add_argument("--limit", type=int, default=None, help="at most N stories of each source")
    ap.add_argument("--work", type=Path, default=WORK, help="where the corpus and its index are kept")
    ap.add_argument("--misses", action="store_true", help="print every miss with its resolved question")
    ap.add_argument("--misses-json", type=Path, help="write every miss to this JSON file")
    ap.add_argument("--json", action="store_true", help="print the whole report as JSON")
    ap.add_argument("--form", choices=FOLLOWUP_FORMS,
                    help="what the reader reads for a follow-up (default: the product's, qa.chat)")
    ap.add_argument("--no-abstain", action="store_true",
                    help="always answer (to see the reader's reach, and to choose a threshold with --turns-json)")
    ap.add_argument("--turns-json", type=Path,
                    help="write every scored turn (kind, F1, confidence, reader margin) here, with the "
                         "reader's sha256, to refit a threshold offline")
    ap.add_argument("--no-seed-sets", action="store_true", help="skip the malformed-rewrite count on the seed sets")
    ap.add_argument("--fold", choices=["all", "heldout", "train"], default="all",
                    help="only the stories of this fold (bench/coqa_data.py; e.g. the held-out non-CNN stories "
                         "to fit a threshold on, apart from the CNN ones measured)")
    args = ap.parse_args(argv)

    sources = SOURCES if args.source == "all" else tuple(s.strip() for s in args.source.split(","))
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        ap.error(f"unknown source(s) {unknown}; choose among {', '.join(SOURCES)} or 'all'")
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be at least 1")
    fold_of = folds([{"id": s.id, "source": s.source} for s in read_stories(args.data, SOURCES, None)])
    stories = read_stories(args.data, sources, args.limit)
    if args.fold != "all":
        stories = [s for s in stories if fold_of[s.id] == args.fold]
    if not stories:
        ap.error("no story matches")

    from qa.answerer import Answerer
    from qa.chat import ChatService
    from qa.history import ConversationStore

    selection = f"{'-'.join(sources)}-{args.limit or 'all'}" + ("" if args.fold == "all" else f"-{args.fold}")
    corpus_dir, index_dir = args.work / selection / "corpus", args.work / selection / "index"
    doc_ids = write_corpus(stories, corpus_dir)
    started = time.perf_counter()
    answerer = Answerer(corpus_dir, index_dir).load(progress=sys.stderr.isatty())
    index_seconds = time.perf_counter() - started
    if args.no_abstain:
        from qa.answerer import Calibration

        c = answerer.calibration
        answerer.calibration = Calibration(c.slope, c.intercept, 0.0)

    with tempfile.TemporaryDirectory() as tmp:
        def service_for(a: Any) -> ChatService:
            return ChatService(a, ConversationStore(Path(tmp) / f"{id(a)}.sqlite3"), followup_form=args.form)

        service_form = service_for(answerer).followup_form
        started = time.perf_counter()
        tallies, misses, broken_rewrites = run_coqa(stories, doc_ids, service_for(answerer))
        seconds = time.perf_counter() - started
        seed = None
        if not args.no_seed_sets and SEED_SETS:
            from qa.settings import get_settings

            seed_answerer = Answerer(get_settings().corpus_dir, args.work / "seed-index").load()
            seed = run_seed_sets(SEED_SETS, seed_answerer, service_for)

    # Stories by source, and by fold (bench/coqa_data.py: the stories scripts/train_conversation.py trained
    # on, and those held out from it: every CNN story and one in five of the others).
    by_source: dict[str, list[Tally]] = defaultdict(list)
    by_fold: dict[str, list[Tally]] = defaultdict(list)
    for key, t in tallies.items():
        source, story_id = key.split("#", 1)
        by_source[source].append(t)
        by_fold[fold_of.get(story_id, "heldout")].append(t)
    overall = merge(tallies.values())
    report = {
        "data": str(args.data), "sources": list(sources), "limit": args.limit, "fold": args.fold,
        "index_seconds": round(index_seconds, 1), "seconds": round(seconds, 1),
        "ms_per_turn": round(seconds / max(1, overall.turns) * 1000, 1),
        "overall": overall.summary(), "by_source": {s: merge(t).summary() for s, t in sorted(by_source.items())},
        "by_fold": {f"{f} fold": merge(t).summary() for f, t in sorted(by_fold.items())},
        "followup_form": service_form,
        "malformed": broken_rewrites, "seed_sets": seed, "misses": [asdict(m) for m in misses],
    }
    if args.turns_json:
        from index.embedder import sha256_file
        from qa.reader import configured_weights

        kept = {"reader_sha256": sha256_file(configured_weights()), "form": service_form,
                "abstaining": not args.no_abstain, "turns": TURNS}
        args.turns_json.write_text(json.dumps(kept) + "\n")
    if args.misses_json:
        args.misses_json.write_text(json.dumps(report["misses"], indent=2, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"CoQA {args.data.name}: sources {', '.join(sources)}, limit {args.limit or 'none'}, fold {args.fold}; "
          f"index {index_seconds:.1f}s, asking {seconds:.1f}s ({report['ms_per_turn']} ms/turn)")
    print(f"follow-up form: {service_form}")
    for name, summary in [("overall", report["overall"]), *report["by_source"].items(), *report["by_fold"].items()]:
        print(f"\n[{name}]")
        for key, value in summary.items():
            print(f"  {key:>24}: {value}")
    print(f"\nmalformed rewrites ({len(broken_rewrites)}):")
    for item in broken_rewrites:
        print(f"    {item['id']}: {item['question']!r} -> {item['resolved']!r} {item['rules']}")
    if seed is not None:
        print(f"\n[seed sets] {', '.join(seed['files'])}")
        for key in ("conversations", "turns", "rewritten", "malformed_rewrites", "malformed_by_rule"):
            print(f"  {key:>24}: {seed[key]}")
        for item in seed["malformed"]:
            print(f"    {item['id']}: {item['question']!r} -> {item['resolved']!r} {item['rules']}")
    if args.misses:
        print(f"\nmisses ({len(misses)}):")
        for m in misses:
            resolved = f"\n      as: {m.resolved}" if m.resolved != m.question else ""
            flags = f" MALFORMED {m.malformed}" if m.malformed else ""
            print(f"  {m.story}#{m.turn} [{m.kind}] {m.question}{resolved}{flags}\n"
                  f"      answered {m.answered!r} (f1 {m.f1}, conf {m.confidence}); expected {m.expected!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
