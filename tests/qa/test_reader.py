"""The trained reader: exact character offsets, windows over long text, history in its input, and weights
that refuse to load when damaged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.reader import CARD, WEIGHTS, Reader, ReaderConfig, ReaderError, query_text

pytestmark = pytest.mark.slow

PASSAGE = (
    "The Critical Minerals Ministerial will be held in Washington on February 4. It is convened by "
    "US Secretary of State Marco Rubio, and ministers from more than fifty countries are expected."
)


@pytest.fixture(scope="module")
def reader(single_thread_torch: None) -> Reader:
    return Reader.load()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who convened the Critical Minerals Ministerial?", "Marco Rubio"),
        ("Where will the ministerial be held?", "Washington"),
        ("When will the ministerial be held?", "February 4"),
    ],
    ids=["who", "where", "when"],
)
def test_answers_are_exact_slices_of_the_context(reader: Reader, question: str, expected: str) -> None:
    span = reader.read(question, [PASSAGE])[0]
    assert PASSAGE[span.start: span.end].strip() == PASSAGE[span.start: span.end]
    assert expected in PASSAGE[span.start: span.end]
    assert span.end - span.start <= len(expected) + 25


def test_offsets_hold_in_a_later_window_of_a_long_context(reader: Reader) -> None:
    """A context longer than one window is read in overlapping windows; offsets stay the context's own."""
    filler = " ".join(f"Paragraph {i} talks about the weather in the north, which was mild and dry." for i in range(40))
    context = filler + " " + PASSAGE
    span = reader.read("Who convened the Critical Minerals Ministerial?", [context])[0]
    assert span.window > 0
    assert "Marco Rubio" in context[span.start: span.end]


def test_each_context_gets_its_best_span_best_first(reader: Reader) -> None:
    other = "The weather in Oslo was cold on Monday, with snow in the afternoon."
    reading = reader.reading("Who convened the Critical Minerals Ministerial?", [other, PASSAGE])
    assert {s.context for s in reading.spans} == {0, 1}
    assert reading.spans[0].context == 1
    assert reading.spans[0].margin >= reading.spans[1].margin


def test_empty_contexts_read_nothing(reader: Reader) -> None:
    assert reader.read("Who?", []) == []


def test_query_text_keeps_the_question_and_cuts_old_history(reader: Reader) -> None:
    question = "When will it be held?"
    history = " ".join(["Who convened the meeting? Marco Rubio."] * 50)
    text = query_text(reader.tokenizer, question, history, 192)
    assert text.endswith(question)
    assert "[SEP]" in text
    assert len(reader.tokenizer(text, add_special_tokens=False)["input_ids"]) <= 192 // 3
    assert query_text(reader.tokenizer, question, "", 192) == question


def test_damaged_weights_are_refused(tmp_path: Path) -> None:
    weights = tmp_path / "reader.safetensors"
    shutil.copy(WEIGHTS, weights)
    shutil.copy(CARD, tmp_path / "reader.json")
    with weights.open("r+b") as handle:
        handle.seek(-16, 2)
        handle.write(b"\x00" * 16)
    with pytest.raises(ReaderError, match="sha256"):
        Reader.load(weights, ReaderConfig(quantize=False))


def test_missing_weights_say_how_to_get_them(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="train_reader"):
        Reader.load(tmp_path / "reader.safetensors")


def test_the_shipped_weights_are_small_and_recorded() -> None:
    card = json.loads(CARD.read_text())
    assert WEIGHTS.stat().st_size == card["bytes"] <= 25 * 1024 * 1024
    assert len(card["sha256"]) == 64



def test_other_weights_bring_their_own_calibration_or_the_shipped_one(tmp_path: Path, monkeypatch) -> None:
    """QA_READER_WEIGHTS swaps the reader (to compare trained weights); its card's calibration goes with it."""
    from qa.answerer import Answerer, Calibration

    weights = tmp_path / "other.safetensors"
    shutil.copy(WEIGHTS, weights)
    card = json.loads(CARD.read_text())
    card.pop("calibration")
    (tmp_path / "other.json").write_text(json.dumps(card))
    monkeypatch.setenv("QA_READER_WEIGHTS", str(weights))
    answerer = Answerer(tmp_path / "corpus", tmp_path / "index")
    assert answerer.reader_path == weights
    assert answerer.calibration == Calibration.load(CARD)

    card["calibration"] = {"slope": 1.0, "intercept": 0.0, "abstain_below": 0.5}
    (tmp_path / "other.json").write_text(json.dumps(card))
    assert Answerer(tmp_path / "corpus", tmp_path / "index").calibration == Calibration(1.0, 0.0, 0.5)
