"""The JSON API against the real model and a one-article index: contract shapes, exact slices, errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_assertions import assert_error, parse_html

from web.app import POLICY

pytestmark = pytest.mark.slow

QUESTION = "Who convened the Critical Minerals Ministerial?"
FOLLOW_UP = "When will it be held?"
CITATION_FIELDS = {"doc_id": str, "title": str, "start": int, "end": int, "text": str}
REPLY_FIELDS = {"conversation_id", "question", "resolved_question", "answer", "message", "confidence",
                "kind", "citations", "related", "date_value", "scope"}


def check_citation(c: dict[str, Any]) -> None:
    assert set(c) == {*CITATION_FIELDS, "date", "answer_start", "answer_end"}
    for name, kind in CITATION_FIELDS.items():
        assert isinstance(c[name], kind), (name, c)
    assert c["date"] is None or isinstance(c["date"], str)
    assert (c["answer_start"] is None) == (c["answer_end"] is None)
    if c["answer_start"] is not None:
        assert c["start"] <= c["answer_start"] < c["answer_end"] <= c["end"]


def check_reply(reply: dict[str, Any]) -> None:
    assert set(reply) == REPLY_FIELDS
    for name in ("conversation_id", "question", "resolved_question", "message"):
        assert isinstance(reply[name], str)
    assert reply["answer"] is None or isinstance(reply["answer"], str)
    assert isinstance(reply["confidence"], float) and 0.0 <= reply["confidence"] <= 1.0
    for c in reply["citations"] + reply["related"]:
        check_citation(c)


def check_slices(client: TestClient, reply: dict[str, Any]) -> None:
    """Every citation is an exact slice of its document; so is the answer, of the first citation's."""
    texts: dict[str, str] = {}
    for c in reply["citations"] + reply["related"]:
        if c["doc_id"] not in texts:
            response = client.get(f"/api/documents/{c['doc_id']}")
            assert response.status_code == 200
            texts[c["doc_id"]] = response.json()["text"]
        assert texts[c["doc_id"]][c["start"]:c["end"]] == c["text"]
    if reply["answer"] is not None:
        first = reply["citations"][0]
        assert texts[first["doc_id"]][first["answer_start"]:first["answer_end"]] == reply["answer"]


def ask(client: TestClient, question: str, conversation_id: str | None = None) -> dict[str, Any]:
    response = client.post("/api/ask", json={"question": question, "conversation_id": conversation_id})
    assert response.status_code == 200, response.text
    assert int(response.headers["X-Turn-Position"]) >= 0
    reply: dict[str, Any] = response.json()
    check_reply(reply)
    return reply


def test_health_reports_the_index_and_model(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert set(body) == {"status", "documents", "passages", "skipped", "model"}
    assert body["status"] == "ok"
    assert body["documents"] == 1 and body["passages"] >= 1
    assert body["skipped"] == [] and isinstance(body["model"], str) and body["model"]


def test_health_answers_a_head_probe(client: TestClient) -> None:
    response = client.head("/api/health")
    assert response.status_code == 200 and response.content == b""


def test_answerable_question_is_cited_by_exact_slices(client: TestClient) -> None:
    reply = ask(client, QUESTION)
    assert reply["question"] == QUESTION
    assert reply["citations"] or reply["related"]
    if reply["answer"] is not None:
        assert reply["citations"][0]["answer_start"] is not None
    check_slices(client, reply)


def test_follow_up_continues_the_conversation(client: TestClient) -> None:
    first = ask(client, QUESTION)
    second = ask(client, FOLLOW_UP, first["conversation_id"])
    assert second["conversation_id"] == first["conversation_id"]
    assert second["question"] == FOLLOW_UP and second["resolved_question"] != FOLLOW_UP
    check_slices(client, second)

    history = client.get(f"/api/conversations/{first['conversation_id']}").json()
    assert history["conversation_id"] == first["conversation_id"]
    assert [t["question"] for t in history["turns"]] == [QUESTION, FOLLOW_UP]
    assert [t["position"] for t in history["turns"]] == [0, 1]
    for turn, reply in zip(history["turns"], (first, second), strict=True):
        assert turn["kind"] in ("answer", "abstain", "summary", "smalltalk")
        assert isinstance(turn["created"], float)
        assert {k: turn[k] for k in REPLY_FIELDS - {"conversation_id"}} == \
               {k: reply[k] for k in REPLY_FIELDS - {"conversation_id"}}


def test_without_conversation_id_a_new_conversation_starts(client: TestClient) -> None:
    a = client.post("/api/ask", json={"question": "hello"}).json()
    b = client.post("/api/ask", json={"question": "hello", "conversation_id": None}).json()
    assert a["conversation_id"] != b["conversation_id"]
    assert a["answer"] is None  # small talk has no extracted answer


JSON = {"content-type": "application/json"}
BAD_ASKS = [
    pytest.param({"json": {"question": ""}}, 422, id="empty"),
    pytest.param({"json": {"question": " \n\t "}}, 422, id="whitespace-only"),
    pytest.param({"json": {"question": "x" * 1001}}, 422, id="over-1000-chars"),
    pytest.param({"json": {"question": 5}}, 422, id="question-not-string"),
    pytest.param({"json": {"question": "hi", "conversation_id": 7}}, 422, id="conversation-id-not-string"),
    pytest.param({"json": {"question": None}}, 422, id="question-null"),
    pytest.param({"json": {}}, 422, id="missing-question"),
    pytest.param({"json": {"conversation_id": None}}, 422, id="only-conversation-id"),
    pytest.param({"json": ["question"]}, 422, id="array-body"),
    pytest.param({"json": "question"}, 422, id="string-body"),
    pytest.param({}, 422, id="no-body"),
    pytest.param({"content": b"{not json", "headers": JSON}, 422, id="not-json"),
    pytest.param({"content": b'{"question": "caf\xe9?"}', "headers": JSON}, 400, id="not-utf8"),
    pytest.param({"content": b'{"question": "\\ud800?"}', "headers": JSON}, 422, id="lone-surrogate"),
    pytest.param({"content": b'{"question": "hi", "conversation_id": "\\udfff"}', "headers": JSON}, 422,
                 id="lone-surrogate-conversation-id"),
    pytest.param({"content": b"question=hi", "headers": {"content-type": "text/plain"}}, 422,
                 id="plain-text"),
    pytest.param({"json": {"question": "hi", "conversation_id": "no-such-id"}}, 404,
                 id="unknown-conversation"),
]


@pytest.mark.parametrize(("request_kwargs", "status"), BAD_ASKS)
def test_bad_ask_is_a_readable_4xx_and_the_server_keeps_serving(
    client: TestClient, request_kwargs: dict[str, Any], status: int,
) -> None:
    assert_error(client.post("/api/ask", **request_kwargs), status)
    assert client.get("/api/health").status_code == 200


def test_extra_fields_are_ignored(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "hello", "garbage": [1, 2], "conversation_id": None})
    assert response.status_code == 200
    check_reply(response.json())


def test_validation_errors_name_the_field(client: TestClient) -> None:
    assert assert_error(client.post("/api/ask", json={}), 422) == "question: field required"
    wrong_type = client.post("/api/ask", json={"question": "a", "conversation_id": 7})
    assert assert_error(wrong_type, 422).startswith("conversation_id: ")


@pytest.mark.parametrize(("method", "path", "status"), [
    pytest.param("get", "/api/conversations/no-such-id", 404, id="conversation"),
    pytest.param("get", "/api/documents/no-such-doc", 404, id="document"),
    pytest.param("get", "/api/nothing-here", 404, id="route"),
    pytest.param("get", "/api/ask", 405, id="wrong-method"),
])
def test_unknown_resources_are_json_errors(client: TestClient, method: str, path: str, status: int) -> None:
    assert_error(client.request(method.upper(), path), status)


def test_document_has_the_contract_fields(client: TestClient) -> None:
    doc = client.get("/api/documents/000_9aa2248574764ab3").json()
    assert set(doc) == {"doc_id", "title", "date", "source", "url", "text"}
    assert doc["doc_id"] == "000_9aa2248574764ab3" and doc["text"]


@pytest.mark.parametrize("path", ["/", "/api/health", "/api/documents/no-such-doc", "/static/chat.css",
                                  "/docs", "/openapi.json"])
def test_every_response_carries_the_csp(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == POLICY or path == "/docs"
    assert "script-src" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_csp_is_sent_on_posts_too(client: TestClient) -> None:
    assert client.post("/api/ask", json={}).headers["content-security-policy"] == POLICY


def test_openapi_describes_every_endpoint_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/health", "/api/ask", "/api/documents/{doc_id}", "/api/conversations/{conversation_id}",
                 "/", "/ask", "/documents/{doc_id}", "/fragments/turn"):
        assert path in paths, path
    schemas = spec["components"]["schemas"]
    for name in ("AskRequest", "AskResponse", "Conversation", "Document", "Health", "ErrorDetail"):
        assert schemas[name].get("examples"), name
    ask_op = paths["/api/ask"]["post"]
    assert ask_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AskRequest")
    assert {"200", "404", "422"} <= set(ask_op["responses"])


def test_docs_page_loads_swagger_ui_from_this_server(client: TestClient) -> None:
    from web.docs import swagger_ui_dir

    response = client.get("/docs")
    assert response.status_code == 200
    if swagger_ui_dir() is None:
        pytest.skip("swagger-ui-bundle-v2 is not installed: /docs falls back to the CDN page")
    scripts = [s.attrs["src"] for s in parse_html(response.text).find_all("script")]
    assert scripts and all(src and src.startswith("/") for src in scripts)  # no CDN, no inline script
    for src in scripts:
        assert client.get(src).status_code == 200
    assert response.headers["content-security-policy"] == POLICY
