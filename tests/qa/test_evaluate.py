"""qa.evaluate: SQuAD normalisation, EM/F1, reading question sets, and the aggregate report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answers import Answer, Citation
from qa.evaluate import Case, Outcome, Report, evaluate, exact_match, f1, normalize, read_sets

# ---------------------------------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The Marco Rubio", "marco rubio", id="leading-article"),
        pytest.param("an apple a day", "apple day", id="all-articles"),
        pytest.param("Theatre", "theatre", id="article-only-as-a-word"),
        pytest.param("Marco Rubio.", "marco rubio", id="final-stop"),
        pytest.param("U.S. $5,000!", "us 5000", id="punctuation-inside"),
        pytest.param("rare-earth elements", "rareearth elements", id="hyphen-joins"),
        pytest.param("  many \t spaces\nhere ", "many spaces here", id="whitespace"),
        pytest.param("the", "", id="only-an-article"),
        pytest.param("", "", id="empty"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# ------------------------------------------------------------------------------------------- EM, F1


@pytest.mark.parametrize(
    ("prediction", "gold", "em", "f1_"),
    [
        pytest.param("Marco Rubio", "Marco Rubio", 1.0, 1.0, id="identical"),
        pytest.param("the Marco Rubio.", "marco rubio", 1.0, 1.0, id="article-case-punctuation"),
        pytest.param("US Secretary of State Marco Rubio", "Marco Rubio", 0.0, 0.5, id="superset"),
        pytest.param("Rubio", "Marco Rubio", 0.0, 2 / 3, id="subset"),
        pytest.param("on February 4", "February 4", 0.0, 0.8, id="extra-word"),
        pytest.param("Scott Bessent", "Marco Rubio", 0.0, 0.0, id="disjoint"),
        pytest.param("rare-earth elements", "rare earth elements", 0.0, 0.4, id="hyphen-differs"),
        pytest.param("a", "the", 1.0, 0.0, id="both-normalise-to-nothing"),
        pytest.param("India India", "India", 0.0, 2 / 3, id="repeated-token-counted-once-per-gold"),
    ],
)
def test_exact_match_and_f1(prediction: str, gold: str, em: float, f1_: float) -> None:
    assert exact_match(prediction, gold) == em
    assert f1(prediction, gold) == pytest.approx(f1_)


@pytest.mark.parametrize(
    ("a", "b"),
    [("US Secretary of State Marco Rubio", "Marco Rubio"), ("on February 4", "February 4"), ("x y z", "y")],
)
def test_f1_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert f1(a, b) == pytest.approx(f1(b, a))
    assert 0.0 <= f1(a, b) <= 1.0


# ---------------------------------------------------------------------------------------- read_sets


def _write_jsonl(path: Path, records: list[object | str]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8",
    )
    return path


def test_read_sets_singles_and_conversations(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "set.jsonl", [
        {"id": "s-1", "question": "Who convened it?", "answers": ["Marco Rubio"], "support": "convened by"},
        {"question": "What is the capital of France?", "answers": [], "support": None},
        "",
        {"id": "conv-9", "turns": [
            {"question": "Who convened the Critical Minerals Ministerial?", "answers": ["Marco Rubio"]},
            {"question": "When will it be held?", "answers": ["February 4"], "support": "held on February 4"},
            {"question": "Who represented India there?", "answers": ["S. Jaishankar"]},
        ]},
    ])
    singles, conversations = read_sets([path])

    assert [(c.id, c.question, c.answers, c.support, c.followup) for c in singles] == [
        ("s-1", "Who convened it?", ["Marco Rubio"], "convened by", False),
        ("2", "What is the capital of France?", [], None, False),  # no id: the line number
    ]
    assert len(conversations) == 1
    (turns,) = conversations
    assert [c.id for c in turns] == ["conv-9#1", "conv-9#2", "conv-9#3"]
    assert [c.followup for c in turns] == [False, True, True]
    assert turns[1].answers == ["February 4"] and turns[1].support == "held on February 4"
    assert turns[0].support is None


def test_read_sets_concatenates_files_in_order(tmp_path: Path) -> None:
    first = _write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "question": "A?", "answers": ["x"]}])
    second = _write_jsonl(tmp_path / "b.jsonl", [{"id": "b", "question": "B?", "answers": []}])
    singles, conversations = read_sets([first, second])
    assert [c.id for c in singles] == ["a", "b"]
    assert conversations == []


def test_read_sets_keeps_a_record_holding_a_unicode_line_separator_whole(tmp_path: Path) -> None:
    record = {"id": "q", "question": "Who said\u2028so?", "answers": ["the\x85ministry"]}
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    singles, _ = read_sets([path])
    assert [(c.question, c.answers) for c in singles] == [("Who said\u2028so?", ["the\x85ministry"])]


def test_read_sets_reads_the_seed_sets() -> None:
    folder = Path(__file__).resolve().parents[1] / "questions"
    singles, conversations = read_sets(sorted(folder.glob("seed_*.jsonl")))
    assert len(singles) >= 60 and conversations
    assert all(c.question.strip() for c in singles)
    assert len({c.id for c in singles}) == len(singles)
    assert all(not turns[0].followup and all(t.followup for t in turns[1:]) for turns in conversations)


@pytest.mark.parametrize(
    ("lines", "bad_line"),
    [
        pytest.param(['{"id": "a", "question": "A?", "answers": []}', '{"id": "b", "question": '], 2,
                     id="truncated"),
        pytest.param(["not json at all"], 1, id="first-line"),
        pytest.param(['{"id": "a", "question": "A?", "answers": []}', "", "{'single': 'quotes'}"], 3,
                     id="after-blank-line"),
    ],
)
def test_malformed_line_raises_value_error_naming_file_and_line(
    tmp_path: Path, lines: list[str], bad_line: int,
) -> None:
    path = _write_jsonl(tmp_path / "broken.jsonl", lines)
    with pytest.raises(ValueError, match=rf"broken\.jsonl:{bad_line}\b"):
        read_sets([path])


@pytest.mark.parametrize(
    "line",
    [
        pytest.param('{"id": "a", "answers": []}', id="no-question-key"),
        pytest.param("[1, 2]", id="not-an-object"),
    ],
)
def test_wrong_shaped_record_raises_value_error_naming_file_and_line(tmp_path: Path, line: str) -> None:
    path = _write_jsonl(tmp_path / "shape.jsonl", [line])
    with pytest.raises(ValueError, match=r"shape\.jsonl:1\b"):
        read_sets([path])


# -------------------------------------------------------------------------------------- the report


def _citation(text: str) -> Citation:
    return Citation("doc", "Title", "2026-02-02", 0, len(text), text)


def _answer(prediction: str | None, cited: str | None = None) -> Answer:
    return Answer(
        question="q", resolved_question="q", answer=prediction, message="m",
        confidence=0.9 if prediction else 0.1, kind="answer" if prediction else "abstain",
        citations=[_citation(cited)] if cited else [],
    )


def _outcome(
    answers: list[str], prediction: str | None, support: str | None = None, cited: str | None = None,
    followup: bool = False, case_id: str = "c",
) -> Outcome:
    return Outcome(Case(case_id, "q", answers, support, followup), _answer(prediction, cited))


@pytest.fixture
def report() -> Report:
    return Report([
        # answerable and right, its support quoted (modulo case and spacing) by the first citation
        _outcome(["Marco Rubio"], "Marco Rubio", "convened by  US Secretary of State Marco Rubio",
                 "It was Convened by US Secretary of State Marco Rubio, said the release.", case_id="right"),
        # answerable, wrong, its citation lacks the support
        _outcome(["February 4"], "January", "held on February 4", "said in January", case_id="wrong"),
        # answerable but abstained: a false abstention
        _outcome(["Washington"], None, "in Washington", case_id="false-abstention"),
        # unanswerable and abstained: a correct abstention
        _outcome([], None, case_id="correct-abstention"),
        # unanswerable but answered
        _outcome([], "Paris", cited="Paris is nice.", case_id="answered-unanswerable"),
        # a follow-up: partly right and supported
        _outcome(["February 4"], "on February 4", "to be held on February 4",
                 "the Ministerial, to be held on February 4 by Rubio", followup=True, case_id="followup"),
    ])


def test_report_metrics(report: Report) -> None:
    assert report.metrics() == {
        "questions": 6,
        "answerable": 3,
        "exact_match": round(1 / 3, 4),
        "f1": round(1 / 3, 4),
        "support": 0.5,  # right and followup are supported; wrong and false-abstention are not
        "followups": 1,
        "followup_f1": 0.8,
        "followup_exact_match": 0.0,
        "unanswerable": 2,
        "abstention_precision": 0.5,  # two abstentions, one of them on an answerable question
        "abstention_recall": 0.5,  # one of the two unanswerable questions abstained
        "false_abstentions": 1,
    }


def test_report_misses_lists_every_wrong_outcome(report: Report) -> None:
    misses = {m["id"]: m for m in report.misses()}
    assert set(misses) == {"wrong", "false-abstention", "answered-unanswerable", "followup"}
    assert misses["wrong"]["answered"] == "January" and misses["wrong"]["expected"] == ["February 4"]
    assert misses["followup"]["f1"] == 0.8


def test_empty_report_has_no_means() -> None:
    metrics = Report().metrics()
    assert metrics["questions"] == 0 and metrics["false_abstentions"] == 0
    for key in ("exact_match", "f1", "support", "followup_f1", "abstention_precision", "abstention_recall"):
        assert metrics[key] is None, key


def test_perfect_abstainer_on_unanswerables() -> None:
    metrics = Report([_outcome([], None), _outcome([], None)]).metrics()
    assert metrics["abstention_precision"] == 1.0 and metrics["abstention_recall"] == 1.0
    assert metrics["false_abstentions"] == 0 and metrics["answerable"] == 0 and metrics["exact_match"] is None


def test_best_over_several_gold_answers() -> None:
    outcome = _outcome(["Marco Rubio", "US Secretary of State Marco Rubio"], "Secretary of State Marco Rubio")
    assert outcome.em == 0.0
    assert outcome.f1 == pytest.approx(2 * (5 / 5) * (5 / 6) / (1 + 5 / 6))


# -------------------------------------------------------------------------------------- evaluate


def test_evaluate_routes_singles_and_conversations() -> None:
    singles = [Case("s1", "Who?", ["Marco Rubio"], None), Case("s2", "Where?", [], None)]
    conversations = [[Case("c#1", "First?", ["a"], None), Case("c#2", "Then?", ["b"], None, followup=True)]]
    asked: list[str] = []
    conversed: list[list[str]] = []

    def ask(question: str) -> Answer:
        asked.append(question)
        return _answer("Marco Rubio" if question == "Who?" else None)

    def converse(questions: list[str]) -> list[Answer]:
        conversed.append(questions)
        return [_answer("a"), _answer("b")]

    report = evaluate(singles, conversations, ask, converse)
    assert asked == ["Who?", "Where?"]
    assert conversed == [["First?", "Then?"]]
    assert [o.case.id for o in report.outcomes] == ["s1", "s2", "c#1", "c#2"]
    metrics = report.metrics()
    assert metrics["exact_match"] == 1.0 and metrics["followup_exact_match"] == 1.0
    assert metrics["abstention_recall"] == 1.0


def test_evaluate_without_converse_skips_conversations() -> None:
    conversations = [[Case("c#1", "First?", ["a"], None)]]
    report = evaluate([], conversations, lambda q: _answer(None))
    assert report.outcomes == []


def test_evaluate_rejects_a_conversation_answer_count_mismatch() -> None:
    conversations = [[Case("c#1", "First?", ["a"], None), Case("c#2", "Then?", ["b"], None, followup=True)]]
    with pytest.raises(ValueError):
        evaluate([], conversations, lambda q: _answer(None), lambda qs: [_answer("a")])
