"""qa.extractor: the shapes and evidence the span ranker sees (date shapes, head noun, coverage)."""

from __future__ import annotations

import pytest

from qa.extractor import FEATURES, PREV_CLASSES, same_word, word_class
from qa.question import analyse


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        pytest.param("January 27", "calendar", id="month-day"),
        pytest.param("Feb. 4", "calendar", id="abbreviated-month"),
        pytest.param("in 1998", "calendar", id="year"),
        pytest.param("the 1990s", "calendar", id="decade-of-years"),
        pytest.param("on the 3rd", "calendar", id="ordinal-day"),
        pytest.param("last Tuesday", "calendar", id="weekday"),
        pytest.param("10-year", "duration", id="hyphenated-duration"),
        pytest.param("three weeks", "duration", id="weeks"),
        pytest.param("decades", "duration", id="plural-unit"),
        pytest.param("today", "relative", id="today"),
        pytest.param("last week", "relative", id="last-week"),
        pytest.param("earlier this month", "relative", id="earlier-this-month"),
        pytest.param("12 million", None, id="plain-number"),
    ],
)
def test_date_shapes(text: str, shape: str | None) -> None:
    """ "When" wants a point in time; "10-year" is a date entity to the tagger but a stretch of time, and
    "today" only means something next to the article's date."""
    from qa.extractor import date_shape

    calendar, duration, relative = date_shape(text)
    assert {"calendar": calendar, "duration": duration, "relative": relative} == {
        k: k == shape for k in ("calendar", "duration", "relative")}


def _features(answerer, question: str, answer: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Each feature's largest value over the candidate spans reading `answer` (a phrase may occur twice)."""
    info = analyse(question)
    vector = answerer.embed_question(question)
    retrieval = answerer.retriever.search(question, vector)
    sentences = answerer.extractor.score_sentences(info, vector, {p.row: p.score for p in retrieval.passages})
    index = answerer.index
    found: dict[str, float] = {}
    for span in answerer.extractor.best_spans(info, sentences, top=len(sentences)):
        text = index.documents[int(index.sentences[span.sentence.row, 0])].text
        if text[span.span.start: span.span.end] == answer:
            for name, value in zip(FEATURES, span.features.tolist(), strict=True):
                found[name] = max(found.get(name, value), value)
    assert found, f"{answer!r} is not a candidate for {question!r}"
    return found


def test_when_prefers_a_calendar_date_over_a_duration(answerer) -> None:  # type: ignore[no-untyped-def]
    question = "When did the delegation meet the Defence Secretary?"
    date = _features(answerer, question, "January 27")
    span = _features(answerer, question, "10-year")
    assert (date["when_calendar"], date["when_duration"]) == (1.0, 0.0)
    assert (span["when_calendar"], span["when_duration"]) == (0.0, 1.0)


def test_when_ranks_today_below_a_calendar_date_and_rules_out_a_duration(answerer) -> None:  # type: ignore[no-untyped-def]
    """ "today" in a quoted post and "10-year" are date entities to the tagger, but neither tells a reader
    when: "today" stays a last resort, and "10-year", written before "Major Defence ... Agreement", says how
    long the agreement runs, so it is no "when" answer at all."""
    question = "When did the delegation meet Defence Secretary Rajesh Kumar Singh?"
    fits = {a: _features(answerer, question, a)["type_fit"] for a in ("January 27", "today", "10-year")}
    assert fits["January 27"] == 1.0
    assert 0.3 <= fits["today"] < fits["January 27"]  # the strict "when" filter keeps it
    assert fits["10-year"] == 0.0


@pytest.mark.parametrize(
    ("question", "answer", "fits"),
    [
        # "The meeting, held on January 27, ...": the meeting's date...
        ("When did the delegation meet the Defence Secretary?", "January 27", True),
        # ...is not the agreement's, which the sentence does not name.
        ("On what date was the Major Defence Partnership Framework Agreement signed?", "January 27", False),
        # "the US Department of State had said in January that ...": when it was said.
        ("When did the State Department announce the Critical Minerals Ministerial?", "January", True),
        ("When is the Critical Minerals Ministerial?", "February 4", True),
    ],
)
def test_a_date_of_another_event_does_not_answer_when(answerer, question: str, answer: str, fits: bool) -> None:  # type: ignore[no-untyped-def]
    assert (_features(answerer, question, answer)["type_fit"] > 0.0) is fits


def test_a_date_without_the_asked_unit_fits_less(answerer) -> None:  # type: ignore[no-untyped-def]
    """ "On what day" is answered by "February 4", not by "January" from the same sentence."""
    question = "On what day does the minerals summit take place?"
    assert _features(answerer, question, "February 4")["type_fit"] == 1.0
    assert _features(answerer, question, "January")["type_fit"] <= 0.5


def test_whom_is_read_as_who(answerer) -> None:  # type: ignore[no-untyped-def]
    """The question word crosses with the span's kind and neighbours; "whom" must share what "who" learned."""
    features = _features(answerer, "Whom did the delegation meet?", "Rajesh Kumar Singh")
    assert features["who_person"] == 1.0 and features["none_person"] == 0.0


def test_span_ending_on_the_asked_noun(answerer) -> None:  # type: ignore[no-untyped-def]
    question = "On which front did India-US engagement also continue?"
    assert _features(answerer, question, "defence front")["head_last"] == 1.0
    assert _features(answerer, question, "Sergio Gor")["head_last"] == 0.0


def test_locative_place_for_where(answerer) -> None:  # type: ignore[no-untyped-def]
    question = "Where will Rubio welcome the international partners?"
    assert _features(answerer, question, "State Department")["where_locative"] == 1.0
    america = _features(answerer, question, "America")
    assert america["where_locative"] == 0.0 and america["possessive_after"] == 1.0


@pytest.mark.parametrize(
    ("question", "low"),
    [
        pytest.param("Who convened the Critical Minerals Ministerial?", False, id="all-words-there"),
        pytest.param("How much funding was pledged by donors at the Ministerial?", True, id="rare-words-missing"),
    ],
)
def test_cover_measures_the_question_words_the_article_uses(answerer, question: str, low: bool) -> None:  # type: ignore[no-untyped-def]
    info = analyse(question)
    near, in_doc = answerer.extractor.terms.cover(info, 0)
    assert 0.0 <= near <= in_doc <= 1.0
    assert (in_doc < 0.7) is low


def test_sentence_shapes_are_cached_and_bounded(answerer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Candidates are cut once per sentence; the cache drops its oldest sentence when full."""
    from qa import extractor as extractor_module

    ex = answerer.extractor
    first = ex.sentence_shape(0)
    assert ex.sentence_shape(0) is first
    assert first.spans and all(first.start <= sh.span.start < sh.span.end <= first.end for sh in first.spans)
    monkeypatch.setattr(extractor_module, "SHAPE_CACHE", 2)
    ex._shapes.clear()
    for row in range(3):
        ex.sentence_shape(row)
    assert list(ex._shapes) == [1, 2]


def test_cached_and_fresh_shapes_score_alike(answerer) -> None:  # type: ignore[no-untyped-def]
    """The second asking of a question (shapes cached) scores every span as the first did."""
    question = "Who convened the Critical Minerals Ministerial?"
    answerer.extractor._shapes.clear()
    first = answerer.ask(question)
    second = answerer.ask(question)
    assert (first.answer, first.confidence) == (second.answer, second.confidence)


@pytest.mark.parametrize(
    ("names", "sentence", "conflict"),
    [
        pytest.param(["Critical Minerals Ministerial"], "Representing India at the Finance Ministerial was X.", 1.0,
                     id="other-ministerial"),
        pytest.param(["Critical Minerals Ministerial"], "The inaugural Critical Minerals Ministerial opens.", 0.0,
                     id="same-name"),
        pytest.param(["Critical Minerals Ministerial"], "Ahead of the Ministerial, it said so.", 0.0,
                     id="bare-last-word"),
        pytest.param(["Bank of England"], "The Bank of Japan raised rates.", 0.0, id="single-word-tail-differs"),
        pytest.param(["Manchester United"], "Newcastle United won 2-0.", 1.0, id="other-club"),
        pytest.param(["India"], "India and the United States met.", 0.0, id="one-word-name"),
    ],
)
def test_name_conflict(names: list[str], sentence: str, conflict: float) -> None:
    """A sentence naming another thing of the same kind ("the Finance Ministerial") is about something else."""
    from qa.extractor import name_conflict

    assert name_conflict(names, sentence) == conflict


def test_typed_sentence_feature_marks_sentences_holding_the_asked_kind(answerer) -> None:  # type: ignore[no-untyped-def]
    """For "when", a sentence with a date entity is marked; for "what", no sentence is."""
    from qa.extractor import SENTENCE_FEATURES

    typed = SENTENCE_FEATURES.index("typed")
    for question, expect_any in (("When will the Critical Minerals Ministerial be held?", True),
                                 ("What will the Critical Minerals Ministerial focus on?", False)):
        info = analyse(question)
        vector = answerer.embed_question(question)
        retrieval = answerer.retriever.search(question, vector)
        sentences = answerer.extractor.score_sentences(info, vector, {p.row: p.score for p in retrieval.passages})
        marked = {answerer.index.sentence_text(s.row) for s in sentences if s.features[typed] == 1.0}
        assert bool(marked) is expect_any
        if expect_any:
            assert any("February 4" in text for text in marked)
            assert not any(text.startswith("The Ministerial will focus") for text in marked)


def test_a_title_written_out_names_its_person(answerer) -> None:  # type: ignore[no-untyped-def]
    """ "External Affairs Minister S. Jaishankar" makes "the External Affairs Minister" a mention of him, so
    a question naming Jaishankar matches the sentence that only gives his title."""
    from index.lexical import terms

    titles = answerer.extractor.titles_in(0)
    assert frozenset(terms("External Affairs Minister")) in titles["jaishankar"]
    assert "secretary" not in titles  # titles are keyed by the person's name, not by their words

    question = "Who else will Jaishankar meet during the trip?"
    info = analyse(question)
    vector = answerer.embed_question(question)
    retrieval = answerer.retriever.search(question, vector)
    sentences = answerer.extractor.score_sentences(info, vector, {p.row: p.score for p in retrieval.passages})
    by_text = {answerer.index.sentence_text(s.row): s for s in sentences}
    (title_only,) = [s for text, s in by_text.items() if text.startswith("During the visit, the External Affairs")]
    jaishankar = answerer.extractor.terms.weight("jaishankar")
    others = sum(answerer.extractor.terms.weight(t) for t in info.terms if t != "jaishankar")
    assert title_only.lexical >= jaishankar / (jaishankar + others) - 1e-9


def _candidates(answerer, question: str) -> set[str]:  # type: ignore[no-untyped-def]
    info = analyse(question)
    vector = answerer.embed_question(question)
    retrieval = answerer.retriever.search(question, vector)
    sentences = answerer.extractor.score_sentences(info, vector, {p.row: p.score for p in retrieval.passages})
    index = answerer.index
    return {
        index.documents[int(index.sentences[s.sentence.row, 0])].text[s.span.start: s.span.end]
        for s in answerer.extractor.best_spans(info, sentences, top=len(sentences))
    }


@pytest.mark.parametrize(
    ("question", "echo", "kept"),
    [
        # The asked noun alone repeats the question; the phrase naming which one does not.
        ("Which ministerial will Jaishankar attend?", "Ministerial", "Critical Minerals Ministerial"),
        ("Which committee does Mike Rogers chair?", "Committee", "House Armed Services Committee"),
    ],
)
def test_a_span_of_only_question_words_is_no_candidate(answerer, question: str, echo: str, kept: str) -> None:  # type: ignore[no-untyped-def]
    spans = _candidates(answerer, question)
    assert kept in spans
    assert echo not in spans and echo.lower() not in spans


def test_entitled_and_named_count_as_called() -> None:
    assert {word_class(w, PREV_CLASSES) for w in ("called", "named", "entitled", "titled", "dubbed")} == {"called"}


def test_numbers_sentence_feature_marks_sentences_writing_the_questions_numbers(answerer) -> None:  # type: ignore[no-untyped-def]
    from qa.extractor import SENTENCE_FEATURES

    numbers = SENTENCE_FEATURES.index("numbers")
    question = "What did the meeting held on January 27 feature?"
    info = analyse(question)
    vector = answerer.embed_question(question)
    retrieval = answerer.retriever.search(question, vector)
    sentences = answerer.extractor.score_sentences(info, vector, {p.row: p.score for p in retrieval.passages})
    marked = [answerer.index.sentence_text(s.row) for s in sentences if s.features[numbers] == 1.0]
    assert marked and all("January 27" in text for text in marked)
    assert all(s.features[numbers] == 0.0 for s in sentences if "27" not in answerer.index.sentence_text(s.row))
    # A question without numbers marks nothing.
    plain = analyse("What did the meeting feature?")
    assert all(s.features[numbers] == 0.0 for s in answerer.extractor.score_sentences(
        plain, vector, {p.row: p.score for p in retrieval.passages}))


def test_the_title_of_the_person_asked_about_is_not_someone_else(answerer) -> None:  # type: ignore[no-untyped-def]
    """"Whom will Jaishankar meet?": "External Affairs Minister" is his own title, so not a candidate; the
    same title answers a question that does not name him."""
    spans = _candidates(answerer, "Who else will Jaishankar meet during the trip?")
    assert "External Affairs Minister" not in spans
    assert "senior members of the US administration" in spans
    other = _candidates(answerer, "Who will meet senior members of the US administration?")
    assert "External Affairs Minister" in other


def test_a_group_of_people_before_of_fits_who(answerer) -> None:  # type: ignore[no-untyped-def]
    question = "Who else will Jaishankar meet during the trip?"
    assert _features(answerer, question, "senior members of the US administration")["type_fit"] >= 0.7


def test_the_asked_class_restated_is_no_person(answerer) -> None:  # type: ignore[no-untyped-def]
    """ "Which official ...?" asks for one official by name: "senior officials" only restates the class."""
    question = "Which American official hosted the finance ministers' meeting?"
    assert _features(answerer, question, "senior officials")["type_fit"] <= 0.1
    assert _features(answerer, question, "Scott Bessent")["type_fit"] == 1.0


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        ("Which meeting did Ashwini Vaishnaw attend?", "Finance Ministerial", 1.0),  # a ministerial is a meeting
        ("Which deal did the delegation discuss?", "10-year Major Defence Partnership Framework Agreement", 1.0),
        ("Which meeting did Ashwini Vaishnaw attend?", "Washington", 0.0),
        # The head of "X of Y" is X: "US Department of State" is a department.
        ("Which US department said the ministerial would bring partners together?", "US Department of State", 1.0),
    ],
)
def test_a_noun_of_the_same_kind_ends_the_asked_thing(answerer, question: str, answer: str, expected: float) -> None:  # type: ignore[no-untyped-def]
    assert _features(answerer, question, answer)["head_last"] == expected


# ------------------------------------------------------------------------------------------ the trees


def test_trees_read_the_features_the_extractor_writes() -> None:
    """The boosted correction was fitted on FEATURES as they stand: a feature added, removed or moved
    without a refit would feed it the wrong columns, silently."""
    from qa.extractor import TREES_FILE, load_trees

    if not TREES_FILE.is_file():
        pytest.skip("no span trees fitted")
    assert load_trees().num_feature() == len(FEATURES)


def test_trees_add_to_the_linear_score_and_confidence_reads_the_linear_part(answerer) -> None:  # type: ignore[no-untyped-def]
    """Spans are ranked by linear + trees; the confidence model was fitted on the linear part alone."""
    import numpy as np

    from qa.answerer import confidence_features

    question = "Who convened the Critical Minerals Ministerial?"
    info = analyse(question)
    vector = answerer.embed_question(question)
    retrieval = answerer.retriever.search(question, vector)
    sentences = answerer.extractor.score_sentences(info, vector, {p.row: p.score for p in retrieval.passages})
    spans = answerer.extractor.best_spans(info, sentences)
    linear = np.array([s.features @ answerer.extractor.span_weights for s in spans])
    assert np.allclose([s.linear for s in spans], linear)
    assert [s.score for s in spans] == sorted((s.score for s in spans), reverse=True)
    if answerer.extractor.trees is not None:
        extra = answerer.extractor.trees.predict(np.stack([s.features for s in spans]))
        assert np.allclose([s.score for s in spans], linear + extra)
        assert any(abs(e) > 1e-6 for e in extra)
    row = confidence_features(spans, (1.0, 1.0))
    assert row[0] == spans[0].linear and row[1] == spans[0].linear - spans[1].linear


def test_several_boosters_in_the_trees_file_are_averaged(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import lightgbm
    import numpy as np

    from qa import extractor as extractor_module

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(200, 3)), rng.normal(size=200)
    boosters = [lightgbm.train({"objective": "regression", "verbose": -1, "seed": s, "bagging_fraction": 0.5,
                                "bagging_freq": 1}, lightgbm.Dataset(x, y), num_boost_round=5) for s in (1, 2)]
    path = tmp_path / "trees.txt"
    path.write_text(extractor_module.TREES_SEPARATOR.join(b.model_to_string() for b in boosters))
    monkeypatch.setattr(extractor_module, "TREES_FILE", path)
    trees = extractor_module.load_trees()
    assert trees is not None and len(trees.boosters) == 2 and trees.num_feature() == 3
    expected = (boosters[0].predict(x[:7]) + boosters[1].predict(x[:7])) / 2
    assert np.allclose(trees.predict(x[:7]), expected)
    assert not np.allclose(boosters[0].predict(x[:7]), boosters[1].predict(x[:7]))


@pytest.mark.parametrize(
    ("question", "source_kept"),
    [
        # The meeting's facts are cited to a Treasury release; the Treasury did not represent India.
        ("Who spoke for India at the finance meeting?", False),
        ("Which American official hosted the finance ministers' meeting?", False),
        # Asking where a statement comes from, or about the source itself, keeps it.
        ("According to whom did the meeting bring together finance ministers?", True),
        ("Whose release said the meeting brought together finance ministers?", True),
    ],
)
def test_the_source_a_statement_is_cited_to_answers_only_questions_about_sources(  # type: ignore[no-untyped-def]
    answerer, question: str, source_kept: bool,
) -> None:
    assert ("US Department of the Treasury" in _candidates(answerer, question)) is source_kept


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        # "US Ambassador to India Sergio Gor" is the US's ambassador, not India's.
        ("Who is India's Ambassador to the United States?", False),
        ("Who is the Indian Ambassador to the US?", False),
        ("Who is the US Ambassador to India?", True),
    ],
)
def test_a_title_belongs_to_the_country_written_before_it(answerer, question: str, kept: bool) -> None:  # type: ignore[no-untyped-def]
    spans = _candidates(answerer, question)
    assert ("Sergio Gor" in spans) is kept
    assert ("India Sergio Gor" in spans) is kept  # a phrase holding his name goes with him


@pytest.mark.parametrize(
    ("question", "country_fit"),
    [
        ("In which city did the finance chiefs gather?", "low"),  # a city is not a country
        ("Where did the finance chiefs gather?", "full"),
        ("Which country sent finance ministers to the meeting?", "any"),
    ],
)
def test_a_country_does_not_fit_which_city(answerer, question: str, country_fit: str) -> None:  # type: ignore[no-untyped-def]
    from qa.extractor import COUNTRY_AS_CITY_FIT

    for country in ("Australia", "South Korea"):
        fit = _features(answerer, question, country)["type_fit"]
        if country_fit == "low":
            assert fit <= COUNTRY_AS_CITY_FIT
        elif country_fit == "full":
            assert fit == 1.0
        else:
            assert fit > COUNTRY_AS_CITY_FIT
    if country_fit == "low":
        assert _features(answerer, question, "Washington")["type_fit"] == 1.0
        # ...and with Washington a candidate, a country answers only when no city is left.
        assert _candidate_kinds(answerer, question)["Australia"]["GPE"]


def test_what_will_someone_do_is_answered_by_the_verb_phrase(answerer) -> None:  # type: ignore[no-untyped-def]
    question = "Apart from the ministerial, what else will the minister do during the trip?"
    action = "hold meetings with senior members of the US administration"
    assert _features(answerer, question, action)["type_fit"] == 1.0
    assert _features(answerer, question, "External Affairs")["type_fit"] == 0.0


def test_a_number_phrase_ending_on_the_counted_noun_is_cut_before_it() -> None:
    """"How many yards ...?": "3,837 yards" offers "3,837"; a phrase ending elsewhere is left alone."""
    from index.annotator import annotate
    from index.lexical import stem
    from qa.extractor import SentenceShape, _shape, _without_counted
    from qa.spans import Span

    text = "Newton threw for 3,837 yards and 35 touchdowns."
    (tags,) = annotate([text])
    rows = tags.tokens.tolist()
    shape = SentenceShape(
        text=text, start=0, end=len(text), tokens=tags.tokens, starts=[a for a, _, _ in rows],
        pos=[p for _, _, p in rows], token_terms=[stem(text[a:b].lower()) for a, b, _ in rows],
        token_words=[text[a:b].lower() for a, b, _ in rows], lowered=text.lower(), propn=frozenset(),
    )
    yards = _shape(Span(text.index("3,837"), text.index(" and"), "NUMBER", 2), shape)
    touchdowns = _shape(Span(text.index("35"), len(text) - 1, "NUMBER", 2), shape)
    assert yards is not None and touchdowns is not None
    cut = _without_counted(yards, shape, stem("yards"))
    assert cut is not None and text[cut.span.start: cut.span.end] == "3,837"
    assert _without_counted(touchdowns, shape, stem("yards")) is touchdowns


@pytest.mark.parametrize(
    ("question", "near"),
    [
        # "US" is the delegation's word here, not a description of the person asked for.
        ("Who did the US Congressional delegation hold discussions with?", False),
        # Here it describes whom the question asks for: the title matching it is evidence.
        ("Which American diplomat accompanied the lawmakers?", True),
    ],
)
def test_a_common_question_word_in_a_title_is_not_nearness(answerer, question: str, near: bool) -> None:  # type: ignore[no-untyped-def]
    assert (_features(answerer, question, "Sergio Gor")["proximity"] == 1.0) is near


@pytest.mark.parametrize(
    ("question", "low"),
    [
        ("Which political party does Mike Rogers belong to?", True),  # a committee is not a party
        ("Which committee does Mike Rogers chair?", False),
        ("Which council does Mike Rogers chair?", False),  # a council is a committee's kin
    ],
)
def test_an_organisation_of_another_kind_does_not_fit(answerer, question: str, low: bool) -> None:  # type: ignore[no-untyped-def]
    from qa.extractor import ORG_KIND_MISMATCH_FIT

    fit = _features(answerer, question, "House Armed Services Committee")["type_fit"]
    assert (fit <= ORG_KIND_MISMATCH_FIT) is low


def test_a_thing_is_not_answered_by_a_phrase_for_people(answerer) -> None:  # type: ignore[no-untyped-def]
    """ "Which sector ...?" asks for a thing: "External Affairs Minister" (a phrase ending on a noun for people)
    is ruled out while "meetings" still fits."""
    from qa.extractor import RULED_OUT_FIT

    question = "Which sector will the senior members of the US administration discuss with Jaishankar?"
    assert _features(answerer, question, "External Affairs Minister")["type_fit"] <= RULED_OUT_FIT
    assert _features(answerer, question, "meetings")["type_fit"] > RULED_OUT_FIT


@pytest.fixture(scope="module")
def summit_answerer(answerer_over):  # type: ignore[no-untyped-def]
    """A real answerer over a report dating one event and only naming another."""
    return answerer_over("summit", (
        "Nordic summit\n\nLeaders of five countries gathered in Oslo this week. The summit, held on March 3, "
        "ended with a joint statement on energy. A fisheries pact between Norway and Iceland was also "
        "concluded after long negotiations.\n"))


@pytest.mark.parametrize(
    ("question", "answer", "fits"),
    [
        ("When was the summit held?", "March 3", True),
        ("When did the leaders meet?", "March 3", True),  # a summit is a meeting (HEAD_KIN)
        # The summit's date is not the pact's: the report does not say when the pact was signed.
        ("On what date was the fisheries pact signed?", "March 3", False),
        # A count of things is no date.
        ("When did the leaders gather in Oslo?", "five countries", False),
    ],
)
def test_what_a_date_dates(summit_answerer, question: str, answer: str, fits: bool) -> None:  # type: ignore[no-untyped-def]
    assert (_features(summit_answerer, question, answer)["type_fit"] > 0.0) is fits


def test_when_abstains_rather_than_date_another_event(summit_answerer) -> None:  # type: ignore[no-untyped-def]
    assert summit_answerer.ask("When was the summit held?").answer == "March 3"
    assert summit_answerer.ask("When did the leaders gather in Oslo?").answer == "this week"
    assert summit_answerer.ask("On what date was the fisheries pact signed?").answer is None


@pytest.fixture(scope="module")
def show_answerer(answerer_over):  # type: ignore[no-untyped-def]
    """A real answerer over a report with a weekday naming a show, a date, a year in a name, a contract."""
    return answerer_over("show", (
        "Presenter leaves music show\n\nJo Hart has quit as host of Channel 9's Saturday morning music show "
        "Top Tunes after six years. She will present her last show on 5 March. Hart will also advise Sir Clive "
        "Woodward's 2005 Lions on media strategy. Southampton unveiled their new manager at 1500 GMT on "
        "Wednesday. Hart spoke to Sunday Telegraph journalist Robert Peston about leaving. Jo Hart first presented "
        "the show in March 1999.\n"))


@pytest.mark.parametrize(
    ("question", "answer", "fit"),
    [
        # "What date" asks for a day of a month: a weekday, a month or a year alone fits less.
        ("On what date will Jo Hart present her last show?", "5 March", 1.0),
        # A weekday inside a noun phrase says which show, not when (a last resort at most).
        ("On what date will Jo Hart present her last show?", "Saturday", 0.3),
        # A weekday starting a name is no day at all.
        ("When did Jo Hart say she was leaving?", "Sunday", 0.0),
        # A year inside a name is no amount...
        ("How much will Jo Hart be paid for her media work?", "Sir Clive Woodward's 2005 Lions", 0.0),
        # ...and a weekday is no stretch of time.
        ("How long is the contract of the new Southampton manager?", "Wednesday", 0.0),
        ("How long is the contract of the new Southampton manager?", "1500 GMT", 0.0),  # a time of day
        ("How old is Jo Hart?", "March 1999", 0.0),  # no date is an age
    ],
)
def test_what_dates_and_numbers_fit(show_answerer, question: str, answer: str, fit: float) -> None:  # type: ignore[no-untyped-def]
    assert _features(show_answerer, question, answer)["type_fit"] == pytest.approx(fit)


def test_what_year_is_answered_by_the_year_alone(show_answerer) -> None:  # type: ignore[no-untyped-def]
    """ "In what year ...?" is answered by "1999", not by "March 1999"."""
    assert show_answerer.ask("In what year did Jo Hart first present the show?").answer == "1999"


@pytest.fixture(scope="module")
def brewer_answerer(answerer_over):  # type: ignore[no-untyped-def]
    return answerer_over("brewer", (
        "Inbev buys stake\n\nBrewer Inbev is paying 259.7m euros for a one-fifth stake in Sun Interbrew. "
        "House prices were 11.8% higher on the year.\n"))


@pytest.mark.parametrize(
    ("question", "answer", "low"),
    [
        ("How much is Inbev paying for the stake in Sun Interbrew?", "259.7m euros", False),
        ("How much is Inbev paying for the stake in Sun Interbrew?", "one-fifth", True),
        ("How much did house prices rise on the year?", "11.8%", False),
    ],
)
def test_a_share_is_no_amount_of_money(brewer_answerer, question: str, answer: str, low: bool) -> None:  # type: ignore[no-untyped-def]
    from qa.extractor import SHARE_AS_MONEY_FIT

    assert (_features(brewer_answerer, question, answer)["type_fit"] <= SHARE_AS_MONEY_FIT) is low


@pytest.fixture(scope="module")
def sport_answerer(answerer_over):  # type: ignore[no-untyped-def]
    """A real answerer over a small sport report (names in pairs, a score, amounts)."""
    return answerer_over("hopman", (
        "Slovakia win the Hopman Cup\n\n"
        "Slovakia won the Hopman Cup for the first time in 1998 when Karol Kucera and Karina Habsudova beat "
        "France. This year Dominik Hrbaty beat Guillermo Coria as Slovakia beat Argentina 3-0 in the final.\n"))


def test_which_pair_is_answered_by_two_people_named_together(sport_answerer) -> None:  # type: ignore[no-untyped-def]
    answer = sport_answerer.ask("Which pair won the Hopman Cup in 1998?")
    assert answer.answer == "Karol Kucera and Karina Habsudova"
    # Another question about a person still gets one person.
    assert sport_answerer.ask("Who did Dominik Hrbaty beat in the final?").answer == "Guillermo Coria"


@pytest.mark.parametrize(("question", "low"), [("How many titles has Slovakia won?", True),
                                               ("What number title was the 1998 win for Slovakia?", False)])
def test_a_rank_does_not_answer_how_many(sport_answerer, question: str, low: bool) -> None:  # type: ignore[no-untyped-def]
    from qa.extractor import ORDINAL_COUNT_FIT

    assert (_features(sport_answerer, question, "first")["type_fit"] <= ORDINAL_COUNT_FIT) is low


@pytest.mark.parametrize(
    ("term", "asked", "same"),
    [
        ("discuss", "discuss", True),
        ("emphasi", "emphasis", True),  # "emphasis" in the text, "emphasise" in the question
        ("sell", "seller", False),  # too short to match by prefix
        ("record", "recording", False),  # more than a suffix apart
        ("meet", "met", False),
    ],
)
def test_same_word(term: str, asked: str, same: bool) -> None:
    assert same_word(term, asked) is same
    assert same_word(asked, term) is same



@pytest.mark.parametrize(
    ("question", "sentence", "swapped"),
    [
        ("Who represented Japan at the Finance Ministerial?",
         "Representing India at the Finance Ministerial was Ashwini Vaishnaw.", True),
        ("Who represented India at the Finance Ministerial?",
         "Representing India at the Finance Ministerial was Ashwini Vaishnaw.", False),
        ("Who is India's Ambassador to the US?", "US Ambassador to India Sergio Gor was there.", False),
        # Another country elsewhere in the sentence is no swap: it does not stand where the asked one does.
        ("Who represented Japan at the Finance Ministerial?",
         "Ashwini Vaishnaw flew from India to attend the Finance Ministerial.", False),
        ("Who chairs HASC?", "Representing India at the Finance Ministerial was Ashwini Vaishnaw.", False),
    ],
)
def test_swapped_country(question: str, sentence: str, swapped: bool) -> None:
    from index.lexical import country_words, stem, words
    from qa.extractor import swapped_country

    token_terms = [stem(w) for w in country_words(words(sentence))]
    assert swapped_country(analyse(question).terms, token_terms) is swapped


@pytest.mark.parametrize(("past", "verb"), [("met", "meet"), ("led", "lead"), ("held", "hold"), ("brought", "bring")])
def test_an_irregular_past_is_its_verb(past: str, verb: str) -> None:
    """"Whom did they meet?" finds its verb in "... met Defence Secretary ...": the stemmer leaves "met" alone."""
    from index.lexical import stem
    from qa.extractor import IRREGULAR_VERBS

    assert stem(past) != stem(verb)
    assert IRREGULAR_VERBS[past] == stem(verb)


@pytest.mark.parametrize(
    ("name", "after", "ruled_out"),
    [
        ("US", " Secretary of State", True),  # a modifier of a title: the phrase names a person
        ("India", "-US engagement", True),  # a modifier joined by a hyphen
        ("United States", " Congressional", True),
        ("United States", " from February", False),  # "visit the United States from ...": a place
        ("Washington", " to explore", False),
    ],
)
def test_a_name_modifying_the_noun_after_it_places_nothing(  # type: ignore[no-untyped-def]
    answerer, name: str, after: str, ruled_out: bool,
) -> None:
    """"Where ...?" is not answered by "US" of "US Secretary of State": the name describes what follows it."""
    from qa.extractor import RULED_OUT_FIT

    question = "Where did the officials meet?"
    info = analyse(question)
    vector = answerer.embed_question(question)
    every_passage = {row: 0.0 for row in range(len(answerer.index.passages))}
    sentences = answerer.extractor.score_sentences(info, vector, every_passage)
    fits = []
    for span in answerer.extractor.best_spans(info, sentences, top=len(sentences)):
        text = answerer.index.documents[int(answerer.index.sentences[span.sentence.row, 0])].text
        if text[span.span.start: span.span.end] == name and text[span.span.end:].startswith(after):
            fits.append((span.type_fit, span.misfit))
    assert fits, f"{name!r} before {after!r} is not a candidate"
    assert all((fit <= RULED_OUT_FIT and misfit) is ruled_out for fit, misfit in fits), fits


@pytest.fixture(scope="module")
def mission_answerer(answerer_over):  # type: ignore[no-untyped-def]
    """A real answerer over a short report whose second sentence goes on about the first one's subject."""
    return answerer_over("mission", (
        "Mayor visits port\n\n"
        "A trade mission led by Mayor Ellen Park arrived in Halifax on Monday with business leaders from "
        "Ontario. The visit featured discussions on port investment and new ferry links, according to the "
        "city council. A fishing fleet docked on Tuesday. The weather featured discussions on rain.\n"))


def _candidate_kinds(answerer, question: str) -> dict[str, dict[str, bool]]:  # type: ignore[no-untyped-def]
    """Each candidate's text -> {kind: misfit}, over every sentence of the corpus (not only those retrieved)."""
    info = analyse(question)
    vector = answerer.embed_question(question)
    every_passage = {row: 0.0 for row in range(len(answerer.index.passages))}
    sentences = answerer.extractor.score_sentences(info, vector, every_passage)
    out = {}
    for span in answerer.extractor.best_spans(info, sentences, top=len(sentences)):
        text = answerer.index.documents[int(answerer.index.sentences[span.sentence.row, 0])].text
        out.setdefault(text[span.span.start: span.span.end], {})[span.span.kind] = span.misfit
    return out


def test_a_sentence_opening_on_the_goes_on_about_the_subject_before(mission_answerer) -> None:  # type: ignore[no-untyped-def]
    """"A trade mission ... . The visit featured discussions on <...>": "The visit" is the mission's, so the
    object of "discussions" answers "What did the trade mission discuss?"; "The weather ..." follows a
    sentence about a fleet, not the mission, and offers no object."""
    candidates = _candidate_kinds(mission_answerer, "What did the trade mission discuss?")
    assert "OBJECT" in candidates.get("port investment and new ferry links", {})
    assert "OBJECT" not in candidates.get("rain", {})


def test_what_is_written_with_the_subject_is_not_its_object(mission_answerer) -> None:  # type: ignore[no-untyped-def]
    """"A trade mission led by Mayor Ellen Park arrived ...": the mayor and the clause she leads belong to the
    subject; and "What did they discuss?" asks what, so a person is ruled out anyway."""
    candidates = _candidate_kinds(mission_answerer, "What did the trade mission discuss?")
    assert candidates["Ellen Park"]["PERSON"] and all(candidates["Mayor Ellen Park"].values())
    assert all(all(kinds.values()) for text, kinds in candidates.items() if text.startswith("led by"))
    assert not candidates["port investment and new ferry links"]["OBJECT"]


@pytest.mark.parametrize(("question", "ruled_out"), [
    ("On which platform did the State Department post about the agenda?", True),  # "which <thing>": a noun
    ("What did the State Department say in its post on X?", False),  # "what" may be answered by a clause
])
def test_which_thing_is_not_answered_by_a_clause(answerer, question: str, ruled_out: bool) -> None:  # type: ignore[no-untyped-def]
    clauses = [kinds["CLAUSE"] for text, kinds in _candidate_kinds(answerer, question).items()
               if "CLAUSE" in kinds and text.startswith("said in a post on X")]
    assert clauses and all(misfit is ruled_out for misfit in clauses)


def test_what_agreements_is_not_answered_by_a_purpose(answerer) -> None:  # type: ignore[no-untyped-def]
    """"What agreements ...?" asks for things of a known kind: "to explore ways to strengthen ..." (a purpose) is
    ruled out, as a clause is for "which <thing>"."""
    reasons = [kinds["REASON"] for text, kinds in _candidate_kinds(
        answerer, "What agreements were signed at the Finance Ministerial in Washington?").items()
        if "REASON" in kinds and text.startswith("to explore ways")]
    assert reasons and all(reasons)
