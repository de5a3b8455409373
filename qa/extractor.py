"""Pick the answer: score the sentences of the retrieved passages, then the spans inside the best ones.

Sentence score mixes the embedding cosine with idf-weighted word overlap. Span score adds how well the
span's type fits the question's answer type, how close it sits to the question's words in the sentence,
and subtracts for repeating the question. The weights are plain numbers written below with the reason;
`qa/data/weights.json`, fitted on SQuAD by `scripts/fit_weights.py`, replaces them when present.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.annotator import POS_ID
from index.lexical import STOP_WORDS, stem, terms, words
from index.store import LoadedIndex
from qa.question import AnswerType, QuestionInfo
from qa.spans import Span, acronym_expansions, apposition_after, candidates, role_before

PROPN = POS_ID["PROPN"]

# How well a span kind fits each answer type (1 = exactly what was asked for).
TYPE_FIT: dict[AnswerType, dict[str, float]] = {
    AnswerType.PERSON: {"PERSON": 1.0, "NORP": 0.3, "ORG": 0.3, "NP_PROPN": 0.35, "NP": 0.1, "GPE": 0.15},
    AnswerType.DATE: {"DATE": 1.0, "TIME": 0.9, "NUMBER": 0.35, "CARDINAL": 0.35, "EVENT": 0.2},
    AnswerType.PLACE: {"GPE": 1.0, "LOC": 1.0, "FAC": 0.8, "ORG": 0.35, "NP_PROPN": 0.4, "NORP": 0.2},
    AnswerType.NUMBER: {"CARDINAL": 1.0, "MONEY": 1.0, "PERCENT": 1.0, "QUANTITY": 1.0, "NUMBER": 0.85,
                        "DATE": 0.6, "TIME": 0.6, "ORDINAL": 0.5},
    AnswerType.ORG: {"ORG": 1.0, "NP_PROPN": 0.45, "NORP": 0.3, "GPE": 0.3, "FAC": 0.3, "PERSON": 0.1},
    AnswerType.LIST: {"LIST": 1.0, "GPE": 0.2, "ORG": 0.2, "NP": 0.1},
    AnswerType.DEFINITION: {"ROLE": 1.0, "ACRONYM": 1.0, "APPOSITION": 0.9, "NP": 0.35, "NP_PROPN": 0.35,
                            "ORG": 0.3, "PREDICATE": 0.7},
    AnswerType.REASON: {"REASON": 1.0, "SENTENCE": 0.3, "NP": 0.1},
    AnswerType.OTHER: {"NP": 0.6, "NP_PROPN": 0.6, "ORG": 0.55, "PERSON": 0.5, "GPE": 0.5, "NORP": 0.5,
                       "EVENT": 0.55, "WORK_OF_ART": 0.55, "PRODUCT": 0.55, "LAW": 0.55, "LANGUAGE": 0.5,
                       "NUMBER": 0.45, "CARDINAL": 0.4, "DATE": 0.4, "MONEY": 0.4, "PERCENT": 0.4,
                       "QUANTITY": 0.4, "FAC": 0.5, "LOC": 0.5, "LIST": 0.3, "REASON": 0.2},
}
SENTENCE_FALLBACK_FIT = 0.15

DEFAULT_WEIGHTS = {
    # sentence: the embedding finds paraphrases, overlap finds the rare words; both matter about equally.
    "s_dense": 0.5, "s_lex": 0.6, "s_passage": 0.1,
    # span: type fit matters most, then nearness to the question's words; echoing the question is wrong.
    "type_fit": 0.9, "proximity": 0.35, "echo": 1.2, "head": 0.25, "length": 0.015, "sentence": 1.0,
}
WEIGHTS_FILE = Path(__file__).parent / "data" / "weights.json"


def load_weights() -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS)
    if WEIGHTS_FILE.is_file():
        weights.update(json.loads(WEIGHTS_FILE.read_text()).get("weights", {}))
    return weights


@dataclass(frozen=True)
class ScoredSentence:
    row: int
    score: float
    lexical: float  # idf-weighted share of the question's terms found in the sentence
    dense: float


@dataclass(frozen=True)
class ScoredSpan:
    sentence: ScoredSentence
    span: Span
    score: float
    type_fit: float


class SentenceTerms:
    """Per-sentence term sets and corpus idf, computed once when the answerer loads."""

    def __init__(self, index: LoadedIndex) -> None:
        self.sets: list[frozenset[str]] = [frozenset(terms(index.sentence_text(i))) for i in range(len(index.sentences))]
        df: dict[str, int] = {}
        for s in self.sets:
            for t in s:
                df[t] = df.get(t, 0) + 1
        n = max(len(self.sets), 1)
        self.n = n
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def weight(self, term: str) -> float:
        return self.idf.get(term, math.log(1 + (self.n + 0.5) / 0.5))


def question_names(question: str) -> list[str]:
    """Capitalised word runs and acronyms in the question (not its first word): names it is about."""
    found = []
    for match in re.finditer(r"(?<!^)(?<![.?!] )\b([A-Z][\w.'-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\w.'-]*)*)", question.strip()):
        name = match.group(1).rstrip(".'")
        if name.lower() not in STOP_WORDS:
            found.append(name)
    return found


class Extractor:
    def __init__(self, index: LoadedIndex, weights: dict[str, float] | None = None) -> None:
        self.index = index
        self.terms = SentenceTerms(index)
        self.w = weights or load_weights()

    # ---------------------------------------------------------------- sentences

    def score_sentences(
        self, info: QuestionInfo, question_vector: np.ndarray, passage_scores: dict[int, float],
    ) -> list[ScoredSentence]:
        index, w = self.index, self.w
        best_passage = max(passage_scores.values(), default=1.0) or 1.0
        rows: dict[int, float] = {}
        for prow, pscore in passage_scores.items():
            first, end = int(index.passages[prow, 3]), int(index.passages[prow, 4])
            for srow in range(first, end):
                rows[srow] = max(rows.get(srow, 0.0), pscore / best_passage)
        if not rows:
            return []
        order = list(rows)
        dense = index.sentence_vectors[order] @ question_vector
        q_weights = {t: self.terms.weight(t) for t in info.terms}
        total = sum(q_weights.values()) or 1.0
        scored = []
        for row, d in zip(order, dense, strict=True):
            found = self.terms.sets[row]
            lexical = sum(wt for t, wt in q_weights.items() if t in found) / total
            score = w["s_dense"] * float(d) + w["s_lex"] * lexical + w["s_passage"] * rows[row]
            scored.append(ScoredSentence(row, score, lexical, float(d)))
        scored.sort(key=lambda s: -s.score)
        return scored

    # -------------------------------------------------------------------- spans

    def best_spans(self, info: QuestionInfo, sentences: list[ScoredSentence], top: int = 3) -> list[ScoredSpan]:
        out: list[ScoredSpan] = []
        for sentence in sentences[:top]:
            out.extend(self._spans_in(info, sentence))
        out.sort(key=lambda s: -s.score)
        return out

    def _spans_in(self, info: QuestionInfo, sentence: ScoredSentence) -> list[ScoredSpan]:
        index, w = self.index, self.w
        doc_row, s_start, s_end = (int(x) for x in index.sentences[sentence.row])
        text = index.documents[doc_row].text
        tokens = index.sentence_tokens(sentence.row)
        entities = index.sentence_entities(sentence.row)
        spans = candidates(text, s_start, s_end, tokens, entities)
        spans.extend(self._definition_spans(info, text, s_start, s_end))
        # Where the question's words sit in this sentence, by token position.
        q_terms = set(info.terms)
        positions = [i for i, t in enumerate(tokens) if stem(text[t[0]: t[1]].lower()) in q_terms]
        starts = tokens[:, 0] if len(tokens) else np.zeros(0, dtype=np.int32)
        propn = {int(t[0]) for t in tokens if t[2] == PROPN}
        fits = TYPE_FIT[info.answer_type] if info.answer_type in TYPE_FIT else TYPE_FIT[AnswerType.OTHER]
        scored = []
        for span in spans:
            span_words = [x for x in words(text[span.start: span.end])]
            content = [x for x in span_words if x not in STOP_WORDS]
            if not content:
                continue
            echo = sum(1 for x in content if stem(x) in q_terms or x in info.words) / len(content)
            if echo >= 0.999 and span.kind != "SENTENCE":
                continue  # a span that only repeats the question is not an answer
            kind = span.kind
            if kind == "NP" and any(span.start <= p < span.end for p in propn):
                kind = "NP_PROPN"
            fit = fits.get(kind, SENTENCE_FALLBACK_FIT if kind == "SENTENCE" else 0.0)
            if kind == "NP_PROPN" and fit == 0.0:
                fit = fits.get("NP", 0.0)
            first_tok = int(np.searchsorted(starts, span.start))
            last_tok = int(np.searchsorted(starts, span.end)) - 1
            if positions and kind != "SENTENCE":
                dist = min(
                    0 if first_tok <= p <= last_tok else min(abs(p - first_tok), abs(p - last_tok))
                    for p in positions
                )
                proximity = 1.0 / (1.0 + dist / 4.0)
            else:
                proximity = 0.0
            head = 1.0 if info.head and any(stem(x) == stem(info.head) for x in span_words) else 0.0
            length = span.tokens if kind not in ("LIST", "REASON", "ROLE", "ACRONYM", "APPOSITION", "SENTENCE") else 3
            score = (
                w["sentence"] * sentence.score + w["type_fit"] * fit + w["proximity"] * proximity
                - w["echo"] * echo + w["head"] * head - w["length"] * length
            )
            scored.append(ScoredSpan(sentence, span, score, fit))
        return scored

    def _definition_spans(self, info: QuestionInfo, text: str, s_start: int, s_end: int) -> list[Span]:
        if info.answer_type is not AnswerType.DEFINITION:
            return []
        out: list[Span] = []
        sentence = text[s_start:s_end]
        for name in question_names(info.text):
            if name.isupper() and len(name) >= 2:
                for a, b in acronym_expansions(text, s_start, s_end, name):
                    out.append(Span(a, b, "ACRONYM", 3))
            for match in re.finditer(re.escape(name), sentence):
                n_start, n_end = s_start + match.start(), s_start + match.end()
                role = role_before(text, s_start, n_start)
                if role:
                    out.append(Span(role[0], role[1], "ROLE", 3))
                app = apposition_after(text, n_end, s_end)
                if app:
                    out.append(Span(app[0], app[1], "APPOSITION", 3))
                copula = re.match(r"\s+(?:is|was|are|were)\s+((?:the|a|an)\s[^,;.]{3,120})", text[n_end:s_end])
                if copula:
                    out.append(Span(n_end + copula.start(1), n_end + copula.end(1), "PREDICATE", 3))
        return out
