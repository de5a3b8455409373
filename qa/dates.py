"""Dates named in answers and questions, resolved to calendar ranges by dateparser against a reference day.

A news article says "February 4", "on Tuesday" or "last week" and means a day relative to its own date;
a reader asks about "yesterday" and means the briefing's newest day. dateparser does the parsing, with
RELATIVE_BASE set to that reference day. This module adds only what dateparser leaves open:

- which year or week a date without one falls in. dateparser is asked for its past, future and
  current-period readings; a reading that holds the reference day wins ("February" in a February article),
  then the tense of the words nearest the expression ("will be held on", "was held on"), and without a
  tense: a bare weekday is the past one (news mostly reports what happened; what is coming is written with
  "will", "next" or "this"), anything else the nearest reading ("January 27" in a February 2 article is
  last week, "March 3" is next month, not a year away);
- the span of the period meant: dateparser returns one instant and its granularity (day, week, month,
  year), which becomes the whole day, Monday to Sunday, the calendar month or year;
- range words it does not read ("the 1990s", "early March", "earlier this month", "this weekend",
  "the past three years", "February 2-4", "since 2005"), each split into pieces it does read.

Spans that merely contain a number ("2,000 troops", "five countries"), durations ("three years") and bare
clock times ("10 am": the day would be the article's own, which the text never said) are not dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import dateparser
from dateutil.relativedelta import relativedelta

Tense = Literal["past", "future"]

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
# Month names that are also common English words or first names: in a question these count as months only
# beside a day, a year or a preposition of time ("in May", "May 5"), never alone ("May I ask...").
_AMBIGUOUS_MONTHS = frozenset({"march", "may", "april", "june", "august"})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ABBREVIATIONS = ("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "a", "an", "few", "several", "couple")
_UNITS = ("day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "decades")
# Every word a date expression may consist of. A span with any other word ("troops", "Rubio") is not a date,
# however much of it dateparser would read.
_DATE_WORDS = frozenset(
    _MONTHS + _MONTH_ABBREVIATIONS + _WEEKDAYS + _WEEKDAY_ABBREVIATIONS + _NUMBER_WORDS + _UNITS + (
        "today", "tonight", "yesterday", "tomorrow", "weekend", "morning", "afternoon", "evening", "night",
        "noon", "midday", "this", "last", "next", "past", "previous", "coming", "ago", "earlier", "later",
        "early", "mid", "middle", "late", "beginning", "start", "end", "the", "of", "on", "in", "at", "by",
        "from", "to", "until", "till", "through", "and", "since", "during", "around", "about", "st", "nd",
        "rd", "th", "s", "am", "pm", "a", "m", "p",
    )
)
_MONTH_RE = r"(?:" + "|".join(sorted(_MONTHS + _MONTH_ABBREVIATIONS, key=len, reverse=True)) + r")\.?"
_WEEKDAY_RE = r"(?:" + "|".join(_WEEKDAYS) + r")"
_YEAR_RE = r"(?:1[5-9]\d\d|20\d\d)"
_DAY_RE = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_NUMBER_RE = r"(?:\d+|" + "|".join(_NUMBER_WORDS) + r")"

# What makes a span worth handing to dateparser at all: a month, a weekday, a relative day, a year, a decade,
# a numeric date, or a unit of time with a word placing it ("last week", "two years ago").
_HAS_DATE_WORD = re.compile(
    rf"\b(?:{_MONTH_RE}|{_WEEKDAY_RE}|today|tonight|yesterday|tomorrow|{_YEAR_RE}|\d{{3}}0s|"
    rf"\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{1,4}}|weekend|"
    rf"(?:this|last|next|past|previous|coming|ago)\b.*\b(?:day|week|month|year|decade)s?|"
    rf"(?:day|week|month|year|decade)s?\s+ago)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(rf"^(?:{_NUMBER_RE}\s+|a\s+few\s+|a\s+couple\s+of\s+)?(?:day|week|month|year|decade)s?$", re.I)
_LEADING = re.compile(r"^(?:(?:on|in|at|during|by|until|till|around|about|the)\s+)+", re.IGNORECASE)
_SINCE = re.compile(r"^since\s+(.+)$", re.IGNORECASE)
_DECADE = re.compile(r"^(\d{3}0)s$")
_PART = re.compile(r"^(early|mid|middle|late|beginning|start|end)(?:-|\s+)(?:of\s+)?(.+)$", re.IGNORECASE)
_THIS_PERIOD_SO_FAR = re.compile(r"^(earlier|later)\s+this\s+(week|month|year)$", re.IGNORECASE)
_ROLLING = re.compile(rf"^(?:past|last|previous)\s+({_NUMBER_RE})\s+(day|week|month|year)s?$", re.IGNORECASE)
_PAST_PERIOD = re.compile(r"^past\s+(day|week|month|year)$", re.IGNORECASE)
_WEEKEND = re.compile(r"^(this|last|next|coming|previous)?\s*weekend$", re.IGNORECASE)
_SYNONYMS = ((re.compile(r"\bcoming\b", re.I), "next"), (re.compile(r"\bprevious\b", re.I), "last"))
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|\bto\b|\buntil\b|\btill\b|\bthrough\b|\band\b)\s*", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?$")
_RANGE_OPENER = re.compile(r"^(?:from|between)\s+", re.IGNORECASE)

# Words that fix the tense of the clause a date sits in. The marker nearest the expression decides ("said on
# Tuesday that the talks will resume on Friday": Tuesday is past, Friday future); at equal distance the
# future wins, so "scheduled" or "expected to" are not taken for past participles.
_FUTURE_MARKERS = re.compile(
    r"\b(?:will|shall|won't|would|to be|due to|set to|expected to|scheduled|slated|upcoming|forthcoming|next|"
    r"coming|plans? to|planned|going to|later)\b|'ll\b",
    re.IGNORECASE,
)
_PAST_MARKERS = re.compile(
    # Not after "be"/"been": "will be held on Friday" is a future passive, whatever the participle.
    r"(?<!\bbe )(?<!\bbeen )\b(?:was|were|had|did|ago|last|earlier|previously|happened|said|told|held|met|took|"
    r"announced|reported|visited|convened|signed|began|ended|opened|closed|launched|released|published)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateRange:
    """A run of calendar days, both ends included (`start == end` for one day)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a date range cannot end ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        """For display: "Wed 4 Feb 2026", "2–8 Feb 2026", "Feb 2026", "2005", "29 Dec 2025 – 4 Jan 2026"."""
        s, e = self.start, self.end
        if s == e:
            return f"{s:%a} {s.day} {s:%b %Y}"
        if s == date(s.year, 1, 1) and e == date(e.year, 12, 31):
            return str(s.year) if s.year == e.year else f"{s.year}–{e.year}"
        if s.day == 1 and e == _month_end(e) and (s.year, s.month) == (e.year, e.month):
            return f"{s:%b %Y}"
        if (s.year, s.month) == (e.year, e.month):
            return f"{s.day}–{e.day} {e:%b %Y}"
        if s.year == e.year:
            return f"{s.day} {s:%b} – {e.day} {e:%b %Y}"
        return f"{s.day} {s:%b %Y} – {e.day} {e:%b %Y}"

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}


@dataclass(frozen=True)
class DateValue(DateRange):
    """What a date expression of an article (`text`, exactly as written) means on the calendar."""

    text: str = ""


def date_value(
    expression: str, article_date: str | None, context: str | None = None, at: int | None = None,
) -> DateValue | None:
    """The calendar days `expression` (an answer span) names, read as of `article_date` ('YYYY-MM-DD').

    `context` is the sentence holding the span and `at` its offset there (default: its first occurrence);
    they give the tense that decides between last and next "Tuesday" or "December". Without an article
    date only expressions carrying their own year resolve. None when the span is not a date.
    """
    text = " ".join(expression.split()).strip(" ,.;:")
    if not text or not _HAS_DATE_WORD.search(text) or not _only_date_words(text):
        return None
    if article_date is None:
        if not re.search(rf"\b{_YEAR_RE}\b|\d{{3}}0s", text):
            return None
        base = date(2000, 1, 1)  # never used by an expression naming its own year, but dateparser wants one
    else:
        base = date.fromisoformat(article_date)
    tense = None
    if context:
        at = context.find(expression) if at is None else at
        tense = tense_near(context, at if at >= 0 else 0, len(expression))
    found = _resolve(text, base, tense)
    return DateValue(found.start, found.end, expression) if found else None


def question_dates(question: str, newest: date) -> DateRange | None:
    """The days a question asks about ("on February 2", "this week's news", "yesterday", "in January"), as of
    the briefing's newest article date `newest`; None when it names no time.

    A period reaching past `newest` ("next week") is returned as it is: whether articles or the dates they
    mention are filtered is the caller's choice.
    """
    for match in _QUESTION_TIME.finditer(question):
        expression = match.group("expr")
        if not _plausible_in_question(match):
            continue
        tense = tense_near(question, match.start("expr"), len(expression))
        found = _resolve(expression, newest, tense)
        if found is None:
            continue
        if (match.group("prep") or "").strip().lower() == "since" and found.start <= newest:
            return DateRange(found.start, newest)
        return DateRange(found.start, found.end)
    return None


def tense_near(text: str, start: int, length: int) -> Tense | None:
    """The tense of the marker word nearest the span text[start:start+length], if any marks one."""
    end = start + length
    markers: list[tuple[int, int, Tense]] = []  # distance, rank (future first at a tie), tense
    for rank, (pattern, tense) in enumerate(((_FUTURE_MARKERS, "future"), (_PAST_MARKERS, "past"))):
        for m in pattern.finditer(text):
            if start <= m.start() < end:
                continue  # a marker inside the expression ("last week") is the expression's own word
            distance = start - m.end() if m.end() <= start else m.start() - end
            markers.append((max(distance, 0), rank, tense))  # type: ignore[arg-type]
    return min(markers)[2] if markers else None


# ------------------------------------------------------------------------------------------ resolution


def _resolve(text: str, base: date, tense: Tense | None) -> DateRange | None:
    """The range `text` names as of `base`: range words first, then dateparser, then "X-Y" ranges."""
    text = _LEADING.sub("", " ".join(text.split()).strip(" ,.;:"))
    if not text or _DURATION.match(text):
        return None
    if m := _SINCE.match(text):
        found = _resolve(m.group(1), base, "past")
        return DateRange(found.start, max(found.end, base)) if found else None
    if m := _DECADE.match(text):
        first = int(m.group(1))
        return DateRange(date(first, 1, 1), date(first + 9, 12, 31))
    if m := _PART.match(text):
        whole = _resolve(m.group(2), base, tense)
        return _part(whole, m.group(1).lower()) if whole else None
    if m := _THIS_PERIOD_SO_FAR.match(text):
        period = _resolve(f"this {m.group(2)}", base, None)
        if period is None:
            return None
        if m.group(1).lower() == "earlier":
            return DateRange(period.start, max(period.start, base - timedelta(days=1)))
        return DateRange(min(period.end, base + timedelta(days=1)), period.end)
    if m := _ROLLING.match(text):
        count = _count(m.group(1))
        unit = m.group(2).lower()
        back = relativedelta(**{f"{unit}s": count}) if unit != "week" else relativedelta(weeks=count)
        return DateRange(base - back + timedelta(days=1), base)
    if m := _PAST_PERIOD.match(text):
        return _resolve(f"past 1 {m.group(1)}", base, tense)
    if m := _WEEKEND.match(text):
        # "the coming weekend" is this week's; "the previous weekend" last week's.
        which = {"coming": "this", "previous": "last", None: "this"}.get(m.group(1) and m.group(1).lower(),
                                                                        m.group(1))
        week = _resolve(f"{which} week", base, None)
        return DateRange(week.start + timedelta(days=5), week.end) if week else None
    for pattern, word in _SYNONYMS:
        text = pattern.sub(word, text)
    if _NUMERIC_DATE.match(text):
        return _choose(text, base, tense)
    # The range first: dateparser reads "2-4 February" as one of its days.
    return _span(text, base, tense) or _choose(text, base, tense)


def _choose(text: str, base: date, tense: Tense | None) -> DateRange | None:
    """dateparser's reading of `text`, the year or week picked as the module docstring says."""
    readings: dict[str, DateRange] = {}
    for prefer in ("past", "future", "current_period"):
        found = _dateparser_range(text, base, prefer)
        if found is not None:
            readings[prefer] = found
    if not readings:
        return None
    named = _named_weekday(text)
    if named is not None and re.search(r"\d", text):
        # "Tuesday, February 3": the year in which that day is a Tuesday.
        readings = {k: r for k, r in readings.items() if r.start.weekday() == named} or readings
    distinct = set(readings.values())
    if len(distinct) == 1:
        return distinct.pop()
    for reading in distinct:
        if reading.contains(base):
            return reading
    if tense == "future" and "future" in readings:
        return readings["future"]
    if (tense == "past" or (named is not None and not re.search(r"\d", text))) and "past" in readings:
        return readings["past"]
    return min(distinct, key=lambda r: (_distance(r, base), r.start > base))


def _span(text: str, base: date, tense: Tense | None) -> DateRange | None:
    """ "February 2-4", "from 2 to 4 February", "2005-2008": two ends dateparser reads one at a time, the
    day-only end completed with the other end's month (and year)."""
    text = _RANGE_OPENER.sub("", text)
    for sep in _RANGE_SEPARATOR.finditer(text):
        left, right = text[: sep.start()].strip(), text[sep.end():].strip()
        if not left or not right:
            continue
        left, right = _complete(left, right), _complete(right, left)
        if not (_HAS_DATE_WORD.search(left) and _HAS_DATE_WORD.search(right)):
            continue  # "2005-06" is June 2005, not 2005 to some "06"
        if re.search(_YEAR_RE, right) and not re.search(_YEAR_RE, left):
            last = _choose(right, base, tense)
            first = _choose(left, last.end, "past") if last else None
        else:
            first = _choose(left, base, tense)
            last = _choose(right, first.start, "future") if first else None
        if first and last and first.start <= last.end:
            return DateRange(first.start, last.end)
    return None


def _complete(end: str, other: str) -> str:
    """A bare day number ("4" of "February 2-4") given the month written at the other end."""
    m = re.fullmatch(rf"({_DAY_RE})(,?\s+{_YEAR_RE})?", end, re.IGNORECASE)
    month = re.search(rf"\b{_MONTH_RE}", other, re.IGNORECASE)
    if not m or not month:
        return end
    month_first = other.lower().startswith(month.group(0).lower())
    day = m.group(1)
    return (f"{month.group(0)} {day}" if month_first else f"{day} {month.group(0)}") + (m.group(2) or "")


def _dateparser_range(text: str, base: date, prefer: str) -> DateRange | None:
    data = dateparser.DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": prefer,
            "RETURN_TIME_AS_PERIOD": True,
        },
    ).get_date_data(text)
    when, period = data.date_obj, data.period
    if when is None or (period == "time" and not _HAS_DATE_WORD.search(text)):
        return None
    day = when.date()
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return DateRange(monday, monday + timedelta(days=6))
    if period == "month":
        return DateRange(day.replace(day=1), _month_end(day))
    if period == "year":
        return DateRange(date(day.year, 1, 1), date(day.year, 12, 31))
    return DateRange(day, day)


def _part(whole: DateRange, part: str) -> DateRange:
    """The early, middle or late third of a month, year or decade; the whole of anything shorter."""
    if whole.days < 28:
        return whole
    if part in ("early", "beginning", "start"):
        third = 0
    elif part in ("mid", "middle"):
        third = 1
    else:
        third = 2
    if whole.days <= 31:  # a month: days 1-10, 11-20, 21-end
        first = whole.start + timedelta(days=10 * third)
        last = whole.end if third == 2 else first + timedelta(days=9)
        return DateRange(first, last)
    if whole.days <= 366:  # a year: January-April, May-August, September-December
        first = whole.start.replace(month=1 + 4 * third)
        return DateRange(first, _month_end(first.replace(month=first.month + 3)))
    years = (whole.end.year - whole.start.year + 1) / 3  # a decade: its first, middle or last few years
    first_year = whole.start.year + round(years * third)
    last_year = whole.end.year if third == 2 else whole.start.year + round(years * (third + 1)) - 1
    return DateRange(date(first_year, 1, 1), date(last_year, 12, 31))


# ------------------------------------------------------------------------------------------ questions

_QUESTION_TIME = re.compile(
    rf"(?P<prep>\b(?:in|on|since|during|from|until|till|by|of|throughout|over)\s+)?"
    rf"(?P<expr>\b(?:(?:early|mid|late)[- ]|(?:the\s+)?(?:beginning|start|end|middle)\s+of\s+)?(?:"
    rf"\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|(?P<day_before>{_DAY_RE}\s+(?:of\s+)?)?(?P<month>{_MONTH_RE})(?P<day_after>\s+{_DAY_RE}\b)?"
    rf"(?P<year_after>,?\s+{_YEAR_RE})?"
    rf"|(?:(?:this|last|next|coming|previous)\s+)?{_WEEKDAY_RE}"
    rf"|(?:earlier|later)\s+this\s+(?:week|month|year)"
    rf"|(?:the\s+)?(?:this|last|next|past|previous|coming)\s+(?:{_NUMBER_RE}\s+)?(?:weekend|day|week|month|year)s?"
    rf"|{_NUMBER_RE}\s+(?:day|week|month|year)s?\s+ago"
    rf"|today|tonight|yesterday|tomorrow"
    rf"|the\s+\d{{3}}0s"
    rf"|(?P<year>{_YEAR_RE})"
    rf"))\b",
    re.IGNORECASE,
)


def _plausible_in_question(match: re.Match[str]) -> bool:
    """Whether a month or a year the question pattern found is meant as one ("in May", not "May I...")."""
    prep = bool(match.group("prep"))
    if match.group("year") is not None:
        return prep  # "in 2005", not "the 2005 election"
    month = match.group("month")
    if month is None:
        return True
    fixed = bool(match.group("day_before") or match.group("day_after") or match.group("year_after"))
    word = month.rstrip(".").lower()
    if word in _MONTH_ABBREVIATIONS or word in _AMBIGUOUS_MONTHS:
        # "march 4 miles" or "May I": an ambiguous word needs a preposition, or a day/year and a capital.
        return prep or (fixed and month[0].isupper())
    return True


# ------------------------------------------------------------------------------------------ helpers


def _only_date_words(text: str) -> bool:
    return all(w.lower() in _DATE_WORDS for w in re.findall(r"[A-Za-z]+", text))


def _named_weekday(text: str) -> int | None:
    m = re.search(rf"\b({_WEEKDAY_RE})\b", text, re.IGNORECASE)
    return _WEEKDAYS.index(m.group(1).lower()) if m else None


def _count(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in ("a", "an"):
        return 1
    if word in ("few", "several", "couple"):
        return 3 if word != "couple" else 2
    return _NUMBER_WORDS.index(word) + 1


def _distance(r: DateRange, day: date) -> int:
    return 0 if r.contains(day) else min(abs((r.start - day).days), abs((r.end - day).days))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
