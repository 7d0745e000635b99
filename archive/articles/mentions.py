"""What a caption says about when and who: weekdays, dates and person names.

The rules check a caption's "on Saturday" against the photo's capture date and
the matcher compares the people a caption names with the photo's metadata, so
each mention keeps its span (to underline it in the window) and, when the
article's date is known, the calendar date it stands for.

Newspaper captions speak of the past: a weekday means the latest such day on
or before the article's date, and a day and month without a year the latest
such date no more than 30 days after it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, Iterable

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"Sept": 9}
_MONTH_NUM = {m: i + 1 for i, m in enumerate(MONTHS)} | _MONTH_ABBR


@dataclass(frozen=True)
class Mention:
    """One time expression in a caption.

    ``value``: the weekday 0-6 (Monday 0) for kind "weekday"; a ``date`` for
    "date"; a ``(first, last)`` date pair for "relative" and for a month; None
    when it cannot be known without the article's date.  ``on`` is the calendar
    date a weekday stands for, given the article date.  ``modifier``: "early",
    "late", "into", "last", "next", "morning", "night"...
    """

    kind: str
    value: Any
    start: int
    end: int
    text: str
    modifier: str | None = None
    on: date | None = None
    month_day: tuple[int, int] | None = None  # a date whose year is unknown

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


_PART = r"(?:\s+(?P<part>morning|afternoon|evening|night|overnight))?"
_WEEKDAY = re.compile(
    r"(?:\b(?P<pre>early|late|overnight)\s+(?:on\s+)?|\b(?P<prep>on|into|last|next|this|from|until|by|since)\s+)?"
    r"\b(?P<day>" + "|".join(WEEKDAYS) + r")(?:['\u2019]s)?\b" + _PART)
_MONTHS_RE = "|".join(MONTHS) + "|" + "|".join(sorted(_MONTH_ABBR, key=len, reverse=True))
_DAY_MONTH = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>" + _MONTHS_RE + r")\b\.?"
    r"(?:,?\s+(?P<y>\d{4})\b)?")
_MONTH_DAY = re.compile(
    r"\b(?P<m>" + _MONTHS_RE + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?![:.]\d)"
    r"(?:,?\s+(?P<y>\d{4})\b)?")
_MONTH_YEAR = re.compile(r"\b(?P<m>" + "|".join(MONTHS) + r")\s+(?P<y>\d{4})\b")
_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_RELATIVE = re.compile(
    r"\b(?P<rel>(?:earlier\s+)?(?:last|this)\s+(?:week|month|year|weekend)|"
    r"(?:at|over)\s+the\s+weekend|last\s+night|yesterday|today|tonight|"
    r"this\s+(?:morning|afternoon|evening))\b", re.I)


def weekday_and_date_mentions(text: str, article_date: date | None = None) -> list[Mention]:
    """Every weekday, date and relative time in ``text``, in order, longest first
    where they overlap ("on 17 December 2022" is one mention)."""
    found = [*_weekdays(text, article_date), *_dates(text, article_date),
             *_relatives(text, article_date)]
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _weekdays(text, article_date):
    for m in _WEEKDAY.finditer(text):
        weekday = WEEKDAYS.index(m.group("day"))
        modifier = m.group("pre") or m.group("prep")
        if modifier == "on":
            modifier = None
        if m.group("part"):
            modifier = f"{modifier} {m.group('part')}" if modifier else m.group("part")
        yield Mention("weekday", weekday, m.start(), m.end(), m.group(0), modifier,
                      on=resolve_weekday(weekday, article_date, m.group("prep")))


def resolve_weekday(weekday: int, article_date: date | None, prep: str | None = None) -> date | None:
    """The date a weekday names: the latest one on or before the article date
    ("next Monday": the first one after it)."""
    if article_date is None:
        return None
    if prep == "next":
        return article_date + timedelta(days=(weekday - article_date.weekday()) % 7 or 7)
    back = (article_date.weekday() - weekday) % 7
    if prep == "last" and back == 0:
        back = 7
    return article_date - timedelta(days=back)


def _dates(text, article_date):
    for pattern in (_DAY_MONTH, _MONTH_DAY, _ISO):
        for m in pattern.finditer(text):
            month = _MONTH_NUM.get(m.group("m")) or int(m.group("m"))
            day = int(m.group("d"))
            year = int(m.group("y")) if m.group("y") else None
            if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
                continue
            value = _resolve_date(year, month, day, article_date)
            yield Mention("date", value, m.start(), m.end(), m.group(0),
                          month_day=None if value else (month, day))
    for m in _MONTH_YEAR.finditer(text):
        month, year = MONTHS.index(m.group("m")) + 1, int(m.group("y"))
        last = calendar.monthrange(year, month)[1]
        yield Mention("date", (date(year, month, 1), date(year, month, last)),
                      m.start(), m.end(), m.group(0))


def _resolve_date(year, month, day, article_date):
    if year is not None:
        return date(year, month, day)
    if article_date is None:
        return None
    for y in (article_date.year, article_date.year - 1):
        try:
            candidate = date(y, month, day)
        except ValueError:  # 29 February
            continue
        if candidate <= article_date + timedelta(days=30):
            return candidate
    return None


def _relatives(text, article_date):
    for m in _RELATIVE.finditer(text):
        phrase = " ".join(m.group("rel").lower().split())
        value = _relative_range(phrase, article_date) if article_date else None
        yield Mention("relative", value, m.start(), m.end(), m.group(0))


def _relative_range(phrase: str, d: date) -> tuple[date, date] | None:
    monday = d - timedelta(days=d.weekday())
    phrase = phrase.removeprefix("earlier ")
    if phrase in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return (d, d)
    if phrase == "yesterday":
        return (d - timedelta(days=1),) * 2
    if phrase == "last night":
        return (d - timedelta(days=1), d)
    if phrase == "last week":
        return (monday - timedelta(days=7), monday - timedelta(days=1))
    if phrase == "this week":
        return (monday, d)
    if phrase in ("this weekend", "at the weekend", "over the weekend", "last weekend"):
        saturday = resolve_weekday(5, d, "last" if phrase == "last weekend" else None)
        return (saturday, min(saturday + timedelta(days=1), d) if phrase != "last weekend"
                else saturday + timedelta(days=1))
    if phrase == "this month":
        return (d.replace(day=1), d)
    if phrase == "last month":
        last = d.replace(day=1) - timedelta(days=1)
        return (last.replace(day=1), last)
    if phrase == "this year":
        return (date(d.year, 1, 1), d)
    if phrase == "last year":
        return (date(d.year - 1, 1, 1), date(d.year - 1, 12, 31))
    return None


# --- people -----------------------------------------------------------------

_NOT_NAMES = frozenset(
    set(WEEKDAYS) | set(MONTHS) | {
        "The", "A", "An", "In", "On", "At", "Of", "For", "From", "To", "With", "By", "As",
        "This", "That", "These", "Those", "Here", "There", "It", "He", "She", "They", "We",
        "His", "Her", "Their", "Our", "After", "Before", "During", "While", "When", "Where",
        "Workers", "People", "Police", "Soldiers", "Residents", "Firefighters", "Rescuers",
        "Members", "Supporters", "Protesters", "Children", "Women", "Men", "Volunteers",
        "Christmas", "Easter", "New", "Year", "Eve", "Day", "Mr", "Mrs", "Ms", "Dr",
        "Air", "North", "South", "East", "West", "Central", "Western", "Eastern",
        "Northern", "Southern", "Photograph", "Photo", "Picture", "Left", "Right", "Centre",
        "Top", "Bottom", "Above", "Below", "Main", "Inset", "Pictured", "Ukrainian",
        "Russian", "British", "American", "French", "German", "Belarusian", "European",
        "Kremlin", "Parliament", "Government", "Ministry", "Army", "Navy", "Church",
        "Cathedral", "Square", "Street", "Road", "Bridge", "Station", "Hospital", "Palace",
        "University", "School", "Stadium", "Park", "House", "Hall", "Museum", "Press",
        "Service", "Agency", "Council", "Court", "Party", "Union", "Forces", "Republic"})
_TITLES = frozenset({
    "President", "Prime", "Minister", "Chancellor", "Secretary", "General", "Gen",
    "Lt", "Col", "Colonel", "Captain", "Capt", "Sgt", "Sergeant", "Major", "Commander",
    "Mayor", "Governor", "Senator", "Sen", "Rep", "Representative", "Judge", "Justice",
    "Sir", "Dame", "Lord", "Lady", "King", "Queen", "Prince", "Princess", "Pope", "Father",
    "Rev", "Bishop", "Archbishop", "Patriarch", "Leader", "Chief", "Speaker", "Premier",
    "Foreign", "Defence", "Defense", "Home", "Deputy", "Vice", "Mr", "Mrs", "Ms", "Dr",
    "Prof", "Professor", "Ambassador", "Envoy", "Spokesman", "Spokeswoman", "Coach"})
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-.]*", re.UNICODE)
_CONNECTORS = frozenset({"van", "von", "der", "den", "de", "del", "da", "di", "du", "la",
                         "le", "bin", "ibn", "al", "el"})

PlaceFinder = Callable[[str], Iterable[tuple]]


def people_mentions(text: str, places: "PlaceFinder | Any | None" = None) -> list[str]:
    """Capitalised runs of two or more words that look like a person's name.

    A heuristic: it drops weekdays, months, titles ("President"), common
    capitalised words and anything ``places`` finds.  ``places`` is a
    gazetteer (its ``find_in_text(text) -> [(start, end, place)]`` is used) or
    a function of the same shape; without it, place names made of two
    capitalised words ("New York") can come out as names.
    """
    blocked = _place_spans(text, places)
    names: list[str] = []
    run: list[str] = []

    def flush() -> None:
        while run and run[-1] in _CONNECTORS:
            run.pop()
        if sum(w not in _CONNECTORS for w in run) >= 2:
            name = " ".join(run)
            if name not in names:
                names.append(name)
        run.clear()

    previous_end = 0
    for m in _WORD.finditer(text):
        raw = m.group(0)
        if text[previous_end:m.start()].strip():  # punctuation between words ends a name
            flush()
        previous_end = m.end()
        word = re.sub(r"['\u2019]s$", "", raw.rstrip("."))
        initial = len(word) == 1 and word.isupper()
        if any(s < m.end() and m.start() < e for s, e in blocked):
            flush()
            continue
        capitalised = word[:1].isupper() and (not word.isupper() or initial)
        if capitalised and word not in _NOT_NAMES and word not in _TITLES:
            run.append(f"{word}." if initial and raw.endswith(".") else word)
            if word != raw.rstrip(".") or (raw.endswith(".") and not initial):
                flush()  # a possessive or a full stop ends the name
        elif run and word in _CONNECTORS:
            run.append(word)
        else:
            flush()
    flush()
    return names


def _place_spans(text: str, places: Any) -> list[tuple[int, int]]:
    if places is None:
        return []
    finder = getattr(places, "find_in_text", places)
    return [(int(hit[0]), int(hit[1])) for hit in finder(text)]
