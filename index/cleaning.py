"""Boilerplate removal and whitespace normalisation, with all rules kept in this one place.

Cleaning happens before segmentation, so the cleaned text is the text that citations point into.
"""

from __future__ import annotations

import re

# Whole lines that are publisher furniture rather than reporting. Each rule matches a full line
# (case-insensitive) and is written for a kind of boilerplate, not for one article.
BOILERPLATE_LINE_RULES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"add .{1,60} as (a )?(preferred|trusted|favou?rite) source\.?",
        r"(follow|like) us on (twitter|x|facebook|instagram|linkedin|google news|whatsapp)\b.{0,80}",
        r"(subscribe|sign up) (to|for) (our|the) .{0,60}(newsletter|channel|alerts)\.?.{0,40}",
        r"(also read|read more|read also|recommended|related( stories| articles)?)\s*[:|\-].{0,200}",
        r"(click|tap) here (to|for) .{0,100}",
        r"download the .{0,40} app.{0,80}",
        r"(advertisement|sponsored( content)?|story continues below( this ad)?)\.?",
        r"(copyright|©|\(c\)) .{0,80}all rights reserved\.?",
        r"(get|receive) the latest .{0,60} (news|updates).{0,60}",
    )
)

DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n{3,}")


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and any(rule.fullmatch(stripped) for rule in BOILERPLATE_LINE_RULES)


def split_date_header(raw: str) -> tuple[str | None, str]:
    """Strip an inline `date YYYY-MM-DD` header from the start of a text file; return (date, rest)."""
    match = DATE_HEADER.match(raw)
    if not match:
        return None, raw
    return match.group(1), raw[match.end():]


def clean_text(raw: str) -> str:
    """Drop boilerplate lines, fold runs of spaces, keep paragraphs apart with one blank line."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    kept: list[str] = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if is_boilerplate(line):
            continue
        kept.append(line)
    joined = "\n".join(kept)
    return _BLANKS.sub("\n\n", joined).strip()
