"""scripts/fit_followup_judge.py: the judge's fit and threshold, on made-up recorded follow-ups."""

from __future__ import annotations

import random
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))  # scripts/ is a folder of scripts, not an installed package

from scripts.fit_followup_judge import fit  # noqa: E402


def _row(kind: str, history_logit: float, alone_logit: float, f1s: list[float]) -> dict:
    # features: own, other, agree, history form, history form * short, short
    return {"id": "s#2", "kind": kind, "history": [history_logit, alone_logit, 0.0, 1.0, 0.0, 0.0],
            "alone": [alone_logit, history_logit, 0.0, 0.0, 0.0, 0.0], "f1": f1s}


def _rows() -> list[dict]:
    """Answerable follow-ups whose sure reading is right (half the time the history one, half the rewrite),
    and "unknown" ones where both readings are unsure."""
    rng = random.Random(3)
    rows = []
    for n in range(400):
        sure, unsure = rng.uniform(0.5, 3.0), rng.uniform(-3.0, -0.5)
        rows.append(_row("span", sure, unsure, [1.0, 0.0]) if n % 2 else _row("span", unsure, sure, [0.0, 1.0]))
    rows += [_row("unknown", rng.uniform(-4.0, -1.0), rng.uniform(-4.0, -1.0), [0.0, 0.0]) for _ in range(20)]
    return rows


def test_the_fitted_judge_keeps_the_right_reading_and_declines_the_unanswerable() -> None:
    judge, report = fit(_rows(), unanswerable_share=0.2)
    assert judge.weights[0] > 0  # a surer reading is likelier right
    assert report["span_f1_never_declining"] == 1.0  # it always kept the right reading
    assert 0.0 < judge.abstain_below < 0.8
    assert report["unknown_declined"] >= 0.9
    assert report["answerable_declined"] <= 0.05
    assert report["turns"] == 420 and report["unknown"] == 20


def test_without_unknown_turns_to_weigh_nothing_is_declined() -> None:
    rows = [r for r in _rows() if r["kind"] == "span"]
    judge, report = fit(rows, unanswerable_share=0.2)
    assert judge.abstain_below == 0.0
    assert report["answerable_declined"] == 0.0 and report["unknown_declined"] is None
