"""Search: the query language compiled to SQL over the archive, in keyset pages.

Newest first is the sort key's order, which is also the full-text index's
rowid order, so the first page of any query is a walk along an index that
stops after ``limit`` rows: no ``OFFSET``, no ``rank``, no sort of the hits.
Field terms become conditions on the photo row or on the narrow facet and
place tables; words and phrases become one FTS5 MATCH expression.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from archive.errors import QueryError
from archive.query import (ArticleRef, DateRange, Field, Has, Is, Or, Query, Text,
                           parse_query)
from archive.store.sortkey import base_key, SLOTS

FACET_KINDS = ("creator", "place", "agency", "licence", "clearance", "rules")
SMALL_RESULT = 5_000  # a result this small is paged from its ids
BIG = 20_000          # above this many photos, a condition is probed row by row, and
                      # totals and facets are counted with bitmaps instead of rows

_HAS_SQL = {
    "gps": "p.gps_lat IS NOT NULL",
    "caption": "coalesce(p.caption, '') <> ''",
    "creator": "p.creator <> '[]'",
    "credit": "(coalesce(p.credit, '') <> '' OR coalesce(p.credit_line, '') <> '')",
    "keywords": "p.keywords <> '[]'",
    "city": "coalesce(p.city, '') <> ''",
    "country": "(coalesce(p.country, '') <> '' OR coalesce(p.country_code, '') <> '')",
    "licence": "p.licence_resolved IS NOT NULL",
    "thumbnail": "p.thumb_hash IS NOT NULL AND p.thumb_hash IS p.content_hash",
    "headline": "coalesce(p.headline, '') <> ''",
    "title": "coalesce(p.title, '') <> ''",
    "instructions": "coalesce(p.instructions, '') <> ''",
    "taken": "p.taken_at IS NOT NULL",
}


# -has:FIELD written the way the schema's partial indexes say it, so "photos that
# lack a caption" walks only those photos, newest first.
_LACKS_SQL = {
    "caption": "coalesce(p.caption, '') = ''",
    "gps": "p.gps_lat IS NULL",
    "creator": "p.creator = '[]'",
}


@dataclass
class Compiled:
    match: str | None = None                  # FTS5 expression for the positive text terms
    conds: list[tuple[str, list]] = field(default_factory=list)   # conditions on `p`, ANDed
    key_low: int | None = None                # sort-key bounds from taken: ranges
    key_high: int | None = None

    @property
    def where(self) -> list[str]:
        return [sql for sql, _ in self.conds]

    @property
    def params(self) -> list:
        return [x for _, ps in self.conds for x in ps]

    @property
    def everything(self) -> bool:
        return not self.match and not self.conds


def _fts_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_text(term: Text) -> str | None:
    words = term.text.split()
    if not words:
        return None
    if term.phrase:
        return _fts_quote(" ".join(words))
    return " AND ".join(_fts_quote(w) for w in words)


def _fts_column(column: str, value: str) -> str:
    return f"{column} : ({' AND '.join(_fts_quote(w) for w in value.split())})"


class _Compiler:
    def __init__(self, conn, today: _dt.date):
        self.conn = conn
        self.today = today

    def compile(self, query: Query) -> Compiled:
        out = Compiled()
        positive, negative = [], []
        for term in query.terms:
            if isinstance(term, Text) and _fts_text(term):
                (negative if term.negated else positive).append(_fts_text(term))
            elif isinstance(term, DateRange) and not term.negated:
                low, high = self._date_bounds(term)
                out.key_low = low if out.key_low is None else max(out.key_low, low)
                out.key_high = high if out.key_high is None else min(out.key_high, high)
                out.conds.append(self.condition(term))
            else:
                out.conds.append(self.condition(term))
        if positive:
            out.match = " AND ".join(f"({p})" for p in positive)
            if negative:
                out.match += " NOT " + " NOT ".join(f"({n})" for n in negative)
        elif negative:
            for n in negative:
                out.conds.append(("p.sort_key NOT IN (SELECT rowid FROM photo_fts WHERE photo_fts MATCH ?)", [n]))
        return out

    # Each term as one condition on `p` (used alone, negated, or inside OR).
    def condition(self, term) -> tuple[str, list]:
        if isinstance(term, Has) and term.negated and term.field in _LACKS_SQL:
            return _LACKS_SQL[term.field], []
        sql, params = self._positive(term)
        if getattr(term, "negated", False):
            return f"NOT ({sql})", params
        return sql, params

    def _positive(self, term) -> tuple[str, list]:
        if isinstance(term, Text):
            expr = _fts_text(term)
            if expr is None:
                return "1", []
            return "p.sort_key IN (SELECT rowid FROM photo_fts WHERE photo_fts MATCH ?)", [expr]
        if isinstance(term, Field):
            return self._field(term)
        if isinstance(term, DateRange):
            start = term.start.isoformat() if term.start else "0000-00-00"
            end = term.end.isoformat() if term.end else "9999-99-99"
            # "+" keeps the planner on the sort-key range (newest first) rather than
            # the date index, which would sort every photo of the range for one page.
            return "+p.taken_date BETWEEN ? AND ?", [start, end]
        if isinstance(term, Is):
            return self._is(term.flag)
        if isinstance(term, Has):
            if term.field not in _HAS_SQL:
                raise QueryError(f"has:{term.field} is not something the archive records")
            return _HAS_SQL[term.field], []
        if isinstance(term, ArticleRef):
            return ("p.id IN (SELECT photo_id FROM pairs WHERE article_id = ? AND photo_id IS NOT NULL "
                    "AND coalesce(decision, '') <> 'rejected')", [term.article_id])
        if isinstance(term, Or):
            parts = [self.condition(t) for t in term.terms]
            return "(" + " OR ".join(s for s, _ in parts) + ")", [x for _, ps in parts for x in ps]
        raise QueryError(f"cannot search for {term!r}")

    def _is(self, flag: str) -> tuple[str, list]:
        if flag == "missing":
            return "p.missing_since IS NOT NULL", []
        if flag == "licensed":
            return "p.licence_resolved IS NOT NULL", []
        if flag == "unlicensed":
            return "p.licence_resolved IS NULL", []
        if flag == "cleared":
            day = self.today.isoformat()
            return ("(p.clearance_status = 'cleared' AND p.clearance_from <= ? AND p.clearance_until >= ?)",
                    [day, day])
        if flag == "flagged":
            return "p.rule_status = 'error'", []
        if flag == "matched":
            return ("p.id IN (SELECT photo_id FROM pairs WHERE photo_id IS NOT NULL "
                    "AND decision IN ('accepted', 'confirmed'))", [])
        raise QueryError(f"is:{flag} is not a known flag")

    def _field(self, term: Field) -> tuple[str, list]:
        value = term.value.strip()
        if term.name == "by":
            ids = self._creator_ids(value)
            fts = _fts_column("creator", value)
            if not ids:
                return "p.sort_key IN (SELECT rowid FROM photo_fts WHERE photo_fts MATCH ?)", [fts]
            marks = ",".join("?" * len(ids))
            size = self.conn.execute(f"SELECT sum(count) FROM facet_values WHERE id IN ({marks})", ids).fetchone()[0]
            if (size or 0) > BIG:
                # Many photos: walk the page in order and probe the facet's primary key.
                return (f"EXISTS (SELECT 1 FROM photo_facets pf WHERE pf.value_id IN ({marks}) "
                        "AND pf.sort_key = p.sort_key)", ids)
            return (f"p.sort_key IN (SELECT sort_key FROM photo_facets WHERE value_id IN ({marks}))", ids)
        if term.name == "credit":
            return ("p.sort_key IN (SELECT rowid FROM photo_fts WHERE photo_fts MATCH ?)",
                    [_fts_column("credit", value)])
        if term.name in ("place", "city", "country"):
            from archive.derive import gazetteer

            gaz = gazetteer()
            place = gaz.country_for(value) if term.name == "country" else gaz.best(value)
            if term.name == "city" and place is not None and place.kind == "country":
                place = None
            ids = [place.id] if place is not None else []
            fts = _fts_column("places", value)
            if ids:
                # Every name of the place in any photo's metadata was resolved to this id
                # at import, so the place table alone answers.
                size = self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM photo_places WHERE place_id = ? "
                                         "LIMIT ?)", (ids[0], BIG + 1)).fetchone()[0]
                if size > BIG:
                    return ("EXISTS (SELECT 1 FROM photo_places pp WHERE pp.place_id = ? "
                            "AND pp.sort_key = p.sort_key)", [ids[0]])
                return "p.sort_key IN (SELECT sort_key FROM photo_places WHERE place_id = ?)", [ids[0]]
            return "p.sort_key IN (SELECT rowid FROM photo_fts WHERE photo_fts MATCH ?)", [fts]
        raise QueryError(f"unknown field {term.name}:")

    def _creator_ids(self, value: str) -> list[int]:
        """Photographer facet values that the name names: whole words, accents, scripts, spellings."""
        from rapidfuzz import fuzz

        from archive.derive import fold

        wanted = fold(value)
        if not wanted:
            return []
        wanted_tokens = wanted.split()

        def token_matches(token: str, tokens: list[str]) -> bool:
            # Short tokens (initials, numbers) must be exact; longer ones may differ by a
            # romanisation (Oleksii / Oleksiy) or an accent the folding kept.
            if len(token) < 5 or any(ch.isdigit() for ch in token):
                return token in tokens
            return any(fuzz.ratio(token, t) >= 80 for t in tokens if len(t) >= 4)

        # The name itself, or names that contain it as whole words ("by:Hoffman"), through
        # the (kind, norm) index and one scan in SQL; a fuzzy scan only when neither finds any.
        ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM facet_values WHERE kind='creator' AND (norm = ? OR ' ' || norm || ' ' LIKE ?)",
            (wanted, f"% {wanted} %"))]
        if ids:
            return ids
        for vid, norm in self.conn.execute("SELECT id, norm FROM facet_values WHERE kind='creator'"):
            tokens = norm.split()
            if all(token_matches(t, tokens) for t in wanted_tokens):
                ids.append(vid)
        return ids

    def _date_bounds(self, term: DateRange) -> tuple[int, int]:
        """Sort-key bounds of a local-date range, a day wider each side for time zones."""
        epoch = _dt.date(1970, 1, 1)
        start = term.start or _dt.date(1, 1, 1)
        end = term.end or _dt.date(9999, 12, 30)
        first = (start - epoch).days * 86400 - 86400
        last = (end - epoch).days * 86400 + 2 * 86400
        return base_key(last), base_key(first) + SLOTS - 1


@dataclass
class Page:
    total: int
    photo_ids: list[int]
    next: str | None
    facets: dict | None = None
    offset: int = 0


def _cursor_key(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        return int(cursor.removeprefix("k"))
    except ValueError:
        raise QueryError(f'bad cursor "{cursor}": pass the "next" value of the previous page') from None


def search(conn, query: str | Query, *, limit: int = 50, after: str | None = None,
           facets: bool = False, today: _dt.date | None = None, count: bool = True) -> Page:
    """One page of photo ids matching ``query``, newest first, the total and the facets."""
    today = today or _dt.date.today()
    if isinstance(query, str):
        query = parse_query(query, today=today)
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    compiled = _Compiler(conn, today).compile(query)
    after_key = _cursor_key(after)
    result = bitmaps = None
    if compiled.conds:
        # Conditions besides words: their bitmaps give the result at once, and a small
        # result is paged from its ids instead of walking the archive to find it.
        from archive.store.bitmaps import Bitmaps

        bitmaps = Bitmaps(conn)
        result = result_bitmap(bitmaps, compiled)
    if result is not None and len(result) <= SMALL_RESULT:
        rows = _page_of_ids(conn, result, limit + 1, after_key)
    else:
        rows = _page(conn, compiled, limit + 1, after_key)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = f"k{rows[-1][1]}" if more and rows else None
    page = Page(total=-1, photo_ids=[r[0] for r in rows], next=next_cursor)
    if not (count or facets):
        return page
    if compiled.everything:
        page.total = conn.execute("SELECT count(*) FROM photos").fetchone()[0]
        if facets:
            page.facets = facet_counts(conn, compiled)
        return page
    if result is None:
        from archive.store.bitmaps import Bitmaps

        bitmaps = Bitmaps(conn)
        result = result_bitmap(bitmaps, compiled)
    page.total = len(result)
    if facets:
        from archive.store.facets import count_facets

        page.facets = count_facets(conn, result, FACET_KINDS)
    return page


_WINDOWS: dict = {}          # (archive, generation, query, day, sort) -> ordered ids, a few kept


def window(conn, query: str | Query, *, offset: int, limit: int, sort: str = "taken",
           descending: bool = True, today: _dt.date | None = None) -> Page:
    """The ids at positions ``offset`` .. ``offset + limit`` of the whole result in
    ``sort`` order (``archive.store.ordering``), with the total: a scrollbar dragged
    anywhere gets its rows from one slice, not a walk."""
    from archive.store import ordering
    from archive.store.bitmaps import Bitmaps, archive_identity, generation

    if sort not in ordering.SORTS:
        raise QueryError(f"cannot sort by {sort}: sort by one of {', '.join(ordering.SORTS)}")
    if limit < 1:
        raise QueryError("the page size must be at least 1")
    today = today or _dt.date.today()
    text = query if isinstance(query, str) else query.to_text()
    key = (archive_identity(conn), generation(conn), text, today, sort)
    ordered = _WINDOWS.get(key)
    if ordered is None:
        parsed = parse_query(text, today=today) if isinstance(query, str) else query
        compiled = _Compiler(conn, today).compile(parsed)
        order = ordering.order(conn, sort)
        if compiled.everything:
            ordered = order
        else:
            ordered = ordering.ordered_result(order, result_bitmap(Bitmaps(conn), compiled))
        if len(_WINDOWS) >= 8:
            _WINDOWS.pop(next(iter(_WINDOWS)))
        _WINDOWS[key] = ordered
    if descending != ordering.NATURAL_DESCENDING[sort]:
        ordered = ordered[::-1]
    offset = max(0, int(offset))
    ids = ordered[offset:offset + limit]
    return Page(total=len(ordered), photo_ids=[int(i) for i in ids], next=None, offset=offset)


def _page_of_ids(conn, ids, limit: int, after_key: int | None) -> list[tuple[int, int]]:
    import json

    sql = ("SELECT p.id, p.sort_key FROM json_each(?) j JOIN photos p ON p.id = j.value"
           + (" WHERE p.sort_key > ?" if after_key is not None else "") + " ORDER BY p.sort_key LIMIT ?")
    params = [json.dumps(list(ids))] + ([after_key] if after_key is not None else []) + [limit]
    return conn.execute(sql, params).fetchall()


def _base_sql(compiled: Compiled, select: str):
    where = list(compiled.where)
    params = list(compiled.params)
    if compiled.match:
        sql = f"SELECT {select} FROM photo_fts JOIN photos p ON p.sort_key = photo_fts.rowid"
        where.insert(0, "photo_fts MATCH ?")
        params.insert(0, compiled.match)
        key = "photo_fts.rowid"
    else:
        sql = f"SELECT {select} FROM photos p"
        key = "p.sort_key"
    if compiled.key_low is not None:
        where.append(f"{key} BETWEEN ? AND ?")
        params.extend([compiled.key_low, compiled.key_high])
    return sql, where, params, key


def _page(conn, compiled: Compiled, limit: int, after_key: int | None) -> list[tuple[int, int]]:
    sql, where, params, key = _base_sql(compiled, "p.id, p.sort_key")
    if after_key is not None:
        where.append(f"{key} > ?")
        params.append(after_key)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {key} LIMIT ?"
    params.append(limit)
    return conn.execute(sql, params).fetchall()


def result_bitmap(bitmaps, compiled: Compiled):
    """The ids of every photo the query matches, as the intersection of its conditions."""
    parts = []
    if compiled.match:
        parts.append(bitmaps.of("photo_fts MATCH ?", [compiled.match], fts=True))
    for sql, params in compiled.conds:
        parts.append(bitmaps.of(sql, params))
    if not parts:
        return bitmaps.all_photos()
    parts.sort(key=len)
    result = parts[0].copy()
    for part in parts[1:]:
        result &= part
    return result


def facet_counts(conn, compiled: Compiled, *, top: int = 20) -> dict:
    """Exact counts for the whole archive: the counts kept beside the facet values."""
    result = {}
    for kind in FACET_KINDS:
        rows = conn.execute(
            "SELECT name, count FROM facet_values WHERE kind=? AND count > 0 "
            "ORDER BY count DESC, name LIMIT ?", (kind, top)).fetchall()
        result[kind] = [[name, n] for name, n in rows]
    return result
