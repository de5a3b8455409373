"""Boilerplate removal and whitespace normalisation."""

from __future__ import annotations

import pytest

from index.cleaning import clean_text, is_boilerplate, split_date_header

BEFORE = "The council met on Monday."
AFTER = "It approved the budget."


@pytest.mark.parametrize(
    "line",
    [
        "Add Zee News as a Preferred Source",
        "Add The Hindu as a preferred source",
        "Add Reuters as a trusted source.",
        "Follow us on Twitter for updates",
        "Like us on Facebook",
        "Follow us on Google News for the latest stories",
        "Also Read: something",
        "READ MORE: Markets close higher",
        "Related Stories | Budget 2025",
        "Advertisement",
        "   ADVERTISEMENT   ",
        "Sponsored content",
        "Story continues below this ad",
        "Subscribe to our newsletter for daily alerts",
        "Click here to read the full report",
        "Download the Example News app for breaking news",
        "© 2025 Example Media. All rights reserved.",
        "Get the latest business news and updates",
    ],
    ids=[
        "add-as-preferred-source", "add-as-preferred-source-lower", "add-as-trusted-source",
        "follow-us-twitter", "like-us-facebook", "follow-us-google-news", "also-read", "read-more-upper",
        "related-stories-pipe", "advertisement", "advertisement-padded-upper", "sponsored", "story-continues",
        "subscribe-newsletter", "click-here", "download-app", "copyright", "get-latest-news",
    ],
)
def test_boilerplate_line_is_removed(line):
    assert is_boilerplate(line)
    raw = f"{BEFORE}\n\n{line}\n\n{AFTER}\n"
    assert clean_text(raw) == f"{BEFORE}\n\n{AFTER}"


@pytest.mark.parametrize(
    "line",
    [
        "The company said it would add Reuters as a source of data for its models.",
        "Fans were asked to follow us on Twitter, the club's statement read.",
        "The advertisement ran during the final and drew complaints.",
        "Recommended doses were exceeded, the coroner said.",
        "Related stories have appeared in the press for weeks.",
        "Officials said they would also read the annex before voting.",
        "He said readers could click here to vote, then laughed.",
        "Copyright lawyers said the case was weak.",
        "Analysts expect the bank to get the latest inflation figures on Friday.",
    ],
    ids=[
        "add-as-source-mid-sentence", "follow-us-quoted-mid-sentence", "advertisement-as-noun",
        "recommended-as-word", "related-stories-as-subject", "also-read-without-colon",
        "click-here-reported", "copyright-as-word", "get-the-latest-mid-sentence",
    ],
)
def test_ordinary_sentence_mentioning_promo_words_stays(line):
    assert not is_boilerplate(line)
    raw = f"{BEFORE}\n\n{line}\n\n{AFTER}"
    assert clean_text(raw) == raw


def test_promo_phrase_inside_a_longer_line_keeps_the_line():
    line = f"{BEFORE} Add Zee News as a Preferred Source {AFTER}"
    assert clean_text(line) == line


def test_several_boilerplate_kinds_in_one_article():
    raw = (
        "Advertisement\n"
        f"{BEFORE}\n\n"
        "Add Zee News as a Preferred Source\n\n"
        "Also Read: Budget 2025 explained\n"
        "Follow us on Twitter for updates\n\n"
        f"{AFTER}\n"
        "Advertisement\n"
    )
    assert clean_text(raw) == f"{BEFORE}\n\n{AFTER}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Prices   rose\t\tsharply  today.", "Prices rose sharply today."),
        ("Prices\u00a0rose\u2009sharply\u3000today.", "Prices rose sharply today."),
        ("First paragraph.\n\n\n\n\nSecond paragraph.", "First paragraph.\n\nSecond paragraph."),
        ("First paragraph.\n  \n\t\n \nSecond paragraph.", "First paragraph.\n\nSecond paragraph."),
        ("First line.\nSecond line.", "First line.\nSecond line."),
        ("First paragraph.\r\n\r\nSecond.\rThird.", "First paragraph.\n\nSecond.\nThird."),
        ("\ufeff  Leading and trailing.  \n\n\n", "Leading and trailing."),
        ("  indented line  \n   another   ", "indented line\nanother"),
        ("", ""),
        ("Advertisement", ""),
    ],
    ids=[
        "fold-spaces-and-tabs", "fold-unicode-spaces", "many-newlines-to-one-blank-line",
        "whitespace-lines-count-as-blank", "single-newline-kept", "crlf-and-cr", "bom-and-outer-whitespace",
        "strip-each-line", "empty", "only-boilerplate",
    ],
)
def test_whitespace_normalisation(raw, expected):
    assert clean_text(raw) == expected


def test_cleaning_is_idempotent():
    raw = "A  b.\n\n\n\nAdvertisement\n\nC\td.\r\n"
    once = clean_text(raw)
    assert clean_text(once) == once


@pytest.mark.parametrize(
    ("raw", "date", "rest"),
    [
        (" date 2026-02-02 External Affairs Minister", "2026-02-02", "External Affairs Minister"),
        ("date 2025-12-31\nBody.", "2025-12-31", "\nBody."),
        ("Update 2026-02-02 was released.", None, "Update 2026-02-02 was released."),
        ("date: 2026-02-02 Body.", None, "date: 2026-02-02 Body."),
        ("Body mentions date 2026-02-02 later.", None, "Body mentions date 2026-02-02 later."),
    ],
    ids=["seed-style", "own-line", "word-ending-in-date", "colon-is-not-the-header", "not-at-start"],
)
def test_split_date_header(raw, date, rest):
    assert split_date_header(raw) == (date, rest)
