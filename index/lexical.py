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


def words(text: str) -> list[str]:
    """All word tokens, lower-cased (possessive endings removed)."""
    return [w.split("'")[0].split("\u2019")[0] for w in _WORD.findall(text.lower())]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP_WORDS]


_STEMMER = Stemmer.Stemmer("english")
# Bumped whenever what `terms` returns changes, so indexes whose BM25 was built with other terms rebuild it.
LEXICAL_VERSION = "snowball-english-1"


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
    found = _CAPITALISED.finditer(text)
    out = set()
    for match in found:
        if skip_first and match.start() == len(text) - len(text.lstrip()):
            continue
        word = match.group(0).lower()
        if word not in STOP_WORDS:
            out.add(stem(word))
    return out
