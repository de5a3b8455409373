"""Asking about one article: POST /api/ask's `doc_ids`, the scope a conversation keeps, the 404 for an unknown
document, and the no-JS pages ("Ask about this article", the scope chip, clearing it). Against the real
answerer over three articles (the seed briefing and two BBC articles), so that the scope decides where
answers come from. Answers are checked by provenance (which documents they cite), not by their words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from scope_corpus import (
    BUSINESS_ID,
    SEED_ID,
    SEED_QUESTION,
    TECH_FOLLOW_UPS,
    TECH_ID,
    TECH_QUESTION,
    TECH_TITLE,
    cited_docs,
    write_scope_corpus,
)
from web_assertions import Element, assert_error, parse_html

from qa.settings import Settings
from web.app import create_app
from web.pages import COOKIE
from web.schemas import MAX_SCOPE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scoped_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("scope")
    settings = Settings(corpus_dir=write_scope_corpus(root / "corpus"), index_dir=root / "index",
                        conversations_db=root / "conversations.sqlite3")
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def client(scoped_client: TestClient) -> Iterator[TestClient]:
    scoped_client.cookies.clear()
    yield scoped_client
    scoped_client.cookies.clear()


def ask(client: TestClient, question: str, conversation_id: str | None = None, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/ask", json={"question": question, "conversation_id": conversation_id, **extra})
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


def conversation(client: TestClient, conversation_id: str) -> dict[str, Any]:
    response = client.get(f"/api/conversations/{conversation_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# ----------------------------------------------------------------------------------------------- API


def test_a_scope_is_kept_across_turns_and_answers_come_from_it(client: TestClient) -> None:
    first = ask(client, TECH_QUESTION, doc_ids=[TECH_ID])
    cid = first["conversation_id"]
    assert first["scope"] == [TECH_ID]
    assert cited_docs(first) == {TECH_ID}
    for follow_up in TECH_FOLLOW_UPS:
        reply = ask(client, follow_up, cid)  # no doc_ids: the conversation's scope holds
        assert reply["scope"] == [TECH_ID]
        assert cited_docs(reply) <= {TECH_ID}, reply
    stored = conversation(client, cid)
    assert stored["scope"] == [TECH_ID]
    assert [t["scope"] for t in stored["turns"]] == [[TECH_ID]] * (1 + len(TECH_FOLLOW_UPS))


def test_the_scope_decides_which_article_answers(client: TestClient) -> None:
    whole = ask(client, SEED_QUESTION)
    assert whole["scope"] == [] and whole["answer"] is not None
    assert whole["citations"][0]["doc_id"] == SEED_ID  # the briefing answers it from the seed article...
    scoped = ask(client, SEED_QUESTION, doc_ids=[BUSINESS_ID])
    assert scoped["scope"] == [BUSINESS_ID]
    assert SEED_ID not in cited_docs(scoped)  # ...but not when asked about the Time Warner article
    assert cited_docs(scoped) <= {BUSINESS_ID}, scoped


def test_two_documents_in_scope(client: TestClient) -> None:
    reply = ask(client, SEED_QUESTION, doc_ids=[TECH_ID, SEED_ID, TECH_ID])
    assert reply["scope"] == [TECH_ID, SEED_ID]  # each id once, in the order given
    assert reply["answer"] is not None and reply["citations"][0]["doc_id"] == SEED_ID
    assert cited_docs(reply) <= {TECH_ID, SEED_ID}


def test_another_scope_replaces_it_and_an_empty_list_clears_it(client: TestClient) -> None:
    cid = ask(client, TECH_QUESTION, doc_ids=[TECH_ID])["conversation_id"]
    moved = ask(client, SEED_QUESTION, cid, doc_ids=[BUSINESS_ID])
    assert moved["scope"] == [BUSINESS_ID] and cited_docs(moved) <= {BUSINESS_ID}
    cleared = ask(client, SEED_QUESTION, cid, doc_ids=[])
    assert cleared["scope"] == [] and cleared["citations"][0]["doc_id"] == SEED_ID
    assert conversation(client, cid)["scope"] == []
    assert ask(client, SEED_QUESTION, cid)["scope"] == []  # cleared stays cleared


@pytest.mark.parametrize("existing", [False, True], ids=["new-conversation", "existing-conversation"])
def test_an_unknown_document_is_a_404_naming_it_and_nothing_is_stored(client: TestClient, existing: bool) -> None:
    cid = ask(client, TECH_QUESTION, doc_ids=[TECH_ID])["conversation_id"] if existing else None
    response = client.post("/api/ask", json={"question": TECH_QUESTION, "conversation_id": cid,
                                             "doc_ids": [TECH_ID, "no-such-article"]})
    detail = assert_error(response, 404)
    assert "'no-such-article'" in detail and "document" in detail
    if cid:
        stored = conversation(client, cid)
        assert len(stored["turns"]) == 1 and stored["scope"] == [TECH_ID]


@pytest.mark.parametrize(
    ("doc_ids", "where"),
    [
        pytest.param([""], "doc_ids.0", id="empty-id"),
        pytest.param([f"d{i}" for i in range(MAX_SCOPE + 1)], "doc_ids", id="too-many"),
        pytest.param(TECH_ID, "doc_ids", id="not-a-list"),
        pytest.param([3], "doc_ids.0", id="not-a-string"),
    ],
)
def test_malformed_doc_ids_are_a_422_naming_the_field(client: TestClient, doc_ids: object, where: str) -> None:
    response = client.post("/api/ask", json={"question": TECH_QUESTION, "doc_ids": doc_ids})
    assert assert_error(response, 422).startswith(where)


def test_an_unpaired_surrogate_in_a_doc_id_is_a_422(client: TestClient) -> None:
    body = '{"question": "Who?", "doc_ids": ["a\\ud800"]}'
    response = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert assert_error(response, 422).startswith("doc_ids.0")


def test_openapi_documents_doc_ids_and_scope(client: TestClient) -> None:
    components = client.get("/openapi.json").json()["components"]["schemas"]
    assert "doc_ids" in components["AskRequest"]["properties"]
    assert "scope" in components["AskResponse"]["properties"]
    assert "scope" in components["Conversation"]["properties"]


# ------------------------------------------------------------------------------------------- pages


def page(client: TestClient, url: str, status: int = 200) -> Element:
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    return parse_html(response.text)


def query(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


def test_the_article_page_has_an_ask_about_this_article_button(client: TestClient) -> None:
    form = page(client, f"/documents/{TECH_ID}").find("form", class_="document__ask")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/")
    assert form.find("input", name="doc").attrs == {"type": "hidden", "name": "doc", "value": TECH_ID}
    assert form.find("button").text.strip() == "Ask about this article"


def test_the_chat_opened_for_an_article_shows_its_chip_and_carries_its_id(client: TestClient) -> None:
    client.post("/ask", data={"question": SEED_QUESTION})  # leaves a conversation cookie behind
    assert client.cookies.get(COOKIE)
    tree = page(client, f"/?doc={TECH_ID}")
    assert tree.find("section", id="conversation").find_all("article") == []  # a fresh conversation
    scope = tree.find("div", id="scope")
    chips = scope.find_all("a", class_="scope__chip")
    assert [(a.text, a.attrs["href"]) for a in chips] == [(TECH_TITLE, f"/documents/{TECH_ID}")]
    assert scope.find("button").attrs["form"] == "scope-clear"
    assert tree.find("form", id="scope-clear").attrs["action"] == "/scope"
    form = tree.find("form", id="ask-form")
    assert [i.attrs["value"] for i in form.find_all("input", name="doc_ids")] == [TECH_ID]
    assert tree.find_all("form", class_="starters") == []  # the briefing's starters would leave the article


def test_no_js_form_stores_the_scope_and_the_chip_clears_it(client: TestClient) -> None:
    response = client.post("/ask", data={"question": TECH_QUESTION, "conversation_id": "", "doc_ids": TECH_ID},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    (cid,) = query(response.headers["location"])["c"]
    assert conversation(client, cid)["scope"] == [TECH_ID]
    response = client.post("/ask", data={"question": TECH_FOLLOW_UPS[0], "conversation_id": cid},
                           follow_redirects=False)
    assert response.status_code == 303
    turns = conversation(client, cid)["turns"]
    assert [t["scope"] for t in turns] == [[TECH_ID], [TECH_ID]]
    assert all(cited_docs(t) <= {TECH_ID} for t in turns)

    tree = page(client, f"/?c={cid}")
    assert [a.text for a in tree.find("div", id="scope").find_all("a", class_="scope__chip")] == [TECH_TITLE]
    assert tree.find("form", id="ask-form").find_all("input", name="doc_ids") == []  # stored, not re-sent
    assert tree.find("form", id="scope-clear").find("input", name="conversation_id").attrs["value"] == cid

    response = client.post("/scope", data={"conversation_id": cid}, follow_redirects=False)
    assert response.status_code == 303 and query(response.headers["location"]) == {"c": [cid]}
    assert conversation(client, cid)["scope"] == []
    assert page(client, f"/?c={cid}").find_all("div", id="scope") == []


def test_clearing_a_scope_not_yet_stored_returns_to_the_plain_chat(client: TestClient) -> None:
    response = client.post("/scope", data={"conversation_id": ""}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        pytest.param("get", "/?doc=no-such-article", None, id="chat-page"),
        pytest.param("post", "/ask", {"question": "Who?", "doc_ids": "no-such-article"}, id="form-post"),
    ],
)
def test_an_unknown_article_is_a_404_page(client: TestClient, method: str, url: str, data: Any) -> None:
    response = client.request(method, url, data=data)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "no-such-article" in parse_html(response.text).find("main").text
