"""Typed records at the ingest boundary: an article as read, and a file that was skipped."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Article:
    """One article as read from the corpus, before segmentation.

    `text` is the cleaned text; every offset elsewhere in the system points into it.
    """

    doc_id: str
    title: str
    date: str | None
    text: str
    source_file: str
    source: str | None = None
    url: str | None = None
    line: int | None = None  # line number inside a .jsonl file

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Skipped:
    """A corpus file (or a line of one) that was not indexed, and why."""

    file: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
