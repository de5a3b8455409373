"""Rendering without the model: highlighting, each kind of reply, ranges, error flattening, headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_assertions import Element, parse_html

from qa.settings import Settings
from web.app import POLICY, create_app
from web.documents import cited_parts
from web.errors import RangeError, flatten
from web.views import TurnView, split_marked, templates

TEXT = "Ahead of the Ministerial, it will be held on February 4 in Washington."
CITATION = {"doc_id": "doc/1", "title": "A title", "date": "2026-02-02", "start": 100, "end": 100 + len(TEXT),
            "text": TEXT, "answer_start": 100 + TEXT.index("February 4"),
            "answer_end": 100 + TEXT.index("February 4") + len("February 4")}
PLAIN = {**CITATION, "answer_start": None, "answer_end": None}


def render(payload: dict[str, Any]) -> Element:
    html = templates.get_template("fragment_turn.html").render(t=TurnView.from_payload(3, payload))
    return parse_html(html).find("article", class_="turn")


def payload(**overrides: object) -> dict[str, Any]:
    base = {"question": "When is it?", "resolved_question": "When is it?", "answer": "February 4",
            "message": TEXT, "confidence": 0.9, "citations": [CITATION], "related": [], "kind": "answer"}
    return {**base, **overrides}


@pytest.mark.parametrize(("start", "end", "expected"), [
    pytest.param(105, 110, (TEXT[:5], TEXT[5:10], TEXT[10:]), id="inside"),
    pytest.param(None, None, (TEXT, "", ""), id="no-span"),
    pytest.param(90, 110, (TEXT, "", ""), id="starts-before"),
    pytest.param(110, 110, (TEXT, "", ""), id="empty-span"),
    pytest.param(110, 100 + len(TEXT) + 1, (TEXT, "", ""), id="ends-after"),
])
def test_split_marked(start: int | None, end: int | None, expected: tuple[str, str, str]) -> None:
    assert split_marked(TEXT, 100, start, end) == expected


def test_answer_shows_the_short_answer_the_marked_span_and_numbered_chips() -> None:
    turn = render(payload(citations=[CITATION, PLAIN]))
    assert turn.attrs["id"] == "turn-3"
    reply = turn.find(class_="reply")
    assert "reply--answer" in reply.classes
    assert reply.find(class_="reply__answer").text == "February 4"
    assert reply.find("blockquote").find("mark").text == "February 4"
    assert reply.find_all(class_="reply__understood") == []
    chips = reply.find_all("a", class_="chip")
    assert [c.find(class_="chip__number").text for c in chips] == ["1", "2"]
    assert chips[0].attrs["href"] == f"/documents/doc%2F1?start=100&end={100 + len(TEXT)}#cited"


def test_abstention_looks_different_and_links_the_related_passages() -> None:
    reply = render(payload(answer=None, kind="abstain", citations=[], related=[PLAIN, PLAIN],
                           message="The briefing does not say.")).find(class_="reply")
    assert "reply--abstain" in reply.classes and "reply--answer" not in reply.classes
    assert reply.find(class_="reply__label").text == "Not in the briefing"
    links = reply.find("ol", class_="related").find_all("a")
    assert [a.text for a in links] == [TEXT, TEXT] and all(a.attrs["href"].endswith("#cited") for a in links)
    assert reply.find_all(class_="reply__answer") == []


def test_small_talk_is_plain_and_follow_ups_say_how_they_were_understood() -> None:
    talk = render(payload(answer=None, kind="smalltalk", citations=[], message="Hello!")).find(class_="reply")
    assert "reply--smalltalk" in talk.classes and talk.find("p").text == "Hello!"
    follow = render(payload(question="When is it?", resolved_question="When is the Ministerial?"))
    assert follow.find(class_="reply__understood").find("q").text == "When is the Ministerial?"


def test_user_text_is_escaped_everywhere() -> None:
    evil = "<img src=x onerror=alert(1)>"
    bad_citation = {**CITATION, "title": evil, "text": evil + TEXT, "start": 100 - len(evil)}
    turn = render(payload(question=evil, resolved_question=evil + "?", answer=evil, citations=[bad_citation]))
    assert turn.find_all("img") == [] and turn.find_all("script") == []
    assert turn.find(class_="bubble--question").text == evil


def test_cited_parts_validates_the_range() -> None:
    assert cited_parts("abcdef", 1, 3) == ("a", "bc", "def")
    assert cited_parts("abcdef", None, None) == ("abcdef", "", "")
    for start, end in [(3, 3), (4, 2), (0, 7), (None, 2), (2, None)]:
        with pytest.raises(RangeError):
            cited_parts("abcdef", start, end)


@pytest.mark.parametrize(("errors", "sentence"), [
    pytest.param([{"type": "missing", "loc": ("body", "question"), "msg": "Field required"}],
                 "question: field required", id="missing"),
    pytest.param([{"type": "string_type", "loc": ("body", "question"), "msg": "Input should be a string"},
                  {"type": "string_type", "loc": ("body", "conversation_id"), "msg": "Must be text"}],
                 "question: input should be a string; conversation_id: must be text",
                 id="two-fields"),
    pytest.param([{"type": "missing", "loc": ("body",), "msg": "Field required"}],
                 "request body: field required", id="no-body"),
    pytest.param([{"type": "json_invalid", "loc": ("body", 1), "msg": "JSON decode error",
                   "ctx": {"error": "Expecting value"}}],
                 "request body is not valid JSON (Expecting value)", id="json"),
    pytest.param([], "the request is invalid", id="empty"),
])
def test_flatten_makes_one_sentence(errors: list[dict[str, Any]], sentence: str) -> None:
    assert flatten(errors) == sentence


def test_static_files_carry_the_csp_without_loading_the_model(tmp_path: Path) -> None:
    app = create_app(Settings(corpus_dir=tmp_path, index_dir=tmp_path / "index"))
    client = TestClient(app)  # no `with`: the lifespan (model, index) does not run
    for path in ("/static/chat.css", "/static/chat.js"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == POLICY
