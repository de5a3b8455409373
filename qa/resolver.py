"""Follow-up resolution: rewrite a question that leans on earlier turns into a standalone one.

Deterministic and inspectable: pronouns ("it", "he", "they", "there"), "And X?" / "What about X?"
ellipsis and bare question words ("When?") are filled from the previous turns' entities, topic and
answers. A question that stands alone comes back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from index.annotator import SPACY_MODEL
from index.lexical import stem
from qa.question import HEAD_KIN, analyse

_PERSON_PRONOUNS = {"he": "", "him": "", "she": "", "his": "'s", "her": "'s", "hers": "'s"}
# "her" owns what follows when a word other than a function word follows it ("her sisters", not "with her?").
_OWNS = re.compile(r"\s+(?!(?:to|with|in|at|for|from|of|on|about|by|and|or|but|as|than|that|when|if|"
                   r"again|too|now|then|there|here|yet|so)\b)[A-Za-z]")
_THING_PRONOUNS = {"it": "", "its": "'s", "they": "", "them": "", "their": "'s"}
_BARE_WH = re.compile(
    r"^(?:and\s+)?(when|where|why|who|how many|how much|how long|what|which one|whom)\s*\??$", re.IGNORECASE,
)
_AND_X = re.compile(r"^(?:and what about|and how about|what about|how about|and for|same for|and)\s+(.+?)\s*\??$",
                    re.IGNORECASE)
_DEMONSTRATIVE = re.compile(r"\b(that|this|the same)\s+(meeting|event|visit|ministerial|summit|agreement|deal|"
                            r"delegation|conference|trip|talks|discussion|session|gathering|announcement)\b",
                            re.IGNORECASE)
# A bare question word asks the same kind of thing about the topic in play.
_BARE_TEMPLATES = {
    "when": "When is {topic}?", "where": "Where is {topic}?", "why": "What is the purpose of {topic}?",
    "who": "Who is involved in {topic}?", "whom": "Who is involved in {topic}?",
    "how many": "How many are at {topic}?", "how much": "How much is {topic}?",
    "how long": "How long is {topic}?", "what": "What is {topic}?", "which one": "Which is {topic}?",
}
# "And the date?": a noun for an attribute of the topic, not another topic to ask the same of.
_ATTRIBUTE = re.compile(r"^(?:the|its|their)\s+(date|day|time|venue|place|location|city|host|organi[sz]er|reason|"
                        r"purpose|aim|goal|focus|agenda|outcome|result|cost|price|size|duration|length)\s*$",
                        re.IGNORECASE)
_ATTRIBUTE_TEMPLATES = {
    "date": "When is {topic}?", "day": "When is {topic}?", "time": "When is {topic}?",
    "venue": "Where is {topic}?", "place": "Where is {topic}?", "location": "Where is {topic}?",
    "city": "In which city is {topic}?", "host": "Who is hosting {topic}?", "organiser": "Who is organising {topic}?",
    "organizer": "Who is organising {topic}?", "reason": "What is the purpose of {topic}?",
    "purpose": "What is the purpose of {topic}?", "duration": "How long is {topic}?", "length": "How long is {topic}?",
}
_WH_AUX = re.compile(r"^(?:when|where|why|how|what|which \w+|who|whom)\s+((?:will|did|does|do|is|was|are|were|has|have|"
                     r"had|can|could|would|should)\s.+)$", re.IGNORECASE)
# "Which ministry said so?", "Who said that?", "According to whom?": asks who stands behind the previous
# answer, so the sentence that answer came from is where to look.
_SOURCE = re.compile(r"\b(?:said|says|say|stated|states|reported|announced|claimed|wrote|posted|confirmed)\s+"
                     r"(?:so|that|this|it)\s*\??$|^\s*(?:according to whom|says who|who says so)\b"
                     r"|\b(?:made|issued|released|gave|put out)\s+(?:that|this|the)\s+(?:statement|claim|remark|"
                     r"announcement|comment)s?\s*\??$"
                     r"|^\s*(?:who|what|which \w+) (?:is|was) the source\s*\??$", re.IGNORECASE)
# A possessive ending the tagger keeps inside a name: "S. Jaishankar's".
_POSSESSIVE = re.compile(r"\s*['\u2019]s?$")
_WH_START = re.compile(r"^(who|whom|whose|what|which|when|where|why|how)\b", re.IGNORECASE)


@dataclass
class TurnMemory:
    """What one earlier turn leaves for the next: its standalone question, answer and entities."""

    resolved_question: str
    answer: str | None = None
    answer_type: str | None = None
    doc_id: str | None = None
    people: list[str] = field(default_factory=list)
    things: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Resolution:
    question: str
    resolved: str
    rule: str  # which rule fired: "standalone", "pronoun", "and-x", "bare-wh", "demonstrative", "source"

    @property
    def changed(self) -> bool:
        return self.resolved != self.question


@lru_cache(maxsize=1)
def _nlp():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["lemmatizer"])


def remember(resolved_question: str, answer: str | None, answer_type: str | None, doc_id: str | None) -> TurnMemory:
    """Pull people, things (topics) and places out of a resolved question and its answer."""
    memory = TurnMemory(resolved_question, answer, answer_type, doc_id)
    doc = _nlp()(resolved_question)
    people_spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    place_spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")]
    # "S. Jaishankar's" of "the dates of S. Jaishankar's trip" is remembered as "S. Jaishankar".
    memory.people = [_POSSESSIVE.sub("", resolved_question[s:e]) for s, e in people_spans]
    memory.places = [_POSSESSIVE.sub("", resolved_question[s:e]) for s, e in place_spans]
    memory.things = _things(doc, [(e.start_char, e.end_char) for e in doc.ents if e.label_ in _NOT_TOPICS])
    if not memory.things:
        # The small parser often reads "What did the finance meeting explore?" with "explore" as a noun
        # and finds no subject; the question's shape still says which phrase is the topic.
        subject = _SUBJECT.match(resolved_question)
        if subject:
            memory.things = [subject.group(1)]
    memory.things.sort(key=lambda t: (not any(w[:1].isupper() for w in t.split()), -len(t)))
    if answer:
        if answer_type == "person" and any(w[:1].isupper() for w in answer.split()):
            # Only a name stands for "he" or "she" next ("an expensive car" answering "Who ...?" does not).
            memory.people.insert(0, answer)
        elif answer_type == "place":
            memory.places.insert(0, answer)
        elif answer_type in ("reason", "other", "action") and len(answer) < 200:
            # What the answer names becomes the newest topic: "to participate in the Critical Minerals
            # Ministerial" makes "that meeting" in the next turn the Ministerial.
            parsed = _nlp()(answer)
            named = [(e.start_char, e.end_char) for e in parsed.ents if e.label_ in _NOT_TOPICS]
            fresh = [t for t in _things(parsed, named) if any(w[:1].isupper() for w in t.split())]
            if answer_type == "other" and not _of_asked_kind(resolved_question, fresh):
                # "What themes will the Ministerial concentrate on?": the themes are not what "it" means next;
                # the Ministerial still is. (After "Which agreement ...?" answered by "the 10-year ...
                # Framework Agreement", "How long does it run?" asks about the agreement.)
                fresh = []
            memory.things = fresh + [t for t in memory.things if t not in fresh]
    return memory


def _of_asked_kind(question: str, named: list[str]) -> bool:
    """Whether a named thing is of the kind "which/what <noun>" asked for: its last word is that noun or kin
    ("Which pact ...?" answered by "... Framework Agreement")."""
    head = analyse(question).head
    if not head or not named:
        return False
    kin = HEAD_KIN.get(stem(head), frozenset({stem(head)}))
    return any(stem(t.split()[-1].lower()) in kin for t in named)


# "<wh> <auxiliary> the <subject words> <verb> [<particle>]?": the subject of a question about a thing.
_SUBJECT = re.compile(r"^(?:what|which|who|whom|when|where|why|how)\b[^?]*?\b(?:did|does|do|will|would|can|could|"
                      r"should|has|have|had)\s+((?:the|this|that)\s+[\w'-]+(?:\s+[\w'-]+){0,5}?)\s+\w+"
                      r"(?:\s+(?:on|about|with|for|to|in|at|up|out))?\s*\?$", re.IGNORECASE)

# Entities that are never the topic a pronoun or "that meeting" points back to.
_NOT_TOPICS = {"PERSON", "GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}


def _things(doc, excluded: list[tuple[int, int]]) -> list[str]:  # type: ignore[no-untyped-def]
    """Noun phrases that can be a topic: not pronouns, not wh-phrases, not people or places."""
    out = []
    for chunk in doc.noun_chunks:
        if chunk.root.pos_ == "PRON" or chunk.root.lower_ in ("who", "what", "which"):
            continue
        if re.match(r"^(which|what|whose|how many)\s", chunk.text, re.IGNORECASE):
            continue
        if any(s <= chunk.root.idx < e for s, e in excluded):
            continue
        out.append(chunk.text)
    return out


def _is_place_answer(memory: TurnMemory) -> bool:
    return memory.answer_type == "place" and bool(memory.answer)


def resolve(question: str, history: list[TurnMemory]) -> Resolution:
    """The standalone form of `question` given earlier turns (most recent last)."""
    text = " ".join(question.split())
    if not history:
        return Resolution(question, text, "standalone")
    last = history[-1]
    if _SOURCE.search(text) and last.answer:
        # The question is whole as asked; what it leans on is where the last answer was found.
        return Resolution(question, text, "source")
    person = next((p for turn in reversed(history) for p in turn.people), None)
    thing = next((t for turn in reversed(history) for t in turn.things), None)

    bare = _BARE_WH.match(text)
    if bare:
        # "When will Jaishankar visit the US?" + "Why?" -> "Why will Jaishankar visit the US?"
        same = _WH_AUX.match(last.resolved_question)
        if same:
            wh = bare.group(1).lower()
            rest = same.group(1)
            # The previous question asked for an object ("Who did the delegation hold talks with?"): its
            # answer fills that slot, so "When?" asks "When did the delegation hold talks with <answer>?".
            previous_wh = _WH_START.match(last.resolved_question)
            asked_object = previous_wh and previous_wh.group(1).lower() in ("who", "whom", "what", "which")
            if asked_object and last.answer and len(last.answer) <= 80 and wh not in ("who", "whom", "what"):
                rest = rest.rstrip(" ?") + " " + last.answer + "?"
            return Resolution(question, f"{wh.capitalize()} {rest}", "bare-wh")
    if bare and thing:
        wh = bare.group(1).lower()
        topic = _lower_article(thing)
        template = _BARE_TEMPLATES.get(wh, "{Wh} is {topic}?")
        return Resolution(question, template.format(Wh=wh.capitalize(), topic=topic), "bare-wh")

    and_x = _AND_X.match(text)
    attribute = _ATTRIBUTE.match(and_x.group(1)) if and_x else None
    if attribute and thing:
        # "And the date?", "What about the venue?": that attribute of the topic in play.
        template = _ATTRIBUTE_TEMPLATES.get(attribute.group(1).lower(), "What is the {attribute} of {topic}?")
        return Resolution(question, template.format(attribute=attribute.group(1).lower(),
                                                    topic=_lower_article(thing)), "and-x")
    # "What about him?" names no new topic: the pronoun is resolved below instead.
    pronoun_only = bool(and_x) and and_x.group(1).lower() in {**_PERSON_PRONOUNS, **_THING_PRONOUNS, "there": ""}
    if and_x and not pronoun_only and (
        not _WH_START.match(text) or re.match(r"^(what|how) about\b", text, re.IGNORECASE)
    ):
        new = and_x.group(1)
        previous = last.resolved_question
        target = _replace_target(previous, last, new)
        if target:
            return Resolution(question, previous.replace(target, new, 1), "and-x")

    resolved, rule = text, "standalone"
    demonstrative = _DEMONSTRATIVE.search(resolved)
    if demonstrative:
        # "that meeting" is the newest topic of that kind ("the Critical Minerals Ministerial"), not a person
        # or a title the last question named; with none, it stays "the meeting".
        noun = stem(demonstrative.group(2).lower())
        kin = HEAD_KIN.get(noun)
        if kin is None:  # "that visit", "that delegation": no kin to look for; the newest topic
            kind = thing
        else:
            kind = next((t for turn in reversed(history) for t in turn.things
                         if stem(t.split()[-1].lower()) in kin), None)
        replacement = _lower_article(kind) if kind else "the " + demonstrative.group(2)
        resolved = resolved[: demonstrative.start()] + replacement + resolved[demonstrative.end():]
        rule = "demonstrative"

    # A name written earlier in the same question is the pronoun's antecedent: leave such pronouns alone.
    names_at = [m.start() for m in re.finditer(r"(?<!^)\b[A-Z][a-z][\w'-]*", text)]

    def swap(match: re.Match[str]) -> str:
        nonlocal rule
        word = match.group(0)
        low = word.lower()
        if low != "there" and any(p < match.start() for p in names_at):
            return word
        if low in _PERSON_PRONOUNS and person:
            rule = "pronoun"
            suffix = _PERSON_PRONOUNS[low]
            if low == "her" and not _OWNS.match(resolved, match.end()):
                suffix = ""  # "Do I know her?": the object, not "her book"
            return person + suffix
        if low == "there":
            if _is_place_answer(last):
                rule = "pronoun"
                return f"in {last.answer}"
            if thing:
                rule = "pronoun"
                return f"at {_lower_article(thing)}"
        if low in _THING_PRONOUNS and thing:
            rule = "pronoun"
            return _lower_article(_without_amount(thing, text)) + _THING_PRONOUNS[low]
        return word

    # "there" only as a place adverb: not existential ("there is a…", "is there a…").
    resolved = re.sub(
        r"\b(he|him|his|she|her|hers|it|its|they|them|their)\b"
        r"|(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )\bthere\b(?!\s+(?:is|are|was|were)\b)"
        r"|(?<=\bis )there\b(?!\s+\w)|(?<=\bare )there\b(?!\s+\w)|(?<=\bwas )there\b(?!\s+\w)"
        r"|(?<=\bwere )there\b(?!\s+\w)",
        swap, resolved, flags=re.IGNORECASE)
    if resolved and resolved[0].islower():
        resolved = resolved[0].upper() + resolved[1:]
    return Resolution(question, resolved, rule)


_ASKS_AMOUNT = re.compile(r"^\s*(?:how (?:long|many|much|old|often)|when|what year|what date|in what year)\b",
                          re.IGNORECASE)
_AMOUNT_WORD = re.compile(r"^(?:\d[\w.,-]*|(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|"
                          r"thirty|fifty|hundred)-\w+)$", re.IGNORECASE)


def _without_amount(thing: str, question: str) -> str:
    """The topic without the number that answers the question: "How long does it run?" about "the 10-year
    Framework Agreement" asks about "the Framework Agreement"; writing "10-year" into the question would
    make the answer look like an echo of it."""
    if not _ASKS_AMOUNT.match(question):
        return thing
    words = thing.split()
    lead = 1 if words and words[0].lower() in ("the", "a", "an") else 0
    kept = words[:lead] + [w for i, w in enumerate(words[lead:]) if not (i == 0 and _AMOUNT_WORD.match(w))]
    if len(kept) == len(words) or len(kept) <= lead:
        return thing
    if not lead:
        kept.insert(0, "the")
    return " ".join(kept)


def _lower_article(phrase: str) -> str:
    return re.sub(r"^(The|A|An)\b", lambda m: m.group(1).lower(), phrase)


def _replace_target(previous: str, last: TurnMemory, new: str) -> str | None:
    """Which phrase of the previous question "And X?" swaps out: a person for a person, else the topic."""
    new_is_person = any(e.label_ == "PERSON" for e in _nlp()(new).ents)
    pool = last.people if new_is_person and last.people else last.things
    for phrase in pool:
        if phrase in previous:
            return phrase
    return None


_TRIGGER = re.compile(
    r"\b(he|him|his|she|her|hers|it|its|they|them|their|there)\b|^\s*(and|what about|how about|same for)\b",
    re.IGNORECASE,
)


def needs_history(question: str) -> bool:
    """Cheap test run before any parsing: could this question lean on earlier turns?"""
    text = " ".join(question.split())
    return bool(_TRIGGER.search(text) or _BARE_WH.match(text) or _DEMONSTRATIVE.search(text) or _SOURCE.search(text))


def warm_up() -> None:
    """Load the parser now (about a second), so the first follow-up question does not wait for it."""
    _nlp()
