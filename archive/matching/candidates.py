"""Which photos could fit a caption: a cheap, bounded prefilter before scoring.

A caption's candidates are the union of

- photos by the photographer(s) its credit names (any spelling, script or
  romanisation: see :mod:`archive.name_match`),
- photos whose caption, headline or keywords share its distinctive words,
- photos at the places it names,

each taken within the article's date window (a fortnight before the article,
a day after, and the days the caption itself names), nearest the article
first, and capped; plus a few undated photos by the credited photographer.
Every lookup is an index range in :mod:`archive.store.candidates`, so a
caption costs a few milliseconds whether the archive holds a thousand photos
or millions.
"""

from __future__ import annotations

import datetime as _dt
import math
import threading
from dataclasses import dataclass

from archive.matching.facts import CaptionFacts
from archive.name_match import compare_names, search_keys
from archive.store import candidates as store
from archive.store.sortkey import key_range_for_seconds


@dataclass(frozen=True)
class Limits:
    """How wide the prefilter looks; every source is capped."""

    per_source: int = 100       # photos per source (creator, words, places) and window
    days_before: int = 14       # the window: days before the article date ...
    days_after: int = 1         # ... and after it
    undated: int = 20           # undated photos by the credited photographer
    words: int = 8              # caption words looked up in the full-text index (the longest)
    per_word: int = 600         # hits per word and window (the nearest the article)
    scored: int = 30            # candidates per caption scored in full (those with most evidence)


# ---------------------------------------------------------------- photographers

class CreatorIndex:
    """The archive's photographer names by surname key, read once per process
    and then only the names added since (facet values are never renamed)."""

    def __init__(self) -> None:
        self.last_id = 0
        self.names: dict[int, str] = {}
        self.by_key: dict[str, list[int]] = {}
        self._keys: list[str] | None = None
        self._lock = threading.Lock()

    def refresh(self, conn) -> None:
        newest = store.creator_values_last_id(conn)
        if newest == self.last_id:
            return
        with self._lock:
            if newest < self.last_id:      # another archive now at the same path: start again
                self.last_id, self.names, self.by_key = 0, {}, {}
            for value_id, name in store.creator_values_after(conn, self.last_id):
                self.names[value_id] = name
                for key in search_keys(name):
                    self.by_key.setdefault(key, []).append(value_id)
                self.last_id = value_id
            self._keys = None

    def value_ids(self, name: str) -> list[int]:
        """Facet values that are this photographer under any spelling."""
        from rapidfuzz import fuzz, process

        with self._lock:
            if self._keys is None:
                self._keys = list(self.by_key)
            found: list[int] = []
            for key in search_keys(name):
                found += self.by_key.get(key, ())
                if len(key) > 4:   # a near spelling of the surname ("Bushnak" / "Boushnak")
                    for near, _score, _i in process.extract(key, self._keys, scorer=fuzz.ratio,
                                                            score_cutoff=85, limit=10):
                        if near != key:
                            found += self.by_key[near]
            names = {vid: self.names[vid] for vid in found}
        ids = [vid for vid in found if compare_names(name, names[vid]).agrees]
        return list(dict.fromkeys(ids))


_INDEXES: dict[str, CreatorIndex] = {}
_INDEXES_LOCK = threading.Lock()


def creator_index(conn) -> CreatorIndex:
    """This archive's photographer index, brought up to date."""
    key = store.database_key(conn)
    with _INDEXES_LOCK:
        index = _INDEXES.setdefault(key, CreatorIndex())
    index.refresh(conn)
    return index


# ---------------------------------------------------------------- windows

def _day_range(first: _dt.date, last: _dt.date) -> tuple[int, int]:
    """Sort keys of photos taken between two local dates, a day wider each side
    (a local date is up to 14 hours off UTC)."""
    epoch = _dt.date(1970, 1, 1)
    start = ((first - epoch).days - 1) * 86400
    end = ((last - epoch).days + 2) * 86400 - 1
    return key_range_for_seconds(start, end)


def windows(c: CaptionFacts, limits: Limits) -> list[tuple[int, int] | None]:
    """The sort-key ranges to look in: the article's window and the days the
    caption names outside it; [None] (everywhere) when the article has no date."""
    if c.article_date is None:
        return [None]
    first = c.article_date - _dt.timedelta(days=limits.days_before)
    last = c.article_date + _dt.timedelta(days=limits.days_after)
    found = [_day_range(first, last)]
    for m in c.times:
        days = _mention_days(m)
        if days and (days[0] < first or days[1] > last):
            found.append(_day_range(days[0], days[1]))
    return found


# ---------------------------------------------------------------- the prefilter

def fts_word(word: str) -> str:
    """An FTS5 expression for one word in the description columns."""
    return '{caption headline keywords} : "' + word.replace('"', '""') + '"'


def by_words(conn, words: list[str], key_range, limits: Limits) -> dict[int, float]:
    """Photos sharing the caption's words: sort key -> weight (0..1], the best 1.

    FTS5's own ranking (bm25) counts every document of every word across the
    whole archive, whatever the window, so it is slow at millions of photos.
    Instead each word's hits in the window are fetched (an index range each,
    capped) and photos are weighed by the words they share, a word counting
    more the fewer photos of the window have it.
    """
    chosen = sorted(words, key=lambda w: (-len(w), w))[:limits.words]
    hits: dict[int, float] = {}
    for word in chosen:
        keys = store.keys_by_text(conn, fts_word(word), key_range, limits.per_word)
        if not keys:
            continue
        weight = math.log(1 + limits.per_word / len(keys))
        for key in keys:
            hits[key] = hits.get(key, 0.0) + weight
    if not hits:
        return {}
    ranked = sorted(hits, key=lambda k: (-hits[k], k))[:limits.per_source]
    top = hits[ranked[0]]
    return {k: hits[k] / top for k in ranked}


# How much each kind of evidence counts when choosing which candidates to score.
EVIDENCE = {"creator": 3.0, "words": 1.5, "place": 1.0, "day": 1.0}


def find_candidates(conn, c: CaptionFacts, limits: Limits = Limits()) -> list[int]:
    """Sort keys of the photos worth scoring for one caption, the likeliest first.

    Each source's hits are weighed (:data:`EVIDENCE`): found by the credited
    photographer, by shared words, at a named place, on a named day; the
    ``limits.scored`` photos with the most evidence are scored in full.
    """
    creator_ids: list[int] = []
    if c.creators:
        index = creator_index(conn)
        for name in c.creators:
            creator_ids += index.value_ids(name)
    place_ids = [p.id for p in c.places] or [p.id for p in c.regions if p.kind == "state"]
    evidence: dict[int, float] = {}

    def add(keys, weight: float) -> None:
        for key in keys:
            evidence[key] = evidence.get(key, 0.0) + weight

    for key_range in windows(c, limits):
        add(store.keys_by_facet_values(conn, creator_ids, key_range, limits.per_source), EVIDENCE["creator"])
        for key, weight in by_words(conn, c.words, key_range, limits).items():
            evidence[key] = evidence.get(key, 0.0) + EVIDENCE["words"] * weight
        add(store.keys_at_places(conn, place_ids, key_range, limits.per_source), EVIDENCE["place"])
    if creator_ids and c.article_date is not None:
        add(store.keys_by_facet_values(conn, creator_ids, store.undated_range(), limits.undated),
            EVIDENCE["creator"])
    days = [_day_range(*_mention_days(m)) for m in c.times if _mention_days(m)]
    if days:
        for key in evidence:
            if any(low <= key <= high for low, high in days):
                evidence[key] += EVIDENCE["day"]
    ranked = sorted(evidence, key=lambda k: (-evidence[k], k))
    return ranked[:limits.scored]


def _mention_days(m) -> tuple[_dt.date, _dt.date] | None:
    """The dates a time mention stands for, when the article's date resolves it."""
    days = m.value if isinstance(m.value, tuple) else (m.on or m.value,) * 2
    return days if isinstance(days[0], _dt.date) and isinstance(days[1], _dt.date) else None
