"""Search: the query language evaluated over bitmaps and per-photo arrays.

A query's result is made from one cached value per term: a word or phrase, a
photographer, a place is a compressed bitmap of photo ids (archive/store/bitmaps.py,
kept beside the data so a fresh process reads it in a millisecond); a date, a
folder, a ``has:``/``is:`` flag is a test of a per-photo array
(:class:`archive.store.bitmaps.Columns`, mapped from a file, so a fresh process
touches only the pages it reads).  Terms are ANDed, ``OR`` is a union and ``-`` a
complement, whatever the mix.  A result of few photos (the bitmaps intersected,
the negated ones taken away, the row conditions tested at those photos only) is
kept as their ids; a bigger one as a boolean mask over every photo id.

Pages come from the sort orders (archive/store/sortkey.py): every photo id in
the order of a sort.  The first page of a mask is the first ``limit`` ids of the
order whose bit is set (a walk that stops early); of a few ids, their positions
in the order (``rank``) sorted.  Any position is an index into the result in that
order (computed once per query and kept in memory), and the total is a count.
Facet counts use the same result (archive/store/facets.py).  A phrase whose
words share no field of the index (noted by ``prepare``) is answered without
reading their positions.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from pyroaring import BitMap

from archive.errors import QueryError
from archive.query import (ArticleRef, DateRange, Field, Has, Is, Or, Query, Text,
                           parse_query)
from archive.store.bitmaps import (_FORGET, FLAG_BIT, Bitmaps, archive_key, changed_since, generation, ids_json,
                                   keep_now, mask_of)
from archive.store.scratch import reuse_freed_arrays
from archive.store.sortkey import SORTS, order

FACET_KINDS = ("creator", "place", "agency", "licence", "clearance", "rules", "folder", "year", "month")
BIG = 20_000     # kept for callers and tests of the row-walking search; every term is a bitmap now
_EPOCH = _dt.date(1970, 1, 1)
_ASCII_TOKEN = re.compile(r"[0-9a-z]+")
_RESULTS: "OrderedDict[tuple, object]" = OrderedDict()
_RESULTS_LIMIT = 24
_FORGET.append(_RESULTS.clear)
_CLEARANCE_TERMS = {"cleared": "cleared", "conditional": "conditional", "not_cleared": "not cleared",
                    "not-cleared": "not cleared", "notcleared": "not cleared", "not cleared": "not cleared"}


def _fts_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_text(term: Text) -> str | None:
    words = term.text.casefold().split()
    if not words:
        return None
    if term.phrase:
        return _fts_quote(" ".join(words))
    return " AND ".join(_fts_quote(w) for w in words)


def _fts_column(column: str, value: str) -> str:
    return f"{column} : ({' AND '.join(_fts_quote(w) for w in value.casefold().split())})"


def _days(day: _dt.date) -> int:
    return (day - _EPOCH).days


def _ascii_tokens(text: str) -> list[str] | None:
    """The tokens FTS5's unicode61 tokenizer makes of an ASCII text: its runs of letters
    and digits, lower case ("York-based" is "york", "based"); None for other text."""
    if not text.isascii():
        return None
    return _ASCII_TOKEN.findall(text.lower())


def _is_phrase(term) -> bool:
    """A positive phrase of several words (a full-text read of their positions)."""
    return isinstance(term, Text) and not term.negated and len(term.text.split()) > 1


def _intersect(bitmaps):
    """The photos every bitmap holds (smallest first, stopping when none is left)."""
    found = None
    for bm in sorted(bitmaps, key=len):
        found = bm if found is None else found & bm
        if not found:
            break
    return found


class _Evaluator:
    """Each term of a query as a boolean mask over photo ids."""

    def __init__(self, conn, today: _dt.date, gen: int | None = None, archive=None):
        reuse_freed_arrays()
        self.conn = conn
        self.today = today
        self.bitmaps = Bitmaps(conn, gen)
        self.archive = archive or self.bitmaps.archive
        self.generation = self.bitmaps.generation
        self._cols = None
        self._size = None

    @property
    def cols(self):
        if self._cols is None:
            self._cols = self.bitmaps.columns()
        return self._cols

    @property
    def size(self) -> int:
        return self.cols.size

    def present(self) -> np.ndarray:
        return self.cols.present

    def mask(self, value) -> np.ndarray:
        """A term's value (a bitmap or a mask) as a mask."""
        return value if isinstance(value, np.ndarray) else mask_of(value, self.size)

    def result(self, query: Query):
        """The query's photos: a sorted id array when few enough to be had without a
        mask over the whole archive (bitmaps intersected, the negated ones taken away,
        conditions on the photo row tested at those photos only), else a mask."""
        narrow = self.narrowest_dates(query)
        if narrow is not None:
            # A capture-date range is a stretch of the taken order: every term is judged at
            # the photos in it only (a day of a million photos is a few hundred of them).
            keep = self.present()[narrow]
            for term in query.terms:
                keep[keep] = self.at(term, narrow[keep])    # (asked even of none: a bad term is an error)
            return narrow[keep]
        positives, negatives, tests, masks, mixed = [], [], [], [], []
        # Phrases last: each is a whole read of the full-text index (25-45 ms for
        # common words at a million photos), and one that the other terms leave no
        # photo for is not read at all.
        for term in sorted(query.terms, key=_is_phrase):
            if _is_phrase(term) and positives and not _intersect(positives):
                continue
            test = self.column_test(term)
            if test is not None:
                tests.append(test)
                continue
            if isinstance(term, Or) and any(self.column_test(t) is not None for t in term.terms):
                mixed.append(term)          # judged at the few photos, or made a mask
                continue
            if getattr(term, "negated", False) and not isinstance(term, Or):
                value = self.positive(term)
                if not isinstance(value, np.ndarray):
                    negatives.append(value)
                    continue
                masks.append(np.logical_and(self.present(), ~value))
                continue
            value = self.term(term)
            (masks if isinstance(value, np.ndarray) else positives).append(value)
        both = None
        if positives:
            positives.sort(key=len)
            both = positives[0]
            for other in positives[1:]:
                both = both & other
            if negatives:
                both = both - BitMap.union(*negatives)
            if len(both) <= FEW_RESULTS:
                ids = np.frombuffer(both.to_array(), dtype=np.uint32).astype(np.intp)
                ids = ids[ids < self.size]
                keep = self.present()[ids]
                for test in tests:
                    keep &= test(ids)
                for m in masks:
                    keep &= m[ids]
                for term in mixed:
                    keep[keep] = self.at(term, ids[keep])      # (asked even of none: a bad term is an error)
                return ids[keep]
        masks += [self.mask(self.term(term)) for term in mixed]
        # A mask over every photo.
        if both is not None:
            mask = mask_of(both, self.size)
        else:
            mask = self.present().copy()
            for bm in negatives:
                np.logical_and(mask, ~mask_of(bm, self.size), out=mask)
        for test in tests:
            np.logical_and(mask, test(None), out=mask)
        for m in masks:
            np.logical_and(mask, m, out=mask)
        return np.logical_and(mask, self.present(), out=mask)

    def narrowest_dates(self, query: Query):
        """The photos (ascending ids) that may be in the narrowest capture-date range the
        query requires, when few enough to judge one by one; else None.  The taken order
        is sorted by the capture's UTC time and a range is of local days, so the stretch
        read is two days wider each side; photos whose time could not be read (the
        order's undated tail) are added, and each is judged by its own day after."""
        best = None
        for term in query.terms:
            if not isinstance(term, DateRange) or term.negated:
                continue
            found = self.date_stretch(term)
            if found is not None and (best is None or len(found) < len(best)):
                best = found
        return best

    def date_stretch(self, term: DateRange):
        from archive.store.sortkey import SLOTS, base_key

        o = order(self.conn, "taken", self.generation, archive=self.archive)
        keys = o.keys
        if keys is None or not len(keys):
            return None
        day = 86_400
        first = _days(term.start) * day - 2 * day if term.start else None
        last = _days(term.end) * day + 3 * day if term.end else None
        dated = len(keys) - o.tail
        low = 0 if last is None else int(np.searchsorted(keys[:dated], base_key(last), side="left"))
        high = dated if first is None else int(np.searchsorted(keys[:dated], base_key(first) + SLOTS - 1,
                                                                side="right"))
        if max(0, high - low) + o.tail > min(FEW_RESULTS, DATE_STRETCH):
            return None
        ids = np.concatenate([o.ids[low:max(low, high)], o.ids[dated:]]).astype(np.intp)
        ids.sort()
        return ids[ids < self.size]

    def at(self, term, ids: np.ndarray) -> np.ndarray:
        """Whether ``term`` holds for each of ``ids`` (ascending photo ids)."""
        test = self.column_test(term)
        if test is not None:
            return test(ids)
        if isinstance(term, Or):
            out = np.zeros(len(ids), bool)
            for t in term.terms:
                out |= self.at(t, ids)
            return out
        value = self.positive(term)
        if isinstance(value, np.ndarray):
            held = value[ids]
        else:
            import array

            held = np.zeros(len(ids), bool)
            among = BitMap(array.array("I", ids.astype(np.uint32).tobytes())) & value
            if len(among):
                held[np.searchsorted(ids, np.frombuffer(among.to_array(), dtype=np.uint32))] = True
        return ~held if getattr(term, "negated", False) else held

    def column_test(self, term):
        """A condition on the photo row (date, flag, folder) as ``test(ids)``: whether it
        holds for each of ``ids``, or for every photo when ``ids`` is None; None for
        other terms."""
        cols_term = (isinstance(term, (DateRange, Has))
                     or (isinstance(term, Is) and term.flag != "matched")
                     or (isinstance(term, Field) and term.name == "rules"
                         and term.value.strip().casefold() in ("error", "warning", "ok")))
        if not cols_term:
            return None
        negated = getattr(term, "negated", False)

        def test(ids):
            cols = self.cols
            if ids is None:
                out = self.positive(term)
                return np.logical_and(cols.present, ~out) if negated else out
            if isinstance(term, DateRange):
                low = _days(term.start) if term.start else -(1 << 30)
                high = _days(term.end) if term.end else (1 << 30)
                day = cols.day[ids]
                out = (day >= low) & (day <= high)
            else:
                name = term.field if isinstance(term, Has) else (
                    f"rules:{term.value.strip().casefold()}" if isinstance(term, Field) else None)
                if name is not None:
                    out = (cols.flags[ids] & FLAG_BIT[name]) != 0
                else:
                    flag = term.flag
                    flags = cols.flags[ids]
                    if flag == "cleared":
                        day = _days(self.today)
                        out = (((flags & FLAG_BIT["status:cleared"]) != 0) & (cols.cfrom[ids] <= day)
                               & (cols.cuntil[ids] >= day))
                    else:
                        bit = {"missing": "missing", "licensed": "licence", "unlicensed": "licence",
                               "flagged": "rules:error"}.get(flag)
                        if bit is None:
                            return test_all(ids)
                        out = (flags & FLAG_BIT[bit]) != 0
                        if flag == "unlicensed":
                            out = ~out
            return ~out if negated else out

        def test_all(ids):
            out = self.positive(term)[ids]
            return ~out if negated else out

        return test

    def term(self, term):
        """A term as a bitmap of photo ids or a mask over them."""
        if isinstance(term, Or):
            values = [self.term(t) for t in term.terms]
            if not any(isinstance(v, np.ndarray) for v in values):
                from pyroaring import BitMap

                return BitMap.union(*values)
            out = np.zeros(self.size, bool)
            for v in values:
                np.logical_or(out, self.mask(v), out=out)
            return out
        m = self.positive(term)
        if getattr(term, "negated", False):
            return np.logical_and(self.present(), ~self.mask(m))
        return m

    # -- positive terms
    def bitmap(self, bm):
        return bm

    def fts_at_hand(self, expr: str) -> bool:
        return self.bitmaps.has("photo_fts MATCH ?", [expr], fts=True)

    def fts(self, expr: str):
        return self.bitmap(self.bitmaps.of("photo_fts MATCH ?", [expr], fts=True,
                                           build=("SELECT rowid FROM photo_fts WHERE photo_fts MATCH ?", [expr], True)))

    def _facet_bitmap(self, vid: int):
        return self.bitmaps.of(
            "EXISTS (SELECT 1 FROM photo_facets pf WHERE pf.value_id = ? AND pf.sort_key = p.sort_key)", [vid],
            build=("SELECT photo_id FROM photo_facets WHERE value_id = ?", [vid], False))

    def facet_value(self, vid: int):
        return self.bitmap(self._facet_bitmap(vid))

    def facet_values(self, ids):
        from pyroaring import BitMap

        bitmaps = [self._facet_bitmap(vid) for vid in ids]
        if not bitmaps:
            return np.zeros(self.size, bool)
        return self.bitmap(bitmaps[0] if len(bitmaps) == 1 else BitMap.union(*bitmaps))

    def place(self, place_id: int):
        return self.bitmap(self.bitmaps.of(
            "EXISTS (SELECT 1 FROM photo_places pp WHERE pp.place_id = ? AND pp.sort_key = p.sort_key)", [place_id],
            build=("SELECT photo_id FROM photo_places WHERE place_id = ?", [place_id], False)))

    def phrase_outside(self, term: Text):
        """A phrase whose words no field of the index holds together is in no photo but
        those changed since that was noted; one of common words is in the photos where
        the archive keeps its pairs of words side by side; one whose words meet in
        hardly any photo is in those at most: its exact bitmap at once, judging only
        a few photos, not reading every position of its words (a caption word and a
        photographer's name would read hundreds of thousands).  None otherwise."""
        words = _ascii_tokens(term.text)
        # A word typed with a hyphen or a slash ("snow-rain") is a phrase to FTS5 too.
        if not (term.phrase or len(term.text.split()) == 1) or words is None or len(words) < 2:
            return None
        expr = _fts_text(term)
        key = (self.archive, self.generation, expr)
        if key in _OUTSIDE:
            return _OUTSIDE[key]
        at_hand = [self.fts(_fts_quote(w)) for w in words if self.fts_at_hand(_fts_quote(w))]
        at_hand.sort(key=len)

        def with_all_words(ids):
            # Of ``ids``, those holding every word kept as a bitmap (a superset of the phrase's).
            for bm in at_hand:
                if not ids:
                    break
                ids = ids & bm
            return ids

        candidates = None
        stored = _word_columns(self.conn, self.archive)
        if stored is not None:
            noted_at, columns = stored
            shared = (1 << len(FTS_COLUMNS)) - 1
            rare = [w for w in words if w not in columns]
            for w in words:
                shared &= columns.get(w, shared)
            for w in rare:
                if not shared:
                    break
                shared &= _columns_now(self.conn, w)
            if not shared:
                changed = BitMap() if noted_at == self.generation else self.bitmaps.changed(noted_at)
                if changed is not None:
                    candidates = with_all_words(changed)
                    if len(changed) > RENOTE_AFTER:
                        note_word_columns_later(self.conn)
        answer = None
        if candidates is not None and len(candidates) <= FEW_CANDIDATES:
            answer = self._among(expr, candidates)
        if answer is None:
            # Common words: from the pairs of them kept side by side.
            answer = self.from_pairs(words, expr, with_all_words)
        if answer is None and len(at_hand) == len(words):
            # The words together in few photos (none, often: two cities).
            candidates = with_all_words(at_hand[0])
            if len(candidates) <= FEW_CANDIDATES:
                answer = self._among(expr, candidates)
        if not self.conn.in_transaction:
            if len(_OUTSIDE) > 256:
                _OUTSIDE.clear()
            _OUTSIDE[key] = answer
        return answer

    def from_pairs(self, words, expr: str, with_all_words):
        """A phrase of common words from where the archive keeps each pair of them side
        by side (archive/store/word_pairs.py), exactly.  Photos changed since the pairs
        were read are judged again.  None when the pairs cannot say."""
        from archive.store import word_pairs

        kept = word_pairs.noted(self.conn, self.archive)
        if kept is None or not all(w in kept.words for w in words):
            return None
        changed = BitMap() if kept.generation == self.generation else self.bitmaps.changed(kept.generation)
        if changed is None:
            note_word_columns_later(self.conn)
            return None
        pairs = []
        for first, second in zip(words, words[1:]):
            places = word_pairs.places(self.conn, first, second, kept.generation)
            if places is None:
                return None
            pairs.append(places)
        again = with_all_words(changed) if changed else BitMap()
        if len(again) > RECHECK_LIMIT:
            note_word_columns_later(self.conn)
            return None
        if len(changed) > RENOTE_AFTER:
            note_word_columns_later(self.conn)
        found = word_pairs.phrase(pairs) - changed
        judged = word_pairs.judge_changed(self.conn, expr, again) if again else BitMap()
        if judged is not None:
            return found | judged
        if again and not found:
            # FTS5 judges a phrase at one photo by first finding its first photo in the
            # whole archive: for a phrase in (almost) no photo, that is reading it whole.
            return None
        judged = self._among(expr, again)
        if judged is None:
            note_word_columns_later(self.conn)
            return None
        return found | judged

    def _among(self, expr: str, ids) -> BitMap | None:
        """Which of ``ids`` the full-text phrase holds for, judged photo by photo; None
        once that has taken AMONG_BUDGET_S (the caller reads the phrase whole instead).
        FTS5 judges most phrases at one photo in 0.1 ms, but some in 5-10 ms (one
        with a word that stands several times in a field, "kyiv"), which a dozen
        photos would make slower than reading the phrase whole (20 ms for that one)."""
        if not ids:
            return BitMap()
        if expr in _SLOW_ONE_BY_ONE:
            return None
        import time

        start, found = time.perf_counter(), BitMap()
        for photo in ids:
            found |= self.bitmaps._among("photo_fts MATCH ?", [expr], [photo], fts=True)
            if time.perf_counter() - start > AMONG_BUDGET_S:
                if len(_SLOW_ONE_BY_ONE) > 256:
                    _SLOW_ONE_BY_ONE.clear()
                _SLOW_ONE_BY_ONE.add(expr)
                return None
        return found

    def positive(self, term):
        cols = self.cols
        if isinstance(term, Text):
            expr = _fts_text(term)
            if expr is None:
                return self.present()
            outside = self.phrase_outside(term)
            return outside if outside is not None else self.fts(expr)
        if isinstance(term, Field):
            return self.field(term)
        if isinstance(term, DateRange):
            low = _days(term.start) if term.start else -(1 << 30)
            high = _days(term.end) if term.end else (1 << 30)
            return (cols.day >= low) & (cols.day <= high)
        if isinstance(term, Is):
            return self.flag(term.flag)
        if isinstance(term, Has):
            return cols.flag(term.field)
        if isinstance(term, ArticleRef):
            return self.bitmap(self.bitmaps.of(
                "p.id IN (SELECT photo_id FROM pairs WHERE article_id = ? AND photo_id IS NOT NULL "
                "AND coalesce(decision, '') <> 'rejected')", [term.article_id],
                build=("SELECT photo_id FROM pairs WHERE article_id = ? AND photo_id IS NOT NULL "
                       "AND coalesce(decision, '') <> 'rejected'", [term.article_id], False)))
        raise QueryError(f"cannot search for {term!r}")

    def flag(self, flag: str) -> np.ndarray:
        cols = self.cols
        if flag == "missing":
            return cols.flag("missing")
        if flag == "licensed":
            return cols.flag("licence")
        if flag == "unlicensed":
            return cols.present & ~cols.flag("licence")
        if flag == "cleared":
            day = _days(self.today)
            return cols.flag("status:cleared") & (cols.cfrom <= day) & (cols.cuntil >= day)
        if flag == "flagged":
            return cols.flag("rules:error")
        if flag == "matched":
            return self.bitmap(self.bitmaps.of(
                "p.id IN (SELECT photo_id FROM pairs WHERE photo_id IS NOT NULL "
                "AND decision IN ('accepted', 'confirmed'))", [],
                build=("SELECT photo_id FROM pairs WHERE photo_id IS NOT NULL "
                       "AND decision IN ('accepted', 'confirmed')", [], False)))
        raise QueryError(f"is:{flag} is not a known flag")

    def _value_ids(self, kind: str, norm: str) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM facet_values WHERE kind = ? AND norm = ?",
                                                (kind, norm))]

    def field(self, term: Field):
        from archive.folding import fold

        value = term.value.strip()
        name = term.name
        if name == "by":
            ids = creator_ids(self.conn, value)
            if not ids:
                return self.fts(_fts_column("creator", value))
            return self.facet_values(ids)
        if name == "credit":
            # Each word in the credit field: a bitmap each (the common ones kept by
            # ``prepare``), not one read of every word's positions for the field.
            words = value.casefold().split()
            if len(words) < 2:
                return self.fts(_fts_column("credit", value))
            return _intersect([self.fts(_fts_column("credit", w)) for w in words])
        if name in ("place", "country"):
            place_id = _gazetteer_answer(self.conn, name, value)
            if place_id is not None:
                # Every name of the place in any photo's metadata was resolved to this id
                # at import, so the place table alone answers.
                return self.place(place_id)
            return self.fts(_fts_column("places", value))
        if name == "city":
            # The photo's own city (the place facet): under any of its names.
            ids = self._value_ids("place", fold(value))
            if not ids:
                city = _gazetteer_answer(self.conn, "city", value)
                if city is not None:
                    ids = self._value_ids("place", fold(city))
                    if not ids:
                        return np.zeros(self.size, bool)
            if not ids:
                return self.fts(_fts_column("places", value))
            return self.facet_values(ids)
        if name == "agency":
            return self.facet_values(self._value_ids("agency", fold(value)))
        if name == "licence":
            from archive.store.licences import NO_LICENCE

            names = [value]
            if value.isdigit():
                row = self.conn.execute("SELECT licensor FROM licences WHERE id = ?", (int(value),)).fetchone()
                names = [row[0]] if row else []
            elif fold(value) == "none":
                names = [NO_LICENCE]
            return self.facet_values([v for n in names for v in self._value_ids("licence", fold(n))])
        if name == "clearance":
            shown = _CLEARANCE_TERMS.get(value.casefold())
            if shown is None:
                raise QueryError(f"clearance:{value} is not a clearance (cleared, conditional, not_cleared)")
            return self.facet_values(self._value_ids("clearance", fold(shown)))
        if name == "rules":
            status = value.casefold()
            if status in ("error", "warning", "ok"):
                return self.cols.flag(f"rules:{status}")
            wanted = fold(value)
            # A rule's values are "RULE (error)" and "RULE (warning)"; the rule alone finds both.
            ids = [r[0] for r in self.conn.execute(
                "SELECT id FROM facet_values WHERE kind = 'rules' AND norm IN (?, ?, ?)",
                (wanted, f"{wanted} error", f"{wanted} warning"))]
            return self.facet_values(ids)
        if name == "folder":
            path = value.rstrip("/") or "/"
            ids = [r[0] for r in self.conn.execute("SELECT id FROM folders WHERE path IN (?, ?)", (path, path + "/"))]
            out = np.zeros(self.size, bool)
            for fid in ids:
                np.logical_or(out, self.cols.folder == fid, out=out)
            return out
        raise QueryError(f"unknown field {name}:")


FEW_RESULTS = 1 << 17   # results of fewer photos than this are kept as ids, not a mask over all
DATE_STRETCH = 1 << 17   # photos of a capture-date range judged one by one rather than over every photo
FEW_CANDIDATES = 16      # a phrase whose words meet in no more photos than this is judged photo by photo
AMONG_BUDGET_S = 0.008   # photos judged one by one for a phrase, before it is read whole instead
_SLOW_ONE_BY_ONE: set = set()      # phrases that ran out of that budget in this process
_FORGET.append(_SLOW_ONE_BY_ONE.clear)
RECHECK_LIMIT = 64       # photos changed since the word pairs were read that a phrase judges again itself
RENOTE_AFTER = 500       # photos changed since the words' fields were noted before they are noted again
_OUTSIDE: dict = {}
_FORGET.append(_OUTSIDE.clear)
FTS_COLUMNS = ("caption", "headline", "keywords", "creator", "credit", "places")
_WORD_COLUMNS_KEY = "fts-word-columns"
_WORD_COLUMNS: dict = {}
_FORGET.append(_WORD_COLUMNS.clear)


def _columns_now(conn, word: str) -> int:
    """The columns of the full-text index that hold ``word`` now, as a bit mask (read
    from the index's vocabulary: costs as much as the word's photos, so only asked of
    words too rare to have been noted by ``prepare``)."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.photo_fts_cols USING fts5vocab(main, photo_fts, col)")
    mask = 0
    for (col,) in conn.execute("SELECT col FROM temp.photo_fts_cols WHERE term = ?", (word,)):
        if col in FTS_COLUMNS:
            mask |= 1 << FTS_COLUMNS.index(col)
    return mask


def _word_columns(conn, archive):
    """(generation, {word: column bit mask}) that ``prepare`` noted for the common words, or None."""
    key = (archive, _WORD_COLUMNS_KEY)
    if key not in _WORD_COLUMNS:
        value = _read_word_columns_row(conn)
        if conn.in_transaction:
            return value
        _WORD_COLUMNS[key] = value
    return _WORD_COLUMNS[key]


def note_word_columns_later(conn) -> None:
    """Have the keeper note the common words' fields again, in the background."""
    from archive.store.bitmaps import later

    later(conn, "word-columns", _renote)


def _renote(conn) -> None:
    gen = generation(conn)
    stored = _read_word_columns_row(conn)
    if stored is not None and stored[0] == gen:
        return
    words = list(stored[1]) if stored is not None else []
    _note_word_columns(conn, words, gen)
    _note_pairs(conn, words, gen)


def _note_pairs(conn, words, gen: int) -> None:
    """Keep which of the common ``words`` stand side by side (archive/store/word_pairs.py)."""
    from archive.store import word_pairs

    kept = word_pairs.noted(conn)
    if kept is not None and kept.generation == gen:
        return
    if kept is not None and kept.words == frozenset(word_pairs.kept_words(words)):
        # Few photos changed since (an import of a few hundred): a phrase judges them
        # again itself, in milliseconds; noting every pair again would take seconds.
        changed = changed_since(conn, kept.generation, gen)
        if changed is not None and len(changed) <= RENOTE_AFTER:
            return
    word_pairs.note(conn, words, gen, order(conn, "taken", gen, archive=archive_key(conn)))


def _read_word_columns_row(conn):
    import json

    from archive.store.bitmaps import _read_stored

    row = _read_stored(conn, _WORD_COLUMNS_KEY)
    return None if row is None else (row[0], json.loads(bytes(row[1])))


def _note_word_columns(conn, words, gen: int) -> None:
    """Keep which columns hold each of ``words`` (the common ones), at generation ``gen``."""
    import json

    from archive.store.bitmaps import _store

    columns = {w: _columns_now(conn, w) for w in words if w.isascii() and w.isalnum()}
    _store(conn, _WORD_COLUMNS_KEY, gen, json.dumps(columns).encode())
    _WORD_COLUMNS.pop((archive_key(conn), _WORD_COLUMNS_KEY), None)


_CREDIT_WORDS_KEY = "fts-credit-words"


def _credit_words(conn, min_photos: int, gen: int, *, again: bool) -> list[str]:
    """The words of at least ``min_photos`` photos' credit field: as noted before, unless
    ``again`` or never noted (reading them scans the index's vocabulary, 2 s at a million
    photos)."""
    import json

    from archive.store.bitmaps import _read_stored, _store

    if not again:
        row = _read_stored(conn, _CREDIT_WORDS_KEY)
        if row is not None:
            return json.loads(bytes(row[1]))
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.photo_fts_by_field USING fts5vocab(main, photo_fts, col)")
    words = [t for (t,) in conn.execute("SELECT term FROM temp.photo_fts_by_field WHERE col = 'credit' AND doc >= ?",
                                        (min_photos,)).fetchall()]
    _store(conn, _CREDIT_WORDS_KEY, gen, json.dumps(words).encode())
    return words


_GAZETTEER: dict = {}


def _gazetteer_answer(conn, kind: str, value: str):
    """What the gazetteer says a place term names (a place id; for ``city`` the city's
    canonical name), kept in the archive so a fresh process need not load the gazetteer."""
    import json

    from archive.folding import fold
    from archive.store.bitmaps import _store

    key = f"gazetteer:{kind}:{fold(value)}"
    if key in _GAZETTEER:
        return _GAZETTEER[key]
    row = conn.execute("SELECT data FROM bitmap_cache WHERE key = ?", (key,)).fetchone()
    if row is not None:
        answer = json.loads(bytes(row[0]))
    else:
        from archive.derive import gazetteer

        gaz = gazetteer()
        if kind == "city":
            place = gaz.best(value)
            answer = None
            if place is not None and place.kind != "country":
                answer = place.parent if place.kind == "district" and place.parent else place.name
        else:
            place = gaz.country_for(value) if kind == "country" else gaz.best(value)
            answer = None if place is None else place.id
        _store(conn, key, 0, json.dumps(answer).encode())
    _GAZETTEER[key] = answer
    return answer


def creator_ids(conn, value: str) -> list[int]:
    """Photographer facet values that the name names: the name itself when a photographer
    is called exactly that, else whole words, accents, scripts, spellings."""
    from archive.folding import fold

    wanted = fold(value)
    if not wanted:
        return []
    exact = [r[0] for r in conn.execute("SELECT id FROM facet_values WHERE kind='creator' AND norm = ?", (wanted,))]
    if exact:
        return exact
    wanted_tokens = wanted.split()
    ratio = []          # rapidfuzz's, imported when first needed (6 ms in a fresh process)

    def token_matches(token: str, tokens: list[str]) -> bool:
        # Short tokens (initials, numbers) must be exact; longer ones may differ by a
        # romanisation (Oleksii / Oleksiy) or a typing slip (Hofman / Hoffman).
        if len(token) < 5 or any(ch.isdigit() for ch in token):
            return token in tokens
        if not ratio:
            from rapidfuzz.fuzz import ratio as fuzz_ratio

            ratio.append(fuzz_ratio)
        return any(ratio[0](token, t, score_cutoff=80) for t in tokens if len(t) >= 4)

    ids = [r[0] for r in conn.execute(
        "SELECT id FROM facet_values WHERE kind='creator' AND ' ' || norm || ' ' LIKE ?", (f"% {wanted} %",))]
    if ids:
        return ids
    for vid, norm in conn.execute("SELECT id, norm FROM facet_values WHERE kind='creator'"):
        tokens = norm.split()
        if all(token_matches(t, tokens) for t in wanted_tokens):
            ids.append(vid)
    return ids


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


class _Result:
    """A query's result at one generation: its mask, total, and positions per sort."""

    def __init__(self, value: np.ndarray, size: int = 0):
        # A boolean mask over photo ids, or (few photos) their ids, ascending.
        self.ids = None if value.dtype == bool else value
        self._mask = value if self.ids is None else None
        self.size = size
        self.total = int(np.count_nonzero(value)) if self.ids is None else len(self.ids)
        self.positions: dict = {}
        self.facets = None
        self.everything = False

    @property
    def mask(self) -> np.ndarray:
        if self._mask is None:
            mask = np.zeros(max(self.size, int(self.ids[-1]) + 1 if len(self.ids) else 0), bool)
            mask[self.ids] = True
            self._mask = mask
        return self._mask


def _parse(query, today):
    if isinstance(query, str):
        return parse_query(query, today=today)
    return query


def _result(conn, query: Query, today: _dt.date) -> tuple[_Result, int, tuple]:
    archive = archive_key(conn)
    gen = generation(conn)
    key = (archive, gen, today, query.to_text())
    hit = _RESULTS.get(key)
    if hit is not None:
        try:
            _RESULTS.move_to_end(key)
        except KeyError:                  # another thread (a window's reader) let it go meanwhile
            pass
        return hit, gen, archive
    ev = _Evaluator(conn, today, gen, archive)
    value = ev.result(query)
    res = _Result(value, ev.size if value.dtype != bool else 0)
    res.everything = not query.terms
    if conn.in_transaction:
        return res, gen, archive          # not remembered: see archive.store.bitmaps.cached
    _RESULTS[key] = res
    try:
        while len(_RESULTS) > _RESULTS_LIMIT:
            _RESULTS.popitem(last=False)
    except KeyError:
        pass
    return res, gen, archive


def facet_counts(conn, query: str | Query, kinds, *, top: int = 500,
                 today: _dt.date | None = None) -> dict:
    """Exact counts of the ``top`` values of each of ``kinds`` in the query's result
    (the search's facets stop at 20 a kind; a facet list's "more…" asks here)."""
    from archive.store.facets import count_facets

    today = today or _dt.date.today()
    res, gen, archive = _result(conn, _parse(query, today), today)
    kinds = [k for k in kinds if k in FACET_KINDS]
    return count_facets(conn, res.mask, kinds, top=top, gen=gen, archive=archive)


def _facets(conn, res: _Result, gen: int, archive) -> dict:
    if res.facets is None:
        from archive.store.facets import count_facets

        def count():
            return count_facets(conn, res.mask if res.ids is None else None, FACET_KINDS, gen=gen, archive=archive,
                                ids=res.ids)

        if res.everything:
            # The whole archive's counts, asked for by every window that opens: kept.
            import json

            from archive.store.bitmaps import cached

            res.facets = cached(conn, "facets:all", gen, build=count, patch=None, archive=archive,
                                decode=lambda d: json.loads(bytes(d)), encode=lambda v: json.dumps(v).encode())
        else:
            res.facets = count()
    return res.facets


def search(conn, query: str | Query, *, limit: int = 50, after: str | None = None,
           facets: bool = False, today: _dt.date | None = None, count: bool = True) -> Page:
    """One page of photo ids matching ``query``, newest first, the total and the facets."""
    today = today or _dt.date.today()
    query = _parse(query, today)
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    after_key = _cursor_key(after)
    res, gen, archive = _result(conn, query, today)
    o = order(conn, "taken", gen, archive=archive)
    start = 0 if after_key is None else int(np.searchsorted(o.keys, after_key, side="right"))
    if res.ids is not None:
        # Few photos: their positions in the order, sorted; no walk over the archive.
        positions = np.sort(o.rank[res.ids])
        positions = positions[int(np.searchsorted(positions, start)):][:limit + 1]
    else:
        positions = _walk(o.ids, res.mask, start, limit + 1)
    more = len(positions) > limit
    positions = positions[:limit]
    ids = o.ids[positions]
    next_cursor = f"k{_key_at(conn, o, int(positions[-1]))}" if more and len(positions) else None
    page = Page(total=res.total if (count or facets) else -1, photo_ids=[int(i) for i in ids], next=next_cursor)
    if facets:
        page.facets = _facets(conn, res, gen, archive)
    return page


def _key_at(conn, o, position: int) -> int:
    """The sort key at a position of the taken order (one row read when the keys are
    not in memory: they are only needed to page on from a cursor)."""
    if getattr(o, "_keys", None) is not None:
        return int(o.keys[position])
    return conn.execute("SELECT sort_key FROM photos WHERE id = ?", (int(o.ids[position]),)).fetchone()[0]


def _walk(ids: np.ndarray, mask: np.ndarray, start: int, limit: int, chunk: int = 32_768) -> np.ndarray:
    """Positions from ``start`` on whose photo is in ``mask``, the first ``limit`` of them."""
    found, n = [], len(ids)
    count = 0
    while start < n and count < limit:
        part = np.flatnonzero(mask[ids[start:start + chunk]]) + start
        found.append(part)
        count += len(part)
        start += chunk
        chunk = min(chunk * 4, 1 << 20)
    return np.concatenate(found)[:limit] if found else np.zeros(0, np.intp)


def window(conn, query: str | Query, *, offset: int, limit: int, sort: str = "taken", descending: bool = True,
           today: _dt.date | None = None) -> Page:
    """The ids at positions ``offset`` .. ``offset + limit`` of the whole result in the
    order of ``sort`` (taken, imported, name, creator), with the total."""
    today = today or _dt.date.today()
    if sort not in SORTS:
        raise QueryError(f"cannot sort by {sort}: sort by one of {', '.join(SORTS)}")
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    offset = max(0, int(offset))
    query = _parse(query, today)
    res, gen, archive = _result(conn, query, today)
    o = order(conn, sort, gen, archive=archive)
    sel = res.positions.get((sort, descending))
    if sel is None and res.ids is not None:
        sel = res.positions[(sort, descending)] = o.positions_of(res.ids, descending)
    if sel is None and offset + limit <= 2_000:
        ids = o.first(res.mask, offset + limit, descending)[offset:]
    else:
        if sel is None:
            sel = res.positions[(sort, descending)] = o.select(res.mask, descending)
        ids = sel[offset:offset + limit]
    return Page(total=res.total, photo_ids=[int(i) for i in ids], next=None, offset=offset)


def facets_of(conn, query: str | Query, *, today: _dt.date | None = None) -> dict:
    """The facet counts of a query's result, each value with the term that finds it."""
    today = today or _dt.date.today()
    res, gen, archive = _result(conn, _parse(query, today), today)
    return _facets(conn, res, gen, archive)


def prepare(conn, *, min_photos: int = 20_000, progress=None) -> int:
    """Make and keep what a fresh process needs to answer any query at once: the
    per-photo columns, the sort orders, the facet pairs, and the bitmaps of every
    word, photographer, agency and place of at least ``min_photos`` photos.  Run
    after an import or a check; returns how many values were made."""
    from archive.store.facets import _pairs

    gen = generation(conn)
    ev = _Evaluator(conn, _dt.date.today(), gen)
    ev.cols
    for sort in SORTS:
        order(conn, sort, gen, archive=ev.archive)
    _pairs(conn, gen, ev.archive)
    made = 1 + len(SORTS) + 1
    for (vid,) in conn.execute("SELECT id FROM facet_values WHERE count >= ?", (min_photos,)).fetchall():
        ev.facet_value(vid)
        made += 1
    for (pid,) in conn.execute("SELECT place_id FROM photo_places GROUP BY place_id HAVING count(*) >= ?",
                               (min_photos,)).fetchall():
        ev.place(pid)
        made += 1
    # Since the last whole preparation (when the common words' fields were noted), few
    # photos changed (an edit, an import of a few hundred): only theirs are looked at
    # again, not every word and place name of the archive (seconds at a million photos).
    stored = _word_columns(conn, ev.archive)
    few = None
    if stored is not None:
        few = BitMap() if stored[0] == gen else changed_since(conn, stored[0], gen)
        if few is not None and len(few) > RENOTE_AFTER:
            few = None
    # What the gazetteer says of every place name the archive's metadata uses, so a
    # place term typed for the first time need not load the gazetteer.
    names = set()
    for column in ("city", "country", "state", "sublocation"):
        if few is None:
            names.update(r[0] for r in conn.execute(f"SELECT DISTINCT {column} FROM photos "
                                                    f"WHERE {column} IS NOT NULL LIMIT 20000"))
        else:
            names.update(r[0] for r in conn.execute(f"SELECT {column} FROM photos WHERE id IN "
                                                    "(SELECT value FROM json_each(?))", (ids_json(few),)))
    names.update(r[0] for r in conn.execute("SELECT name FROM facet_values WHERE kind = 'place'"))
    for name in sorted(n for n in names if n and n.strip()):
        for kind in ("place", "city", "country"):
            _gazetteer_answer(conn, kind, name)
    if few is not None:
        common = list(stored[1])          # as noted then: a few photos make no word common
    else:
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.photo_fts_terms USING fts5vocab(main, photo_fts, row)")
        common = [term for (term,) in conn.execute("SELECT term FROM temp.photo_fts_terms WHERE doc >= ? "
                                                     "ORDER BY doc DESC", (min_photos,)).fetchall()]
    for term in common:
        ev.fts(_fts_quote(term))
        made += 1
        if progress:
            progress(made)
    # The common words of the credit field, for credit:NAME (a field's words are read
    # with their positions: 90 ms for one in an eighth of a million photos).
    for term in _credit_words(conn, min_photos, gen, again=few is None):
        ev.fts(_fts_column("credit", term))
        made += 1
    # Which fields hold each common word, so a phrase whose words never share one is
    # answered without reading their positions (photos changed since are judged again).
    if few is None:
        _note_word_columns(conn, common, gen)
    made += 1
    # Which of them stand side by side, so a phrase of two is one bitmap.
    _note_pairs(conn, common, gen)
    made += 1
    keep_now()
    return made
