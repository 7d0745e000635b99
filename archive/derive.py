"""What the archive indexes about a photo, derived from its working metadata.

The full-text columns, the facet values (photographer, agency, place) and the
gazetteer ids of the places a photo is at or names.  Computed in the import's
worker processes for new files and again in-process after an edit, so search
never has to resolve a name at query time except the query's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.folding import ASCII_TABLE as _ASCII_TABLE


@dataclass
class Derived:
    fts: dict                                   # column -> text
    facets: list[tuple[str, str]] = field(default_factory=list)   # (kind, shown name)
    place_ids: list[int] = field(default_factory=list)
    place_city: str | None = None
    taken_date: str | None = None


def gazetteer():
    """This process's gazetteer: the one the rules and the matcher use
    (:func:`archive.gazetteer.default_gazetteer`; a forked worker gets its own)."""
    from archive.gazetteer import default_gazetteer

    return default_gazetteer()


def _reverse(lat: float, lon: float):
    """Reverse geocoding through the process's one cache of places (archive/place_lookup.py)."""
    from archive.place_lookup import shared

    return shared().reverse(lat, lon)


def agency_of(record: dict) -> str | None:
    """The canonical agency a photo comes from: credit line, credit, source, copyright."""
    from archive.articles import canonical_agency, parse_credit

    for key in ("credit_line", "credit", "source"):
        value = record.get(key)
        if value:
            parsed = parse_credit(value)
            if parsed.agencies:
                return parsed.agencies[-1]   # the principal member of the chain
            if key != "credit_line" and not parsed.creators:
                return canonical_agency(value.strip())
    return None


def derive(record: dict) -> Derived:
    """Index values for one photo record (working values, DESIGN.md keys)."""
    gaz = gazetteer()
    creators = [c for c in record.get("creator") or [] if c and c.strip()]
    keywords = record.get("keywords") or []
    place_ids: set[int] = set()
    place_names: list[str] = []
    city_place = None
    for key in ("sublocation", "city", "state", "country"):
        value = record.get(key)
        if not value:
            continue
        place_names.append(value)
        found = gaz.best(value)
        if found is not None:
            place_ids.add(found.id)
            if found.name not in place_names:
                place_names.append(found.name)
            if key == "city" or (key == "sublocation" and city_place is None):
                city_place = found
    gps = record.get("gps")
    if gps and gps.get("lat") is not None:
        city, district = _reverse(round(gps["lat"], 3), round(gps["lon"], 3))
        for place in (city, district):
            if place is not None:
                place_ids.add(place.id)
                if place.name not in place_names:
                    place_names.append(place.name)
        if city_place is None and city is not None:
            city_place = city
    caption = record.get("caption") or ""
    if caption:
        for _start, _end, place in gaz.find_in_text(caption):
            place_ids.add(place.id)
    # A district also counts as its city, and a city as its country, so place:Kyiv
    # finds Shevchenkivskyi and country:Ukraine finds a photo whose metadata names only Kyiv.
    if city_place is not None:
        if city_place.kind == "district" and city_place.parent:
            parent = gaz.best(city_place.parent)
            if parent is not None:
                place_ids.add(parent.id)
        country = gaz.country_for(city_place.country_code)
        if country is not None:
            place_ids.add(country.id)
    place_city = None
    if city_place is not None:
        place_city = city_place.parent or city_place.name if city_place.kind == "district" else city_place.name
    agency = agency_of(record)
    facets = [("creator", c.strip()) for c in creators]
    if agency:
        facets.append(("agency", agency))
    if place_city:
        facets.append(("place", place_city))
    credit_text = " ".join(v for v in (record.get("credit"), record.get("source"),
                                       record.get("credit_line"), agency) if v)
    fts = {
        "caption": caption,
        "headline": " ".join(v for v in (record.get("headline"), record.get("title")) if v),
        "keywords": " ".join(keywords),
        "creator": " ".join(creators),
        "credit": credit_text,
        "places": " ".join(place_names),
    }
    fts = {column: with_ascii(text) for column, text in fts.items()}
    return Derived(fts=fts, facets=facets, place_ids=sorted(place_ids),
                   place_city=place_city, taken_date=local_date(record.get("taken_at")))


def with_ascii(text: str) -> str:
    """Text plus its ASCII transliteration when that differs, so the full-text index
    finds "København" by "kobenhavn" and "Київ" by "Kyiv" (unicode61 folds accents
    but not letters such as ø, and never transliterates scripts)."""
    if text.isascii():
        return text
    return f"{text} {text.translate(_ASCII_TABLE)}"


def local_date(taken_at: str | None) -> str | None:
    """The calendar day of the capture in the photo's own time (the ISO string's date)."""
    if not taken_at or len(taken_at) < 10:
        return None
    return taken_at[:10]
