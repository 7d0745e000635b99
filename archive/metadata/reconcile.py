"""Reconcile EXIF, IPTC-IIM and XMP into one PhotoMetadata, as the MWG says.

The rules are those of the Metadata Working Group's "Guidelines for Handling
Image Metadata" 2.0 as exiftool implements them in its MWG composite tags
(lib/Image/ExifTool/MWG.pm), which are our test oracle:

- description, copyright, creator: a non-blank EXIF ImageDescription /
  Copyright / Artist wins; otherwise IPTC vs XMP as below.
- IPTC vs XMP: if the file has no (standard) IPTC, XMP.  If it has IPTC, XMP
  is used when it has the value and the IPTC digest stored by Photoshop (IRB
  0x0425) is absent or equals the MD5 of the IPTC block as it is now (the
  XMP was written together with this IPTC).  Otherwise the IPTC value - and a
  value the IIM cut at its length limit is taken from XMP when the XMP one
  starts with it ("RecoverTruncatedIPTC").
- city, state, country, sublocation: the XMP side is Iptc4xmpExt:LocationShown
  if set, else the legacy photoshop:/Iptc4xmpCore: property.
- date taken: EXIF DateTimeOriginal (+SubSecTimeOriginal, OffsetTimeOriginal),
  else XMP photoshop:DateCreated or IPTC 2:55/2:60 by the rule above.

The other fields that IIM and XMP both carry (credit, source, instructions,
headline, title, by-line title, country code) follow the same IPTC-vs-XMP
rule, which is what the MWG asks for every mapped property.

Where we knowingly differ from exiftool:

- Text is trimmed, blank text is absent, repeated list items are kept once.
- Fallbacks where the MWG gives nothing: orientation, make and model from
  XMP tiff:, taken_at from XMP exif:DateTimeOriginal, GPS from XMP
  exif:GPS*, lens from XMP exifEX:LensModel / aux:Lens; and an EXIF date
  that is no date ("0000:00:00 00:00:00") gives way to the IPTC/XMP date.
- IPTC outside JPEG/TIFF (PNG "Raw profile type iptc", WebP, HEIF) counts as
  IPTC without a digest; exiftool's strict MWG mode ignores it altogether.
- IPTC without 1:90 that decodes as UTF-8 is UTF-8 (see iptc.py).

Every field that ends up with a value records in ``meta.origins`` the tag it
came from, in the words a person reads in a reason: "EXIF Artist", "IPTC
By-line", "XMP dc:creator", "XMP LocationShown City", "XMP sidecar
photoshop:City".  A value the IIM cut and XMP completed is labelled with the
XMP tag (the text shown is XMP's).

Sidecars (NAME.xmp, NAME.EXT.xmp) hold what an editor changed after the
agency shipped the file (Lightroom, Bridge, digiKam and Picture Desk itself
write their edits there), so a non-blank sidecar value overrides whatever the
file says, field by field; fields the sidecar does not set keep the file's
reconciled value.  Blank sidecar values do not erase embedded ones (Photo
Mechanic writes empty properties for fields nobody touched).
"""

from __future__ import annotations

import re
from typing import Optional

from . import xmp as X
from .containers import Blocks
from .dates import iptc_date, to_iso, with_subsec_and_offset
from .exif import ExifFacts
from .iptc import LIMITS, Iptc
from .model import PhotoMetadata

# field -> (IIM dataset, list?) for the fields IIM and XMP both carry
IIM_FIELDS = {
    "caption": (120, False), "creator": (80, True), "copyright": (116, False),
    "keywords": (25, True), "city": (90, False), "state": (95, False),
    "country": (101, False), "sublocation": (92, False), "credit": (110, False),
    "source": (115, False), "instructions": (40, False), "headline": (105, False),
    "title": (5, False), "creator_title": (85, False), "country_code": (100, False),
}
# every text field of the record, and whether it is a list
_TEXT_FIELDS = tuple((f, l) for f, (_d, l) in IIM_FIELDS.items()) + (
    ("usage_terms", False), ("web_statement", False), ("credit_line", False))
_XMP_ONLY = ("usage_terms", "web_statement", "credit_line")
_BLANK = re.compile(r"^ *$")
_NO_DATE = re.compile(r"^[: ]*$")
_XMP_COORDINATE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])?\s*$", re.I)
_CLOSING_QUOTE = re.compile(r'((?:^|[^"])(?:"")*)"$')

# Origin labels: exiftool's tag names, which is what people see in exiftool,
# Photo Mechanic and Bridge.  XMP names are without the "XMP " prefix so the
# sidecar can say "XMP sidecar dc:creator".
IIM_LABELS = {
    120: "IPTC Caption-Abstract", 80: "IPTC By-line", 116: "IPTC CopyrightNotice",
    25: "IPTC Keywords", 90: "IPTC City", 95: "IPTC Province-State",
    101: "IPTC Country-PrimaryLocationName", 92: "IPTC Sub-location", 110: "IPTC Credit",
    115: "IPTC Source", 40: "IPTC SpecialInstructions", 105: "IPTC Headline",
    5: "IPTC ObjectName", 85: "IPTC By-lineTitle", 100: "IPTC Country-PrimaryLocationCode",
}
XMP_NAMES = {
    "caption": "dc:description", "creator": "dc:creator", "copyright": "dc:rights",
    "keywords": "dc:subject", "city": "photoshop:City", "state": "photoshop:State",
    "country": "photoshop:Country", "sublocation": "Iptc4xmpCore:Location",
    "credit": "photoshop:Credit", "source": "photoshop:Source",
    "instructions": "photoshop:Instructions", "headline": "photoshop:Headline",
    "title": "dc:title", "creator_title": "photoshop:AuthorsPosition",
    "country_code": "Iptc4xmpCore:CountryCode", "usage_terms": "xmpRights:UsageTerms",
    "web_statement": "xmpRights:WebStatement", "credit_line": "picturedesk:CreditLine",
}
_XMP_LABELS = {f: "XMP " + n for f, n in XMP_NAMES.items()}
_SIDECAR_LABELS = {f: "XMP sidecar " + n for f, n in XMP_NAMES.items()}
# field -> (its LocationShown field, the legacy property)
_LOCATED = {
    "city": ("City", "photoshop:City"), "state": ("ProvinceState", "photoshop:State"),
    "country": ("CountryName", "photoshop:Country"),
    "sublocation": ("Sublocation", "Iptc4xmpCore:Location"),
}


def xmp_fields(props: dict) -> dict:
    """The XMP side of every field, raw (None = the property is absent)."""
    return _xmp_side(props)[0]


def _xmp_side(props: dict) -> tuple[dict, dict]:
    """xmp_fields, and field -> "LocationShown X" for the places taken from LocationShown."""
    shown_names: dict = {}
    values = {
        "caption": X.text(props, "dc:Description"),
        "creator": X.texts(props, "dc:Creator"),
        "copyright": X.text(props, "dc:Rights"),
        "keywords": X.texts(props, "dc:Subject"),
        "credit": X.text(props, "photoshop:Credit"),
        "source": X.text(props, "photoshop:Source"),
        "instructions": X.text(props, "photoshop:Instructions"),
        "headline": X.text(props, "photoshop:Headline"),
        "title": X.text(props, "dc:Title"),
        "creator_title": X.text(props, "photoshop:AuthorsPosition"),
        "country_code": X.text(props, "Iptc4xmpCore:CountryCode"),
        "usage_terms": X.text(props, "xmpRights:UsageTerms"),
        "web_statement": X.text(props, "xmpRights:WebStatement"),
        "credit_line": X.text(props, "picturedesk:CreditLine"),
        "date_created": X.text(props, "photoshop:DateCreated"),
    }
    for field, (part, legacy) in _LOCATED.items():
        shown = X.struct_field(props, "Iptc4xmpExt:LocationShown", part)
        if shown:
            values[field] = shown
            shown_names[field] = "LocationShown " + part
        else:
            values[field] = X.text(props, legacy)   # Perl's ||: "" falls through
    return values, shown_names


def xmp_facts(props: dict) -> dict:
    """Camera facts XMP may repeat (tiff:, exif:, aux:): the fallbacks."""
    orientation = X.text(props, "tiff:Orientation")
    lat = _xmp_coordinate(X.text(props, "exif:GPSLatitude"), 90)
    lon = _xmp_coordinate(X.text(props, "exif:GPSLongitude"), 180)
    alt = _xmp_rational(X.text(props, "exif:GPSAltitude"))
    if alt is not None and (X.text(props, "exif:GPSAltitudeRef") or "").strip() == "1":
        alt = -alt
    return {
        "orientation": int(orientation) if orientation and orientation.strip().isdigit() else None,
        "make": X.text(props, "tiff:Make"),
        "model": X.text(props, "tiff:Model"),
        "lens": X.text(props, "exifEX:LensModel") or X.text(props, "aux:Lens"),
        "date_original": X.text(props, "exif:DateTimeOriginal"),
        "gps": (lat, lon, alt) if lat is not None and lon is not None else None,
    }


def _xmp_coordinate(value: Optional[str], limit: float) -> Optional[float]:
    """XMP GPS "DDD,MM.mmmK" or "DDD,MM,SSK" (K = N/S/E/W) as signed degrees."""
    if not value:
        return None
    m = _XMP_COORDINATE.match(value)
    if not m:
        try:
            number = float(value)
        except ValueError:
            return None
        return number if abs(number) <= limit else None
    deg = float(m.group(1)) + float(m.group(2) or 0) / 60 + float(m.group(3) or 0) / 3600
    if (m.group(4) or "").upper() in ("S", "W"):
        deg = -deg
    return deg if abs(deg) <= limit else None


def _xmp_rational(value: Optional[str]) -> Optional[float]:
    if not value:
        return None
    try:
        if "/" in value:
            num, den = value.split("/", 1)
            return float(num) / float(den) if float(den) else None
        return float(value)
    except ValueError:
        return None


# --- the MWG rule -----------------------------------------------------------------


def _recover(iptc, xmp, limit: int):
    """exiftool's RecoverTruncatedIPTC, with IIM values as IimValue."""
    if xmp is None:
        return _iim_text(iptc)
    if isinstance(iptc, list):
        xmp_list = xmp if isinstance(xmp, list) else [xmp]
        return [_recover(v, xmp_list[i] if i < len(xmp_list) else None, limit) for i, v in enumerate(iptc)]
    if iptc is not None and iptc.nbytes == limit:
        candidate = xmp[0] if isinstance(xmp, list) and xmp else xmp
        if isinstance(candidate, str) and len(candidate) > len(iptc.text) and candidate.startswith(iptc.text):
            return candidate
    return _iim_text(iptc)


def _iim_text(value):
    if value is None:
        return None
    if isinstance(value, list):
        return [v.text for v in value]
    return value.text


class Mwg:
    """The IPTC-vs-XMP decision for one file."""

    def __init__(self, iptc: Optional[Iptc], stored_digest: Optional[bytes]):
        self.iptc = iptc
        self.in_sync = iptc is None or stored_digest is None or stored_digest == iptc.digest

    def pick(self, dataset: int, is_list: bool, xmp_value):
        return self.choose(dataset, is_list, xmp_value)[0]

    def choose(self, dataset: int, is_list: bool, xmp_value) -> tuple:
        """(the value, whether its text is XMP's): pick, and which side it took."""
        if self.iptc is None:
            return xmp_value, True
        if xmp_value is not None and self.in_sync:
            return xmp_value, True
        iptc_value = self.iptc.all(dataset) if is_list else self.iptc.one(dataset)
        if is_list and not iptc_value:
            iptc_value = None
        iim = _iim_text(iptc_value)
        if xmp_value is None or iptc_value is None:
            return iim, False
        limit = LIMITS.get(dataset, 10**9)
        if not (any(v.nbytes == limit for v in iptc_value) if is_list else iptc_value.nbytes == limit):
            return iim, False           # nothing cut at the IIM limit: nothing to recover
        value = _recover(iptc_value, xmp_value, limit)
        return value, value != iim      # differs: XMP completed a cut IIM value


def string_to_list(value: str) -> list[str]:
    """MWG: several creators in EXIF Artist as "A; B", quoted when needed."""
    values: list[str] = []
    in_quotes = False
    for part in value.split("; "):
        was_quotes = in_quotes
        if not in_quotes and part.startswith('"'):
            in_quotes, part = True, part[1:]
        if in_quotes:
            m = _CLOSING_QUOTE.search(part)
            if m:
                in_quotes = False
                part = part[: m.start()] + m.group(1)
            part = part.replace('""', '"')
        if was_quotes:
            values[-1] += "; " + part
        else:
            values.append(part)
    return values


# --- the whole record ----------------------------------------------------------------


def reconcile(blocks: Blocks, exif: ExifFacts, iptc: Optional[Iptc], xmp_props: dict,
              warnings: list[str]) -> PhotoMetadata:
    """The file's own metadata, reconciled (sidecars come after: apply_sidecar)."""
    mwg = Mwg(iptc, blocks.iptc_digest)
    if iptc is not None and blocks.iptc_digest is not None and not mwg.in_sync:
        warnings.append("IPTC digest is not current: IPTC was edited after the XMP; IPTC values preferred")
    xf, shown = _xmp_side(xmp_props)
    facts = xmp_facts(xmp_props)
    # label: the fields whose origin is not their plain XMP property (_XMP_LABELS)
    label = {f: "XMP " + name for f, name in shown.items()} if shown else {}
    if iptc is None:
        raw = xf.copy()
    else:
        raw = {}
        for field, (dataset, is_list) in IIM_FIELDS.items():
            raw[field], from_xmp = mwg.choose(dataset, is_list, xf[field])
            if not from_xmp:
                label[field] = IIM_LABELS[dataset]
    # EXIF first where the MWG says so
    if exif.description is not None and not _BLANK.match(exif.description):
        raw["caption"], label["caption"] = exif.description, "EXIF ImageDescription"
    if exif.copyright is not None and not _BLANK.match(exif.copyright):
        raw["copyright"], label["copyright"] = exif.copyright, "EXIF Copyright"
    if exif.artist is not None and not _BLANK.match(exif.artist):
        raw["creator"], label["creator"] = string_to_list(exif.artist), "EXIF Artist"
    for field in _XMP_ONLY:
        raw[field] = xf[field]

    meta = PhotoMetadata(format=blocks.format)
    origins = meta.origins
    for field, is_list in _TEXT_FIELDS:
        value = _clean_list(raw[field]) if is_list else _clean(raw[field])
        if value:
            setattr(meta, field, value)
            origins[field] = label.get(field) or _XMP_LABELS[field]
    meta.taken_at, taken_from = _taken_at(exif, iptc, xf["date_created"], mwg)
    if not meta.taken_at:
        meta.taken_at, taken_from = to_iso(facts["date_original"]), "XMP exif:DateTimeOriginal"
    if meta.taken_at:
        origins["taken_at"] = taken_from

    meta.width, meta.height = blocks.width, blocks.height
    if meta.width is None or blocks.pixel_size_from_exif:
        if exif.pixel_x and exif.pixel_y:
            meta.width, meta.height = exif.pixel_x, exif.pixel_y
        elif meta.width is None and exif.image_width and exif.image_height:
            meta.width, meta.height = exif.image_width, exif.image_height
    meta.orientation = _orientation(exif.orientation) or _orientation(facts["orientation"])
    meta.make = _clean(exif.make) or _clean(facts["make"])
    meta.model = _clean(exif.model) or _clean(facts["model"])
    meta.lens = _lens(exif) or _clean(facts["lens"])
    if exif.gps_lat is not None and exif.gps_lon is not None:
        meta.gps_lat, meta.gps_lon, meta.gps_alt = exif.gps_lat, exif.gps_lon, exif.gps_alt
        origins["gps"] = "EXIF GPS"
    elif facts["gps"]:
        meta.gps_lat, meta.gps_lon, meta.gps_alt = facts["gps"]
        origins["gps"] = "XMP exif:GPSLatitude"
    return meta


def _taken_at(exif: ExifFacts, iptc: Optional[Iptc], xmp_date: Optional[str],
              mwg: Mwg) -> tuple[Optional[str], str]:
    """(the capture time, the label of the tag it came from)."""
    dto = exif.date_original
    if dto is not None and not _NO_DATE.match(dto):
        taken = to_iso(with_subsec_and_offset(dto, exif.subsec_original, exif.offset_original))
        if taken:
            return taken, "EXIF DateTimeOriginal"
        # "0000:00:00 00:00:00" and other non-dates: exiftool returns them as they
        # are; we have no ISO form for them and try the IPTC/XMP date instead.
    if iptc is None or (xmp_date is not None and mwg.in_sync):
        return to_iso(xmp_date), "XMP photoshop:DateCreated"
    date, time = iptc.one(55), iptc.one(60)
    return iptc_date(date.text if date else None, time.text if time else None), "IPTC DateCreated"


def apply_sidecar(meta: PhotoMetadata, props: dict) -> None:
    """Override ``meta`` with every non-blank value the sidecar XMP gives."""
    xf, shown = _xmp_side(props)
    origins = meta.origins
    for field, (_dataset, is_list) in IIM_FIELDS.items():
        value = _clean_list(xf[field]) if is_list else _clean(xf[field])
        if value:
            meta.overridden.setdefault(field, getattr(meta, field))
            setattr(meta, field, value)
            origins[field] = "XMP sidecar " + shown[field] if field in shown else _SIDECAR_LABELS[field]
    for field in _XMP_ONLY:
        value = _clean(xf[field])
        if value:
            meta.overridden.setdefault(field, getattr(meta, field))
            setattr(meta, field, value)
            origins[field] = _SIDECAR_LABELS[field]
    facts = xmp_facts(props)
    taken = to_iso(xf["date_created"])
    if taken:
        meta.taken_at = taken
        origins["taken_at"] = "XMP sidecar photoshop:DateCreated"
    else:
        taken = to_iso(facts["date_original"])
        if taken:
            meta.taken_at = taken
            origins["taken_at"] = "XMP sidecar exif:DateTimeOriginal"
    if _orientation(facts["orientation"]):
        meta.orientation = facts["orientation"]
    if facts["gps"]:
        meta.gps_lat, meta.gps_lon, meta.gps_alt = facts["gps"]
        origins["gps"] = "XMP sidecar exif:GPSLatitude"


def _orientation(value) -> Optional[int]:
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _lens(exif: ExifFacts) -> Optional[str]:
    model, make = _clean(exif.lens_model), _clean(exif.lens_make)
    if model and make and not model.lower().startswith(make.lower()):
        return f"{make} {model}"
    return model or make


def _clean(value) -> Optional[str]:
    """Trim the padding cameras and agencies leave around text; blank is absent."""
    if value.__class__ is not str:
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str) and v.strip()), None)
        if not isinstance(value, str):
            return None
    value = value.strip()
    if "\x00" in value:
        value = value.replace("\x00", "")
    return value or None


def _clean_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    out = []
    for item in value:
        item = _clean(item)
        if item and item not in out:
            out.append(item)
    return out
