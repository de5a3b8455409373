"""qa/followup_judge.py: which of a follow-up's two readings is kept, and its card entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answers import Answer
from qa.followup_judge import FEATURES, FollowupJudge, agree, features


def _reading(answer: str | None, confidence: float, doc: str = "d1", start: int = 10) -> Answer:
    return Answer(question="q", resolved_question="q", answer=answer, message=answer or "", confidence=confidence,
                  kind="answer" if answer else "abstain", doc_id=doc if answer else None,
                  answer_start=start if answer else None, answer_end=start + len(answer) if answer else None)


@pytest.mark.parametrize(("a", "b", "same"), [
    (_reading("Marco Rubio", 0.5), _reading("Rubio", 0.5, start=16), True),  # overlapping spans
    (_reading("Marco Rubio", 0.5), _reading("February 4", 0.5, start=40), False),  # apart
    (_reading("Marco Rubio", 0.5), _reading("Marco Rubio", 0.5, doc="d2"), False),  # another article
    (_reading("Marco Rubio", 0.5), _reading(None, 0.0), False),  # nothing read
], ids=["overlap", "apart", "other-article", "declined"])
def test_two_readings_agree_when_they_quote_overlapping_text(a: Answer, b: Answer, same: bool) -> None:
    assert agree(a, b) is same
    assert agree(b, a) is same


def test_features_follow_the_declared_order() -> None:
    sure, unsure = _reading("Marco Rubio", 0.9), _reading("February 4", 0.1, start=40)
    row = dict(zip(FEATURES, features("Why?", sure, unsure, True), strict=True))
    assert row["own"] > 2 > -2 > row["other"]  # logits of 0.9 and 0.1
    assert (row["agree"], row["history_form"], row["history_form_short"], row["short"]) == (0.0, 1.0, 1.0, 1.0)
    long_question = features("When did the minister say the meeting would be held?", sure, unsure, False)
    assert long_question[3:] == [0.0, 0.0, 0.0]


def test_the_judge_keeps_the_reading_it_trusts_more() -> None:
    history, alone = _reading("Marco Rubio", 0.3), _reading("February 4", 0.6, start=40)
    by_confidence = FollowupJudge((1.0, 0.0, 0.0, 0.0, 0.0, 0.0), 0.0, 0.0)
    assert by_confidence.choose("Who?", history, alone)[0] is alone
    leaning_on_history = FollowupJudge((1.0, 0.0, 0.0, 3.0, 0.0, 0.0), 0.0, 0.0)
    kept, probability = leaning_on_history.choose("Who?", history, alone)
    assert kept is history
    assert probability == pytest.approx(leaning_on_history.probability("Who?", history, alone, True))
    assert 0.0 < probability < 1.0


def test_agreeing_readings_raise_the_judges_trust_when_it_learned_so() -> None:
    judge = FollowupJudge((1.0, 0.0, 2.0, 0.0, 0.0, 0.0), 0.0, 0.0)
    a = _reading("Marco Rubio", 0.4)
    assert judge.probability("q", a, _reading("Rubio", 0.4, start=16), True) > \
        judge.probability("q", a, _reading("February 4", 0.4, start=40), True)


def test_a_card_round_trips_the_judge_and_refuses_other_features(tmp_path: Path) -> None:
    judge = FollowupJudge((0.5, 0.25, 0.5, 0.1, -0.2, 0.3), -1.5, 0.22)
    card = tmp_path / "reader.json"
    card.write_text(json.dumps({"sha256": "x", "followup_judge": judge.to_dict()}))
    assert FollowupJudge.for_card(card) == judge
    assert FollowupJudge.for_card(tmp_path / "missing.json") is None
    stale = {**judge.to_dict(), "features": ["own", "other"]}
    with pytest.raises(ValueError, match="refit"):
        FollowupJudge.from_dict(stale)
    with pytest.raises(ValueError, match="needs 6 weights"):
        FollowupJudge((1.0,), 0.0, 0.5)
