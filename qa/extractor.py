"""Pick the answer: score the sentences of the retrieved passages, then the spans inside the best ones.

Sentence score mixes the embedding cosine with idf-weighted word overlap. Span score adds how well the
span's type fits the question's answer type, how close it sits to the question's words in the sentence,
and subtracts for repeating the question. The weights are plain numbers written below with the reason;
`qa/data/weights.json`, fitted on SQuAD by `scripts/fit_weights.py`, replaces them when present.
"""

from __future__ import annotations

import json
import math
import re
import threading
from bisect import bisect_left
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.annotator import ENTITY_LABELS, POS_ID
from index.lexical import COUNTRIES, STOP_WORDS, capitalised_terms, country_words, is_country, stem, terms, words
from index.store import LoadedIndex
from qa.question import HEAD_KIN, HEAD_TYPES, TOPIC_STEMS, AnswerType, QuestionInfo, same_word
from qa.spans import (
    TALK_NOUNS,
    Span,
    acronym_expansions,
    apposition_after,
    candidates,
    clauses_after,
    modifiers_before,
    objects_after,
    role_before,
)

PROPN, VERB, DET, NUM = POS_ID["PROPN"], POS_ID["VERB"], POS_ID["DET"], POS_ID["NUM"]
_ADJ = POS_ID["ADJ"]
_NOUN_POS = frozenset({PROPN, POS_ID["NOUN"]})
# Tags of the words a subject noun is written with ("a United States Congressional delegation").
_MODIFIER_POS = _NOUN_POS | {_ADJ}
# "The meeting, held on January 27, ...": an opening that goes on about the sentence before.
_OPENING_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
# Kinds a name of a place may come as; written as a modifier ("US" of "US Secretary"), none places anything.
_PLACE_NAMES = frozenset({"GPE", "LOC", "ORG", "FAC", "NORP", "NP_PROPN"})
# Words that may sit between the question's words and an answer next to them: "focus on", "led by the".
GLUE_POS = frozenset(POS_ID[t] for t in ("ADP", "DET", "PART", "ADV", "AUX", "PUNCT"))

# How well a span kind fits each answer type (1 = exactly what was asked for).
TYPE_FIT: dict[AnswerType, dict[str, float]] = {
    AnswerType.PERSON: {"PERSON": 1.0, "NORP": 0.3, "ORG": 0.3, "NP_PROPN": 0.35, "NP": 0.1, "GPE": 0.15},
    AnswerType.DATE: {"DATE": 1.0, "TIME": 0.9, "NUMBER": 0.35, "CARDINAL": 0.35, "EVENT": 0.2},
    AnswerType.PLACE: {"GPE": 1.0, "LOC": 1.0, "FAC": 0.8, "ORG": 0.35, "NP_PROPN": 0.4, "NORP": 0.2},
    AnswerType.NUMBER: {"CARDINAL": 1.0, "MONEY": 1.0, "PERCENT": 1.0, "QUANTITY": 1.0, "NUMBER": 0.85,
                        "DATE": 0.15, "TIME": 0.15, "ORDINAL": 0.5},
    AnswerType.DURATION: {"DATE": 1.0, "TIME": 1.0, "QUANTITY": 0.9, "CARDINAL": 0.8, "NUMBER": 0.85,
                          "ORDINAL": 0.3},
    AnswerType.ORG: {"ORG": 1.0, "NP_PROPN": 0.45, "NORP": 0.3, "GPE": 0.3, "FAC": 0.3, "PERSON": 0.1},
    AnswerType.LIST: {"LIST": 1.0, "CLAUSE": 0.4, "GPE": 0.2, "ORG": 0.2, "NP": 0.1},
    AnswerType.DEFINITION: {"ROLE": 1.0, "ACRONYM": 1.0, "APPOSITION": 0.9, "NP": 0.35, "NP_PROPN": 0.35,
                            "ORG": 0.3, "PREDICATE": 0.7, "CLAUSE": 0.3},
    AnswerType.REASON: {"REASON": 1.0, "CLAUSE": 0.5, "SENTENCE": 0.3, "NP": 0.1},
    # A verb phrase: the clause continuing the question's words ("will also <hold meetings with ...>"),
    # a purpose clause ("to connect two computers"), or a phrase after "is/was".
    AnswerType.ACTION: {"CLAUSE": 1.0, "REASON": 0.7, "PREDICATE": 0.7, "SENTENCE": 0.3, "NP": 0.2, "NP_PROPN": 0.1},
    AnswerType.OTHER: {"NP": 0.6, "NP_PROPN": 0.6, "ORG": 0.55, "PERSON": 0.5, "GPE": 0.5, "NORP": 0.5,
                       "EVENT": 0.55, "WORK_OF_ART": 0.55, "PRODUCT": 0.55, "LAW": 0.55, "LANGUAGE": 0.5,
                       "NUMBER": 0.45, "CARDINAL": 0.4, "DATE": 0.4, "MONEY": 0.4, "PERCENT": 0.4,
                       "QUANTITY": 0.4, "FAC": 0.5, "LOC": 0.5, "LIST": 0.4, "REASON": 0.2, "CLAUSE": 0.55},
}
# "What type of sanctions ...?": the words before "sanctions" ("economic") answer it whatever the asked
# noun's own type (candidates of this kind exist only for such questions).
for _answer_type, _fit in ((AnswerType.OTHER, 1.0), (AnswerType.DEFINITION, 1.0), (AnswerType.PLACE, 0.8),
                           (AnswerType.PERSON, 0.8), (AnswerType.ORG, 0.8), (AnswerType.LIST, 0.8)):
    TYPE_FIT[_answer_type]["MODIFIER"] = _fit
TYPE_FIT[AnswerType.PERSON]["PAIR"] = 1.0  # offered only for "which pair/duo/couple" (see PAIR_HEADS)
# The object of the question's verb ("What did they discuss?" -> "discussions on <...>"), offered only for
# object questions (QuestionInfo.object_verb). For "whom" it stands for people when it names nobody
# ("bring together <partners from across the globe>"); a person named in it answers better (OBJECT_NAMED_FIT).
for _answer_type, _fit in ((AnswerType.OTHER, 1.0), (AnswerType.LIST, 0.9), (AnswerType.PERSON, 0.8)):
    TYPE_FIT[_answer_type]["OBJECT"] = _fit
OBJECT_NAMED_FIT = 0.3
OBJECT_BONUS = 0.5
# "Which body announced the visit?" of "..., according to an official release by the Ministry of External
# Affairs": the source a sentence cites, when it fits the asked kind at least CITED_SOURCE_MIN_FIT, is put
# ahead of the sentence's other spans by this (hand-set: SQuAD cites no sources, so no fit saw it).
CITED_SOURCE_BONUS = 1.0
CITED_SOURCE_MIN_FIT = 0.8
# "Who accompanied the delegation?" of "... delegation led by ..., along with <Sergio Gor>, holding ...": the
# person "along with" names is put this far ahead (hand-set, as above: no fitted feature reads the phrase).
COMPANY_BONUS = 1.5
# A noun for people followed by the phrase that says which ones ("partners <from across the globe>", "members
# <of the US administration>"): "whom" is answered with that phrase, so the bare noun fits less.
_QUALIFIER = re.compile(r"\s+(?:of|from|in|at|across|with)\s")
BARE_CLASS_FIT = 0.6
# In a sentence writing the object question's verb, a span outside every object of it is not what was asked
# ("Whom will the ministerial bring together?": not "Marco Rubio", who holds the ministerial).
OBJECT_OUTSIDE_FIT = 0.5
PAIR_HEADS = frozenset({"pair", "pairs", "duo", "duos", "couple", "couples", "twins", "partnership"})
PAIR_SINGLE_FIT = 0.5
# "Who said so?": an organisation says as much as a person does; a name inside the quote is what was said.
SOURCE_ORG_FIT = 0.9
QUOTED_SOURCE_FIT = 0.2
# The fit of a span whose kind a rule rules out for the question (ScoredSpan.misfit): a title's portfolio, a
# phrase naming a person for "which department", a phrase naming an object question's own subject, and a
# person, place, date or amount for "What type/kind/edition of X?" (_NOT_KINDS_OF_THINGS).
RULED_OUT_FIT = 0.1
_NOT_KINDS_OF_THINGS = frozenset({"PERSON", "GPE", "DATE", "TIME", "MONEY", "CARDINAL", "PERCENT"})
# "How many/much" counts: a rank ("fourth") answers "which place", never "how many" (none of SQuAD's 422).
ORDINAL_COUNT_FIT = 0.1
SENTENCE_FALLBACK_FIT = 0.15
# Below this idf-weighted share of the question's words, a person's title matching some of them does not
# count as the person standing next to the question's words (see `spans_in`).
TITLE_NEAR_COVER = 0.15
# "Which city/town/capital" asks for a place inside a country: a span that is only a country's name
# (index.lexical.COUNTRIES) is a place of the wrong size, kept as a last resort.
SETTLEMENT_HEADS = frozenset({"city", "cities", "town", "towns", "village", "villages", "capital"})
COUNTRY_AS_CITY_FIT = 0.3
# What a date-like span is worth to "when", by its shape: "today" or "last week" means nothing without the
# statement's own date (which a quote may not share with the article), and "10-year" says how long, not
# when. Both stay as a last resort (at STRICT_MIN_FIT), below any calendar date the passages hold.
WHEN_RELATIVE_FIT = 0.3
# A date written right after a verb of saying is the statement's date.
_STATEMENT_DATE = re.compile(r"\b(?:said|says|announced|stated|reported|told|added|declared|confirmed)\s+(?:\w+\s+)?"
                             r"(?:in|on|last|this|earlier)?\s*$")
OTHER_STATEMENT_DATE_FIT = 0.5
WHEN_DURATION_FIT = 0.5
# A number left in a span once its calendar words are taken out ("2,000 in 2005"; not "the 2005 Lions").
_NUMBER_LEFT = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                          r"forty|fifty|hundred|thousand|million|billion|trillion|dozen|half)\b", re.IGNORECASE)


def _names_kind_of(sh: SpanShape, shape: SentenceShape) -> bool:
    """Whether a span is written inside a noun phrase as a modifier: after a determiner, a possessive or an
    adjective and before a noun ("ITV1's Saturday morning show"), not after a preposition or a verb."""
    before, after = sh.first_tok - 1, sh.last_tok + 1
    if before < 0 or after >= len(shape.pos):
        return False
    nouns_after = shape.pos[after] in _NOUN_POS
    return nouns_after and (shape.pos[before] in (DET, _ADJ) or shape.token_words[before] in ("'s", "\u2019s"))


def _in_a_name(sh: SpanShape, shape: SentenceShape) -> bool:
    """Whether a span is the first word of a name: followed by a capitalised word that is not a month
    ("Sunday Telegraph", "Monday Night Football"; not "Monday January 5")."""
    after = sh.last_tok + 1
    if after >= len(shape.pos) or shape.pos[after] != PROPN:
        return False
    word = shape.token_words[after]
    return word not in _MONTHS and not word[:1].isdigit()


# A share of something ("11.8%", "one-fifth", "half"), which a question about money is not answered by
# unless no amount is there; and the signs of an amount of money.
_SHARE = re.compile(r"%|\bper ?cent\b|\b(?:half|halves|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths)\b",
                    re.IGNORECASE)
_MONEY_SIGN = re.compile(r"[$\u00a3\u20ac\u00a5]|\b(?:dollars?|pounds?|euros?|yen|yuan|rupees?|francs?|pence|cents?|"
                         r"bn|m)\b", re.IGNORECASE)
SHARE_AS_MONEY_FIT = 0.2  # below the strict types' floor (qa.answerer.STRICT_MIN_FIT): no answer
# A time of day: "1500 GMT", "10:30", "3pm".
_CLOCK_TIME = re.compile(r"\b\d{1,4}\s*(?:GMT|BST|UTC|EST|CET|IST)\b|\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b",
                         re.IGNORECASE)
_HOW_OLD = re.compile(r"\bhow old\b", re.IGNORECASE)
# A year written as part of a name or with a month: "the 2005 Lions", "Lisbon 2007", "March 2005".
_DATED_NAME = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})\s+[A-Z]|[A-Za-z]\s+(?:1[0-9]{3}|20[0-9]{2})\b")
# A number counting things written in the plural ("five countries", "200 delegates"): never a "when".
COUNT_OF_THINGS = re.compile(r"\s[a-z]+[^s\W]s$")
# Below this coverage of the question, a date's clause that dates another event (dates_another_event) does
# not answer "when"; above it, the clause says the question's event in other words.
DATED_CLAUSE_COVER = 0.25
# "the 10-year Agreement", "a two-day visit": a stretch of time written before a noun says how long the
# thing lasts, never when it happened.
ATTRIBUTIVE_DURATION = re.compile(r"[\w.]+-(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|century)"
                                  r"(?:-long)?\s+[A-Za-z]", re.IGNORECASE)

# Span kinds grouped for the feature vector: entity labels of one family share a weight.
KIND_GROUPS = {
    "PERSON": "person", "DATE": "date", "TIME": "date", "GPE": "place", "LOC": "place", "FAC": "place",
    "CARDINAL": "number", "MONEY": "number", "PERCENT": "number", "QUANTITY": "number", "NUMBER": "number",
    "ORDINAL": "number", "ORG": "org", "NORP": "norp", "EVENT": "entity", "WORK_OF_ART": "entity",
    "PRODUCT": "entity", "LAW": "entity", "LANGUAGE": "entity", "NP": "np", "NP_PROPN": "np_propn",
    "LIST": "list", "REASON": "reason", "ROLE": "definition", "ACRONYM": "definition",
    "APPOSITION": "definition", "PREDICATE": "definition", "SENTENCE": "sentence", "CLAUSE": "clause",
    "MODIFIER": "np", "PAIR": "person", "OBJECT": "clause",
}
GROUPS = sorted(set(KIND_GROUPS.values()))
_WORD_CLASSES = {
    "in": "in", "on": "on", "at": "at", "by": "by", "of": "of", "for": "for", "to": "to", "from": "from",
    "with": "with", "as": "as", "than": "than", "and": "and", "or": "and", ",": "comma", "(": "bracket",
    ")": "bracket", "is": "be", "was": "be", "are": "be", "were": "be", "be": "be", "been": "be",
    "'s": "poss", "\u2019s": "poss", "said": "say", "says": "say", "told": "say", "called": "called",
    "named": "called", "known": "called", "entitled": "called", "titled": "called", "dubbed": "called",
    "include": "include", "including": "include", "includes": "include",
    "such": "include", ".": "end", ";": "end", ":": "colon", "who": "rel", "which": "rel", "that": "rel",
}
PREV_CLASSES = ("in", "on", "at", "by", "of", "for", "to", "from", "with", "as", "than", "and", "comma",
                "bracket", "be", "called", "include", "colon", "start")
NEXT_CLASSES = ("in", "of", "and", "comma", "bracket", "be", "poss", "say", "end", "rel", "to", "for")


def word_class(word: str | None, classes: tuple[str, ...]) -> str | None:
    if word is None:
        return "start" if "start" in classes else None
    c = _WORD_CLASSES.get(word)
    return c if c in classes else None
WH_GROUPS = ("who", "when", "where", "why", "how", "what", "which", "none")
_WH_GROUP = {"whom": "who", "whose": "who"}  # ask for a person as "who" does
FEATURES = (
    ["s_dense", "s_lex", "s_bigram", "s_passage", "s_top", "type_fit", "proximity", "echo", "head",
     "length", "log_length", "after_question_word", "window5", "window10", "s_window", "name_match",
     "name_near", "locative", "role_match", "role_echo", "left_of_anchor", "verb_between", "sentence_start",
     "starts_det", "has_num",
     "propn_share", "bias", "head_last", "head_before", "calendar", "duration", "when_calendar", "when_duration",
     "where_locative", "possessive_after", "thing_head_last", "thing_head_person", "when_relative"]
    + [f"kind_{g}" for g in GROUPS]
    # The question word crossed with the span's kind: lets the fit learn that "what" rarely wants a date.
    + [f"{wh}_{g}" for wh in WH_GROUPS for g in GROUPS]
    # The word just before and just after the span, crossed with the question word: "by <who>",
    # "in <where/when>", "<who> said", "<what> of". Small classes of function words, learned from SQuAD.
    + [f"{wh}_prev_{c}" for wh in WH_GROUPS for c in PREV_CLASSES]
    + [f"{wh}_next_{c}" for wh in WH_GROUPS for c in NEXT_CLASSES]
    # The span right after or right before the question's words, with only small words between ("will
    # focus on <X>", "bring together <X>", "<X> convened"): where an object or a subject sits.
    + [f"{wh}_adj_{side}" for wh in WH_GROUPS for side in ("after", "before")]
)
# Hand-set starting weights (used until scripts/fit_weights.py writes qa/data/weights.json): the
# embedding and the shared rare words rank sentences; type fit matters most for spans, then nearness to
# the question's words; a span that echoes the question is penalised.
DEFAULT_WEIGHTS = {
    "s_dense": 0.5, "s_lex": 0.6, "s_bigram": 0.3, "s_passage": 0.1, "s_top": 0.1, "type_fit": 0.9,
    "proximity": 0.35, "echo": -1.2, "head": 0.25, "length": -0.015, "window10": 0.4, "name_near": 0.2,
    "locative": 0.3, "role_match": 1.5, "role_echo": -1.5,
    # Shapes news questions lean on more than SQuAD's do: "which agreement" wants the phrase ending on
    # "agreement", not a person; "when" wants a calendar date, not "10-year"; "where" a place after "in/to".
    "thing_head_last": 1.0, "thing_head_person": -1.0, "when_calendar": 0.5, "when_duration": -0.5,
    "where_locative": 0.3, "possessive_after": -0.3,
    # "today" tells a reader nothing without the article's date: a calendar date answers "when" better.
    "when_relative": -0.5,
}
WEIGHTS_FILE = Path(__file__).parent / "data" / "weights.json"
# Boosted trees fitted on what the linear span score gets wrong (scripts/fit_weights.py): they add to it,
# so the hand-set priors the linear weights are pulled towards still hold where SQuAD has no evidence.
TREES_FILE = Path(__file__).parent / "data" / "span_trees.txt"
# Several boosters (fitted on different subsamples) are written one after another, split by this line;
# their corrections are averaged, which steadies what a single fit would make of questions unlike SQuAD's.
TREES_SEPARATOR = "\n=== next booster ===\n"


class SpanTrees:
    """The span score's boosted correction: the mean of the boosters in TREES_FILE."""

    def __init__(self, boosters: list) -> None:  # type: ignore[type-arg]
        self.boosters = boosters

    def num_feature(self) -> int:
        return int(self.boosters[0].num_feature())

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.mean([b.predict(x, num_threads=1) for b in self.boosters], axis=0)


def load_trees() -> SpanTrees | None:
    """The fitted correction, or None when none was fitted."""
    if not TREES_FILE.is_file():
        return None
    try:
        import lightgbm
    except OSError as exc:  # its native library needs the OpenMP runtime
        raise RuntimeError(f"the span ranker needs LightGBM's native library, which failed to load ({exc}); "
                           "on Debian install it with: apt-get install libgomp1") from exc
    texts = TREES_FILE.read_text().split(TREES_SEPARATOR)
    return SpanTrees([lightgbm.Booster(model_str=t) for t in texts if t.strip()])


def load_weights() -> np.ndarray:
    values = dict(DEFAULT_WEIGHTS)
    if WEIGHTS_FILE.is_file():
        values = json.loads(WEIGHTS_FILE.read_text()).get("span_weights", values)
    return np.array([values.get(name, 0.0) for name in FEATURES], dtype=np.float64)


# typed: the sentence holds an entity of the kind the question asks for (a date for "when", a person for
# "who"): a sentence without one rarely answers, however many words it shares with the question.
# numbers: share of the numbers the question writes ("by 2008", "in 1998") that the sentence also writes:
# a number is the most specific word a question can share with its answer's sentence.
SENTENCE_FEATURES = ("dense", "lexical", "bigram", "passage", "names", "name_conflict", "typed", "numbers", "bias")
DEFAULT_SENTENCE_WEIGHTS = {"dense": 0.5, "lexical": 0.6, "bigram": 0.3, "passage": 0.1, "names": 0.5}


def load_sentence_weights() -> np.ndarray:
    values = dict(DEFAULT_SENTENCE_WEIGHTS)
    if WEIGHTS_FILE.is_file():
        values = json.loads(WEIGHTS_FILE.read_text()).get("sentence_weights", values)
    return np.array([values.get(name, 0.0) for name in SENTENCE_FEATURES], dtype=np.float64)


@dataclass(frozen=True)
class ScoredSentence:
    row: int
    score: float
    lexical: float  # idf-weighted share of the question's terms found in the sentence
    dense: float
    bigram: float  # share of the question's adjacent term pairs found adjacent in the sentence
    passage: float  # fused retrieval score of its best passage, relative to the top passage
    names: float = 0.0  # share of the question's names written out in the sentence
    features: tuple[float, ...] = ()  # the sentence model's inputs, in SENTENCE_FEATURES order


@dataclass(frozen=True)
class ScoredSpan:
    sentence: ScoredSentence
    span: Span
    score: float  # what ranks the spans: the linear score plus the trees' correction
    type_fit: float
    features: np.ndarray
    # The linear score alone: the confidence model reads it, being fitted on scores whose scale does not
    # move with the trees (which fit SQuAD's articles closely and would make every answer look surer).
    linear: float = 0.0
    # A rule ruled the span's kind out for this question (a title's portfolio for "whom", a phrase naming a
    # person for "which department"): it answers only when nothing that fits is left (qa.answerer).
    misfit: bool = False
    # ...for being part of an object question's subject ("Mike Rogers" of "the delegation led by Mike Rogers").
    of_subject: bool = False
    # An object of another word of the question verb's class ("focus on <...>" for "concentrate on"): it
    # gives way to an object of the question's own verb ("with emphasis on <...>" for "emphasise").
    by_class: bool = False


# "the talks" of a question are the sentence's "discussions" (spans.TALK_NOUNS).
_TALK_STEMS = frozenset(stem(w) for w in TALK_NOUNS)


def with_topic(info: QuestionInfo, found: frozenset[str] | set[str]) -> frozenset[str] | set[str]:
    """A sentence's terms, holding the question's word when the sentence says the same in another word of
    its class ("concentrate" for "focus", "hosting" for "convened"): the words are the question's."""
    cls = info.word_class
    if cls and cls[0] not in found and not cls[1].isdisjoint(found):
        return frozenset(found) | {cls[0]}
    return found


def topic_terms(info: QuestionInfo, token_terms: list[str]) -> list[str]:
    """Token terms with each word of the question's word class read as its word (see with_topic)."""
    cls = info.word_class
    if not cls or cls[0] in token_terms:
        return token_terms
    return [cls[0] if t in cls[1] else t for t in token_terms]


class SentenceTerms:
    """Per-sentence term lists and corpus idf, computed once when the answerer loads."""

    def __init__(self, index: LoadedIndex) -> None:
        texts = [index.sentence_text(i) for i in range(len(index.sentences))]
        self.lists: list[list[str]] = [terms(t) for t in texts]
        self.sets: list[frozenset[str]] = [frozenset(t) for t in self.lists]
        self.pairs: list[frozenset[tuple[str, str]]] = [frozenset(zip(t, t[1:], strict=False)) for t in self.lists]
        self.capitalised: list[frozenset[str]] = [frozenset(capitalised_terms(t)) for t in texts]
        df: dict[str, int] = {}
        for s in self.sets:
            for t in s:
                df[t] = df.get(t, 0) + 1
        n = max(len(self.sets), 1)
        self.n = n
        # Every term of each document: "does the article mention this at all?" is evidence for abstaining.
        self.doc_of = index.sentences[:, 0].tolist() if len(index.sentences) else []
        doc_sets: dict[int, set[str]] = {}
        for d, terms_ in zip(self.doc_of, self.sets, strict=True):
            doc_sets.setdefault(d, set()).update(terms_)
        self.doc_sets = {d: frozenset(t) for d, t in doc_sets.items()}
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def weight(self, term: str) -> float:
        return self.idf.get(term, math.log(1 + (self.n + 0.5) / 0.5))

    def cover(self, info: QuestionInfo, row: int) -> tuple[float, float]:
        """Idf-weighted share of the question's terms found near sentence `row` (itself and the sentences
        either side in its document) and anywhere in its document. A question whose rare words the article
        never uses ("How much funding was pledged?") is likely one the article does not answer."""
        if not info.terms:
            return 1.0, 1.0
        doc = self.doc_of[row]
        near: set[str] = set()
        for r in (row - 1, row, row + 1):
            if 0 <= r < len(self.sets) and self.doc_of[r] == doc:
                near.update(self.sets[r])
        near = with_topic(info, near)
        in_doc = with_topic(info, self.doc_sets.get(doc, frozenset()))
        weights = {t: self.weight(t) for t in info.terms}
        total = sum(weights.values()) or 1.0
        return (sum(w for t, w in weights.items() if t in near) / total,
                sum(w for t, w in weights.items() if t in in_doc) / total)


_PERSON_NOUNS = frozenset(
    stem(w) for w in "members member officials official ministers minister partners partner leaders leader people "
    "delegates delegation representatives representative executives executive lawmakers lawmaker diplomats "
    "diplomat players player fans voters workers staff students teachers experts analysts residents".split()
)


_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday "
           "sunday spring summer autumn winter").split()
# A point in time: a month or weekday, a year, a day of the month. ("Today" is relative to a date the
# reader may not have: it is neither a calendar date nor a duration.)
CALENDAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b|\b1[0-9]{3}s?\b|\b20[0-9]{2}s?\b|\b\d{1,2}(st|nd|rd|th)\b",
                      re.IGNORECASE)
# A day named relative to the article's own date.
RELATIVE_DAY = re.compile(r"\b(today|tonight|yesterday|tomorrow|this (?:week|month|year)|last (?:week|month|year)|"
                          r"next (?:week|month|year)|earlier this \w+|recently)\b", re.IGNORECASE)
# A stretch of time: "10-year", "three weeks", "two-day", "decades".
DURATION = re.compile(r"(\b|-)(seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century)\b",
                      re.IGNORECASE)


# Entity labels (ids) that answer each typed question: those whose TYPE_FIT is at least 0.8.
TYPED_LABELS = {
    kind: frozenset(i for i, label in enumerate(ENTITY_LABELS) if fits.get(label, 0.0) >= 0.8)
    for kind, fits in TYPE_FIT.items()
    if kind in (AnswerType.PERSON, AnswerType.DATE, AnswerType.PLACE, AnswerType.NUMBER, AnswerType.DURATION,
                AnswerType.ORG)
}


_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"
_WEEKDAY = re.compile(r"(?:" + "|".join(_WEEKDAYS.split()) + r")s?\b", re.IGNORECASE)
_MONTH_NAMES = "|".join(_MONTHS[: _MONTHS.index("monday")])
# What a calendar date names, by unit: a question asking "what year" is not answered by "March".
DATE_UNITS = {
    "year": re.compile(r"\b1[0-9]{3}s?\b|\b20[0-9]{2}s?\b"),
    "decade": re.compile(r"\b(?:1[0-9]|20)?[0-9]0s\b|\bdecade", re.IGNORECASE),
    "century": re.compile(r"\bcentur(?:y|ies)\b|\b1[0-9]{3}s?\b", re.IGNORECASE),
    "month": re.compile(r"\b(" + _MONTH_NAMES + r")\b", re.IGNORECASE),
    # "On what date ...?": a day of a month, not a weekday or a month alone.
    "date": re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTH_NAMES + r")\b|\b(?:" + _MONTH_NAMES
                       + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b", re.IGNORECASE),
    "day": re.compile(r"\b(" + "|".join(_WEEKDAYS.split()) + r")\b|\b\d{1,2}(?:st|nd|rd|th)?\b(?![.,]?\d)",
                      re.IGNORECASE),
}
# The type fit left to a date that does not name the asked unit ("January" for "on what day").
OTHER_UNIT_FIT = 0.5


def date_shape(text: str) -> tuple[bool, bool, bool]:
    """(calendar, duration, relative) for a date-like span: "January 27", "10-year", "last week"."""
    calendar = CALENDAR.search(text) is not None
    relative = not calendar and RELATIVE_DAY.search(text) is not None
    duration = not calendar and not relative and DURATION.search(text) is not None
    return calendar, duration, relative


def name_conflict(names: tuple[str, ...] | list[str], sentence: str) -> float:
    """1 when the sentence names a different thing of the same kind as one the question names: the question
    says "Critical Minerals Ministerial", the sentence "the Finance Ministerial" (another capitalised word
    before the same last word). Such a sentence is about something else, however many words it shares."""
    for name in names:
        parts = name.split()
        if len(parts) < 2:
            continue
        last, before = parts[-1], " ".join(parts[:-1])
        for m in re.finditer(r"\b([A-Z][\w'-]*)\s+" + re.escape(last) + r"\b", sentence):
            if m.group(1).lower() in STOP_WORDS or sentence[: m.end()].endswith(name):
                continue
            if not sentence[: m.start(1) + len(m.group(1))].endswith(before):
                return 1.0
    return 0.0


def name_share(names: list[str], sentence: str) -> float:
    """Share of the question's names (capitalised phrases) that the sentence writes out, case-insensitively."""
    if not names:
        return 0.0
    lowered = sentence.lower()
    return sum(1 for n in names if n.lower() in lowered) / len(names)


# Nouns that say what kind of organisation a name is ("... Committee", "... Party"), kin in one group: "Which
# party ...?" is not answered by "the House Armed Services Committee", whatever words sit near it.
_ORG_KIND_GROUPS = (
    "party", "committee council commission board panel", "ministry department office agency bureau authority",
    "company firm corporation inc ltd plc", "university college school academy institute", "club team",
    "bank", "court tribunal", "union federation association league", "newspaper paper magazine",
    "channel network station broadcaster", "label", "band",
)
_ORG_KIND = {stem(w): n for n, group in enumerate(_ORG_KIND_GROUPS) for w in group.split()}
ORG_KIND_MISMATCH_FIT = 0.2
# A name written right before a capitalised title word ("External Affairs Minister", "Defence Secretary") is
# the portfolio of a title, neither a person nor an organisation.
_TITLE_WORDS = frozenset(w for w, kind in HEAD_TYPES.items() if kind is AnswerType.PERSON)
_TITLE_STEMS = frozenset(stem(w) for w in _TITLE_WORDS)


def _quoted(text: str, sentence_start: int, at: int) -> bool:
    """Whether offset `at` lies inside a quotation opened earlier in its sentence."""
    before = text[sentence_start:at]
    return before.count('"') % 2 == 1 or before.count("\u201c") > before.count("\u201d")


# Sentences whose candidate shapes are kept (about 10-20 KB each): a briefing fits whole; on a large
# corpus the sentences asked about recently stay.
SHAPE_CACHE = 4096
_COL = {name: i for i, name in enumerate(FEATURES)}
_LOCATIVE = re.compile(r"\b(in|at|to|from|near|inside|outside)\s+(the\s+)?$")


@dataclass
class SentenceShape:
    text: str  # the whole document's text (spans are absolute offsets into it)
    start: int
    end: int
    tokens: np.ndarray
    starts: list[int]
    pos: list[int]
    token_terms: list[str]
    token_words: list[str]  # lower-cased token texts
    lowered: str
    propn: frozenset[int]
    spans: tuple[SpanShape, ...] = ()


@dataclass(frozen=True, slots=True)
class SpanShape:
    """What a candidate span is, whatever the question: its kind, words, token range and context."""

    span: Span
    kind: str  # the span's kind, with a noun phrase holding a proper noun told apart (NP_PROPN)
    group: str  # KIND_GROUPS of kind
    content: tuple[str, ...]  # its words that are not stop words
    content_stems: tuple[str, ...]
    stems: frozenset[str]  # stems of all its words
    last_stem: str
    of_stem: str | None  # in "US Department of State", the noun before "of": the phrase's head
    first_tok: int  # from the start of a title written before a person's name
    last_tok: int
    length: int
    locative: bool  # after "in/at/to/from ... (the)", and not a possessive
    possessive: bool  # followed by "'s"
    person_noun: bool  # ends on a noun for people ("senior members", "officials")
    calendar: bool
    duration: bool
    relative: bool  # "today", "last week": a date relative to the article's
    starts_det: float
    has_num: float
    propn_share: float
    role_terms: frozenset[str] | None  # terms of the title before a person's name, when there is one
    role_words: tuple[str, ...]  # that title's words in order, as index.lexical.words spells them
    # Inside "according to <source>": the other terms of that phrase (None: the span is not in one).
    source_terms: frozenset[str] | None
    prev_class: str | None  # class of the word before the span (an article skipped), see PREV_CLASSES
    next_class: str | None
    next_word: str | None  # the word right after the span, lower-cased
    modifier: bool = False  # written as a modifier of the noun right after it ("US" of "US Secretary")


def _without_counted(sh: SpanShape, shape: SentenceShape, counted: str) -> SpanShape | None:
    """A number phrase ending on the counted noun, cut before it (others unchanged)."""
    if not (sh.has_num and sh.last_stem == counted and len(sh.content) > 1):
        return sh
    cut = re.search(r"\s+\S+$", shape.text[sh.span.start: sh.span.end])
    if cut is None:
        return sh
    end = sh.span.start + cut.start()
    return _shape(Span(sh.span.start, end, sh.span.kind, max(1, sh.span.tokens - 1)), shape)


_COUNTRY_STEMS = frozenset(stem(c) for c in COUNTRIES)
_STOP_STEMS = frozenset(stem(w) for w in STOP_WORDS)


def swapped_country(question_terms: tuple[str, ...], token_terms: list[str]) -> bool:
    """Whether the sentence says for another country what the question asks about its own: "Who represented
    Japan at the Finance Ministerial?" against "Representing India at the Finance Ministerial was ...". A
    country of the sentence's stands where the question's stands (next to one of the same words), and the
    question's country is nowhere in the sentence."""
    asked = [i for i, t in enumerate(question_terms) if t in _COUNTRY_STEMS]
    if not asked:
        return False
    own = {question_terms[i] for i in asked}
    content = [t for t in token_terms if t not in _STOP_STEMS and t[:1].isalnum()]
    if own.intersection(content):
        return False
    beside = {question_terms[j] for i in asked for j in (i - 1, i + 1)
              if 0 <= j < len(question_terms)} - _COUNTRY_STEMS
    return any(t in _COUNTRY_STEMS and ((j > 0 and content[j - 1] in beside)
                                        or (j + 1 < len(content) and content[j + 1] in beside))
               for j, t in enumerate(content))


# Past forms the stemmer does not bring to their verb's stem, to that stem (as index.lexical.stem spells it).
IRREGULAR_VERBS = {past: stem(verb) for verb, pasts in {
    "meet": "met", "lead": "led", "hold": "held", "bring": "brought", "buy": "bought", "sell": "sold",
    "win": "won", "find": "found", "give": "gave given", "take": "took taken", "make": "made", "tell": "told",
    "send": "sent", "spend": "spent", "pay": "paid", "build": "built", "begin": "began begun", "choose":
    "chose chosen", "fight": "fought", "teach": "taught", "think": "thought", "keep": "kept", "lose": "lost",
    "leave": "left", "write": "wrote written", "speak": "spoke spoken", "break": "broke broken", "drive":
    "drove driven", "fly": "flew flown", "grow": "grew grown", "know": "knew known", "see": "saw seen",
    "show": "shown", "sing": "sang sung", "strike": "struck", "throw": "threw thrown", "wear": "wore worn",
    "seek": "sought", "catch": "caught", "draw": "drew drawn", "steal": "stole stolen", "hit": "hit",
    "set": "set", "put": "put", "cut": "cut", "beat": "beat beaten", "become": "became", "come": "came",
    "run": "ran", "sit": "sat", "stand": "stood", "understand": "understood", "withdraw": "withdrew withdrawn",
    "undertake": "undertook undertaken", "oversee": "oversaw overseen", "forbid": "forbade forbidden",
    "rise": "rose risen", "feel": "felt", "hear": "heard", "lend": "lent", "shoot": "shot", "swear": "swore",
}.items() for past in pasts.split()}


# How far back from a date its verb is looked for, and how long a subject before that verb is read.
_DATED_VERB_REACH = 12
_SUBJECT_REACH = 10
_CLAUSE_BREAKS = frozenset({";", ".", "!", "?", '"', "\u201c", "\u201d", ":"})
_SENTENCE_BREAKS = frozenset({";", ".", "!", "?"})
_AUX, _PART, _ADV = POS_ID["AUX"], POS_ID["PART"], POS_ID["ADV"]
_SUBJECT_POS = _MODIFIER_POS | {DET, NUM}


def dates_another_event(sh: SpanShape, shape: SentenceShape, q_terms: set[str] | frozenset[str]) -> bool:
    """Whether a date is the time of something other than what the question dates: "The meeting, held on
    January 27, ..." dates the meeting, not "When was the Agreement signed?". The date's verb is the nearest
    one before it in its clause; the date is another event's when that verb is none of the question's
    words and the noun phrase before it (its subject, past auxiliaries, "which" and commas) shares none of
    them either. A date with no verb before it in its clause ("In 1066, William ...") is left to the scores.
    """
    words, terms_, pos = shape.token_words, shape.token_terms, shape.pos
    i = sh.first_tok - 1
    while i >= 0 and pos[i] != VERB:
        if words[i] in _CLAUSE_BREAKS or sh.first_tok - i > _DATED_VERB_REACH:
            return False
        i -= 1
    if i < 0 or terms_[i] in q_terms or IRREGULAR_VERBS.get(words[i]) in q_terms:
        return False
    j = i - 1
    while j >= 0 and (pos[j] in (_AUX, _PART, _ADV) or words[j] in (",", "which", "that", "who")):
        j -= 1
    subject = []
    while j >= 0 and len(subject) < _SUBJECT_REACH and (pos[j] in _SUBJECT_POS or words[j] in ("of", "(", ")")):
        subject.append(j)
        j -= 1
    if not any(pos[k] in _NOUN_POS for k in subject):
        return False
    return not any(terms_[k] in q_terms or IRREGULAR_VERBS.get(words[k]) in q_terms for k in subject)


def _owned_by(role_words: tuple[str, ...], owner: str, title_terms: frozenset[str]) -> bool:
    """Whether a title ("US Ambassador to India") can belong to `owner` ("india"): false when a country
    other than the owner is written before the title's own words, where a title names whose it is."""
    first = next((i for i, w in enumerate(role_words) if stem(w) in title_terms), None)
    if first is None:
        return True
    countries = COUNTRIES.intersection(role_words[:first])
    return not countries or owner in countries


# "According to a release by the US Department of the Treasury, ...": the span sits in the phrase citing
# the statement's source (the phrase runs from "according to" to the next comma or sentence break).
_ACCORDING_TO = re.compile(r"\b[Aa]ccording to\b[^,;:.!?\"\u201c\u201d]*$")
_COMPANY_PHRASE = re.compile(r"\b(?:(?:[Aa]long|[Tt]ogether) with|accompanied by|joined by)\b")
_PHRASE_END = re.compile(r"[,;:.!?\"\u201c\u201d]")


def _shape(span: Span, shape: SentenceShape) -> SpanShape | None:
    """The question-independent facts of one candidate (None: no content words, never an answer)."""
    text, starts, pos = shape.text, shape.starts, shape.pos
    span_words = words(text[span.start: span.end])
    content = tuple(x for x in span_words if x not in STOP_WORDS)
    if not content:
        return None
    kind = span.kind
    if kind == "NP" and any(span.start <= p < span.end for p in shape.propn):
        kind = "NP_PROPN"
    before = text[max(shape.start, span.start - 12): span.start].lower()
    possessive = text[span.end: span.end + 2] in ("'s", "\u2019s")
    # "to the State Department" places something; "vital to America's security" does not.
    locative = not possessive and bool(_LOCATIVE.search(before))
    first_tok = bisect_left(starts, span.start)
    last_tok = bisect_left(starts, span.end) - 1
    role_terms, role_words = None, ()
    if kind == "PERSON":
        # A title written before a name belongs to it ("led by Chairman of ... Mike Rogers"): nearness to
        # the question's words is measured from where the title starts.
        role = role_before(text, shape.start, span.start)
        if role:
            first_tok = min(first_tok, bisect_left(starts, role[0]))
            role_terms = frozenset(terms(text[role[0]: role[1]]))
            role_words = tuple(words(text[role[0]: role[1]]))
    source_terms = None
    cited = _ACCORDING_TO.search(text, shape.start, span.start)
    if cited and kind != "SENTENCE":
        phrase_end = _PHRASE_END.search(text, span.end, shape.end)
        phrase = text[cited.start(): phrase_end.start() if phrase_end else shape.end]
        source_terms = frozenset(terms(phrase)) - frozenset(stem(x) for x in span_words)
    group = KIND_GROUPS.get(kind, "np")
    phrase_kind = group in ("list", "reason", "definition", "sentence", "clause")
    calendar = duration = relative = False
    if kind in ("DATE", "TIME", "NUMBER", "CARDINAL"):
        span_text = text[span.start: span.end]
        calendar, duration, relative = date_shape(span_text)
    inside = pos[first_tok: last_tok + 1]
    token_words = shape.token_words
    before_tok = bisect_left(starts, span.start) - 1
    if before_tok >= 0 and token_words[before_tok] in ("the", "a", "an"):
        before_tok -= 1
    after_tok = bisect_left(starts, span.end)
    # "US" of "US Secretary of State", "India" of "India-US engagement": a name written as a modifier of the
    # noun after it (one space or a hyphen between), which then is what the phrase is about.
    modifier, nxt = False, after_tok
    if nxt < len(starts):
        gap = text[span.end: starts[nxt]]
        if gap == "" and text[starts[nxt]: starts[nxt] + 1] in "-\u2013" and nxt + 1 < len(starts) and (
                starts[nxt + 1] == starts[nxt] + 1):
            gap, nxt = " ", nxt + 1
        modifier = gap == " " and (pos[nxt] in _NOUN_POS or (pos[nxt] == _ADJ and text[starts[nxt]].isupper()))
    # The phrase's head: its last words, and in "senior members of the US administration" the noun before "of".
    head_words = span_words[-2:] + (span_words[: span_words.index("of")][-1:] if "of" in span_words else [])
    return SpanShape(
        span=span, kind=kind, group=group, content=content,
        content_stems=tuple(stem(x) for x in content),
        stems=frozenset(stem(x) for x in span_words), last_stem=stem(span_words[-1]),
        of_stem=stem(span_words[span_words.index("of") - 1]) if "of" in span_words[1:] else None,
        first_tok=first_tok, last_tok=last_tok, length=3 if phrase_kind else span.tokens,
        locative=locative, possessive=possessive,
        person_noun=bool(_PERSON_NOUNS.intersection(stem(x) for x in head_words)),
        calendar=calendar, duration=duration, relative=relative,
        starts_det=1.0 if inside and inside[0] == DET else 0.0,
        has_num=1.0 if NUM in inside else 0.0,
        propn_share=inside.count(PROPN) / len(inside) if inside else 0.0,
        role_terms=role_terms, role_words=role_words, source_terms=source_terms,
        prev_class=word_class(token_words[before_tok] if before_tok >= 0 else None, PREV_CLASSES),
        next_class=word_class(token_words[after_tok], NEXT_CLASSES) if after_tok < len(token_words) else None,
        next_word=token_words[after_tok] if after_tok < len(token_words) else None, modifier=modifier,
    )


class Extractor:
    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        self.terms = SentenceTerms(index)
        self.span_weights = load_weights()
        self.trees = load_trees()
        self._trees_lock = threading.Lock()
        self.sentence_weights = load_sentence_weights()
        self._shapes: dict[int, SentenceShape] = {}
        self._shapes_lock = threading.Lock()
        self._titles: dict[int, dict[str, frozenset[frozenset[str]]]] = {}

    # ---------------------------------------------------------------- sentences

    def score_sentences(
        self, info: QuestionInfo, question_vector: np.ndarray, passage_scores: dict[int, float],
    ) -> list[ScoredSentence]:
        index = self.index
        best_passage = max(passage_scores.values(), default=1.0) or 1.0
        rows: dict[int, float] = {}
        for prow, pscore in passage_scores.items():
            first, end = int(index.passages[prow, 3]), int(index.passages[prow, 4])
            for srow in range(first, end):
                rows[srow] = max(rows.get(srow, 0.0), pscore / best_passage)
        if not rows:
            return []
        order = list(rows)
        dense = index.sentence_vectors[order] @ question_vector
        q_weights = {t: self.terms.weight(t) for t in info.terms}
        total = sum(q_weights.values()) or 1.0
        q_pairs = list(zip(info.terms, info.terms[1:], strict=False))
        names = info.names
        typed_labels = TYPED_LABELS.get(info.answer_type, frozenset())
        name_terms = bool(info.proper_terms)
        features = np.ones((len(order), len(SENTENCE_FEATURES)))
        features[:, 6:8] = 0.0
        q_numbers = [t for t in info.terms if any(ch.isdigit() for ch in t)]
        for i, (row, d) in enumerate(zip(order, dense, strict=True)):
            found = with_topic(info, self.terms.sets[row])
            features[i, 0] = float(d)
            capitals = self.terms.capitalised[row]
            titles = self.titles_in(self.terms.doc_of[row]) if name_terms else {}
            features[i, 1] = sum(
                wt for t, wt in q_weights.items()
                if (t in found and (t not in info.proper_terms or t in capitals))
                or (t in titles and any(title <= found for title in titles[t]))
            ) / total
            features[i, 2] = (sum(1 for p in q_pairs if p in self.terms.pairs[row]) / len(q_pairs)) if q_pairs else 0.0
            features[i, 3] = rows[row]
            sentence_text = self.index.sentence_text(row)
            features[i, 4] = name_share(names, sentence_text)
            features[i, 5] = name_conflict(names, sentence_text)
            if typed_labels:
                labels = index.sentence_entities(row)[:, 2]
                features[i, 6] = 1.0 if any(int(x) in typed_labels for x in labels) else 0.0
            if q_numbers:
                features[i, 7] = sum(1 for t in q_numbers if t in found) / len(q_numbers)
        scores = features @ self.sentence_weights
        scored = [
            ScoredSentence(row, float(sc), float(f[1]), float(f[0]), float(f[2]), float(f[3]), float(f[4]),
                           tuple(f.tolist()))
            for row, sc, f in zip(order, scores, features, strict=True)
        ]
        scored.sort(key=lambda s: -s.score)
        return scored

    # -------------------------------------------------------------------- spans

    def best_spans(self, info: QuestionInfo, sentences: list[ScoredSentence], top: int = 3) -> list[ScoredSpan]:
        out: list[ScoredSpan] = []
        for rank, sentence in enumerate(sentences[:top]):
            out.extend(self.spans_in(info, sentence, rank))
        if any(s.by_class for s in out) and any(s.span.kind == "OBJECT" and not s.by_class for s in out):
            out = [s for s in out if not s.by_class]
        ruled_out = {self._span_key(s) for s in out if s.of_subject}
        if ruled_out:
            # Who is part of the subject in one sentence ("Mike Rogers", who leads the delegation asked about)
            # is part of it wherever the same article names him again.
            out = [replace(s, misfit=True) if not s.misfit and self._span_key(s) in ruled_out else s for s in out]
        if self.trees is not None and out:
            with self._trees_lock:  # one booster shared by the server's threads; a call takes ~0.3 ms
                extra = self.trees.predict(np.stack([s.features for s in out]))
            out = [replace(s, score=s.score + float(t)) for s, t in zip(out, extra, strict=True)]
        out.sort(key=lambda s: -s.score)
        return out

    def spans_in(self, info: QuestionInfo, sentence: ScoredSentence, rank: int = 0) -> list[ScoredSpan]:
        """Every candidate span of one sentence with its feature vector and linear score (best_spans adds
        the trees' correction, in one call for all the sentences read)."""
        shape = self.sentence_shape(sentence.row)
        text, s_start, s_end, tokens = shape.text, shape.start, shape.end, shape.tokens
        token_terms, starts, pos = shape.token_terms, shape.starts, shape.pos
        if swapped_country(info.terms, token_terms):
            return []
        # Where the question's words sit in this sentence, by token position.
        q_terms = set(info.terms)
        asked_terms = topic_terms(info, token_terms)
        positions = [i for i, t in enumerate(asked_terms) if t in q_terms]
        q_weight = {t: self.terms.weight(t) for t in q_terms}
        q_total = sum(q_weight.values()) or 1.0

        def coverage(lo: int, hi: int, skip_lo: int = -1, skip_hi: int = -2) -> float:
            """Idf-weighted share of the question's terms among tokens lo..hi, outside skip_lo..skip_hi."""
            found = {asked_terms[p] for p in positions if lo <= p <= hi and not skip_lo <= p <= skip_hi}
            return sum(q_weight[t] for t in found) / q_total

        def clause_cover(sh: SpanShape) -> float:
            """Coverage of the question by the clause a span sits in (between sentence breaks inside the
            sentence, as a quote's sentences are, and semicolons)."""
            lo, hi = sh.first_tok, sh.last_tok
            while lo > 0 and shape.token_words[lo - 1] not in _SENTENCE_BREAKS:
                lo -= 1
            while hi + 1 < len(token_terms) and shape.token_words[hi] not in _SENTENCE_BREAKS:
                hi += 1
            return coverage(lo, hi)

        # The best 12-token window: where the sentence is most like the question.
        s_window = max((coverage(p, p + 11) for p in positions), default=0.0)
        # Token positions of the question's names in this sentence: anchors a nearby answer hangs from.
        name_tokens: list[int] = []
        for name in info.names:
            for m in re.finditer(re.escape(name.lower()), shape.lowered):
                name_tokens.append(bisect_left(starts, s_start + m.start()))
        wh = _WH_GROUP.get(info.wh, info.wh)
        wh_group = wh if wh in WH_GROUPS else "none"
        # Spans that depend on the question (definitions of its names, clauses continuing its words) are
        # shaped per question; the sentence's own candidates were shaped once, when first seen.
        extra = self._definition_spans(info, text, s_start, s_end)
        if info.answer_type in (AnswerType.OTHER, AnswerType.REASON, AnswerType.DEFINITION, AnswerType.LIST,
                                AnswerType.ACTION):
            extra.extend(clauses_after(text, s_end, tokens, positions))
        if info.kind_of:
            extra.extend(modifiers_before(tokens, token_terms, info.kind_of, text))
        verbs: list[int] = []
        by_class = False  # the objects come from another word of the question verb's class
        people = [(sh.span.start, sh.span.end) for sh in shape.spans if sh.kind == "PERSON"]
        if info.object_verb and info.answer_type in (AnswerType.OTHER, AnswerType.LIST, AnswerType.PERSON) and (
                not info.object_subject or info.object_subject.intersection(token_terms)
                or (info.object_subject & _TALK_STEMS and not _TALK_STEMS.isdisjoint(token_terms))
                or self._titled_subject(info, sentence.row, token_terms)
                or self._goes_on_about_subject(info, sentence.row, token_terms)):
            # Only where the sentence names the question's subject, by name or by the title the article gives
            # it: "Who did the Broncos beat?" is not answered by whom the Panthers beat.
            # A word inside a name ("Records" in "National Archives and Records Administration") is no verb;
            # "met" is "meet" (IRREGULAR_VERBS).
            verbs = [i for i, t in enumerate(token_terms) if pos[i] != PROPN and (
                same_word(t, info.object_verb) or IRREGULAR_VERBS.get(shape.token_words[i]) == info.object_verb)]
            by_class = not verbs and info.object_verb in TOPIC_STEMS
            if by_class:
                # "What will the Ministerial concentrate on?" of "The Ministerial will focus on <...>": a sentence
                # without the question's own verb says what something is about with another word of the kind.
                verbs = [i for i, t in enumerate(token_terms) if pos[i] != PROPN and t in TOPIC_STEMS]
            extra.extend(objects_after(text, tokens, verbs, people=info.answer_type is AnswerType.PERSON))
        # "Whom did the delegation meet?" of "Delegation led by ... Mike Rogers met ... Rajesh Kumar Singh":
        # what is written between the subject and its verb belongs to the subject, not to the object; so do
        # the words the subject noun is written with ("a United States Congressional delegation") and, for
        # any object question, a participle's phrase right after it ("led by ...", up to the next verb).
        # (Everything up to the verb, asked for a thing rather than a person, cost SQuAD 0.0008.)
        subject_phrase: list[tuple[int, int]] = []
        if info.object_verb:
            n = len(token_terms)
            for i, t in enumerate(token_terms):
                if t in info.object_subject and t not in info.proper_terms and pos[i] in _NOUN_POS:
                    first = i
                    while first > 0 and pos[first - 1] in _MODIFIER_POS:
                        first -= 1
                    verb = next((v for v in verbs if v > i + 1 and pos[v] == VERB), None)
                    if verb is not None and info.answer_type is AnswerType.PERSON:
                        subject_phrase.append((starts[first], starts[verb]))
                    elif i + 1 < n and pos[i + 1] == VERB and token_terms[i + 1] != info.object_verb:
                        # "delegation led by ... Mike Rogers, along with ... Sergio Gor, holding ...": the
                        # participle's phrase runs to the next verb.
                        later = next((k for k in range(i + 2, n) if pos[k] == VERB), None)
                        subject_phrase.append((starts[first], starts[later] if later is not None else shape.end))
                    elif info.answer_type is AnswerType.PERSON:
                        subject_phrase.append((starts[first], int(tokens[i][1])))
        objects = [(sp.start, sp.end) for sp in extra if sp.kind == "OBJECT"]
        company, accompanied = self._company(info, shape, people) if info.company else (set(), set())
        pair_question = info.answer_type is AnswerType.PERSON and info.head in PAIR_HEADS
        if pair_question:
            # "Which pair won ...?": two people named together ("Karol Kucera and Karina Habsudova").
            named = sorted((sh.span for sh in shape.spans if sh.kind == "PERSON"), key=lambda sp: sp.start)
            extra.extend(Span(a.start, b.end, "PAIR", a.tokens + b.tokens + 1)
                         for a, b in zip(named, named[1:], strict=False)
                         if text[a.end: b.start] in (" and ", " & ", ", and "))
        shapes = list(shape.spans) + [sh for sp in extra for sh in [_shape(sp, shape)] if sh is not None]
        if info.counted:
            # "How many yards ...?": "3,837", not "3,837 yards"; the counted noun is the question's word.
            seen = {(sh.span.start, sh.span.end) for sh in shapes}
            kept: list[SpanShape] = []
            for sh in shapes:
                cut = _without_counted(sh, shape, info.counted)
                if cut is sh or (cut is not None and (cut.span.start, cut.span.end) not in seen):
                    kept.append(cut)
                # else the number alone is a candidate already (or nothing is left): the long one goes
            shapes = kept
        if info.date_unit == "year":
            # "In what year did Genghis Khan die?": "1227", not "August 1227" nor "early 1961".
            seen = {(sh.span.start, sh.span.end) for sh in shapes}
            years: list[SpanShape] = []
            for sh in shapes:
                if sh.kind != "DATE":
                    continue
                found = list(DATE_UNITS["year"].finditer(text, sh.span.start, sh.span.end))
                if len(found) == 1 and (found[0].start(), found[0].end()) not in seen:
                    year = _shape(Span(found[0].start(), found[0].end(), "DATE", 1), shape)
                    if year is not None:
                        years.append(year)
                        seen.add((found[0].start(), found[0].end()))
            shapes = [sh for sh in shapes if not (sh.kind == "DATE" and any(
                sh.span.start <= y.span.start and y.span.end <= sh.span.end for y in years))] + years
        # "Whom will Jaishankar meet?": the title the article gives Jaishankar ("External Affairs Minister")
        # names him again, not someone else.
        own_titles: list[frozenset[str]] = []
        if info.answer_type is AnswerType.PERSON and info.proper_terms:
            titles = self.titles_in(self.terms.doc_of[sentence.row])
            own_titles = [title for t in info.proper_terms for title in titles.get(t, ())]
        fits = TYPE_FIT.get(info.answer_type, TYPE_FIT[AnswerType.OTHER])
        head_stem = stem(country_words([info.head])[0]) if info.head else None  # "Russian" as the text spells it
        # The asked noun and its kin: "which meeting" also ends on "Ministerial".
        head_kin = HEAD_KIN.get(head_stem, frozenset({head_stem})) if head_stem else frozenset()
        # "Which <noun>" whose noun names no person, time, place, organisation or number: a thing.
        thing_head = info.answer_type is AnswerType.OTHER and head_stem is not None
        # "Which pact came up in the talks?": when the sentence holds a phrase ending on the asked noun or its
        # kin ("... Framework Agreement"), the people it names are not the thing asked for.
        # (Only for nouns of a known kin group: "Which scholar ...?" is a person the lexicon does not know.)
        kin_named = thing_head and head_stem in HEAD_KIN and any(sh.last_stem in head_kin for sh in shapes)
        # The people a "who" question names by their full name (two words or more), unless it asks who they are.
        full_names = [n for n in info.names if " " in n] if (
            info.answer_type is AnswerType.PERSON and not info.identity) else []
        asked_person = re.compile(r"\b(?:" + "|".join(map(re.escape, full_names)) + r")\b",
                                  re.IGNORECASE) if full_names else None
        is_date = info.answer_type is AnswerType.DATE
        asks_age = info.answer_type is AnswerType.DURATION and _HOW_OLD.search(info.text) is not None
        # The question's words, each word of a class standing for the rest ("hosted" for "convened"), and
        # each noun for its kin ("the summit" is the leaders' meeting).
        dated_terms = q_terms.union(info.word_class[1] if info.word_class else (),
                                    *(HEAD_KIN.get(t, ()) for t in q_terms)) if is_date else q_terms
        settlement = info.answer_type is AnswerType.PLACE and info.head in SETTLEMENT_HEADS
        counting = info.answer_type is AnswerType.NUMBER and info.counts
        unnamed_kind = info.answer_type in (AnswerType.ORG, AnswerType.PLACE)
        asked_org_kind = _ORG_KIND.get(head_stem) if info.answer_type is AnswerType.ORG and head_stem else None
        unit_pattern = DATE_UNITS.get(info.date_unit) if is_date and info.date_unit else None
        col = _COL
        sentence_part = np.zeros(len(FEATURES))
        sentence_part[col["s_dense"]] = sentence.dense
        sentence_part[col["s_lex"]] = sentence.lexical
        sentence_part[col["s_bigram"]] = sentence.bigram
        sentence_part[col["s_passage"]] = sentence.passage
        sentence_part[col["s_top"]] = 1.0 if rank == 0 else 0.0
        sentence_part[col["s_window"]] = s_window
        sentence_part[col["name_match"]] = sentence.names
        sentence_part[col["bias"]] = 1.0
        scored = []
        someone_else: list[tuple[int, int]] = []  # people the question's title rules out (entities come first)
        for sh in shapes:
            span, kind = sh.span, sh.kind
            if own_titles and any(title.issuperset(sh.content_stems) for title in own_titles):
                continue
            if sh.role_terms is not None and (
                (info.title_terms and not info.title_terms <= sh.role_terms)
                or (info.title_owner and not _owned_by(sh.role_words, info.title_owner, info.title_terms))
            ):
                # "Who is India's Defence Minister?": "US Ambassador to India Sergio Gor" is introduced with
                # another title, so he is someone else, whatever words he shares with the question; so is he
                # for "India's Ambassador to the US" (his title is the US's). A person written without a
                # title is left to the scores. Phrases holding his name ("India Sergio Gor") go with him.
                someone_else.append((span.start, span.end))
                continue
            if someone_else and kind in ("NP", "NP_PROPN") and any(
                    span.start <= a and b <= span.end for a, b in someone_else):
                continue
            if (sh.source_terms is not None and not info.asks_source and not sh.source_terms & q_terms
                    and not (head_stem and head_stem in sh.stems)):
                # "According to a release by the US Department of the Treasury, the meeting brought together
                # ...": the source of a statement does not answer a question about what it says, unless the
                # question asks who says so, is about the source itself, or asks for a thing of the source's
                # kind ("Which ministry ...?" of "according to the Ministry of Defence").
                continue
            repeated = [(st in q_terms or x in info.words) for x, st in zip(sh.content, sh.content_stems, strict=True)]
            if all(repeated) and span.kind != "SENTENCE":
                # A span that only repeats the question is not an answer, not even its head noun: "What toxin
                # ...?" is answered by "granulysin", not by "toxin".
                continue
            if (asked_person and kind in ("PERSON", "NP", "NP_PROPN")
                    and asked_person.search(text, span.start, span.end)):
                # "Which pilot flew the plane that crashed with Ava Lee?": "Singer Ava Lee" is whom the question
                # is about, not whom it asks for; no more an answer than the question's own words are.
                continue
            echo = sum(
                1 for r, st in zip(repeated, sh.content_stems, strict=True) if r and st not in info.type_words
            ) / len(sh.content)
            fit = fits.get(kind, SENTENCE_FALLBACK_FIT if kind == "SENTENCE" else 0.0)
            if kind == "NP_PROPN" and fit == 0.0:
                fit = fits.get("NP", 0.0)
            if is_date and kind in ("DATE", "TIME") and info.asks_source != (
                    _STATEMENT_DATE.search(text, max(s_start, span.start - 24), span.start) is not None):
                # "had said in January that the Ministerial, to be held on February 4, ...": "January" is when it
                # was said, which answers "When did the State Department announce it?" and not "When is it?".
                fit = min(fit, OTHER_STATEMENT_DATE_FIT)
            if is_date and (sh.relative or sh.duration):
                fit = min(fit, WHEN_RELATIVE_FIT if sh.relative else WHEN_DURATION_FIT)
            if is_date and fit > 0.0 and (
                    (sh.duration and ATTRIBUTIVE_DURATION.match(text, span.start))
                    # "five countries" is a count of things; a year the tagger calls a number ("1998") stays.
                    or (kind in ("NUMBER", "CARDINAL") and not (sh.calendar or sh.duration)
                        and COUNT_OF_THINGS.search(text, span.start, span.end) is not None)
                    or (kind in ("DATE", "TIME") and clause_cover(sh) < DATED_CLAUSE_COVER
                        and dates_another_event(sh, shape, dated_terms))):
                fit = 0.0
            if is_date and fit > 0.0 and _WEEKDAY.match(text, span.start):
                if _in_a_name(sh, shape):
                    fit = 0.0  # "Sunday Telegraph journalist Robert Peston": a newspaper, not a day
                elif _names_kind_of(sh, shape):
                    fit = min(fit, WHEN_RELATIVE_FIT)  # "ITV1's Saturday morning music show": which show, not when
            if unit_pattern is not None and sh.calendar and not unit_pattern.search(text[span.start: span.end]):
                fit = min(fit, OTHER_UNIT_FIT)
            if asked_org_kind is not None and kind in ("ORG", "NP", "NP_PROPN") and any(
                    _ORG_KIND.get(st, asked_org_kind) != asked_org_kind for st in sh.content_stems) and not any(
                    _ORG_KIND.get(st) == asked_org_kind for st in sh.content_stems):
                fit = min(fit, ORG_KIND_MISMATCH_FIT)  # a committee for "which party"
            if (info.answer_type is AnswerType.PERSON and kind in ("NP", "OBJECT") and sh.person_noun
                    and _QUALIFIER.match(text, span.end)):
                # "partners" of "partners from across the globe": a class of people, said which by what follows.
                fit = min(fit, BARE_CLASS_FIT)
            names_person = any(span.start <= a and b <= span.end for a, b in people)
            if kind == "OBJECT" and info.answer_type is AnswerType.PERSON and names_person:
                fit = min(fit, OBJECT_NAMED_FIT)  # "met <Defence Secretary Rajesh Kumar Singh>": the name answers
            if info.asks_source and info.answer_type is AnswerType.PERSON and kind == "ORG":
                fit = max(fit, SOURCE_ORG_FIT)  # "Who said so?": a ministry says as much as a minister does
            if (info.asks_source and info.answer_type in (AnswerType.PERSON, AnswerType.ORG)
                    and kind != "SENTENCE" and _quoted(text, s_start, span.start)):
                fit = min(fit, QUOTED_SOURCE_FIT)  # a name inside the quote is what was said, not who said it
            if pair_question and kind == "PERSON":
                fit = min(fit, PAIR_SINGLE_FIT)  # one of the two, not the pair
            if info.money and (kind == "PERCENT" or _SHARE.search(text, span.start, span.end)) and not (
                    _MONEY_SIGN.search(text, span.start, span.end)):
                fit = min(fit, SHARE_AS_MONEY_FIT)  # "How much is Inbev paying?": not "one-fifth" nor "11.8%"
            if counting and kind == "ORDINAL":
                fit = min(fit, ORDINAL_COUNT_FIT)  # "How much cocoa ...?" is not answered by "fourth"
            if counting and sh.calendar and _DATED_NAME.search(text, span.start, span.end) and not _NUMBER_LEFT.search(
                    CALENDAR.sub(" ", text[span.start: span.end])):
                fit = 0.0  # "How much will he be paid?" is not answered by "the 2005 Lions" ("2000" may count)
            if info.answer_type is AnswerType.DURATION and not sh.duration and (
                    (sh.calendar and (asks_age or not (DATE_UNITS["year"].search(text, span.start, span.end)
                                                       or DATE_UNITS["century"].search(text, span.start, span.end))))
                    or _CLOCK_TIME.search(text, span.start, span.end)):
                # "How long is the contract?" is not answered by "Wednesday" nor "1500 GMT" ("since 1951" may be),
                # "How old is he?" by no date at all.
                fit = 0.0
            if settlement and is_country(text[span.start: span.end]):
                fit = min(fit, COUNTRY_AS_CITY_FIT)  # "In which city ...?" is not answered by "Australia"
            if info.answer_type is AnswerType.PLACE and sh.locative and kind in ("ORG", "FAC", "NP_PROPN"):
                fit = max(fit, 0.8)  # "welcome partners to the State Department": a place by its preposition
            misfit = of_subject = False
            if thing_head and kind in ("NP", "NP_PROPN") and sh.person_noun and not names_person:
                fit, misfit = min(fit, RULED_OUT_FIT), True  # "In which court ...?" is not answered by "the man"
            if kin_named and kind == "PERSON":
                fit, misfit = min(fit, RULED_OUT_FIT), True
            if thing_head and kind in ("CLAUSE", "REASON") and (info.wh == "which" or head_stem in HEAD_KIN):
                # "On which platform ...?" names a thing: "X", not "said in a post on X that ...".
                fit, misfit = min(fit, RULED_OUT_FIT), True
            if settlement and is_country(text[span.start: span.end]):
                misfit = True  # "In which city ...?": "Australia" answers only when no city is a candidate
            if info.answer_type is AnswerType.PLACE and (
                    (sh.modifier and kind in _PLACE_NAMES)
                    or (kind in ("NP", "NP_PROPN") and words(text[span.start: span.end])[-1] in _TITLE_WORDS)):
                # "US" of "US Secretary of State" or "India-US engagement" describes a person or a thing, and
                # "US Secretary" names a person: neither places anything.
                fit, misfit = min(fit, RULED_OUT_FIT), True
            if info.kind_of and kind in _NOT_KINDS_OF_THINGS:
                fit, misfit = min(fit, RULED_OUT_FIT), True  # "Which edition of X?": not "Marco Rubio"
            if info.object_subject and kind not in ("SENTENCE", "OBJECT") and (
                    info.object_subject & info.proper_terms & sh.stems):
                # "What did Jaishankar and Rubio agree on?": a phrase naming the subject is not its object.
                fit, misfit = min(fit, RULED_OUT_FIT), True
            if info.object_verb and info.answer_type is AnswerType.OTHER and (
                    kind == "PERSON" or (kind in ("NP", "NP_PROPN") and names_person)):
                fit, misfit = min(fit, RULED_OUT_FIT), True  # "What did they discuss?" asks what, not with whom
            role_title = sh.role_terms - _COUNTRY_STEMS if sh.role_terms else frozenset()
            if (kind == "PERSON" and info.answer_type is AnswerType.PERSON and not info.identity
                    and not info.title_terms and role_title and role_title <= info.proper_terms
                    and not sh.role_terms & info.type_words and sh.role_terms & _TITLE_STEMS):
                # "Who joined the delegation in its talks with the Defence Secretary?": the person the article
                # titles "Defence Secretary" is named by the question, not asked for.
                fit, misfit = min(fit, RULED_OUT_FIT), True
            if kind not in ("SENTENCE", "OBJECT") and (
                    any(a <= span.start < b for a, b in subject_phrase) or (span.start, span.end) in accompanied):
                fit, misfit, of_subject = min(fit, RULED_OUT_FIT), True, True
            if (kind in ("ORG", "NP_PROPN") and info.answer_type is not AnswerType.DEFINITION
                    and sh.next_word in _TITLE_WORDS and text[span.end + 1: span.end + 2].isupper()):
                fit, misfit = min(fit, RULED_OUT_FIT), True  # "External Affairs" of "External Affairs Minister"
            if unnamed_kind and kind in ("NP", "NP_PROPN") and names_person:
                fit, misfit = min(fit, RULED_OUT_FIT), True  # "US Secretary of State Marco Rubio": no department
            if (info.answer_type is AnswerType.PERSON and kind in ("NP", "NP_PROPN") and sh.person_noun
                    and not (head_stem and sh.last_stem in head_kin)):
                # "senior members of the US administration" answers "whom"; "senior officials" does not answer
                # "which official": it restates the asked class instead of naming one of it.
                fit = max(fit, 0.7)
            if objects and kind not in ("OBJECT", "SENTENCE") and not any(
                    a <= span.start and span.end <= b for a, b in objects):
                fit = min(fit, OBJECT_OUTSIDE_FIT)
            first_tok, last_tok = sh.first_tok, sh.last_tok
            proximity, after = 0.0, 0.0
            near = positions
            if sh.role_terms is not None and positions:
                # A common word of the question inside a person's own title ("US" in "US Ambassador to India
                # Sergio Gor") does not put that person next to the question's words ("the US delegation"),
                # unless the question uses it to describe whom it asks for ("Which American diplomat"); a
                # title carrying the question's rarer words does.
                role_cover = sum(q_weight[t] for t in sh.role_terms & q_terms) / q_total
                if role_cover < TITLE_NEAR_COVER:
                    name_tok = bisect_left(starts, span.start)
                    near = [p for p in positions if not (
                        first_tok <= p < name_tok and token_terms[p] in sh.role_terms
                        and token_terms[p] not in info.type_words)]
            if near and kind != "SENTENCE":
                dist = min(
                    0 if first_tok <= p <= last_tok else min(abs(p - first_tok), abs(p - last_tok))
                    for p in near
                )
                proximity = 1.0 / (1.0 + dist / 4.0)
                after = float(any(p < first_tok for p in positions))
            f = sentence_part.copy()
            f[col["type_fit"]] = fit
            f[col["proximity"]] = proximity
            f[col["echo"]] = echo
            f[col["head"]] = 1.0 if head_stem and head_stem in sh.stems else 0.0
            f[col["length"]] = sh.length
            f[col["log_length"]] = math.log(sh.length)
            f[col["after_question_word"]] = after
            f[col["window5"]] = coverage(first_tok - 5, last_tok + 5, first_tok, last_tok)
            f[col["window10"]] = coverage(first_tok - 10, last_tok + 10, first_tok, last_tok)
            if name_tokens:
                gap = min(0 if first_tok <= p <= last_tok else min(abs(p - first_tok), abs(p - last_tok))
                          for p in name_tokens)
                f[col["name_near"]] = 1.0 / (1.0 + gap / 4.0)
            f[col[f"{wh_group}_{sh.group}"]] = 1.0
            if positions and kind != "SENTENCE":
                nearest = min(positions, key=lambda p: min(abs(p - first_tok), abs(p - last_tok)))
                f[col["left_of_anchor"]] = 1.0 if nearest > last_tok else 0.0
                lo, hi = sorted((nearest, first_tok if nearest < first_tok else last_tok))
                f[col["verb_between"]] = 1.0 if VERB in pos[lo + 1: hi] else 0.0
            f[col["sentence_start"]] = 1.0 if first_tok == 0 else 0.0
            f[col["starts_det"]] = sh.starts_det
            f[col["has_num"]] = sh.has_num
            f[col["propn_share"]] = sh.propn_share
            f[col["locative"]] = 1.0 if sh.locative else 0.0
            f[col["where_locative"]] = 1.0 if sh.locative and info.wh == "where" else 0.0
            f[col["possessive_after"]] = 1.0 if sh.possessive else 0.0
            if head_stem:
                f[col["head_last"]] = 1.0 if sh.last_stem in head_kin or sh.of_stem in head_kin else 0.0
                f[col["head_before"]] = 1.0 if head_stem in token_terms[max(0, first_tok - 3): first_tok] else 0.0
                if thing_head:
                    # "which agreement/front/edition" asks for a thing: rarely a person or a date, often a
                    # phrase ending on that noun ("the 10-year ... Framework Agreement").
                    f[col["thing_head_last"]] = f[col["head_last"]]
                    f[col["thing_head_person"]] = 1.0 if kind in ("PERSON", "DATE", "TIME") else 0.0
            if sh.calendar or sh.duration:
                f[col["calendar"]] = float(sh.calendar)
                f[col["duration"]] = float(sh.duration)
                f[col["when_calendar"]] = float(sh.calendar and is_date)
                f[col["when_duration"]] = float(sh.duration and is_date)
            if sh.relative and is_date:
                f[col["when_relative"]] = 1.0
            if sh.role_terms is not None:
                # "Who is the US Ambassador to India?" names the person by the title the sentence gives;
                # "Whom will the External Affairs Minister meet?" names the asker's subject that way.
                role_cover = sum(q_weight[t] for t in sh.role_terms & q_terms) / q_total
                f[col["role_match" if info.identity else "role_echo"]] = role_cover
            f[col[f"kind_{sh.group}"]] = 1.0
            if positions and kind != "SENTENCE":
                if any(p < first_tok and first_tok - p <= 3 and all(x in GLUE_POS for x in pos[p + 1: first_tok])
                       for p in positions):
                    f[col[f"{wh_group}_adj_after"]] = 1.0
                if any(p > last_tok and p - last_tok <= 3 and all(x in GLUE_POS for x in pos[last_tok + 1: p])
                       for p in positions):
                    f[col[f"{wh_group}_adj_before"]] = 1.0
            if sh.prev_class:
                f[col[f"{wh_group}_prev_{sh.prev_class}"]] = 1.0
            if sh.next_class:
                f[col[f"{wh_group}_next_{sh.next_class}"]] = 1.0
            linear = float(f @ self.span_weights)
            # The object of the question's own verb is what an object question asks for: it is put ahead of the
            # sentence's other spans by a hand-set margin (not a feature: the SQuAD fit never saw it), which the
            # confidence reads too.
            if (kind == "OBJECT" and fit >= TYPE_FIT[AnswerType.PERSON]["OBJECT"]) or (
                    kind == "PERSON" and info.answer_type is AnswerType.PERSON
                    and any(a <= span.start and span.end <= b for a, b in objects)):
                linear += OBJECT_BONUS  # ...and so is the person an object names ("met <... Rajesh Kumar Singh>")
            if info.asks_source and sh.source_terms is not None and fit >= CITED_SOURCE_MIN_FIT:
                linear += CITED_SOURCE_BONUS
            if (span.start, span.end) in company:
                linear += COMPANY_BONUS  # "Who accompanied the delegation?": "..., along with <Sergio Gor>, ..."
            scored.append(ScoredSpan(sentence, span, linear, fit, f, linear, misfit, of_subject,
                                     by_class and kind == "OBJECT"))
        return scored

    def _span_key(self, scored: ScoredSpan) -> tuple[int, str]:
        doc = self.terms.doc_of[scored.sentence.row]
        return doc, self.index.documents[doc].text[scored.span.start: scored.span.end]

    @staticmethod
    def _company(info: QuestionInfo, shape: SentenceShape, people: list[tuple[int, int]],
                 ) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
        """Who went with whom, by "X, along with Y, ...": the people after "along with" (up to the next comma)
        and the person named last before it. "Who accompanied X?" is answered by the first, and the second
        is the one accompanied; "Whom did Y accompany?" the other way round. Returns (answers, ruled out)."""
        answers: set[tuple[int, int]] = set()
        ruled_out: set[tuple[int, int]] = set()
        text = shape.text
        for match in _COMPANY_PHRASE.finditer(text, shape.start, shape.end):
            stop = _PHRASE_END.search(text, match.end(), shape.end)
            end = stop.start() if stop else shape.end
            going = {(a, b) for a, b in people if match.end() <= a < end}
            before = [(a, b) for a, b in people if b <= match.start()]
            joined = {max(before, key=lambda p: p[1])} if before else set()
            answers |= going if info.company == "who" else joined
            ruled_out |= joined if info.company == "who" else going
        return answers, ruled_out

    def _goes_on_about_subject(self, info: QuestionInfo, row: int, token_terms: list[str]) -> bool:
        """Whether the sentence opens on "The <noun>" right after a sentence naming the question's subject:
        "... a Congressional delegation ... holding discussions with ... . The meeting, held on January 27,
        featured wide-ranging discussions on ..." goes on about the delegation's meeting."""
        shape = self.sentence_shape(row)
        if row == 0 or len(token_terms) < 2 or shape.token_words[0] not in _OPENING_DEFINITE:
            return False
        if self.terms.doc_of[row - 1] != self.terms.doc_of[row]:
            return False
        return bool(info.object_subject.intersection(self.sentence_shape(row - 1).token_terms))

    def _titled_subject(self, info: QuestionInfo, row: int, token_terms: list[str]) -> bool:
        """Whether the sentence names the question's subject by a title the article gives that person ("the
        External Affairs Minister will also hold meetings ..." for "Whom will Jaishankar meet?")."""
        titles = self.titles_in(self.terms.doc_of[row])
        present = set(token_terms)
        return any(title <= present for t in info.object_subject for title in titles.get(t, ()))

    def titles_in(self, doc_row: int) -> dict[str, frozenset[frozenset[str]]]:
        """Each person's name term -> the titles the article gives them, as sets of terms.

        News names a person once with a title ("External Affairs Minister S. Jaishankar") and then by the
        title alone ("the External Affairs Minister will also hold meetings ..."): a sentence that writes a
        person's whole title counts as naming them. Computed per article when first asked, then kept.
        """
        cached = self._titles.get(doc_row)
        if cached is not None:
            return cached
        index = self.index
        text = index.documents[doc_row].text
        person = ENTITY_LABELS.index("PERSON")
        found: dict[str, set[frozenset[str]]] = {}
        rows = np.nonzero(index.sentences[:, 0] == doc_row)[0] if len(index.sentences) else []
        for row in rows:
            s_start = int(index.sentences[row, 1])
            for a, b, label in index.sentence_entities(int(row)).tolist():
                if label != person:
                    continue
                role = role_before(text, s_start, a)
                title = frozenset(terms(text[role[0]: role[1]])) if role else frozenset()
                if len(title) < 2:
                    continue  # one word ("Secretary") is too common to stand for one person
                for term in terms(text[a:b]):
                    found.setdefault(term, set()).add(title)
        titles = {t: frozenset(v) for t, v in found.items()}
        with self._shapes_lock:
            if len(self._titles) >= SHAPE_CACHE:
                self._titles.pop(next(iter(self._titles)))
            self._titles[doc_row] = titles
        return titles

    def sentence_shape(self, row: int) -> SentenceShape:
        """The question-independent facts of sentence `row` and its candidate spans, computed once.

        Tagging happened at index time; cutting candidates out of the tags and measuring their shape is
        the same for every question, so a sentence asked about again costs only the question's part.
        """
        cached = self._shapes.get(row)
        if cached is not None:
            return cached
        index = self.index
        doc_row, s_start, s_end = (int(x) for x in index.sentences[row])
        text = index.documents[doc_row].text
        tokens = index.sentence_tokens(row)
        token_rows = tokens.tolist()
        shape = SentenceShape(
            text=text, start=s_start, end=s_end, tokens=tokens,
            # Plain lists: per-span lookups on small arrays are faster with bisect than with numpy calls.
            starts=[a for a, _, _ in token_rows], pos=[p for _, _, p in token_rows],
            token_terms=[stem(w) for w in country_words([text[a:b] for a, b, _ in token_rows])],
            token_words=[text[a:b].lower() for a, b, _ in token_rows],
            lowered=text[s_start:s_end].lower(),
            propn=frozenset(a for a, _, p in token_rows if p == PROPN),
        )
        spans = candidates(text, s_start, s_end, tokens, index.sentence_entities(row))
        shape.spans = tuple(sh for sp in spans for sh in [_shape(sp, shape)] if sh is not None)
        with self._shapes_lock:  # server threads share the cache
            while len(self._shapes) >= SHAPE_CACHE:
                self._shapes.pop(next(iter(self._shapes)))  # oldest first: dicts keep insertion order
            self._shapes[row] = shape
        return shape

    def _definition_spans(self, info: QuestionInfo, text: str, s_start: int, s_end: int) -> list[Span]:
        if info.answer_type is not AnswerType.DEFINITION:
            return []
        out: list[Span] = []
        sentence = text[s_start:s_end]
        for name in info.names:
            if name.isupper() and len(name) >= 2:
                for a, b in acronym_expansions(text, s_start, s_end, name):
                    out.append(Span(a, b, "ACRONYM", 3))
            for match in re.finditer(re.escape(name), sentence):
                n_start, n_end = s_start + match.start(), s_start + match.end()
                role = role_before(text, s_start, n_start)
                if role:
                    out.append(Span(role[0], role[1], "ROLE", 3))
                app = apposition_after(text, n_end, s_end)
                if app:
                    out.append(Span(app[0], app[1], "APPOSITION", 3))
                copula = re.match(r"\s+(?:is|was|are|were)\s+((?:the|a|an)\s[^,;.]{3,120})", text[n_end:s_end])
                if copula:
                    out.append(Span(n_end + copula.start(1), n_end + copula.end(1), "PREDICATE", 3))
        return out
