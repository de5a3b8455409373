"""Add, replace and delete articles in the corpus folder: validated by the ingest parser, written atomically.

Every write is checked by parsing the exact bytes about to be written with `index.ingest.parse_file`, the
code `qa index` reads the corpus with, so an article accepted here is an article the next build indexes.
Files are written to a hidden temporary file beside the target and moved into place with `os.replace`,
so a reader (a build, another process) sees the old file or the new one, never a torn one.

Where articles go:
  - an article given as fields (title, date, text, ...) becomes `added/<date>-<title slug>.md` with YAML
    front matter; posting the same title and date again replaces it (its doc_id is kept);
  - an uploaded `.txt` / `.md` / `.jsonl` file becomes `added/<file name>`; uploading the same name again
    replaces it;
  - `replace(doc_id, ...)` rewrites an existing article in its own file and format, keeping its doc_id.

Deleting an article removes its file. For one line of a `.jsonl` file the line is blanked rather than
removed: the ingest parser skips blank lines and numbers lines as they stand, so the file's other
articles keep their doc_ids (`<stem>-<line>`) and the citations stored in conversations. A file whose
last article is deleted is removed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from index.documents import Article, Skipped
from index.ingest import SUFFIXES, BadArticle, corpus_files, decode, doc_id_for, parse_file

ADDED_FOLDER = "added"
MAX_ARTICLE_BYTES = 2_000_000
_SLUG_CHARS = 60
_TITLE_HEADLINE_MAX = 150  # the .txt headline rule of index.ingest


class ArticleRejected(ValueError):
    """An article or file that cannot be written; the message says why."""


class ArticleTooLarge(ArticleRejected):
    """Bigger than the configured limit."""


class ArticleConflict(ValueError):
    """The article's doc_id is already used by another corpus file."""


class ArticleNotFound(KeyError):
    """No corpus file holds an article with this doc_id."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(doc_id)
        self.doc_id = doc_id

    def __str__(self) -> str:
        return f"no document has the id {self.doc_id!r}"


class CorpusWriteError(OSError):
    """The corpus folder refused the write (read-only, full); nothing was changed."""


@dataclass(frozen=True)
class ArticleFields:
    """An article as a client gives it, before it is rendered into a file."""

    title: str
    text: str
    date: str | None = None
    source: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ArticleRejected("title is empty")
        if "\n" in self.title.strip() or "\r" in self.title:
            raise ArticleRejected("title must be one line")
        if not self.text.strip():
            raise ArticleRejected("text is empty")
        if self.date is not None:
            try:
                parsed = dt.date.fromisoformat(self.date)
            except ValueError:
                raise ArticleRejected(f"date {self.date!r} is not an ISO date (YYYY-MM-DD)") from None
            if parsed.isoformat() != self.date:
                raise ArticleRejected(f"date {self.date!r} is not an ISO date (YYYY-MM-DD)")


@dataclass(frozen=True)
class Written:
    """What a write did: the file (relative to the corpus folder), the articles it holds, and whether an
    existing file or line was replaced."""

    path: str
    doc_ids: tuple[str, ...]
    replaced: bool


@dataclass(frozen=True)
class Removed:
    path: str
    doc_id: str
    line: int | None  # the blanked line of a .jsonl file
    file_removed: bool


class CorpusWriter:
    """Writes into one corpus folder. Thread-safe within a process: writes are serialised by a lock, so a
    read-modify-write of a .jsonl file never loses another write's change."""

    def __init__(self, corpus_dir: Path, max_bytes: int = MAX_ARTICLE_BYTES, folder: str = ADDED_FOLDER) -> None:
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        if not folder or folder.startswith(".") or "/" in folder or "\\" in folder:
            raise ValueError(f"folder must be one visible folder name, not {folder!r}")
        self.corpus_dir = Path(corpus_dir)
        self.max_bytes = max_bytes
        self.folder = folder
        self._lock = threading.Lock()

    # ----------------------------------------------------------------------------------------- writes

    def add_article(self, fields: ArticleFields) -> Written:
        """Write `fields` as `added/<date>-<slug>.md`; an article with the same title and date is replaced."""
        rel = f"{self.folder}/{fields.date or 'undated'}-{slug(fields.title)}.md"
        data = render(".md", fields)
        with self._lock:
            articles = self._validate(rel, data, expect=fields)
            return self._write(rel, data, articles)

    def add_file(self, filename: str, data: bytes) -> Written:
        """Write an uploaded file as `added/<name>`; a file of the same name there is replaced."""
        rel = f"{self.folder}/{safe_name(filename)}"
        with self._lock:
            articles = self._validate(rel, data)
            return self._write(rel, data, articles)

    def replace(self, doc_id: str, fields: ArticleFields) -> Written:
        """Rewrite the article `doc_id` in its own file and format (a .jsonl article: its line), keeping its id.

        Raises ArticleRejected when the file's format cannot hold a field (a .txt file has no source or url).
        """
        with self._lock:
            rel, line = self.locate(doc_id)
            suffix = Path(rel).suffix
            if line is None:
                data = render(suffix, fields)
            else:
                lines = self._read(rel).split("\n")
                lines[line - 1] = render(".jsonl", fields).decode().rstrip("\n")
                data = "\n".join(lines).encode()
            articles = self._validate(rel, data, expect=fields, doc_id=doc_id, line=line)
            self._write(rel, data, articles)
            return Written(rel, (doc_id,), True)

    def delete(self, doc_id: str) -> Removed:
        """Remove the article `doc_id`: its file, or for a .jsonl article its line (blanked, see above)."""
        with self._lock:
            rel, line = self.locate(doc_id)
            path = self.corpus_dir / rel
            if line is not None:
                lines = self._read(rel).split("\n")
                lines[line - 1] = ""
                if any(x.strip() for x in lines):
                    atomic_write(path, "\n".join(lines).encode())
                    return Removed(rel, doc_id, line, file_removed=False)
            try:
                path.unlink()
                fsync_dir(path.parent)
            except FileNotFoundError:
                raise ArticleNotFound(doc_id) from None
            except OSError as exc:
                raise CorpusWriteError(f"cannot remove {rel} from the corpus folder: {exc.strerror or exc}") from exc
            return Removed(rel, doc_id, line, file_removed=True)

    # ---------------------------------------------------------------------------------------- lookups

    def locate(self, doc_id: str) -> tuple[str, int | None]:
        """(relative path, .jsonl line or None) of the article `doc_id`, from file names alone (a doc_id is
        its path's stem, plus the line for .jsonl), so articles not yet indexed are found too."""
        found = _Owners.of(self.corpus_dir).owner(doc_id)
        if found is None:
            raise ArticleNotFound(doc_id)
        return found

    # ---------------------------------------------------------------------------------------- helpers

    def _validate(
        self, rel: str, data: bytes, expect: ArticleFields | None = None, doc_id: str | None = None,
        line: int | None = None,
    ) -> list[Article]:
        """The articles `data` holds when written at `rel`, or ArticleRejected / ArticleConflict saying why.
        With `line` (a .jsonl line being replaced), problems on the file's other lines are left as they were."""
        if len(data) > self.max_bytes:
            raise ArticleTooLarge(f"{rel} is {len(data):,} bytes; the limit is {self.max_bytes:,} bytes")
        try:
            raw = decode(data)
        except BadArticle as exc:
            raise ArticleRejected(f"{Path(rel).name} is {exc}") from None
        if not raw.strip():
            raise ArticleRejected(f"{Path(rel).name} is empty")
        articles: list[Article] = []
        for item in parse_file(rel, raw):
            if isinstance(item, Skipped):
                if line is not None and item.line != line:
                    continue
                where = f"{Path(rel).name}, line {item.line}" if item.line is not None else Path(rel).name
                raise ArticleRejected(f"{where}: {item.reason}")
            articles.append(item)
        if not articles:
            raise ArticleRejected(f"{Path(rel).name} holds no article")
        if expect is not None:
            article = next((a for a in articles if a.doc_id == doc_id), articles[0]) if doc_id else articles[0]
            _check_kept(Path(rel).suffix, article, expect)
        owners = _Owners.of(self.corpus_dir, exclude=rel)
        for article in articles:
            other = owners.owner(article.doc_id)
            if other is not None:
                where = f"{other[0]}, line {other[1]}" if other[1] is not None else other[0]
                raise ArticleConflict(f"doc_id {article.doc_id!r} is already used by {where}; "
                                      "delete that article first or choose another title or file name")
        return articles

    def _write(self, rel: str, data: bytes, articles: list[Article]) -> Written:
        path = self.corpus_dir / rel
        replaced = path.exists()
        atomic_write(path, data)
        return Written(rel, tuple(a.doc_id for a in articles), replaced)

    def _read(self, rel: str) -> str:
        try:
            return (self.corpus_dir / rel).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ArticleRejected(f"{rel} cannot be read: {exc}") from None


class _Owners:
    """Which corpus file owns each doc_id, computed from file names (and .jsonl line contents)."""

    def __init__(self, corpus_dir: Path, files: list[str]) -> None:
        self.corpus_dir = corpus_dir
        self.whole = {doc_id_for(rel): rel for rel in reversed(files) if not rel.endswith(".jsonl")}
        self.jsonl = {doc_id_for(rel): rel for rel in reversed(files) if rel.endswith(".jsonl")}

    @classmethod
    def of(cls, corpus_dir: Path, exclude: str | None = None) -> _Owners:
        files = [p.relative_to(corpus_dir).as_posix() for p in corpus_files(corpus_dir)] if corpus_dir.is_dir() else []
        return cls(corpus_dir, [f for f in files if f != exclude])

    def owner(self, doc_id: str) -> tuple[str, int | None] | None:
        if doc_id in self.whole:
            return self.whole[doc_id], None
        stem, _, number = doc_id.rpartition("-")
        rel = self.jsonl.get(stem)
        if rel is None or not number.isdigit():
            return None
        line = int(number)
        try:
            lines = (self.corpus_dir / rel).read_bytes().decode("utf-8", errors="replace").split("\n")
        except OSError:
            return None
        if 1 <= line <= len(lines) and lines[line - 1].strip():
            return rel, line
        return None


# ------------------------------------------------------------------------------------------- rendering


def render(suffix: str, fields: ArticleFields) -> bytes:
    """The file (or, for .jsonl, the one line) that holds `fields` in the corpus format `suffix`."""
    if suffix == ".md":
        meta = {k: v for k, v in (("title", fields.title), ("date", fields.date),
                                  ("source", fields.source), ("url", fields.url)) if v}
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
        return f"---\n{front}---\n\n{fields.text.strip()}\n".encode()
    if suffix == ".jsonl":
        record = {k: v for k, v in (("title", fields.title), ("date", fields.date), ("text", fields.text),
                                    ("source", fields.source), ("url", fields.url)) if v}
        return (json.dumps(record, ensure_ascii=False) + "\n").encode()
    if suffix == ".txt":
        header = f"date {fields.date}\n" if fields.date else ""
        return f"{header}{fields.title.strip()}\n\n{fields.text.strip()}\n".encode()
    raise ArticleRejected(f"file type {suffix!r} is not one of {', '.join(SUFFIXES)}")


def _check_kept(suffix: str, article: Article, fields: ArticleFields) -> None:
    """Fail when the written file would not read back with the fields asked for (a .txt file has no
    source or url, and its title must be a one-line headline)."""
    wanted = {"title": " ".join(fields.title.split()), "date": fields.date, "source": fields.source,
              "url": fields.url}
    got = {"title": " ".join(article.title.split()), "date": article.date, "source": article.source,
           "url": article.url}
    lost = [k for k in wanted if (wanted[k] or None) != (got[k] or None)]
    if lost:
        why = (f"a {suffix} file cannot keep its {', '.join(lost)} as given"
               + (f" (a .txt title is one line of at most {_TITLE_HEADLINE_MAX} characters not ending in "
                  "punctuation; a .txt file has no source or url)" if suffix == ".txt" else ""))
        raise ArticleRejected(why)


def slug(title: str) -> str:
    """An ASCII file-name stem from a title: 'Storm data: deal!' -> 'storm-data-deal'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return text[:_SLUG_CHARS].rstrip("-") or "article"


def safe_name(filename: str) -> str:
    """The upload's own file name, without folders, made safe and visible; its suffix must be a corpus one."""
    name = re.split(r"[\\/]", filename or "")[-1].strip()
    stem, suffix = os.path.splitext(name)
    suffix = suffix.lower()
    if suffix not in SUFFIXES:
        shown = f"{suffix!r}" if suffix else "no file type"
        raise ArticleRejected(f"{name or 'the upload'} has {shown}; accepted types are {', '.join(SUFFIXES)}")
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")
    if not stem:
        raise ArticleRejected(f"{name!r} is not a usable file name")
    return stem[:100] + suffix


# ------------------------------------------------------------------------------------------- files


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a hidden temporary file in the same folder and `os.replace`.

    The temporary name starts with a dot, so a corpus scan never reads a half-written file.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise CorpusWriteError(f"cannot write into the corpus folder {path.parent}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CorpusWriteError(f"cannot write {path.name} into the corpus folder: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = [
    "ADDED_FOLDER", "ArticleConflict", "ArticleFields", "ArticleNotFound", "ArticleRejected", "ArticleTooLarge",
    "CorpusWriteError", "CorpusWriter", "Removed", "Written", "atomic_write", "render", "safe_name", "slug",
]
