"""bench/coqa_reader.py without the model: which history each form reads, what is scored, the margin AUC."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))  # bench/ is a folder of scripts, not an installed package

from bench.coqa_reader import auc, measure, read_story  # noqa: E402
from qa.reader import Reading, Span  # noqa: E402

STORY = "Anna went to Paris in May. She met Tom there. They ate cake by the river."


def _turn(question: str, answer: str, rationale: str = "") -> dict:
    start = STORY.index(rationale) if rationale else -1
    return {"question": question, "answer": answer, "rationale_start": start,
            "rationale_end": start + len(rationale) if rationale else -1}


STORY_RECORD = {"id": "s1", "source": "cnn", "story": STORY, "turns": [
    _turn("Where did Anna go?", "Paris", "Anna went to Paris"),
    _turn("Did she go alone?", "no", "She met Tom there"),
    _turn("Who did she meet?", "Tom", "She met Tom there"),
    _turn("What did they drink?", "unknown"),
]}


class ScriptedReader:
    """Answers each question with a fixed slice of the story and records the history it was given."""

    def __init__(self, answers: dict[str, tuple[str, float]]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str]] = []

    def reading(self, question: str, contexts: list[str], history: str = "") -> Reading:
        assert contexts == [STORY]  # the whole story, never retrieval's passages
        self.calls.append((question, history))
        text, margin = self.answers[question]
        start = STORY.index(text)
        return Reading([Span(0, start, start + len(text), score=margin, null_score=0.0)])


ANSWERS = {"Where did Anna go?": ("the river", 2.0), "Did she go alone?": ("Tom", 1.0),
           "Who did she meet?": ("Tom", 3.0), "What did they drink?": ("cake", -2.0)}


def test_each_form_reads_its_own_history() -> None:
    reader = ScriptedReader(ANSWERS)
    read = read_story(reader, STORY_RECORD)
    histories = {form: [h for _, h in reader.calls[i * 4:(i + 1) * 4]]
                 for i, form in enumerate(("none", "gold", "own"))}
    assert histories["none"] == ["", "", "", ""]
    # gold: the annotators' answers ("Paris", "no"); own: the reader's ("the river", "Tom"); two turns back
    assert histories["gold"][2] == "Where did Anna go? Paris Did she go alone? no"
    assert histories["own"][2] == "Where did Anna go? the river Did she go alone? Tom"
    assert histories["gold"][3] == "Did she go alone? no Who did she meet? Tom"
    assert [a for a, _ in read["own"]] == ["the river", "Tom", "Tom", "cake"]


def test_only_span_turns_are_scored_and_unknown_margins_are_kept() -> None:
    report = measure([STORY_RECORD], ScriptedReader(ANSWERS), threshold_margin=0.0)
    for name in ("overall", "cnn"):
        row = report[name]
        assert row["span_turns"] == 2  # "no" is a yes/no turn, "unknown" is not a span turn
        assert row["f1_none_history"] == 0.5  # "the river" for Paris scores 0, "Tom" for Tom scores 1
        assert row["extractive_ceiling"] == 1.0  # both answers are spans of their rationales
        assert row["unknown_turns"] == 1
        assert row["unknown_margin_auc"] == 1.0  # -2.0 is below both span margins
        assert row["unknown_declined_at_threshold"] == 1.0
        assert row["span_declined_at_threshold"] == 0.0
        assert row["span_declined_at_half_unknown"] == 0.0  # the unknown turn's -2.0 is below every span turn


@pytest.mark.parametrize(
    ("positive", "negative", "expected"),
    [
        pytest.param([3.0, 2.0], [1.0, 0.0], 1.0, id="separated"),
        pytest.param([0.0], [1.0, 2.0], 0.0, id="reversed"),
        pytest.param([1.0, 1.0], [1.0], 0.5, id="ties-count-half"),
        pytest.param([2.0, 0.0], [1.0], 0.5, id="one-above-one-below"),
        pytest.param([], [1.0], None, id="no-positives"),
    ],
)
def test_auc(positive: list[float], negative: list[float], expected: float | None) -> None:
    assert auc(positive, negative) == expected
