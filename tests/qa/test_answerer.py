"""qa.answerer.Answerer over the seed briefing with the real model: every reply is an exact, cited slice of
the corpus or an honest abstention. Exact answers are left to `qa eval` (the weights are being tuned);
these tests pin the invariants that must hold whatever the weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answerer import ABSTAIN_BELOW, MAX_QUESTION_CHARS, Context, QuestionError, validate_question
from qa.answers import Answer, Citation

pytestmark = pytest.mark.slow

QUESTIONS = Path(__file__).resolve().parents[1] / "questions"


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
    pytest.param("When is the next US presidential election?", id="election"),
    pytest.param("What did the Indian Prime Minister say about trade?", id="another-indian-official"),
    # The seed names India's Defence Secretary; the US Secretary of Defense is someone it does not name.
    pytest.param("Who is the US Secretary of Defense?", id="another-countrys-secretary"),
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


def assert_well_formed(answer: Answer, documents: dict) -> None:  # type: ignore[type-arg]
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
        assert answer.confidence >= ABSTAIN_BELOW
        assert answer.message == first.text


@pytest.mark.parametrize("record", SEED_QUESTIONS, ids=[r["id"] for r in SEED_QUESTIONS])
def test_seed_question_invariants(answerer, documents, record: dict) -> None:  # type: ignore[no-untyped-def]
    answer = answerer.ask(record["question"])
    assert answer.question == record["question"]
    assert answer.resolved_question == record["question"]
    assert answer.kind != "summary"
    assert_well_formed(answer, documents)


@pytest.mark.parametrize("question", OUT_OF_BRIEFING)
def test_out_of_briefing_questions_abstain(answerer, documents, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = answerer.ask(question)
    assert answer.answer is None and answer.kind == "abstain"
    assert answer.confidence < ABSTAIN_BELOW
    assert_well_formed(answer, documents)
    assert answer.to_dict()["answer"] is None and answer.to_dict()["citations"] == []


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("Who is the US Ambassador to India?", "Sergio Gor"),
        # Nobody is introduced with these titles: a group or an organisation near the words is no answer.
        ("Who is India's Ambassador to the United States?", None),
        ("Who is India's Defence Minister?", None),
    ],
)
def test_who_is_the_title_answers_a_person_holding_it_or_nobody(  # type: ignore[no-untyped-def]
    answerer, documents, question: str, answered: str | None,
) -> None:
    answer = answerer.ask(question)
    assert answer.answer == answered
    assert_well_formed(answer, documents)


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
        "question", "resolved_question", "answer", "message", "confidence", "citations", "related",
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


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("How much money did the Finance Ministerial raise?", id="how-much-no-amount"),
        pytest.param("How many ministers attended the Finance Ministerial?", id="how-many-no-count"),
    ],
)
def test_number_question_without_a_number_abstains(answerer, documents, question: str) -> None:  # type: ignore[no-untyped-def]
    """A "how many/much" question is answered by a number or not at all: the seed states no amounts or counts
    for the Finance Ministerial, so the answerer declines rather than offer a phrase."""
    answer = answerer.ask(question)
    assert answer.kind == "abstain", answer.answer
    assert_well_formed(answer, documents)


def test_date_question_gets_a_date(answerer) -> None:  # type: ignore[no-untyped-def]
    answer = answerer.ask("When did the US Congressional delegation meet the Defence Secretary?")
    assert answer.answer is None or any(ch.isdigit() for ch in answer.answer) or answer.answer.lower() in (
        "today", "yesterday", "tomorrow")


def test_a_why_question_is_answered_by_a_clause_not_a_name(answerer) -> None:  # type: ignore[no-untyped-def]
    """"Why" and "what was the purpose" take a reason, a clause or the sentence, never a bare name: the
    sentence naming India's representative at the Finance Ministerial must not answer its purpose."""
    answer = answerer.ask("What was the purpose of the Finance Ministerial?")
    assert answer.answer_type == "reason"
    assert answer.kind == "abstain" or len(answer.answer.split()) >= 3, answer.answer
    assert answer.answer not in ("Ashwini Vaishnaw", "Scott Bessent")


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        pytest.param("Who is India's Defence Minister?", {"Sergio Gor", "Ashwini Vaishnaw", "Rajesh Kumar Singh"},
                     id="no-one-has-that-title"),
        pytest.param("Who is the President of the United States?", {"S. Jaishankar", "Marco Rubio"},
                     id="another-title"),
    ],
)
def test_a_person_with_another_title_is_not_the_one_asked_for(answerer, question: str, refused: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert answerer.ask(question).answer not in refused


def test_a_person_with_the_asked_title_is_kept(answerer) -> None:  # type: ignore[no-untyped-def]
    assert answerer.ask("Who is the US Ambassador to India?").answer == "Sergio Gor"


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("Who led the US Congressional delegation?", id="narrative-before-quote"),
        pytest.param("What is Rajesh Kumar Singh's position?", id="title-before-quote"),
        pytest.param("What position does Marco Rubio hold?", id="first-of-two-narrative-sentences"),
    ],
)
def test_an_answer_told_twice_cites_its_first_telling(answerer, documents, question: str) -> None:  # type: ignore[no-untyped-def]
    """The seed states each of these in its own words and again later (in a quote, or in a sentence that
    also shares the question's words): the answer is the same, and the citation is the earlier sentence."""
    answer = answerer.ask(question)
    assert answer.answer
    text = documents[answer.doc_id].text
    first = text.find(answer.answer)
    assert text.find(answer.answer, first + 1) > first, "the seed tells this answer twice"
    assert answer.answer_start == first
    assert_well_formed(answer, documents)


def test_an_object_question_is_answered_by_the_object_of_its_verb(answerer) -> None:  # type: ignore[no-untyped-def]
    """"Whom will the ministerial bring together?" names the ministerial as subject: the answer is what the
    sentence writes after "bring together", not Marco Rubio, who holds the ministerial (in the same sentence)."""
    answer = answerer.ask("Whom will the ministerial bring together?")
    # ...and "partners" alone names a class of people: the phrase after it says which.
    assert answer.answer == "partners from across the globe"


def test_a_phrase_naming_a_person_is_no_organisation(answerer) -> None:  # type: ignore[no-untyped-def]
    """"US Secretary of State Marco Rubio" ends on a name: it is a person, not the department asked for."""
    answer = answerer.ask("Which US department said the ministerial would bring together partners from across "
                          "the globe?")
    assert answer.answer is not None and "Rubio" not in answer.answer, answer.answer


def test_a_source_of_the_asked_kind_answers(answerer) -> None:  # type: ignore[no-untyped-def]
    """"..., according to the Ministry of Defence" cites a source, which does not answer questions about what
    it says; but "Which ministry ...?" asks for a ministry, and the source is one."""
    answer = answerer.ask("Which ministry gave the account of the January 27 meeting?")
    assert answer.answer == "Ministry of Defence"


def test_a_titles_portfolio_is_no_answer_when_something_fits(answerer) -> None:  # type: ignore[no-untyped-def]
    """"External Affairs" of "the External Affairs Minister will also hold meetings with ..." is part of a
    title: "whom" is answered by the people met, not by the portfolio the trees rank first."""
    answer = answerer.ask("Apart from the ministerial, whom will the foreign minister meet while in the US?")
    assert answer.answer == "senior members of the US administration"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When is the Critical Minerals Ministerial?", "February 4"),
        ("When did the US Department of State make its announcement about the ministerial?", "January"),
    ],
)
def test_the_date_a_statement_was_made_answers_only_when_it_was_said(  # type: ignore[no-untyped-def]
    answerer, question: str, expected: str,
) -> None:
    """"... had said in January that the inaugural Critical Minerals Ministerial, to be held on February 4,
    ...": January is when it was said, February 4 when the Ministerial is."""
    assert answerer.ask(question).answer == expected


def test_a_phrase_naming_the_subject_is_not_its_object(answerer) -> None:  # type: ignore[no-untyped-def]
    """"What did Jaishankar and Rubio agree on?" asks for what they agreed on; "External Affairs Minister S.
    Jaishankar" names one of them (the seed says nothing they agreed on, so nothing fits)."""
    answer = answerer.ask("What did Jaishankar and Rubio agree on in their bilateral meeting?")
    assert answer.answer is None or "Jaishankar" not in answer.answer


def test_the_cited_source_answers_which_body_said_so(answerer) -> None:  # type: ignore[no-untyped-def]
    """"..., according to an official release by the Ministry of External Affairs": the cited source is who
    announced it, ahead of the other organisations and places the sentence names."""
    answer = answerer.ask("Which body announced Jaishankar's visit to the United States?")
    assert answer.answer == "Ministry of External Affairs"


@pytest.mark.parametrize("question", ["Whom did the delegation meet?",
                                      "Whom did the US Congressional delegation meet?"])
def test_whoever_the_subject_is_written_with_is_not_its_object(answerer, question: str) -> None:  # type: ignore[no-untyped-def]
    """"US Congressional Delegation led by ... Mike Rogers met Defence Secretary Shri Rajesh Kumar Singh":
    Mike Rogers, written between the subject and its verb, belongs to the delegation, here and in the
    sentence that names him without "met"; the delegation met the Defence Secretary."""
    answer = answerer.ask(question)
    assert answer.answer is not None and answer.answer.endswith("Rajesh Kumar Singh"), answer.answer


def test_which_edition_is_answered_by_the_word_before_the_thing(answerer) -> None:  # type: ignore[no-untyped-def]
    """"Which edition of the Critical Minerals Ministerial ...?" asks for a kind of that thing: "inaugural",
    written before it, and not Marco Rubio, who holds it."""
    answer = answerer.ask("Which edition of the Critical Minerals Ministerial is being held on February 4?")
    assert answer.answer == "inaugural"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What topics will the Ministerial centre on?", "supply chain resilience"),  # "will focus on <...>"
        ("What will the Critical Minerals Ministerial concentrate on?", "supply chain resilience"),
        ("What did the January 27 meeting address?", "deepening defence industry collaboration"),  # "discussions on"
    ],
)
def test_a_word_saying_what_something_is_about_stands_for_another(  # type: ignore[no-untyped-def]
    answerer, question: str, expected: str,
) -> None:
    """"Concentrate on", "centre on", "address": the article says "focus on" or "discussions on"; what follows
    answers, with the confidence of a sentence that uses the question's word."""
    answer = answerer.ask(question)
    assert answer.answer is not None and answer.answer.startswith(expected), answer.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who organised the Finance Ministerial?", "Scott Bessent"),  # "Bessent convened a ... Ministerial"
        ("Which American official hosted the finance ministers' meeting?", "Scott Bessent"),
        # ...and coming together is being convened: "convened a ... Finance Ministerial in Washington".
        ("Where did the finance ministers assemble?", "Washington"),
    ],
)
def test_hosting_an_event_is_convening_it(answerer, question: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert answerer.ask(question).answer == expected


def test_the_object_of_the_questions_own_verb_beats_one_of_its_class(answerer) -> None:  # type: ignore[no-untyped-def]
    """"What did the talks emphasise?": "the talks" are the article's "discussions", and of "discussions on
    <deepening ...>" and "with emphasis on <strengthening ...>", the question's own word answers."""
    answer = answerer.ask("What did the talks with the Defence Secretary emphasise?")
    assert answer.answer == "strengthening cooperation in the field of defence industry"


def test_which_pact_is_no_person_when_an_agreement_is_named(answerer) -> None:  # type: ignore[no-untyped-def]
    """"Which ... defence pact ...?" is answered by the phrase ending on "Agreement" (a pact's kin), not by the
    people named in the same sentence."""
    answer = answerer.ask("Which recently finalised India-US defence pact came up in the talks with the delegation?")
    assert answer.answer is not None and answer.answer.endswith("Major Defence Partnership Framework Agreement")


@pytest.fixture(scope="module")
def delegation_answerer(answerer_over):  # type: ignore[no-untyped-def]
    """A real answerer over one sentence saying who went along with whom, and whom they met."""
    return answerer_over("port", (
        "Port talks\n\nA trade delegation led by Mayor Ellen Park, along with harbour director Ravi Shah, held "
        "talks with Transport Minister Tom Reyes in Halifax on Monday. Minister Reyes later met union leader "
        "Ana Ortiz.\n"))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who accompanied the trade delegation?", {"Ravi Shah"}),  # named after "along with"
        ("Whom did Ravi Shah accompany?", {"Ellen Park"}),  # named last before it
        # The person the article titles "Transport Minister" is named by the question, not asked for...
        ("Who held talks with the Transport Minister?", {"Ellen Park", "Mayor Ellen Park", "Ravi Shah"}),
        # ...unless the question asks who holds the title.
        ("Who is the Transport Minister?", {"Tom Reyes"}),
    ],
)
def test_who_went_with_whom(delegation_answerer, question: str, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert delegation_answerer.ask(question).answer in expected


@pytest.fixture(scope="module")
def crash_answerer(answerer_over):  # type: ignore[no-untyped-def]
    """A real answerer over a report naming a singer, places and a company, but no pilot."""
    return answerer_over("crash", (
        "Singer's label loses case\n\nSinger Ava Lee had completed a music video when the plane crashed in the "
        "Bahamas. She and eight others were killed on the plane, which crashed as it left for Florida. Her "
        "record company, Blue Note Records, has failed in an attempt to sue the video producer.\n"))


@pytest.mark.parametrize("question", [
    "Which pilot flew the plane that crashed with Ava Lee?",
    "What was the name of the pilot of the plane that crashed with Ava Lee on board?",
])
def test_a_named_kind_of_person_is_not_the_person_asked_about_nor_a_place(crash_answerer, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = crash_answerer.ask(question).answer
    assert answer is None or ("Ava Lee" not in answer and answer not in ("Bahamas", "Florida"))


def test_a_named_kind_of_person_is_answered_by_a_person(crash_answerer) -> None:  # type: ignore[no-untyped-def]
    assert crash_answerer.ask("Which singer died in the crash?").answer == "Ava Lee"


@pytest.mark.parametrize(
    ("question", "sentence", "withholds"),
    [
        ("How much did Ask Jeeves pay for Bloglines?", "How much Ask Jeeves paid for Bloglines was not revealed.",
         True),
        ("How much did Ask Jeeves pay?", "Terms of the acquisition were not disclosed.", True),  # money: any terms
        ("What is the financial value of the merger?",
         "The merger was announced on Tuesday, but no financial details were revealed.", True),
        # The clause withholding the details says nothing of when the merger was announced.
        ("When was the merger announced?",
         "The merger was announced on Tuesday, but no financial details were revealed.", False),
        ("When was the album released?", "The album was released in May.", False),
    ],
)
def test_a_sentence_saying_it_was_not_disclosed(question: str, sentence: str, withholds: bool) -> None:
    from qa.answerer import _withholds
    from qa.question import analyse

    assert _withholds(analyse(question), sentence) is withholds


@pytest.fixture(scope="module")
def deal_answerer(answerer_over):  # type: ignore[no-untyped-def]
    return answerer_over("deal", (
        "Ask Jeeves buys Bloglines\n\nAsk Jeeves has bought the web feed service Bloglines. The deal was announced "
        "on Tuesday, but how much Ask Jeeves paid for Bloglines was not revealed. Bloglines has 200,000 users.\n"))


def test_what_the_briefing_says_was_not_disclosed_is_not_answered(deal_answerer) -> None:  # type: ignore[no-untyped-def]
    answer = deal_answerer.ask("How much did Ask Jeeves pay for Bloglines?")
    assert answer.answer is None and "not disclosed" in answer.message
    assert "was not revealed" in answer.related[0].text
    # The same sentence still dates the deal.
    assert deal_answerer.ask("When was the deal announced?").answer == "Tuesday"
