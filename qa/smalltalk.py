"""Greetings, thanks and requests for help: a friendly reply with example questions, never an answer."""

from __future__ import annotations

import re
from collections import Counter

from index.annotator import LABEL_ID
from index.store import LoadedIndex

_GREETING = re.compile(
    r"^(hi|hello|hey|hiya|good (morning|afternoon|evening)|greetings|howdy|yo)\b[\s!.,?]*(there|bot)?[\s!.?]*$", re.I)
_THANKS = re.compile(
    r"^(thanks|thank you|thx|cheers|great|perfect|awesome|ok(ay)?|cool)\b[\s!.,]*"
    r"(so much|very much|a lot|again|for (the|your) help|you)?[\s!.]*$", re.I)
_HELP = re.compile(
    r"^(\?+|help( me)?|what can (you|i) (do|ask)( here)?|how does this work|what do you know|"
    r"what can i ask( you)?|who are you|what are you)[\s!.?]*$", re.I)
_BYE = re.compile(r"^(bye|goodbye|see you|that'?s all)\b[\s!.]*$", re.I)


def classify(message: str) -> str | None:
    text = message.strip()
    for kind, pattern in (("greeting", _GREETING), ("thanks", _THANKS), ("help", _HELP), ("bye", _BYE)):
        if pattern.match(text):
            return kind
    return None


def example_questions(index: LoadedIndex, limit: int = 4) -> list[str]:
    """Starter questions built from the corpus's most mentioned people and organisations."""
    counts: dict[int, Counter[str]] = {LABEL_ID["PERSON"]: Counter(), LABEL_ID["ORG"]: Counter()}
    for sentence_row, start, end, label in index.entities[:20000]:
        if int(label) in counts:
            doc = index.documents[int(index.sentences[sentence_row, 0])]
            name = doc.text[int(start): int(end)]
            if len(name.split()) >= 2 and name[0].isupper():
                counts[int(label)][name] += 1
    questions = ["What is this briefing about?"]
    people = [p for p, _ in counts[LABEL_ID["PERSON"]].most_common(3)]
    orgs = [o for o, _ in counts[LABEL_ID["ORG"]].most_common(3)]
    questions += [f"Who is {p}?" for p in people[:2]]
    questions += [f"What is {o if not o.startswith('the ') else o[4:]}?" for o in orgs[:1]]
    return questions[:limit]


def reply(kind: str, examples: list[str]) -> str:
    tips = " Try: " + " · ".join(f"“{q}”" for q in examples) if examples else ""
    return {
        "greeting": "Hello! Ask me anything about the briefing and I'll quote the answer with its source." + tips,
        "thanks": "You're welcome. Anything else about the briefing?" + tips,
        "help": "I answer questions about the briefing with short quotes from the articles, and numbered "
                "sources you can open. Follow-up questions work too. If the briefing doesn't say, I'll tell you."
                + tips,
        "bye": "Goodbye! Come back with more questions about the briefing.",
    }[kind]
