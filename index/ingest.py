"""Read a corpus folder (.txt, .md with YAML front matter, .jsonl) into cleaned articles.

Bad files are reported by name (and line, for .jsonl) with the reason and skipped, so one broken
article never stops the rest from indexing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index.cleaning import clean_text, split_date_header
from index.documents import Article, Skipped
from index.segmenter import sentence_spans

SUFFIXES = (".txt", ".md", ".jsonl")
TITLE_MAX_CHARS = 90
# A BBC-style headline: one short line without sentence-final punctuation, then a blank line.
_HEADLINE_MAX_CHARS = 150


class BadArticle(ValueError):
    """An article that cannot be used; the message says why."""


@dataclass
class CorpusScan:
    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)  # relative path -> sha256 of bytes


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Article files below `corpus_dir`, in a stable order (suffixes are matched case-sensitively)."""
    return sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def scan_corpus(corpus_dir: Path) -> CorpusScan:
    """Read every article file; collect the good articles, the skipped files and file fingerprints."""
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder {corpus_dir} does not exist")
    scan = CorpusScan()
    for path in corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            data = path.read_bytes()
        except OSError as exc:
            scan.skipped.append(Skipped(rel, f"cannot be read ({exc.strerror or exc})"))
            continue
        scan.fingerprints[rel] = hashlib.sha256(data).hexdigest()
        try:
            raw = decode(data)
        except BadArticle as exc:
            scan.skipped.append(Skipped(rel, str(exc)))
            continue
        for item in parse_file(rel, raw):
            if isinstance(item, Skipped):
                scan.skipped.append(item)
            else:
                scan.articles.append(item)
    return scan


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadArticle(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def parse_file(rel: str, raw: str) -> Iterator[Article | Skipped]:
    suffix = Path(rel).suffix
    if suffix == ".jsonl":
        yield from _parse_jsonl(rel, raw)
        return
    try:
        yield _parse_md(rel, raw) if suffix == ".md" else _parse_txt(rel, raw)
    except BadArticle as exc:
        yield Skipped(rel, str(exc))


def doc_id_for(rel: str, line: int | None = None) -> str:
    """A stable id from the file's path inside the corpus (and the line, for .jsonl files)."""
    stem = re.sub(r"[^\w.-]+", "-", str(Path(rel).with_suffix(""))).strip("-")
    return f"{stem}-{line}" if line is not None else stem


def _parse_txt(rel: str, raw: str) -> Article:
    if not raw.strip():
        raise BadArticle("empty file")
    date, rest = split_date_header(raw.lstrip("\ufeff"))
    title = None
    lines = rest.lstrip("\ufeff\n").split("\n")
    if (
        len(lines) > 2
        and lines[1].strip() == ""
        and 0 < len(lines[0].strip()) <= _HEADLINE_MAX_CHARS
        and not lines[0].rstrip().endswith((".", "?", "!", '"', "\u201d"))
    ):
        title = lines[0].strip()
        rest = "\n".join(lines[2:])
    return _article(rel, rest, title=title, date=date)


def _parse_md(rel: str, raw: str) -> Article:
    if not raw.strip():
        raise BadArticle("empty file")
    meta: dict = {}
    body = raw.lstrip("\ufeff").replace("\r\n", "\n")
    if body.startswith("---"):
        match = re.match(r"---[ \t]*\n(.*?\n)?---[ \t]*(\n|$)", body, re.DOTALL)
        if not match:
            raise BadArticle("front matter is not closed with a '---' line")
        try:
            meta = yaml.safe_load(match.group(1) or "") or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 2}" if mark is not None else ""
            raise BadArticle(f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
        if not isinstance(meta, dict):
            raise BadArticle("front matter is not a mapping of keys to values")
        body = body[match.end():]
    # Markdown headings and emphasis markers are layout, not text a citation should carry.
    body = re.sub(r"^#{1,6}\s+", "", body, flags=re.MULTILINE)
    return _article(
        rel, body, title=_opt_str(meta.get("title")), date=_date(meta.get("date")),
        source=_opt_str(meta.get("source")), url=_opt_str(meta.get("url")),
    )


def _parse_jsonl(rel: str, raw: str) -> Iterator[Article | Skipped]:
    if not raw.strip():
        yield Skipped(rel, "empty file")
        return
    for number, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(rel, f"not valid JSON ({exc.msg} at column {exc.colno})", line=number)
            continue
        if not isinstance(record, dict):
            yield Skipped(rel, "a line must be a JSON object", line=number)
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            yield Skipped(rel, "missing or empty 'text'", line=number)
            continue
        try:
            yield _article(
                rel, text, title=_opt_str(record.get("title")), date=_date(record.get("date")),
                source=_opt_str(record.get("source")), url=_opt_str(record.get("url")), line=number,
            )
        except BadArticle as exc:
            yield Skipped(rel, str(exc), line=number)


def _article(
    rel: str, body: str, *, title: str | None, date: str | None,
    source: str | None = None, url: str | None = None, line: int | None = None,
) -> Article:
    text = clean_text(body)
    if not text:
        raise BadArticle("no article text after cleaning")
    return Article(
        doc_id=doc_id_for(rel, line), title=title or derive_title(text), date=date, text=text,
        source_file=rel, source=source, url=url, line=line,
    )


def derive_title(text: str) -> str:
    """Lead sentence, shortened at a word boundary: a readable label when metadata has no title."""
    first = text.split("\n", 1)[0]
    spans = sentence_spans(first)
    lead = first[spans[0][0]: spans[0][1]] if spans else first
    if len(lead) <= TITLE_MAX_CHARS:
        return lead.rstrip(".")
    cut = lead[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "\u2026"


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: object) -> str | None:
    """ISO date string from YAML (which parses dates itself) or JSON; None when absent or unparsable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise BadArticle(f"date {text!r} is not an ISO date (YYYY-MM-DD)") from None
