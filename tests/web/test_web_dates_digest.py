"""Rendering of stored replies that carry a date reading or a digest (no model, no browser)."""

from __future__ import annotations

from typing import Any

from web_assertions import Element, parse_html

from qa.answers import Answer, Citation
from qa.dates import date_value
from web import schemas
from web.views import TurnView, templates

TEXT = "Ahead of the Ministerial, it will be held on February 4 in Washington."
START = 100
CITATION = {"doc_id": "doc/1", "title": "A title", "date": "2026-02-02", "start": START, "end": START + len(TEXT),
            "text": TEXT, "answer_start": START + TEXT.index("February 4"),
            "answer_end": START + TEXT.index("February 4") + len("February 4")}
DIGEST_LINES = [
    "Jaishankar will visit the United States for the Critical Minerals Ministerial.",
    "Scott Bessent convened a Finance Ministerial in Washington earlier this month.",
    "A Congressional delegation met Defence Secretary Rajesh Kumar Singh.",
]


def render(payload: dict[str, Any]) -> Element:
    html = templates.get_template("fragment_turn.html").render(t=TurnView.from_payload(2, payload))
    return parse_html(html).find("article", class_="turn").find(class_="reply")


def answer_payload(**overrides: object) -> dict[str, Any]:
    base = {"question": "When is it?", "resolved_question": "When is it?", "answer": "February 4",
            "message": TEXT, "confidence": 0.9, "citations": [CITATION], "related": [], "kind": "answer"}
    return {**base, **overrides}


def digest_payload(doc_ids: list[str]) -> dict[str, Any]:
    citations, offset = [], 0
    for doc_id, line in zip(doc_ids, DIGEST_LINES, strict=True):
        citations.append({"doc_id": doc_id, "title": f"Title of {doc_id}", "date": "2026-02-02", "start": offset,
                          "end": offset + len(line), "text": line})
        offset += len(line) + 1
    return {"question": "What is the briefing about?", "resolved_question": "What is the briefing about?",
            "answer": None, "message": " ".join(DIGEST_LINES), "confidence": 1.0, "citations": citations,
            "related": [], "kind": "summary"}


def test_a_date_answer_shows_its_calendar_day_beside_the_exact_quote() -> None:
    value = date_value("February 4", "2026-02-02")
    assert value is not None
    reply = render(answer_payload(date_value=value.to_dict()))
    line = reply.find("p", class_="reply__date")
    assert " ".join(line.text.split()) == "February 4 · Wed 4 Feb 2026"
    time = line.find("time")
    assert time.attrs["datetime"] == "2026-02-04" and "data-end" not in time.attrs
    quote = reply.find("blockquote", class_="reply__quote")
    assert quote.find("mark").text == "February 4"
    assert quote.find("p").text == TEXT + "[1]"  # the quote is untouched by the reading


def test_a_date_range_keeps_both_ends() -> None:
    value = date_value("February 2-4", "2026-02-02")
    assert value is not None
    time = render(answer_payload(answer="February 2-4", date_value=value.to_dict())).find("time")
    assert (time.attrs["datetime"], time.attrs["data-end"], time.text) == ("2026-02-02", "2026-02-04", "2–4 Feb 2026")


def test_replies_without_a_date_reading_show_none() -> None:
    assert render(answer_payload()).find_all(class_="reply__date") == []  # turns stored before date_value
    assert render(answer_payload(date_value=None)).find_all(class_="reply__date") == []


def test_a_digest_of_one_article_is_a_list_of_its_cited_sentences() -> None:
    reply = render(digest_payload(["doc/1"] * 3))
    assert "reply--summary" in reply.classes
    assert reply.find_all(class_="reply__answer") == []
    items = reply.find("ol", class_="digest").find_all("li", class_="digest__item")
    assert [i.find("blockquote").find("p").text for i in items] == [f"{line}[{n}]" for n, line in
                                                                      enumerate(DIGEST_LINES, 1)]
    refs = [i.find("a", class_="reply__ref").attrs["href"] for i in items]
    assert refs[0] == f"/documents/doc%2F1?start=0&end={len(DIGEST_LINES[0])}#cited" and len(set(refs)) == 3
    assert reply.find_all(class_="digest__source") == []
    assert len(reply.find_all("a", class_="chip")) == 1  # the one article, once


def test_a_digest_of_several_articles_names_each_lines_source() -> None:
    reply = render(digest_payload(["a", "b", "c"]))
    sources = [s.text for s in reply.find_all(class_="digest__source")]
    assert sources == ["Title of a · 2026-02-02", "Title of b · 2026-02-02", "Title of c · 2026-02-02"]
    assert reply.find_all("a", class_="chip") == []


def test_a_digest_without_citations_falls_back_to_its_message() -> None:
    reply = render({**digest_payload(["a", "b", "c"]), "citations": [], "message": "The briefing is empty."})
    assert reply.find("p", class_="reply__message").text == "The briefing is empty."
    assert reply.find_all("ol", class_="digest") == []


def test_the_wire_shape_carries_kind_and_date_value() -> None:
    value = date_value("February 4", "2026-02-02")
    assert value is not None
    cited = Citation(**{k: CITATION[k] for k in ("doc_id", "title", "date", "start", "end", "text")})
    answer = Answer(question="When is it?", resolved_question="When is it?", answer="February 4", message=TEXT,
                    confidence=0.9, kind="answer", citations=[cited], date_value=value.to_dict())
    payload = answer.to_dict()
    assert payload["kind"] == "answer" and payload["date_value"] == value.to_dict()
    response = schemas.AskResponse.model_validate({"conversation_id": "c1", **payload}).model_dump()
    assert response["date_value"] == {"start": "2026-02-04", "end": "2026-02-04", "label": "Wed 4 Feb 2026"}
    assert response["kind"] == "answer"
    plain = Answer(question="Hi", resolved_question="Hi", answer=None, message="Hello!", confidence=1.0,
                   kind="smalltalk").to_dict()
    assert schemas.AskResponse.model_validate({"conversation_id": "c1", **plain}).date_value is None
