"""Candidate answer spans inside one sentence: entities, noun phrases, numbers, lists, roles, reasons.

Every candidate is a pair of absolute character offsets into its document, so whatever is chosen is an
exact slice of the corpus. Shapes are English grammar (part-of-speech runs, appositions, causal
connectives), computed from the tags stored at index time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from index.annotator import ENTITY_LABELS, POS_ID

NOUNISH = {POS_ID[t] for t in ("NOUN", "PROPN", "NUM", "ADJ")}
PROPN, NOUN, NUM, DET, ADP, PUNCT, CCONJ, PART, SYM, VERB, AUX = (
    POS_ID[t] for t in ("PROPN", "NOUN", "NUM", "DET", "ADP", "PUNCT", "CCONJ", "PART", "SYM", "VERB", "AUX")
)
CAUSAL = re.compile(
    r"\b(because of|because|due to|owing to|as a result of|in order to|so that|so as to|since|"
    r"which (?:is|are|was|were) (?:essential|vital|important|necessary|key|critical|crucial) (?:to|for)|"
    r"(?:is|are|was|were) (?:essential|vital|important|necessary|key|critical|crucial) (?:to|for)|"
    r"aimed at|to help|(?<![Aa]ccording )(?<![Dd]ue )(?<![Oo]wing )to (?!be )(?=[a-z]+\b)|"
    r"(?:Because of|Because|Due to|Owing to|As a result of|In order to) )",
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # an entity label, or NP, NUMBER, LIST, ROLE, ACRONYM, REASON, APPOSITION, SENTENCE
    tokens: int


_TRAILING_GLUE = re.compile(r"(?:\s+(?:the|a|an|at|of|in|on|to|for|with|by|and|or|from|as))+$", re.IGNORECASE)


def _strip(text: str, start: int, end: int, article: bool = True) -> tuple[int, int]:
    """Trim whitespace, surrounding punctuation and (unless `article` is False) a leading article."""
    while start < end and text[start] in " ,;:.\"'\u201c\u201d()[]\n":
        start += 1
    while end > start and text[end - 1] in " ,;:.\"'\u201c\u201d()[]\n":
        end -= 1
    if text[start:end].count("(") > text[start:end].count(")") and end < len(text) and text[end] == ")":
        end += 1  # keep a bracket that the span opened: "Committee (HASC)"
    # An amount is read whole: "$20m" is not "$20" (the tagger splits "20m"), "$25.4bn" not "25.4bn".
    if start < end and text[end - 1].isdigit():
        while end < len(text) and text[end].isalpha() and end - start < 400:
            end += 1
    if start > 0 and text[start - 1] in "$\u00a3\u20ac\u00a5" and text[start:start + 1].isdigit():
        start -= 1
    if not article:
        return start, end
    # A phrase does not end on a linking word ("Ossachite at the", where the tagger ran on), nor on the
    # possessive of a name of two words or more ("Charles Darwin's" theory: the answer is the person).
    glue = _TRAILING_GLUE.search(text, start, end)
    if glue and glue.start() > start:
        end = glue.start()
    if end - start > 2 and text[end - 2: end] in ("'s", "\u2019s") and " " in text[start:end].strip():
        end -= 2
    lowered = text[start:end].lower()
    for word in ("the ", "a ", "an "):
        if lowered.startswith(word) and end - start > len(word) + 2:
            start += len(word)
            break
    return start, end


def candidates(text: str, sent_start: int, sent_end: int, tokens: np.ndarray, entities: np.ndarray) -> list[Span]:
    """All candidate spans of one sentence. `tokens` rows: start, end, pos; `entities`: start, end, label."""
    spans: dict[tuple[int, int], Span] = {}
    starts = tokens[:, 0].tolist() if len(tokens) else []

    def add(start: int, end: int, kind: str) -> None:
        start, end = _strip(text, start, end, article=kind != "SENTENCE")
        if end <= start or end - start > 400:
            return
        key = (start, end)
        if key not in spans:
            n = (bisect_left(starts, end) - bisect_left(starts, start)) or 1
            spans[key] = Span(start, end, kind, n)

    cleaned = clean_entities(text, tokens, entities)
    for s, e, label in cleaned:
        add(s, e, ENTITY_LABELS[label])
    chunks = _noun_chunks(text, tokens)
    split = _split_at_names(text, chunks, cleaned)
    for s, e, has_num in chunks:
        add(s, e, "NUMBER" if has_num else "NP")
    # "X of/for Y": titles and institutions ("Secretary of State", "Ministry of Defence").
    for (s1, e1, _), (s2, e2, _) in zip(chunks, chunks[1:], strict=False):
        between = text[e1:s2].strip().lower()
        if between in ("of", "for", "of the", "in", "and") and s2 - e1 <= 8:
            add(s1, e2, "NP")
    for s, e in _lists(text, split, entities):
        add(s, e, "LIST")
    for s, e in _clauses_after_causal(text, sent_start, sent_end):
        add(s, e, "REASON")
    add(sent_start, sent_end, "SENTENCE")
    return list(spans.values())


_ORG = ENTITY_LABELS.index("ORG")
_PERSON = ENTITY_LABELS.index("PERSON")
_MONEY = ENTITY_LABELS.index("MONEY")
_DATE, _TIME = ENTITY_LABELS.index("DATE"), ENTITY_LABELS.index("TIME")
_AMOUNTS = frozenset(ENTITY_LABELS.index(x) for x in ("CARDINAL", "MONEY", "QUANTITY", "PERCENT"))
# Words that hedge a number without changing it ("about 260", "as many as 7,000", "only 146,000"); a bound
# ("more than", "up to", "at least") changes what the number says and stays.
_HEDGE = re.compile(r"(?:only|as many as|as much as|as few as|some|about|around|approximately|roughly|just|"
                    r"an estimated)\s+", re.IGNORECASE)
_DASH_AFTER_DATE = re.compile(r"\s+[-\u2013\u2014]\s+(?=[a-z])")
_CARDINAL = ENTITY_LABELS.index("CARDINAL")
_OF_NAME = re.compile(r" of (?:the )?[A-Z][\w&'-]*(?: [A-Z][\w&'-]*)*")


# Forms of address and abbreviated ranks before a name ("Mr", "Dr", "Gen", "Lt Col"); "General" and
# "President" are left out: "General Motors", "President's Choice" are organisations.
_TITLED_NAME = re.compile(
    r"(?:(?:Mr|Mrs|Ms|Dr|Sir|Dame|Prof|Gen|Lt|Col|Capt|Sgt|Adm|Rev|Shri|Smt|Sheikh)\.?\s+)+(?=[A-Z])")


_CURRENCY_AFTER = re.compile(
    r"(?:m|bn|k|tn)?(?:\s+(?:million|billion|trillion))?\s+(?:euros?|dollars?|pounds?|yen|yuan|rupees?|francs?|"
    r"roubles?|rubles?|marks|pesos?|rand|kronor|krona|kroner|naira|shekels?|won|lire|lira|pence|cents?)\b",
    re.IGNORECASE,
)


def clean_entities(text: str, tokens: np.ndarray, entities: np.ndarray) -> list[tuple[int, int, int]]:
    """Repair the tagger's common slips: a name split in two ("Shri Rajesh" + "Kumar Singh") is joined,
    and an "entity" that swallowed a verb ("the Ministerial was Union") is dropped."""
    merged: list[list[int]] = []
    for s, e, label in entities:
        s, e, label = int(s), int(e), int(label)
        if merged and merged[-1][2] == label and text[merged[-1][1]:s] == " ":
            merged[-1][1] = e
        else:
            merged.append([s, e, label])
    # An institution the tagger cut at "of": "US Department" + "of the Treasury", "Bank" + "of England".
    for item in merged:
        if item[2] != _ORG:
            continue
        tail = _OF_NAME.match(text, item[1])
        if tail:
            item[1] = tail.end()
    merged = [m for i, m in enumerate(merged) if not (i and merged[i - 1][2] == _ORG and m[0] < merged[i - 1][1])]
    # A date the tagger ran on past a dash into what comments on it: "17 April - the sales week beginning ...".
    for item in merged:
        if item[2] in (_DATE, _TIME):
            dash = _DASH_AFTER_DATE.search(text, item[0], item[1])
            if dash:
                item[1] = dash.start()
    # A number the tagger took with the words hedging it: "as many as 7,000", "only 146,000".
    for item in merged:
        if item[2] in _AMOUNTS:
            hedge = _HEDGE.match(text, item[0], item[1])
            if hedge and hedge.end() < item[1]:
                item[0] = hedge.end()
    # An amount the tagger cut before its currency, or took for a bare number: "259.7m" + " euros".
    for item in merged:
        if item[2] in (_MONEY, _CARDINAL):
            unit = _CURRENCY_AFTER.match(text, item[1])
            if unit:
                item[1], item[2] = unit.end(), _MONEY
    out = []
    for s, e, label in merged:
        inside = tokens[(tokens[:, 0] >= s) & (tokens[:, 0] < e)] if len(tokens) else tokens
        if any(t[2] in (VERB, AUX) and text[t[0]].islower() for t in inside):
            continue
        if label == _PERSON and any(c.isdigit() for c in text[s:e]):
            continue  # "Argentina 3-0": a score, not a name
        titled = _TITLED_NAME.match(text, s, e)
        if titled and titled.end() < e:
            # "Gen Pervez Musharraf", "Mr Christie" tagged as an organisation or a place: a form of address
            # before a name makes it a person, named without its form of address ("Shri Rajesh Kumar Singh").
            s, label = titled.end(), _PERSON
        out.append((s, e, label))
    return out


def _split_at_names(
    text: str, chunks: list[tuple[int, int, bool]], entities: list[tuple[int, int, int]],
) -> list[tuple[int, int, bool]]:
    """End a noun run where a person's name starts inside it: "... Information Technology Ashwini
    Vaishnaw" is a title, then a name, so a list of ministries ends on "Technology"."""
    starts = sorted(s for s, _, label in entities if label == _PERSON)
    out: list[tuple[int, int, bool]] = []
    for start, end, has_num in chunks:
        cut = next((p for p in starts if start < p < end), None)
        if cut is None:
            out.append((start, end, has_num))
            continue
        out.append((start, len(text[:cut].rstrip()), has_num))
        out.append((cut, end, has_num))
    return out


def _noun_chunks(text: str, tokens: np.ndarray) -> list[tuple[int, int, bool]]:
    """Maximal runs of adjectives, nouns, proper nouns and numbers (hyphens and "'s" kept inside)."""
    chunks: list[tuple[int, int, bool]] = []
    run: list[np.ndarray] = []

    def flush() -> None:
        while run and run[-1][2] not in (NOUN, PROPN, NUM):
            run.pop()
        if run:
            chunks.append((int(run[0][0]), int(run[-1][1]), any(t[2] == NUM for t in run)))
        run.clear()

    for i, tok in enumerate(tokens):
        pos = tok[2]
        word = text[tok[0]: tok[1]]
        joiner = run and (word in ("-", "'s", "\u2019s", "%", "&") or (pos == SYM and word in "$£€%"))
        if pos in NOUNISH or joiner or (pos == SYM and i + 1 < len(tokens) and tokens[i + 1][2] == NUM):
            run.append(tok)
        else:
            flush()
    flush()
    return chunks


_LIST_GLUE = re.compile(r"\s*(,|, and|and|, or|or)\s*")


def _lists(
    text: str, chunks: list[tuple[int, int, bool]], entities: np.ndarray,
) -> list[tuple[int, int]]:
    """Runs of three or more items joined by commas and a final "and"/"or": "A, B, C and D"."""
    items = sorted({(int(s), int(e)) for s, e, _ in entities} | {(s, e) for s, e, _ in chunks})
    # Keep the widest item at each start so an entity and its chunk do not both count.
    merged: list[tuple[int, int]] = []
    for s, e in items:
        if merged and s < merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
            continue
        merged.append((s, e))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(merged):
        j = i
        while j + 1 < len(merged) and _LIST_GLUE.fullmatch(text[merged[j][1]: merged[j + 1][0]]):
            j += 1
        if j - i >= 2:
            out.append((merged[i][0], merged[j][1]))
        i = j + 1
    return out


def _clauses_after_causal(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clause that follows a causal or purpose connective, up to the next strong break."""
    out = []
    sentence = text[start:end]
    for match in CAUSAL.finditer(sentence):
        clause_start = match.end()
        if match.group(0).startswith(("which", "is ", "are ", "was ", "were ")):
            clause_start = match.start() + match.group(0).find(" ") + 1
        elif match.group(0) == "to ":
            clause_start = match.start()  # a purpose is read with its "to": "to participate in ..."
        # The reason ends where the sentence says who says so (", according to the ministry") or adds a
        # circumstance (", with a particular focus on ...").
        stop = re.search(r"[;.!?]|,\s+(?:but|while|whereas|although|according to|with)\b|\s+according to\b|\"|\u201d",
                         sentence[match.end():])
        if not sentence[: match.start()].strip(" \"\u201c"):
            # "Due to heavy rain, the match was called off": a reason opening the sentence ends at its comma.
            stop = re.search(r"[,;.!?]|\"|\u201d", sentence[match.end():])
        clause_end = match.end() + (stop.start() if stop else len(sentence) - match.end())
        if clause_end - clause_start >= 8:
            out.append((start + clause_start, start + clause_end))
    return out


def acronym_expansions(text: str, start: int, end: int, acronym: str) -> list[tuple[int, int]]:
    """For "Armed Services Committee (HASC)", the capitalised words before "(HASC)" whose initials fit.

    The shortest run of words ending just before the bracket whose capital initials spell the acronym
    (small linking words such as "of" and "the" may sit inside it).
    """
    out = []
    sentence = text[start:end]
    letters = acronym.upper()
    for match in re.finditer(r"\(\s*" + re.escape(acronym) + r"\s*\)", sentence):
        before = sentence[: match.start()].rstrip()
        words = list(re.finditer(r"[A-Za-z][\w'-]*", before))
        for first in range(len(words) - 1, -1, -1):
            run = words[first:]
            if not run[0].group(0)[0].isupper():
                continue
            initials = "".join(w.group(0)[0] for w in run if w.group(0)[0].isupper())
            if initials == letters:
                out.append((start + run[0].start(), start + run[-1].end()))
                break
            if len(initials) > len(letters):
                break
    return out


_LINKS = ("of", "and", "for", "the", "on", ",", "to")
# Forms of address written before a name: part of how the name is written, not a role.
_HONORIFICS = frozenset("mr mrs ms miss dr sir dame lord lady shri smt sri sheikh herr mme mlle prof".split())


def role_before(text: str, sent_start: int, name_start: int) -> tuple[int, int] | None:
    """The title written just before a name: "Union Minister for Railways, ... Technology Ashwini Vaishnaw".

    Capitalised words, linking words and bracketed acronyms, read backwards from the name; a comma right
    before the name means an apposition, not a title, so there is no role.
    """
    before = text[sent_start:name_start]
    apposed = before.rstrip().endswith(",")
    if apposed:
        before = before.rstrip()[:-1]
    tokens = list(re.finditer(r"\([A-Z][\w.&-]*\)|[A-Za-z][\w.'-]*|,", before))
    picked: list[re.Match[str]] = []
    for token in reversed(tokens):
        w = token.group(0)
        if w[0].isupper() or w[0] == "(" or w.lower() in _LINKS:
            picked.insert(0, token)
        else:
            break
    while picked and (not picked[0].group(0)[0].isupper() or picked[0].group(0) in ("The", "A", "An")):
        picked.pop(0)
    while picked and (
        picked[-1].group(0).lower() in _LINKS or picked[-1].group(0).startswith("(")
        or picked[-1].group(0).lower().rstrip(".") in _HONORIFICS
    ):
        picked.pop()  # a trailing link word, bracketed acronym or honorific ("Shri", "Dr") is not the title
    if not picked:
        return None
    if apposed:
        # "The Prime Minister, Narendra Modi": only a phrase introduced by "the" is a title in apposition.
        preceding = before[: picked[0].start()].split()
        if not preceding or preceding[-1].lower() != "the":
            return None
    return sent_start + picked[0].start(), sent_start + picked[-1].end()


def apposition_after(text: str, name_end: int, sent_end: int) -> tuple[int, int] | None:
    """"Name, the X of Y," → "the X of Y"."""
    rest = text[name_end:sent_end]
    match = re.match(r"\s*,\s*(?:who is\s+|who was\s+)?((?:the|a|an)\s[^,;.]{3,120}?)\s*[,;.]", rest)
    if not match:
        return None
    return name_end + match.start(1), name_end + match.end(1)


_CLAUSE_STOP = re.compile(r"[.;:!?\"\u201c\u201d(]|,\s+(?:which|who|whom|according|while|but|whereas|although|as|where|"
                          r"when|said|says|the|he|she|they|it|this|that)\b|\s+(?:according to|said|says)\b")
_LEADING_GLUE = {"on", "to", "by", "with", "for", "of", "in", "at", "about", "the", "a", "an", "that", "is", "are",
                 "was", "were", "be", "will", "would", "also", "its", "their", "his", "her"}


def clauses_after(text: str, sent_end: int, tokens: np.ndarray, anchors: list[int], max_tokens: int = 30) -> list[Span]:
    """What follows a run of the question's words: "will focus on <supply chain resilience, ...>".

    For a question whose answer is a phrase rather than a name, the answer usually continues the words the
    question shares with the sentence; it runs to the end of the clause (lists included).
    """
    out: list[Span] = []
    anchor_set = set(anchors)
    for p in anchors:
        if p + 1 in anchor_set:
            continue  # only the end of a run of matched words
        i = p + 1
        while i < len(tokens) and (
            text[tokens[i][0]: tokens[i][1]].lower() in _LEADING_GLUE or tokens[i][2] == PUNCT
        ):
            i += 1
        if i >= len(tokens):
            continue
        start = int(tokens[i][0])
        rest = text[start:sent_end]
        stop = _CLAUSE_STOP.search(rest)
        end = start + (stop.start() if stop else len(rest))
        end = start + len(text[start:end].rstrip(" ,;:-\u2013\u2014"))  # "... defence industry," ends on the word
        n = int(np.searchsorted(tokens[:, 0], end) - i)
        if 2 <= n <= max_tokens:
            out.append(Span(start, end, "CLAUSE", n))
    return out


# Words between a verb and its object: particles and prepositions ("bring together", "discussions on"),
# and "including" after a noun for talk ("discussions including the ... Agreement").
# "with" is left out: "discussions with <a person>" names whom, not what.
_OBJECT_GLUE = frozenset({"on", "about", "of", "over", "upon", "into", "together", "up", "out", "including", "that",
                          "also"})
_PEOPLE_GLUE = _OBJECT_GLUE | {"with"}


_BE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
# Nouns for people talking together. A light verb takes them before "with" the people met ("hold talks
# with", "had discussions with"); "What were the talks about?" asks what was discussed (qa.question).
TALK_NOUNS = frozenset("talks discussions meetings consultations negotiations conversations"
                       " meeting talk discussion".split())
# Prepositions that may attach a phrase to the object ("partners <from across the globe>", "cooperation <in
# the field of defence industry>").
_OBJECT_PREPOSITIONS = frozenset({"of", "in", "from", "across", "on", "for", "at", "between", "among", "within"})
_NP_POS = NOUNISH | {DET}
ADJ, ADV = POS_ID["ADJ"], POS_ID["ADV"]


def _noun_phrase(text: str, tokens: np.ndarray, i: int) -> int:
    """Index after the noun phrase starting at token i (i itself when none starts there): determiners,
    adjectives, nouns and numbers, a gerund leading it ("deepening defence industry collaboration"), "'s" and
    hyphens inside. It must hold a noun or a number."""
    j, has_noun = i, False
    while j < len(tokens):
        pos, word = tokens[j][2], text[tokens[j][0]: tokens[j][1]]
        # Before its noun: a gerund or participle ("deepening ...", "concluded"), an adverb on one ("recently").
        verbal = not has_noun and pos == VERB and word.endswith(("ing", "ed"))
        adverb = not has_noun and pos == ADV and j + 1 < len(tokens) and tokens[j + 1][2] in (ADJ, VERB)
        if pos in _NP_POS or verbal or adverb or (j > i and (word in ("'s", "\u2019s", "-", "%") or pos == SYM)):
            has_noun = has_noun or pos in (NOUN, PROPN, NUM)
            j += 1
        else:
            break
    while j > i and tokens[j - 1][2] not in (NOUN, PROPN, NUM):
        j -= 1  # ends on its noun
    return j if has_noun else i


def objects_after(text: str, tokens: np.ndarray, verbs: list[int], max_phrases: int = 3,
                  people: bool = False) -> list[Span]:
    """The object written after a verb or its noun: "bring together <partners from across the globe> to
    strengthen ...", "discussions on <deepening defence industry collaboration and advancing bilateral
    military ties>". An object is a noun phrase, or several joined by commas and "and"/"or" (a list), with
    the prepositional phrases that follow it; the object alone and with each added phrase are offered, the
    span scores choosing among them. A verb after "is/was" is passive: what follows it is no object. When
    `people` are asked for ("Whom will he meet?"), "with" leads to them: "hold meetings <with> senior members".
    """
    glue = _PEOPLE_GLUE if people else _OBJECT_GLUE  # an article belongs to the noun phrase it opens
    out: list[Span] = []
    n = len(tokens)

    def word(k: int) -> str:
        return text[tokens[k][0]: tokens[k][1]].lower()

    for p in verbs:
        if not word(p).endswith("ing") and p > 0 and (
                word(p - 1) in _BE or (p > 1 and tokens[p - 1][2] == ADV and word(p - 2) in _BE)):
            continue  # passive ("is released into ..."), not progressive ("was holding ...")
        i = p + 1
        while i < n and (word(i) in glue or tokens[i][2] == PUNCT):
            i += 1
        end = _noun_phrase(text, tokens, i)
        if end == i:
            continue  # "discussions with <a person>", "was held on ...": no object follows
        if people and end < n and word(end) == "with" and word(end - 1) in TALK_NOUNS:
            # "holding discussions with <Defence Secretary Rajesh Kumar Singh>": whom one talks with.
            i = end + 1
            end = _noun_phrase(text, tokens, i)
            if end == i:
                continue
        # Joined phrases: "A, B, and C", "A and B"; a run joined by commas alone is no list ("certain rivers,
        # taking enemy prisoners"), and a phrase followed by a verb begins a clause ("cartels and article 66
        # made ...").
        listed, joined = end, end
        while joined < n:
            k = joined
            while k < n and word(k) in (",", "and", "or"):
                k += 1
            if k == joined or k >= n:
                break
            further = _noun_phrase(text, tokens, k)
            if further == k or (further < n and tokens[further][2] in (VERB, AUX)):
                break
            if any(word(x) in ("and", "or") for x in range(joined, k)):
                listed = further
            joined = further
        end = listed
        ends = [end]
        while len(ends) < max_phrases + 1 and end < n and word(end) in _OBJECT_PREPOSITIONS:
            k = end + 1
            while k < n and tokens[k][2] == ADP:
                k += 1  # "from across the globe"
            further = _noun_phrase(text, tokens, k)
            if further == k:
                break
            end = further
            ends.append(end)
        if word(i) in ("the", "a", "an") and end > i + 1:
            i += 1
        starts = [i]
        j = i
        while j < ends[0] - 1 and tokens[j][2] in (ADV, VERB) and not word(j).endswith("ing"):
            j += 1  # "recently concluded 10-year ... Agreement": also without what it says of the thing
        if j > i:
            starts.append(j)
        for a in starts:
            for e in ends:
                out.append(Span(int(tokens[a][0]), int(tokens[e - 1][1]), "OBJECT", e - a))
    return out


_MODIFIER_POS = frozenset({ADJ, NOUN, PROPN, NUM})


def modifiers_before(tokens: np.ndarray, token_terms: list[str], target: tuple[str, ...], text: str,
                     max_words: int = 3) -> list[Span]:
    """For "What type of sanctions ...?", the words written just before "sanctions" in "US economic
    sanctions": "economic", "US economic". `target` is the asked noun phrase's stems in order; each
    occurrence of it offers the adjectives and nouns right before it (up to `max_words`, nearest first).
    """
    out: list[Span] = []
    n = len(target)
    for i in range(len(token_terms) - n + 1):
        if tuple(token_terms[i: i + n]) != target:
            continue
        j = i
        while j > 0 and i - j < max_words and (
                tokens[j - 1][2] in _MODIFIER_POS or text[tokens[j - 1][0]: tokens[j - 1][1]] == "-"):
            j -= 1
        for k in range(i - 1, j - 1, -1):
            if text[tokens[k][0]: tokens[k][1]] == "-":
                continue
            out.append(Span(int(tokens[k][0]), int(tokens[i - 1][1]), "MODIFIER", i - k))
    return out
