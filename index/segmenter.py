"""Sentence segmentation with character offsets into the cleaned text.

pysbd (rule-based, "Golden Rules" tested) keeps abbreviations such as "U.S.", "Feb. 4" and initials like
"S. Jaishankar" inside their sentence and keeps quoted speech with its attribution. Paragraph breaks
always end a sentence. Offsets are found by walking the text, so `text[start:end] == sentence`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

_PARAGRAPH = re.compile(r"\n\s*\n|\n")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence, stripped of surrounding whitespace, in order."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text):
        paragraph = text[p_start:p_end]
        cursor = 0
        for piece in _segmenter().segment(paragraph):
            piece = piece.strip()
            if not piece:
                continue
            found = paragraph.find(piece, cursor)
            if found < 0:  # pysbd altered the text; fall back to the rest of the paragraph
                found = cursor
                piece = paragraph[cursor:].strip()
                if not piece:
                    break
            spans.append((p_start + found, p_start + found + len(piece)))
            cursor = found + len(piece)
        rest = paragraph[cursor:].strip()
        if rest:
            found = paragraph.find(rest, cursor)
            spans.append((p_start + found, p_start + found + len(rest)))
    return spans
