"""Lexical terms: what BM25 and the overlap features count as the same word."""

from __future__ import annotations

import pytest

from index.lexical import capitalised_terms, is_country, terms


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("the US Secretary", "an American secretary"),
        ("U.S. troops", "United States troops"),
        ("in the United States of America", "in America"),
        ("a UK firm", "a British firm"),
        ("the United Kingdom", "Britain"),
        ("Indian minister", "India minister"),
        ("German carmakers", "Germany carmakers"),
    ],
)
def test_a_country_is_one_term_however_it_is_named(one: str, other: str) -> None:
    assert terms(one) == terms(other)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("let us go", "usa"),  # the pronoun, not the country
        ("trade with South America", "usa"),  # a continent, not the United States
        ("Latin American music", "usa"),
    ],
)
def test_words_that_only_look_like_a_country_stay_apart(text: str, absent: str) -> None:
    assert absent not in terms(text)


def test_capitalised_terms_name_the_country_one_way() -> None:
    assert capitalised_terms("Which American official met US Secretary Rubio?", skip_first=True) == {
        "usa", "secretari", "rubio"}


@pytest.mark.parametrize(
    ("text", "country"),
    [("Australia", True), ("the UK", True), ("South Korea", True), ("Washington", False),
     ("South America", False), ("Indian Ocean", False), ("the European Union", True)],
)
def test_is_country(text: str, country: bool) -> None:
    assert is_country(text) is country
