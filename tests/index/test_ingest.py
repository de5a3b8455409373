"""Corpus ingestion: file formats, metadata, stable ids, and bad files skipped by name."""

from __future__ import annotations

import shutil

import pytest

from index.ingest import scan_corpus

BODY = "The council approved the budget on Monday. Officials said spending would rise.\n"


def only_article(scan):
    assert scan.skipped == []
    assert len(scan.articles) == 1
    return scan.articles[0]


# ------------------------------------------------------------------------------------------ seed file


def test_seed_file_parses_date_and_drops_header_and_promo(tmp_path, seed_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)

    article = only_article(scan_corpus(corpus))

    assert article.date == "2026-02-02"
    assert not article.text.startswith("date")
    assert article.text.startswith("External Affairs Minister S. Jaishankar")
    assert "Preferred Source" not in article.text
    assert not any(line.lower().startswith("add zee news") for line in article.text.splitlines())
    assert not article.title.startswith("date")
    assert article.title.startswith("External Affairs Minister")
    assert article.source_file == seed_path.name
    assert article.doc_id == seed_path.stem


# ----------------------------------------------------------------------------------------- .txt files


def test_bbc_style_headline_becomes_title(write_corpus):
    corpus = write_corpus({
        "business/001.txt": (
            "Ad sales boost Time Warner profit\n\n"
            "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn.\n\n"
            "The firm said sales of high-speed internet connections rose.\n"
        ),
    })
    article = only_article(scan_corpus(corpus))
    assert article.title == "Ad sales boost Time Warner profit"
    assert article.text == (
        "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn.\n\n"
        "The firm said sales of high-speed internet connections rose."
    )
    assert article.date is None
    assert article.source_file == "business/001.txt"


@pytest.mark.parametrize(
    ("raw", "title", "text_start"),
    [
        (
            "The minister resigned on Monday.\n\nHer deputy takes over. Elections follow.\n",
            "The minister resigned on Monday",
            "The minister resigned on Monday.",
        ),
        (
            'The coach said "we will win"\n\nThe team trained on Sunday. Fans watched.\n',
            None,  # ends with a quote: a quotation, not a headline
            'The coach said "we will win"',
        ),
        (
            "Only one paragraph without a blank line. It carries on.\n",
            "Only one paragraph without a blank line",
            "Only one paragraph",
        ),
    ],
    ids=["first-line-is-a-sentence", "first-line-ends-with-quote", "no-blank-line"],
)
def test_txt_without_headline_keeps_first_line_in_text(write_corpus, raw, title, text_start):
    article = only_article(scan_corpus(write_corpus({"a.txt": raw})))
    assert article.text.startswith(text_start)
    if title is not None:
        assert article.title == title


def test_long_lead_sentence_title_is_cut_at_a_word_with_ellipsis(write_corpus):
    lead = "The government announced " + "a very long list of new measures " * 5 + "today."
    article = only_article(scan_corpus(write_corpus({"a.txt": lead + " Another sentence.\n"})))
    assert article.title.endswith("\u2026")
    assert len(article.title) <= 91
    assert lead.startswith(article.title[:-1])
    assert not article.title[:-1].endswith(" ")


# --------------------------------------------------------------------------------- .md and .jsonl files


def test_markdown_front_matter_fields(write_corpus):
    corpus = write_corpus({
        "story.md": (
            "---\n"
            "title: Budget passes after long debate\n"
            "date: 2025-11-03\n"
            "source: The Example Times\n"
            "url: https://example.com/budget\n"
            "---\n"
            "# Budget passes\n\n"
            + BODY
        ),
    })
    article = only_article(scan_corpus(corpus))
    assert article.title == "Budget passes after long debate"
    assert article.date == "2025-11-03"
    assert article.source == "The Example Times"
    assert article.url == "https://example.com/budget"
    assert "---" not in article.text
    assert "title:" not in article.text
    assert article.text.startswith("Budget passes\n\nThe council approved")  # heading marker dropped


def test_jsonl_gives_one_article_per_line_with_distinct_ids(write_corpus):
    corpus = write_corpus({
        "feed.jsonl": (
            '{"title": "First", "date": "2025-01-02", "text": "Alpha happened today. It was big."}\n'
            "\n"
            '{"title": "Second", "source": "Wire", "text": "Beta happened later. Few noticed."}\n'
            '{"text": "Gamma closed the day. Markets fell.", "url": "https://example.com/g"}\n'
        ),
    })
    scan = scan_corpus(corpus)
    assert scan.skipped == []
    assert [a.text.split()[0] for a in scan.articles] == ["Alpha", "Beta", "Gamma"]
    assert [a.line for a in scan.articles] == [1, 3, 4]
    ids = [a.doc_id for a in scan.articles]
    assert len(set(ids)) == 3
    assert all(a.source_file == "feed.jsonl" for a in scan.articles)
    first, second, third = scan.articles
    assert (first.title, first.date) == ("First", "2025-01-02")
    assert (second.title, second.source, second.date) == ("Second", "Wire", None)
    assert third.url == "https://example.com/g"
    assert third.title == "Gamma closed the day"  # derived from the lead sentence


# ------------------------------------------------------------------------------------------ bad files

GOOD_JSON_LINE = '{"title": "Fine", "text": "This line is a good article. It has two sentences."}'


@pytest.mark.parametrize(
    ("name", "content", "line", "reason_part"),
    [
        ("bad.txt", b"caf\xe9 au lait", None, "not valid UTF-8"),
        ("empty.txt", b"", None, "empty"),
        ("blank.txt", b"  \n\t\n   \n", None, "empty"),
        ("empty.md", b"", None, "empty"),
        ("empty.jsonl", b"\n\n", None, "empty"),
        ("broken.md", b"---\ntitle: [unclosed\ndate: 2025-01-01\n---\nBody text here. More.\n", None,
         "not valid YAML"),
        ("unclosed.md", b"---\ntitle: Never closed\nBody text here. More.\n", None, "not closed"),
        ("list.md", b"---\n- one\n- two\n---\nBody text here. More.\n", None, "mapping"),
        ("baddate.md", b"---\ndate: last Tuesday\n---\nBody text here. More.\n", None, "ISO date"),
        ("promo.txt", b"Advertisement\n\nFollow us on Twitter for updates\n", None, "no article text"),
        ("feed.jsonl", f"{GOOD_JSON_LINE}\n{{not json}}\n".encode(), 2, "not valid JSON"),
        ("feed.jsonl", f'{GOOD_JSON_LINE}\n{{"title": "No body"}}\n'.encode(), 2, "'text'"),
        ("feed.jsonl", f'{GOOD_JSON_LINE}\n{{"text": "   "}}\n'.encode(), 2, "'text'"),
        ("feed.jsonl", f'{GOOD_JSON_LINE}\n["a", "list"]\n'.encode(), 2, "JSON object"),
        ("feed.jsonl", f'["a", "list"]\n{GOOD_JSON_LINE}\n'.encode(), 1, "JSON object"),
        ("feed.jsonl", f'{GOOD_JSON_LINE}\n{{"text": "Ok. Fine.", "date": "soon"}}\n'.encode(), 2,
         "ISO date"),
    ],
    ids=[
        "invalid-utf8", "empty-txt", "whitespace-only-txt", "empty-md", "empty-jsonl", "broken-yaml",
        "unclosed-front-matter", "front-matter-not-mapping", "md-bad-date", "only-boilerplate",
        "jsonl-not-json", "jsonl-no-text", "jsonl-blank-text", "jsonl-list", "jsonl-list-first-line",
        "jsonl-bad-date",
    ],
)
def test_bad_file_is_skipped_by_name_and_rest_ingests(write_corpus, name, content, line, reason_part):
    corpus = write_corpus({
        "good.txt": "Good headline\n\n" + BODY,
        f"sub/{name}": content,
    })
    scan = scan_corpus(corpus)

    assert len(scan.skipped) == 1, [str(s) for s in scan.skipped]
    skipped = scan.skipped[0]
    assert skipped.file == f"sub/{name}"
    assert skipped.line == line
    assert reason_part in skipped.reason
    where = f"sub/{name}:{line}" if line is not None else f"sub/{name}"
    assert str(skipped).startswith(where + ": ")

    good_files = {a.source_file for a in scan.articles}
    assert "good.txt" in good_files
    if line is not None:
        assert f"sub/{name}" in good_files  # the good line of the same file still ingests
        assert len(scan.articles) == 2
    else:
        assert len(scan.articles) == 1
    # A skipped file is still fingerprinted, so fixing it later triggers a rebuild.
    assert set(scan.fingerprints) == {"good.txt", f"sub/{name}"}


def test_invalid_utf8_reason_names_byte_and_offset(write_corpus):
    scan = scan_corpus(write_corpus({"bad.txt": b"caf\xe9 au lait"}))
    assert scan.skipped[0].reason == "not valid UTF-8 (byte 0xe9 at offset 3)"


def test_real_bbc_invalid_utf8_file_is_skipped_by_name(tmp_path, shared_data):
    bad = shared_data("bbc-news/sport/199.txt")
    good = shared_data("bbc-news/sport/001.txt")
    corpus = tmp_path / "bbc"
    (corpus / "sport").mkdir(parents=True)
    shutil.copy(bad, corpus / "sport" / "199.txt")
    shutil.copy(good, corpus / "sport" / "001.txt")

    scan = scan_corpus(corpus)

    assert [s.file for s in scan.skipped] == ["sport/199.txt"]
    assert "not valid UTF-8" in scan.skipped[0].reason
    assert str(scan.skipped[0]).startswith("sport/199.txt: ")
    assert [a.source_file for a in scan.articles] == ["sport/001.txt"]
    assert scan.articles[0].title == good.read_text(encoding="utf-8").split("\n", 1)[0].strip()


def test_missing_corpus_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        scan_corpus(tmp_path / "nowhere")


def test_hidden_files_and_other_suffixes_inside_corpus_are_ignored(write_corpus):
    corpus = write_corpus({
        "a.txt": BODY,
        ".hidden.txt": BODY,
        ".git/notes.txt": BODY,
        "notes.TXT": BODY,
        "image.png": b"\x89PNG",
        "readme.rst": BODY,
    })
    scan = scan_corpus(corpus)
    assert [a.source_file for a in scan.articles] == ["a.txt"]
    assert set(scan.fingerprints) == {"a.txt"}


@pytest.mark.parametrize(
    "route", [("elsewhere", "..", "corpus"), (".data", "corpus")], ids=["path-with-dotdot", "hidden-parent"],
)
def test_corpus_path_with_dot_component_still_finds_files(tmp_path, route):
    corpus = tmp_path.joinpath(*route)
    (tmp_path / "elsewhere").mkdir()
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "a.txt").write_text(BODY)
    assert [a.source_file for a in scan_corpus(corpus).articles] == ["a.txt"]


# ------------------------------------------------------------------------------------------- doc ids


def test_doc_ids_are_stable_across_scans_and_corpus_changes(write_corpus):
    files = {
        "world/india.txt": "India talks\n\n" + BODY,
        "world/us.md": "---\ntitle: US\n---\n" + BODY,
        "feed.jsonl": '{"text": "One. Two."}\n{"text": "Three. Four."}\n',
        "top.txt": BODY,
    }
    corpus = write_corpus(files)
    first = [a.doc_id for a in scan_corpus(corpus).articles]
    second = [a.doc_id for a in scan_corpus(corpus).articles]
    assert first == second
    assert len(set(first)) == len(first) == 5

    # Adding a file does not renumber the others.
    write_corpus({"aaa/new.txt": BODY})
    third = [a.doc_id for a in scan_corpus(corpus).articles]
    assert set(first) <= set(third)
    assert len(set(third)) == len(third) == 6


def test_same_file_name_in_different_folders_gets_different_ids(write_corpus):
    corpus = write_corpus({"a/x.txt": BODY, "b/x.txt": BODY})
    ids = [a.doc_id for a in scan_corpus(corpus).articles]
    assert len(set(ids)) == 2


def test_non_ascii_file_names_get_distinct_non_empty_ids(write_corpus):
    corpus = write_corpus({"日本.txt": BODY, "中国.txt": BODY})
    ids = [a.doc_id for a in scan_corpus(corpus).articles]
    assert all(ids)
    assert len(set(ids)) == 2


# ------------------------------------------------------------------------------- encoding variants


def test_bom_prefixed_txt_with_date_header(write_corpus):
    corpus = write_corpus({"a.txt": "\ufeffdate 2026-02-02 Officials met on Monday. They agreed.\n"})
    article = only_article(scan_corpus(corpus))
    assert article.date == "2026-02-02"
    assert not article.text.startswith("date")


def test_crlf_txt_headline_and_body(write_corpus):
    corpus = write_corpus({"a.txt": "Markets rally\r\n\r\nShares rose on Monday.\r\nBonds fell.\r\n"})
    article = only_article(scan_corpus(corpus))
    assert article.title == "Markets rally"
    assert article.text == "Shares rose on Monday.\nBonds fell."


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        (
            "---\r\ntitle: Windows file\r\ndate: 2025-01-01\r\n---\r\nBody text here. More.\r\n",
            "Windows file",
        ),
        ("---\n---\nBody text here. More.\n", "Body text here"),
    ],
    ids=["crlf-front-matter", "empty-front-matter"],
)
def test_md_front_matter_variants(write_corpus, raw, title):
    article = only_article(scan_corpus(write_corpus({"a.md": raw})))
    assert article.title == title
    assert article.text == "Body text here. More."


def test_doc_id_and_source_file_are_relative_to_corpus(write_corpus):
    corpus = write_corpus({"deep/er/file.txt": BODY})
    article = only_article(scan_corpus(corpus))
    assert article.source_file == "deep/er/file.txt"
    assert article.doc_id == "deep-er-file"
