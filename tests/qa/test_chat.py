"""qa.chat.ChatService: small talk, follow-up resolution across turns, and persistence of conversations."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answerer import QuestionError
from qa.chat import ChatService
from qa.history import ConversationNotFound, ConversationStore
from qa.smalltalk import classify

pytestmark = pytest.mark.slow


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "conversations.sqlite3"


@pytest.fixture
def service(answerer, db_path: Path) -> ChatService:  # type: ignore[no-untyped-def]
    return ChatService(answerer, ConversationStore(db_path))


# ------------------------------------------------------------------------------------------ small talk


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        pytest.param("hello", "greeting", id="hello"),
        pytest.param("Hi there!", "greeting", id="hi-there"),
        pytest.param("Good morning", "greeting", id="good-morning"),
        pytest.param("thanks", "thanks", id="thanks"),
        pytest.param("Thank you very much!", "thanks", id="thank-you"),
        pytest.param("help", "help", id="help"),
        pytest.param("What can you do?", "help", id="what-can-you-do"),
    ],
)
def test_small_talk_replies_with_example_questions(service: ChatService, message: str, kind: str) -> None:
    assert classify(message) == kind
    reply = service.ask(message)
    answer = reply.answer
    assert answer.kind == "smalltalk" and answer.answer is None
    assert answer.citations == [] and answer.related == []
    assert answer.resolved_question == message
    examples = service.examples
    assert examples and examples[0] == "What is this briefing about?"
    for example in examples:
        assert example in answer.message
    assert reply.position == 0
    stored = service.history(reply.conversation_id)
    assert [t.payload["kind"] for t in stored] == ["smalltalk"]


def test_goodbye_is_small_talk(service: ChatService) -> None:
    answer = service.ask("bye").answer
    assert answer.kind == "smalltalk" and answer.answer is None and "Goodbye" in answer.message


def test_example_questions_name_the_briefing(service: ChatService) -> None:
    examples = service.examples
    assert 1 <= len(examples) <= 4
    assert any("Marco Rubio" in q or "Mike Rogers" in q for q in examples)


# ------------------------------------------------------------------------------------------ follow-ups


def test_follow_up_is_resolved_against_the_previous_turn(service: ChatService) -> None:
    first = service.ask("Who convened the Critical Minerals Ministerial?")
    cid = first.conversation_id
    second = service.ask("When will it be held?", cid)
    assert second.conversation_id == cid and second.position == 1
    assert second.answer.question == "When will it be held?"
    assert "Critical Minerals Ministerial" in second.answer.resolved_question
    assert second.to_dict()["resolved_question"] == second.answer.resolved_question
    turns = service.history(cid)
    assert [t.question for t in turns] == [
        "Who convened the Critical Minerals Ministerial?", "When will it be held?",
    ]
    assert turns[1].resolved_question == second.answer.resolved_question


def test_standalone_second_question_is_not_rewritten(service: ChatService) -> None:
    cid = service.ask("Who convened the Critical Minerals Ministerial?").conversation_id
    standalone = ["Who is Scott Bessent?", "What did the Ministry of Defence say?"]
    for position, question in enumerate(standalone, start=1):
        reply = service.ask(question, cid)
        assert reply.position == position
        assert reply.answer.resolved_question == question


def test_follow_up_in_a_new_conversation_is_not_rewritten(service: ChatService) -> None:
    service.ask("Who convened the Critical Minerals Ministerial?")
    reply = service.ask("When will it be held?")  # another, fresh conversation
    assert reply.answer.resolved_question == "When will it be held?"


def test_small_talk_between_turns_does_not_break_the_follow_up(service: ChatService) -> None:
    cid = service.ask("Who convened the Critical Minerals Ministerial?").conversation_id
    service.ask("thanks", cid)
    reply = service.ask("When will it be held?", cid)
    assert "Critical Minerals Ministerial" in reply.answer.resolved_question


def test_reply_contract(service: ChatService) -> None:
    payload = service.ask("Who convened the Finance Ministerial?").to_dict()
    assert set(payload) == {
        "conversation_id", "question", "resolved_question", "answer", "message", "confidence", "kind", "citations",
        "related", "date_value", "scope",
    }


# ---------------------------------------------------------------------------------- errors, persistence


def test_unknown_conversation(service: ChatService) -> None:
    with pytest.raises(ConversationNotFound):
        service.ask("Who convened the Finance Ministerial?", "no-such-conversation")
    with pytest.raises(ConversationNotFound):
        service.history("no-such-conversation")


@pytest.mark.parametrize("question", ["", "   ", "x" * 1001], ids=["empty", "blank", "too-long"])
def test_unusable_question_is_rejected_before_anything_is_stored(
    service: ChatService, question: str,
) -> None:
    cid = service.start()
    with pytest.raises(QuestionError):
        service.ask(question, cid)
    assert service.history(cid) == []


def test_history_persists_across_a_new_service(answerer, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = ChatService(answerer, ConversationStore(db_path))
    cid = first.ask("Who convened the Critical Minerals Ministerial?").conversation_id

    second = ChatService(answerer, ConversationStore(db_path))
    turns = second.history(cid)
    assert [t.question for t in turns] == ["Who convened the Critical Minerals Ministerial?"]
    assert turns[0].payload["kind"] in ("answer", "abstain")
    follow = second.ask("When will it be held?", cid)
    assert follow.position == 1
    assert "Critical Minerals Ministerial" in follow.answer.resolved_question


def test_who_said_so_answers_from_the_sentence_of_the_previous_answer(service: ChatService) -> None:
    first = service.ask("What did the talks emphasise about the defence partnership agreement?")
    assert first.answer.kind == "answer"
    cited = first.answer.citations[0]
    follow = service.ask("Which ministry said so?", first.conversation_id).answer
    assert follow.kind == "answer" and follow.resolved_question == "Which ministry said so?"
    assert follow.citations[0].start == cited.start  # the same statement, not another one alike
    assert "Ministry of Defence" in follow.answer


def test_a_bare_follow_up_reads_the_sentence_after_the_previous_answer(service: ChatService) -> None:
    """ "When?" after "Who did they hold discussions with?" is answered by the next sentence, which names
    the meeting only as "The meeting" and shares none of the resolved question's words."""
    first = service.ask("Who did the US Congressional delegation hold discussions with?")
    assert "Rajesh Kumar Singh" in (first.answer.answer or "")
    follow = service.ask("When?", first.conversation_id).answer
    assert follow.resolved_question != "When?"
    assert follow.kind == "answer" and follow.answer == "January 27"
    # The cited sentence is the one that names the meeting only as "The meeting" (the first answer may cite
    # either sentence that names Rajesh Kumar Singh, so their order is not the point).
    assert follow.citations[0].text.startswith("The meeting")


@pytest.mark.xfail(strict=True, reason="reader round: 'What was the emphasis?' is answered from another sentence "
                   "than the quote, so the source asked next is not the ministry's")
@pytest.mark.parametrize(
    "source_question", ["Which organisation made that statement?", "Who said so?"],
)
def test_who_made_a_quoted_statement_is_its_source_not_a_name_inside_it(
    service: ChatService, source_question: str,
) -> None:
    """The emphasis comes from a quote ending '..., the Ministry of Defence said in a post on X': the source is
    the ministry, not the delegation or the people the quote names."""
    conversation = service.start()
    service.ask("Which agreement did the Congressional delegation and the Defence Secretary discuss?", conversation)
    emphasis = service.ask("What was the emphasis?", conversation).answer
    assert emphasis.answer == "strengthening cooperation in the field of defence industry"
    source = service.ask(source_question, conversation).answer
    assert source.answer == "Ministry of Defence"


def test_example_questions_follow_a_swapped_index(answerer, tmp_path: Path, single_thread_torch: None) -> None:  # type: ignore[no-untyped-def]
    """A living briefing swaps in a new index; the starter questions come from the one now live."""
    from qa.answerer import Answerer

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "summit.md").write_text(
        "# Leaders meet in Berlin\n\nAngela Merkel met Emmanuel Macron in Berlin on Monday. Angela Merkel said "
        "the talks with Emmanuel Macron were useful, and Emmanuel Macron agreed.\n", encoding="utf-8")
    other = Answerer(corpus, tmp_path / "index").load()
    chat = ChatService(other, ConversationStore(tmp_path / "conversations.db"))
    assert any("Merkel" in q or "Macron" in q for q in chat.examples)
    other.swap(answerer.index)
    assert any("Marco Rubio" in q or "Mike Rogers" in q for q in chat.examples)
    assert not any("Merkel" in q or "Macron" in q for q in chat.examples)


@pytest.mark.parametrize(
    ("form", "reads_history", "reads_as_asked"),
    [("history", True, True), ("rewrite+history", True, False), ("rewrite", False, False)],
)
def test_a_follow_up_hands_the_reader_what_its_form_reads(
    answerer, db_path: Path, monkeypatch, form: str, reads_history: bool, reads_as_asked: bool,  # type: ignore[no-untyped-def]
) -> None:
    """"history" reads the question as asked after the last turns; "rewrite+history" the rewrite after
    them; "rewrite" the rewrite alone. Retrieval always gets the rewrite."""
    seen = []
    ask = answerer.ask

    def spy(question, context=None, resolved=None, question_vector=None):  # type: ignore[no-untyped-def]
        seen.append((context, resolved))
        return ask(question, context, resolved=resolved, question_vector=question_vector)

    monkeypatch.setattr(answerer, "ask", spy)
    service = ChatService(answerer, ConversationStore(db_path), followup_form=form)
    first = service.ask("Who convened the Critical Minerals Ministerial?")
    assert first.answer.kind == "answer"
    service.ask("When will it be held?", first.conversation_id)
    context, resolved = seen[-1]
    assert "Critical Minerals Ministerial" in resolved
    assert context.history == (((first.answer.question, first.answer.answer),) if reads_history else ())
    assert context.reader_question == ("When will it be held?" if reads_as_asked else None)


@pytest.mark.parametrize("surer", ["history", "rewrite"])
def test_either_form_keeps_the_surer_of_its_two_readings(
    answerer, db_path: Path, monkeypatch, surer: str,  # type: ignore[no-untyped-def]
) -> None:
    """"either" reads a follow-up twice, after the earlier turns and as the rewrite alone, and replies with
    the reading of higher confidence; a first question (no history) is read once."""
    from dataclasses import replace

    calls = []
    ask = answerer.ask

    def rigged(question, context=None, resolved=None, question_vector=None):  # type: ignore[no-untyped-def]
        answer = ask(question, context, resolved=resolved, question_vector=question_vector)
        form = "history" if context is not None and context.history else "rewrite"
        calls.append(form)
        if not any(c == "history" for c in calls):
            return answer  # the first question
        return replace(answer, answer=f"read as {form}", confidence=0.9 if form == surer else 0.2)

    monkeypatch.setattr(answerer, "ask", rigged)
    service = ChatService(answerer, ConversationStore(db_path), followup_form="either")
    first = service.ask("Who convened the Critical Minerals Ministerial?")
    assert calls == ["rewrite"]
    second = service.ask("When will it be held?", first.conversation_id)
    assert calls == ["rewrite", "history", "rewrite"]
    assert second.answer.answer == f"read as {surer}"
    assert second.answer.confidence == 0.9
    assert service.history(first.conversation_id)[-1].answer == f"read as {surer}"


def test_either_is_the_default_follow_up_form(answerer, db_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("QA_FOLLOWUP_FORM", raising=False)
    assert ChatService(answerer, ConversationStore(db_path)).followup_form == "either"


def test_an_unknown_follow_up_form_is_refused(answerer, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="followup_form"):
        ChatService(answerer, ConversationStore(db_path), followup_form="poetry")


@pytest.mark.parametrize("found_there", [True, False], ids=["answered-in-the-article", "declined-there"])
def test_a_leaning_follow_up_is_read_in_the_last_answers_article_first(
    answerer, db_path: Path, monkeypatch, found_there: bool,  # type: ignore[no-untyped-def]
) -> None:
    """"When will it be held?" is read within the article the last answer came from; only if the reader
    declines there is the whole briefing read. A standalone second question is read in the whole briefing."""
    from dataclasses import replace

    scopes = []
    ask = answerer.ask

    def rigged(question, context=None, resolved=None, question_vector=None):  # type: ignore[no-untyped-def]
        scopes.append(context.scope if context is not None else ())
        answer = ask(question, context, resolved=resolved, question_vector=question_vector)
        if context is not None and context.scope and not found_there:
            return replace(answer, answer=None, kind="abstain", confidence=0.0)
        return answer

    monkeypatch.setattr(answerer, "ask", rigged)
    service = ChatService(answerer, ConversationStore(db_path), followup_form="rewrite")
    first = service.ask("Who convened the Critical Minerals Ministerial?")
    article = first.answer.doc_id
    assert scopes == [()] and article
    second = service.ask("When will it be held?", first.conversation_id).answer
    assert scopes[1:] == ([(article,)] if found_there else [(article,), ()])
    assert second.kind == "answer" and second.doc_id == article
    del scopes[:]
    service.ask("Who is Scott Bessent?", first.conversation_id)
    assert scopes == [()]
    assert service.store.scope(first.conversation_id) == ()  # the conversation itself stays unscoped


def test_a_follow_up_after_its_article_was_removed_reads_the_whole_briefing(
    answerer, db_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """The last answer's article may have been deleted since (a live write, even between the check and the
    read): the follow-up is then read in the whole briefing, not refused."""
    from qa.answerer import UnknownDocument

    service = ChatService(answerer, ConversationStore(db_path), followup_form="rewrite")
    first = service.ask("Who convened the Critical Minerals Ministerial?")
    assert service._indexed(first.answer.doc_id)
    assert not service._indexed("no-such-article") and not service._indexed(None)
    ask = answerer.ask

    def gone(question, context=None, resolved=None, question_vector=None):  # type: ignore[no-untyped-def]
        if context is not None and context.scope:
            raise UnknownDocument(context.scope[0])
        return ask(question, context, resolved=resolved, question_vector=question_vector)

    monkeypatch.setattr(answerer, "ask", gone)
    second = service.ask("When will it be held?", first.conversation_id).answer
    assert second.kind == "answer" and second.answer
