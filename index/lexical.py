"""Lexical tokens for BM25 and word-overlap scoring: lower-cased words and numbers, stop words dropped."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][a-z]+)?")

STOP_WORDS = frozenset(
    """a an the and or but if of to in on at by for with from as into onto over under about after before
    is are was were be been being am do does did doing have has had having will would shall should can could
    may might must this that these those it its it's he she they them their his her him we us our you your i
    me my mine who whom whose what which when where why how there here than then so such not no nor too very
    also just only any some all each both either neither other own same more most much many few s t said says
    did up out off again further once""".split()
)


# One spelling for each of the names a country goes by. A reader's question rarely names a country as its
# article does: "Which American official ..." of "US Treasury Secretary ...", "a British firm" of "a UK
# firm". Without this, "US" is the stop word "us" and "American" shares nothing with "United States".
_USA, _UK = "usa", "britain"
# Written in capitals only: "US" is the country, "us" the pronoun.
_CAPITAL_ALIASES = {"US": _USA, "USA": _USA, "UK": _UK, "U.S.": _USA, "U.S": _USA, "U.S.A.": _USA, "U.K.": _UK}
_PHRASES = re.compile(r"\b(?:U\.S\.A?\.?|U\.K\.?)|\bUnited States(?: of America)?\b|\bUnited Kingdom\b")
# Demonyms to their country; "South/Latin/North/Central America" are not the United States.
_DEMONYMS = {
    "america": _USA, "american": _USA, "americans": _USA, "britain": _UK, "british": _UK, "briton": _UK,
    "britons": _UK,
    **{d: c for c, ds in {
        "india": "indian", "china": "chinese", "japan": "japanese", "france": "french", "germany": "german",
        "italy": "italian", "spain": "spanish", "russia": "russian", "canada": "canadian",
        "australia": "australian", "mexico": "mexican", "brazil": "brazilian", "korea": "korean",
        "ireland": "irish", "scotland": "scottish scot scots", "wales": "welsh", "europe": "european",
        "africa": "african", "pakistan": "pakistani", "israel": "israeli", "iran": "iranian", "iraq": "iraqi",
        "afghanistan": "afghan", "ukraine": "ukrainian", "turkey": "turkish", "greece": "greek",
        "netherlands": "dutch", "sweden": "swedish", "egypt": "egyptian", "syria": "syrian",
        "nigeria": "nigerian", "kenya": "kenyan", "argentina": "argentine argentinian", "portugal": "portuguese",
        "switzerland": "swiss", "belgium": "belgian", "norway": "norwegian", "denmark": "danish",
        "finland": "finnish", "austria": "austrian", "poland": "poles", "zimbabwe": "zimbabwean",
        "indonesia": "indonesian", "vietnam": "vietnamese", "thailand": "thai", "philippines": "filipino",
    }.items() for base in ds.split() for d in (base, base + "s") if not base.endswith(("sh", "ch", "ss", "ese"))
       or d == base},
}
_REGIONS = frozenset({"south", "north", "latin", "central"})
# Every country the table above knows, as `words` spells it.
COUNTRIES = frozenset(_DEMONYMS.values())
_COUNTRY_PHRASES = frozenset({
    ("south", "korea"), ("north", "korea"), ("south", "africa"), ("new", "zealand"), ("saudi", "arabia"),
    ("sri", "lanka"), ("united", "arab", "emirates"), ("czech", "republic"), ("europe", "union"),
})


def is_country(text: str) -> bool:
    """Whether `text` is only the name of a country ("Australia", "the UK", "South Korea")."""
    spelled = tuple(w for w in words(text) if w not in ("the",))
    return (len(spelled) == 1 and spelled[0] in COUNTRIES) or spelled in _COUNTRY_PHRASES


def _phrase_alias(match: re.Match[str]) -> str:
    return " " + (_UK if match.group(0).startswith(("U.K", "United K")) else _USA) + " "


# Lower-cased words that may need respelling; every other word is only lower-cased (the common case, and
# `words` runs over every sentence of the corpus at build and load time).
_TRIGGERS = frozenset(_DEMONYMS) | {a.lower() for a in _CAPITAL_ALIASES} | {"united", "states", "kingdom"}
_UNITED = {("united", "states"): _USA, ("united", "kingdom"): _UK}


def country_words(tokens: list[str]) -> list[str]:
    """Lower-cased `tokens` (as written) with each name of a country spelled one way: see _DEMONYMS."""
    out = [t.lower() for t in tokens]
    if _TRIGGERS.isdisjoint(out):
        return out
    lowered = list(out)
    for i, (token, lower) in enumerate(zip(tokens, lowered, strict=True)):
        if lower not in _TRIGGERS:
            continue
        alias = _CAPITAL_ALIASES.get(token)
        if alias is None and lower in _DEMONYMS and not (
            lower.startswith("america") and i and lowered[i - 1] in _REGIONS
        ):
            alias = _DEMONYMS[lower]
        if alias is None and lower in ("united", "states", "kingdom"):
            pair = (lower, lowered[i + 1] if i + 1 < len(lowered) else "")
            if lower != "united":
                pair = (lowered[i - 1] if i else "", lower)
            alias = _UNITED.get(pair)
        if alias:
            out[i] = alias
    return out


def words(text: str) -> list[str]:
    """All word tokens, lower-cased (possessive endings removed), countries spelled one way."""
    if "U." in text or "United" in text:
        text = _PHRASES.sub(_phrase_alias, text)
    return country_words([w.split("'")[0].split("\u2019")[0] for w in _WORD.findall(text)])


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP_WORDS]


_STEMMER = Stemmer.Stemmer("english")
# Bumped whenever what `terms` returns changes, so indexes whose BM25 was built with other terms rebuild it.
LEXICAL_VERSION = "snowball-english-2-countries"


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball's English stemmer: 'discuss', 'discussed' and 'discussions' meet, and so do 'focus' and
    'focuses' (a plain suffix stripper turned 'discuss' into 'discus')."""
    return _STEMMER.stemWord(word)


def terms(text: str) -> list[str]:
    """Stemmed content words: the unit BM25 and overlap features count."""
    return [stem(w) for w in content_words(text)]


_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z0-9]*")


def capitalised_terms(text: str, skip_first: bool = False) -> set[str]:
    """Stems of words written with a capital (names), optionally ignoring the text's first word."""
    found = [m for m in _CAPITALISED.finditer(text)
             if not (skip_first and m.start() == len(text) - len(text.lstrip()))]
    return {stem(w) for w in country_words([m.group(0) for m in found]) if w not in STOP_WORDS}
