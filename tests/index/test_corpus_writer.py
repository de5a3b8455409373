"""CorpusWriter: what it writes reads back through the ingest parser (the code `qa index` uses), bad input is
refused with its reason and leaves the corpus as it was, and deletes keep other articles' ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.corpus_writer import (
    ArticleConflict,
    ArticleFields,
    ArticleNotFound,
    ArticleRejected,
    ArticleTooLarge,
    CorpusWriter,
    safe_name,
    slug,
)
from index.ingest import scan_corpus

STORM = ArticleFields(title="Storm data: a deal!", date="2026-03-02", source="Example News",
                      url="https://example.com/storm",
                      text="Officials from twelve countries met in Geneva on Monday.\n\nThey agreed to share data.")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "bridge.txt").write_text("Bridge reopens\n\nThe Tamar bridge reopened on Friday.\n", encoding="utf-8")
    (folder / "feed.jsonl").write_text(
        json.dumps({"title": "One", "text": "The first story."}) + "\n"
        + json.dumps({"title": "Two", "text": "The second story."}) + "\n"
        + json.dumps({"title": "Three", "text": "The third story."}) + "\n", encoding="utf-8")
    return folder


def articles(corpus: Path) -> dict[str, object]:
    scan = scan_corpus(corpus)
    assert scan.skipped == []
    return {a.doc_id: a for a in scan.articles}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_article_reads_back_with_every_field(corpus: Path) -> None:
    written = CorpusWriter(corpus).add_article(STORM)
    assert written.path == "added/2026-03-02-storm-data-a-deal.md"
    assert written.doc_ids == ("added-2026-03-02-storm-data-a-deal",) and not written.replaced
    article = articles(corpus)[written.doc_ids[0]]
    assert (article.title, article.date, article.source, article.url) == (
        STORM.title, STORM.date, STORM.source, STORM.url)
    assert article.text == STORM.text
    assert not [p for p in corpus.rglob(".*")], "no temporary file is left behind"


def test_the_same_title_and_date_replace_the_article(corpus: Path) -> None:
    writer = CorpusWriter(corpus)
    first = writer.add_article(STORM)
    again = writer.add_article(ArticleFields(title=STORM.title, date=STORM.date, text="They met again."))
    assert again.doc_ids == first.doc_ids and again.replaced
    assert articles(corpus)[first.doc_ids[0]].text == "They met again."


def test_an_uploaded_jsonl_file_keeps_its_lines(corpus: Path) -> None:
    data = (json.dumps({"title": "A", "text": "Alpha text."}) + "\n\n"
            + json.dumps({"title": "B", "text": "Beta text."}) + "\n").encode()
    written = CorpusWriter(corpus).add_file("../../etc/news.jsonl", data)
    assert written.path == "added/news.jsonl"
    assert written.doc_ids == ("added-news-1", "added-news-3")
    assert {"added-news-1", "added-news-3"} <= set(articles(corpus))


@pytest.mark.parametrize(("doc_id", "fields", "kept"), [
    ("bridge", ArticleFields(title="Bridge shut", date="2026-01-05", text="The bridge shut again."), "bridge.txt"),
    ("feed-2", ArticleFields(title="Two, revised", text="The second story, revised.", source="Wire"), "feed.jsonl"),
], ids=["txt", "jsonl-line"])
def test_replace_keeps_the_id_file_and_format(corpus: Path, doc_id: str, fields: ArticleFields, kept: str) -> None:
    written = CorpusWriter(corpus).replace(doc_id, fields)
    assert (written.path, written.doc_ids, written.replaced) == (kept, (doc_id,), True)
    article = articles(corpus)[doc_id]
    assert (article.title, article.date, article.text, article.source) == (
        fields.title, fields.date, fields.text, fields.source)
    assert set(articles(corpus)) == {"bridge", "feed-1", "feed-2", "feed-3"}


def test_a_txt_file_cannot_keep_a_source(corpus: Path) -> None:
    before = snapshot(corpus)
    with pytest.raises(ArticleRejected, match="source"):
        CorpusWriter(corpus).replace("bridge", ArticleFields(title="Bridge", text="Text.", source="Wire"))
    assert snapshot(corpus) == before


def test_deleting_a_jsonl_line_keeps_the_other_ids(corpus: Path) -> None:
    writer = CorpusWriter(corpus)
    removed = writer.delete("feed-2")
    assert (removed.path, removed.line, removed.file_removed) == ("feed.jsonl", 2, False)
    assert set(articles(corpus)) == {"bridge", "feed-1", "feed-3"}
    writer.delete("feed-1")
    assert writer.delete("feed-3").file_removed
    assert not (corpus / "feed.jsonl").exists()
    with pytest.raises(ArticleNotFound):
        writer.delete("feed-3")


def test_deleting_a_file(corpus: Path) -> None:
    removed = CorpusWriter(corpus).delete("bridge")
    assert removed.file_removed and not (corpus / "bridge.txt").exists()


BAD_UPLOADS = [
    ("not-utf8", "a.txt", b"caf\xe9 au lait", ArticleRejected, "not valid UTF-8"),
    ("empty", "a.txt", b"", ArticleRejected, "empty"),
    ("blank", "a.md", b"  \n\n", ArticleRejected, "empty"),
    ("front-matter-unclosed", "a.md", b"---\ntitle: x\n\nText.", ArticleRejected, "not closed"),
    ("front-matter-yaml", "a.md", b"---\ntitle: [x\n---\nText.", ArticleRejected, "not valid YAML"),
    ("bad-json-line", "a.jsonl", b'{"title": "x", "text": "y"}\n{"title": \n', ArticleRejected,
     "line 2: not valid JSON"),
    ("json-without-text", "a.jsonl", b'{"title": "x"}\n', ArticleRejected, "missing or empty 'text'"),
    ("bad-date", "a.md", b"---\ndate: soon\n---\nText.", ArticleRejected, "not an ISO date"),
    ("wrong-type", "a.pdf", b"%PDF", ArticleRejected, "accepted types"),
    ("too-large", "a.txt", b"x" * 101, ArticleTooLarge, "limit is 100 bytes"),
]


@pytest.mark.parametrize(("name", "data", "error", "reason"), [c[1:] for c in BAD_UPLOADS],
                         ids=[c[0] for c in BAD_UPLOADS])
def test_bad_uploads_are_refused_with_their_reason(
    corpus: Path, name: str, data: bytes, error: type[Exception], reason: str,
) -> None:
    before = snapshot(corpus)
    with pytest.raises(error, match=reason):
        CorpusWriter(corpus, max_bytes=100).add_file(name, data)
    assert snapshot(corpus) == before


def test_a_doc_id_of_another_file_is_a_conflict(corpus: Path) -> None:
    writer = CorpusWriter(corpus)
    writer.add_file("story.txt", b"Story\n\nThe story.\n")
    with pytest.raises(ArticleConflict, match="added/story.txt"):
        writer.add_file("story.md", b"The same id, another file.\n")


@pytest.mark.parametrize(("fields", "reason"), [
    (dict(title=" ", text="x"), "title is empty"),
    (dict(title="t", text="\n"), "text is empty"),
    (dict(title="t", text="x", date="2026-02-30"), "not an ISO date"),
    (dict(title="t", text="x", date="../../etc"), "not an ISO date"),
    (dict(title="one\ntwo", text="x"), "one line"),
], ids=["no-title", "no-text", "impossible-date", "path-in-date", "two-line-title"])
def test_article_fields_are_checked(fields: dict[str, str], reason: str) -> None:
    with pytest.raises(ArticleRejected, match=reason):
        ArticleFields(**fields)


def test_names() -> None:
    assert slug("Ça va? Storm — data!") == "ca-va-storm-data"
    assert slug("!!!") == "article"
    assert safe_name("C:\\Users\\me\\My Story.TXT") == "My-Story.txt"
    with pytest.raises(ArticleRejected, match="not a usable file name"):
        safe_name("/tmp/--.md")
    with pytest.raises(ArticleRejected, match="no file type"):
        safe_name(".md")  # a hidden file, which a corpus scan would not read
