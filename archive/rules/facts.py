"""What a photo says about itself, read once from its record for every rule.

Rules compare the working caption and credit line with the photo's own
metadata.  "Own" means both the working values and what the file itself says
(``record["embedded"]``, which holds the file's value wherever an edit differs):
a credit that agrees with either is not flagged, because an editor's
correction and the agency's original are both the photo's word.

Everything here is computed lazily and the expensive lookups (credit parsing,
agency aliases, the gazetteer) are cached across photos, because a desk checks
tens of thousands of photos that share a few hundred names, agencies and places.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from archive.capture_time import LocalCapture, local_capture, needs_zone, parse_timestamp
from archive.people import credited_people, is_person
from archive.place_lookup import PlaceLookup
from archive.rules.base import Memo
from archive.folding import fold
from archive.rules.names import squash

LABELS = {
    "creator": "By-line", "credit": "IPTC Credit", "source": "IPTC Source",
    "copyright": "copyright notice", "city": "IPTC City", "sublocation": "IPTC Sublocation",
    "state": "IPTC State", "country": "IPTC Country",
}


# ---------------------------------------------------------------- agencies

@lru_cache(maxsize=65536)
def parse_credit(text: str):
    from archive.articles.credit import parse_credit as parse

    return parse(text)


@lru_cache(maxsize=65536)
def canonical_agency(name: str) -> str:
    return _agency_fn("canonical_agency")(name)


@lru_cache(maxsize=65536)
def agency_key(name: str) -> str:
    """One comparable form for every spelling of an agency (aliases resolved)."""
    return fold(canonical_agency(name))


@lru_cache(maxsize=65536)
def same_agency(a: str, b: str) -> bool:
    if canonical_agency(a) == canonical_agency(b):
        return True
    return bool(_agency_fn("same_agency")(a, b))


def _agency_fn(name: str):
    # The alias table lives in archive.articles.agencies; credit re-exports some.
    try:
        from archive.articles import agencies
        return getattr(agencies, name)
    except (ImportError, AttributeError):
        from archive.articles import credit
        return getattr(credit, name)


_COPYRIGHT_NOISE = re.compile(
    r"©|\(c\)|\bcopyright\b|\ball rights reserved\b|\b(?:19|20)\d\d\b|\bphoto(?:graph)?s?\s+by\b|\bimage\s+by\b",
    re.I,
)
_EDGE = re.compile(r"^[\s.,;:\-–—]+|[\s.,;:\-–—]+$")


def clean_notice(text: str) -> str:
    """A credit or copyright notice without ©, years and 'All rights reserved'."""
    return _EDGE.sub("", squash(_COPYRIGHT_NOISE.sub(" ", text)))


@lru_cache(maxsize=65536)
def credit_parts(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(creators, agencies) a metadata credit/source/copyright value names.

    "AFP via Getty Images" -> ((), ("AFP", "Getty Images")); "© Mike
    Cardew/ZUMA Press/Corbis" -> (("Mike Cardew",), ("ZUMA Press", "Corbis"));
    a bare "PA" -> ((), ("PA",)).
    """
    cleaned = clean_notice(text)
    if not cleaned:
        return (), ()
    c = parse_credit(cleaned)
    agencies = tuple(a for a in (getattr(c, "agencies", ()) or ()) if a)
    if not agencies and getattr(c, "agency", None):
        agencies = (c.agency,)
    creators = tuple(n for n in (getattr(c, "creators", ()) or ()) if n)
    if not agencies and not creators:
        agencies = (cleaned,)
    if not agencies and creators and "/" not in cleaned and len(creators) == 1:
        # A bare name in an agency field ("Reuters", "Corbis") reads as a person
        # to a credit parser; an agency field names an agency unless it is the
        # photographer (checked by the caller against the By-line).
        agencies, creators = creators, ()
    return creators, agencies


# ---------------------------------------------------------------- places

def default_gazetteer() -> PlaceLookup:
    """The process's one PlaceLookup (archive/place_lookup.py), shared with search and matching."""
    from archive.place_lookup import shared

    return shared()


def as_cached(gazetteer) -> PlaceLookup:
    if gazetteer is None:
        return default_gazetteer()
    return gazetteer if isinstance(gazetteer, PlaceLookup) else PlaceLookup(gazetteer)


def km_between(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------- the facts

class lazy:
    """functools.cached_property without its lock: a fact is computed once per
    photo on one thread, and the lock costs more than most facts."""

    def __init__(self, fn):
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


@dataclass(frozen=True)
class Said:
    """A value from the photo's metadata and where it came from (for messages)."""

    value: str
    field: str
    label: str


class PhotoFacts:
    def __init__(self, record: dict, gazetteer: Optional[PlaceLookup] = None):
        self.record = record
        self.embedded = record.get("embedded") or {}
        self._gaz = gazetteer
        self._values: dict = {}

    @property
    def gazetteer(self) -> PlaceLookup:
        if self._gaz is None:
            self._gaz = default_gazetteer()
        return self._gaz

    def values(self, key: str) -> list:
        """Distinct non-empty values of ``key``: the working one, then the file's."""
        cache = self._values
        hit = cache.get(key)
        if hit is not None:
            return hit
        if not self.embedded:
            v = self.record.get(key)
            if isinstance(v, str):
                v = v.strip()
                out = cache[key] = [v] if v else []
                return out
            if not v:
                out = cache[key] = []
                return out
        out = []
        for src in (self.record, self.embedded) if self.embedded else (self.record,):
            v = src.get(key)
            if not v:
                continue
            for item in (v if isinstance(v, (list, tuple)) else (v,)):
                if isinstance(item, str):
                    item = item.strip()
                if item and item not in out:
                    out.append(item)
        cache[key] = out
        return out

    @property
    def caption(self) -> str:
        return self.record.get("caption") or ""

    @property
    def credit_line(self) -> str:
        return self.record.get("credit_line") or ""

    # -- people and agencies: the same few hundred combinations recur across a
    # desk's photos, so they are read once per combination (_Credits).

    @lazy
    def credit_key(self) -> tuple:
        """Everything the credit rules and the agency facts read: the credit line and
        the creator, credit, source and copyright values (working and the file's)."""
        return (self.credit_line, *(tuple(self.values(k)) for k in ("creator", "credit", "source", "copyright")))

    @lazy
    def _credits(self) -> "_Credits":
        hit = _CREDITS.get(self.credit_key)
        if hit is None:
            hit = _CREDITS.put(self.credit_key, _Credits(self))
        return hit

    @property
    def creators(self) -> tuple[str, ...]:
        """The photographers the metadata names (agency and role by-lines dropped),
        working values first."""
        return self._credits.creators

    @property
    def agency_sources(self) -> tuple[tuple[Said, tuple[str, ...]], ...]:
        """Each credit/source/copyright value with the agencies it names."""
        return self._credits.agency_sources

    @property
    def agencies(self) -> tuple[str, ...]:
        return self._credits.agencies

    @property
    def chain(self) -> tuple[str, ...]:
        """Every agency the photo names anywhere: its credit line, IPTC credit,
        source and copyright (for finding its licence)."""
        return self._credits.chain

    @property
    def chain_keys(self) -> frozenset:
        """The chain in comparable forms (folded as written and as canonical)."""
        return self._credits.chain_keys

    def names_agency(self, name: str) -> Optional[Said]:
        """The metadata value naming agency ``name`` (through aliases and chains), if any."""
        for said, names in self.agency_sources:
            if any(same_agency(name, a) for a in names):
                return said
        return None

    # -- places

    @lazy
    def city_places(self) -> list[tuple[Said, object]]:
        out = []
        for v in self.values("city"):
            p = self.gazetteer.best(v)
            out.append((Said(v, "city", LABELS["city"]), p))
        return out

    @lazy
    def gps(self) -> Optional[tuple[float, float]]:
        g = self.record.get("gps") or self.embedded.get("gps")
        if not g:
            return None
        try:
            lat, lon = float(g["lat"]), float(g["lon"])
        except (KeyError, TypeError, ValueError):
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
            return None
        return lat, lon

    @lazy
    def gps_places(self) -> tuple:
        """(city, district) the GPS position falls in, per the gazetteer."""
        if self.gps is None:
            return (None, None)
        return self.gazetteer.reverse(*self.gps)

    @lazy
    def location_names(self) -> list[Said]:
        """Every place name the metadata gives, broadest last."""
        out = []
        for key in ("sublocation", "city", "state", "country"):
            for v in self.values(key):
                out.append(Said(v, key, LABELS[key]))
        return out

    @property
    def has_location(self) -> bool:
        return bool(self.values("city")) or self.gps is not None

    @lazy
    def timezone(self) -> Optional[str]:
        for _, p in self.city_places:
            tz = getattr(p, "timezone", None)
            if tz:
                return tz
        city, district = self.gps_places
        for p in (district, city):
            tz = getattr(p, "timezone", None)
            if tz:
                return tz
        return None

    # -- time

    @lazy
    def capture(self) -> Optional[LocalCapture]:
        taken = self.record.get("taken_at") or self.embedded.get("taken_at")
        if not taken:
            return None
        ts = parse_timestamp(taken)
        return local_capture(ts, self.timezone if needs_zone(ts) else None)


class _Credits:
    """Who and which agencies a photo's credit fields name: read from the credit
    line and the creator, credit, source and copyright values alone (the key
    under which they are kept)."""

    __slots__ = ("creators", "agency_sources", "agencies", "chain", "chain_keys")

    def __init__(self, facts: PhotoFacts):
        creators: list[str] = []
        seen: set[str] = set()
        for raw in facts.values("creator"):
            name = raw
            if not is_person(raw):      # "N/A", "STR/AFP": a role as a whole, not a name and its agency
                continue
            if "/" in raw:
                parts, _ = credit_parts(raw)
                name = parts[0] if parts else raw.split("/")[0]
            name = squash(name)
            if is_person(name) and fold(name) not in seen:
                seen.add(fold(name))
                creators.append(name)
        for raw in facts.values("copyright"):       # as the matcher reads it (archive/people.py)
            for name in credited_people(raw):
                if fold(name) not in seen:
                    seen.add(fold(name))
                    creators.append(name)
        self.creators = tuple(creators)
        people = {fold(n) for n in creators}
        sources = []
        for key in ("credit", "source", "copyright"):
            for v in facts.values(key):
                _, agencies = credit_parts(v)
                agencies = tuple(a for a in agencies if fold(a) not in people and fold(a))
                if agencies:
                    sources.append((Said(v, key, LABELS[key]), agencies))
        self.agency_sources = tuple(sources)
        distinct: list[str] = []
        for _, names in sources:
            for a in names:
                if not any(same_agency(a, b) for b in distinct):
                    distinct.append(a)
        self.agencies = tuple(distinct)
        names: list[str] = []
        if facts.credit_line:
            # The credit line's own reading: its people are never agencies.
            c = parse_credit(squash(facts.credit_line))
            names += list(getattr(c, "agencies", ()) or ())
        for _, agencies in sources:
            names += agencies
        self.chain = tuple(dict.fromkeys(n for n in names if n))
        self.chain_keys = frozenset(k for a in self.chain for k in (fold(a), agency_key(a)) if k)


_CREDITS = Memo()
