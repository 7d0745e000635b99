"""The search query language: text in, a small typed tree out.

``parse_query`` turns what a picture editor types in the search bar (or passes
to ``picturedesk search``) into a :class:`Query`; the store compiles that tree
to SQL.  Parsing is a pure function, so the window can check a query as it is
typed and the compiler never sees text.

Grammar (DESIGN.md "Query language"), in the order the scanner decides::

    query    := term*                      terms are ANDed; no terms = all photos
    term     := ["-"] (phrase | field | word)      "-" leaves the term out
             |  term "OR" term ("OR" term)*        any one of the terms
    phrase   := '"' chars '"'              \\" and \\\\ are the only escapes
    field    := NAME ":" value             NAME is [A-Za-z]+, case-insensitive
    value    := phrase | chars-up-to-whitespace
    word     := chars-up-to-whitespace

Decisions a reader would otherwise have to guess:

* A field is recognised only at the start of a term: ASCII letters then ``:``.
  A known name (``FIELD_NAMES``) makes a field term and its value must not be
  empty.  An unknown name with a value is an error (DESIGN: unknown fields
  are clear errors, not empty results).  Two exceptions stay plain words: the
  colon is followed by ``//`` (a URL, ``http://...``) or by nothing
  (``Photograph:`` pasted from a credit line).  A prefix with digits or
  non-ASCII letters (``5:50am``, ``10:30``, ``Київ:``) is never a field.
* Quotes only open a phrase or a quoted value at the start of one; a ``"``
  inside an unquoted word, or text glued to a closing quote, is an error, so
  every quote in a query is part of a pair.  Inside quotes runs of whitespace
  count as one space and the ends are trimmed.
* ``OR`` (upper case, on its own, not negated) joins the terms either side;
  it binds tighter than the implicit AND: ``by:X kyiv OR kiev`` is
  ``by:X AND (kyiv OR kiev)``.  ``AND`` is accepted and means nothing more
  than the space.  Lower-case ``or``/``and``, ``-OR`` and ``"OR"`` are words.
  There is no grouping with parentheses: ``(`` is an ordinary character.
* ``-`` must be followed directly by a term; a lone ``-`` or ``--`` is an
  error, a ``-`` inside a word (``Jean-Pierre``) is part of the word.
* ``taken:`` takes YYYY, YYYY-MM, YYYY-MM-DD (month and day may have one
  digit), ``today`` or ``yesterday`` (resolved against ``today=``), or a range
  ``A..B`` of any two of those with either end left open; ``A`` counts from
  its first day, ``B`` to its last, so ``taken:2020..2022`` is three years.
* Words, phrases and names are kept exactly as typed (case and accents too);
  the compiler normalises them.  Flag and ``has:`` names are lower-cased.

Errors are :class:`archive.errors.QueryError`; the message names the problem
and the 1-based column (counted in characters), and the exception carries
``column`` for the window to put the cursor there.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Union

from archive.errors import QueryError

__all__ = [
    "Query", "Term", "Text", "Field", "DateRange", "ArticleRef", "Is", "Has", "Or",
    "parse_query", "TEXT_FIELDS", "FIELD_NAMES", "IS_FLAGS", "HAS_FIELDS",
]

# Fields whose value is a name or a place, kept as a string for the compiler.
TEXT_FIELDS = ("by", "credit", "place", "city", "country", "agency", "licence", "rules", "clearance", "folder")
# Every field prefix, in the order error messages list them.
FIELD_NAMES = TEXT_FIELDS + ("taken", "article", "is", "has")
# Flags for ``is:``; extend here (the parser reads these at call time).
IS_FLAGS = ("licensed", "unlicensed", "cleared", "flagged", "matched", "missing")
# Fields for ``has:`` (present and not empty).
HAS_FIELDS = ("gps", "caption", "creator", "credit", "keywords", "city", "country",
              "licence", "thumbnail", "headline", "title", "instructions", "taken", "warnings")

_KEYWORDS = ("OR", "AND")
_DATE_HELP = "use YYYY, YYYY-MM, YYYY-MM-DD or a range A..B"


# ----------------------------------------------------------------------------
# The tree.  Every term carries ``negated``: the photo must NOT match it.

@dataclass(frozen=True)
class Text:
    """Full text: a word (``phrase=False``) or a quoted phrase, as typed."""
    text: str
    phrase: bool = False
    negated: bool = False


@dataclass(frozen=True)
class Field:
    """``by:``, ``credit:``, ``place:``, ``city:``, ``country:``, ``agency:``,
    ``licence:``, ``rules:``, ``clearance:`` or ``folder:`` and its value.

    ``name`` is one of ``TEXT_FIELDS``; ``value`` is non-empty, as typed.
    """
    name: str
    value: str
    negated: bool = False


@dataclass(frozen=True)
class DateRange:
    """``taken:``: capture date from ``start`` to ``end``, both INCLUSIVE.

    Either end may be None (open); the parser never makes both None and
    guarantees ``start <= end``.  Dates are the calendar dates of the photo's
    own ``taken_at`` (its local time), not UTC.
    """
    start: datetime.date | None
    end: datetime.date | None
    negated: bool = False


@dataclass(frozen=True)
class ArticleRef:
    """``article:ID``: photos paired with a caption of that article."""
    article_id: int
    negated: bool = False


@dataclass(frozen=True)
class Is:
    """``is:FLAG``: ``flag`` is one of ``IS_FLAGS``, lower case."""
    flag: str
    negated: bool = False


@dataclass(frozen=True)
class Has:
    """``has:FIELD``: the field is present and not empty; one of ``HAS_FIELDS``."""
    field: str
    negated: bool = False


@dataclass(frozen=True)
class Or:
    """``a OR b OR ...``: matches when any of ``terms`` matches.

    Always two or more terms, none of them an ``Or`` (chains are flat).  An
    ``Or`` itself is never negated: its terms may be.
    """
    terms: tuple["Term", ...]

    def __post_init__(self):
        object.__setattr__(self, "terms", tuple(self.terms))


Term = Union[Text, Field, DateRange, ArticleRef, Is, Has, Or]


@dataclass(frozen=True)
class Query:
    """A parsed query: all ``terms`` must match.  No terms = every photo."""
    terms: tuple[Term, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "terms", tuple(self.terms))

    def to_text(self) -> str:
        """The canonical query string: parses back to an equal ``Query``.

        Field names lower case, one space between terms, dates as short as
        they can be (``taken:2022-12`` for a whole month), values quoted only
        when they must be.
        """
        return " ".join(_term_text(t) for t in self.terms)

    def describe(self) -> str:
        """The query in words, e.g. "photos by Brendan Hoffman in Kyiv, taken
        in December 2022", for the window's status line and the caption sheet."""
        return _describe(self.terms)


# ----------------------------------------------------------------------------
# Parsing

_FIELD_PREFIX = re.compile(r"([A-Za-z]+):")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")
_ARTICLE_ID = re.compile(r"[0-9]+")


def _error(message: str, column: int) -> QueryError:
    err = QueryError(message)
    err.column = column
    return err


def parse_query(text: str, *, today: datetime.date | None = None) -> Query:
    """Parse a search query; raise QueryError naming the problem and column.

    ``today`` resolves ``taken:today`` and ``taken:yesterday`` (default: the
    local date when needed); the tree holds only absolute dates.
    """
    items: list[tuple[Term | str, int]] = []      # (term or keyword, column)
    pos, n = 0, len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        end = _space_after(text, pos)
        if text[pos:end] in _KEYWORDS:
            items.append((text[pos:end], pos + 1))
            pos = end
            continue
        term, end = _read_term(text, pos, today)
        items.append((term, pos + 1))
        pos = end
    return Query(tuple(_combine(items)))


def _space_after(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and not text[pos].isspace():
        pos += 1
    return pos


def _combine(items: list) -> list[Term]:
    """Fold ``a OR b`` into Or terms; check every keyword has terms both sides."""
    groups: list[list[Term]] = []
    previous = None          # the item before: a keyword string, a term or None
    for item, column in items:
        if isinstance(item, str):
            if previous is None or isinstance(previous, str):
                where = f"after {previous}" if previous else "at the start"
                raise _error(f'"{item}" at column {column} needs a term before it '
                             f'(found it {where})', column)
        elif isinstance(previous, str) and previous == "OR":
            groups[-1].append(item)
        else:
            groups.append([item])
        previous = item
        last_column = column
    if isinstance(previous, str):
        raise _error(f'"{previous}" at column {last_column} needs a term after it',
                     last_column)
    return [g[0] if len(g) == 1 else Or(tuple(g)) for g in groups]


def _read_term(text: str, pos: int, today) -> tuple[Term, int]:
    n = len(text)
    negated = text[pos] == "-"
    if negated:
        pos += 1
        if pos >= n or text[pos].isspace() or text[pos] == "-":
            raise _error(f'"-" at column {pos} must be followed by the term to leave '
                         'out, with no space (-word, -"a phrase", -by:NAME)', pos)

    if text[pos] == '"':
        phrase, end = _read_quoted(text, pos)
        if not phrase:
            raise _error(f"empty phrase at column {pos + 1}", pos + 1)
        return Text(phrase, True, negated), end

    m = _FIELD_PREFIX.match(text, pos)
    if m:
        name, after = m.group(1).lower(), m.end()
        if name in FIELD_NAMES:
            return _read_field(text, pos, name, after, negated, today)
        nothing_after = after >= n or text[after].isspace()
        if not (nothing_after or text.startswith("//", after)):
            known = ", ".join(FIELD_NAMES)
            raise _error(f'unknown field "{m.group(0)}" at column {pos + 1} '
                         f'(known: {known})', pos + 1)

    end = _space_after(text, pos)
    quote = text.find('"', pos, end)
    if quote >= 0:
        raise _error(f'quote inside a word at column {quote + 1} (a phrase starts '
                     'with the quote: "like this")', quote + 1)
    return Text(text[pos:end], False, negated), end


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    """Read ``"..."`` from pos (at the quote); return the collapsed text and
    the index after the closing quote, which must end the term."""
    out: list[str] = []
    i, n = pos + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in '"\\':
            out.append(text[i + 1])
            i += 2
        elif ch == '"':
            i += 1
            if i < n and not text[i].isspace():
                raise _error(f"text right after the closing quote at column {i + 1} "
                             "(leave a space between terms)", i + 1)
            return " ".join("".join(out).split()), i
        else:
            out.append(ch)
            i += 1
    raise _error(f"unbalanced quote starting at column {pos + 1}", pos + 1)


def _read_field(text, start, name, pos, negated, today) -> tuple[Term, int]:
    """Read the value of ``name:`` at pos and build its term."""
    label = f'"{name}:" at column {start + 1}'
    value_column = pos + 1
    if pos < len(text) and text[pos] == '"':
        value, end = _read_quoted(text, pos)
        value_column += 1
    else:
        end = _space_after(text, pos)
        value = text[pos:end]
        quote = value.find('"')
        if quote >= 0:
            raise _error(f'quote inside the value of {label} at column {pos + quote + 1} '
                         f'(quote the whole value: {name}:"Brendan Hoffman")',
                         pos + quote + 1)
    if not value:
        raise _error(f"empty value after {label}", start + 1)

    if name in TEXT_FIELDS:
        return Field(name, value, negated), end
    if name == "taken":
        start_date, end_date = _parse_taken(value, value_column, today)
        return DateRange(start_date, end_date, negated), end
    if name == "article":
        if not _ARTICLE_ID.fullmatch(value):
            raise _error(f"article:{value} at column {start + 1} is not an article "
                         "number (use article:ID, e.g. article:4)", start + 1)
        return ArticleRef(int(value), negated), end
    if name == "is":
        flag = value.lower()
        if flag not in IS_FLAGS:
            raise _error(f"is:{value} at column {start + 1} is not a known flag "
                         f"({', '.join(IS_FLAGS)})", start + 1)
        return Is(flag, negated), end
    # has:
    field = value.lower()
    if field not in HAS_FIELDS:
        raise _error(f"has:{value} at column {start + 1} is not a known field "
                     f"({', '.join(HAS_FIELDS)})", start + 1)
    return Has(field, negated), end


def _parse_taken(value: str, column: int, today) -> tuple:
    if ".." not in value:
        return _parse_date(value, column, today)
    left, right = value.split("..", 1)
    if not left and not right:
        raise _error(f'taken: range ".." at column {column} needs at least one '
                     f"date ({_DATE_HELP})", column)
    start = _parse_date(left, column, today)[0] if left else None
    end = _parse_date(right, column + len(left) + 2, today)[1] if right else None
    if start and end and end < start:
        raise _error(f'taken: range ends before it starts ("{value}" at column '
                     f"{column})", column)
    return start, end


def _parse_date(value: str, column: int, today) -> tuple[datetime.date, datetime.date]:
    """One date form -> (its first day, its last day)."""
    word = value.lower()
    if word in ("today", "yesterday"):
        day = today or datetime.date.today()
        if word == "yesterday":
            day -= datetime.timedelta(days=1)
        return day, day
    m = _DATE.fullmatch(value)
    try:
        if not m:
            raise ValueError
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        if day is not None:
            d = datetime.date(year, int(month), int(day))
            return d, d
        if month is not None:
            last = calendar.monthrange(year, int(month))[1] if 1 <= int(month) <= 12 else 0
            return datetime.date(year, int(month), 1), datetime.date(year, int(month), last)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:
        raise _error(f'bad date "{value}" in taken: at column {column} ({_DATE_HELP})',
                     column) from None


# ----------------------------------------------------------------------------
# Back to text

def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _term_text(term: Term) -> str:
    if isinstance(term, Or):
        return " OR ".join(_term_text(t) for t in term.terms)
    sign = "-" if term.negated else ""
    if isinstance(term, Text):
        if not term.phrase:
            # A word goes out bare only if it would come back as the same word
            # (not "OR", not "foo:bar", no quote, no space, no leading "-").
            bare = sign + term.text
            try:
                if parse_query(bare).terms == (term,):
                    return bare
            except QueryError:
                pass
        return sign + _quote(term.text)
    if isinstance(term, Field):
        value = term.value
        if not value or '"' in value or any(ch.isspace() for ch in value):
            value = _quote(value)
        return f"{sign}{term.name}:{value}"
    if isinstance(term, DateRange):
        return f"{sign}taken:{_dates_text(term.start, term.end)}"
    if isinstance(term, ArticleRef):
        return f"{sign}article:{term.article_id}"
    if isinstance(term, Is):
        return f"{sign}is:{term.flag}"
    if isinstance(term, Has):
        return f"{sign}has:{term.field}"
    raise TypeError(f"not a query term: {term!r}")


def _whole_month(start, end) -> bool:
    return (start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1])


def _whole_years(start, end) -> bool:
    return (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31)


def _dates_text(start, end) -> str:
    if start and end:
        if start == end:
            return start.isoformat()
        if _whole_years(start, end):
            return (f"{start.year:04d}" if start.year == end.year
                    else f"{start.year:04d}..{end.year:04d}")
        if _whole_month(start, end):
            s, e = f"{start.year:04d}-{start.month:02d}", f"{end.year:04d}-{end.month:02d}"
            return s if s == e else f"{s}..{e}"
        return f"{start.isoformat()}..{end.isoformat()}"
    return f"{start.isoformat() if start else ''}..{end.isoformat() if end else ''}"


# ----------------------------------------------------------------------------
# In words

_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")

_IS_WORDS = {   # flag -> (when it holds, when negated)
    "licensed": ("covered by a licence", "not covered by a licence"),
    "unlicensed": ("not covered by a licence", "covered by a licence"),
    "cleared": ("cleared for use today", "not cleared for use today"),
    "flagged": ("with house-style errors", "without house-style errors"),
    "matched": ("matched to an article caption", "not matched to an article caption"),
    "missing": ("whose file is missing", "whose file is present"),
}

_HAS_WORDS = {
    "gps": "a GPS position", "caption": "a caption", "creator": "a creator",
    "credit": "a credit", "keywords": "keywords", "city": "a city",
    "country": "a country", "licence": "a licence", "thumbnail": "a thumbnail",
    "headline": "a headline", "title": "a title", "instructions": "instructions",
    "taken": "a capture date", "warnings": "warnings (a damaged file, a thumbnail that failed)",
}

_FIELD_WORDS = {   # name -> format for the value
    "by": "by {}", "credit": "credited to {}", "place": "in {}",
    "city": "in {} (city)", "country": "in {} (country)",
    "agency": "from the agency {}", "licence": "under the licence {}", "rules": "with house-style status {}",
    "clearance": "with clearance {}", "folder": "in the folder {}",
}


def _day(d: datetime.date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _month(d: datetime.date) -> str:
    return f"{_MONTHS[d.month - 1]} {d.year}"


def _dates_words(start, end) -> str:
    if start and end:
        if start == end:
            return f"on {_day(start)}"
        if _whole_years(start, end):
            return (f"in {start.year}" if start.year == end.year
                    else f"between {start.year} and {end.year}")
        if _whole_month(start, end):
            if (start.year, start.month) == (end.year, end.month):
                return f"in {_month(start)}"
            return f"between {_month(start)} and {_month(end)}"
        return f"between {_day(start)} and {_day(end)}"
    if start:
        return f"on or after {_day(start)}"
    if end:
        return f"on or before {_day(end)}"
    return "on any date"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _term_words(term: Term) -> str:
    """One term in words, on its own (used inside ``either ... or ...``)."""
    if isinstance(term, Or):
        return "either " + " or ".join(_term_words(t) for t in term.terms)
    not_ = "not " if term.negated else ""
    if isinstance(term, Text):
        return f'{not_}containing "{term.text}"'
    if isinstance(term, Field):
        return not_ + _FIELD_WORDS.get(term.name, term.name + " {}").format(term.value)
    if isinstance(term, DateRange):
        return f"{not_}taken {_dates_words(term.start, term.end)}"
    if isinstance(term, ArticleRef):
        return f"{not_}in article {term.article_id}"
    if isinstance(term, Is):
        words = _IS_WORDS.get(term.flag, (f"marked {term.flag}", f"not marked {term.flag}"))
        return words[term.negated]
    if isinstance(term, Has):
        what = _HAS_WORDS.get(term.field, term.field)
        return f"{'without' if term.negated else 'with'} {what}"
    raise TypeError(f"not a query term: {term!r}")


def _describe(terms: tuple[Term, ...]) -> str:
    """"photos" + what and who and where (joined by spaces), then the rest
    (exclusions, alternatives, dates, articles, has, flags) after commas."""
    if not terms:
        return "all photos"
    words = [t.text for t in terms if isinstance(t, Text) and not t.negated]
    unwords = [t.text for t in terms if isinstance(t, Text) and t.negated]
    head = []
    if words:
        head.append("containing " + _and([f'"{w}"' for w in words]))
    order = ("by", "credit", "place", "city", "country")
    fields = [t for t in terms if isinstance(t, Field)]
    fields.sort(key=lambda t: order.index(t.name) if t.name in order else len(order))
    head += [_term_words(t) for t in fields]
    rest = []
    if unwords:
        rest.append("not containing " + " or ".join(f'"{w}"' for w in unwords))
    for kind in (Or, DateRange, ArticleRef, Has, Is):
        rest += [_term_words(t) for t in terms if isinstance(t, kind)]
    text = "photos"
    if head:
        text += " " + " ".join(head)
    if rest:
        text += (", " if head else " ") + ", ".join(rest)
    return text
