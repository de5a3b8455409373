"""Extractive digests ("What is the briefing about?"): one sentence for each topic of the articles in scope.

Topics come from the articles' own structure before their wording. Each article starts as one topic;
articles telling one story merge, and more articles than the digest has room for are grouped by the mean
of their sentence vectors (average-linkage clustering). A topic that is one article splits at its deepest
topic shifts (TextTiling, Hearst 1997, on sentence embeddings: a gap is a shift when the sentences either
side of it are less alike than those a little further off; news paragraphs and openers such as "Meanwhile"
mark shifts too) until the digest has its minimum, and beyond that only at shifts deep enough to be real.
Each topic is then stood for by its most central sentence (nearest the topic's mean vector), with a lead
sentence preferred: news puts the gist of an article, or of a new section, first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from index.store import LoadedIndex

# Sentences shorter than this are captions, datelines or fragments: never a digest line when a longer one
# stands for the same topic.
MIN_WORDS = 6
# Words of attribution a sentence quoted from its start needs (", said Claxton" is too little context).
MIN_ATTRIBUTED_WORDS = 4
# Articles whose mean sentence vectors are this alike tell one story (MiniLM cosine). Measured on 75 BBC
# articles, 15 per subject, and 8 duplicated ones: a story and its rewrite 0.95-1.0; two stories of one
# subject at most 0.81 (99th percentile 0.75); of different subjects at most 0.54.
SAME_STORY = 0.85
# Sentences compared on each side of a gap, and the fewest a section keeps, so one odd sentence is no topic.
BLOCK = 2
MIN_SECTION = 2
# Once the digest has min_sentences, a topic still splits at a shift this deep (the drop in similarity
# against the higher ground either side, bonuses included; in [0, 2.6]). On the seed, its two story changes
# measure 0.84 and 1.09 and every other gap at most 0.71 (the sentence after a change, whose section of one
# sentence MIN_SECTION forbids) or 0.28.
SPLIT_DEPTH = 0.5
# Added to a gap's depth at a paragraph break, and at a sentence opening with a topic-shift connective
# ("Meanwhile, ..."): the writer's explicit word outweighs what the embeddings see (the seed article's
# "In parallel with these efforts, ... Finance Ministerial" sentence still reads like the minerals
# section before it: a gap of depth 0.24 against 0.61 for the gap after that sentence).
PARAGRAPH_BONUS = 0.1
SHIFT_BONUS = 0.5
# Added to the centrality of a topic's first eligible sentence (cosine to the topic's mean, ~0.4-0.95): news
# states the gist of an article, or of a section, first, so a lead stands for its topic unless another
# sentence is much more central.
LEAD_BONUS = 0.2
# Taken from the centrality of a sentence opening with a pronoun or "But": it needs the sentence before.
LEANING_PENALTY = 0.1

_SHIFT_OPENERS = re.compile(
    r"^(?:meanwhile|separately|elsewhere|in other news|in a separate development|in parallel|"
    r"on another front|on the other hand|in another development)\b",
    re.IGNORECASE,
)
_OPEN_QUOTES = "\"“‘«"
_ATTRIBUTION = re.compile(r"[,?!][\"”’»]\s+(.+)$")
# Sentences opening with a pronoun or a connective lean on the one before; a digest line should not.
_LEANING = re.compile(r"^(?:it|its|he|his|she|her|they|their|this|that|these|those|but|however|and|also|so)\b",
                      re.IGNORECASE)


@dataclass(frozen=True)
class SummaryRequest:
    """A request for a digest rather than a question. `scope` is "article" for the article the conversation
    is about ("Summarise this article"), "newest" for the newest date's articles ("What's new today?", and
    by default)."""

    scope: Literal["newest", "article"]


# What a digest request may name as its object: the briefing, the news, or the article in scope. Anything
# else ("What is the Critical Minerals Ministerial about?", "Summarise the Finance Ministerial") names one
# thing and is a question for the answerer.
_THIS = r"(?:this|that|the|current|present)"
_ARTICLE_NOUN = r"(?:article|story|piece|report|document|page|text|item)"
_BRIEFING_NOUN = r"(?:briefing|news|headlines|articles|stories|reports|digest|papers?|bulletin|coverage)"
_WHEN = r"(?:(?:so far )?today|tonight|this (?:morning|evening|week))"
# Not "it": "What is it about?" goes on about whatever the conversation last named, which the resolver fills in.
_ARTICLE = rf"(?:{_THIS} {_ARTICLE_NOUN}|this)"
_BRIEFING = rf"(?:(?:the|this|today'?s|these|the latest|latest|all the|all) )?{_BRIEFING_NOUN}(?: {_WHEN})?"
_OBJECT = rf"(?P<object>{_ARTICLE}|{_BRIEFING}|everything|things)"
_SUMMARY_FORMS = [re.compile(f"^{form}$") for form in (
    rf"what(?:'s| is| are) {_OBJECT} (?:all )?about",
    rf"what(?: does| do|'s| is) {_OBJECT} (?:say|cover|covering|saying|talk about)",
    rf"what(?:'s| is) (?:new|the latest|happening|going on|in the news)(?: in {_OBJECT})?(?: {_WHEN})?",
    rf"what(?: has| have)? happened(?: {_WHEN})",
    rf"(?:is there )?any(?:thing)? news?(?: {_WHEN})?",
    rf"what did i miss(?: {_WHEN})?",
    rf"(?:summari[sz]e|sum up|recap|outline|brief me on|catch me up on|condense)(?: {_OBJECT})?(?: for me)?",
    rf"(?:brief me|catch me up|fill me in)(?: on {_OBJECT})?",
    rf"(?:(?:a|the|your|short|quick|brief) )*(?:summary|recap|digest|overview|rundown|round-?up|gist|tl ?;? ?dr"
    rf"|highlights|headlines|key points|main points|top stories|main stories)(?: (?:of|for|on) {_OBJECT})?"
    rf"(?: {_WHEN})?",
    rf"what(?:'s| is| are) (?:the )?(?:summary|gist|headlines|highlights|key points|main points|top stories"
    rf"|main stories|big stories|story)(?: (?:of|in|from) {_OBJECT})?(?: {_WHEN})?",
)]
# Said around a request without changing it: "Can you please summarise this article for me?"
_POLITE = re.compile(
    r"^(?:(?:hi|hello|hey|ok|okay|so|please|now|and|then|just|quickly|briefly)[, ]+)*"
    r"(?:(?:can|could|would|will) you (?:please )?|please |i(?:'d| would) like |i want |let me (?:have|see) |"
    r"give me |tell me |show me |get me )*"
)


def summary_request(question: str) -> SummaryRequest | None:
    """The digest a question asks for, or None for an ordinary question.

    "What is the briefing about?", "What's new today?", "Give me the headlines", "tl;dr" ask for the newest
    date's articles; "Summarise this article", "What is this story about?" for the article in scope. A
    request naming anything else ("What is the Critical Minerals Ministerial about?") is a question.
    """
    text = unicodedata.normalize("NFKC", question).replace("’", "'").lower()
    text = " ".join(re.sub(r"[?!.]+$", "", text.strip()).split()).strip(" ,")
    text = _POLITE.sub("", text)
    text = re.sub(r"(?:,? please|,? for me|,? thanks| in brief| briefly| in short| quickly)+$", "", text)
    for form in _SUMMARY_FORMS:
        m = form.match(text)
        if m:
            named = m.groupdict().get("object") or ""
            is_article = re.fullmatch(_ARTICLE, named) is not None
            return SummaryRequest("article" if is_article else "newest")
    return None


def digest(index: LoadedIndex, doc_rows: list[int], min_sentences: int = 3, max_sentences: int = 6) -> list[int]:
    """Sentence rows summing up the articles `doc_rows`, one per topic, in reading order (document, offset).

    At most `max_sentences`; at least `min_sentences` when the articles have that many sentences (articles
    merged as one story count as one: their sections are not split).
    """
    if not 1 <= min_sentences <= max_sentences:
        raise ValueError(f"need 1 <= min_sentences <= max_sentences, got {min_sentences} and {max_sentences}")
    by_doc = {d: np.nonzero(index.sentences[:, 0] == d)[0] for d in sorted(set(doc_rows))}
    by_doc = {d: rows for d, rows in by_doc.items() if len(rows)}
    if not by_doc:
        return []
    vectors = index.sentence_vectors
    topics = _group_articles(vectors, list(by_doc.values()), max_sentences)
    # Several articles are topics enough: their sections are split only to reach the minimum.
    most = max_sentences if len(by_doc) == 1 else max(min_sentences, len(topics))
    topics = _split_sections(index, topics, min_sentences, most)
    chosen = {_representative(index, topic) for topic in topics}
    return sorted(chosen)


def first_sentence(index: LoadedIndex, doc_row: int) -> int:
    """The row of the first sentence of the article's digest: the line the /documents page leads with.

    Raises ValueError for an article without sentences.
    """
    rows = digest(index, [doc_row])
    if not rows:
        raise ValueError(f"document row {doc_row} has no sentences")
    return rows[0]


# ------------------------------------------------------------------------------------------ topics


def _group_articles(vectors: np.ndarray, articles: list[np.ndarray], limit: int) -> list[np.ndarray]:
    """One topic per article, articles of one story merged, and at most `limit` topics."""
    if len(articles) == 1:
        return articles
    means = np.stack([_unit(vectors[rows].mean(axis=0)) for rows in articles])
    tree = linkage(means, method="average", metric="cosine")
    labels = fcluster(tree, t=1.0 - SAME_STORY, criterion="distance")
    if labels.max() > limit:
        labels = fcluster(tree, t=limit, criterion="maxclust")
    groups: dict[int, list[np.ndarray]] = {}
    for rows, label in zip(articles, labels, strict=True):
        groups.setdefault(int(label), []).append(rows)
    return [np.concatenate(g) for g in groups.values()]


def _split_sections(
    index: LoadedIndex, topics: list[np.ndarray], at_least: int, at_most: int,
) -> list[np.ndarray]:
    """Split single-article topics at their deepest topic shifts (see the module docstring)."""
    depth_of: dict[int, dict[int, float]] = {}  # doc_row -> {row starting a section: depth of the gap before}

    def deepest(shortest: int) -> tuple[float, int, int] | None:
        """The deepest gap leaving sections of `shortest` sentences or more: depth, topic number, cut."""
        best: tuple[float, int, int] | None = None
        for n, rows in enumerate(topics):
            docs = index.sentences[rows, 0]
            if len(rows) < 2 * shortest or (docs != docs[0]).any():
                continue
            doc = int(docs[0])
            if doc not in depth_of:
                depth_of[doc] = _gap_depths(index, doc)
            for k in range(shortest, len(rows) - shortest + 1):
                depth = depth_of[doc].get(int(rows[k]), 0.0)
                if best is None or depth > best[0]:
                    best = (depth, n, k)
        return best

    topics = list(topics)
    while len(topics) < at_most:
        best = deepest(MIN_SECTION)
        if len(topics) < at_least and best is None:
            best = deepest(1)  # a short article still gives the digest its minimum
        if best is None or (len(topics) >= at_least and best[0] < SPLIT_DEPTH):
            break
        _, n, k = best
        rows = topics.pop(n)
        topics[n:n] = [rows[:k], rows[k:]]
    return topics


def _gap_depths(index: LoadedIndex, doc: int) -> dict[int, float]:
    """For each sentence row of the article but the first: how deep a topic shift the gap before it is."""
    rows = np.nonzero(index.sentences[:, 0] == doc)[0]
    vectors = index.sentence_vectors[rows]
    text = index.documents[doc].text
    similarity = np.array([
        float(_unit(vectors[max(0, g - BLOCK): g].mean(axis=0)) @ _unit(vectors[g: g + BLOCK].mean(axis=0)))
        for g in range(1, len(rows))
    ])
    depths: dict[int, float] = {}
    for i, value in enumerate(similarity):
        left = value
        for j in range(i - 1, -1, -1):  # climb to the highest ground on each side
            if similarity[j] < left:
                break
            left = similarity[j]
        right = value
        for j in range(i + 1, len(similarity)):
            if similarity[j] < right:
                break
            right = similarity[j]
        depth = (left - value) + (right - value)
        _, prev_start, prev_end = index.sentences[rows[i]]
        _, start, end = index.sentences[rows[i + 1]]
        if "\n" in text[prev_end:start]:
            depth += PARAGRAPH_BONUS
        if _SHIFT_OPENERS.match(text[start:end]):
            depth += SHIFT_BONUS
        depths[int(rows[i + 1])] = depth
    return depths


def _representative(index: LoadedIndex, rows: np.ndarray) -> int:
    """The topic's most central eligible sentence, its lead sentence given a head start."""
    eligible = [int(r) for r in rows if _eligible(index, int(r))] or [int(r) for r in rows]
    centre = _unit(index.sentence_vectors[rows].mean(axis=0))
    scores = index.sentence_vectors[eligible] @ centre
    leads: dict[int, int] = {}  # doc_row -> its first eligible row in the topic
    for r in eligible:
        leads.setdefault(int(index.sentences[r, 0]), r)
    scores = scores + np.array([
        (LEAD_BONUS if r in leads.values() else 0.0) - (LEANING_PENALTY if _LEANING.match(index.sentence_text(r))
                                                        else 0.0)
        for r in eligible
    ])
    return eligible[int(np.argmax(scores))]


def _eligible(index: LoadedIndex, row: int) -> bool:
    return stands_alone(index.sentence_text(row), index.documents[int(index.sentences[row, 0])].title)


def stands_alone(sentence: str, title: str) -> bool:
    """Whether a sentence can be a digest line on its own: long enough, not the headline again, not one end
    of a quotation split across sentences, not a quotation without a speaker saying it."""
    text = sentence.strip()
    if len(re.findall(r"\w+", text)) < MIN_WORDS:
        return False
    headline = _normal(title).rstrip("…. ")
    body = _normal(text).rstrip(". ")
    if headline.startswith(body):
        return False
    if text[0] in _OPEN_QUOTES:
        # Quoted from the start: it stands alone only with its speaker after it (', the ministry said').
        said = _ATTRIBUTION.search(text)
        return bool(said) and len(re.findall(r"\w+", said.group(1))) >= MIN_ATTRIBUTED_WORDS and _balanced(text)
    return _balanced(text)


def _balanced(text: str) -> bool:
    """False for one end of a quotation pysbd cut in two (an odd number of straight quotes, or unpaired
    curly ones)."""
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v
