"""qa.resolver: follow-up questions rewritten into standalone ones, deterministically, from earlier turns."""

from __future__ import annotations

import re

import pytest

from qa.resolver import Resolution, TurnMemory, needs_history, remember, resolve


@pytest.fixture(scope="module")
def minerals() -> list[TurnMemory]:
    return [remember("Who convened the Critical Minerals Ministerial?", "Marco Rubio", "person", "d")]


@pytest.fixture(scope="module")
def delegation() -> list[TurnMemory]:
    return [remember("Who led the US Congressional delegation?", "Mike Rogers", "person", "d")]


@pytest.fixture(scope="module")
def washington() -> list[TurnMemory]:
    return [remember("Where was the Finance Ministerial held?", "Washington", "place", "d")]


@pytest.fixture
def histories(
    minerals: list[TurnMemory], delegation: list[TurnMemory], washington: list[TurnMemory],
) -> dict[str, list[TurnMemory]]:
    return {"minerals": minerals, "delegation": delegation, "washington": washington,
            "both": minerals + washington, "none": []}


# ----------------------------------------------------------------------------------------- remember


def test_remember_keeps_people_topics_and_the_answer(minerals: list[TurnMemory]) -> None:
    (memory,) = minerals
    assert memory.resolved_question == "Who convened the Critical Minerals Ministerial?"
    assert memory.people[0] == "Marco Rubio"  # the person answer comes first
    assert memory.things[0] == "the Critical Minerals Ministerial"
    assert memory.doc_id == "d" and memory.answer_type == "person"


def test_remember_a_place_answer(washington: list[TurnMemory]) -> None:
    (memory,) = washington
    assert memory.places[0] == "Washington"
    assert memory.people == []
    assert "the Finance Ministerial" in memory.things


def test_remember_puts_capitalised_topics_first() -> None:
    memory = remember("Which committee did the delegation from the House Armed Services Committee meet?",
                      None, None, None)
    assert memory.things == ["the House Armed Services Committee", "the delegation"]
    assert memory.people == [] and memory.answer is None


# ------------------------------------------------------------------------------------------ resolve

# (history, follow-up, standalone form, rule)
RESOLUTIONS = [
    ("minerals", "When will it be held?", "When will the Critical Minerals Ministerial be held?", "pronoun",
     "it-topic"),
    ("minerals", "Who represented India there?",
     "Who represented India at the Critical Minerals Ministerial?", "pronoun", "there-topic"),
    ("minerals", "And the Finance Ministerial?", "Who convened the Finance Ministerial?", "and-x", "and-x"),
    ("minerals", "Same for the Finance Ministerial?", "Who convened the Finance Ministerial?", "and-x",
     "same-for"),
    ("minerals", "Which meeting did he attend?", "Which meeting did Marco Rubio attend?", "pronoun",
     "he-person-answer"),
    ("minerals", "What is his position?", "What is Marco Rubio's position?", "pronoun", "his-possessive"),
    ("minerals", "What is its focus?", "What is the Critical Minerals Ministerial's focus?", "pronoun",
     "its-possessive"),
    ("minerals", "Where did he hold it?", "Where did Marco Rubio hold the Critical Minerals Ministerial?",
     "pronoun", "two-pronouns"),
    ("minerals", "When?", "When is the Critical Minerals Ministerial?", "bare-wh", "bare-when"),
    ("minerals", "And where?", "Where is the Critical Minerals Ministerial?", "bare-wh", "bare-and-where"),
    ("minerals", "Who?", "Who is involved in the Critical Minerals Ministerial?", "bare-wh", "bare-who"),
    ("minerals", "Who attended that meeting?", "Who attended the Critical Minerals Ministerial?",
     "demonstrative", "that-meeting"),
    ("minerals", "Who is Scott Bessent?", "Who is Scott Bessent?", "standalone", "topic-switch-person"),
    ("minerals", "What did the Ministry of Defence say?", "What did the Ministry of Defence say?",
     "standalone", "topic-switch-org"),
    ("minerals", "What is the population of India?", "What is the population of India?", "standalone",
     "unrelated"),
    ("minerals", "There were talks, who attended?", "There were talks, who attended?", "standalone",
     "existential-there-were"),
    ("delegation", "What did they discuss?", "What did the US Congressional delegation discuss?", "pronoun",
     "they-topic"),
    ("delegation", "Which committee does he chair?", "Which committee does Mike Rogers chair?", "pronoun",
     "he-chair"),
    ("delegation", "When did they meet?", "When did the US Congressional delegation meet?", "pronoun",
     "they-meet"),
    ("washington", "Who was there?", "Who was in Washington?", "pronoun", "there-place-answer"),
    ("both", "Who convened it?", "Who convened the Finance Ministerial?", "pronoun", "latest-topic-wins"),
    ("both", "What did he say?", "What did Marco Rubio say?", "pronoun", "person-from-earlier-turn"),
    ("none", "When will it be held?", "When will it be held?", "standalone", "no-history"),
]


@pytest.mark.parametrize(
    ("history", "question", "expected", "rule"),
    [r[:4] for r in RESOLUTIONS], ids=[r[4] for r in RESOLUTIONS],
)
def test_resolve(
    histories: dict[str, list[TurnMemory]], history: str, question: str, expected: str, rule: str,
) -> None:
    resolution = resolve(question, histories[history])
    assert (resolution.resolved, resolution.rule) == (expected, rule)
    assert resolution.question == question
    assert resolution.changed is (expected != question)


def test_bare_when_mentions_the_topic(minerals: list[TurnMemory]) -> None:
    resolution = resolve("When?", minerals)
    assert "Critical Minerals Ministerial" in resolution.resolved
    assert resolution.resolved.startswith("When ") and resolution.resolved.endswith("?")


def test_whitespace_is_collapsed(minerals: list[TurnMemory]) -> None:
    assert resolve("  Who is   Scott Bessent? ", minerals).resolved == "Who is Scott Bessent?"


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("There is a date, when?", id="there-is"),
        pytest.param("There are partners, who?", id="there-are"),
        pytest.param("There were talks, who attended?", id="there-were"),
        pytest.param("Who said there was a delay?", id="there-was-mid-sentence"),
    ],
)
def test_existential_there_before_a_verb_is_not_a_place(minerals: list[TurnMemory], question: str) -> None:
    resolved = resolve(question, minerals).resolved
    assert not re.search(r"\b(at|in) the Critical Minerals Ministerial (is|are|was|were)\b", resolved)
    assert "there" in resolved.lower()


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("Is there a date?", id="is-there"),
        pytest.param("Are there any partners?", id="are-there"),
        pytest.param("Was there a vote?", id="was-there"),
        pytest.param("Where is there a meeting?", id="wh-is-there"),
    ],
)
def test_inverted_existential_there_is_not_a_place(minerals: list[TurnMemory], question: str) -> None:
    resolved = resolve(question, minerals).resolved
    assert not re.search(r"\b(is|are|was|were) (at|in) ", resolved, re.IGNORECASE)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("What about the Finance Ministerial?", "Who convened the Finance Ministerial?",
                     id="what-about"),
        pytest.param("How about the Finance Ministerial?", "Who convened the Finance Ministerial?",
                     id="how-about"),
    ],
)
def test_what_about_x(minerals: list[TurnMemory], question: str, expected: str) -> None:
    assert resolve(question, minerals).resolved == expected


def test_what_about_a_pronoun_resolves_the_pronoun(minerals: list[TurnMemory]) -> None:
    """"What about him?" is no new topic to swap in: the pronoun is resolved instead."""
    resolution = resolve("What about him?", minerals)
    assert (resolution.resolved, resolution.rule) == ("What about Marco Rubio?", "pronoun")


def test_and_for_x(minerals: list[TurnMemory]) -> None:
    resolved = resolve("And for the Finance Ministerial?", minerals).resolved
    assert resolved == "Who convened the Finance Ministerial?"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("Where did Scott Bessent say he would go?", "Where did Scott Bessent say he would go?",
                     id="he-after-a-named-person"),
        pytest.param("What did Scott Bessent say in his post?", "What did Scott Bessent say in his post?",
                     id="his-after-a-named-person"),
        pytest.param("Who convened the Finance Ministerial and where was it held?",
                     "Who convened the Finance Ministerial and where was it held?",
                     id="it-after-a-named-topic"),
    ],
)
def test_pronoun_with_an_antecedent_in_the_question_is_kept(
    minerals: list[TurnMemory], question: str, expected: str,
) -> None:
    assert resolve(question, minerals).resolved == expected


def test_bare_why_is_a_grammatical_question(minerals: list[TurnMemory]) -> None:
    assert resolve("Why?", minerals).resolved != "Why convened the Critical Minerals Ministerial?"


def test_resolution_changed_property() -> None:
    assert Resolution("When?", "When is X?", "bare-wh").changed
    assert not Resolution("Who is X?", "Who is X?", "standalone").changed


# ------------------------------------------------------------------------------------- needs_history


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("When will it be held?", True, id="it"),
        pytest.param("Which committee does he chair?", True, id="he"),
        pytest.param("What is her role?", True, id="her"),
        pytest.param("What did they discuss?", True, id="they"),
        pytest.param("Who represented India there?", True, id="there"),
        pytest.param("And the Finance Ministerial?", True, id="and-x"),
        pytest.param("What about Scott Bessent?", True, id="what-about"),
        pytest.param("When?", True, id="bare-wh"),
        pytest.param("and where?", True, id="bare-and-where"),
        pytest.param("Who attended that meeting?", True, id="demonstrative"),
        pytest.param("Which ministry said so?", True, id="said-so"),
        pytest.param("According to whom?", True, id="according-to-whom"),
        pytest.param("Who is Scott Bessent?", False, id="named-person"),
        pytest.param("What did the Ministry of Defence say?", False, id="named-org"),
        pytest.param("Who convened the Critical Minerals Ministerial?", False, id="seed-standalone"),
        pytest.param("What is the capital of France?", False, id="generic"),
        pytest.param("Which items were on the agenda?", False, id="it-inside-a-word"),
        pytest.param("Where is Theresa May?", False, id="there-inside-a-word"),
    ],
)
def test_needs_history(question: str, expected: bool) -> None:
    assert needs_history(question) is expected


@pytest.mark.parametrize("question", [q for _, q, _, rule, _ in RESOLUTIONS if rule != "standalone"])
def test_every_rewritten_question_needed_history(question: str) -> None:
    assert needs_history(question)


@pytest.mark.parametrize(
    ("previous", "answer", "follow_up", "expected"),
    [
        pytest.param("Who did the delegation hold discussions with?", "Rajesh Kumar Singh", "When?",
                     "When did the delegation hold discussions with Rajesh Kumar Singh?", id="dangling-preposition"),
        pytest.param("Which agreement did the delegation discuss?", "the framework agreement", "Why?",
                     "Why did the delegation discuss the framework agreement?", id="which-object"),
        pytest.param("When will Jaishankar visit the United States?", "February 2-4", "Why?",
                     "Why will Jaishankar visit the United States?", id="adverbial-kept"),
        pytest.param("Who did the delegation meet?", "Rajesh Kumar Singh", "Who?",
                     "Who did the delegation meet?", id="same-question-word"),
    ],
)
def test_bare_wh_fills_the_object_the_previous_answer_named(
    previous: str, answer: str, follow_up: str, expected: str,
) -> None:
    """A bare question word after an object question asks about the answer in that slot."""
    history = [remember(previous, answer, "person", "d")]
    assert resolve(follow_up, history).resolved == expected


def test_a_named_thing_in_the_answer_becomes_what_it_means() -> None:
    history = [remember("Which agreement did the delegation and the Defence Secretary discuss?",
                        "the 10-year Major Defence Partnership Framework Agreement", "other", "d")]
    assert resolve("What does it cover?", history).resolved == (
        "What does the 10-year Major Defence Partnership Framework Agreement cover?")


def test_an_unnamed_answer_leaves_the_topic_in_place() -> None:
    history = [remember("What did the Finance Ministerial discuss?",
                        "ways to strengthen and diversify critical mineral supply chains", "other", "d")]
    assert resolve("Who convened it?", history).resolved == "Who convened the Finance Ministerial?"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        pytest.param("What did the finance meeting explore?", "the finance meeting", id="verb-read-as-noun"),
        pytest.param("What will the Critical Minerals Ministerial focus on?", "the Critical Minerals Ministerial",
                     id="verb-and-particle"),
    ],
)
def test_topic_of_a_question_the_parser_misreads(question: str, topic: str) -> None:
    """"What did the X <verb>?" keeps X as the topic even when the parser finds no noun phrase."""
    assert remember(question, None, None, None).things[0] == topic


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # The number is what is asked: it must not be written into the question.
        ("How long does it run?", "How long does the Major Defence Partnership Framework Agreement run?"),
        ("When was it signed?", "When was the Major Defence Partnership Framework Agreement signed?"),
        # Any other question keeps the topic as the conversation named it.
        ("Who signed it?", "Who signed 10-year Major Defence Partnership Framework Agreement?"),
    ],
)
def test_a_pronoun_for_a_topic_drops_the_amount_a_question_asks_for(question: str, expected: str) -> None:
    history = [remember("Which agreement did the delegation discuss?",
                        "10-year Major Defence Partnership Framework Agreement", "other", "d")]
    assert resolve(question, history).resolved == expected


@pytest.mark.parametrize(
    ("question", "rule"),
    [
        ("Which ministry said so?", "source"),
        ("Who said that?", "source"),
        ("According to whom?", "source"),
        ("What was the source?", "source"),
        ("What is the source of rare-earth elements?", "standalone"),
        ("Who said the Ministerial will focus on supply chains?", "standalone"),
    ],
)
def test_who_said_so_points_at_the_previous_answer(minerals: list[TurnMemory], question: str, rule: str) -> None:
    resolution = resolve(question, minerals)
    assert resolution.rule == rule
    assert resolution.resolved == question  # asked whole: only where to look changes


def test_who_said_so_needs_a_previous_answer() -> None:
    unanswered = [remember("Who is the President of France?", None, "person", None)]
    assert resolve("Who said so?", unanswered).rule == "standalone"


def test_a_named_answer_of_another_kind_leaves_the_topic_in_place() -> None:
    """"What themes ...?" answered by an organisation: "it" next is still the Ministerial asked about."""
    history = [remember("What themes will the Critical Minerals Ministerial concentrate on?",
                        "US Department of State", "other", "d")]
    assert resolve("Who is hosting it?", history).resolved == "Who is hosting the Critical Minerals Ministerial?"


def test_a_remembered_person_loses_the_possessive_ending() -> None:
    history = [remember("What are the dates of S. Jaishankar's trip?", "February 2-4", "date", "d")]
    assert resolve("Which body announced his visit?", history).resolved == (
        "Which body announced S. Jaishankar's visit?")


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("And the date?", "When is the Critical Minerals Ministerial?"),
        ("What about the venue?", "Where is the Critical Minerals Ministerial?"),
        ("And its agenda?", "What is the agenda of the Critical Minerals Ministerial?"),
    ],
)
def test_and_an_attribute_asks_it_of_the_topic(minerals: list[TurnMemory], follow_up: str, expected: str) -> None:
    assert resolve(follow_up, minerals).resolved == expected


def test_that_meeting_is_the_newest_topic_of_that_kind() -> None:
    """"that meeting" is not the Defence Secretary the last question named; with no meeting named, it stays
    "the meeting"."""
    history = [remember("On what date did the American lawmakers meet India's Defence Secretary?", "January 27",
                        "date", "d")]
    assert resolve("What did the two sides discuss at that meeting?", history).resolved == (
        "What did the two sides discuss at the meeting?")


def test_which_organisation_made_that_statement_asks_for_the_source(minerals: list[TurnMemory]) -> None:
    assert resolve("Which organisation made that statement?", minerals).rule == "source"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Do I know her?", "Do I know Nicole?"),
        ("What do I do to help communicate with her?", "What do I do to help communicate with Nicole?"),
        ("What color were her sisters?", "What color were Nicole's sisters?"),
    ],
    ids=["object", "object-after-preposition", "possessive"],
)
def test_her_is_possessive_only_before_what_she_owns(question: str, expected: str) -> None:
    memory = TurnMemory("Who is the girl?", "Nicole", "person", None, people=["Nicole"])
    assert resolve(question, [memory]).resolved == expected


def test_only_a_name_answering_who_stands_for_he_next() -> None:
    assert "an expensive car" not in remember("Who bought it?", "an expensive car", "person", None).people
    assert remember("Who bought it?", "Nick Lachey", "person", None).people[0] == "Nick Lachey"
