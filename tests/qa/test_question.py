"""qa.question.analyse: the answer type an English question asks for, its head noun and content terms."""

from __future__ import annotations

import pytest

from qa.question import AnswerType, analyse

A = AnswerType

# (question, expected answer type). Seed-briefing questions and generic English ones side by side: the
# rules are about question forms, never about one article.
ANSWER_TYPES = [
    # who → a person
    ("Who convened the Critical Minerals Ministerial?", A.PERSON, "who-verb"),
    ("Who wrote Hamlet?", A.PERSON, "who-verb-generic"),
    ("Whom did the minister meet?", A.PERSON, "whom"),
    ("Whose idea was the plan?", A.PERSON, "whose"),
    ("Who is the President of the United States?", A.PERSON, "who-is-the-title"),
    ("Which American official is hosting the minerals meeting?", A.PERSON, "which-adj-official"),
    ("Which American diplomat accompanied the lawmakers?", A.PERSON, "which-diplomat"),
    ("Which senator proposed the bill?", A.PERSON, "which-senator"),
    # "Who is <Name>?" asks what someone is
    ("Who is Sergio Gor?", A.DEFINITION, "who-is-name"),
    ("Who was Winston Churchill?", A.DEFINITION, "who-was-name-generic"),
    ("Who is S. Jaishankar?", A.DEFINITION, "who-is-initial-name"),
    # when / what date → a date
    ("When will the Critical Minerals Ministerial be held?", A.DATE, "when"),
    ("When did the war end?", A.DATE, "when-generic"),
    ("What date is the summit?", A.DATE, "what-date"),
    ("On what day does the summit take place?", A.DATE, "on-what-day"),
    ("Which year did the company go public?", A.DATE, "which-year"),
    ("What time does the train leave?", A.DATE, "what-time"),
    # where / which city → a place
    ("Where was the Finance Ministerial held?", A.PLACE, "where"),
    ("Where do penguins live?", A.PLACE, "where-generic"),
    ("Which city hosted the Olympics?", A.PLACE, "which-city"),
    ("In which city did the finance chiefs gather?", A.PLACE, "in-which-city"),
    ("In which part of London were the files found?", A.PLACE, "in-which-part-of"),
    ("What was the name of the pilot of the plane?", A.PERSON, "name-of-a-person-noun"),
    ("What is the name of the river that flows through Paris?", A.PLACE, "name-of-a-place-noun"),
    ("Apart from the ministerial, what else will the minister do during the trip?", A.ACTION, "what-else-do"),
    ("What did DECnet originally do", A.ACTION, "what-did-x-do"),
    ("What did they do business in?", A.OTHER, "do-with-an-object-is-no-action"),
    ("Which part of the plan was dropped?", A.OTHER, "part-without-a-preposition"),
    ("Which country is Jaishankar visiting?", A.PLACE, "which-country"),
    ("What is the capital of France?", A.PLACE, "what-is-the-capital"),
    # how many / how much / how long → a number
    ("How many countries attended the summit?", A.NUMBER, "how-many"),
    ("How much does the bridge cost?", A.NUMBER, "how-much"),
    ("How long is the defence framework agreement?", A.DURATION, "how-long"),
    ("How old is the cathedral?", A.DURATION, "how-old"),
    ("What is the population of India?", A.NUMBER, "what-is-the-population"),
    ("What percentage of voters agreed?", A.NUMBER, "what-percentage"),
    ("What passer rating did Manning finish the season with?", A.NUMBER, "what-rating"),
    ("What attendance did the final draw?", A.NUMBER, "what-attendance"),
    # which ministry / department → an organisation
    ("Which ministry announced the minister's trip?", A.ORG, "which-ministry"),
    ("Which department issued the release about the finance meeting?", A.ORG, "which-department"),
    ("Which committee does Mike Rogers chair?", A.ORG, "which-committee"),
    ("Which company makes the iPhone?", A.ORG, "which-company"),
    ("Which agency published the report?", A.ORG, "which-agency"),
    # which countries / economies → a list
    ("Which economies took part in the Finance Ministerial?", A.LIST, "which-economies"),
    ("Which countries signed the treaty?", A.LIST, "which-countries"),
    ("What countries border France?", A.LIST, "what-countries"),
    ("Which ministries does he handle?", A.LIST, "which-ministries"),
    ("Which leaders met in Geneva?", A.LIST, "which-leaders"),
    # stand for / position → a definition
    ("What does HASC stand for?", A.DEFINITION, "stand-for"),
    ("What does NASA stand for?", A.DEFINITION, "stand-for-generic"),
    ("What is NATO short for?", A.DEFINITION, "short-for"),
    ("What is the abbreviation for kilogram?", A.DEFINITION, "abbreviation"),
    ("What position does Marco Rubio hold?", A.DEFINITION, "what-position"),
    ("What role does the secretary play?", A.DEFINITION, "what-role"),
    ("What post does Sergio Gor hold?", A.DEFINITION, "what-post"),
    ("What is Rajesh Kumar Singh's position?", A.DEFINITION, "possessive-position"),
    ("What was the general's role?", A.DEFINITION, "possessive-role"),
    ("What is photosynthesis?", A.DEFINITION, "what-is-x"),
    # why → a reason
    ("Why is Jaishankar going to the US?", A.REASON, "why"),
    ("Why did the bridge collapse?", A.REASON, "why-generic"),
    ("What was the purpose of the Finance Ministerial?", A.REASON, "what-was-the-purpose"),
    ("For what reason was the match cancelled?", A.REASON, "for-what-reason"),
    # the whole briefing → a summary
    ("What is this briefing about?", A.SUMMARY, "briefing-about"),
    ("Summarize the briefing", A.SUMMARY, "summarize"),
    ("Summarise the story.", A.SUMMARY, "summarise-british"),
    ("What is the article about?", A.SUMMARY, "article-about"),
    ("Give me a summary", A.SUMMARY, "give-summary"),
    ("What are the key points?", A.SUMMARY, "key-points"),
    ("tl;dr", A.SUMMARY, "tldr"),
    # the last noun of a compound is the head; people named by an occupation's ending
    ("Which union official called the plan unnecessary?", A.PERSON, "compound-union-official"),
    ("Which police department is investigating?", A.ORG, "compound-police-department"),
    ("Which state university is the oldest?", A.ORG, "compound-state-university"),
    ("Which American playwright wrote the play?", A.PERSON, "playwright"),
    ("Which pianist played the opening piece?", A.PERSON, "suffix-ist"),
    ("Which historian wrote the account?", A.PERSON, "suffix-ian"),
    ("Which list was published first?", A.OTHER, "short-word-ending-ist"),
    # money and scores are numbers; districts and streets are places
    ("What fee is the striker's move costing?", A.NUMBER, "what-fee"),
    ("What was the final score?", A.NUMBER, "what-score"),
    ("In which district were the files found?", A.PLACE, "which-district"),
    ("What is the goal of gathering partners from around the world?", A.REASON, "goal-of"),
    ("What are the aims of the summit?", A.REASON, "aims-of"),
    ("What is the reason?", A.REASON, "the-reason"),
    # nothing more specific
    ("What did the defence meeting cover?", A.OTHER, "what-did-verb"),
]


@pytest.mark.parametrize(
    ("question", "expected"), [(q, t) for q, t, _ in ANSWER_TYPES], ids=[i for _, _, i in ANSWER_TYPES],
)
def test_answer_type(question: str, expected: AnswerType) -> None:
    assert analyse(question).answer_type is expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("Who is the US Ambassador to India?", A.PERSON, id="title-after-the"),
        pytest.param(
            "Who is India's Defence Minister?", A.PERSON, id="possessive-title",
        ),
    ],
)
def test_who_is_title_asks_for_a_person(question: str, expected: AnswerType) -> None:
    assert analyse(question).answer_type is expected


@pytest.mark.parametrize(
    ("question", "head"),
    [
        pytest.param("Which city hosted the Olympics?", "city", id="noun-right-after"),
        pytest.param("Which American official is hosting the minerals meeting?", "official",
                     id="adj-skipped"),
        pytest.param("Which economies took part?", "economies", id="plural-list-head"),
        pytest.param("What is the population of India?", "population", id="what-is-the"),
        pytest.param("Who convened the meeting?", None, id="no-which"),
        pytest.param("What did the meeting cover?", None, id="auxiliary-not-a-head"),
        # Heads the word lists do not know: the tagger finds the noun the phrase ends on.
        pytest.param("Which recently concluded agreement came up in the talks?", "agreement", id="tagged-after-adverb"),
        pytest.param("On which front did the engagement continue?", "front", id="tagged-single-noun"),
        pytest.param("Which football club signed the striker?", "club", id="known-org-head"),
        pytest.param("Which ancient stone bridge collapsed?", "bridge", id="tagged-after-adjectives"),
        pytest.param("What kind of agreement was signed?", "agreement", id="kind-of"),
        pytest.param("What type of engine does it use?", "engine", id="type-of"),
        pytest.param("Which recently finalised India-US defence pact came up?", "pact", id="hyphenated-modifier"),
    ],
)
def test_head_noun(question: str, head: str | None) -> None:
    assert analyse(question).head == head


@pytest.mark.parametrize(
    ("question", "wh"),
    [
        pytest.param("Who convened it?", "who", id="who"),
        pytest.param("In which city did they meet?", "which", id="not-first-word"),
        pytest.param("Summarize the briefing", None, id="none"),
    ],
)
def test_wh_word(question: str, wh: str | None) -> None:
    assert analyse(question).wh == wh


def test_whitespace_is_normalised_and_words_are_lower_cased() -> None:
    info = analyse("  Who   convened\tthe Critical  Minerals Ministerial? ")
    assert info.text == "Who convened the Critical Minerals Ministerial?"
    assert {"who", "convened", "critical", "minerals", "ministerial"} <= info.words


def test_terms_are_stemmed_content_words_without_duplicates() -> None:
    info = analyse("Who convened the Ministerial and the ministerial?")
    assert "the" not in info.terms and "who" not in info.terms
    assert len(info.terms) == len(set(info.terms))
    assert len(info.terms) == 2  # convened, ministerial (its repeat collapses)


@pytest.mark.parametrize(
    ("question", "wants_list"),
    [
        pytest.param("Which countries attended?", True, id="list"),
        pytest.param("Which country hosted?", False, id="single"),
    ],
)
def test_wants_list(question: str, wants_list: bool) -> None:
    assert analyse(question).wants_list is wants_list


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        pytest.param("On what day does the minerals summit take place?", "day", id="what-day"),
        pytest.param("What date was the agreement signed?", "date", id="what-date"),
        pytest.param("In what year did the war end?", "year", id="what-year"),
        pytest.param("Which month did the store open?", "month", id="which-month"),
        pytest.param("When did the store open?", None, id="when-says-no-unit"),
    ],
)
def test_date_unit(question: str, unit: str | None) -> None:
    assert analyse(question).date_unit == unit


@pytest.mark.parametrize(
    ("question", "title"),
    [
        pytest.param("Who is India's Defence Minister?", {"defenc", "minist"}, id="owner-dropped"),
        pytest.param("Who is the President of the United States?", {"presid"}, id="country-after-of-is-the-owner"),
        pytest.param("Who is the US Secretary of Defense?", {"secretari", "defens"}, id="portfolio-after-of"),
        pytest.param("Who is the Chairman of the House Armed Services Committee?",
                     {"chairman", "hous", "arm", "servic", "committe"}, id="committee-after-of"),
        pytest.param("Who is the US Ambassador to India?", {"ambassador"}, id="country-is-the-owner"),
        pytest.param("Who was the Associate Administrator that Houbolt spoke with?", {"associ", "administr"},
                     id="cut-at-relative"),
        pytest.param("Who was the male singer who performed?", set(), id="lower-case-description"),
        pytest.param("Who is Marco Rubio?", set(), id="a-name-not-a-title"),
        pytest.param("Who convened the meeting?", set(), id="not-an-identity-question"),
    ],
)
def test_title_terms(question: str, title: set[str]) -> None:
    assert analyse(question).title_terms == title


@pytest.mark.parametrize(
    ("question", "owner"),
    [
        pytest.param("Who is India's Ambassador to the United States?", "india", id="possessive"),
        pytest.param("Who is the Indian Ambassador to the US?", "india", id="demonym"),
        pytest.param("Who is the US Ambassador to India?", "usa", id="acronym"),
        pytest.param("Who is the President of France?", "france", id="country-after-of-owns-the-title"),
        pytest.param("Who is the Ambassador to France?", None, id="country-after-to-is-no-owner"),
        pytest.param("Who is Microsoft's Chief Executive?", None, id="an-owner-that-is-no-country"),
    ],
)
def test_title_owner(question: str, owner: str | None) -> None:
    assert analyse(question).title_owner == owner


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Who said the ministerial would bring partners together?", True),
        ("According to whom did the meeting bring together finance ministers?", True),
        ("Who represented India at the Finance Ministerial?", False),
        ("Which US department is the ministerial held at?", False),
    ],
)
def test_asks_source(question: str, asks: bool) -> None:
    assert analyse(question).asks_source is asks


@pytest.mark.parametrize(
    ("question", "kind_of"),
    [
        ("What type of sanctions has the US directed at Iran?", ("sanction",)),
        ("Which edition of the Critical Minerals Ministerial is being held?", ("critic", "miner", "ministeri")),
        ("King Sigimund's Column is an example of what kind of attraction in Warsaw?", ("attract",)),
        ("Which ministry said so?", ()),
    ],
)
def test_kind_of(question: str, kind_of: tuple[str, ...]) -> None:
    assert analyse(question).kind_of == kind_of


@pytest.mark.parametrize(
    ("question", "counted"),
    [("How many yards did Newton throw for?", "yard"), ("How many of them came?", None),
     ("How much did it cost?", None),
     ("How many total yards did the Panthers have?", "yard"),  # the noun, not its adjective
     ("How many miles east of Berlin is Warsaw?", "mile"), ("How many people died?", "peopl")],
)
def test_counted(question: str, counted: str | None) -> None:
    assert analyse(question).counted == counted


@pytest.mark.parametrize(
    ("question", "verb", "subject"),
    [
        ("What did the US Congressional delegation discuss?", "discuss", {"usa", "congression", "deleg"}),
        ("Whom will the ministerial bring together?", "bring", {"ministeri"}),
        ("What will the Critical Minerals Ministerial focus on?", "focus", {"critic", "miner", "ministeri"}),
        ("What did the talks emphasise about the defence pact?", "emphasis", {"talk"}),
        ("What did the defence meeting cover?", "cover", {"defenc", "meet"}),  # the tagger reads "cover" a noun
        ("What did they discuss?", "discuss", set()),
        ("Whom will Secretary Rubio welcome on February 4?", "welcom", {"secretari", "rubio"}),  # tagged ADJ
        ("Apart from the ministerial, whom will the foreign minister meet?", "meet", {"foreign", "minist"}),
        ("What is Johnson & Johnson offering Guidant's shareholders?", "offer", {"johnson"}),  # progressive
        ("What kind of minerals was the Finance Ministerial particularly focused on?", "focus",
         {"financ", "ministeri", "particular"}),  # a participle and its particle close the question
        # "What were <talks> about?" asks what was discussed; "What is <a thing> about?" what follows "about".
        ("What were the talks with the Defence Secretary about?", "discuss", {"talk", "defenc", "secretari"}),
        ("What was the protest in Antigone about?", "about", {"protest", "antigon"}),
        # A noun after "what": an object question only when the verb says what something is about.
        ("What issues will the Ministerial concentrate on?", "concentr", {"ministeri"}),
        ("Which team did the Broncos beat?", None, set()),
        # Not object questions: the auxiliary's subject is the one asked for, or the question asks an action.
        ("What was the film called?", None, set()),
        ("What is HASC?", None, set()),
        ("Who might take disciplinary action against a teacher?", None, set()),
        ("Who has the power to initiate legislation?", None, set()),
        ("What can be combined with geophysical data?", None, set()),
        ("What did the minister do?", None, set()),
        ("Who convened the Critical Minerals Ministerial?", None, set()),
    ],
)
def test_object_verb(question: str, verb: str | None, subject: set[str]) -> None:
    info = analyse(question)
    assert info.object_verb == verb
    assert info.object_subject == subject


@pytest.mark.parametrize(
    ("question", "money"),
    [
        ("How much is Inbev paying for the stake?", True),
        ("What was the average house price in 2004?", True),
        ("How much cocoa does Nigeria produce?", False),  # an amount, not of money
        ("How much did house prices rise?", False),  # a change: a share answers it too
        ("How much of Poland's national income does Warsaw produce?", False),  # a share
    ],
)
def test_money_questions(question: str, money: bool) -> None:
    assert analyse(question).money is money
