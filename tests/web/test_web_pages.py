"""The HTML pages against the real model: structure, the no-JS form round trip, escaping, error pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from web_assertions import Element, parse_html

from web.pages import COOKIE

pytestmark = pytest.mark.slow

QUESTION = "Who convened the Critical Minerals Ministerial?"
FOLLOW_UP = "When will it be held?"
XSS = "<img src=x onerror=alert(1)>"


def post_form(client: TestClient, question: str, conversation_id: str = "") -> str:
    """Ask through the no-JS form; returns the conversation page's URL it redirects to."""
    response = client.post("/ask", data={"question": question, "conversation_id": conversation_id},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    location = response.headers["location"]
    assert location.startswith("/?c=")
    assert response.cookies.get(COOKIE) == parse_qs(urlsplit(location).query)["c"][0]
    return location


def page(client: TestClient, url: str, status: int = 200) -> Element:
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    return parse_html(response.text)


def turns(tree: Element) -> list[Element]:
    return tree.find("section", id="conversation").find_all("article", class_="turn")


def test_empty_chat_page_has_the_form_label_live_region_and_starters(fresh_client: TestClient) -> None:
    tree = page(fresh_client, "/")
    log = tree.find("section", id="conversation")
    assert log.attrs["aria-live"] == "polite" and turns(tree) == []

    form = tree.find("form", id="ask-form")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/ask")
    field = form.find("input", name="question")
    assert tree.find("label", for_=field.attrs["id"]).text.strip()
    assert form.find("input", name="conversation_id").attrs["type"] == "hidden"
    assert form.find("button").attrs["type"] == "submit"

    examples = fresh_client.app.state.chat.examples  # type: ignore[attr-defined]
    starters = tree.find("form", class_="starters")
    assert starters.attrs["action"] == "/ask"
    assert [b.attrs["value"] for b in starters.find_all("button", name="question")] == examples
    assert tree.find("form", action="/new").find("button").text.strip() == "New conversation"
    assert [s.attrs.get("src") for s in tree.find_all("script")] == ["/static/chat.js"]
    assert tree.find("link", rel="stylesheet").attrs["href"] == "/static/chat.css"


def test_no_js_form_renders_the_conversation_with_highlights_and_citations(fresh_client: TestClient) -> None:
    url = post_form(fresh_client, QUESTION)
    conversation_id = parse_qs(urlsplit(url).query)["c"][0]
    url = post_form(fresh_client, FOLLOW_UP, conversation_id)
    tree = page(fresh_client, url)
    assert tree.find("section", id="conversation").attrs["data-conversation-id"] == conversation_id
    hidden = tree.find("form", id="ask-form").find("input", name="conversation_id")
    assert hidden.attrs["value"] == conversation_id

    api = fresh_client.get(f"/api/conversations/{conversation_id}").json()["turns"]
    rendered = turns(tree)
    assert len(rendered) == len(api) == 2
    for article, turn in zip(rendered, api, strict=True):
        assert article.find(class_="bubble--question").text == turn["question"]
        reply = article.find(class_="reply")
        assert f"reply--{turn['kind']}" in reply.classes
        if turn["answer"] is not None:
            assert reply.find(class_="reply__answer").text == turn["answer"]
            first = turn["citations"][0]
            span = slice(first["answer_start"] - first["start"], first["answer_end"] - first["start"])
            assert reply.find("blockquote").find("mark").text == first["text"][span]
            chips = reply.find_all("a", class_="chip")
            assert len(chips) == len(turn["citations"])
            for chip, citation in zip(chips, turn["citations"], strict=True):
                link = urlsplit(chip.attrs["href"] or "")
                assert link.path == f"/documents/{citation['doc_id']}" and link.fragment == "cited"
                assert parse_qs(link.query) == {"start": [str(citation["start"])],
                                                "end": [str(citation["end"])]}
                assert chip.find(class_="chip__title").text == citation["title"]
    understood = rendered[1].find_all(class_="reply__understood")
    assert len(understood) == 1 and understood[0].text.startswith("Understood as:")
    assert understood[0].find("q").text == api[1]["resolved_question"]
    assert rendered[0].find_all(class_="reply__understood") == []  # the first question needed no resolving


def test_reload_through_the_cookie_shows_the_same_conversation(fresh_client: TestClient) -> None:
    url = post_form(fresh_client, QUESTION)
    via_cookie, via_url = turns(page(fresh_client, "/")), turns(page(fresh_client, url))
    assert via_cookie and via_cookie == via_url
    assert fresh_client.post("/new", follow_redirects=False).status_code == 303
    fresh_client.cookies.delete(COOKIE)
    assert turns(page(fresh_client, "/")) == []


def test_fragment_is_the_same_markup_as_the_page(fresh_client: TestClient) -> None:
    """The JS path inserts /fragments/turn; it must be the very element the full page renders."""
    url = post_form(fresh_client, QUESTION)
    conversation_id = parse_qs(urlsplit(url).query)["c"][0]
    from_page = turns(page(fresh_client, url))[0]
    fragment = page(fresh_client, f"/fragments/turn?c={conversation_id}&position=0")
    assert fragment.find("article", class_="turn") == from_page


def test_question_markup_is_shown_as_text_not_run(fresh_client: TestClient) -> None:
    url = post_form(fresh_client, XSS)
    response = fresh_client.get(url)
    tree = parse_html(response.text)
    assert tree.find_all("img") == []
    assert turns(tree)[-1].find(class_="bubble--question").text == XSS
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_document_page_marks_the_cited_sentence(fresh_client: TestClient) -> None:
    doc = fresh_client.get("/api/documents/000_9aa2248574764ab3").json()
    start, end = 506, 803
    tree = page(fresh_client, f"/documents/{doc['doc_id']}?start={start}&end={end}")
    assert tree.find("h1").text == doc["title"]
    assert tree.find("mark", id="cited").text == doc["text"][start:end]
    assert tree.find(class_="document__text").text == doc["text"]
    plain = page(fresh_client, f"/documents/{doc['doc_id']}")
    assert plain.find_all("mark") == [] and plain.find(class_="document__text").text == doc["text"]


@pytest.mark.parametrize(("method", "url", "data", "status"), [
    pytest.param("GET", "/?c=no-such-id", None, 404, id="unknown-conversation"),
    pytest.param("GET", "/documents/no-such-doc", None, 404, id="unknown-document"),
    pytest.param("GET", "/documents/000_9aa2248574764ab3?start=10&end=5", None, 422, id="reversed-range"),
    pytest.param("GET", "/documents/000_9aa2248574764ab3?start=0&end=999999", None, 422, id="range-past-end"),
    pytest.param("GET", "/documents/000_9aa2248574764ab3?start=5", None, 422, id="half-range"),
    pytest.param("GET", "/documents/000_9aa2248574764ab3?start=x&end=5", None, 422, id="range-not-int"),
    pytest.param("GET", "/fragments/turn?c=no-such-id&position=0", None, 404, id="fragment-conversation"),
    pytest.param("GET", "/fragments/turn?position=0", None, 422, id="fragment-missing-c"),
    pytest.param("POST", "/ask", {"question": "   "}, 422, id="form-blank-question"),
    pytest.param("POST", "/ask", {}, 422, id="form-missing-question"),
    pytest.param("POST", "/ask", {"question": "x" * 1001}, 422, id="form-too-long"),
    pytest.param("POST", "/ask", {"question": "hi", "conversation_id": "no-such-id"}, 404,
                 id="form-unknown-conversation"),
    pytest.param("GET", "/no-such-page", None, 404, id="unknown-page"),
])
def test_html_errors_render_the_error_page(
    fresh_client: TestClient, method: str, url: str, data: dict[str, str] | None, status: int,
) -> None:
    response = fresh_client.request(method, url, data=data, follow_redirects=False)
    assert response.status_code == status
    tree = parse_html(response.text)
    section = tree.find("section", class_="error")
    assert section.find("p", class_="error__detail").text.strip()
    assert section.find("a").attrs["href"] == "/"
    assert fresh_client.get("/api/health").status_code == 200


def test_a_stale_cookie_shows_a_fresh_page(fresh_client: TestClient) -> None:
    fresh_client.cookies.set(COOKIE, "no-such-id")
    tree = page(fresh_client, "/")
    assert turns(tree) == [] and tree.find("section", id="conversation").attrs["data-conversation-id"] == ""
