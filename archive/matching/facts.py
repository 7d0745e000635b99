"""What a caption says and what a photo's metadata says, read once for scoring.

A caption is read once per match (its credited photographers and agency, the
places and times it names, its content words); a candidate photo once per
match however many captions it is a candidate for, and lazily: a part of the
score that does not need the photo's time zone never asks the gazetteer for it.

Labels name where a value came from, for the reasons a person reads
("IPTC By-line", "EXIF Artist").  The reader may record that per field in the
file's metadata as ``origins`` (field -> label); without it the labels are
the IPTC names of the fields.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from anyascii import anyascii

from archive.capture_time import LocalCapture, local_capture
from archive.people import credited_people, is_person
from archive.place_lookup import PlaceLookup

# The field's name when the metadata does not say which container (EXIF, IPTC,
# XMP, sidecar) the value came from.
DEFAULT_LABELS = {
    "creator": "By-line", "credit": "Credit", "source": "Source",
    "copyright": "copyright notice", "credit_line": "credit line", "caption": "description",
    "headline": "headline", "title": "title", "keywords": "keywords", "city": "City",
    "sublocation": "Sublocation", "state": "State", "country": "Country",
    "country_code": "Country Code",
}

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset("""
a an the and or but nor of in on at to for from by with without into onto over under after before
during since until as is are was were be been being has have had do does did it its this that these
those there here their them they he she his her him we our us you your i me my who whom whose which what
when where while why how not no yes so than then also very most more some any all each both few many
much other another such only own same too can could will would shall should may might must about above
below between through against among around off out up down again further once near next last latest
said says say according amid despite via per photograph photo picture image pictured shows seen
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
today yesterday tonight morning afternoon evening night overnight week weekend day days year years
""".split())


def content_words(text: str, drop: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The words that carry a caption's content, folded to ASCII lower case."""
    text = text or ""
    words = _WORD.findall((text if text.isascii() else anyascii(text)).lower())
    return list(dict.fromkeys(w for w in words
                              if len(w) > 2 and w not in STOPWORDS and w not in drop and not w.isdigit()))


@lru_cache(maxsize=65536)
def agency_keys(value: str, line: bool = False) -> tuple[str, ...]:
    """The agencies a credit, source or copyright value names, as comparable keys,
    the principal first ("AFP via Getty Images" -> getty images, afp).

    In a metadata field (``line`` False) a value that names no agency is
    itself one ("Radio Liberty"); in a credit line it may be a person.
    """
    from archive.articles.agencies import canonical_agency, normalise_key
    from archive.articles.credit import parse_credit

    parsed = parse_credit(value)
    names = list(reversed(parsed.agencies))
    if not names and not line:
        names = [value]
    keys = (normalise_key(canonical_agency(n)) for n in names if n and n.strip())
    return tuple(dict.fromkeys(k for k in keys if k))


def _clean_values(raw) -> list[str]:
    """Distinct non-blank strings of a value or a list of values, stripped."""
    out: list[str] = []
    for v in raw if isinstance(raw, list) else [raw]:
        if isinstance(v, str):
            v = v.strip()
            if v and v not in out:
                out.append(v)
    return out


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem (the first five letters): "sheltered" meets "shelter", "sirens" "siren"."""
    return word[:5]


# ---------------------------------------------------------------- captions

@dataclass
class CaptionFacts:
    index: int
    text: str
    credit_line: str | None
    creators: tuple[str, ...]
    agency: str | None
    agencies: tuple[str, ...]
    agency_keys: tuple[str, ...]                     # comparable keys, the principal first
    places: list = field(default_factory=list)       # gazetteer Places: cities, districts
    regions: list = field(default_factory=list)      # states and countries
    times: list = field(default_factory=list)        # archive.articles Mentions
    words: list[str] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)
    article_date: _dt.date | None = None


def caption_facts(caption: dict, article_date: _dt.date | None, places: PlaceLookup) -> CaptionFacts:
    """Read a stored caption (index, text, credit_line, credit dict)."""
    from archive.articles.mentions import weekday_and_date_mentions

    text = caption["text"] or ""
    credit = caption.get("credit") or {}
    found = [hit[2] for hit in places.find_in_text(text)]
    local = [p for p in found if p.kind in ("city", "district")]
    regions = [p for p in found if p.kind in ("state", "country")]
    place_words = set()
    for p in found:
        place_words.update(content_words(p.name))
    for hit in places.find_in_text(text):
        place_words.update(content_words(text[hit[0]:hit[1]]))
    words = content_words(text, drop=place_words)
    creators = tuple(c for c in credit.get("creators") or () if is_person(c))
    # "agency" is the chain as credited ("Pool/AFP via Getty Images"), "agencies"
    # its members resolved, originator first: the last member is the principal.
    agencies = tuple(credit.get("agencies") or ([credit["agency"]] if credit.get("agency") else []))
    principal = credit.get("agency") or (agencies[-1] if agencies else None)
    chain = list(reversed(agencies)) or ([principal] if principal else [])
    keys = tuple(dict.fromkeys(k for a in chain for k in agency_keys(a)))
    return CaptionFacts(
        index=caption["index"], text=text, credit_line=caption.get("credit_line"),
        creators=creators, agency=principal, agencies=agencies, agency_keys=keys,
        places=list({p.id: p for p in local}.values()),
        regions=list({p.id: p for p in regions}.values()),
        times=[m for m in weekday_and_date_mentions(text, article_date)],
        words=words, stems=[stem(w) for w in words], article_date=article_date)


# ---------------------------------------------------------------- photos

@dataclass(frozen=True)
class Said:
    """A value of the photo's metadata and the label of the field it is in."""

    value: str
    label: str


class PhotoFacts:
    """One candidate photo, from the columns :mod:`archive.store.candidates` reads."""

    def __init__(self, row: dict, places: PlaceLookup):
        self.row = row
        self.id: int = row["id"]
        self.sort_key: int = row["sort_key"]
        self.path: str = row["path"]
        self._places = places

    # -- the file's own values and where they came from

    @cached_property
    def embedded(self) -> dict:
        text = self.row.get("embedded") or "{}"
        try:
            return json.loads(text)
        except ValueError:
            return {}

    @cached_property
    def origins(self) -> dict:
        text = self.row.get("embedded") or ""
        if '"origins"' not in text:   # most archives: no need to parse the JSON
            return {}
        return self.embedded.get("origins") or {}

    @cached_property
    def edited(self) -> frozenset[str]:
        """Fields a person changed in the archive (their working value is not the file's)."""
        text = self.row.get("edited") or "[]"
        return frozenset(json.loads(text)) if text != "[]" else frozenset()

    def label(self, key: str, *, own: bool = False) -> str:
        """Where a value came from.  ``own``: it is the file's value, not an edit."""
        if key in self.edited and not own:
            return f"archive {DEFAULT_LABELS.get(key, key)}"
        return self.origins.get(key) or DEFAULT_LABELS.get(key, key)

    def values(self, key: str) -> list[Said]:
        """The working value(s), then the file's own where an edit differs."""
        cache = self.__dict__.setdefault("_values", {})
        found = cache.get(key)
        if found is None:
            found = cache[key] = self._values_uncached(key)
        return found

    def _values_uncached(self, key: str) -> list[Said]:
        raw = self.row.get(key)
        if key in ("creator", "keywords"):
            raw = json.loads(raw) if isinstance(raw, str) else (raw or [])
        label = self.label(key)
        out = [Said(v, label) for v in _clean_values(raw)]
        if key in self.edited:
            seen = {s.value for s in out}
            label = self.label(key, own=True)
            out += [Said(v, label) for v in _clean_values(self.embedded.get(key)) if v not in seen]
        return out

    # -- people and agencies

    @cached_property
    def creators(self) -> list[Said]:
        """Photographers the metadata names: by-lines, and a person in the copyright notice."""
        out = [s for s in self.values("creator") if is_person(s.value)]
        for said in self.values("copyright"):
            out += [Said(name, said.label) for name in credited_people(said.value)]
        return out

    @cached_property
    def agency_fields(self) -> list[Said]:
        return [s for key in ("credit", "source", "copyright", "credit_line") for s in self.values(key)]

    # -- description

    @cached_property
    def description(self) -> list[Said]:
        return [s for key in ("caption", "headline", "title") for s in self.values(key)]

    @cached_property
    def word_stems(self) -> set[str]:
        text = " ".join([s.value for s in self.description] + [s.value for s in self.values("keywords")])
        return {stem(w) for w in content_words(text)}

    # -- places

    @cached_property
    def gps(self) -> tuple[float, float] | None:
        lat, lon = self.row.get("gps_lat"), self.row.get("gps_lon")
        if lat is None or lon is None or (lat == 0 and lon == 0):
            return None
        return float(lat), float(lon)

    @cached_property
    def gps_places(self) -> tuple:
        """(city, district) at the GPS position, offline through the gazetteer."""
        if self.gps is None:
            return (None, None)
        return self._places.reverse(*self.gps)

    @cached_property
    def city(self):
        """The gazetteer place of the photo's city (metadata first, else GPS), or None."""
        for key in ("city", "sublocation"):
            for said in self.values(key):
                place = self._places.best(said.value)
                if place is not None and place.kind in ("city", "district"):
                    return place
        if self.row.get("place_city"):
            place = self._places.best(self.row["place_city"])
            if place is not None:
                return place
        return self.gps_places[0]

    @cached_property
    def country_code(self) -> str | None:
        for said in self.values("country_code"):
            return said.value.upper()
        for said in self.values("country"):
            country = self._places.country_for(said.value)
            if country is not None:
                return country.country_code
        return self.city.country_code if self.city is not None else None

    # -- time

    @cached_property
    def zone(self) -> tuple[str | None, str | None]:
        """(IANA zone, place name) of where the photo was made, when known."""
        place = self.city            # the metadata's city, else the GPS position's
        if place is None or not place.timezone:
            return None, None
        return place.timezone, (place.parent or place.name) if place.kind == "district" else place.name

    @cached_property
    def capture(self) -> "LocalCapture | None":
        """The capture's day and time where it was made, or None when undated."""
        taken = self.row.get("taken_at")
        if not taken:
            return None
        if len(taken) <= 19:    # a date, or a time without an offset: the camera's own clock
            return local_capture(taken, None)
        return local_capture(taken, self.zone[0])

    def time_label(self) -> str:
        """How the capture's local day was found, for a reason: "Kyiv time", "camera clock"."""
        capture = self.capture
        if capture is None:
            return ""
        if capture.how == "zone":
            return f"{self.zone[1]} time"
        if capture.how == "offset":
            taken = self.row.get("taken_at") or ""
            return f"local time, UTC{taken[19:].lstrip('.0123456789') or ''}"
        if capture.how == "naive":
            return "camera clock"
        return "date only"
