"""The gazetteer behind small caches, one for the matcher and the rules alike.

A desk's photos come from a few hundred places, so lookups by name and by
position repeat.  A position is rounded to 3 decimals (about 100 m) before it
is looked up: fine enough that a photo near a city's edge is placed in the city
it was made in (the rules had rounded to 1 km, the matcher to 100 m, so the two
could disagree about where, and so on which local day, a photo was made), and
coarse enough that a shoot's photos share one lookup.
"""

from __future__ import annotations

import threading
from functools import lru_cache

ROUND_TO = 3        # decimals of a degree: ~110 m of latitude


class PlaceLookup:
    """``best``, ``same_place``, ``find_in_text``, ``reverse`` and ``country_for`` of a
    gazetteer (``g``), each behind its own cache."""

    def __init__(self, gazetteer):
        self.g = gazetteer
        self.best = lru_cache(maxsize=16384)(self._best)
        self.same_place = lru_cache(maxsize=65536)(self._same)
        self.find_in_text = lru_cache(maxsize=8192)(self._find)
        self.country_for = lru_cache(maxsize=4096)(self._country)
        self._reverse = lru_cache(maxsize=16384)(gazetteer.reverse)

    def _best(self, name: str):
        return self.g.best(name) if name and name.strip() else None

    def _same(self, a: str, b: str) -> bool:
        return bool(a and b and self.g.same_place(a, b))

    def _find(self, text: str):
        return tuple(self.g.find_in_text(text))

    def _country(self, name: str):
        return self.g.country_for(name) if name and name.strip() else None

    def reverse(self, lat: float, lon: float):
        return self._reverse(round(lat, ROUND_TO), round(lon, ROUND_TO))


_SHARED: "PlaceLookup | None" = None
_SHARED_LOCK = threading.Lock()


def shared() -> "PlaceLookup":
    """The process's one PlaceLookup, over its one gazetteer
    (:func:`archive.gazetteer.default_gazetteer`): the search keys made at import,
    the matcher and the rules all look places up here, through the same caches."""
    global _SHARED
    from archive.gazetteer import default_gazetteer

    g = default_gazetteer()
    got = _SHARED
    if got is None or got.g is not g:
        with _SHARED_LOCK:
            if _SHARED is None or _SHARED.g is not g:
                _SHARED = PlaceLookup(g)
            got = _SHARED
    return got
