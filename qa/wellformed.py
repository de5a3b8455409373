"""Is a follow-up's rewrite a well-formed question? The deterministic rewrite (qa/resolver.py) is shown to the
reader ("Understood as ..."), so a malformed one ("Was expensive car always an actor?", "Do I know Nicole's?")
must never be: `qa.chat` checks every rewrite with `malformed` and keeps the question as asked when a rule
fires (the reader reads the earlier turns either way). bench/coqa_eval.py counts the same rules.

The rules, each a name in the returned list:
- `repeated-word`: a word doubled ("the the") that the question did not double;
- `doubled-possessive`: "X's X";
- `dangling-possessive`: a substituted "'s" followed by the end of the question or a function word;
- `long-substitution`: a pronoun or "that/this <noun>" replaced by more than 8 words;
- `empty-substitution`: a pronoun replaced by function words or pronouns only;
- `person-as-bare-noun`: he/him/his/she/her/hers replaced by a phrase opening with a lower-case word that
  is not a determiner;
- `lost-wh`: the question opened with a question word and the rewrite has none;
- `extra-wh`: the rewrite has two or more question words, more than the question;
- `lost-verb`: the question has a verb or auxiliary (spaCy POS) and the rewrite none.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from qa.resolver import _nlp

LONG_SUBSTITUTION = 8  # words; "the Critical Minerals Ministerial hosted by the US" is 8
_WH = ("who", "whom", "whose", "what", "which", "when", "where", "why", "how")
# Words that cannot follow a possessive ("Cotton's to", "Cotton's?"), and that resolve nothing on their own.
_FUNCTION_WORDS = frozenset(
    "a an the to with in at for from of on about by into onto over under and or but so then than as "
    "do does did is are was were be been being has have had will would can could should may might must "
    "i you he she it we they me him her us them his its our their my your this that these those there "
    "who whom whose what which when where why how one ones".split()
)
_PERSON_PRONOUNS = frozenset("he him his she her hers".split())
_PRONOUNS = _PERSON_PRONOUNS | frozenset("it its they them their there".split())  # what the resolver swaps
_WORD = re.compile(r"[\w'’-]+|[?.,!;:]")


# "Where's Heather from?": the tagger reads a contracted "is" after a question word as a possessive.
_CONTRACTED_IS = re.compile(r"\b(who|what|where|when|why|how|there|that|it|he|she)['’]s\b", re.IGNORECASE)


def _has_verb(text: str) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in _nlp()(_CONTRACTED_IS.sub(r"\1 is", text)))


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def malformed(question: str, resolved: str) -> list[str]:
    """The rules of the module docstring that the rewrite `question` -> `resolved` breaks (none: well formed,
    or not a rewrite at all)."""
    asked = " ".join(question.split())
    if resolved == asked:
        return []
    before, after = _words(asked), _words(resolved)
    low_before, low_after = [w.lower() for w in before], [w.lower() for w in after]
    rules: list[str] = []

    pairs = lambda words: Counter(zip(words, words[1:], strict=False))  # noqa: E731
    doubled = {a for (a, b), _ in pairs(low_after).items() if a == b and a.isalnum()}
    if doubled - {a for (a, b), _ in pairs(low_before).items() if a == b}:
        rules.append("repeated-word")
    if re.search(r"\b([\w.-]+)['’]s\s+\1\b", resolved, re.IGNORECASE):
        rules.append("doubled-possessive")

    for op, i1, i2, j1, j2 in SequenceMatcher(a=low_before, b=low_after, autojunk=False).get_opcodes():
        if op not in ("replace", "insert"):
            continue
        replaced, run = set(low_before[i1:i2]), after[j1:j2]
        bare = [w.lower().removesuffix("'s").removesuffix("’s") for w in run]
        if replaced & _PRONOUNS and all(w in _FUNCTION_WORDS or not w[:1].isalnum() for w in bare):
            rules.append("empty-substitution")
        if replaced & (_PRONOUNS | {"that", "this"}) and sum(w[:1].isalnum() for w in run) > LONG_SUBSTITUTION:
            rules.append("long-substitution")
        if replaced & _PERSON_PRONOUNS and run[0][:1].islower() and run[0].lower() not in _FUNCTION_WORDS:
            rules.append("person-as-bare-noun")
        following = low_after[j2] if j2 < len(low_after) else ""
        if run[-1].lower().endswith(("'s", "’s")) and (
            following in ("", "?", ".", ",", "!") or following in _FUNCTION_WORDS
        ):
            rules.append("dangling-possessive")
    if low_before and low_before[0] in _WH and not set(low_after) & set(_WH):
        rules.append("lost-wh")
    wh_after = sum(w in _WH for w in low_after)
    if wh_after > 1 and wh_after > sum(w in _WH for w in low_before):
        rules.append("extra-wh")
    if _has_verb(asked) and not _has_verb(resolved):
        rules.append("lost-verb")
    return sorted(set(rules))
