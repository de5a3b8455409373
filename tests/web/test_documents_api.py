"""The write API and the articles list, in process: the token rules, every kind of bad upload refused with
its reason (the corpus untouched), add / replace / delete round trips, GET /api/documents and /documents."""

from __future__ import annotations

import html
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_assertions import assert_error, parse_html

from qa.settings import Settings
from web.app import create_app

pytestmark = pytest.mark.slow

TOKEN = "test-token-3f9c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIMIT = 4000  # bytes; small, so the too-large cases stay cheap
WAIT = "60"  # seconds a write may wait for its build (?wait=)
SEED = Path(__file__).resolve().parents[2] / "corpus" / "000_9aa2248574764ab3.txt"
HARBOUR = {"title": "Harbour dredged", "date": "2026-03-01", "source": "Port News",
           "text": "Work to dredge the harbour of Port Elwin began in May. The port authority expects larger ships "
                   "by 2027."}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("documents")
    corpus = root / "corpus"
    (corpus / "added").mkdir(parents=True)
    shutil.copy(SEED, corpus)
    (corpus / "added" / "story.txt").write_text("A story\n\nSomething happened on Tuesday.\n", encoding="utf-8")
    (corpus / "wire.jsonl").write_text(
        json.dumps({"title": "Wire one", "date": "2025-12-01", "text": "The first wire story."}) + "\n"
        + json.dumps({"title": "Wire two", "date": "2025-12-02", "text": "The second wire story."}) + "\n",
        encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def admin(root: Path) -> Iterator[TestClient]:
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index",
                        conversations_db=root / "conversations.sqlite3", admin_token=TOKEN,
                        max_upload_bytes=LIMIT, index_poll_seconds=0.2)
    with TestClient(create_app(settings)) as client:
        yield client


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------------- tokens

WRITES = [("POST", "/api/documents"), ("PUT", "/api/documents/000_9aa2248574764ab3"),
          ("DELETE", "/api/documents/000_9aa2248574764ab3"), ("POST", "/api/index")]


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": "Bearer"}], ids=["none", "wrong", "basic", "empty"])
def test_writes_without_the_token_get_401(
    admin: TestClient, root: Path, method: str, path: str, headers: dict[str, str],
) -> None:
    before = snapshot(root / "corpus")
    response = admin.request(method, path, headers=headers, json=HARBOUR)
    detail = assert_error(response, 401)
    assert "token" in detail
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert snapshot(root / "corpus") == before


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_writes_are_off_without_a_server_token(client: TestClient, method: str, path: str) -> None:
    """The session app of tests/web is started without QA_ADMIN_TOKEN."""
    response = client.request(method, path, headers=AUTH, json=HARBOUR)
    assert "QA_ADMIN_TOKEN" in assert_error(response, 403)


def test_reading_needs_no_token(admin: TestClient) -> None:
    assert admin.get("/api/index").status_code == 200
    assert admin.get("/api/documents").status_code == 200
    assert admin.get("/documents").status_code == 200


# -------------------------------------------------------------------------------------- bad uploads


def upload(name: str, data: bytes) -> dict[str, Any]:
    return {"files": {"file": (name, data, "application/octet-stream")}}


BAD = [
    ("not-utf8", "POST", "/api/documents", upload("a.txt", b"Caf\xe9 opens\n\nIt opened.\n"), 422, "not valid UTF-8"),
    ("empty-file", "POST", "/api/documents", upload("a.txt", b""), 422, "empty"),
    ("blank-file", "POST", "/api/documents", upload("a.md", b" \n \n"), 422, "empty"),
    ("too-large-file", "POST", "/api/documents", upload("a.txt", b"word " * 1000), 413, f"limit of {LIMIT:,} bytes"),
    ("too-large-json", "POST", "/api/documents", {"json": {**HARBOUR, "text": "word " * 1000}}, 413,
     f"limit is {LIMIT:,} bytes"),
    ("too-large-request", "POST", "/api/documents", upload("a.txt", b"w" * (LIMIT + 70_000)), 413,
     f"limit for an article is {LIMIT:,} bytes"),
    ("front-matter-unclosed", "POST", "/api/documents", upload("a.md", b"---\ntitle: x\nText.\n"), 422,
     "front matter is not closed"),
    ("front-matter-not-yaml", "POST", "/api/documents", upload("a.md", b"---\ntitle: [x\n---\nText.\n"), 422,
     "not valid YAML"),
    ("json-line-broken", "POST", "/api/documents",
     upload("a.jsonl", b'{"title": "x", "text": "ok"}\n{"title": "y", "text": \n'), 422, "line 2: not valid JSON"),
    ("json-line-without-text", "POST", "/api/documents", upload("a.jsonl", b'{"title": "x"}\n'), 422,
     "missing or empty 'text'"),
    ("file-date-not-iso", "POST", "/api/documents", upload("a.md", b"---\ndate: next week\n---\nText.\n"), 422,
     "not an ISO date"),
    ("wrong-file-type", "POST", "/api/documents", upload("a.pdf", b"%PDF-1.4"), 422, "accepted types"),
    ("no-file-field", "POST", "/api/documents", {"files": {"upload": ("a.txt", b"x", "text/plain")}}, 422,
     "field named 'file'"),
    ("doc-id-taken", "POST", "/api/documents", upload("story.md", b"Another story.\n"), 409,
     "already used by added/story.txt"),
    ("json-without-title", "POST", "/api/documents", {"json": {"text": "x"}}, 422, "title: field required"),
    ("json-date-not-iso", "POST", "/api/documents", {"json": {**HARBOUR, "date": "2026-02-30"}}, 422,
     "not an ISO date"),
    ("json-unknown-field", "POST", "/api/documents", {"json": {**HARBOUR, "author": "x"}}, 422, "author"),
    ("body-not-json", "POST", "/api/documents",
     {"content": b"{title", "headers": {"content-type": "application/json"}}, 422, "not valid JSON"),
    ("other-content-type", "POST", "/api/documents", {"content": b"hi", "headers": {"content-type": "text/plain"}},
     415, "multipart/form-data"),
    ("delete-unknown-id", "DELETE", "/api/documents/no-such-article", {}, 404, "no document has the id"),
    ("replace-unknown-id", "PUT", "/api/documents/no-such-article", {"json": HARBOUR}, 404, "no document has the id"),
    ("replace-txt-with-url", "PUT", "/api/documents/added-story", {"json": {**HARBOUR, "url": "https://x.org"}}, 422,
     "cannot keep its source, url"),
]


@pytest.mark.parametrize(("method", "path", "request_kwargs", "status", "reason"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_bad_writes_get_a_4xx_naming_the_problem(
    admin: TestClient, root: Path, method: str, path: str, request_kwargs: dict[str, Any], status: int, reason: str,
) -> None:
    before = snapshot(root / "corpus")
    kwargs = {**request_kwargs, "headers": {**AUTH, **request_kwargs.get("headers", {})}}
    response = admin.request(method, path, **kwargs)
    assert reason in assert_error(response, status)
    assert snapshot(root / "corpus") == before, "a refused write changes nothing"


# ----------------------------------------------------------------------------------------- round trip


def test_add_replace_delete_round_trip(admin: TestClient, root: Path) -> None:
    added = admin.post(f"/api/documents?wait={WAIT}", json=HARBOUR, headers=AUTH)
    assert added.status_code == 201, added.text
    body = added.json()
    doc_id = "added-2026-03-01-harbour-dredged"
    assert body["doc_ids"] == [doc_id] and body["path"] == "added/2026-03-01-harbour-dredged.md"
    assert body["live"] is True and body["replaced"] is False
    status = admin.get("/api/index").json()
    assert status["up_to_date"] and status["live"]["seq"] >= body["seq"] and status["running"] is None
    document = admin.get(f"/api/documents/{doc_id}").json()
    assert (document["title"], document["date"], document["source"], document["text"]) == (
        HARBOUR["title"], HARBOUR["date"], HARBOUR["source"], HARBOUR["text"])

    replaced = admin.put(f"/api/documents/{doc_id}?wait={WAIT}", json={**HARBOUR, "text": "Dredging began in June."},
                         headers=AUTH)
    assert replaced.status_code == 200 and replaced.json()["replaced"] is True
    assert admin.get(f"/api/documents/{doc_id}").json()["text"] == "Dredging began in June."

    deleted = admin.delete(f"/api/documents/{doc_id}?wait={WAIT}", headers=AUTH)
    assert deleted.status_code == 200 and deleted.json()["removed"] is True
    assert_error(admin.get(f"/api/documents/{doc_id}"), 404)
    assert not (root / "corpus" / "added" / "2026-03-01-harbour-dredged.md").exists()


def test_an_upload_without_wait_is_accepted_then_goes_live(admin: TestClient) -> None:
    response = admin.post("/api/documents", headers=AUTH,
                          **upload("notes.md", b"---\ntitle: Field notes\ndate: 2026-04-01\n---\nRain fell at noon.\n"))
    assert response.status_code == 202, response.text
    seq = response.json()["seq"]
    rebuild = admin.post("/api/index", headers=AUTH)  # one more request: it coalesces or builds nothing new
    assert rebuild.status_code == 202 and rebuild.json()["seq"] == seq + 1
    # Bounded: the build of one short article takes about a second here.
    for _ in range(600):
        status = admin.get("/api/index").json()
        if status["live"]["seq"] >= seq + 1:
            break
        assert status["last_error"] is None, status
        time.sleep(0.1)
    ids = [d["doc_id"] for d in admin.get("/api/documents").json()["documents"]]
    assert "added-notes" in ids
    assert admin.delete(f"/api/documents/added-notes?wait={WAIT}", headers=AUTH).status_code == 200


def test_deleting_a_jsonl_article_keeps_its_neighbour(admin: TestClient, root: Path) -> None:
    response = admin.delete(f"/api/documents/wire-1?wait={WAIT}", headers=AUTH)
    assert response.status_code == 200 and response.json()["path"] == "wire.jsonl#1"
    ids = [d["doc_id"] for d in admin.get("/api/documents").json()["documents"]]
    assert "wire-1" not in ids and "wire-2" in ids
    lines = (root / "corpus" / "wire.jsonl").read_text(encoding="utf-8").split("\n")
    assert lines[0] == "" and json.loads(lines[1])["title"] == "Wire two"


# ------------------------------------------------------------------------------------------- listing


def test_documents_list_newest_first_with_sources_and_passages(admin: TestClient) -> None:
    documents = admin.get("/api/documents").json()["documents"]
    assert all(set(d) == {"doc_id", "title", "date", "source", "passages"} for d in documents)
    by_id = {d["doc_id"]: d for d in documents}
    assert by_id["000_9aa2248574764ab3"]["source"] == "000_9aa2248574764ab3.txt"
    assert by_id["wire-2"]["source"] == "wire.jsonl#2"
    assert by_id["added-story"]["source"] == "added/story.txt"
    assert all(d["passages"] >= 1 for d in documents)
    index = admin.get("/api/index").json()
    assert sum(d["passages"] for d in documents) == index["live"]["passages"]
    dates = [d["date"] for d in documents if d["date"]]
    assert dates == sorted(dates, reverse=True)
    assert documents[-1]["date"] is None, "undated articles come last"


def test_documents_page_lists_and_links_every_article(admin: TestClient) -> None:
    response = admin.get("/documents")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = parse_html(response.text)
    rows = page.find("table", id="documents").find("tbody").find_all("tr")
    documents = admin.get("/api/documents").json()["documents"]
    assert [r.attrs["data-doc-id"] for r in rows] == [d["doc_id"] for d in documents]
    first = rows[0].find_all("td")
    assert first[1].find("a").attrs["href"] == f"/documents/{documents[0]['doc_id']}"
    assert [c.text.strip() for c in first[2:]] == [documents[0]["source"], str(documents[0]["passages"])]
    admin_section = page.find("section", id="admin")
    assert admin_section.attrs["data-writes"] == "on"
    assert page.find("input", id="admin-token").attrs["type"] == "password"
    assert page.find("script", src="/static/documents.js") is not None
    assert not [s for s in page.find_all("script") if not s.attrs.get("src")], "no inline script (CSP)"


def test_documents_page_says_when_writes_are_off(client: TestClient) -> None:
    page = parse_html(client.get("/documents").text)
    assert page.find("section", id="admin").attrs["data-writes"] == "off"
    assert page.find_all("input", id="admin-token") == []


def test_documents_page_shows_each_articles_first_digest_sentence(client: TestClient) -> None:
    """The seed's lead line is a sentence of the article (quoted whole), shown under its title."""
    page = client.get("/documents").text
    leads = re.findall(r'<p class="library__lead">([^<]+)</p>', page)
    assert len(leads) == 1
    text = client.get("/api/documents/000_9aa2248574764ab3").json()["text"]
    assert html.unescape(leads[0]) in text and len(leads[0].split()) >= 6
