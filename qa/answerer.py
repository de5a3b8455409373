"""The library API: ask a question, get an extractive, cited answer or an honest abstention.

The web layer and the CLI both call `Answerer.ask`; nothing here knows about HTTP. Load once with
`load()` (model, index, term statistics); every call after that does one embedding of the question and
cheap array work, because tagging and embedding of the corpus happened at index time.
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import faiss
import numpy as np

from index.embedder import Embedder
from index.lexical import terms
from index.store import LoadedIndex, ensure_index
from qa.answers import Answer, Citation
from qa.batching import MicroBatcher
from qa.extractor import FEATURES, SENTENCE_FEATURES, WEIGHTS_FILE, Extractor, ScoredSentence, ScoredSpan
from qa.question import AnswerType, QuestionInfo, analyse
from qa.retriever import Retriever

# Below this confidence the answerer says the briefing does not cover the question. The confidence model
# is fitted on SQuAD with each question also asked while its article is hidden (scripts/fit_weights.py);
# the threshold is read from the same file, where the script explains the trade-off it picked.
ABSTAIN_BELOW = 0.35
if WEIGHTS_FILE.is_file():
    ABSTAIN_BELOW = float(json.loads(WEIGHTS_FILE.read_text()).get("abstain_below", ABSTAIN_BELOW))
MAX_QUESTION_CHARS = 1000
STRICT_TYPES = frozenset({AnswerType.NUMBER, AnswerType.DATE, AnswerType.DURATION, AnswerType.REASON})
STRICT_MIN_FIT = 0.3
_TIMES_AND_AMOUNTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})
# "Where" is never answered by a date ("this week"); distances ("40 miles north of ...") are left to the
# scores, SQuAD writing some "where" answers that way.
_PLACES = frozenset({"GPE", "LOC", "FAC"})
NEVER_KINDS = {AnswerType.PERSON: _TIMES_AND_AMOUNTS, AnswerType.PLACE: frozenset({"DATE", "TIME"})}
# What "Who is the <Title>?" accepts: a person by name ("the US delegation" holds no title).
TITLE_MIN_FIT = 1.0
# How much the conversation's document is preferred in retrieval (a multiplier on fused scores).
PREFER_FOLLOWUP = 1.6
PREFER_AMBIGUOUS = 1.15
SUMMARY_SENTENCES = 3
# How far ahead of the best sentence the previous answer's sentence is put for "Who said so?" (logits).
SOURCE_BONUS = 1.0
# What a span of the statement "Who said so?" points at must fit to be answered whatever the confidence.
SOURCE_MIN_FIT = 0.8
# A span ruled out for the question (ScoredSpan.misfit) is dropped when one fitting at least this is there.
FITTING = 0.5
# How far (in span score) below the best an earlier sentence's identical answer may sit and still be the
# one cited (see `first_telling`).
SAME_ANSWER_MARGIN = 1.0


# A sentence saying that what was asked is not known: "no financial details were revealed", "Terms of the
# acquisition were not disclosed", "an undisclosed fee".
UNDISCLOSED = re.compile(
    r"\b(?:not|never)\s+(?:been\s+|yet\s+)?(?:disclosed|revealed|made public|specified)\b"
    r"|\bno\s+(?:\w+\s+)?(?:details|figures|terms|price)\s+(?:were|was|have been|has been)\s+"
    r"(?:disclosed|revealed|given|released|made public)\b|\bundisclosed\b|\bdeclined to (?:say|disclose|reveal|give)\b",
    re.IGNORECASE,
)


_CLAUSE_START = re.compile(r".*(?:[,;:(]|\bbut\b|\band\b|\bwhile\b)", re.DOTALL)


def _withholds(info: QuestionInfo, sentence: str) -> bool:
    """Whether the sentence says that what the question asks was not disclosed: a question about money
    ("How much did Ask Jeeves pay?" of "Terms of the acquisition were not disclosed"), or one sharing a word
    with the clause that says so ("What is the financial value?" of "no financial details were revealed";
    not "When was the merger announced?" of "announced on Tuesday, but no financial details ...")."""
    for match in UNDISCLOSED.finditer(sentence):
        if info.money:
            return True
        before = _CLAUSE_START.match(sentence, 0, match.start())
        clause = sentence[before.end() if before else 0: match.end()]
        if set(terms(clause)) & set(info.terms):
            return True
    return False


class QuestionError(ValueError):
    """The question itself is unusable (empty, too long); the message says why."""


@dataclass(frozen=True)
class Context:
    """What the conversation knows: the document in play, so an ambiguous question prefers it; for
    "Who said so?" the sentence (doc_id, start, end) the previous answer came from; for a follow-up that
    goes on about the same thing ("When?"), that sentence as an anchor."""

    doc_id: str | None = None
    source_of: tuple[str, int, int] | None = None
    anchor: tuple[str, int, int] | None = None  # the sentence the follow-up's previous answer came from


# name_conflict and typed come from the answer's sentence: it names another thing of the question's kind,
# or holds no entity of the asked type at all.
CONFIDENCE_FEATURES = ("span_score", "margin", "s_lex", "s_dense", "s_window", "type_fit", "near_cover", "doc_cover",
                       "name_conflict", "typed", "bias")
# Hand-set until scripts/fit_weights.py fits them: shared rare words, embedding closeness, and a span of
# the asked type are the evidence that the briefing answers the question.
DEFAULT_CONFIDENCE = {"s_lex": 3.0, "s_dense": 4.0, "type_fit": 1.2, "bias": -3.6}


def _confidence_weights() -> np.ndarray:
    values = DEFAULT_CONFIDENCE
    if WEIGHTS_FILE.is_file():
        values = json.loads(WEIGHTS_FILE.read_text()).get("confidence_weights", values)
    return np.array([values.get(k, 0.0) for k in CONFIDENCE_FEATURES])


_SPAN_INPUTS = [FEATURES.index(name) for name in ("s_lex", "s_dense", "s_window", "type_fit")]
_SENTENCE_INPUTS = [SENTENCE_FEATURES.index(name) for name in ("name_conflict", "typed")]


def confidence_row(
    score: float, second: float, span_features: np.ndarray, sentence_features: tuple[float, ...],
    cover: tuple[float, float],
) -> np.ndarray:
    """The confidence model's inputs, in CONFIDENCE_FEATURES order; scripts/fit_weights.py fits on the same
    rows, so answering and fitting cannot drift apart."""
    sentence = sentence_features or (0.0,) * len(SENTENCE_FEATURES)
    return np.array([score, score - second, *(float(span_features[i]) for i in _SPAN_INPUTS), *cover,
                     *(sentence[i] for i in _SENTENCE_INPUTS), 1.0])


def confidence_features(spans: list[ScoredSpan], cover: tuple[float, float]) -> np.ndarray:
    """The confidence model's inputs for the top span (`cover`: Extractor.terms.cover of its sentence)."""
    best = spans[0]
    second = spans[1].linear if len(spans) > 1 else best.linear - 1.0
    return confidence_row(best.linear, second, best.features, best.sentence.features, cover)


def confidence_of(x: np.ndarray, weights: np.ndarray) -> float:
    """Probability-like confidence in [0, 1] that the top span answers the question."""
    return float(1.0 / (1.0 + math.exp(-float(x @ weights))))


class Answerer:
    def __init__(self, corpus_dir: Path, index_dir: Path, model: str | None = None) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.index_dir = Path(index_dir)
        self.embedder = Embedder(model)
        self.batcher = MicroBatcher(self.embedder.encode_questions)
        self.index: LoadedIndex | None = None
        self.build_report = None
        self._lock = threading.Lock()

    def load(self, progress: bool = False) -> Answerer:
        """Load (building or refreshing if needed) the index and the model. Safe to call twice."""
        with self._lock:
            if self.index is None:
                self.embedder.load()
                index, report = ensure_index(self.corpus_dir, self.index_dir, self.embedder, progress=progress)
                # One question is one small search: FAISS's OpenMP threads only add hand-off cost (exact
                # search measured 2.3-3.3x slower on 2 threads than on 1). Builds above keep the default.
                faiss.omp_set_num_threads(1)
                self._attach(index)
                self.build_report = report
        return self

    def _attach(self, index: LoadedIndex) -> None:
        self.retriever = Retriever(index)
        self.extractor = Extractor(index)
        self.confidence_weights = _confidence_weights()
        self.index = index

    # ------------------------------------------------------------------ asking

    def embed_question(self, question: str) -> np.ndarray:
        return self.batcher.encode_one(question)

    def ask(
        self, question: str, context: Context | None = None, resolved: str | None = None,
        question_vector: np.ndarray | None = None,
    ) -> Answer:
        """Answer `resolved` (the standalone form of `question`, defaulting to it)."""
        if self.index is None:
            self.load()
        assert self.index is not None
        question = validate_question(question)
        resolved = " ".join((resolved or question).split())
        info = analyse(resolved)
        vector = question_vector if question_vector is not None else self.embed_question(resolved)
        prefer = self.index.doc_rows.get(context.doc_id) if context and context.doc_id else None
        # A follow-up, or a question naming nothing ("What was the emphasis?"), leans harder on the document
        # the conversation is about; a question with names of its own can still change the topic.
        leaning = resolved != question or not info.proper_terms
        retrieval = self.retriever.search(
            resolved, vector, prefer_doc=prefer, prefer_weight=PREFER_FOLLOWUP if leaning else PREFER_AMBIGUOUS,
        )
        if not retrieval.passages:
            return self._abstain(question, resolved, info, [], "The briefing is empty: nothing is indexed yet.")
        passage_scores = {p.row: p.score for p in retrieval.passages}
        source = context.source_of if context else None
        source_row = self.index.sentence_at(source[0], source[1]) if source else None
        if source_row is not None:
            # Make sure the passage holding the previous answer's sentence is among those read.
            holding = self.index.passage_holding(source_row)
            if holding is not None:
                passage_scores[holding] = max(passage_scores.values())
        anchor = context.anchor if context else None
        anchor_row = self.index.sentence_at(anchor[0], anchor[1]) if anchor else None
        if anchor_row is not None:
            # Read the anchor's sentence and the sentences either side of it, whatever else retrieval found.
            doc_row = int(self.index.sentences[anchor_row, 0])
            for row in (anchor_row - 1, anchor_row, anchor_row + 1):
                if 0 <= row < len(self.index.sentences) and int(self.index.sentences[row, 0]) == doc_row:
                    holding = self.index.passage_holding(row)
                    if holding is not None:
                        passage_scores.setdefault(holding, min(passage_scores.values()))
        sentences = self.extractor.score_sentences(info, vector, passage_scores)
        if source_row is not None:
            sentences = _source_first(sentences, source_row)
        elif anchor_row is not None:
            sentences = self._carry_anchor(sentences, anchor_row)
        if info.answer_type is AnswerType.SUMMARY:
            return self._summary(question, resolved, retrieval.passages[0].row)
        # "Who said so?" is answered from the statement it points at, not from any sentence alike.
        spans = self.extractor.best_spans(info, sentences, top=1 if source_row is not None else 3)
        if info.answer_type in STRICT_TYPES:
            # "How many", "when", "how long" are answered by a number or a date, "why" by a reason, a clause
            # or the sentence, or not at all: a span of another kind is not an answer, however near the
            # question's words it sits.
            spans = [s for s in spans if s.type_fit >= STRICT_MIN_FIT]
        elif info.answer_type in NEVER_KINDS:
            # A date or an amount is not a person, however near the question's words it sits. (For places
            # the same rule cost SQuAD two "where" answers written as distances: left to the scores.)
            never = NEVER_KINDS[info.answer_type]
            if info.answer_type is AnswerType.PERSON and info.head:
                # "Which minister ...?", "the name of the pilot": neither a place nor a whole sentence names
                # one (a bare "who" may be answered by a country: "Who won the war?").
                never = never | _PLACES | {"SENTENCE"}
            spans = [s for s in spans if s.span.kind not in never]
        if any(s.misfit for s in spans) and any(s.type_fit >= FITTING for s in spans):
            # A span of a kind ruled out for the question ("External Affairs" of a title for "whom", a phrase
            # naming a person for "which department") answers only when nothing that fits is a candidate.
            spans = [s for s in spans if not s.misfit]
        if info.title_terms:
            # "Who is India's Defence Minister?" asks for the person holding a title: when nobody the
            # briefing introduces with that title is left, an organisation or a stray phrase is no answer.
            spans = [s for s in spans if s.type_fit >= TITLE_MIN_FIT]
        # "The merger was announced ..., but no financial details were revealed": the briefing says it does not
        # know. Read in the best span's sentence, or in the best sentence for a number, a date or a reason.
        candidates = ([spans[0].sentence] if spans else []) + (
            sentences[:1] if info.answer_type in STRICT_TYPES or not spans else [])
        withheld = next((s for s in candidates if _withholds(info, self.index.sentence_text(s.row))), None)
        if withheld is not None:
            return self._abstain(question, resolved, info, [withheld, *(s for s in sentences if s.row != withheld.row)],
                                 message="The briefing says this was not disclosed. These passages are the closest "
                                         "it has.")
        if not spans:
            return self._abstain(question, resolved, info, sentences)
        best = spans[0]
        cover = self.extractor.terms.cover(info, best.sentence.row)
        confidence = confidence_of(confidence_features(spans, cover), self.confidence_weights)
        if source_row is not None and best.type_fit >= SOURCE_MIN_FIT and best.sentence.row == source_row:
            # "Who said so?": the conversation names the statement, so the few words of the question say
            # nothing about whether the briefing answers it; a span of the asked kind in that statement does.
            confidence = max(confidence, ABSTAIN_BELOW)
        if confidence < ABSTAIN_BELOW:
            return self._abstain(question, resolved, info, sentences, confidence=confidence)
        return self._answer(question, resolved, info, first_telling(spans, self.index), sentences, confidence)

    def _carry_anchor(self, sentences: list[ScoredSentence], anchor_row: int) -> list[ScoredSentence]:
        """A follow-up's words were written from the sentence its previous answer came from; the next
        sentence often goes on about the same event by "The meeting" or "It" ("The meeting, held on January
        27, ..."), sharing none of them. The sentences either side of the anchor count as sharing the
        anchor's words (its lexical cover), so their answers compete on equal terms."""
        index = self.index
        assert index is not None
        anchor = next((s for s in sentences if s.row == anchor_row), None)
        if anchor is None:
            return sentences
        doc = int(index.sentences[anchor_row, 0])
        weights = self.extractor.sentence_weights
        lexical = SENTENCE_FEATURES.index("lexical")
        out = []
        for s in sentences:
            near = abs(s.row - anchor_row) == 1 and int(index.sentences[s.row, 0]) == doc
            if near and s.lexical < anchor.lexical and s.features:
                features = list(s.features)
                features[lexical] = anchor.lexical
                s = replace(s, lexical=anchor.lexical, features=tuple(features),
                            score=float(np.array(features) @ weights))
            out.append(s)
        out.sort(key=lambda s: -s.score)
        return out

    # ---------------------------------------------------------------- results

    def _citation(self, row: int, answer: tuple[int, int] | None = None) -> Citation:
        index = self.index
        assert index is not None
        d, s, e = (int(x) for x in index.sentences[row])
        doc = index.documents[d]
        return Citation(
            doc.doc_id, doc.title, doc.date, s, e, doc.text[s:e],
            answer[0] if answer else None, answer[1] if answer else None,
        )

    def _passage_citation(self, prow: int) -> Citation:
        index = self.index
        assert index is not None
        d, s, e = (int(x) for x in index.passages[prow][:3])
        doc = index.documents[d]
        return Citation(doc.doc_id, doc.title, doc.date, s, e, doc.text[s:e])

    def _answer(
        self, question: str, resolved: str, info: QuestionInfo, best: ScoredSpan,
        sentences: list[ScoredSentence], confidence: float,
    ) -> Answer:
        index = self.index
        assert index is not None
        row = best.sentence.row
        doc_row = int(index.sentences[row, 0])
        doc = index.documents[doc_row]
        span = best.span
        citations = [self._citation(row, (span.start, span.end))]
        # Further support: the next best sentences that share the question's words, at most two.
        for other in sentences[1:]:
            if len(citations) >= 3:
                break
            shares_words = other.lexical >= 0.5 * max(best.sentence.lexical, 0.01)
            if other.row != row and shares_words and other.score >= 0.8 * best.sentence.score:
                citations.append(self._citation(other.row))
        answer_text = doc.text[span.start: span.end]
        ents = [doc.text[int(s): int(e)] for s, e, _ in index.sentence_entities(row)]
        return Answer(
            question=question, resolved_question=resolved, answer=answer_text,
            message=citations[0].text, confidence=confidence, kind="answer", citations=citations,
            doc_id=doc.doc_id, answer_start=span.start, answer_end=span.end,
            answer_type=info.answer_type.value, entities=ents,
        )

    def _abstain(
        self, question: str, resolved: str, info: QuestionInfo, sentences: list[ScoredSentence],
        message: str | None = None, confidence: float = 0.0,
    ) -> Answer:
        related = [self._citation(s.row) for s in sentences[:3]]
        return Answer(
            question=question, resolved_question=resolved, answer=None,
            message=message or "The briefing does not say. These passages are the closest it has.",
            confidence=confidence, kind="abstain", related=related, answer_type=info.answer_type.value,
        )

    def _summary(self, question: str, resolved: str, top_passage: int) -> Answer:
        """The most central sentences of the document in question: nearest to its mean embedding."""
        index = self.index
        assert index is not None
        doc_row = int(index.passages[top_passage, 0])
        rows = np.nonzero(index.sentences[:, 0] == doc_row)[0]
        vectors = index.sentence_vectors[rows]
        centre = vectors.mean(axis=0)
        centrality = vectors @ centre
        picked = sorted(rows[np.argsort(-centrality)[:SUMMARY_SENTENCES]].tolist())
        best = int(rows[int(np.argmax(centrality))])
        citations = [self._citation(best, tuple(int(x) for x in index.sentences[best, 1:]))]  # type: ignore[arg-type]
        citations += [self._citation(r) for r in picked if r != best]
        doc = index.documents[doc_row]
        return Answer(
            question=question, resolved_question=resolved, answer=citations[0].text,
            message=" ".join(index.sentence_text(r) for r in picked), confidence=1.0, kind="summary",
            citations=citations, doc_id=doc.doc_id, answer_start=citations[0].start,
            answer_end=citations[0].end, answer_type=AnswerType.SUMMARY.value,
        )


def first_telling(spans: list[ScoredSpan], index: LoadedIndex) -> ScoredSpan:
    """The best span, or the same words told earlier in the same article when that telling scored nearly
    as well. News states a fact in its own words first and a quote repeats it later ("US Congressional
    Delegation led by ... Mike Rogers met ..."); a reader checking the answer expects the article's first
    statement of it, and the answer itself is the same either way."""
    best = spans[0]
    doc = int(index.sentences[best.sentence.row, 0])
    text = index.documents[doc].text
    said = text[best.span.start: best.span.end]
    earliest = best
    for other in spans[1:]:
        if other.score < best.score - SAME_ANSWER_MARGIN:
            break
        if (other.span.start < earliest.span.start and int(index.sentences[other.sentence.row, 0]) == doc
                and other.span.kind == best.span.kind and text[other.span.start: other.span.end] == said):
            earliest = other
    return earliest


def _source_first(sentences: list[ScoredSentence], row: int) -> list[ScoredSentence]:
    """Put the sentence the previous answer came from first: "Which ministry said so?" asks about that
    statement, whatever other sentence shares more of the question's words."""
    found = next((s for s in sentences if s.row == row), None)
    if found is None:
        return sentences
    promoted = replace(found, score=max(s.score for s in sentences) + SOURCE_BONUS)
    return [promoted] + [s for s in sentences if s.row != row]


def validate_question(question: object) -> str:
    if not isinstance(question, str):
        raise QuestionError("question must be a string")
    if not question.strip():
        raise QuestionError("question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"question is longer than {MAX_QUESTION_CHARS} characters ({len(question)})")
    return question.strip()
