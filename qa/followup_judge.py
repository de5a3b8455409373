"""Which of a follow-up's two readings to keep, and whether to keep either: a small model fitted on CoQA.

A follow-up is read twice over the same passages (qa.chat, the "either" form): as asked after the earlier
turns, and as its rewrite alone. Keeping the reading with the higher calibrated confidence leaves much on
the table: on CoQA's held-out stories the better of the two per turn reads span F1 ~0.52 where the surer
one reads ~0.40, and the surer one's confidence says little about whether *the pair* is right, because that
calibration was fitted on single questions. The judge is a logistic regression over both readings
(scripts/fit_followup_judge.py): for each reading, the probability that it is right (F1 >= 0.5) given its
own confidence, the other reading's, whether the two agree (overlapping spans), which form it is, and
whether the question is short ("Why?", "What else did he say?"). The reply is the reading the judge
trusts more, and the follow-up is declined when the judge trusts neither enough: the threshold is fitted
on the same stories to CoQA's scoring, where declining an "unknown" turn scores 1 and declining an
answerable one scores 0.

The coefficients belong to the reader weights they were fitted with and live in the weights' card
(`followup_judge` in qa/data/reader.json); weights without them read follow-ups the old way.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from qa.answers import Answer

FEATURES = ("own", "other", "agree", "history_form", "history_form_short", "short")
SHORT_WORDS = 4  # a question of at most this many words is "short"


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def agree(a: Answer, b: Answer) -> bool:
    """Whether the two readings quote overlapping text of the same document."""
    if a.answer is None or b.answer is None or a.doc_id != b.doc_id:
        return False
    if None in (a.answer_start, a.answer_end, b.answer_start, b.answer_end):
        return False
    return a.answer_start < b.answer_end and b.answer_start < a.answer_end  # type: ignore[operator]


def features(question: str, reading: Answer, other: Answer, history_form: bool) -> list[float]:
    """The judge's inputs for one reading, in FEATURES order."""
    short = float(len(question.split()) <= SHORT_WORDS)
    is_history = float(history_form)
    return [_logit(reading.confidence), _logit(other.confidence), float(agree(reading, other)), is_history,
            is_history * short, short]


@dataclass(frozen=True)
class FollowupJudge:
    weights: tuple[float, ...]  # one per FEATURES entry
    bias: float
    abstain_below: float

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"a follow-up judge needs {len(FEATURES)} weights ({', '.join(FEATURES)}), "
                             f"not {len(self.weights)}")

    def probability(self, question: str, reading: Answer, other: Answer, history_form: bool) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features(question, reading, other, history_form),
                                                  strict=True))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def choose(self, question: str, with_history: Answer, alone: Answer) -> tuple[Answer, float]:
        """The reading to keep and the probability that it is right. Readings must not be declined
        already (the answerer's own threshold is for single questions): the judge decides that."""
        p_history = self.probability(question, with_history, alone, True)
        p_alone = self.probability(question, alone, with_history, False)
        return (with_history, p_history) if p_history >= p_alone else (alone, p_alone)

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "weights": [round(w, 5) for w in self.weights],
                "bias": round(self.bias, 5), "abstain_below": round(self.abstain_below, 4)}

    @classmethod
    def from_dict(cls, values: dict) -> FollowupJudge:
        if list(values.get("features", FEATURES)) != list(FEATURES):
            raise ValueError(f"the card's follow-up judge uses features {values.get('features')}, "
                             f"this code reads {list(FEATURES)}: refit it (scripts/fit_followup_judge.py)")
        return cls(tuple(float(w) for w in values["weights"]), float(values["bias"]), float(values["abstain_below"]))

    @classmethod
    def for_card(cls, card: Path) -> FollowupJudge | None:
        """The judge fitted for the weights of this card, or None when none was."""
        if not card.is_file():
            return None
        values = json.loads(card.read_text()).get("followup_judge")
        return cls.from_dict(values) if values else None
