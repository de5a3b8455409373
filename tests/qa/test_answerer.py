"""qa.answerer.Answerer over the seed briefing with the real model and the trained reader: every reply is an
exact, cited slice of the corpus or an honest abstention; scopes, follow-up anchors and index swaps behave.
Answer quality is `qa eval`'s job (tests/qa/test_question_sets.py holds its floors)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.answerer import MAX_QUESTION_CHARS, Answerer, Context, QuestionError, UnknownDocument, validate_question
from qa.answers import Answer, Citation

pytestmark = pytest.mark.slow

QUESTIONS = Path(__file__).resolve().parents[1] / "questions"
SEED_FILE = Path(__file__).resolve().parents[2] / "corpus" / "000_9aa2248574764ab3.txt"


def _records(name: str) -> list[dict]:
    lines = (QUESTIONS / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


SEED_QUESTIONS = _records("seed_single.jsonl") + _records("seed_unanswerable.jsonl")
OUT_OF_BRIEFING = [
    pytest.param("What is the capital of France?", id="capital-of-france"),
    pytest.param("Who won the 2026 World Cup?", id="world-cup"),
    pytest.param("What is the boiling point of water?", id="boiling-point"),
    pytest.param("When did World War II end?", id="world-war"),
    pytest.param("What currency does Japan use?", id="currency"),
    # Known misses of the reader (2026-12-05): answered from a sentence that shares the question's words
    # ("US", "Secretary"). Strict: the day the reader declines them, these fail and come off the list.
    pytest.param("When is the next US presidential election?", id="election",
                 marks=pytest.mark.xfail(strict=True, reason="the reader answers from a nearby US sentence")),
    pytest.param("What did the Indian Prime Minister say about trade?", id="another-indian-official"),
    # The seed names India's Defence Secretary; the US Secretary of Defense is someone it does not name.
    pytest.param("Who is the US Secretary of Defense?", id="another-countrys-secretary",
                 marks=pytest.mark.xfail(strict=True, reason="the reader names India's Defence Secretary")),
]


@pytest.fixture(scope="module")
def documents(answerer):  # type: ignore[no-untyped-def]
    return {d.doc_id: d for d in answerer.index.documents}


def assert_exact_citation(citation: Citation, documents: dict) -> None:  # type: ignore[type-arg]
    """A citation quotes its document exactly, at the offsets it claims."""
    doc = documents[citation.doc_id]
    assert 0 <= citation.start < citation.end <= len(doc.text)
    assert citation.text == doc.text[citation.start: citation.end]
    assert citation.title == doc.title and citation.date == doc.date


def assert_well_formed(answer: Answer, documents: dict, threshold: float = 0.0) -> None:  # type: ignore[type-arg]
    assert 0.0 <= answer.confidence <= 1.0
    assert answer.kind in ("answer", "abstain", "summary")
    if answer.answer is None:
        assert answer.kind == "abstain"
        assert answer.citations == []
        assert answer.message
        assert len(answer.related) <= 3
        for c in answer.related:
            assert_exact_citation(c, documents)
            assert c.answer_start is None and c.answer_end is None
        return
    assert answer.kind in ("answer", "summary")
    assert answer.answer.strip(), "an answer is never blank"
    doc = documents[answer.doc_id]
    assert answer.answer_start is not None and answer.answer_end is not None
    assert doc.text[answer.answer_start: answer.answer_end] == answer.answer
    assert 1 <= len(answer.citations) <= 3
    first = answer.citations[0]
    assert first.doc_id == answer.doc_id
    assert first.start <= answer.answer_start < answer.answer_end <= first.end
    assert (first.answer_start, first.answer_end) == (answer.answer_start, answer.answer_end)
    for c in answer.citations:
        assert_exact_citation(c, documents)
    cited = {(c.doc_id, c.start) for c in answer.citations}
    assert len(cited) == len(answer.citations), "a sentence cited twice"
    assert answer.related == []
    if answer.kind == "answer":
        assert answer.confidence >= threshold
        assert answer.message == first.text


@pytest.mark.parametrize("record", SEED_QUESTIONS, ids=[r["id"] for r in SEED_QUESTIONS])
def test_seed_question_invariants(answerer, documents, record: dict) -> None:  # type: ignore[no-untyped-def]
    answer = answerer.ask(record["question"])
    assert answer.question == record["question"]
    assert answer.resolved_question == record["question"]
    assert answer.kind != "summary"
    assert_well_formed(answer, documents, answerer.calibration.abstain_below)


@pytest.mark.parametrize("question", OUT_OF_BRIEFING)
def test_out_of_briefing_questions_abstain(answerer, documents, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = answerer.ask(question)
    assert answer.answer is None and answer.kind == "abstain"
    assert answer.confidence < answerer.calibration.abstain_below
    assert_well_formed(answer, documents)
    assert answer.to_dict()["answer"] is None and answer.to_dict()["citations"] == []


@pytest.mark.parametrize(
    "question", ["What is this briefing about?", "Summarize the briefing"], ids=["about", "summarize"],
)
def test_summary(answerer, documents, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = answerer.ask(question)
    assert answer.kind == "summary" and answer.answer_type == "summary"
    assert 2 <= len(answer.citations) <= 3
    assert_well_formed(answer, documents)
    # The answer is the most central sentence, quoted whole; the message joins the picked sentences.
    assert answer.answer == answer.citations[0].text
    for c in answer.citations:
        assert c.text in answer.message


def test_resolved_form_is_what_gets_answered(answerer, documents) -> None:  # type: ignore[no-untyped-def]
    standalone = "When will the Critical Minerals Ministerial be held?"
    direct = answerer.ask(standalone)
    via = answerer.ask("When will it be held?", resolved=standalone)
    assert via.question == "When will it be held?"
    assert via.resolved_question == standalone
    assert (via.answer, via.answer_start, via.kind) == (direct.answer, direct.answer_start, direct.kind)
    assert_well_formed(via, documents)


def test_context_of_an_unknown_document_is_harmless(answerer, documents) -> None:  # type: ignore[no-untyped-def]
    plain = answerer.ask("Who convened the Finance Ministerial?")
    with_context = answerer.ask("Who convened the Finance Ministerial?", Context(doc_id="no-such-doc"))
    assert (with_context.answer, with_context.kind) == (plain.answer, plain.kind)
    seed_doc = next(iter(documents))
    in_doc = answerer.ask("Who convened the Finance Ministerial?", Context(doc_id=seed_doc))
    assert_well_formed(in_doc, documents)


def test_question_is_stripped(answerer) -> None:  # type: ignore[no-untyped-def]
    answer = answerer.ask("   Who convened the Finance Ministerial?  \n")
    assert answer.question == "Who convened the Finance Ministerial?"


def test_to_dict_is_the_wire_contract(answerer) -> None:  # type: ignore[no-untyped-def]
    payload = answerer.ask("Who convened the Finance Ministerial?").to_dict()
    assert set(payload) == {
        "question", "resolved_question", "answer", "message", "confidence", "kind", "citations", "related",
        "date_value",
    }
    assert json.loads(json.dumps(payload)) == payload
    for c in payload["citations"]:
        assert set(c) == {"doc_id", "title", "date", "start", "end", "text", "answer_start", "answer_end"}


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("", id="empty"),
        pytest.param("   \n\t ", id="whitespace-only"),
        pytest.param("x" * (MAX_QUESTION_CHARS + 1), id="too-long"),
        pytest.param(None, id="none"),
        pytest.param(42, id="int"),
        pytest.param(b"Who convened it?", id="bytes"),
        pytest.param(["Who?"], id="list"),
    ],
)
def test_unusable_questions_raise_question_error(answerer, question: object) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QuestionError):
        validate_question(question)
    with pytest.raises(QuestionError):
        answerer.ask(question)  # type: ignore[arg-type]
    assert issubclass(QuestionError, ValueError)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("x" * MAX_QUESTION_CHARS, "x" * MAX_QUESTION_CHARS, id="at-the-limit"),
        pytest.param("  Who?  ", "Who?", id="stripped"),
    ],
)
def test_validate_question_accepts(question: str, expected: str) -> None:
    assert validate_question(question) == expected


FOREIGN = (
    "Harbour board approves new ferry\n\nThe Tromso harbour board approved a new electric ferry on Monday. "
    "The ferry, built by Kvaerner Yards, will carry 300 passengers between Tromso and Senja from June. "
    "Board chair Ingrid Dahl said the vessel would cut emissions on the route by half.\n"
)


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory, single_thread_torch):  # type: ignore[no-untyped-def]
    """The seed article and a short unrelated one, in one index."""
    root = tmp_path_factory.mktemp("two")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_FILE, corpus / SEED_FILE.name)
    (corpus / "ferry.txt").write_text(FOREIGN, encoding="utf-8")
    return Answerer(corpus, root / "index").load()


def _doc_of(answerer: Answerer, name: str) -> str:
    return next(d.doc_id for d in answerer.index.documents if name in d.doc_id)


def test_a_scope_keeps_answers_inside_it(two_documents: Answerer) -> None:
    documents = {d.doc_id: d for d in two_documents.index.documents}
    ferry = _doc_of(two_documents, "ferry")
    scoped = two_documents.ask("Who convened the Critical Minerals Ministerial?", Context(scope=(ferry,)))
    for c in scoped.citations + scoped.related:
        assert c.doc_id == ferry
    assert_well_formed(scoped, documents)
    answer = two_documents.ask("Who chairs the board?", Context(scope=(ferry,)))
    assert answer.answer is not None and "Ingrid Dahl" in answer.answer
    assert answer.doc_id == ferry


def test_a_scope_naming_an_unknown_document_raises(two_documents: Answerer) -> None:
    with pytest.raises(UnknownDocument) as raised:
        two_documents.ask("Who chairs the board?", Context(scope=("no-such-doc",)))
    assert raised.value.doc_id == "no-such-doc" and "no-such-doc" in str(raised.value)
    assert isinstance(raised.value, KeyError)


def test_an_anchor_brings_the_previous_answers_passage_into_reading(answerer, documents) -> None:  # type: ignore[no-untyped-def]
    first = answerer.ask("Who convened the Critical Minerals Ministerial?")
    assert first.answer is not None
    cited = first.citations[0]
    follow = answerer.ask("When?", Context(doc_id=cited.doc_id, anchor=(cited.doc_id, cited.start, cited.end)),
                          resolved="When will the Critical Minerals Ministerial be held?")
    assert_well_formed(follow, documents)
    assert follow.answer is not None and "February 4" in follow.answer


def test_swap_replaces_the_whole_index_at_once(two_documents: Answerer, answerer) -> None:  # type: ignore[no-untyped-def]
    """After swap, questions read the new index only; the old index object is untouched."""
    before = two_documents.index
    seed_only = answerer.index
    two_documents.swap(seed_only)
    try:
        assert two_documents.index is seed_only
        answer = two_documents.ask("Who chairs the harbour board?")
        assert answer.doc_id in (None, *seed_only.doc_rows)
    finally:
        two_documents.swap(before)
    assert two_documents.index is before


FERRY = "---\ntitle: {title}\ndate: {date}\n---\nThe new harbour ferry will carry {count} passengers, the port said.\n"
OLDER = FERRY.format(title="Ferry order placed", date="2026-01-10", count=300)
NEWER = FERRY.format(title="Ferry order enlarged", date="2026-02-01", count=400)


@pytest.fixture(scope="module")
def dated(tmp_path_factory, single_thread_torch):  # type: ignore[no-untyped-def]
    """Two dated articles telling the same fact, the newer one updated."""
    root = tmp_path_factory.mktemp("dated")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "older.md").write_text(OLDER, encoding="utf-8")
    (corpus / "newer.md").write_text(NEWER, encoding="utf-8")
    return Answerer(corpus, root / "index").load()


def test_the_newer_telling_wins_and_the_older_is_shown(dated: Answerer) -> None:
    answer = dated.ask("How many passengers will the new harbour ferry carry?")
    assert answer.answer is not None and "400" in answer.answer
    assert answer.citations[0].date == "2026-02-01"
    older = [c for c in answer.citations if c.date == "2026-01-10"]
    assert older and "300" in older[0].text[older[0].answer_start - older[0].start:]
    assert "2026-01-10" in answer.message


def test_a_question_naming_a_date_reads_the_articles_of_that_date(dated: Answerer) -> None:
    answer = dated.ask("On January 10, how many passengers was the harbour ferry to carry?")
    assert answer.answer is not None and "300" in answer.answer
    assert answer.citations[0].date == "2026-01-10"


def test_a_date_answer_carries_its_calendar_day(answerer) -> None:  # type: ignore[no-untyped-def]
    answer = answerer.ask("When will the Critical Minerals Ministerial be held?")
    assert answer.answer is not None and "February 4" in answer.answer
    assert answer.date_value is not None and answer.date_value["start"] == "2026-02-04"


def test_an_older_article_saying_the_same_is_not_quoted(tmp_path_factory, single_thread_torch):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("dated-same")
    (root / "corpus").mkdir()
    (root / "corpus" / "older.md").write_text(FERRY.format(title="Ferry order placed", date="2026-01-10",
                                                           count=400), encoding="utf-8")
    (root / "corpus" / "newer.md").write_text(NEWER, encoding="utf-8")
    answer = Answerer(root / "corpus", root / "index").load().ask(
        "How many passengers will the new harbour ferry carry?")
    assert answer.answer is not None and "400" in answer.answer
    assert answer.citations[0].date == "2026-02-01"
    assert "older article" not in answer.message
    assert all(c.date != "2026-01-10" for c in answer.citations[1:] if "400" in c.text)
