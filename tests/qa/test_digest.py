"""Extractive digests: one sentence per topic of the articles in scope, and which questions ask for one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from index.embedder import Embedder
from index.store import LoadedIndex, ensure_index
from qa.digest import SummaryRequest, digest, first_sentence, stands_alone, summary_request

SEED_FILE = Path(__file__).resolve().parents[2] / "corpus" / "000_9aa2248574764ab3.txt"
BBC_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "bbc-news"
# One article of each BBC subject: the digest of all five should give (nearly) every one a line.
BBC_FILES = ("business/050.txt", "entertainment/050.txt", "politics/050.txt", "sport/050.txt", "tech/050.txt")


@pytest.fixture(scope="module")
def embedder(single_thread_torch: None) -> Embedder:
    """The real model, loaded here rather than through the Answerer: the digest reads only the index."""
    return Embedder().load()


@pytest.fixture(scope="module")
def seed_index(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> LoadedIndex:
    if not SEED_FILE.is_file():
        pytest.skip(f"seed article {SEED_FILE} is absent")
    root = tmp_path_factory.mktemp("seed-digest")
    (root / "corpus").mkdir()
    shutil.copy(SEED_FILE, root / "corpus" / SEED_FILE.name)
    index, _ = ensure_index(root / "corpus", root / "index", embedder)
    return index


@pytest.fixture(scope="module")
def bbc_index(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> LoadedIndex:
    """Five BBC articles of different subjects indexed together."""
    if not all((BBC_DIR / name).is_file() for name in BBC_FILES):
        pytest.skip(f"the BBC articles under {BBC_DIR} are absent")
    root = tmp_path_factory.mktemp("bbc-digest")
    (root / "corpus").mkdir()
    for name in BBC_FILES:
        shutil.copy(BBC_DIR / name, root / "corpus" / name.replace("/", "-"))
    index, _ = ensure_index(root / "corpus", root / "index", embedder)
    assert len(index.documents) == len(BBC_FILES)
    return index


def _seed_topic(index: LoadedIndex, row: int) -> str:
    """Which of the seed's three stories a sentence belongs to, by the paragraph each story opens with."""
    text = index.documents[0].text
    start = int(index.sentences[row, 1])
    if start < text.index("In parallel with these efforts"):
        return "critical minerals ministerial"
    if start < text.index("Meanwhile, India-US engagement"):
        return "finance ministerial"
    return "defence meeting"


@pytest.mark.slow
def test_seed_digest_gives_each_of_its_three_stories_one_sentence(seed_index: LoadedIndex) -> None:
    rows = digest(seed_index, [0])
    topics = [_seed_topic(seed_index, r) for r in rows]
    assert sorted(topics) == ["critical minerals ministerial", "defence meeting", "finance ministerial"], [
        seed_index.sentence_text(r) for r in rows]
    assert rows == sorted(rows)


@pytest.mark.slow
def test_seed_first_sentence_is_the_first_line_of_its_digest(seed_index: LoadedIndex) -> None:
    row = first_sentence(seed_index, 0)
    assert row == digest(seed_index, [0])[0] and seed_index.sentences[row, 0] == 0


@pytest.mark.slow
def test_bbc_digest_covers_the_articles_in_reading_order(bbc_index: LoadedIndex) -> None:
    all_docs = list(range(len(bbc_index.documents)))
    rows = digest(bbc_index, all_docs)
    assert 3 <= len(rows) <= 6
    assert rows == sorted(rows)  # sentence rows run by document, then offset
    covered = {int(bbc_index.sentences[r, 0]) for r in rows}
    assert len(covered) >= 4, [bbc_index.sentence_text(r) for r in rows]


@pytest.mark.slow
@pytest.mark.parametrize("doc_row", range(len(BBC_FILES)))
def test_bbc_single_article_digest_stays_in_the_article_and_skips_fragments(
    bbc_index: LoadedIndex, doc_row: int,
) -> None:
    rows = digest(bbc_index, [doc_row])
    assert 3 <= len(rows) <= 6 and rows == sorted(rows)
    assert {int(bbc_index.sentences[r, 0]) for r in rows} == {doc_row}
    title = bbc_index.documents[doc_row].title
    assert all(stands_alone(bbc_index.sentence_text(r), title) for r in rows)


@pytest.mark.slow
def test_digest_bounds(seed_index: LoadedIndex) -> None:
    assert digest(seed_index, []) == []
    assert len(digest(seed_index, [0], min_sentences=1, max_sentences=1)) == 1
    assert 4 <= len(digest(seed_index, [0], min_sentences=4, max_sentences=6)) <= 6
    assert len(digest(seed_index, [0], min_sentences=12, max_sentences=12)) == 12  # every sentence, if asked
    with pytest.raises(ValueError):
        digest(seed_index, [0], min_sentences=4, max_sentences=3)


@pytest.mark.parametrize(("sentence", "expected"), [
    pytest.param("The Ministerial will focus on supply chain resilience and energy.", True, id="plain"),
    pytest.param("Talks ended.", False, id="too-short"),
    pytest.param("Ad sales boost Time Warner profit", False, id="headline-again"),
    pytest.param('"I am quite confident," said Claxton.', False, id="quote-with-bare-attribution"),
    pytest.param('"On February 4, partners will meet at the State Department," the State Department stated in '
                 "its post.", True, id="quote-with-speaker"),
    pytest.param('"But I take each race as it comes. "As long as I keep training there is a chance.', False,
                 id="quote-cut-in-two"),
    pytest.param('The Tories dismissed the plan as "desperate", while others said it was misdirected.', True,
                 id="quoted-word-inside"),
    pytest.param("He said the result was “a turning point for the whole industry", False, id="unclosed-curly"),
    pytest.param("“We will keep going until the job is done for everyone.”", False, id="quoted-whole"),
])
def test_stands_alone(sentence: str, expected: bool) -> None:
    assert stands_alone(sentence, "Ad sales boost Time Warner profit") is expected


@pytest.mark.parametrize(("question", "scope"), [
    pytest.param("What is the briefing about?", "newest", id="briefing-about"),
    pytest.param("What's new today?", "newest", id="new-today"),
    pytest.param("What’s new?", "newest", id="new-curly-apostrophe"),
    pytest.param("Anything new?", "newest", id="anything-new"),
    pytest.param("Give me the headlines", "newest", id="headlines"),
    pytest.param("What are the headlines today?", "newest", id="headlines-today"),
    pytest.param("tl;dr", "newest", id="tldr"),
    pytest.param("TLDR", "newest", id="tldr-caps"),
    pytest.param("Can you summarise the news, please?", "newest", id="summarise-the-news-politely"),
    pytest.param("Summarize", "newest", id="summarize-alone"),
    pytest.param("What happened today?", "newest", id="happened-today"),
    pytest.param("Catch me up", "newest", id="catch-me-up"),
    pytest.param("Summarise this article", "article", id="summarise-this-article"),
    pytest.param("Summarize this story for me.", "article", id="summarize-story"),
    pytest.param("What is this article about?", "article", id="article-about"),
    pytest.param("Give me a quick summary of this article", "article", id="summary-of-article"),
    pytest.param("What does the article say?", "article", id="article-say"),
])
def test_summary_requests(question: str, scope: str) -> None:
    assert summary_request(question) == SummaryRequest(scope)  # type: ignore[arg-type]


@pytest.mark.parametrize("question", [
    pytest.param("What is the Critical Minerals Ministerial about?", id="about-one-thing"),
    pytest.param("Summarise the Finance Ministerial", id="summarise-one-thing"),
    pytest.param("What is the summary of the Finance Ministerial?", id="summary-of-one-thing"),
    pytest.param("What did the briefing say about India?", id="briefing-about-topic"),
    pytest.param("What does the article say about Rubio?", id="article-about-topic"),
    pytest.param("What's new with the Finance Ministerial?", id="new-with-topic"),
    pytest.param("What is the latest on the defence deal?", id="latest-on-topic"),
    pytest.param("What happened to Marco Rubio?", id="happened-to"),
    pytest.param("What is happening in Washington?", id="happening-in-place"),
    pytest.param("What is it about?", id="follow-up-pronoun"),
    pytest.param("Who convened the meeting?", id="ordinary"),
    pytest.param("When will it be held?", id="when"),
])
def test_not_summary_requests(question: str) -> None:
    assert summary_request(question) is None


def test_summary_request_ignores_trailing_punctuation_and_case() -> None:
    forms = ["WHAT IS THE BRIEFING ABOUT", "what is the briefing about?!", "  What is the  briefing about ? "]
    assert {summary_request(re.sub(r"\s+\?", "?", q)) for q in forms} == {SummaryRequest("newest")}
