"""bench/coqa_eval.py without the model: the malformed-rewrite criterion, the gold answer kinds, and a
corpus whose doc_ids are the ones the index will give the stories."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))  # bench/ is a folder of scripts, not an installed package

from bench.coqa_eval import CORPUS_NAME, Story, gold_kind, malformed, read_stories, write_corpus  # noqa: E402
from index.ingest import parse_file  # noqa: E402


@pytest.mark.parametrize(
    ("question", "resolved", "rules"),
    [
        pytest.param("What did she do?", "What did Cotton do?", [], id="good-pronoun"),
        pytest.param("Who was with her mommy?", "Who was with Cotton's mommy?", [], id="good-possessive"),
        pytest.param("Why?", "What is the purpose of the meeting?", [], id="good-template"),
        pytest.param("And the date?", "When is the Critical Minerals Ministerial?", [], id="good-attribute"),
        pytest.param("Who was there?", "Who was there?", [], id="not-rewritten"),
        pytest.param("What did it cost?", "What did the the bridge cost?", ["repeated-word"], id="repeated-word"),
        pytest.param("Did she like her sister?", "Did Cotton like Cotton's Cotton?", ["doubled-possessive"],
                     id="doubled-possessive"),
        pytest.param("Who helped her?", "Who helped Cotton's?", ["dangling-possessive"], id="possessive-at-end"),
        pytest.param("Who went with her to school?", "Who went with Cotton's to school?", ["dangling-possessive"],
                     id="possessive-before-preposition"),
        pytest.param("What did he say?", "What did the man with a gun in the store on Monday morning say?",
                     ["long-substitution"], id="long-substitution"),
        pytest.param("Where did he go?", "Where did it go?", ["empty-substitution"], id="empty-substitution"),
        pytest.param("What did they eat?", "Cotton eat?", ["lost-wh"], id="lost-wh"),
        pytest.param("What did he do?", "What the old farmer?", ["lost-verb"], id="lost-verb"),
        pytest.param("Where's she from?", "Where's Heather Neroy from?", [], id="contracted-is-is-a-verb"),
        pytest.param("When?", "When did the US Congressional delegation hold discussions with Rajesh Kumar Singh?",
                     [], id="bare-wh-rebuilt-is-no-substitution"),
        pytest.param("What did he have?", "What did police officer in Chicago have?", ["person-as-bare-noun"],
                     id="person-as-bare-noun"),
        pytest.param("What is his clothing line?", "What is nick name's clothing line?", ["person-as-bare-noun"],
                     id="person-as-bare-noun-possessive"),
        pytest.param("And then what?", "How did she previously save then what and stuff she liked?", ["extra-wh"],
                     id="extra-wh"),
    ],
)
def test_malformed_rewrite_rules(question: str, resolved: str, rules: list[str]) -> None:
    assert malformed(question, resolved) == rules


@pytest.mark.parametrize(
    ("answer", "kind"),
    [("Yes", "yesno"), ("no.", "yesno"), ("unknown", "unknown"), ("Unknown", "unknown"),
     ("in a barn", "span"), ("no one", "span")],
)
def test_gold_kind(answer: str, kind: str) -> None:
    assert gold_kind(answer) == kind


def test_stories_by_source_and_limit_and_their_doc_ids(tmp_path: Path) -> None:
    data = tmp_path / "coqa.jsonl"
    rows = [{"id": f"s{i}", "source": source, "story": f"Story {i} is about {source}.\n\nIt ends here.",
             "turns": [{"question": "What?", "answer": "x", "rationale_start": 0, "rationale_end": 1}]}
            for i, source in enumerate(["cnn", "race", "cnn", "cnn"])]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    stories = read_stories(data, ["cnn"], limit=2)
    assert [s.id for s in stories] == ["s0", "s2"]
    assert all(isinstance(s, Story) and s.source == "cnn" for s in stories)

    corpus = tmp_path / "corpus"
    doc_ids = write_corpus(stories, corpus)
    raw = (corpus / CORPUS_NAME).read_text()
    indexed = {a.title: a.doc_id for a in parse_file(CORPUS_NAME, raw)}  # what the index will call them
    assert doc_ids == {s.id: indexed[f"cnn {s.id}"] for s in stories}
    assert len(set(doc_ids.values())) == 2
