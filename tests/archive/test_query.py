"""The search query language: parse, render back, describe, and fail clearly.

Pure function, no database: each table row is what a picture editor might type
and the tree (or the error) the compiler and the window must get.
"""

from __future__ import annotations

from datetime import date

import pytest

from archive import query as query_module
from archive.errors import QueryError
from archive.query import (
    ArticleRef, DateRange, Field, Has, Is, Or, Query, Text, parse_query,
)

TODAY = date(2022, 12, 19)


def W(text, negated=False):
    return Text(text, False, negated)


def P(text, negated=False):
    return Text(text, True, negated)


VALID = [
    # (query text, expected terms)
    ("", ()),
    ("   \t \n ", ()),
    ("Kyiv", (W("Kyiv"),)),
    ("Christmas  tree", (W("Christmas"), W("tree"))),
    ('"Christmas tree"', (P("Christmas tree"),)),
    ('"  Christmas \t tree  "', (P("Christmas tree"),)),
    ("-Kiev", (W("Kiev", True),)),
    ('-"Kiev region"', (P("Kiev region", True),)),
    ("Київ Україна", (W("Київ"), W("Україна"))),
    ("Zelenskyy café Łódź", (W("Zelenskyy"), W("café"), W("Łódź"))),
    ("Jean-Pierre O'Brien", (W("Jean-Pierre"), W("O'Brien"))),
    ("by:Hoffman", (Field("by", "Hoffman"),)),
    ('by:"Brendan Hoffman"', (Field("by", "Brendan Hoffman"),)),
    ('-by:"Brendan Hoffman"', (Field("by", "Brendan Hoffman", True),)),
    ("BY:Hoffman", (Field("by", "Hoffman"),)),
    ("credit:Reuters", (Field("credit", "Reuters"),)),
    ('credit:"AFP via Getty Images"', (Field("credit", "AFP via Getty Images"),)),
    ("place:Kyiv", (Field("place", "Kyiv"),)),
    ("city:Київ country:Україна", (Field("city", "Київ"), Field("country", "Україна"))),
    ("by:foo:bar", (Field("by", "foo:bar"),)),
    ('by:"John \\"Jack\\" Smith"', (Field("by", 'John "Jack" Smith'),)),
    ('place:"C:\\\\photos x"', (Field("place", "C:\\photos x"),)),
    ("taken:2022-12-19", (DateRange(date(2022, 12, 19), date(2022, 12, 19)),)),
    ("taken:2022-12", (DateRange(date(2022, 12, 1), date(2022, 12, 31)),)),
    ("taken:2024-02", (DateRange(date(2024, 2, 1), date(2024, 2, 29)),)),
    ("taken:2023-02", (DateRange(date(2023, 2, 1), date(2023, 2, 28)),)),
    ("taken:2022", (DateRange(date(2022, 1, 1), date(2022, 12, 31)),)),
    ("taken:2022-1-5", (DateRange(date(2022, 1, 5), date(2022, 1, 5)),)),
    ("taken:2022-12-01..2022-12-31", (DateRange(date(2022, 12, 1), date(2022, 12, 31)),)),
    ("taken:2022-12-01..", (DateRange(date(2022, 12, 1), None),)),
    ("taken:..2022-12-31", (DateRange(None, date(2022, 12, 31)),)),
    ("taken:2020..2022", (DateRange(date(2020, 1, 1), date(2022, 12, 31)),)),
    ("taken:2022-11..2023-01", (DateRange(date(2022, 11, 1), date(2023, 1, 31)),)),
    ('taken:"2022-12"', (DateRange(date(2022, 12, 1), date(2022, 12, 31)),)),
    ("-taken:2022", (DateRange(date(2022, 1, 1), date(2022, 12, 31), True),)),
    ("taken:today", (DateRange(TODAY, TODAY),)),
    ("taken:Yesterday..today", (DateRange(date(2022, 12, 18), TODAY),)),
    ("article:4", (ArticleRef(4),)),
    ("article:007 -article:12", (ArticleRef(7), ArticleRef(12, True))),
    ("is:licensed -is:flagged is:Cleared",
     (Is("licensed"), Is("flagged", True), Is("cleared"))),
    ("is:unlicensed is:matched is:missing",
     (Is("unlicensed"), Is("matched"), Is("missing"))),
    ("has:gps -has:caption has:GPS", (Has("gps"), Has("caption", True), Has("gps"))),
    ("kyiv OR kiev", (Or((W("kyiv"), W("kiev"))),)),
    ("a OR b OR c", (Or((W("a"), W("b"), W("c"))),)),
    ('by:X kyiv OR -"kiev region" taken:2022',
     (Field("by", "X"), Or((W("kyiv"), P("kiev region", True))),
      DateRange(date(2022, 1, 1), date(2022, 12, 31)))),
    ("a OR b c OR d", (Or((W("a"), W("b"))), Or((W("c"), W("d"))))),
    ("by:Hoffman OR by:Boushnak", (Or((Field("by", "Hoffman"), Field("by", "Boushnak"))),)),
    ("kyiv AND tree", (W("kyiv"), W("tree"))),
    ("tree or and", (W("tree"), W("or"), W("and"))),
    ('-OR "OR"', (W("OR", True), P("OR"))),
    ("5:50am 10:30", (W("5:50am"), W("10:30"))),
    ("http://example.com/a?b=c", (W("http://example.com/a?b=c"),)),
    ("Photograph: Laura Boushnak/The New York Times",
     (W("Photograph:"), W("Laura"), W("Boushnak/The"), W("New"), W("York"), W("Times"))),
    ("Київ:Україна mp4:clip", (W("Київ:Україна"), W("mp4:clip"))),
    ("(kyiv)", (W("(kyiv)"),)),
]


@pytest.mark.parametrize("text, terms", VALID, ids=[repr(t) for t, _ in VALID])
def test_parse(text, terms):
    assert parse_query(text, today=TODAY) == Query(terms)


@pytest.mark.parametrize("text, terms", VALID, ids=[repr(t) for t, _ in VALID])
def test_round_trip(text, terms):
    q = parse_query(text, today=TODAY)
    canonical = q.to_text()
    assert parse_query(canonical) == q
    assert parse_query(canonical).to_text() == canonical


CANONICAL = [
    ("  BY:Hoffman   kyiv ", "by:Hoffman kyiv"),
    ('by:"Hoffman"', "by:Hoffman"),
    ('"a   b"', '"a b"'),
    ("taken:2022-12-01..2022-12-31", "taken:2022-12"),
    ("taken:2022-01-01..2022-12-31", "taken:2022"),
    ("taken:2020-01-01..2022-12-31", "taken:2020..2022"),
    ("taken:2022-12-19..2022-12-19", "taken:2022-12-19"),
    ("taken:2022-1-5..", "taken:2022-01-05.."),
    ("taken:2022..", "taken:2022-01-01.."),
    ("kyiv AND tree OR x", "kyiv tree OR x"),
    ("IS:Cleared -HAS:Caption", "is:cleared -has:caption"),
]


@pytest.mark.parametrize("text, expected", CANONICAL)
def test_to_text_is_canonical(text, expected):
    assert parse_query(text).to_text() == expected


def test_to_text_quotes_hand_built_values_only_when_needed():
    # The window builds terms from facets (a creator's name can hold anything).
    q = Query((Field("by", 'John "Jack" Smith'), Field("credit", "AP"),
               Field("place", "C:\\x y"), W("OR"), W("foo:bar"), W("-x")))
    assert q.to_text() == ('by:"John \\"Jack\\" Smith" credit:AP place:"C:\\\\x y" '
                           '"OR" "foo:bar" "-x"')
    back = parse_query(q.to_text())
    assert back.terms[:3] == q.terms[:3]
    assert [t.text for t in back.terms[3:]] == ["OR", "foo:bar", "-x"]


INVALID = [
    # (query text, words the message must contain, column)
    ("foo:bar", ['unknown field "foo:"', "column 1",
                 "(known: by, credit, place, city, country, agency, licence, rules, clearance, folder, taken, article, is, has)"], 1),
    ("Kyiv tree foo:bar", ['unknown field "foo:" at column 11'], 11),
    ("-Re:Kyiv", ['unknown field "Re:"'], 2),
    ('"Kyiv', ["unbalanced quote starting at column 1"], 1),
    ('tree "Christmas tree', ["unbalanced quote starting at column 6"], 6),
    ('by:"Brendan', ["unbalanced quote starting at column 4"], 4),
    ('"a \\"', ["unbalanced quote"], 1),
    ("taken:2022-13", ['bad date "2022-13" in taken:', "YYYY, YYYY-MM, YYYY-MM-DD",
                       "range A..B"], 7),
    ("taken:2022-02-30", ['bad date "2022-02-30"'], 7),
    ("taken:22", ['bad date "22"'], 7),
    ("taken:0000", ['bad date "0000"'], 7),
    ("taken:2022-12-19T10:00", ['bad date "2022-12-19T10:00"'], 7),
    ("taken:December", ['bad date "December"'], 7),
    ("taken:2022-12-01..2022-13-01", ['bad date "2022-13-01"'], 19),
    ("taken:2022-12-31..2022-12-01", ["taken: range ends before it starts"], 7),
    ("taken:2023..2022", ["range ends before it starts"], 7),
    ("taken:..", ['range ".."', "needs at least one date"], 7),
    ("taken:2020..2021..2022", ['bad date "2021..2022"'], 13),
    ("taken:", ['empty value after "taken:"'], 1),
    ("is:foo", ["is:foo", "not a known flag",
                "(licensed, unlicensed, cleared, flagged, matched, missing)"], 1),
    ("tree -is:auto", ["is:auto at column 7 is not a known flag"], 7),
    ("has:colour", ["has:colour", "not a known field", "gps, caption"], 1),
    ("by:", ['empty value after "by:" at column 1'], 1),
    ("by: Hoffman", ['empty value after "by:"'], 1),
    ('by:""', ['empty value after "by:"'], 1),
    ('place:"   "', ['empty value after "place:"'], 1),
    ("article:abc", ["article:abc", "not an article number"], 1),
    ("article:-1", ["article:-1", "not an article number"], 1),
    ("article:4.5", ["not an article number"], 1),
    ("article:٤", ["not an article number"], 1),
    ("-", ['"-" at column 1 must be followed by the term'], 1),
    ("Kyiv - Ukraine", ['"-" at column 6'], 6),
    ("--foo", ['"-" at column 1'], 1),
    ('""', ["empty phrase at column 1"], 1),
    ('x "  "', ["empty phrase at column 3"], 3),
    ('foo"bar', ["quote inside a word at column 4"], 4),
    ("5'10\"", ["quote inside a word at column 5"], 5),
    ('"Kyiv"Ukraine', ["text right after the closing quote at column 7"], 7),
    ('by:Brendan"Hoffman"', ['quote inside the value of "by:"', "column 11"], 11),
    ("OR kyiv", ['"OR" at column 1 needs a term before it'], 1),
    ("kyiv OR", ['"OR" at column 6 needs a term after it'], 6),
    ("kyiv OR OR kiev", ['"OR" at column 9 needs a term before it', "after OR"], 9),
    ("OR", ['"OR" at column 1 needs a term before it'], 1),
    ("a OR AND b", ['"AND" at column 6'], 6),
    ("AND", ['"AND" at column 1'], 1),
]


@pytest.mark.parametrize("text, fragments, column", INVALID, ids=[t for t, _, _ in INVALID])
def test_errors_name_the_problem_and_column(text, fragments, column):
    with pytest.raises(QueryError) as caught:
        parse_query(text, today=TODAY)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    assert caught.value.column == column
    assert caught.value.exit_code == 2


def test_a_date_error_points_at_the_date_inside_quotes():
    with pytest.raises(QueryError) as caught:
        parse_query('taken:"2022-13"')
    assert caught.value.column == 8


def test_today_defaults_to_the_local_date():
    q = parse_query("taken:today")
    assert q.terms[0].start == q.terms[0].end == date.today()


def test_the_flag_list_can_be_extended(monkeypatch):
    with pytest.raises(QueryError):
        parse_query("is:suggested")
    monkeypatch.setattr(query_module, "IS_FLAGS", query_module.IS_FLAGS + ("suggested",))
    assert parse_query("-is:suggested") == Query((Is("suggested", True),))
    with pytest.raises(QueryError, match="matched, missing, suggested"):
        parse_query("is:auto")


def test_terms_given_as_lists_still_compare_equal():
    assert Query([W("a")]) == Query((W("a"),))
    assert Or([W("a"), W("b")]) == Or((W("a"), W("b")))


DESCRIBED = [
    ("", "all photos"),
    ('by:"Brendan Hoffman" place:Kyiv taken:2022-12',
     "photos by Brendan Hoffman in Kyiv, taken in December 2022"),
    ("taken:2022-12 place:Kyiv by:Hoffman",
     "photos by Hoffman in Kyiv, taken in December 2022"),
    ('Christmas "central Kyiv" -Kiev',
     'photos containing "Christmas" and "central Kyiv", not containing "Kiev"'),
    ("credit:Reuters -city:Kyiv country:Ukraine",
     "photos credited to Reuters not in Kyiv (city) in Ukraine (country)"),
    ("taken:2022-12-19", "photos taken on 19 December 2022"),
    ("-taken:2022", "photos not taken in 2022"),
    ("taken:2020..2022", "photos taken between 2020 and 2022"),
    ("taken:2022-11..2023-01", "photos taken between November 2022 and January 2023"),
    ("taken:2022-12-01..2022-12-15",
     "photos taken between 1 December 2022 and 15 December 2022"),
    ("taken:2022-12-01..", "photos taken on or after 1 December 2022"),
    ("taken:..2022-12-31", "photos taken on or before 31 December 2022"),
    ("article:4 has:gps -has:caption is:cleared -is:flagged",
     "photos in article 4, with a GPS position, without a caption, "
     "cleared for use today, without house-style errors"),
    ("kyiv OR kiev by:X",
     'photos by X, either containing "kyiv" or containing "kiev"'),
    ("is:missing", "photos whose file is missing"),
]


@pytest.mark.parametrize("text, words", DESCRIBED)
def test_describe(text, words):
    assert parse_query(text).describe() == words


def test_describe_names_every_flag_and_has_field():
    for flag in query_module.IS_FLAGS:
        for negated in (False, True):
            words = Query((Is(flag, negated),)).describe()
            assert words.startswith("photos ") and "marked" not in words   # no fallback
    for field in query_module.HAS_FIELDS:
        assert Query((Has(field),)).describe().startswith("photos with ")
        assert Query((Has(field, True),)).describe().startswith("photos without ")
