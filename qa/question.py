"""What a question asks for: its answer type and its content terms.

Rules here are about English question forms (wh-words, "how many", "which <noun>"), never about any one
article. Types map onto the entity labels and phrase shapes the extractor can find in a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from index.annotator import pos_tags
from index.lexical import COUNTRIES, STOP_WORDS, capitalised_terms, country_words, stem, words

TALK_NOUNS = frozenset("talks discussions meetings consultations negotiations conversations"
                       " meeting talk discussion".split())


class AnswerType(StrEnum):
    PERSON = "person"
    DATE = "date"
    PLACE = "place"
    NUMBER = "number"
    DURATION = "duration"  # "how long", "how old": a span of time as much as a count
    ORG = "organisation"
    LIST = "list"
    DEFINITION = "definition"
    REASON = "reason"
    ACTION = "action"  # "What will the minister do?": a verb phrase
    SUMMARY = "summary"
    OTHER = "other"


# Head nouns of "which/what <noun>" questions, grouped by the type they ask for.
_HEADS = {
    AnswerType.PERSON: "person people man woman official minister secretary leader president chairman player "
    "coach manager actor singer author writer director player chief head founder spokesman spokeswoman "
    "ambassador king queen emperor general commander scientist artist member representative politician "
    "diplomat lawmaker legislator envoy senator governor mayor judge officer spokesperson candidate winner "
    "champion captain striker owner boss chancellor premier mp celebrity star musician composer poet "
    "philosopher inventor explorer pope bishop prince princess duke emperor ruler executive analyst expert "
    "economist journalist reporter editor producer presenter host athlete runner boxer golfer rival "
    "opponent successor predecessor chairwoman chair partner husband wife son daughter father mother character "
    "hero heroine villain saint god goddess deity prophet lord lady playwright novelist dramatist designer "
    "architect engineer lawyer attorney barrister solicitor doctor surgeon nurse professor teacher lecturer "
    "student pupil worker employee soldier pilot driver rider cyclist swimmer batsman bowler goalkeeper "
    "defender midfielder forward jockey trainer referee umpire pair duo couple trio designer entrepreneur "
    "investor banker broker businessman businesswoman tycoon billionaire activist campaigner protester "
    "victim suspect defendant prisoner witness spokesman singer-songwriter rapper guitarist drummer "
    "comedian broadcaster filmmaker photographer",
    AnswerType.DATE: "date day year month time century decade period era season week",
    AnswerType.PLACE: "place country city town state location region nation continent area island river "
    "capital county province venue site where district neighbourhood neighborhood suburb borough village "
    "municipality territory street airport stadium port",
    AnswerType.ORG: "ministry department organisation organization agency company firm committee body "
    "institution group party team club bank government university school council union office bureau "
    "network channel newspaper publisher label band",
    AnswerType.NUMBER: "number amount percentage percent proportion share total sum figure price cost rate "
    "size length distance population fee salary wage payment fine budget revenue profit turnover valuation "
    "score tally rating attendance capacity margin",
}
HEAD_TYPES = {word: kind for kind, group in _HEADS.items() for word in group.split()}

# Nouns news uses for one kind of thing: "Which meeting did he attend?" is answered by "the Finance
# Ministerial", "which deal" by "... Framework Agreement".
_KIN_GROUPS = (
    "meeting summit conference ministerial talks session forum gathering convention congress assembly event",
    "agreement deal pact treaty accord contract",
    "company firm corporation business group maker giant",
    "law act bill legislation regulation",
    "award prize medal trophy",
    "election vote poll referendum ballot",
)
HEAD_KIN = {stem(w): frozenset(stem(x) for x in group.split()) for group in _KIN_GROUPS for w in group.split()}
# Nouns for people by their ending, for heads not listed above: "pianist", "historian", "Brazilian".
_PERSON_SUFFIX = re.compile(r"^\w{3,}(?:ist|ian)$")
_PLURAL_LIST_HEADS = {
    "countries", "economies", "nations", "states", "cities", "members", "partners", "companies",
    "ministries", "departments", "organisations", "organizations", "people", "teams", "players", "areas",
    "sectors", "regions", "groups", "firms", "officials", "leaders", "participants", "parties", "topics",
    "issues", "elements", "things", "items", "languages", "products",
}
SUMMARY_PATTERNS = re.compile(
    r"^(what('s| is| are)? (this|the) (briefing|article|story|news|report|text|document)s?"
    r"( (is|are))? about|summari[sz]e|give (me )?(a |the )?summary|what happened\s*\??$|what are the (main |key )?"
    r"(points|highlights|takeaways)|tl;?dr)",
    re.IGNORECASE,
)
_NUMBER_HOW = re.compile(r"\bhow (many|much|long|old|far|big|large|tall|high|often|fast|heavy|deep|wide)\b")
_AUXILIARIES = {"did", "does", "do", "is", "was", "are", "were", "will", "would", "can", "could", "has", "have",
                "had", "should", "may", "might", "happened", "happens"}
_WH = ("who", "whom", "whose", "when", "where", "why", "which", "what", "how")


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    wh: str | None
    answer_type: AnswerType
    terms: tuple[str, ...]  # stemmed content words
    words: frozenset[str]  # lower-cased words of the question, stop words included, unstemmed
    head: str | None  # the noun after which/what, when there is one
    # Terms the question writes with a capital (names): they match only a capitalised word in a sentence,
    # so "Critical Minerals Ministerial" is not found in "critical mineral supply chains".
    proper_terms: frozenset[str] = frozenset()
    identity: bool = False  # "Who is/was ...?": asks whom a description names
    names: tuple[str, ...] = ()  # capitalised phrases the question is about, found once per question
    # Words that describe the wanted answer ("which US department"): an answer may repeat them.
    type_words: frozenset[str] = frozenset()
    # "In what year", "on what day", "which month": how precise a date the question wants.
    date_unit: str | None = None
    # "Who is India's Defence Minister?": the stemmed words a person's own title must carry to be the one
    # asked about ("defenc", "minist"; not its owner "India's").
    title_terms: frozenset[str] = frozenset()
    # ...and the country that title belongs to, when the question says ("india" in "India's Ambassador to
    # the US"): a person whose title names another country first ("US Ambassador to India") is someone else.
    title_owner: str | None = None
    # "What type of sanctions ...?", "Which edition of the Critical Minerals Ministerial ...?": the stems of
    # the noun phrase whose kind is asked. The answer is often the word written before it ("economic").
    kind_of: tuple[str, ...] = ()
    # "How many yards did Newton throw?": the counted noun's stem. The answer is the number before it in
    # the text ("3,837" of "3,837 yards"), the noun being the question's own word.
    counted: str | None = None
    counts: bool = False  # "how many/much": a count or an amount, never a rank ("fourth")
    # The question asks who said, reported or thinks something: the source a sentence cites may answer it.
    asks_source: bool = False
    # "What did the delegation discuss?", "Whom will the ministerial bring together?": the question names the
    # subject and asks for the object of its closing verb, whose stem this is. The answer is what the
    # sentence writes after that verb ("discussions on <...>"), not a name written before it.
    object_verb: str | None = None
    object_subject: frozenset[str] = frozenset()  # that subject's terms ("ministeri"); none for "they"
    # "Who accompanied the delegation?" ("who"), "Whom did Sergio Gor accompany?" ("whom"): a question about
    # who went with whom, which news writes "X, along with Y, ..." (see qa.extractor's company rule).
    company: str | None = None
    # "How much did X pay?", "What was the average house price?": an amount of money, not a share of one.
    money: bool = False
    # The question's word that stands for any word of its class, and that class: an object question's verb
    # saying what something is about ("concentrate" for "focus on", TOPIC_STEMS), a verb for giving an event
    # or for coming together (qa.extractor.with_topic reads a sentence's word of the class as this one).
    word_class: tuple[str, frozenset[str]] | None = None

    @property
    def wants_list(self) -> bool:
        return self.answer_type is AnswerType.LIST


# "What else will the minister do during the trip?", "What did DECnet originally do?": asks for what
# someone does, a verb phrase ("hold meetings with ..."), not a thing.
_ASKS_ACTION = re.compile(r"^(?:.*,\s*)?what (?:else )?(?:did|does|do|will|would|could|can|should|must|is|are|was|were)"
                          r"\b.*\b(?:do|doing)(?:\s+(?:during|in|at|after|before|on|when|while|there|next|now|then|"
                          r"instead|first|about)\b.*)?\W*$")

_KIND_OF_PHRASE = re.compile(r"\b(?:what|which)\s+(?:type|kind|sort|form|edition|variety|class|category|version|"
                             r"style|genre)s?\s+of\s+(?:the\s+|a\s+|an\s+)?([\w'\u2019-]+(?:\s+[\w'\u2019-]+){0,3})",
                             re.IGNORECASE)


def _kind_of(text: str) -> tuple[str, ...]:
    match = _KIND_OF_PHRASE.search(text)
    if not match:
        return ()
    phrase: list[str] = []
    for w in country_words(match.group(1).split()):
        if w in STOP_WORDS or not w.isalnum():
            break
        phrase.append(stem(w))
    return tuple(phrase)


def _counted(lower: str) -> str | None:
    """The counted noun of "how many": the last plural of the words after it ("How many total yards did
    ...?" counts yards, "How many miles east of ...?" miles), else the first of them."""
    match = re.search(r"\bhow many ((?:[a-z][\w-]*\s*){1,3})", lower)
    if not match:
        return None
    following = []
    for word in match.group(1).split():
        if word in STOP_WORDS or word in _AUXILIARIES:
            break
        following.append(word)
    if not following:
        return None
    plural = [w for w in following if w.endswith("s") and not w.endswith("ss")]
    return stem(plural[-1] if plural else following[0])


_MONEY_QUESTION = re.compile(
    r"\bhow much\b.*\b(?:pay|pays|paying|paid|cost|costs|costing|spend|spends|spending|spent|charge|charged|earn|"
    r"earns|earned|earning|worth|invest|invested|investing|raise|raised|raising|sell|sold|buy|bought|fund|funded|"
    r"owe|owed|fine|fined|compensation|value|valued)\b|\b(?:price|prices|cost|fee|fees|salary|wage|wages|"
    r"payment|budget|revenue|revenues|profit|profits|turnover|valuation|fine|bill|fortune|earnings|income)\b"
)
# "How much did the price rise?": a change, which a share answers as well as an amount.
_CHANGE = re.compile(r"\b(?:rise|rose|risen|rising|increase|increased|fall|fell|fallen|drop|dropped|grow|grew|grown|"
                     r"decline|declined|change|changed|jump|jumped|climb|climbed|cut|reduce|reduced)\b")
_DATE_UNIT = re.compile(r"\b(?:what|which)\s+(year|day|date|month|decade|century)\b")


# Words of a question about where a statement comes from ("Who said ...?", "According to whom ...?").
_SOURCE_WORDS = frozenset(
    "say says said saying according tell tells told report reports reported announce announces announced "
    "stated claim claims claimed believe believes believed think thinks thought source sources "
    "release released statement post posted write wrote written cite cited quote quoted account accounts "
    "announcement announcements".split()
)


# "Who is the <title>?" or "Who is <owner>'s <title>?": a definite description of one person.
_IDENTITY_TITLE = re.compile(r"^(?:who|whom)\s+(?:is|was)\s+(?:the\s+|([A-Z][\w.-]*)(?:'s|\u2019s)\s+)"
                             r"([a-z][\w'\u2019\s-]*?)(?:\s+(?:of|to|for|at|in|on|from|with|that|who|whom|which)\b.*)?"
                             r"\s*\??$",
                             re.IGNORECASE)


# Nouns that name a person without being a title anyone is introduced with.
_NOT_TITLES = frozenset("man men woman women person people one individual boy girl child figure".split())


def _title(text: str) -> tuple[frozenset[str], str | None]:
    """In "Who is the <title>?", the words of a title written capitalised, as a formal one is ("India's
    Defence Minister", "the President of ..."), up to a preposition, stemmed; and the country the title
    belongs to when the question names one before it ("India's", "the Indian"), as index.lexical spells it.
    """
    match = _IDENTITY_TITLE.match(text)
    if not match:
        return frozenset(), None
    title = match.group(2).split()
    if not title or not title[-1].isalpha() or title[-1].lower() in STOP_WORDS | _NOT_TITLES:
        return frozenset(), None
    if not all(w[:1].isupper() for w in title):
        return frozenset(), None  # "the male singer", "the number two draft pick": a description, not a title
    spelled = country_words(title)
    owner = country_words([match.group(1)])[0] if match.group(1) else None
    if owner not in COUNTRIES:
        owner = None
    if len(spelled) > 1 and spelled[0] in COUNTRIES:
        owner, spelled = spelled[0], spelled[1:]  # "the Indian Ambassador": India's
    # "Secretary of Defense", "Chairman of the House Armed Services Committee": the portfolio a capitalised
    # "of" names is part of the title (a "Defence Secretary" is not a "Secretary of State").
    portfolio = _PORTFOLIO.match(text, match.end(2))
    if portfolio:
        named = country_words(words(portfolio.group(1)))
        spelled = spelled + [w for w in named if w not in COUNTRIES]
        owner = owner or next((w for w in named if w in COUNTRIES), None)  # "the President of the United States"
    return frozenset(stem(w) for w in spelled if w not in STOP_WORDS), owner  # as index.lexical.terms


_PORTFOLIO = re.compile(r"\s+of\s+(?:the\s+)?((?:[A-Z][\w'-]*\s*)+)")


# "<what|whom|who> <auxiliary> <subject> <verb> ...": an object question; when the tagger finds no verb after
# the subject, a word closing the question (before particles only) is the verb ("did the meeting cover?").
# Group 1 is the auxiliary; the subject starts where group 2 does.
_OBJECT_QUESTION = re.compile(
    r"^(?:[^,]*,\s*)?(?:what|whom|who|(?:what|which)\s+(?:kind|type|sort)s?\s+of(?:\s+[a-z-]+){1,2}?)\s+"
    r"(did|does|do|will|would|can|could|should|shall|has|have|had|may|might|must|is|are|was|were)\s+(\S+)")
_BE = frozenset({"is", "are", "was", "were"})
_ROLE_WORDS = re.compile(r"\b(?:position|role|title|post|office|job|rank|portfolio)s?\b")
# "... was X (particularly) focused on?": a participle and its particle closing the question.
_FOCUSED_ON = re.compile(r"\s([a-z]{3,}ed)\s+(?:on|upon|about|with|in)\W*$")
_CLOSING_VERB = re.compile(
    r"\s([a-z][a-z-]+)(?:\s+(?:on|about|together|up|out|with|to|for|in|over|into|from|off|down|back|at|upon|"
    r"across|through))*\W*$")


_COMPANY_VERB = re.compile(r"\b(?:accompan(?:y|ies|ied|ying)|join(?:s|ed|ing)?|(?:went|came|go|come|travel(?:l?ed)?)"
                           r"\s+along)\b")
_COMPANY_STEMS = frozenset({stem("accompany"), stem("join")})
_ABOUT = re.compile(r"\sabout\W*$")


def same_word(term: str, asked: str) -> bool:
    """A sentence's term is the question's (stemmed) word, or its noun or verb: the stemmer leaves
    "emphasis" (emphasise) and "emphasi" (emphasis) apart, one a long prefix of the other."""
    if term == asked:
        return True
    short, long_ = sorted((term, asked), key=len)
    return len(short) >= 6 and long_.startswith(short) and len(long_) - len(short) <= 2


# Words saying what something is about: "What did the meeting cover?", "What will it concentrate on?" and
# "What did the talks emphasise?" are answered by what follows any of them ("focus on <...>", "discussions
# on <...>", "with emphasis on <...>").
TOPIC_STEMS = frozenset(stem(w) for w in (
    "focus concentrate centre center cover discuss discussions talks address emphasis emphasise emphasize "
    "stress highlight tackle").split())
# Verbs for giving an event ("Who is hosting the Ministerial?" of "the Ministerial convened by ..."), and
# for coming together ("Where did the finance chiefs gather?" of "... convened a ... Ministerial in").
_HOST_STEMS = frozenset(stem(w) for w in "host hosted hosting convene convened organise organised organize "
                        "organized".split())
_GATHER_STEMS = frozenset(stem(w) for w in "gather gathered gathering assemble assembled convene convened".split())
# "What issues will the Ministerial concentrate on?": a noun between the question word and the auxiliary,
# taken for an object question only when the verb is one of those (other verbs cost SQuAD).
_TOPIC_QUESTION = re.compile(
    r"^(?:[^,]*,\s*)?(?:what|which)\s+[a-z-]+\s+(did|does|do|will|would|can|could|should|has|have|had|is|are|was|"
    r"were)\s+(\S+)")


_NAMED_SUBJECT = re.compile(r"(?:[A-Z][\w.'-]*\s+)+([a-z][a-z-]+)\b")


def _object_verb(text: str) -> tuple[str | None, frozenset[str]]:
    """The stem of the verb in an object question and the terms of its subject, written between the
    auxiliary and the verb (none for a pronoun)."""
    lower = text.lower()
    opening = _OBJECT_QUESTION.match(lower)
    topic_only = opening is None
    opening = opening or _TOPIC_QUESTION.match(lower)
    if not opening:
        return None, frozenset()
    subject_start = opening.start(2)
    verb = _object_verb_word(text, lower, opening.group(1), subject_start)
    if verb is None or (topic_only and not any(same_word(stem(verb), x) for x in TOPIC_STEMS)):
        return None, frozenset()
    at = lower.find(verb, subject_start)
    subject = words(text[subject_start: at if at >= 0 else len(text)])
    return stem(verb), frozenset(stem(w) for w in country_words(subject) if w not in STOP_WORDS)


def _object_verb_word(text: str, lower: str, auxiliary: str, subject_start: int) -> str | None:
    if auxiliary in _BE and _ABOUT.search(lower, subject_start):
        # "What were the talks between the delegation and the Defence Secretary about?" asks what they
        # discussed ("discussions on <...>"); "What is the report about?" asks what follows "about".
        return "discuss" if TALK_NOUNS.intersection(words(lower[subject_start:])[:4]) else "about"
    if auxiliary in _BE:
        # "What is Johnson & Johnson offering ...?" and "What was the meeting focused on?" ask for an object;
        # "What was the film called?" and "What is HASC?" do not (and pay no tagger).
        particle = _FOCUSED_ON.search(lower, subject_start)
        if particle:
            return particle.group(1)
        if not re.search(r"\w{3,}ing\b", lower[subject_start:]):
            return None
        verb = _verb_after_subject(text, subject_start)
        return verb.lower() if verb and verb.lower().endswith("ing") else None
    verb = _verb_after_subject(text, subject_start)
    if verb is None:
        # The tagger read no verb at all ("What did the defence meeting cover?" tags "cover" a noun): the
        # word closing the question, before particles only, is the verb.
        closing = _CLOSING_VERB.search(lower, subject_start)
        verb = closing.group(1) if closing and closing.start(1) > subject_start else None
        if verb is None:
            # ...or, after a subject that is a name, the first word in lower case: "Whom will Secretary Rubio
            # welcome on February 4?" (the tagger reads "welcome" as an adjective).
            named = _NAMED_SUBJECT.match(text, subject_start)
            verb = named.group(1) if named else None
    if not verb or verb.lower() in STOP_WORDS:
        return None  # "What did the minister do?" asks for an action
    return verb.lower()


@lru_cache(maxsize=4096)
def _verb_after_subject(text: str, offset: int) -> str | None:
    """The first word from `offset` (just after the auxiliary) that the tagger reads as a verb, not one after
    "to" ("the inability to separate ..." is inside the subject). "" when there is none to take: the
    auxiliary is followed by a verb ("Who might take action?" asks for the subject), or the only verbs
    follow "to"; None when the tagger reads no verb at all. The tagger costs ~2-3 ms, paid by object
    questions only."""
    at, previous, first, found_any = 0, "", True, False
    for word, pos in pos_tags(text):
        at = text.find(word, at)
        if at >= offset:
            if first and pos in ("VERB", "AUX"):
                return ""
            first = False
            if pos == "VERB":
                found_any = True
                if previous.lower() != "to":
                    return word
        previous = word
        at += len(word)
    return "" if found_any else None


def _date_unit(lower: str) -> str | None:
    match = _DATE_UNIT.search(lower)
    unit = match.group(1) if match else None
    return unit


def question_names(question: str) -> list[str]:
    """Capitalised word runs and acronyms in the question (not its first word): names it is about."""
    found = []
    pattern = r"(?<!^)(?<![.?!] )\b([A-Z][\w.'-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\w.'-]*)*)"
    for match in re.finditer(pattern, question.strip()):
        name = re.sub(r"['\u2019]s$", "", match.group(1)).rstrip(".'")
        if name.lower() not in STOP_WORDS:
            found.append(name)
    return found


_NOUNS = ("NOUN", "PROPN")
_KIND_OF = frozenset({"kind", "kinds", "type", "types", "sort", "sorts", "form", "forms", "variety"})


@lru_cache(maxsize=4096)
def tagged_head(question: str) -> str | None:
    """The last noun of the noun phrase after "which"/"what", by part-of-speech tags (lower-cased).

    Only asked when the words after the wh-word hold no known answer noun, so most questions never pay
    for the tagger.
    """
    tagged = pos_tags(question)
    for i, (word, _) in enumerate(tagged):
        if word.lower() not in ("which", "what"):
            continue
        head = None
        following = tagged[i + 1: i + 9]
        for n, (later, pos) in enumerate(following):
            if later.lower() in _KIND_OF and n + 1 < len(following) and following[n + 1][0].lower() == "of":
                continue  # "what kind of agreement": the noun after "of" is the head
            if head is None and later.lower() == "of":
                continue
            if later in ("-", "\u2013") and head is not None:
                continue  # "India-US defence pact": a hyphenated modifier goes on to the noun
            if pos in _NOUNS:
                head = later.lower()
            elif head is not None or pos in ("AUX", "ADP", "PUNCT", "PRON"):
                break
        if head:
            return head
    return None


def warm_up() -> None:
    """Load the tagger now (under a second), so the first "which <noun>" question does not wait for it."""
    pos_tags("Which one?")


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _word_class(object_verb: str | None, terms: tuple[str, ...]) -> tuple[str, frozenset[str]] | None:
    if object_verb in TOPIC_STEMS:
        return object_verb, TOPIC_STEMS
    for word_class in (_HOST_STEMS, _GATHER_STEMS):
        asked = next((t for t in terms if t in word_class), None)
        if asked:
            return asked, word_class
    return None


def analyse(question: str) -> QuestionInfo:
    text = " ".join(question.split())
    lower = text.lower()
    tokens = words(text)  # as written: "US" is a country, "us" a pronoun
    wh = next((t for t in tokens if t in _WH), None)
    head = None
    kind = AnswerType.OTHER
    if SUMMARY_PATTERNS.search(lower):
        kind = AnswerType.SUMMARY
    elif _NUMBER_HOW.search(lower):
        kind = AnswerType.DURATION if re.search(r"\bhow (long|old|often)\b", lower) else AnswerType.NUMBER
    elif re.search(r"\b(stand for|short for|abbreviation|acronym)\b", lower):
        kind = AnswerType.DEFINITION
    elif re.search(r"\b(what|which) (position|role|title|post|office|job|rank|portfolio)s?\b", lower) or re.search(
        r"^(what|which) (is|was|are|were) .*['\u2019]s? (position|role|title|post|job|rank|portfolio)s?\W*$", lower
    ):
        kind = AnswerType.DEFINITION
    elif wh in ("who", "whom", "whose"):
        # "Who is Sergio Gor?" asks what someone is, not for a person.
        named = re.match(r"^(?i:who (?:is|was)) ([A-Z][\w.'-]*)( [A-Z][\w.'-]*)*\??$", text)
        # ...unless the name holds a role ("Who is India's Defence Minister?"): then it asks for a person.
        role_word = any(_singular(w) in HEAD_TYPES and HEAD_TYPES[_singular(w)] is AnswerType.PERSON for w in tokens)
        kind = AnswerType.DEFINITION if named and not role_word else AnswerType.PERSON
    elif wh == "when" or re.search(r"\b(what|which) (date|day|year|month|time|century|decade)\b", lower):
        kind = AnswerType.DATE
    elif wh == "where" or re.search(r"\b(in|to|from|at) (which|what) (part|side|corner|end)s? of\b", lower):
        # "In which part of London ...?" asks where, as "Where in London ...?" does.
        kind = AnswerType.PLACE
    elif wh == "why" or re.search(r"\b(for what (purpose|reason)|what (is|was|are|were) the (reasons?|purposes?|"
                                  r"(goals?|aims?|objectives?|motives?) (of|for|behind)))\b", lower):
        kind = AnswerType.REASON
    elif wh in ("which", "what"):
        match = re.search(
            # "What was the name of the pilot?" asks for a pilot, as "Which pilot?" does.
            r"\b(?:which|what)\s+(?:of the\s+|(?:is|was|are|were) the\s+)?(?:(?:kind|type|sort|form|variety)s? of\s+)?"
            r"(?:(?:full |first |real |official )?names? of\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|its\s+|their\s+)?)?"
            r"([a-z]+)(?:\s+([a-z]+))?(?:\s+([a-z]+))?",
            lower,
        )
        if match and match.group(1) in _AUXILIARIES:
            match = None  # "what did the meeting cover?" names no answer noun
        if match:
            following = [w for w in match.groups() if w and w not in STOP_WORDS]
            # The head is the first known noun within three words ("which American official"); failing
            # that, the tagger finds it ("which recently concluded agreement came up": "agreement").
            known = [i for i, w in enumerate(following) if w in _PLURAL_LIST_HEADS or _singular(w) in HEAD_TYPES]
            # In a compound the last noun is the head: "which union official" asks for an official.
            first = known[0] if known else None
            while first is not None and first + 1 in known:
                first += 1
            head = following[first] if first is not None else (
                tagged_head(text) or (following[0] if following else None))
            if head in _PLURAL_LIST_HEADS:
                kind = AnswerType.LIST
            elif head is not None:
                kind = HEAD_TYPES.get(_singular(head), AnswerType.OTHER)
                if kind is AnswerType.OTHER and _PERSON_SUFFIX.search(_singular(head)):
                    kind = AnswerType.PERSON  # "which novelist/pianist/historian"
        if kind is AnswerType.OTHER and _ASKS_ACTION.search(lower):
            kind = AnswerType.ACTION
        if kind is AnswerType.OTHER and re.match(r"^(what|who) (is|are|was|were|does|do) ", lower) and len(
            [t for t in tokens if t not in STOP_WORDS]
        ) <= 3:
            kind = AnswerType.DEFINITION
    title_terms, title_owner = _title(text)
    type_words: frozenset[str] = frozenset()
    if head and wh in ("which", "what"):
        phrase = re.search(r"\b(?:which|what)\s+(.*?\b" + re.escape(head) + r")\b", lower)
        if phrase:
            type_words = frozenset(stem(w) for w in words(text[phrase.start(1): phrase.end(1)]))
    kind_of = _kind_of(text)
    object_verb, object_subject = _object_verb(text)
    if object_verb and kind is AnswerType.DEFINITION and re.match(r"^what (?:is|are|was|were) ", lower) and not (
            _ROLE_WORDS.search(lower)):
        kind = AnswerType.OTHER  # "What was the meeting focused on?" asks for what it focused on, not what it is
    company = None
    if kind is AnswerType.PERSON and _COMPANY_VERB.search(lower):
        company = "whom" if object_verb in _COMPANY_STEMS else None if object_verb else "who"
    terms = tuple(dict.fromkeys(stem(t) for t in tokens if t not in STOP_WORDS))
    return QuestionInfo(
        company=company, word_class=_word_class(object_verb, terms),
        proper_terms=frozenset(capitalised_terms(text, skip_first=True)),
        names=tuple(question_names(text)),
        identity=bool(re.match(r"^(who|whom)\s+(is|was|are|were)\b", lower)),
        type_words=type_words, date_unit=_date_unit(lower), title_terms=title_terms, title_owner=title_owner,
        asks_source=bool(_SOURCE_WORDS.intersection(tokens)), kind_of=kind_of, counted=_counted(lower),
        counts=bool(re.search(r"\bhow (?:many|much)\b", lower)), object_verb=object_verb, object_subject=object_subject,
        money=kind is AnswerType.NUMBER and bool(_MONEY_QUESTION.search(lower)) and not _CHANGE.search(lower)
        and "how much of" not in lower,  # "How much of Poland's income ...?" asks for a share
        text=text, wh=wh, answer_type=kind,
        terms=terms,
        words=frozenset(tokens), head=head,
    )
