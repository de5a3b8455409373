"""Property: sentence and passage offsets always point at their own text in the cleaned document."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunker import ChunkParams, passage_windows
from index.cleaning import clean_text
from index.segmenter import sentence_spans

WORDS = st.sampled_from([
    "the", "minister", "said", "markets", "rose", "India", "talks", "on", "Monday", "budget", "growth",
    "U.S.", "Dr.", "Mr.", "Feb.", "S.", "p.m.", "e.g.", "No.", "Inc.", "3.5", "1,200", "$4.5bn", "2026",
    "76%", "-", "(officials)", "co-operation", "naïve", "café", "\u2014",
])
ENDINGS = st.sampled_from([".", ".", ".", "?", "!", "...", "", '."', ".\u201d"])


@st.composite
def sentence(draw) -> str:
    words = draw(st.lists(WORDS, min_size=1, max_size=12))
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    if draw(st.booleans()) and draw(st.booleans()):
        quote = draw(st.sampled_from([('"', '"'), ("\u201c", "\u201d")]))
        text = f"{quote[0]}{text},{quote[1]} the {draw(st.sampled_from(['minister', 'official']))} said"
    return text + draw(ENDINGS)


@st.composite
def document(draw) -> str:
    paragraphs = draw(st.lists(st.lists(sentence(), min_size=1, max_size=6), min_size=1, max_size=5))
    spaces = st.sampled_from([" ", " ", "  ", "\t", " \u00a0"])
    breaks = st.sampled_from(["\n", "\n\n", "\n\n\n", "\n \n", "\r\n\r\n", "\n\n\n\n\n"])
    out = []
    for i, paragraph in enumerate(paragraphs):
        if i:
            out.append(draw(breaks))
        out.append(draw(spaces).join(paragraph) if len(paragraph) > 1 else paragraph[0])
    return draw(st.sampled_from(["", " ", "\n"])) + "".join(out) + draw(st.sampled_from(["", "\n", "  \n\n"]))


@st.composite
def chunk_params(draw) -> ChunkParams:
    size = draw(st.integers(1, 6))
    overlap = draw(st.integers(0, size - 1))
    max_chars = draw(st.sampled_from([1, 30, 120, 400, 1200]))
    return ChunkParams(size, overlap, max_chars)


def squash(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=document(), params=chunk_params())
def test_sentence_and_passage_offsets_round_trip(raw, params):
    doc = clean_text(raw)
    spans = sentence_spans(doc)
    sentences = [doc[s:e] for s, e in spans]

    # No text is lost or invented: the sentences hold every non-space character, in order.
    assert squash("".join(sentences)) == squash(doc) == squash(raw)
    previous_end = 0
    for (start, end), text in zip(spans, sentences, strict=True):
        assert 0 <= previous_end <= start < end <= len(doc)
        assert text == text.strip() and "\n" not in text
        assert doc[previous_end:start].strip() == ""
        previous_end = end

    windows = passage_windows(spans, params)
    if not spans:
        assert windows == []
        return
    # Windows cover every sentence, move forward, and overlap by at most `overlap` sentences.
    assert windows[0][0] == 0 and windows[-1][1] == len(spans)
    assert {i for first, last in windows for i in range(first, last)} == set(range(len(spans)))
    for (f1, l1), (f2, _) in zip(windows, windows[1:], strict=False):
        assert f1 < f2 <= l1
        assert l1 - f2 <= params.overlap

    for first, last in windows:
        assert 1 <= last - first <= params.sentences_per_passage
        start, end = spans[first][0], spans[last - 1][1]
        passage = doc[start:end]
        # The passage is exactly its sentences with the original whitespace between them.
        rebuilt = sentences[first]
        for i in range(first + 1, last):
            gap = doc[spans[i - 1][1]: spans[i][0]]
            assert gap.strip() == ""
            rebuilt += gap + sentences[i]
        assert passage == rebuilt
        assert passage.startswith(sentences[first]) and passage.endswith(sentences[last - 1])
        if last - first > 1:
            assert end - start <= params.max_chars
