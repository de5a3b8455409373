"""Dates in answers and questions resolved against the article's (or the briefing's newest) date."""

from __future__ import annotations

from datetime import date

import pytest

from qa.dates import DateRange, DateValue, date_value, question_dates, tense_near

SEED = "2026-02-02"  # the seed article's date, a Monday
WEDNESDAY = "2026-02-04"


def d(iso: str) -> date:
    return date.fromisoformat(iso)


@pytest.mark.parametrize(("expression", "article_date", "start", "end"), [
    # absolute days, the year taken from the article
    pytest.param("February 4", SEED, "2026-02-04", "2026-02-04", id="month-day-ahead"),
    pytest.param("January 27", SEED, "2026-01-27", "2026-01-27", id="month-day-behind"),
    pytest.param("January 27", "2026-01-27", "2026-01-27", "2026-01-27", id="month-day-same-day"),
    pytest.param("4 Feb", SEED, "2026-02-04", "2026-02-04", id="day-month-abbreviated"),
    pytest.param("Feb. 4", SEED, "2026-02-04", "2026-02-04", id="abbreviation-with-stop"),
    pytest.param("December 15", SEED, "2025-12-15", "2025-12-15", id="no-year-nearest-is-last-year"),
    pytest.param("March 3", SEED, "2026-03-03", "2026-03-03", id="no-year-nearest-is-next-month"),
    pytest.param("Tuesday, February 3", SEED, "2026-02-03", "2026-02-03", id="weekday-and-date"),
    pytest.param("4 February 2026", None, "2026-02-04", "2026-02-04", id="full-date-undated-article"),
    pytest.param("2026-02-04", SEED, "2026-02-04", "2026-02-04", id="iso"),
    pytest.param("Sept. 11, 2001", SEED, "2001-09-11", "2001-09-11", id="other-year"),
    # relative days
    pytest.param("today", SEED, "2026-02-02", "2026-02-02", id="today"),
    pytest.param("yesterday", WEDNESDAY, "2026-02-03", "2026-02-03", id="yesterday"),
    pytest.param("tomorrow", SEED, "2026-02-03", "2026-02-03", id="tomorrow"),
    pytest.param("three days ago", SEED, "2026-01-30", "2026-01-30", id="days-ago"),
    # weekdays: the past one by default, the article's own day when it is that weekday
    pytest.param("on Tuesday", SEED, "2026-01-27", "2026-01-27", id="weekday-past-by-default"),
    pytest.param("Tuesday", WEDNESDAY, "2026-02-03", "2026-02-03", id="weekday-yesterday"),
    pytest.param("Wednesday", WEDNESDAY, "2026-02-04", "2026-02-04", id="weekday-is-article-day"),
    pytest.param("next Tuesday", SEED, "2026-02-03", "2026-02-03", id="next-weekday"),
    pytest.param("last Friday", SEED, "2026-01-30", "2026-01-30", id="last-weekday"),
    # periods
    pytest.param("last week", SEED, "2026-01-26", "2026-02-01", id="last-week-monday-to-sunday"),
    pytest.param("last week", WEDNESDAY, "2026-01-26", "2026-02-01", id="last-week-midweek"),
    pytest.param("this week", WEDNESDAY, "2026-02-02", "2026-02-08", id="this-week"),
    pytest.param("this weekend", WEDNESDAY, "2026-02-07", "2026-02-08", id="this-weekend"),
    pytest.param("next month", SEED, "2026-03-01", "2026-03-31", id="next-month"),
    pytest.param("in January", SEED, "2026-01-01", "2026-01-31", id="month-behind"),
    pytest.param("December", SEED, "2025-12-01", "2025-12-31", id="month-last-year"),
    pytest.param("March 2005", SEED, "2005-03-01", "2005-03-31", id="month-year"),
    pytest.param("2005", SEED, "2005-01-01", "2005-12-31", id="year"),
    pytest.param("last year", SEED, "2025-01-01", "2025-12-31", id="last-year"),
    pytest.param("the 1990s", None, "1990-01-01", "1999-12-31", id="decade"),
    pytest.param("early 2005", None, "2005-01-01", "2005-04-30", id="early-year"),
    pytest.param("late February", SEED, "2026-02-21", "2026-02-28", id="late-month"),
    pytest.param("earlier this month", "2026-02-10", "2026-02-01", "2026-02-09", id="earlier-this-month"),
    pytest.param("the past three days", SEED, "2026-01-31", "2026-02-02", id="rolling-days"),
    pytest.param("since 2005", SEED, "2005-01-01", "2026-02-02", id="since"),
    # ranges with two ends
    pytest.param("February 2-4", SEED, "2026-02-02", "2026-02-04", id="day-range"),
    pytest.param("from February 2-4", SEED, "2026-02-02", "2026-02-04", id="day-range-from"),
    pytest.param("2–4 February", SEED, "2026-02-02", "2026-02-04", id="day-range-day-first"),
    pytest.param("December 28 to January 3", "2026-01-10", "2025-12-28", "2026-01-03", id="range-over-new-year"),
    pytest.param("2005-2008", None, "2005-01-01", "2008-12-31", id="year-range"),
])
def test_date_value_resolves(expression: str, article_date: str | None, start: str, end: str) -> None:
    value = date_value(expression, article_date)
    assert value is not None
    assert (value.start, value.end, value.text) == (d(start), d(end), expression)


@pytest.mark.parametrize(("expression", "article_date"), [
    pytest.param("Marco Rubio", SEED, id="person"),
    pytest.param("five countries", SEED, id="counted-noun"),
    pytest.param("2,000 troops", SEED, id="number-with-comma"),
    pytest.param("2000 troops", SEED, id="year-like-number"),
    pytest.param("27", SEED, id="bare-number"),
    pytest.param("three years", SEED, id="duration"),
    pytest.param("10 days", SEED, id="duration-digits"),
    pytest.param("10 am", SEED, id="clock-time-only"),
    pytest.param("the Critical Minerals Ministerial", SEED, id="event-name"),
    pytest.param("February 4", None, id="no-year-no-article-date"),
    pytest.param("last week", None, id="relative-no-article-date"),
    pytest.param("", SEED, id="empty"),
])
def test_date_value_rejects(expression: str, article_date: str | None) -> None:
    assert date_value(expression, article_date) is None


@pytest.mark.parametrize(("sentence", "expression", "expected"), [
    pytest.param("The talks were held on Tuesday.", "Tuesday", "2026-01-27", id="past-tense"),
    pytest.param("The talks will be held on Tuesday.", "Tuesday", "2026-02-03", id="future-passive"),
    pytest.param("The summit will be held in December.", "December", "2026-12-01", id="future-month"),
    pytest.param("The summit was held in March.", "March", "2025-03-01", id="past-month"),
    pytest.param("He said on Friday that talks will resume on Thursday.", "Friday", "2026-01-30",
                 id="nearest-marker-past"),
    pytest.param("He said on Friday that talks will resume on Thursday.", "Thursday", "2026-02-05",
                 id="nearest-marker-future"),
    pytest.param("The Ministerial, to be held on February 4, will open.", "February 4", "2026-02-04",
                 id="seed-future"),
])
def test_the_tense_around_the_span_picks_past_or_future(sentence: str, expression: str, expected: str) -> None:
    value = date_value(expression, SEED, context=sentence)
    assert value is not None and value.start == d(expected)


def test_the_offset_picks_which_occurrence_the_tense_is_read_at() -> None:
    sentence = "Talks held on Friday, the minister said, will resume on Friday."
    first = date_value("Friday", SEED, context=sentence, at=sentence.index("Friday"))
    second = date_value("Friday", SEED, context=sentence, at=sentence.rindex("Friday"))
    assert first is not None and second is not None
    assert (first.start, second.start) == (d("2026-01-30"), d("2026-02-06"))


@pytest.mark.parametrize(("start", "end", "label"), [
    pytest.param("2026-02-04", "2026-02-04", "Wed 4 Feb 2026", id="day"),
    pytest.param("2026-02-02", "2026-02-08", "2–8 Feb 2026", id="days-of-one-month"),
    pytest.param("2026-01-26", "2026-02-01", "26 Jan – 1 Feb 2026", id="across-months"),
    pytest.param("2025-12-28", "2026-01-03", "28 Dec 2025 – 3 Jan 2026", id="across-years"),
    pytest.param("2026-02-01", "2026-02-28", "Feb 2026", id="month"),
    pytest.param("2005-01-01", "2005-12-31", "2005", id="year"),
    pytest.param("1990-01-01", "1999-12-31", "1990–1999", id="years"),
])
def test_labels(start: str, end: str, label: str) -> None:
    assert DateRange(d(start), d(end)).label == label


def test_wire_shape_and_validation() -> None:
    value = date_value("February 4", SEED)
    assert value == DateValue(d("2026-02-04"), d("2026-02-04"), "February 4")
    assert value.to_dict() == {"start": "2026-02-04", "end": "2026-02-04", "label": "Wed 4 Feb 2026"}
    with pytest.raises(ValueError):
        DateRange(d("2026-02-04"), d("2026-02-03"))


def test_tense_near_reads_the_nearest_marker() -> None:
    text = "It was agreed, and the vote will be on Monday."
    assert tense_near(text, text.index("Monday"), len("Monday")) == "future"
    assert tense_near("Nothing marks it on Monday.", 19, 6) is None


NEWEST = d(SEED)


@pytest.mark.parametrize(("question", "start", "end"), [
    pytest.param("What did the briefing say on February 2?", "2026-02-02", "2026-02-02", id="month-day"),
    pytest.param("this week's news about minerals", "2026-02-02", "2026-02-08", id="this-week"),
    pytest.param("What happened yesterday?", "2026-02-01", "2026-02-01", id="yesterday"),
    pytest.param("What's new today?", "2026-02-02", "2026-02-02", id="today"),
    pytest.param("What happened in January?", "2026-01-01", "2026-01-31", id="in-month"),
    pytest.param("What happened in May?", "2025-05-01", "2025-05-31", id="may-with-preposition"),
    pytest.param("Any news from March 2005?", "2005-03-01", "2005-03-31", id="month-year"),
    pytest.param("What did Rubio say last week?", "2026-01-26", "2026-02-01", id="last-week"),
    pytest.param("What happened on Tuesday?", "2026-01-27", "2026-01-27", id="weekday-past"),
    pytest.param("What will happen on Tuesday?", "2026-02-03", "2026-02-03", id="weekday-future"),
    pytest.param("What happened in 2005?", "2005-01-01", "2005-12-31", id="year-with-preposition"),
    pytest.param("What has changed since January?", "2026-01-01", "2026-02-02", id="since"),
    pytest.param("Anything from the past three days?", "2026-01-31", "2026-02-02", id="rolling"),
    pytest.param("What happened two weeks ago?", "2026-01-19", "2026-01-25", id="weeks-ago"),
    pytest.param("Jan 27 news?", "2026-01-27", "2026-01-27", id="abbreviation-with-day"),
])
def test_question_dates(question: str, start: str, end: str) -> None:
    assert question_dates(question, NEWEST) == DateRange(d(start), d(end))


@pytest.mark.parametrize("question", [
    pytest.param("When will it be held?", id="when-without-time"),
    pytest.param("Who convened the meeting?", id="who"),
    pytest.param("How many countries attended?", id="how-many"),
    pytest.param("May I ask who attended?", id="may-the-verb"),
    pytest.param("Who may attend the Ministerial?", id="may-lowercase"),
    pytest.param("Who led the march?", id="march-the-noun"),
    pytest.param("Will they March on Washington?", id="march-the-verb"),
    pytest.param("Who is April Ryan?", id="april-a-name"),
    pytest.param("What did August Wilson write?", id="august-a-name"),
    pytest.param("What did Jan say?", id="jan-a-name"),
    pytest.param("Who won the 2005 election?", id="year-as-modifier"),
    pytest.param("How many troops, 2,000 or 3,000?", id="numbers"),
    pytest.param("What is the Critical Minerals Ministerial about?", id="topic"),
])
def test_question_dates_none(question: str) -> None:
    assert question_dates(question, NEWEST) is None
