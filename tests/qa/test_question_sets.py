"""Regression floors for answer quality over the question sets in tests/questions/.

The sets are data (JSONL); the floors below are the quality the answerer is held to. A change that
lowers a metric under its floor fails here, with every miss listed so the cause is visible.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.chat import ChatService
from qa.evaluate import Report, evaluate, read_sets
from qa.history import ConversationStore

QUESTIONS = Path(__file__).resolve().parents[1] / "questions"

# metric -> (floor, is an upper bound). Measured values and the targets they fall short of are in the
# README's quality section; floors sit just under what the answerer reaches now. Abstention recall went
# from 8 to 7 of 15 when the threshold moved to decline 0.70 (not 0.75) of SQuAD's hidden-article
# questions: that moved false abstentions on answerable questions from 6 to 3 in the same change. With
# the span trees (2026-11-29) the threshold declines 0.75 of them: recall 7 of 15, 2 false abstentions;
# 8 of 15 once a person introduced with another title no longer answers "Who is <Title>?"; 10 of 15
# (2026-11-29, later) once a title's country counts and nobody but a titled person answers "Who is <Title>?".
# Countries as terms made "US" a word the US ambassador's title shares with "the US delegation"
# (follow-ups 0.857 -> 0.812) until a common question word inside a person's title stopped counting as
# nearness (0.857 again). False abstentions: 1 ("In which city did the finance chiefs gather?"). Abstention
# recall 11 of 15 once an organisation of another kind ("a committee") stopped fitting "which party".
# 2026-11-29 (session 7): support 0.868 -> 0.916 once an answer told twice cites its first telling, and
# F1 0.831 -> 0.854 with objects of the question's verb ("bring together <partners from across the globe>"),
# 0.870 once the date a statement was made answers only when it was said.
# 2026-11-29 (session 8): F1 0.915, EM 0.885, support 0.928, follow-up F1 0.948 (what is written with an
# object question's subject is not its object; "along with"; words saying what something is about or
# giving an event); abstention recall 13 of 15 once "What agreements ...?" is not answered by a purpose.
# Later: F1 0.948, EM 0.918, support 0.952 (the 0.95, the floor since), no false abstention, once
# an object of the question's own verb beats one of its class and "gather" is "convened".
# 2026-11-29 (session 9): abstention recall 14 of 15 (the 0.90, the floor since) once a date that
# dates another event ("The meeting, held on January 27") and a duration written before a noun ("10-year
# Agreement") stopped answering "On what date was the Agreement signed?".
FLOORS: dict[str, tuple[float, bool]] = {
    "f1": (0.93, False),
    "exact_match": (0.90, False),
    "support": (0.95, False),
    "followup_f1": (0.92, False),
    "abstention_recall": (0.90, False),
    "false_abstentions": (1, True),
}

# tests/questions/heldout/: questions written blind (by a helper session that read only the article, not
# these sets or the answerer), first measured 2026-11-29 at F1 0.634, EM 0.575, support 0.80, abstention
# recall 0.50 with 4 false abstentions. They guard against regressions like the sets above; rules are
# written for kinds of question, and the held-out numbers say how far the seed sets flatter the answerer.
# The held-out conversations (8, 23 follow-up turns, same author and conditions) first measured follow-up
# F1 0.268; their first turns count with the singles. False abstentions count both files. Session 8
# (2026-11-29): F1 0.794, EM 0.729, support 0.859, follow-up F1 0.711, 7 false abstentions. Session 9:
# abstention recall 0.583 -> 0.667.
HELDOUT_FLOORS: dict[str, tuple[float, bool]] = {
    "f1": (0.77, False),
    "exact_match": (0.70, False),
    "support": (0.84, False),
    "abstention_recall": (0.65, False),
    "followup_f1": (0.69, False),
    "false_abstentions": (8, True),
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(answerer, tmp_path_factory: pytest.TempPathFactory) -> Report:  # type: ignore[no-untyped-def]
    singles, conversations = read_sets(sorted(QUESTIONS.glob("*.jsonl")))
    store = ConversationStore(tmp_path_factory.mktemp("eval") / "conversations.sqlite3")
    service = ChatService(answerer, store)

    def converse(questions: list[str]):  # type: ignore[no-untyped-def]
        conversation = service.start()
        return [service.ask(q, conversation).answer for q in questions]

    return evaluate(singles, conversations, answerer.ask, converse)


@pytest.fixture(scope="module")
def heldout_report(answerer, tmp_path_factory: pytest.TempPathFactory) -> Report:  # type: ignore[no-untyped-def]
    singles, conversations = read_sets(sorted((QUESTIONS / "heldout").glob("*.jsonl")))
    service = ChatService(answerer, ConversationStore(tmp_path_factory.mktemp("heldout") / "conversations.sqlite3"))

    def converse(questions: list[str]):  # type: ignore[no-untyped-def]
        conversation = service.start()
        return [service.ask(q, conversation).answer for q in questions]

    return evaluate(singles, conversations, answerer.ask, converse)


@pytest.mark.parametrize("metric", sorted(HELDOUT_FLOORS))
def test_heldout_metric_holds_its_floor(heldout_report: Report, metric: str) -> None:
    floor, upper = HELDOUT_FLOORS[metric]
    value = heldout_report.metrics()[metric]
    if upper:
        assert value <= floor, f"{metric} = {value} > {floor}"
    else:
        assert value is not None and value >= floor, f"{metric} = {value} < {floor}"


def test_sets_are_large_enough(report: Report) -> None:
    metrics = report.metrics()
    assert metrics["answerable"] >= 40
    assert metrics["unanswerable"] >= 10
    assert metrics["followups"] >= 12


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_metric_holds_its_floor(report: Report, metric: str) -> None:
    floor, upper = FLOORS[metric]
    value = report.metrics()[metric]
    misses = "\n".join(f"{m['id']}: {m['question']!r} -> {m['answered']!r} (expected {m['expected'][:2]})"
                       for m in report.misses())
    if upper:
        assert value <= floor, f"{metric} = {value} > {floor}\n{misses}"
    else:
        assert value is not None and value >= floor, f"{metric} = {value} < {floor}\n{misses}"


def test_every_answer_is_an_exact_slice(report: Report, answerer) -> None:  # type: ignore[no-untyped-def]
    for outcome in report.outcomes:
        answer = outcome.answer
        if answer.answer is None or answer.kind != "answer":
            continue
        doc = answerer.index.documents[answerer.index.doc_rows[answer.doc_id]]
        assert doc.text[answer.answer_start: answer.answer_end] == answer.answer
