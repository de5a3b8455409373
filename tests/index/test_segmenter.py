"""Sentence segmentation: abbreviations, quotes, paragraphs, and exact character offsets."""

from __future__ import annotations

import pytest

from index.cleaning import clean_text, split_date_header
from index.segmenter import paragraph_spans, sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def assert_offsets_exact(text: str, spans: list[tuple[int, int]]) -> None:
    """Every span is a stripped, non-empty slice; spans are ordered, disjoint, and lose no text."""
    previous_end = 0
    for start, end in spans:
        piece = text[start:end]
        assert piece, (start, end)
        assert piece == piece.strip(), repr(piece)
        assert start >= previous_end, (start, previous_end)
        assert text[previous_end:start].strip() == "", f"text dropped: {text[previous_end:start]!r}"
        previous_end = end
    assert text[previous_end:].strip() == ""


@pytest.fixture
def seed_text(seed_path):
    """The seed article as ingestion cleans it (date header removed, promo lines dropped)."""
    _, body = split_date_header(seed_path.read_text(encoding="utf-8"))
    return clean_text(body)


def test_seed_initial_stays_inside_its_sentence(seed_text):
    found = [s for s in sentences(seed_text) if "External Affairs Minister S. Jaishankar" in s]
    assert len(found) == 1
    assert found[0].startswith("External Affairs Minister S. Jaishankar will visit the United States")
    assert found[0].endswith("Ministry of External Affairs.")


def test_seed_offsets_are_exact(seed_text):
    spans = sentence_spans(seed_text)
    assert len(spans) >= 10
    assert_offsets_exact(seed_text, spans)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. economy grew 3.5% last year. Prices rose.",
            ["The U.S. economy grew 3.5% last year.", "Prices rose."],
        ),
        (
            "Officials from the U.S. Treasury met on Monday. They agreed.",
            ["Officials from the U.S. Treasury met on Monday.", "They agreed."],
        ),
        (
            "He moved to the U.S. in 2010. He never returned.",
            ["He moved to the U.S. in 2010.", "He never returned."],
        ),
        (
            "The meeting is on Feb. 4 in Washington. Officials confirmed it.",
            ["The meeting is on Feb. 4 in Washington.", "Officials confirmed it."],
        ),
        (
            "The talks end on Feb. 4, officials said. A deal is expected.",
            ["The talks end on Feb. 4, officials said.", "A deal is expected."],
        ),
        (
            "External Affairs Minister S. Jaishankar will visit. He leaves Monday.",
            ["External Affairs Minister S. Jaishankar will visit.", "He leaves Monday."],
        ),
        (
            "Dr. Jane Smith spoke at 3.30 p.m. in Washington. She left.",
            ["Dr. Jane Smith spoke at 3.30 p.m. in Washington.", "She left."],
        ),
        (
            "It grew 3.5 per cent in the third quarter. Analysts were surprised.",
            ["It grew 3.5 per cent in the third quarter.", "Analysts were surprised."],
        ),
    ],
    ids=["us-mid-sentence", "us-before-capital", "us-before-number", "feb-4", "feb-4-comma", "initial-s",
         "dr-and-pm", "decimal"],
)
def test_abbreviations_do_not_end_a_sentence(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"We will win," the minister said. The crowd cheered.',
            ['"We will win," the minister said.', "The crowd cheered."],
        ),
        (
            "\u201cWe will win,\u201d the minister said. Then he left.",
            ["\u201cWe will win,\u201d the minister said.", "Then he left."],
        ),
        (
            '"Will we win?" the reporter asked. Nobody answered.',
            ['"Will we win?" the reporter asked.', "Nobody answered."],
        ),
        ('"We will win," the minister said.', ['"We will win," the minister said.']),
    ],
    ids=["straight-quotes", "curly-quotes", "question-in-quotes", "alone"],
)
def test_quote_with_attribution_is_one_sentence(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A headline without a full stop\nThe body starts here.", ["A headline without a full stop",
                                                                    "The body starts here."]),
        ("First paragraph ends here\n\nSecond one.", ["First paragraph ends here", "Second one."]),
        ("One. Two.\n\nThree.", ["One.", "Two.", "Three."]),
    ],
    ids=["line-break", "blank-line", "mixed"],
)
def test_paragraph_break_always_ends_a_sentence(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. economy grew 3.5% last year. Prices rose.",
        '  "We will win," the minister said.   Then he left.  ',
        "Para one. Still one.\n\n\nPara two!\n \nPara three? Yes.",
        "Repeated. Repeated. Repeated.",
        "No final punctuation here",
        "Wait... what? Really!! Ok.",
        "(He left.) She stayed. [Note: ends.]",
    ],
    ids=["abbreviations", "padded-quotes", "paragraphs", "repeated-sentences", "no-punctuation",
         "ellipsis-and-bangs", "brackets"],
)
def test_offsets_are_exact(text):
    assert_offsets_exact(text, sentence_spans(text))


def test_repeated_sentences_get_distinct_offsets():
    text = "Repeated. Repeated. Repeated."
    assert sentence_spans(text) == [(0, 9), (10, 19), (20, 29)]


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\n\n", " \n \t\n"], ids=["empty", "spaces", "newlines", "mixed"]
)
def test_blank_text_has_no_sentences(text):
    assert sentence_spans(text) == []
    assert paragraph_spans(text) == []


def test_paragraph_spans_skip_blank_lines():
    text = "One.\n\nTwo.\n \nThree."
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["One.", "Two.", "Three."]
