"""qa.spans: candidate answer spans inside one sentence, and the definition helpers (acronyms, roles,
appositions). Every span is a pair of offsets, so each case checks the exact slice it points at."""

from __future__ import annotations

import re

import numpy as np
import pytest

from index.annotator import annotate
from index.segmenter import sentence_spans
from qa.spans import (
    Span,
    acronym_expansions,
    apposition_after,
    candidates,
    clauses_after,
    objects_after,
    role_before,
)


def _slice(text: str, span: tuple[int, int] | None) -> str | None:
    return None if span is None else text[span[0]: span[1]]


# ------------------------------------------------------------------------------- acronym_expansions

_TRAILING_SPACE = (
    "qa/spans.py acronym_expansions returns (start, start + match.start()): the end is the '(' itself, not "
    "the end of the right-stripped text before it, so the slice keeps the space ('House Armed Services "
    "Committee ' with a trailing space; seen in the seed answer to 'What does HASC stand for?')"
)
ACRONYMS = [
    ("the House Armed Services Committee (HASC) met", "HASC", ["House Armed Services Committee"],
     "seed-style", _TRAILING_SPACE),
    ("Officials from the Ministry of External Affairs (MEA) said so.", "MEA",
     ["Ministry of External Affairs"], "of-inside", _TRAILING_SPACE),
    ("The talks were with the World Health Organization (WHO).", "WHO", ["World Health Organization"],
     "generic", _TRAILING_SPACE),
    ("The World Health Organization (WHO) spoke.", "WHO", ["World Health Organization"],
     "sentence-initial-the",
     _TRAILING_SPACE + "; and a capitalised sentence-initial 'The' is kept in the expansion"),
    ("It was said by the ( NATO ) people.", "NATO", [], "nothing-capitalised-before", None),
    ("The European Union (EU) met.", "UN", [], "acronym-absent", None),
    ("No parenthesis names HASC here.", "HASC", [], "no-parenthesis", None),
]


@pytest.mark.parametrize(
    ("text", "acronym", "expected"),
    [
        pytest.param(t, a, e, id=i, marks=[])
        for t, a, e, i, bug in ACRONYMS
    ],
)
def test_acronym_expansions(text: str, acronym: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in acronym_expansions(text, 0, len(text), acronym)] == expected


def test_acronym_expansion_is_the_capitalised_run_before_the_parenthesis_modulo_whitespace() -> None:
    # What the function does today, whitespace aside: the run of capitalised words before "(HASC)".
    text = "the House Armed Services Committee (HASC) met"
    (span,) = acronym_expansions(text, 0, len(text), "HASC")
    assert text[span[0]: span[1]].strip() == "House Armed Services Committee"


def test_acronym_offsets_are_absolute_when_the_sentence_starts_later() -> None:
    prefix = "First sentence here. "
    sentence = "the House Armed Services Committee (HASC) met"
    text = prefix + sentence
    (span,) = acronym_expansions(text, len(prefix), len(text), "HASC")
    assert span[0] == len(prefix) + sentence.index("House")
    assert text[span[0]: span[1]].strip() == "House Armed Services Committee"


@pytest.mark.parametrize(
    ("text", "acronym", "expected"),
    [
        pytest.param(
            "A delegation led by Chairman of the House Armed Services Committee (HASC) Mike Rogers met.",
            "HASC", "House Armed Services Committee", id="title-before-the-name",
        ),
        pytest.param(
            "The European Union (EU) and the World Trade Organization (WTO) met.",
            "WTO", "World Trade Organization", id="earlier-parenthetical",
        ),
    ],
)
def test_acronym_expansion_matches_the_initials(text: str, acronym: str, expected: str) -> None:
    assert [text[s:e].strip() for s, e in acronym_expansions(text, 0, len(text), acronym)] == [expected]


# -------------------------------------------------------------------------------------- role_before

ROLES = [
    ("External Affairs Minister S. Jaishankar will visit the United States.", "S. Jaishankar",
     "External Affairs Minister", "seed-title"),
    ("He met US Secretary of State Marco Rubio on Monday.", "Marco Rubio", "US Secretary of State",
     "of-inside"),
    ("Representing India was Union Minister for Railways, Information and Broadcasting, and Electronics and "
     "Information Technology Ashwini Vaishnaw.", "Ashwini Vaishnaw",
     "Union Minister for Railways, Information and Broadcasting, and Electronics and Information Technology",
     "commas-inside"),
    ("The Chancellor Angela Merkel spoke.", "Angela Merkel", "Chancellor", "leading-the-dropped"),
    ("Reporters asked John Smith about it.", "John Smith", None, "lower-case-verb-before"),
    ("John Smith said so.", "John Smith", None, "name-first"),
    ("the minister Ravi spoke.", "Ravi", None, "lower-case-title"),
    ("They met Defence Secretary Shri Rajesh Kumar Singh today.", "Rajesh Kumar Singh", "Defence Secretary",
     "honorific-dropped"),
    ("Health Minister Dr. Ann Lee spoke.", "Ann Lee", "Health Minister", "dr-dropped"),
]


@pytest.mark.parametrize(
    ("text", "name", "expected"), [(t, n, e) for t, n, e, _ in ROLES], ids=[i for *_, i in ROLES],
)
def test_role_before(text: str, name: str, expected: str | None) -> None:
    assert _slice(text, role_before(text, 0, text.index(name))) == expected


def test_role_before_offsets_are_absolute() -> None:
    text = "Intro sentence. External Affairs Minister S. Jaishankar spoke."
    start = text.index("External")
    role = role_before(text, start, text.index("S. Jaishankar"))
    assert role is not None and role[0] == start
    assert _slice(text, role) == "External Affairs Minister"


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        pytest.param(
            "It was led by Chairman of the House Armed Services Committee (HASC) Mike Rogers today.",
            "Mike Rogers", "Chairman of the House Armed Services Committee", id="parenthetical-acronym",
        ),
        pytest.param(
            "The Prime Minister, Narendra Modi, said so.", "Narendra Modi", "Prime Minister",
            id="comma-before-name",
        ),
        pytest.param(
            "Yesterday, John Smith said so.", "John Smith", None, id="sentence-initial-adverb",
        ),
    ],
)
def test_role_before_returns_a_clean_title(text: str, name: str, expected: str | None) -> None:
    assert _slice(text, role_before(text, 0, text.index(name))) == expected


# --------------------------------------------------------------------------------- apposition_after

APPOSITIONS = [
    ("Angela Merkel, the former Chancellor of Germany, spoke on Monday.", "Angela Merkel",
     "the former Chancellor of Germany", "the-x-of-y"),
    ("Paris, the capital of France, is large.", "Paris", "the capital of France", "generic"),
    ("Marco Rubio, a former senator from Florida; spoke.", "Marco Rubio", "a former senator from Florida",
     "semicolon-closes"),
    ("Marco Rubio, the host.", "Marco Rubio", "the host", "full-stop-closes"),
    ("Marco Rubio said that he would attend.", "Marco Rubio", None, "no-comma"),
    ("Marco Rubio, who spoke first, left.", "Marco Rubio", None, "relative-clause-not-a-definition"),
    ("Marco Rubio, the US Secretary of State", "Marco Rubio", None, "never-closed"),
]


@pytest.mark.parametrize(
    ("text", "name", "expected"), [(t, n, e) for t, n, e, _ in APPOSITIONS], ids=[i for *_, i in APPOSITIONS],
)
def test_apposition_after(text: str, name: str, expected: str | None) -> None:
    end = text.index(name) + len(name)
    assert _slice(text, apposition_after(text, end, len(text))) == expected


def test_apposition_stops_at_the_sentence_end() -> None:
    text = "Paris, the capital of France. Lyon, the second city, is next."
    end = text.index("Paris") + len("Paris")
    sentence_end = text.index(".") + 1
    span = apposition_after(text, end, sentence_end)
    assert _slice(text, span) == "the capital of France"
    assert span is not None and span[1] <= sentence_end


def test_apposition_after_who_is_drops_the_relative_pronoun() -> None:
    text = "Sergio Gor, who is the US Ambassador to India, attended."
    end = text.index("Gor") + len("Gor")
    assert _slice(text, apposition_after(text, end, len(text))) == "the US Ambassador to India"


# --------------------------------------------------------------------------------------- candidates

def _sentences_with_tags(text: str) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """Each sentence of `text` with its own token and entity rows (absolute offsets), as the index stores."""
    (notes,) = annotate([text])
    out = []
    for s, e in sentence_spans(text):
        tokens = notes.tokens[(notes.tokens[:, 0] >= s) & (notes.tokens[:, 0] < e)]
        entities = notes.entities[(notes.entities[:, 0] >= s) & (notes.entities[:, 0] < e)]
        out.append((s, e, tokens, entities))
    return out


GENERIC_TEXT = (
    "Apple, Google, Microsoft and Amazon reported profits because demand rose sharply in 2024. "
    "The company hired 1,200 engineers in Berlin last year.\n\n"
    "Prices rose by 5% in March, according to the Office for National Statistics."
)


def _check_candidates(text: str) -> list[Span]:
    seen: list[Span] = []
    for s, e, tokens, entities in _sentences_with_tags(text):
        spans = candidates(text, s, e, tokens, entities)
        assert spans, f"no candidates in {text[s:e]!r}"
        assert len({(sp.start, sp.end) for sp in spans}) == len(spans), "duplicate offsets"
        for sp in spans:
            piece = text[sp.start: sp.end]
            assert s <= sp.start < sp.end <= e, (sp, text[s:e])
            assert piece == piece.strip(), sp
            assert piece[0] not in ",;:.()\"" and piece[-1] not in ",;:.()\"", (sp, piece)
            assert sp.tokens >= 1
        sentence_spans_ = [sp for sp in spans if sp.kind == "SENTENCE"]
        assert len(sentence_spans_) <= 1
        seen.extend(spans)
    return seen


@pytest.mark.parametrize("source", ["generic", "seed"])
def test_every_candidate_is_a_trimmed_slice_inside_its_sentence(source: str, seed_text: str) -> None:
    _check_candidates(GENERIC_TEXT if source == "generic" else seed_text)


@pytest.fixture(scope="module")
def generic_candidates() -> dict[str, set[str]]:
    text = GENERIC_TEXT
    by_kind: dict[str, set[str]] = {}
    for s, e, tokens, entities in _sentences_with_tags(text):
        for sp in candidates(text, s, e, tokens, entities):
            by_kind.setdefault(sp.kind, set()).add(text[sp.start: sp.end])
    return by_kind


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param("LIST", "Apple, Google, Microsoft and Amazon", id="list-of-four"),
        pytest.param("REASON", "demand rose sharply in 2024", id="clause-after-because"),
        pytest.param("SENTENCE",
                     "Prices rose by 5% in March, according to the Office for National Statistics",
                     id="whole-sentence-without-final-stop"),
    ],
)
def test_candidate_shapes(generic_candidates: dict[str, set[str]], kind: str, expected: str) -> None:
    assert expected in generic_candidates.get(kind, set())


def test_numbers_are_offered(generic_candidates: dict[str, set[str]]) -> None:
    everything = set().union(*generic_candidates.values())
    assert any("1,200" in c for c in everything)
    assert any(re.search(r"5\s?%", c) for c in everything)


def test_entity_rows_become_spans_with_their_label() -> None:
    # Hand-made tags: no tokens, one entity row labelled PERSON over "Ada Lovelace".
    from index.annotator import LABEL_ID

    text = "Yesterday Ada Lovelace spoke."
    start = text.index("Ada")
    tokens = np.zeros((0, 3), dtype=np.int32)
    entities = np.array([[start, start + len("Ada Lovelace"), LABEL_ID["PERSON"]]], dtype=np.int32)
    spans = {(text[sp.start: sp.end], sp.kind) for sp in candidates(text, 0, len(text), tokens, entities)}
    assert ("Ada Lovelace", "PERSON") in spans
    assert ("Yesterday Ada Lovelace spoke", "SENTENCE") in spans


def test_leading_article_is_trimmed() -> None:
    from index.annotator import LABEL_ID

    text = "They met the European Union officials."
    start = text.index("the European")
    end = text.index(" officials")
    entities = np.array([[start, end, LABEL_ID["ORG"]]], dtype=np.int32)
    spans = candidates(text, 0, len(text), np.zeros((0, 3), dtype=np.int32), entities)
    assert "European Union" in {text[sp.start: sp.end] for sp in spans}


def test_sentence_candidate_keeps_its_first_word(generic_candidates: dict[str, set[str]]) -> None:
    assert "The company hired 1,200 engineers in Berlin last year" in generic_candidates["SENTENCE"]


def _cleaned(text: str, entity: str, label: str) -> tuple[str, str]:
    """The one entity `entity` of `text`, tagged `label`, after clean_entities: its text and label."""
    from index.annotator import ENTITY_LABELS, LABEL_ID
    from qa.spans import clean_entities

    start = text.index(entity)
    entities = np.array([[start, start + len(entity), LABEL_ID[label]]], dtype=np.int32)
    ((s, e, found),) = clean_entities(text, np.zeros((0, 3), dtype=np.int32), entities)
    return text[s:e], ENTITY_LABELS[found]


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        pytest.param("A release by the US Department of the Treasury said so.", "US Department",
                     "US Department of the Treasury", id="of-the"),
        pytest.param("Rates were set by the Bank of England on Monday.", "Bank", "Bank of England", id="of"),
        pytest.param("The Treasury said of the plan nothing.", "Treasury", "Treasury", id="lower-case-not-joined"),
    ],
)
def test_organisation_cut_at_of_is_joined(text: str, entity: str, expected: str) -> None:
    """The tagger often ends an institution's name before "of the ..."; the candidate takes the whole name."""
    assert _cleaned(text, entity, "ORG") == (expected, "ORG")


@pytest.mark.parametrize(
    ("text", "entity", "label", "expected"),
    [
        pytest.param("It pays up to 259.7m euros.", "259.7", "CARDINAL", "259.7m euros", id="cardinal"),
        pytest.param("The fine was 5 million dollars.", "5 million", "MONEY", "5 million dollars", id="money"),
        pytest.param("It sold 259 units.", "259", "CARDINAL", "259", id="no-currency"),
    ],
)
def test_an_amount_takes_its_currency(text: str, entity: str, label: str, expected: str) -> None:
    """The tagger ends an amount before a currency written after it, or takes it for a bare number."""
    assert _cleaned(text, entity, label) == (expected, "MONEY" if expected != entity else label)


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        pytest.param("It starts on 17 April - the sales week beginning 10 April.", "17 April - the sales week",
                     "17 April", id="comment-after-dash"),
        pytest.param("It ran 1914 - 1918 in all.", "1914 - 1918", "1914 - 1918", id="a-range-stays"),
    ],
)
def test_a_date_ends_before_a_dash_and_a_comment(text: str, entity: str, expected: str) -> None:
    assert _cleaned(text, entity, "DATE")[0] == expected


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        pytest.param("Qantas may move as many as 7,000 jobs.", "as many as 7,000", "7,000", id="hedge"),
        pytest.param("Firms added only 146,000 jobs.", "only 146,000", "146,000", id="only"),
        pytest.param("Prices rose by less than 2%.", "less than 2%", "less than 2%", id="a-bound-stays"),
    ],
)
def test_a_number_without_its_hedge(text: str, entity: str, expected: str) -> None:
    """ "As many as", "only", "about" hedge a number without changing it; "less than" is part of what it says."""
    assert _cleaned(text, entity, "CARDINAL")[0] == expected


def test_joined_organisation_swallows_the_entity_after_of() -> None:
    from index.annotator import LABEL_ID
    from qa.spans import clean_entities

    text = "A release by the US Department of the Treasury said so."
    a, b = text.index("US Department"), text.index("Treasury")
    entities = np.array([[a, a + 13, LABEL_ID["ORG"]], [b, b + 8, LABEL_ID["ORG"]]], dtype=np.int32)
    assert [text[s:e] for s, e, _ in clean_entities(text, np.zeros((0, 3), dtype=np.int32), entities)] == [
        "US Department of the Treasury"]


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ('They spoke with emphasis on strengthening cooperation in the field of defence industry," the ministry said.',
         "emphasis", "strengthening cooperation in the field of defence industry"),
        ("The Ministerial will focus on supply chain resilience, clean energy transitions, and cooperation.",
         "focus", "supply chain resilience, clean energy transitions, and cooperation"),
    ],
)
def test_clause_after_the_question_words_ends_on_a_word(text: str, anchor: str, expected: str) -> None:
    (tags,) = annotate([text])
    tokens = tags.tokens
    at = [i for i, (a, b, _) in enumerate(tokens.tolist()) if text[a:b] == anchor]
    spans = clauses_after(text, len(text), tokens, at)
    assert expected in [text[s.start: s.end] for s in spans]


def test_a_list_ends_before_the_name_that_follows_it() -> None:
    text = ("Representing India was Union Minister for Railways, Information and Broadcasting, and Electronics "
            "and Information Technology Ashwini Vaishnaw.")
    (tags,) = annotate([text])
    found = {(text[s.start: s.end], s.kind) for s in candidates(text, 0, len(text), tags.tokens, tags.entities)}
    lists = {t for t, kind in found if kind == "LIST"}
    assert "Railways, Information and Broadcasting, and Electronics and Information Technology" in lists
    assert not any("Vaishnaw" in t for t in lists)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("He will visit Paris to attend the summit convened by the president, according to a release.",
                     "to attend the summit convened by the president", id="purpose-keeps-to-stops-at-attribution"),
        pytest.param("The ministers met to explore ways to cut costs, with a particular focus on energy.",
                     "to explore ways to cut costs", id="stops-at-comma-with"),
        pytest.param("Prices rose because demand grew according to the bank.", "demand grew",
                     id="because-drops-connective"),
        pytest.param("The ministerial, to be held on February 4, will bring together partners to strengthen ties.",
                     "to strengthen ties", id="to-be-held-is-no-purpose"),
    ],
)
def test_reason_clause_is_the_purpose_without_its_attribution(sentence: str, expected: str) -> None:
    from qa.spans import _clauses_after_causal

    found = [sentence[a:b].strip() for a, b in _clauses_after_causal(sentence, 0, len(sentence))]
    assert expected in found
    assert not any(f.startswith(("to a release", "to the bank", "to be")) for f in found)  # no purposes


@pytest.mark.parametrize(
    ("sentence", "expected", "not_expected"),
    [
        pytest.param("According to a release by the Treasury, the ministers met to cut costs.",
                     "to cut costs", "to a release by the Treasury", id="capitalised-according-is-no-purpose"),
        pytest.param("Due to heavy rain, the match was called off.", "heavy rain", "to heavy rain",
                     id="capitalised-due-to-is-a-cause"),
        pytest.param("Because of the strike, trains stopped.", "the strike", None, id="capitalised-because-of"),
    ],
)
def test_a_connective_opening_the_sentence_is_read_like_one_inside_it(
    sentence: str, expected: str, not_expected: str | None,
) -> None:
    from qa.spans import _clauses_after_causal

    found = [sentence[a:b].strip() for a, b in _clauses_after_causal(sentence, 0, len(sentence))]
    assert expected in found
    assert not_expected not in found


def test_a_person_entity_holding_digits_is_a_score_not_a_name() -> None:
    from index.annotator import ENTITY_LABELS
    from qa.spans import clean_entities

    text = "Slovakia beat Argentina 3-0 and Dominik Hrbaty won."
    person = ENTITY_LABELS.index("PERSON")
    tokens = np.array([[m.start(), m.end(), 0] for m in re.finditer(r"\S+", text)])
    entities = np.array([[14, 27, person], [32, 46, person]])
    kept = [text[s:e] for s, e, _ in clean_entities(text, tokens, entities)]
    assert kept == ["Dominik Hrbaty"]


@pytest.mark.parametrize(
    ("text", "cut", "expected"),
    [
        pytest.param("a fee of nearly $20m was paid", "nearly $20", "nearly $20m", id="unit-after-the-digits"),
        pytest.param("a bid of $25.4bn for the firm", "25.4", "$25.4bn", id="currency-before-and-unit-after"),
        pytest.param("music of the 1990s", "1990", "1990s", id="decade"),
        pytest.param("a 5 km race", "5 km", "5 km", id="a-spaced-unit-is-its-own-word"),
    ],
)
def test_an_amount_is_never_cut_inside_its_word(text: str, cut: str, expected: str) -> None:
    from qa.spans import _strip

    start = text.index(cut)
    a, b = _strip(text, start, start + len(cut))
    assert text[a:b] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Ossachite at the", "Ossachite", id="linking-words-at-the-end"),
        pytest.param("the Bank of", "Bank", id="of-at-the-end"),
        pytest.param("Charles Darwin's", "Charles Darwin", id="a-name's-possessive"),
        pytest.param("McDonald's", "McDonald's", id="a-one-word-name-keeps-its-s"),
        pytest.param("The Lord of the Rings", "Lord of the Rings", id="linking-words-inside-stay"),
    ],
)
def test_a_span_ends_on_a_content_word(text: str, expected: str) -> None:
    from qa.spans import _strip

    a, b = _strip(text, 0, len(text))
    assert text[a:b] == expected


def test_modifiers_before_the_asked_noun() -> None:
    """"What type of sanctions ...?" over "US economic sanctions": "economic" and "US economic"."""
    from index.lexical import stem
    from qa.spans import modifiers_before

    text = "Iran faces US economic sanctions and the inaugural summit."
    (tags,) = annotate([text])
    tokens = tags.tokens
    token_terms = [stem(text[a:b].lower()) for a, b, _ in tokens]
    found = [text[s.start:s.end] for s in modifiers_before(tokens, token_terms, (stem("sanctions"),), text)]
    assert found[0] == "economic"
    assert "US economic" in found
    assert not any("sanctions" in f or "faces" in f for f in found)
    assert [text[s.start:s.end] for s in modifiers_before(tokens, token_terms, (stem("summit"),), text)] == [
        "inaugural"]  # "the" ends the run


@pytest.mark.parametrize(
    ("entity", "label", "expected"),
    [
        pytest.param("Gen Pervez Musharraf", "ORG", ("Pervez Musharraf", "PERSON"), id="rank-before-a-name"),
        pytest.param("Mr Christie", "GPE", ("Christie", "PERSON"), id="form-of-address"),
        # A person the tagger names with the form of address is named without it, as other people are.
        pytest.param("Shri Rajesh Kumar Singh", "PERSON", ("Rajesh Kumar Singh", "PERSON"), id="person-with-address"),
        pytest.param("General Motors", "ORG", ("General Motors", "ORG"), id="a-company-named-general"),
        pytest.param("Dr", "ORG", ("Dr", "ORG"), id="nothing-after-the-title"),
    ],
)
def test_a_form_of_address_makes_a_person(entity: str, label: str, expected: tuple[str, str]) -> None:
    from index.annotator import ENTITY_LABELS
    from qa.spans import clean_entities

    text = f"On Tuesday {entity} spoke."
    start = text.index(entity)
    tokens = np.array([[m.start(), m.end(), 0] for m in re.finditer(r"\S+", text)])
    entities = np.array([[start, start + len(entity), ENTITY_LABELS.index(label)]])
    ((s, e, got),) = clean_entities(text, tokens, entities)
    assert (text[s:e], ENTITY_LABELS[got]) == expected


# ------------------------------------------------------------------------------------ objects_after

OBJECTS = [
    pytest.param("The summit will bring together partners from across the globe to strengthen cooperation.",
                 "bring", {"partners", "partners from across the globe"}, id="particle-and-chained-preposition"),
    pytest.param("The meeting featured discussions on deepening defence industry collaboration and advancing "
                 "bilateral military ties, according to the ministry.", "discussions",
                 {"deepening defence industry collaboration and advancing bilateral military ties"},
                 id="noun-for-the-verb-gerunds-joined"),
    pytest.param("The Ministerial will focus on supply chain resilience, clean energy transitions, and strategic "
                 "cooperation in critical minerals.", "focus",
                 {"supply chain resilience, clean energy transitions, and strategic cooperation",
                  "supply chain resilience, clean energy transitions, and strategic cooperation in critical minerals"},
                 id="list-with-its-prepositional-phrase"),
    pytest.param("They had wide ranging discussions including the recently concluded 10-year Major Defence "
                 "Partnership Framework Agreement with emphasis on cooperation.", "discussions",
                 {"recently concluded 10-year Major Defence Partnership Framework Agreement",
                  "10-year Major Defence Partnership Framework Agreement"},
                 id="including-and-a-participle-before-the-noun"),
    pytest.param("Mongol armies would divert certain rivers, taking enemy prisoners.", "divert",
                 {"certain rivers"}, id="commas-alone-make-no-list"),
    pytest.param("Article 65 banned cartels and article 66 made provisions for mergers.", "banned",
                 {"cartels"}, id="a-phrase-followed-by-a-verb-starts-a-clause"),
    pytest.param("The delegation held discussions with Defence Secretary Rajesh Kumar Singh.", "discussions",
                 set(), id="with-names-a-partner-not-an-object"),
    pytest.param("Oxygen is released into the atmosphere by plants.", "released", set(), id="passive-has-no-object"),
]


@pytest.mark.parametrize(("text", "verb", "expected"), OBJECTS)
def test_objects_after(text: str, verb: str, expected: set[str]) -> None:
    assert _objects(text, verb) == expected


def _objects(text: str, verb: str, people: bool = False) -> set[str]:
    (tags,) = annotate([text])
    tokens = tags.tokens
    at = [i for i, (a, b, _) in enumerate(tokens.tolist()) if text[a:b] == verb]
    assert at, verb
    spans = objects_after(text, tokens, at, people=people)
    assert all(s.kind == "OBJECT" for s in spans)
    return {text[s.start: s.end] for s in spans}


def test_talks_with_lead_to_the_people_talked_with() -> None:
    text = "The delegation was holding discussions with Defence Secretary Rajesh Kumar Singh."
    assert _objects(text, "holding", people=True) == {"Defence Secretary Rajesh Kumar Singh"}
    assert _objects(text, "holding") == {"discussions"}


def test_with_leads_to_the_people_met_when_people_are_asked_for() -> None:
    text = "The minister will also hold meetings with senior members of the US administration."
    assert _objects(text, "meetings") == set()  # "What did they discuss?": a partner is no topic
    assert _objects(text, "meetings", people=True) == {"senior members", "senior members of the US administration"}
