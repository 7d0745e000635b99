"""Caption rules: present, punctuated, a sensible length, and true to the photo.

"True to the photo" means the places and days a caption names agree with where
and when the photo was made.  The checks lean hard against false alarms,
because a desk that learns to ignore a rule ignores the real errors too:

- Places: only cities, towns and districts are compared (a caption names
  countries for many reasons: "Russia's latest attacks hit Kyiv").  A caption
  place agrees with the photo when the gazetteer says it is the photo's IPTC
  city, sublocation or state, or it lies within ``max_distance_km`` of the
  photo's GPS position or city.  The caption is flagged only when it names
  local places and none of them agrees.
- Days: the capture time is read in the local time of the place (see
  :mod:`archive.capture_time`).  Possessives ("ahead of Tuesday's vote") and
  future or bounding phrases ("until Friday", "next Monday") are not claims
  about the photo.  "Sunday night" also accepts a photo made in the small
  hours of Monday, and "the night into Monday" one made on Sunday evening
  (``night_hours`` either side of midnight).  Any one agreeing mention is enough.
- Dates: only dates within ``window_days`` of the capture are claims about it;
  "the attacks of 11 September 2001" is history, not a wrong date.  Captions
  of file photos ("FILE PHOTO", "file picture") speak of two times and are not
  checked for days or dates.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Optional

from archive.rules.base import Param, RuleSpec, Violation
from archive.rules.facts import PhotoFacts, km_between

RULES = {
    "caption.missing": RuleSpec("caption.missing", "error", "Every photo needs a caption.", fields=("caption",)),
    "caption.punctuation": RuleSpec(
        "caption.punctuation", "warning", "A caption ends as a sentence does.",
        params={"terminal": Param("str", ".!?", "characters a caption may end with"),
                "closing": Param("str", "\"'\u201d\u2019)]", "characters allowed after the terminal one")},
        fields=("caption",)),
    "caption.length": RuleSpec(
        "caption.length", "warning", "A caption is neither a fragment nor an essay.",
        params={"min_chars": Param("int", 20), "max_chars": Param("int", 400, "0: no maximum")},
        fields=("caption",)),
    "caption.place_missing": RuleSpec(
        "caption.place_missing", "warning", "A caption says where the photo was made.", fields=("caption",)),
    "caption.place_mismatch": RuleSpec(
        "caption.place_mismatch", "error", "The place a caption names is where the photo was made.",
        params={"max_distance_km": Param("float", 40.0, "how far a named place may lie from the photo's position")},
        fields=("caption",)),
    "caption.weekday_mismatch": RuleSpec(
        "caption.weekday_mismatch", "error", "The weekday a caption names is the day the photo was made.",
        params={"night_hours": Param("int", 6, "hours either side of midnight in which a night "
                                               "phrase may name the next or previous day")},
        fields=("caption",)),
    "caption.date_mismatch": RuleSpec(
        "caption.date_mismatch", "error", "The date a caption names is the day the photo was made.",
        params={"window_days": Param("int", 60, "dates further from the capture than this are not about the photo")},
        fields=("caption",)),
}

BROAD_KINDS = frozenset({"country", "continent", "region", "state", "province", "admin1", "admin2",
                         "county", "oblast", "territory", "sea", "ocean"})
_FILE_PHOTO = re.compile(r"\bfile\s+(?:photo|picture|image|pic)\b", re.I)
_NOT_A_CLAIM = frozenset({"until", "by", "since", "next", "from"})
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_QUICK_WHEN = re.compile(r"day\b|\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")


def check(facts: PhotoFacts, profile, on=None) -> list[Violation]:
    text = facts.caption
    if not text.strip():
        if profile.enabled("caption.missing"):
            return [Violation("caption.missing", profile.severity("caption.missing"),
                              "The photo has no caption", None, "caption")]
        return []
    out: list[Violation] = []
    for rid, fn in _CHECKS:
        if profile.enabled(rid):
            v = fn(text, facts, profile)
            if v is not None:
                out.append(v)
    if profile.enabled("caption.place_missing") or profile.enabled("caption.place_mismatch"):
        out.extend(_places(text, facts, profile))
    if (profile.enabled("caption.weekday_mismatch") or profile.enabled("caption.date_mismatch")) \
            and facts.capture is not None and _QUICK_WHEN.search(text) and not _FILE_PHOTO.search(text):
        out.extend(_when(text, facts, profile))
    return out


# ---------------------------------------------------------------- form

def _punctuation(text: str, facts, profile) -> Optional[Violation]:
    terminal = profile.param("caption.punctuation", "terminal")
    closing = profile.param("caption.punctuation", "closing")
    body = text.rstrip()
    core = body.rstrip(closing)
    if core and core[-1] in terminal:
        if len(core) >= 2 and core[-2] in terminal and core[-2:] not in ("?!", "!?") and not core.endswith("..."):
            fixed = core[:-1] + body[len(core):]
            return Violation("caption.punctuation", profile.severity("caption.punctuation"),
                             f"Caption ends with a doubled \u201c{core[-2:]}\u201d", fixed, "caption")
        return None
    last = core[-1:] if core else ""
    fix = None
    if last.isalnum():
        fix = core + "." + body[len(core):]
    elif last in ",;:":
        fix = None   # a cut-off caption: the missing words are not ours to guess
    return Violation("caption.punctuation", profile.severity("caption.punctuation"),
                     f"Caption should end with one of {' '.join(terminal)}"
                     + (f" (it ends with \u201c{last}\u201d)" if last and not last.isalnum() else ""),
                     fix, "caption")


def _length(text: str, facts, profile) -> Optional[Violation]:
    n = len(" ".join(text.split()))
    lo = profile.param("caption.length", "min_chars")
    hi = profile.param("caption.length", "max_chars")
    if n < lo:
        return Violation("caption.length", profile.severity("caption.length"),
                         f"Caption is {n} characters long; house style wants at least {lo}", None, "caption")
    if hi and n > hi:
        return Violation("caption.length", profile.severity("caption.length"),
                         f"Caption is {n} characters long; house style allows at most {hi}", None, "caption")
    return None


_CHECKS = (("caption.punctuation", _punctuation), ("caption.length", _length))


# ---------------------------------------------------------------- places

def _kind(place) -> str:
    return (getattr(place, "kind", "") or "").lower()


def _is_local(place) -> bool:
    return _kind(place) not in BROAD_KINDS


def _photo_points(facts: PhotoFacts) -> list[tuple[float, float]]:
    """Where the photo was made: its GPS position, then its IPTC city as the
    gazetteer places it."""
    pts = [facts.gps] if facts.gps is not None else []
    for _, p in facts.city_places:
        if p is not None and getattr(p, "lat", None) is not None:
            pts.append((p.lat, p.lon))
    return pts


def _agrees(place, name: str, facts: PhotoFacts, max_km: float) -> bool:
    """Whether a place the caption names fits where the photo was made; the
    cheap tests first (names, distance), the reverse geocode last."""
    g = facts.gazetteer
    for said in facts.location_names:
        if said.value.casefold() == name.casefold() or g.same_place(name, said.value):
            return True
    lat, lon = getattr(place, "lat", None), getattr(place, "lon", None)
    if lat is not None and lon is not None:
        for plat, plon in _photo_points(facts):
            if km_between(lat, lon, plat, plon) <= max_km:
                return True
    for _, p in facts.city_places:
        if p is not None and getattr(p, "parent", None) and g.same_place(name, p.parent):
            return True   # the caption names the city a district lies in
    for p in facts.gps_places:
        if p is not None and (g.same_place(name, p.name) or getattr(p, "parent", None) and g.same_place(name, p.parent)):
            return True
    return False


@lru_cache(maxsize=4096)
def _word_rx(name: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.I)


def _names_own_place(text: str, facts: PhotoFacts) -> bool:
    """The caption names the photo's own city or sublocation as the metadata
    (or the gazetteer's preferred name) spells it: the common case, settled
    without reading every place in the caption."""
    names = list(facts.values("sublocation")) + list(facts.values("city"))
    names += [p.name for _, p in facts.city_places if p is not None]
    return any(_word_rx(n).search(text) for n in names if n)


def _places(text: str, facts: PhotoFacts, profile) -> list[Violation]:
    if not facts.has_location or _names_own_place(text, facts):
        return []
    hits = facts.gazetteer.find_in_text(text)
    out = []
    if not hits:
        if profile.enabled("caption.place_missing"):
            where = _where(facts)
            out.append(Violation("caption.place_missing", profile.severity("caption.place_missing"),
                                 f"Caption does not say where the photo was made ({where})", None, "caption"))
        return out
    if not profile.enabled("caption.place_mismatch"):
        return out
    max_km = profile.param("caption.place_mismatch", "max_distance_km")
    local = [(text[s:e], p) for s, e, p in hits if _is_local(p)]
    if not local:
        return out
    if any(_agrees(p, name, facts, max_km) for name, p in local):
        return out
    # Only flag when the gazetteer knows where the photo was made (a city name
    # it cannot place, "Kyyiv", says nothing about the caption's "Kyiv").
    where = _where(facts)
    if where is None or (facts.gps is None and not any(p for _, p in facts.city_places)):
        return out
    named = ", ".join(dict.fromkeys(name for name, _ in local))
    out.append(Violation("caption.place_mismatch", profile.severity("caption.place_mismatch"),
                         f"Caption places the photo in {named} but {where}", None, "caption"))
    return out


def _where(facts: PhotoFacts) -> Optional[str]:
    cities = facts.values("city")
    if cities:
        country = facts.values("country")
        return f"the photo's IPTC City is {cities[0]}" + (f" ({country[0]})" if country else "")
    if facts.gps is not None:
        city, district = facts.gps_places
        near = getattr(city, "name", None) or getattr(district, "name", None)
        lat, lon = facts.gps
        return f"its GPS position ({lat:.4f}, {lon:.4f}) is in {near}" if near else \
            f"its GPS position is {lat:.4f}, {lon:.4f}"
    return None


# ---------------------------------------------------------------- days and dates

@lru_cache(maxsize=16384)
def _mentions(text: str) -> tuple:
    from archive.articles.mentions import weekday_and_date_mentions

    # No article date: a date without a year is compared by day and month, so an
    # old photo checked today is not judged against this year's calendar.
    return tuple(weekday_and_date_mentions(text, None))


def _night_after(text: str, m) -> bool:
    mod = (getattr(m, "modifier", None) or "")
    return any(w in mod for w in ("night", "late", "overnight", "into", "evening")) or \
        bool(re.match(r"\s*(?:night|evening|overnight)\b", text[m.end:m.end + 20])) or \
        bool(re.search(r"\b(?:overnight|night|into)(?:\s+of)?\s*$", text[max(0, m.start - 20):m.start]))


def _evening(cap, profile) -> bool:
    return cap.at is not None and cap.at.hour >= 24 - profile.param("caption.weekday_mismatch", "night_hours")


def _into(text: str, m) -> bool:
    """"the night into Monday", "overnight into Monday": a photo of the evening before fits."""
    mod = getattr(m, "modifier", None) or ""
    return "into" in mod or "overnight" in mod or \
        bool(re.search(r"\b(?:overnight|night)\s+(?:into|to)\s*$", text[max(0, m.start - 20):m.start]))


def _when(text: str, facts: PhotoFacts, profile) -> list[Violation]:
    cap = facts.capture
    mentions = _mentions(text)
    if not mentions:
        return []
    out = []
    small_hours = cap.at is not None and cap.at.hour < profile.param("caption.weekday_mismatch", "night_hours")
    if profile.enabled("caption.weekday_mismatch"):
        v = _weekday(text, mentions, cap, small_hours, profile)
        if v:
            out.append(v)
    if profile.enabled("caption.date_mismatch"):
        v = _date(text, mentions, cap, small_hours, profile)
        if v:
            out.append(v)
    return out


def _weekday(text, mentions, cap, small_hours, profile) -> Optional[Violation]:
    claims = []
    for m in mentions:
        if m.kind != "weekday":
            continue
        if re.search(r"['\u2019]s\b", m.text) or (getattr(m, "modifier", None) or "").split(" ")[0] in _NOT_A_CLAIM:
            continue
        claims.append(m)
    if not claims:
        return None
    actual = cap.day.weekday()
    for m in claims:
        if m.value == actual:
            return None
        if small_hours and m.value == (actual - 1) % 7 and _night_after(text, m):
            return None
        if _evening(cap, profile) and m.value == (actual + 1) % 7 and _into(text, m):
            return None
    said = ", ".join(dict.fromkeys(_WEEKDAYS[m.value] for m in claims))
    fix = None
    if len(claims) == 1:
        m = claims[0]
        word = _WEEKDAYS[m.value]
        i = text.find(word, m.start, m.end)
        if i >= 0:
            fix = text[:i] + _WEEKDAYS[actual] + text[i + len(word):]
    return Violation("caption.weekday_mismatch", profile.severity("caption.weekday_mismatch"),
                     f"Caption says {said} but the photo was made on {cap.describe()}", fix, "caption")


def _date(text, mentions, cap, small_hours, profile) -> Optional[Violation]:
    window = timedelta(days=profile.param("caption.date_mismatch", "window_days"))
    actual = cap.day
    claims: list[tuple[object, date]] = []
    for m in mentions:
        if m.kind != "date":
            continue
        if isinstance(m.value, date):
            d = m.value
        elif getattr(m, "month_day", None):
            d = _nearest(m.month_day, actual)
            if d is None:
                continue
        else:
            continue          # a month ("in December 2022"): too broad to contradict
        if abs(d - actual) <= window:
            claims.append((m, d))
    if not claims:
        return None
    for m, d in claims:
        if d == actual:
            return None
        if small_hours and d == actual - timedelta(days=1) and _night_after(text, m):
            return None
    said = "; ".join(dict.fromkeys(m.text.strip() for m, _ in claims))
    return Violation("caption.date_mismatch", profile.severity("caption.date_mismatch"),
                     f"Caption says {said} but the photo was made on {cap.describe()}", None, "caption")


def _nearest(month_day: tuple[int, int], actual: date) -> Optional[date]:
    month, day = month_day
    best = None
    for y in (actual.year - 1, actual.year, actual.year + 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if best is None or abs(d - actual) < abs(best - actual):
            best = d
    return best
