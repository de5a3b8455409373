"""Question-set evaluation: SQuAD-normalised EM and F1, support accuracy, abstention precision/recall.

A question set is JSONL. Single questions: {"id", "question", "answers": [...], "support": str | null};
an empty `answers` list means the briefing does not answer it. Conversations: {"id", "turns": [...]},
each turn shaped like a single question; turns after the first are scored as follow-ups.
"""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.answers import Answer


def normalize(text: str) -> str:
    """SQuAD's normalisation: lower case, no punctuation, no articles, single spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalize(prediction) == normalize(gold))


def f1(prediction: str, gold: str) -> float:
    pred, ref = normalize(prediction).split(), normalize(gold).split()
    common = Counter(pred) & Counter(ref)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


def best_over(metric: Callable[[str, str], float], prediction: str, golds: Iterable[str]) -> float:
    return max((metric(prediction, g) for g in golds), default=0.0)


@dataclass
class Case:
    id: str
    question: str
    answers: list[str]
    support: str | None
    followup: bool = False


@dataclass
class Outcome:
    case: Case
    answer: Answer

    @property
    def answerable(self) -> bool:
        return bool(self.case.answers)

    @property
    def em(self) -> float:
        return best_over(exact_match, self.answer.answer, self.case.answers) if self.answer.answer else 0.0

    @property
    def f1(self) -> float:
        return best_over(f1, self.answer.answer, self.case.answers) if self.answer.answer else 0.0

    @property
    def supported(self) -> bool:
        if not self.case.support or not self.answer.citations:
            return False
        return _squash(self.case.support) in _squash(self.answer.citations[0].text)


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        answerable = [o for o in self.outcomes if o.answerable and not o.case.followup]
        followups = [o for o in self.outcomes if o.answerable and o.case.followup]
        unanswerable = [o for o in self.outcomes if not o.answerable]
        abstained = [o for o in self.outcomes if o.answer.answer is None]
        with_support = [o for o in answerable + followups if o.case.support]
        correct_abstentions = [o for o in abstained if not o.answerable]

        def mean(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 4) if values else None

        return {
            "questions": len(self.outcomes),
            "answerable": len(answerable),
            "exact_match": mean([o.em for o in answerable]),
            "f1": mean([o.f1 for o in answerable]),
            "support": mean([float(o.supported) for o in with_support]),
            "followups": len(followups),
            "followup_f1": mean([o.f1 for o in followups]),
            "followup_exact_match": mean([o.em for o in followups]),
            "unanswerable": len(unanswerable),
            "abstention_precision": mean(
                [1.0] * len(correct_abstentions) + [0.0] * (len(abstained) - len(correct_abstentions))
            ),
            "abstention_recall": mean([float(o.answer.answer is None) for o in unanswerable]),
            "false_abstentions": len(abstained) - len(correct_abstentions),
        }

    def misses(self) -> list[dict[str, Any]]:
        out = []
        for o in self.outcomes:
            wrong = (o.answerable and o.em < 1.0) or (not o.answerable and o.answer.answer is not None)
            if wrong:
                out.append({
                    "id": o.case.id, "question": o.case.question, "resolved": o.answer.resolved_question,
                    "answered": o.answer.answer, "expected": o.case.answers,
                    "f1": round(o.f1, 3), "confidence": round(o.answer.confidence, 3),
                })
        return out


def read_sets(paths: Iterable[Path]) -> tuple[list[Case], list[list[Case]]]:
    """Single cases and conversations (lists of turns) from JSONL files."""
    singles: list[Case] = []
    conversations: list[list[Case]] = []
    for path in paths:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            problem = _shape_problem(record)
            if problem:
                raise ValueError(f"{path}:{number}: {problem}")
            if "turns" in record:
                conversations.append([
                    _case(turn, f"{record.get('id', number)}#{i + 1}", followup=i > 0)
                    for i, turn in enumerate(record["turns"])
                ])
            else:
                singles.append(_case(record, str(record.get("id", number))))
    return singles, conversations


def _shape_problem(record: object) -> str | None:
    """Why a parsed line is not a question record, or None when it is one."""
    if not isinstance(record, dict):
        return "a line must be a JSON object"
    turns = record.get("turns")
    items = turns if isinstance(turns, list) else [record]
    if "turns" in record and not (isinstance(turns, list) and turns):
        return "'turns' must be a non-empty list"
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            return "each question needs a 'question' string"
        answers = item.get("answers", [])
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            return "'answers' must be a list of strings"
    return None


def _case(record: dict[str, Any], case_id: str, followup: bool = False) -> Case:
    return Case(
        id=str(record.get("id", case_id)) if not followup and "id" in record else case_id,
        question=record["question"], answers=list(record.get("answers") or []),
        support=record.get("support"), followup=followup,
    )


def evaluate(
    singles: list[Case], conversations: list[list[Case]],
    ask: Callable[[str], Answer], converse: Callable[[list[str]], list[Answer]] | None = None,
) -> Report:
    """Run every case: singles through `ask`, conversations through `converse` (turns in order)."""
    report = Report()
    for case in singles:
        report.outcomes.append(Outcome(case, ask(case.question)))
    if conversations and converse is not None:
        for turns in conversations:
            answers = converse([t.question for t in turns])
            report.outcomes.extend(Outcome(t, a) for t, a in zip(turns, answers, strict=True))
    return report
