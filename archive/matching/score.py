"""How well a photo fits a caption: a sum of named, weighted parts.

Each part compares one thing the caption says with what the photo's metadata
says and gives a value from -1 (contradicts) through 0 (cannot tell) to 1
(agrees), with the reason in words.  A part applies only when the caption
says something about it (a caption that names no place has no place part);
the score is the weighted mean of the parts that apply, cut to 0..1, so a
photo whose metadata is silent on something the caption says scores lower
than one that agrees with it.

    creator  the photographer the credit names, against By-line / Artist / dc:creator
             (and a person named in the copyright notice)                  0.35
    agency   the credit's agency, against Credit, Source, copyright         0.08
    wording  the caption's content words found in the photo's own
             description, headline and keywords                             0.17
    place    the places the caption names, against City / Sublocation /
             State / Country and the GPS position (reverse-geocoded)        0.15
    day      the weekday or date the caption names, against the capture
             day in the photo's local time                                  0.17
    window   the capture day against the article's date (a week before it)  0.08

A part may also *veto* an automatic pairing: another photographer, another
city, another day, a capture after the article.  Such a photo can still be
suggested to a person, never paired automatically.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from archive.matching.facts import CaptionFacts, PhotoFacts, PlaceLookup, agency_keys, stem
from archive.name_match import compare_names

WEIGHTS = {"creator": 0.35, "agency": 0.08, "wording": 0.17, "place": 0.15, "day": 0.17,
           "window": 0.08}

WINDOW_DAYS = 7          # a photo up to a week before the article is "in the window"
STALE_DAYS = 30          # beyond this, a photo counts slightly against


@dataclass
class Part:
    name: str
    weight: float
    value: float                 # -1 contradicts .. 0 cannot tell .. 1 agrees
    why: object = None           # the reason: a string, or a function that words it when shown
    veto: bool = False           # rules out an automatic pairing

    @property
    def reason(self) -> str | None:
        return self.why() if callable(self.why) else self.why


@dataclass
class Score:
    """The parts of one caption-photo comparison; ``value`` is their weighted mean in 0..1."""

    photo_id: int
    parts: list[Part] = field(default_factory=list)
    value: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        weight = sum(p.weight for p in self.parts)
        if weight > 0:
            self.value = max(0.0, min(1.0, sum(p.weight * p.value for p in self.parts) / weight))

    @property
    def vetoed(self) -> bool:
        return any(p.veto for p in self.parts)

    @property
    def reasons(self) -> list[str]:
        """Reasons in words, the weightiest first."""
        ranked = sorted((p for p in self.parts if p.why), key=lambda p: -abs(p.weight * p.value))
        return [p.reason for p in ranked]

    def part(self, name: str) -> Part | None:
        return next((p for p in self.parts if p.name == name), None)

    def to_dict(self) -> dict:
        return {"photo_id": self.photo_id, "score": round(self.value, 3),
                "parts": [{"name": p.name, "weight": p.weight, "value": round(p.value, 3),
                           "reason": p.reason, "veto": p.veto} for p in self.parts]}


# ---------------------------------------------------------------- the parts
#
# Each part returns None when the caption says nothing about it.  Reasons are
# worded lazily (a lambda), because most candidates are scored and dropped
# without anyone reading why.

_NAME_KIND = {"same": "", "spelling": " (same name, another spelling)",
              "given name": " (another form of the given name)", "initial": " (by initial)",
              "close": " (a near spelling)"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def creator_part(c: CaptionFacts, p: PhotoFacts, w: float) -> Part | None:
    if not c.creators:
        return None
    people = p.creators
    if not people:
        return Part("creator", w, 0.0)
    best, said = None, None
    for name in c.creators:
        for candidate in people:
            found = compare_names(name, candidate.value)
            if best is None or found.score > best.score:
                best, said = found, candidate
    if best.score > 0:
        return Part("creator", w, best.score,
                    lambda: f"creator = {said.label} '{said.value}'{_NAME_KIND.get(best.kind, '')}")
    said = people[0]
    return Part("creator", w, -1.0, lambda: f"creator \u2260 {said.label} '{said.value}' "
                                            f"(the credit names {', '.join(c.creators)})", veto=True)


def agency_part(c: CaptionFacts, p: PhotoFacts, w: float) -> Part | None:
    if not c.agency_keys:
        return None
    fields = p.agency_fields
    if not fields:
        return Part("agency", w, 0.0)
    principal, chain = c.agency_keys[0], set(c.agency_keys[1:])
    for said in fields:
        if principal in agency_keys(said.value):
            return Part("agency", w, 1.0, lambda: f"agency = {said.label} '{said.value}'")
    for said in fields:
        if chain & set(agency_keys(said.value)):
            return Part("agency", w, 0.7,
                        lambda: f"agency = {said.label} '{said.value}' (in the credit's chain)")
    said = fields[0]
    return Part("agency", w, -0.5, lambda: f"agency \u2260 {said.label} '{said.value}' "
                                           f"(the credit names {c.agency or c.agencies[-1]})")


WORDING_FLOOR = 0.15     # share of caption words below which wording says nothing
WORDING_FULL = 0.6       # share at which wording agrees fully


def wording_part(c: CaptionFacts, p: PhotoFacts, w: float) -> Part | None:
    if not c.words:
        return None
    stems = p.word_stems
    if not stems:
        return Part("wording", w, 0.0)
    shared = [word for word in c.stems if word in stems]
    share = len(shared) / len(c.words)
    value = max(0.0, min(1.0, (share - WORDING_FLOOR) / (WORDING_FULL - WORDING_FLOOR)))
    if len(shared) < 2:
        value = min(value, 0.3)
    if value <= 0:
        return Part("wording", w, 0.0)

    def why() -> str:
        words = [word for word in c.words if stem(word) in stems]
        where = p.description[0] if p.description else None
        shown = f" {where.label} '{_short(where.value)}'" if where else " keywords"
        return (f"wording: {len(words)} of {len(c.words)} caption words in the photo's{shown} "
                f"({', '.join(words[:6])})")

    return Part("wording", w, value, why)


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "\u2026"


def place_part(c: CaptionFacts, p: PhotoFacts, w: float, places: PlaceLookup) -> Part | None:
    if not c.places and not c.regions:
        return None
    if p.city is None and p.gps is None and not p.country_code:
        return Part("place", w, 0.0)
    for wanted in c.places:
        found = _place_agrees(wanted, p, places)
        if found:
            return Part("place", w, found[0], found[1])
    for wanted in c.places:    # the caption names a city the photo is not in
        if p.city is not None:
            said = next(iter(p.values("city")), None)
            return Part("place", w, -1.0, lambda: f"{wanted.name} \u2260 " + (
                f"{said.label} '{said.value}'" if said else f"GPS position {_gps_words(p)}"), veto=True)
        if p.country_code and p.country_code != wanted.country_code:
            return Part("place", w, -1.0, lambda: f"{wanted.name} \u2260 the photo's country "
                                                  f"({p.country_code})", veto=True)
    for region in c.regions:
        if region.kind == "country" and p.country_code:
            if p.country_code == region.country_code:
                return Part("place", w, 0.3 if c.places else 0.5,
                            lambda: f"{region.name} = the photo's country ({p.country_code})")
            return Part("place", w, -1.0, lambda: f"{region.name} \u2260 the photo's country "
                                                  f"({p.country_code})", veto=True)
        if region.kind == "state":
            for said in p.values("state"):
                if places.same_place(region.name, said.value):
                    return Part("place", w, 0.6, lambda: f"{region.name} = {said.label} '{said.value}'")
    return Part("place", w, 0.0)


def _place_agrees(wanted, p: PhotoFacts, places: PlaceLookup):
    """(value, reason) when the photo's location is the caption's place (or in it), else None."""
    for key in ("sublocation", "city"):
        for said in p.values(key):
            if places.same_place(wanted.name, said.value):
                there = places.best(said.value)
                exact = there is not None and there.id == wanted.id
                return (1.0 if exact else 0.8), lambda: f"{wanted.name} = {said.label} '{said.value}'"
    if p.gps is not None:
        city, district = p.gps_places
        for place in (district, city):
            if place is not None and (place.id == wanted.id or
                                      (wanted.kind == "city" and place.parent == wanted.name)):
                return 1.0, lambda: f"{wanted.name} = GPS position {_gps_words(p)}"
        if wanted.kind == "district" and city is not None and wanted.parent == city.name:
            return 0.6, lambda: f"{wanted.name} in {city.name} = GPS position {_gps_words(p)}"
    if not p.values("city") and p.city is not None and places.same_place(wanted.name, p.city.name):
        return 0.9, lambda: f"{wanted.name} = the photo's place ({p.city.name})"
    return None


def _gps_words(p: PhotoFacts) -> str:
    if p.gps is None:
        return "unknown"
    lat, lon = p.gps
    city, district = p.gps_places
    names = ", ".join(x.name for x in (city, district) if x is not None)
    return f"{lat:.4f}, {lon:.4f}" + (f" ({names})" if names else "")


_NIGHT = ("into", "overnight", "night")   # "into Monday": the night before counts a little


def day_part(c: CaptionFacts, p: PhotoFacts, w: float) -> Part | None:
    mentions = [m for m in c.times if m.value is not None]
    if not mentions:
        return None
    capture = p.capture
    if capture is None:
        return Part("day", w, 0.0)
    best: Part | None = None
    for m in mentions:
        part = _day_for(m, capture, p, w)
        if part is not None and (best is None or part.value > best.value):
            best = part
    return best or Part("day", w, 0.0)


def _said(m) -> str:
    """How the caption put it: "Saturday", "into Monday", "early on Monday", "17 December"."""
    text = " ".join(m.text.split())
    return text[3:] if text.lower().startswith("on ") else text


def _day_for(m, capture, p: PhotoFacts, w: float) -> Part | None:
    day = capture.day

    def agrees(value: float) -> Part:
        return Part("day", w, value, lambda: f"{_said(m)} = capture date {day.isoformat()} ({p.time_label()})")

    def contradicts(value: float = -1.0, veto: bool = True) -> Part:
        return Part("day", w, value, lambda: f"{_said(m)} \u2260 capture date {day.isoformat()}, "
                                             f"a {WEEKDAYS[day.weekday()]} ({p.time_label()})", veto=veto)

    if m.kind == "weekday":
        wanted = m.on
        if wanted is None:      # no article date: the weekday alone
            return agrees(0.8) if day.weekday() == m.value else contradicts()
        if day == wanted:
            return agrees(1.0)
        night = bool(m.modifier) and any(k in m.modifier for k in _NIGHT)
        if night and day == wanted - _dt.timedelta(days=1) and capture.at is not None \
                and capture.at.hour >= 18:
            return Part("day", w, 0.6, lambda: f"{_said(m)} \u2248 capture {day.isoformat()} "
                                               f"{capture.at.strftime('%H:%M')}, the night before "
                                               f"({p.time_label()})")
        return contradicts()
    if m.kind == "date":
        if isinstance(m.value, tuple):
            return agrees(0.7) if m.value[0] <= day <= m.value[1] else contradicts()
        return agrees(1.0) if day == m.value else contradicts()
    if m.kind == "relative":
        first, last = m.value
        return agrees(0.8) if first <= day <= last else contradicts(-0.5, veto=False)
    return None


def window_part(c: CaptionFacts, p: PhotoFacts, w: float) -> Part | None:
    if c.article_date is None:
        return None
    capture = p.capture
    if capture is None:
        return Part("window", w, 0.0)
    before = (c.article_date - capture.day).days
    article = c.article_date.isoformat()
    if before < -1:
        return Part("window", w, -1.0, lambda: f"taken {-before} days after the article's date ({article})",
                    veto=True)
    if before <= WINDOW_DAYS:
        when = {-1: "the day after", 0: "on the day of", 1: "the day before"}.get(
            before, f"{before} days before")
        return Part("window", w, 1.0 if before >= 0 else 0.5, lambda: f"taken {when} the article ({article})")
    if before <= STALE_DAYS:
        return Part("window", w, 1.0 - (before - WINDOW_DAYS) / (STALE_DAYS - WINDOW_DAYS),
                    lambda: f"taken {before} days before the article ({article})")
    return Part("window", w, -0.3, lambda: f"taken {before} days before the article ({article})")


def score(c: CaptionFacts, p: PhotoFacts, places: PlaceLookup,
          weights: dict[str, float] | None = None) -> Score:
    """Every part that applies, in the order of :data:`WEIGHTS`."""
    w = WEIGHTS if not weights else {**WEIGHTS, **weights}
    parts = (
        creator_part(c, p, w["creator"]),
        agency_part(c, p, w["agency"]),
        wording_part(c, p, w["wording"]),
        place_part(c, p, w["place"], places),
        day_part(c, p, w["day"]),
        window_part(c, p, w["window"]),
    )
    return Score(p.id, [part for part in parts if part is not None and part.weight > 0])
