"""The oracle: our reading of every real corpus file equals exiftool's.

For each file in ../shared/corpus/real/ the expected values come from
expected/NAME.json, made by exiftool 12.57 with
``-j -G1 -n -a -struct -use MWG -charset iptc=Latin``.  We compare:

- MWG composites: Description -> caption, Creator -> creator, Copyright,
  City, State, Country, Location -> sublocation, Keywords, DateTimeOriginal
  -> taken_at (compared as date-times: same fields, same fraction, same UTC
  offset or both without one);
- Credit, Source, Instructions: IPTC (Credit, Source, SpecialInstructions)
  or XMP-photoshop (Credit, Source, Instructions), chosen by the MWG
  IPTC-digest rule that exiftool applies to its composites;
- EXIF Orientation, GPS (Composite:GPS*, else GPS:GPS*), Make, Model;
- the pixel size: File: (JPEG SOF, HEIC ispe), PNG: (IHDR), IFD0 for TIFF.

Deliberate differences, applied to the expected side by ``normalise``:

1. Text is trimmed and blank text is absent.  Cameras pad EXIF strings and
   agencies pad IIM fields ("Ilya Kurikhin" + 23 spaces in
   tests_32-lens_data.jpeg, a caption of 31 spaces in hdr_canon_hdr_YES.jpg,
   an empty copyright and "DAYCHOPAN " in long_description.jpg); exiftool
   keeps them, the archive should not.
2. Repeated list items (keywords, creators) are kept once.
3. Orientation, Make and Model fall back to XMP tiff:Orientation/Make/Model
   when the file has no EXIF value (invalid_image00971.jpg and
   invalid_image01137.jpg carry tiff:Orientation=1 in XMP only); exiftool's
   MWG:Orientation is EXIF-only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archive.metadata import read_metadata

SHARED = Path(__file__).parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "real"
FILES = sorted(p.name for p in CORPUS.glob("*") if p.is_file() and p.suffix.lower() != ".md") if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS} (../shared is absent)")

# Per-file differences we accept, with the reason; empty while none are needed.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}


def load_expected(name: str) -> dict:
    """exiftool's JSON, numbers kept as the text exiftool printed, all warnings kept."""
    warnings: list[str] = []

    def pairs(items):
        out = {}
        for key, value in items:
            if key == "ExifTool:Warning":
                warnings.append(value)
            out[key] = value
        return out

    text = (CORPUS / "expected" / f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(text, object_pairs_hook=pairs, parse_int=str, parse_float=str)[0]
    data["_warnings"] = warnings
    return data


def clean_text(value):
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0] if value else None
        if value is None:
            return None
    value = str(value).strip()
    return value or None


def clean_list(value):
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    out = []
    for item in value:
        item = clean_text(item)
        if item and item not in out:
            out.append(item)
    return out


def pick_iptc_or_xmp(exp: dict, iptc_key: str, xmp_key: str):
    """The MWG rule for IIM/XMP pairs that have no MWG composite."""
    has_iptc = any(k.startswith("IPTC:") for k in exp)
    in_sync = not any("IPTCDigest is not current" in w for w in exp["_warnings"])
    xmp = exp.get(xmp_key)
    if not has_iptc or (xmp is not None and in_sync):
        return xmp
    return exp.get(iptc_key)


def first(exp: dict, *keys):
    for key in keys:
        if key in exp:
            return exp[key]
    return None


def normalise(exp: dict, fmt: str) -> dict:
    """The values our reader must give, from exiftool's JSON."""
    if fmt == "TIFF":
        width, height = exp.get("IFD0:ImageWidth"), exp.get("IFD0:ImageHeight")
    else:
        width = first(exp, "File:ImageWidth", "PNG:ImageWidth")
        height = first(exp, "File:ImageHeight", "PNG:ImageHeight")
    orientation = first(exp, "IFD0:Orientation", "XMP-tiff:Orientation")
    lat = first(exp, "Composite:GPSLatitude", "GPS:GPSLatitude")
    lon = first(exp, "Composite:GPSLongitude", "GPS:GPSLongitude")
    alt = first(exp, "Composite:GPSAltitude", "GPS:GPSAltitude")
    return {
        "caption": clean_text(exp.get("MWG:Description")),
        "creator": clean_list(exp.get("MWG:Creator")),
        "copyright": clean_text(exp.get("MWG:Copyright")),
        "city": clean_text(exp.get("MWG:City")),
        "state": clean_text(exp.get("MWG:State")),
        "country": clean_text(exp.get("MWG:Country")),
        "sublocation": clean_text(exp.get("MWG:Location")),
        "keywords": clean_list(exp.get("MWG:Keywords")),
        "taken_at": exp.get("MWG:DateTimeOriginal"),
        "credit": clean_text(pick_iptc_or_xmp(exp, "IPTC:Credit", "XMP-photoshop:Credit")),
        "source": clean_text(pick_iptc_or_xmp(exp, "IPTC:Source", "XMP-photoshop:Source")),
        "instructions": clean_text(pick_iptc_or_xmp(exp, "IPTC:SpecialInstructions", "XMP-photoshop:Instructions")),
        "orientation": int(orientation) if orientation is not None else None,
        "make": clean_text(first(exp, "IFD0:Make", "XMP-tiff:Make")),
        "model": clean_text(first(exp, "IFD0:Model", "XMP-tiff:Model")),
        "gps_lat": float(lat) if lat is not None and lon is not None else None,
        "gps_lon": float(lon) if lat is not None and lon is not None else None,
        "gps_alt": float(alt) if alt is not None and lat is not None else None,
        "width": int(width) if width is not None else None,
        "height": int(height) if height is not None else None,
    }


_EXIFTOOL_DATE = re.compile(
    r"^(\d{4})[:-](\d{2})(?:[:-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?)?\s*(Z|[+-]\d{2}:\d{2})?$"
)


def as_datetime(text):
    """A date-time as comparable parts: (y, m, d, H, M, S, fraction, offset)."""
    if text is None:
        return None
    m = _EXIFTOOL_DATE.match(str(text).strip())
    assert m, f"unparseable date {text!r}"
    y, mo, d, h, mi, s, frac, tz = m.groups()
    if tz == "Z":
        tz = "+00:00"
    fraction = float("0." + frac) if frac else 0.0
    return (int(y), int(mo), int(d or 0), h and int(h), mi and int(mi), int(s or 0) if h else None, fraction, tz)


@pytest.mark.parametrize("name", FILES)
def test_reader_agrees_with_exiftool(name):
    ours = read_metadata(CORPUS / name)
    exp = normalise(load_expected(name), ours.format)
    mismatches = []
    for field, want in exp.items():
        got = getattr(ours, field)
        if field == "taken_at":
            same = as_datetime(got) == as_datetime(want)
        elif field in ("gps_lat", "gps_lon") and want is not None and got is not None:
            same = abs(got - want) < 1e-6
        elif field == "gps_alt" and want is not None and got is not None:
            same = abs(got - want) < 1e-3
        else:
            same = got == want
        if not same and (name, field) not in KNOWN_DIFFERENCES:
            mismatches.append(f"{field}: ours {got!r} != exiftool {want!r}")
    assert not mismatches, f"{name}:\n  " + "\n  ".join(mismatches)


def test_known_differences_are_still_needed():
    """Each listed difference names a real file and a compared field."""
    for (name, field), reason in KNOWN_DIFFERENCES.items():
        assert name in FILES and reason, (name, field)
