"""scripts/followup_data.py: SQuAD questions made into follow-ups whose name is recoverable only from history."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))  # scripts/ is a folder of scripts, not an installed package

from scripts.followup_data import followups, person_pronoun, pronominalize  # noqa: E402

pytestmark = pytest.mark.slow

HER = "Beyoncé Knowles is a singer. She rose to fame with Destiny's Child. Her first album sold well."
HIM = "Kanye West is a rapper. He was arrested in 2008 and his bail was set at $20,000."


@pytest.fixture(scope="module")
def nlp():
    import spacy

    from index.annotator import SPACY_MODEL

    return spacy.load(SPACY_MODEL, exclude=["lemmatizer", "parser"])


@pytest.mark.parametrize(("question", "earlier", "paragraph", "made"), [
    # a person, as subject, takes the pronoun the paragraph uses for people
    ("When did Beyoncé release her first album?", "Who is Beyoncé Knowles? a singer", HER,
     "When did she release her first album?"),
    ("How much was Kanye's bail?", "What was Kanye arrested for? vandalism", HIM, "How much was his bail?"),
    # a thing: "it", "its"; the article before the name goes with it
    ("How many copper alloys has the EPA approved?", "What does EPA stand for? Environmental Protection Agency",
     "", "How many copper alloys has it approved?"),
    ("What was Apple's revenue in 2007?", "Who founded Apple? Steve Jobs", "", "What was its revenue in 2007?"),
    # after a preposition, the object form
    ("How many people died in the first raid on London?", "Where did the king stay? London", "",
     "How many people died in the first raid on it?"),
])
def test_a_name_the_earlier_turn_holds_becomes_a_pronoun(nlp, question, earlier, paragraph, made):
    assert pronominalize(nlp(question), earlier, paragraph) == made


@pytest.mark.parametrize(("question", "earlier"), [
    ("When did Beyoncé release her first album?", "Who founded Apple? Steve Jobs"),  # not named before
    ("How many China Mobile stations stopped working?", "Where is China? Asia"),  # part of a longer name
    ("Who thought the senses mattered less, Aristotle or Plato?", "Who taught Aristotle? Plato"),  # a list
])
def test_a_question_without_a_shared_whole_name_is_left_out(nlp, question, earlier):
    assert pronominalize(nlp(question), earlier, HER) is None


def test_the_paragraph_decides_he_or_she():
    assert person_pronoun(HER) == "she"
    assert person_pronoun(HIM) == "he"
    assert person_pronoun("The committee met in Geneva.") == "they"


def test_followups_keep_the_gold_span_and_the_turns_before(nlp, tmp_path):
    context = "Apple was founded by Steve Jobs in 1976. Apple's revenue in 2007 was $24 billion."
    qas = [
        {"question": "Who founded Apple?", "answers": [{"text": "Steve Jobs", "answer_start": 21}]},
        {"question": "What was Apple's revenue in 2007?",
         "answers": [{"text": "$24 billion", "answer_start": context.index("$24")}]},
        {"question": "When was it founded?", "answers": []},  # no answer: never used
    ]
    path = tmp_path / "train.json"
    path.write_text(json.dumps({"data": [{"title": "Apple", "paragraphs": [{"context": context, "qas": qas}]}]}))
    made = followups(path, 10, random.Random(0), nlp)
    assert len(made) == 1
    only = made[0]
    assert only.question == "What was its revenue in 2007?"
    assert only.original == "What was Apple's revenue in 2007?"
    assert only.history == (("Who founded Apple?", "Steve Jobs"),)
    assert context[only.start:only.end] == "$24 billion"
