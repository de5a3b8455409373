"""Articles by id from the loaded index, and the check that a cited range fits one."""

from __future__ import annotations

from typing import Any

from index.store import DocumentRecord, LoadedIndex
from web.errors import DocumentNotFound, RangeError


def find_document(index: LoadedIndex, doc_id: str) -> DocumentRecord:
    row = index.doc_rows.get(doc_id)
    if row is None:
        raise DocumentNotFound(doc_id)
    return index.documents[row]


def document_payload(doc: DocumentRecord) -> dict[str, Any]:
    return {"doc_id": doc.doc_id, "title": doc.title, "date": doc.date, "source": doc.source,
            "url": doc.url, "text": doc.text}


def cited_parts(text: str, start: int | None, end: int | None) -> tuple[str, str, str]:
    """(before, cited, after) for the range [start, end) of `text`; the whole text when no range is given.

    Raises RangeError when only one bound is given or the range does not fit inside the text.
    """
    if start is None and end is None:
        return text, "", ""
    if start is None or end is None:
        raise RangeError("give both start and end, or neither")
    if not 0 <= start < end <= len(text):
        raise RangeError(f"start and end must satisfy 0 <= start < end <= {len(text)} (got {start}, {end})")
    return text[:start], text[start:end], text[end:]
