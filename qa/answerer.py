"""The library API: ask a question, get an extractive, cited answer or an honest abstention.

The web layer and the CLI both call `Answerer.ask`; nothing here knows about HTTP. `load()` reads the
embedding model, the index and the trained reader once. A question is then one embedding, one hybrid
search (dense + BM25, `qa.retriever`) and one batched pass of the reader over the few passages found
(`qa.reader`): the reader's best span is the answer, the sentence holding it the citation, and a
calibrated probability that the span answers the question decides between answering and abstaining.

The live index is one immutable `_Live` snapshot swapped by a single assignment (`swap`), so a question
in flight reads one whole index, old or new, never a mix.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import faiss
import numpy as np

from index.embedder import Embedder
from index.store import LoadedIndex, ensure_index
from qa.answers import Answer, Citation
from qa.batching import MicroBatcher
from qa.dates import DateRange, date_value, question_dates
from qa.digest import digest, summary_request
from qa.evaluate import normalize
from qa.reader import CARD, Reader, ReaderConfig, Span, card_for, configured_weights
from qa.retriever import Retriever

MAX_QUESTION_CHARS = 1000
# Passages the reader reads per question: retrieval's top few, merged where they touch. Each costs a
# reader window; three keep a question near 4x one question embedding (bench/latency.py).
READ_PASSAGES = 3
# Follow-ups read the passage of the previous answer and its neighbours as well as what retrieval finds.
ANCHOR_NEIGHBOURS = 1
# How much the conversation's document is preferred in retrieval (a multiplier on fused scores).
PREFER_FOLLOWUP = 1.6
PREFER_AMBIGUOUS = 1.15
# How close (in reader logits) an older article's reading may be and still lose to a newer one's.
NEWER_WITHIN = 1.0
# Calibration of the reader's margin (best span score minus no-answer score) into a probability, and the
# abstention threshold; both fitted by scripts/calibrate_reader.py and stored in qa/data/reader.json.
DEFAULT_CALIBRATION = {"slope": 0.5, "intercept": -1.0, "abstain_below": 0.5}


class QuestionError(ValueError):
    """The question itself is unusable (empty, too long); the message says why."""


class UnknownDocument(KeyError):
    """A scope names a document the index does not hold."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(doc_id)
        self.doc_id = doc_id

    def __str__(self) -> str:
        return f"no document has id {self.doc_id!r}"


@dataclass(frozen=True)
class Context:
    """What the conversation knows.

    doc_id: the document in play, so an ambiguous question prefers it.
    scope: doc_ids the answer must come from (empty: the whole briefing).
    source_of: for "Who said so?", the sentence (doc_id, start, end) the previous answer came from.
    anchor: for a follow-up that goes on about the same thing ("When?"), that sentence.
    history: earlier (question, answer) pairs, oldest first, for a reader that reads the conversation.
    reader_question: what the reader reads as the question when not the resolved form (the question as
        asked, read with `history`); retrieval always uses the resolved form.
    """

    doc_id: str | None = None
    scope: tuple[str, ...] = ()
    source_of: tuple[str, int, int] | None = None
    anchor: tuple[str, int, int] | None = None
    history: tuple[tuple[str, str], ...] = ()
    reader_question: str | None = None


@dataclass(frozen=True)
class Calibration:
    slope: float
    intercept: float
    abstain_below: float

    def probability(self, margin: float) -> float:
        z = self.slope * margin + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def margin(self, probability: float) -> float:
        """The reader's margin behind a probability (`probability` inverted), to refit a threshold offline."""
        p = min(max(float(probability), 1e-9), 1 - 1e-9)
        return (math.log(p / (1 - p)) - self.intercept) / self.slope

    @classmethod
    def load(cls, path: Path = CARD) -> Calibration:
        values = dict(DEFAULT_CALIBRATION)
        if path.is_file():
            values.update(json.loads(path.read_text()).get("calibration", {}))
        return cls(float(values["slope"]), float(values["intercept"]), float(values["abstain_below"]))

    @classmethod
    def for_weights(cls, weights: Path) -> Calibration:
        """The calibration in the weights' own card, or the shipped one when their card has none."""
        card = card_for(weights)
        fitted = json.loads(card.read_text()).get("calibration") if card.is_file() else None
        return cls.load(CARD) if fitted is None else cls.load(card)


@dataclass(frozen=True)
class _Live:
    """One index and everything derived from it; replaced whole."""

    index: LoadedIndex
    retriever: Retriever
    dates: dict[int, date]  # doc_row -> its article's date, for the dated ones
    newest: date | None

    @classmethod
    def of(cls, index: LoadedIndex) -> _Live:
        dates = {}
        for row, doc in enumerate(index.documents):
            try:
                dates[row] = date.fromisoformat(doc.date) if doc.date else None
            except ValueError:
                dates[row] = None
        known = {r: d for r, d in dates.items() if d is not None}
        return cls(index, Retriever(index), known, max(known.values()) if known else None)

    def dated(self, span: DateRange, within: list[int] | None) -> list[int]:
        rows = within if within is not None else list(self.dates)
        return [r for r in rows if r in self.dates and span.contains(self.dates[r])]


@dataclass(frozen=True)
class Piece:
    """A stretch of one document the reader reads: [start, end) of documents[doc_row].text."""

    doc_row: int
    start: int
    end: int
    first_sentence: int
    end_sentence: int  # exclusive
    rank: int  # retrieval rank of its best passage


class Answerer:
    def __init__(self, corpus_dir: Path, index_dir: Path, model: str | None = None,
                 reader_path: Path | None = None, read_passages: int = READ_PASSAGES) -> None:
        if read_passages < 1:
            raise ValueError("read_passages must be at least 1")
        self.corpus_dir = Path(corpus_dir)
        self.index_dir = Path(index_dir)
        self.embedder = Embedder(model)
        self.batcher = MicroBatcher(self.embedder.encode_questions)
        self.reader_path = Path(reader_path) if reader_path else configured_weights()
        self.read_passages = read_passages
        self.reader: Reader | None = None
        self.calibration = Calibration.for_weights(self.reader_path)
        self.build_report = None
        self._live: _Live | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> LoadedIndex | None:
        live = self._live
        return live.index if live else None

    def load(self, progress: bool = False) -> Answerer:
        """Load (building or refreshing if needed) the index, the model and the reader. Safe to call twice."""
        with self._lock:
            if self._live is None:
                self.embedder.load()
                index, report = ensure_index(self.corpus_dir, self.index_dir, self.embedder, progress=progress)
                # One question is one small search: FAISS's OpenMP threads only add hand-off cost.
                faiss.omp_set_num_threads(1)
                self.reader = Reader.load(self.reader_path, ReaderConfig())
                self.swap(index)
                self.build_report = report
        return self

    def swap(self, index: LoadedIndex) -> None:
        """Make `index` the live one: everything derived is built first, then one assignment swaps it."""
        self._live = _Live.of(index)

    # ------------------------------------------------------------------ asking

    def embed_question(self, question: str) -> np.ndarray:
        return self.batcher.encode_one(question)

    def scope_rows(self, scope: tuple[str, ...] | list[str], index: LoadedIndex | None = None) -> list[int]:
        """Document rows of a scope; raises UnknownDocument for an id the index does not hold."""
        index = index or self.index
        assert index is not None
        rows = []
        for doc_id in scope:
            row = index.doc_rows.get(doc_id)
            if row is None:
                raise UnknownDocument(doc_id)
            rows.append(row)
        return rows

    def ask(
        self, question: str, context: Context | None = None, resolved: str | None = None,
        question_vector: np.ndarray | None = None,
    ) -> Answer:
        """Answer `resolved` (the standalone form of `question`, defaulting to it)."""
        if self._live is None:
            self.load()
        live = self._live
        assert live is not None and self.reader is not None
        index = live.index
        context = context or Context()
        question = validate_question(question)
        resolved = " ".join((resolved or question).split())
        allowed = self.scope_rows(context.scope, index) if context.scope else None
        request = summary_request(question)
        if request is not None:
            return self._summary(live, question, request.scope, context, allowed)
        if live.newest is not None:
            # "What did the briefing say on February 2?", "this week's news about X": articles of those
            # dates, when the briefing has any (otherwise the date is what the question asks about).
            named = question_dates(resolved, live.newest)
            dated = live.dated(named, allowed) if named else []
            if dated:
                allowed = dated
        vector = question_vector if question_vector is not None else self.embed_question(resolved)
        pieces = self._pieces(live, question, resolved, context, vector, allowed)
        if not pieces:
            return self._abstain(index, question, resolved, [], "The briefing is empty: nothing is indexed yet."
                                 if not allowed else "Nothing is indexed for this article yet.")
        texts = piece_texts(index, pieces)
        reading = self.reader.reading(context.reader_question or resolved, texts,
                                      history=history_text(context.history))
        if not reading.spans:
            return self._abstain(index, question, resolved, pieces)
        best, older = self._prefer_newer(live, pieces, reading.spans)
        confidence = self.calibration.probability(best.margin)
        if confidence < self.calibration.abstain_below:
            return self._abstain(index, question, resolved, pieces, confidence=confidence)
        answer = self._answer(index, question, resolved, pieces[best.context], best, confidence)
        if older is not None:
            self._note_older(index, answer, pieces[older.context], older)
        return answer

    def _prefer_newer(self, live: _Live, pieces: list[Piece], spans: list[Span]) -> tuple[Span, Span | None]:
        """Between nearly equal readings from articles of different dates, the newest article's wins (a
        briefing grows; the newer telling is the current one). Returns (chosen, the best older telling among
        the nearly equal ones, or None), whichever of them the reader happened to rank first."""
        best = spans[0]
        if live.dates.get(pieces[best.context].doc_row) is None:
            return best, None  # an undated best reading: no date to compare it with
        close = [s for s in spans if s.margin >= best.margin - NEWER_WITHIN]
        dated = [(d, s) for s in close if (d := live.dates.get(pieces[s.context].doc_row))]
        newest = max(d for d, _ in dated)
        chosen = next(s for d, s in dated if d == newest)
        older = next((s for d, s in dated if d < newest), None)
        return chosen, older

    def _note_older(self, index: LoadedIndex, answer: Answer, piece: Piece, older: Span) -> None:
        """Show what the older article said, and when, beside the newer answer."""
        row, start, end = place_span(index, piece, older)
        citation = self._citation(index, row, (start, end))
        if any(c.doc_id == citation.doc_id and c.start == citation.start for c in answer.citations):
            return
        said = index.documents[piece.doc_row].text[start:end]
        if normalize(said) == normalize(answer.answer or ""):
            return  # the older article says the same: nothing to tell apart
        answer.citations.append(citation)
        answer.message += f" (An older article, of {citation.date}, says: \u201c{said}\u201d.)"

    def _pieces(self, live: _Live, question: str, resolved: str, context: Context, vector: np.ndarray,
                allowed: list[int] | None) -> list[Piece]:
        """What the reader reads: retrieval's top passages, the anchors' passages, merged into pieces (for a
        question about the source of the previous answer, that answer's passage and its neighbours only)."""
        index = live.index
        if context.source_of is not None:
            # "Who said so?" asks for the source of one statement: read only its passage and neighbours, so
            # that another sentence naming a source cannot outscore it.
            own = self._with_anchor(index, [], context.source_of)
            if own:
                return merge_pieces(index, own)
        prefer = index.doc_rows.get(context.doc_id) if context.doc_id else None
        retrieval = live.retriever.search(
            resolved, vector, k=max(6, self.read_passages), prefer_doc=prefer,
            prefer_weight=PREFER_FOLLOWUP if resolved != question else PREFER_AMBIGUOUS, allowed_docs=allowed,
        )
        if not retrieval.passages:
            return []
        rows = [p.row for p in retrieval.passages[: self.read_passages]]
        return merge_pieces(index, self._with_anchor(index, rows, context.anchor))

    def texts_read(self, question: str, context: Context | None = None) -> list[str]:
        """The texts the reader would read for `question` (for bench/latency.py's floor)."""
        live = self._live
        assert live is not None
        context = context or Context()
        allowed = self.scope_rows(context.scope, live.index) if context.scope else None
        pieces = self._pieces(live, question, question, context, self.embed_question(question), allowed)
        return piece_texts(live.index, pieces)

    def _with_anchor(self, index: LoadedIndex, rows: list[int], anchor: tuple[str, int, int] | None) -> list[int]:
        """Add the passage of the previous answer's sentence (and its neighbours) to those read."""
        if anchor is None:
            return rows
        sentence = index.sentence_at(anchor[0], anchor[1])
        if sentence is None:
            return rows
        holding = index.passage_holding(sentence)
        if holding is None:
            return rows
        doc = int(index.passages[holding, 0])
        extra = [r for r in range(holding - ANCHOR_NEIGHBOURS, holding + ANCHOR_NEIGHBOURS + 1)
                 if 0 <= r < len(index.passages) and int(index.passages[r, 0]) == doc]
        return [*extra, *(r for r in rows if r not in extra)]

    # ---------------------------------------------------------------- results

    @staticmethod
    def _citation(index: LoadedIndex, row: int, answer: tuple[int, int] | None = None) -> Citation:
        d, s, e = (int(x) for x in index.sentences[row])
        doc = index.documents[d]
        return Citation(
            doc.doc_id, doc.title, doc.date, s, e, doc.text[s:e],
            answer[0] if answer else None, answer[1] if answer else None,
        )

    def _answer(self, index: LoadedIndex, question: str, resolved: str, piece: Piece, span: Span,
                confidence: float) -> Answer:
        doc = index.documents[piece.doc_row]
        row, start, end = place_span(index, piece, span)
        citations = [self._citation(index, row, (start, end))]
        sentence_start = int(index.sentences[row, 1])
        when = date_value(doc.text[start:end], doc.date, citations[0].text, start - sentence_start)
        return Answer(
            question=question, resolved_question=resolved, answer=doc.text[start:end],
            message=citations[0].text, confidence=confidence, kind="answer", citations=citations,
            doc_id=doc.doc_id, answer_start=start, answer_end=end,
            date_value=when.to_dict() if when else None,
        )

    def _abstain(self, index: LoadedIndex, question: str, resolved: str, pieces: list[Piece],
                 message: str | None = None, confidence: float = 0.0) -> Answer:
        related = []
        for piece in pieces[:3]:
            related.append(self._citation(index, piece.first_sentence))
        return Answer(
            question=question, resolved_question=resolved, answer=None,
            message=message or "The briefing does not say. These passages are the closest it has.",
            confidence=confidence, kind="abstain", related=related,
        )


    def _summary(self, live: _Live, question: str, scope: str, context: Context, allowed: list[int] | None) -> Answer:
        """An extractive digest: a few sentences, one a topic, of the articles in scope (the conversation's
        scope; "this article": the one in play; otherwise the newest date's articles), in reading order."""
        index = live.index
        if allowed:
            docs = allowed
        elif scope == "article" and context.doc_id in index.doc_rows:
            docs = [index.doc_rows[context.doc_id]]
        elif live.newest is not None:
            docs = [r for r, d in live.dates.items() if d == live.newest]
        else:
            docs = list(range(len(index.documents)))
        rows = digest(index, docs) if docs else []
        if not rows:
            return self._abstain(index, question, question, [], "There is nothing in scope to summarise yet.")
        span = tuple(int(x) for x in index.sentences[rows[0], 1:])
        citations = [self._citation(index, rows[0], span)] + [self._citation(index, r) for r in rows[1:]]  # type: ignore[arg-type]
        first = citations[0]
        return Answer(
            question=question, resolved_question=question, answer=first.text,
            message=" ".join(c.text for c in citations), confidence=1.0, kind="summary", citations=citations,
            doc_id=first.doc_id, answer_start=first.start, answer_end=first.end, answer_type="summary",
        )


def history_text(history: tuple[tuple[str, str], ...]) -> str:
    """Earlier turns as the reader sees them: "question answer" pairs, oldest first."""
    return " ".join(f"{q} {a}" for q, a in history if a)


def merge_pieces(index: LoadedIndex, passage_rows: list[int]) -> list[Piece]:
    """The passages to read, as stretches of text: passages of one document that overlap or touch are
    read as one piece (passages share a sentence), so no sentence is read twice. Ordered by retrieval."""
    by_doc: dict[int, list[tuple[int, int, int]]] = {}
    for rank, row in enumerate(passage_rows):
        doc, _, _, first, end = (int(x) for x in index.passages[row])
        by_doc.setdefault(doc, []).append((first, end, rank))
    pieces = []
    for doc, ranges in by_doc.items():
        ranges.sort()
        merged: list[list[int]] = []
        for first, end, rank in ranges:
            if merged and first <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
                merged[-1][2] = min(merged[-1][2], rank)
            else:
                merged.append([first, end, rank])
        for first, end, rank in merged:
            start = int(index.sentences[first, 1])
            stop = int(index.sentences[end - 1, 2])
            pieces.append(Piece(doc, start, stop, first, end, rank))
    pieces.sort(key=lambda p: p.rank)
    return pieces


def piece_texts(index: LoadedIndex, pieces: list[Piece]) -> list[str]:
    return [index.documents[p.doc_row].text[p.start: p.end] for p in pieces]


def place_span(index: LoadedIndex, piece: Piece, span: Span) -> tuple[int, int, int]:
    """(sentence row, start, end) of a span read in `piece`, in document offsets. The citation is the
    sentence holding the span's start; a span running past its end (rare, and nearly always a reader's
    over-reach) is cut there, so the quote and its citation agree."""
    start, end = piece.start + span.start, piece.start + span.end
    row = sentence_holding(index, piece, start)
    end = min(end, int(index.sentences[row, 2]))
    text = index.documents[piece.doc_row].text
    while end > start and text[end - 1].isspace():
        end -= 1
    return row, start, end


def sentence_holding(index: LoadedIndex, piece: Piece, offset: int) -> int:
    """The sentence of the piece that holds the character `offset` (the last one starting at or before it)."""
    starts = index.sentences[piece.first_sentence: piece.end_sentence, 1]
    position = int(np.searchsorted(starts, offset, side="right")) - 1
    return piece.first_sentence + max(0, position)


def validate_question(question: object) -> str:
    if not isinstance(question, str):
        raise QuestionError("question must be a string")
    if not question.strip():
        raise QuestionError("question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"question is longer than {MAX_QUESTION_CHARS} characters ({len(question)})")
    return question.strip()
