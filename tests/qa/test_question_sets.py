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

# metric -> (floor, is an upper bound).
FLOORS: dict[str, tuple[float, bool]] = {
    "f1": (0.67, False),
    "exact_match": (0.58, False),
    "support": (0.66, False),
    "followup_f1": (0.59, False),
    "abstention_recall": (0.26, False),
    "false_abstentions": (2, True),
}
# 2026-12-05 (reader round): the hand rules above were replaced by the trained reader (qa/reader.py), which
# no rule tunes to these questions. Measured then: F1 0.696, EM 0.574, support 0.687, follow-up F1 0.517,
# abstention recall 0.333, 1 false abstention; follow-up F1 0.657 once follow-ups are read as the rewrite
# (qa.chat.DEFAULT_FOLLOWUP_FORM) (the rules had reached 0.948 / 0.918 / 0.952 / 0.948 / 0.933 / 0
# by being written against these sets). The floors sit just under the reader's values; the targets
# (F1 0.93, support 0.95, recall 0.90, no false abstention) are not met, see the README's quality section.
# Second reader (2 SQuAD epochs, 2 CoQA epochs, same operating margin): F1 0.676, EM 0.525, support 0.663,
# follow-up F1 0.491, recall 0.333, 0 false abstentions. It is shipped because it wins on the blind sets
# (blind BBC F1 0.728 -> 0.758, blind follow-ups 0.531 -> 0.591, CoQA CNN 0.332 -> 0.367); these seed
# follow-ups (22 turns) fell 0.657 -> 0.491, mostly single-question misreads that the next turn inherits.
# Third reader (2026-12-06, the average of two conversation stages, scripts/average_readers.py): F1 0.703,
# EM 0.557, support 0.699, follow-up F1 0.605, recall 0.333, 0 false abstentions. Follow-ups read "either"
# way, the surer reading kept (qa.chat, 2026-12-06): follow-up F1 0.622, the rest unchanged; read within the
# last answer's article first: 0.656. Fourth reader (session 16: coqa3 averaged with a conversation stage
# started from a third SQuAD epoch; calibration threshold 0.08): F1 0.689, EM 0.623, support 0.699,
# follow-up F1 0.632 (with "Who said so?" read in the previous answer's passage only), recall 0.333, 0 false
# abstentions. Shipped because it wins on the blind sets (blind BBC conversations' follow-ups 0.494 ->
# 0.550, blind BBC singles 0.739 -> 0.775, blind seed 0.691 -> 0.711); these seed sets fell (F1 0.703 ->
# 0.689, follow-ups 0.656 -> 0.632).

# tests/questions/heldout/: questions written blind (by a helper session that read only the article, not
# these sets or the answerer), first measured 2026-11-29 at F1 0.634, EM 0.575, support 0.80, abstention
# recall 0.50 with 4 false abstentions, follow-up F1 0.268 (the rules reached F1 0.757 and follow-up 0.717
# after being written for their misses). With the reader (2026-12-05, nothing tuned to them): F1 0.621,
# EM 0.542, support 0.549, abstention recall 0.25, follow-up F1 0.351, 6 false abstentions (both files);
# read as the rewrite: follow-up F1 0.531, 3 false abstentions. Second reader: F1 0.623, EM 0.542,
# support 0.648, follow-up F1 0.591, recall 0.167, 3 false abstentions. Third reader: F1 0.691, EM 0.625,
# support 0.747, follow-up F1 0.667, recall 0.417, 1 false abstention. Read "either" way: support 0.761,
# follow-up F1 0.711; read within the last answer's article first: 0.722. Fourth reader (session 16,
# threshold 0.08): F1 0.711, EM 0.604, support 0.747, follow-up F1 0.782, recall 0.333 (the lower
# threshold declines one unanswerable question fewer), 1 false abstention.
HELDOUT_FLOORS: dict[str, tuple[float, bool]] = {
    "f1": (0.69, False),
    "exact_match": (0.58, False),
    "support": (0.73, False),
    "abstention_recall": (0.25, False),
    "followup_f1": (0.76, False),
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
