"""Property tests of the query parser (hypothesis): any text a person can type either
parses, round-trips through its canonical text and describes itself, or raises a
QueryError that names a column inside the text -- never anything else."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import query as query_module
from archive.errors import QueryError
from archive.query import parse_query

TODAY = dt.date(2022, 12, 19)

PIECES = [
    "by:", "credit:", "place:", "city:", "country:", "taken:", "article:", "is:",
    "has:", "foo:", "http://", "-", "--", '"', '\\"', "\\", " ", "  ", "\t", "\n",
    "OR", "AND", "or", "..", ":", "2022", "-12", "-19", "2022-12-01", "13", "0",
    "Kyiv", "Київ", "Łódź", "café", "Brendan Hoffman", "gps", "caption", "licensed",
    "flagged", "today", "x", "é", "\u00a0", "\u200b", "(", ")", "'", "5:50", "ß",
]
VALUES = {
    "by": ["Hoffman", '"Brendan Hoffman"', '"John \\"Jack\\" Smith"', "Київ"],
    "taken": ["2022", "2022-12", "2022-12-19", "2022-2-3", "2022-12-01..", "..2022-12-31",
              "2020..2022", "yesterday..today", "2022-13", "2022-12-31..2022-12-01"],
    "article": ["4", "007", "abc", "-1"],
    "is": list(query_module.IS_FLAGS) + ["Cleared", "auto"],
    "has": list(query_module.HAS_FIELDS) + ["GPS", "colour"],
}

words = st.sampled_from(["Kyiv", "Київ", "tree", "5:50am", "http://x.org", "or", '"Christmas tree"',
                         '"a \\\\ b"', '"  x  "'])
fields = st.one_of(
    st.builds(lambda n, v: f"{n}:{v}", st.sampled_from(["by", "credit", "place", "city", "country"]),
              st.sampled_from(VALUES["by"])),
    *[st.builds(lambda v, k=k: f"{k}:{v}", st.sampled_from(vs)) for k, vs in VALUES.items() if k != "by"])
terms = st.builds(lambda neg, t: ("-" if neg else "") + t, st.booleans(), st.one_of(words, fields)) | st.just("OR")
grammar = st.lists(terms, min_size=1, max_size=6).map(" ".join)
spliced = st.builds(lambda text, cut, piece: text[:cut % (len(text) + 1)] + piece + text[cut % (len(text) + 1):],
                    grammar, st.integers(0, 200), st.sampled_from(PIECES))
noise = st.one_of(st.text(max_size=20), st.lists(st.sampled_from(PIECES), max_size=10).map("".join))


def _check(text: str) -> bool:
    try:
        q = parse_query(text, today=TODAY)
    except QueryError as e:
        assert str(e) and isinstance(e.column, int) and 1 <= e.column <= len(text) + 1, (text, e)
        return False
    canonical = q.to_text()
    assert parse_query(canonical, today=TODAY) == q, (text, canonical)
    assert isinstance(q.describe(), str)
    return True


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(grammar, spliced, noise))
def test_any_text_parses_and_round_trips_or_is_a_query_error(text):
    _check(text)


def test_the_strategies_reach_both_outcomes():
    # Without both, the property above would mean little.
    assert _check('by:"Brendan Hoffman" -place:Kyiv taken:2022-12 OR tree')
    assert not _check('by:"unbalanced')
