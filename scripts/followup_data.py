"""Follow-up questions made from SQuAD: teach the reader to resolve "he", "it" and "its" through the history.

CoQA part 1 gives the conversation stage ~4,800 training turns (320 stories), too few for a small reader to
learn to lean on the earlier turns: the second and third readers read held-out CNN stories about as well
with no history as with it. SQuAD's training paragraphs hold ~5 questions each, written one after another
about the same passage, so consecutive questions often name the same entity ("When did Beyoncé release
Dangerously in Love?" then "How many Grammys did Beyoncé win for it?"). Replacing that shared name in the
later question with a pronoun gives the follow-up a reader meets in a conversation ("How many Grammys did
she win for it?"), whose answer is still SQuAD's gold span, and whose entity is recoverable only from the
earlier turn placed in the reader's first segment. These are not written by people, so they are mixed in at
a fraction of the conversation data, never measured on.

The pronoun follows the entity's type from spaCy's tagger (a person takes he or she as the paragraph uses
them, a group "they", anything else "it") and its place in the question: possessive before "'s", object
after a verb or preposition, subject otherwise.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

_HE = re.compile(r"\b(he|him|his|himself)\b", re.I)
_SHE = re.compile(r"\b(she|her|hers|herself)\b", re.I)
_FORMS = {  # subject, object, possessive
    "he": ("he", "him", "his"),
    "she": ("she", "her", "her"),
    "they": ("they", "them", "their"),
    "it": ("it", "it", "its"),
}
_GROUPS = {"NORP"}
_JOINS = {"and", "or", "nor", ",", "&"}
_QUOTES = {"'", '"', "‘", "’", "“", "”"}
_SKIP = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}


@dataclass(frozen=True)
class Followup:
    """One made follow-up: the earlier turns (question, gold answer), the rewritten question, and the
    gold answer of the original question as character offsets into the paragraph."""

    history: tuple[tuple[str, str], ...]
    question: str
    original: str
    context: str
    start: int
    end: int


def person_pronoun(paragraph: str) -> str:
    """he or she, as the paragraph itself speaks of people (SQuAD paragraphs are mostly about one)."""
    he, she = len(_HE.findall(paragraph)), len(_SHE.findall(paragraph))
    if he == she == 0:
        return "they"
    return "he" if he >= she else "she"


def _mentions(entity: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(entity)}(?!\w)", text, re.I) is not None


def pronominalize(doc, earlier: str, paragraph: str) -> str | None:
    """The question of spaCy `doc` with its first named entity that `earlier` also names replaced by a
    pronoun, or None if it names none (or only the question's first word would be left)."""
    for ent in doc.ents:
        if ent.label_ in _SKIP or len(ent.text) < 3 or not _mentions(ent.text, earlier):
            continue
        start, end = ent.start, ent.end
        if start > 0 and doc[start - 1].lower_ == "the":
            start -= 1
        prev = doc[start - 1] if start > 0 else None
        nxt = doc[end] if end < len(doc) else None
        possessive = nxt is not None and nxt.text in {"'s", "’s"}
        if not possessive and nxt is not None and (nxt.pos_ in {"NOUN", "PROPN", "NUM", "ADJ"} or nxt.lower_ in _JOINS
                                                           or (not doc[end - 1].whitespace_ and nxt.pos_ != "PUNCT")
                                                           or nxt.text in {"-", "–"}):
            continue  # the name modifies a noun ("China Mobile", "Labour party") or is one of a list
        if prev is not None and (prev.pos_ in {"DET", "ADJ", "PROPN", "NUM", "NOUN"} or prev.lower_ in _JOINS
                                 or prev.text in _QUOTES):
            continue  # only part of a longer noun phrase ("an ISP", "the 5th Dalai Lama")
        kind = person_pronoun(paragraph) if ent.label_ == "PERSON" else "they" if ent.label_ in _GROUPS else "it"
        subject, obj, owner = _FORMS[kind]
        if possessive:
            word, end = owner, end + 1
        elif nxt is not None and nxt.pos_ in {"VERB", "AUX"}:
            word = subject
        elif prev is not None and prev.pos_ in {"ADP", "VERB"}:
            word = obj
        else:
            word = subject
        before = doc[:start].text_with_ws
        after = doc[end:].text_with_ws if end < len(doc) else ""
        if not before.strip():
            word = word.capitalize()
        question = (before + word + doc[end - 1].whitespace_ + after).strip()
        question = re.sub(r"\s+([?.,])", r"\1", re.sub(r"\s+", " ", question))
        if len(question.split()) < 3:
            return None
        return question
    return None


def followups(squad: Path, count: int, rng: random.Random, nlp) -> list[Followup]:
    """Up to `count` follow-ups from SQuAD training paragraphs, each with the one or two questions asked
    before it on its paragraph (and their gold answers) as its history."""
    articles = json.loads(squad.read_text(encoding="utf-8"))["data"]
    candidates = []
    for article in articles:
        for paragraph in article["paragraphs"]:
            qas = [qa for qa in paragraph["qas"] if qa["answers"]]
            for i in range(1, len(qas)):
                candidates.append((paragraph["context"], qas[max(0, i - 2):i], qas[i]))
    rng.shuffle(candidates)
    out: list[Followup] = []
    batch = 2000
    for first in range(0, len(candidates), batch):
        chunk = candidates[first:first + batch]
        for (context, before, qa), doc in zip(chunk, nlp.pipe(q["question"] for _, _, q in chunk), strict=True):
            history = tuple((b["question"].strip(), b["answers"][0]["text"]) for b in before)
            made = pronominalize(doc, " ".join(f"{q} {a}" for q, a in history), context)
            if made is None:
                continue
            answer = qa["answers"][0]
            out.append(Followup(history, made, qa["question"].strip(), context, answer["answer_start"],
                                answer["answer_start"] + len(answer["text"])))
            if len(out) >= count:
                return out
    return out
