"""The reconciled metadata of one photo file: what the reader hands the archive.

One small value object shared by the reader, the store, the matcher, the rules
and the window (Picard's lesson): every field is plain data, absent values are
``None`` or ``[]``.  Field names are the keys of the photo record in DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class PhotoMetadata:
    format: Optional[str] = None          # "JPEG", "TIFF", "PNG", "WEBP", "HEIC", "DNG", "CR2", ...
    width: Optional[int] = None
    height: Optional[int] = None
    orientation: Optional[int] = None     # EXIF 1..8
    taken_at: Optional[str] = None        # ISO 8601, "+02:00" offset when known, fraction when known
    make: Optional[str] = None
    model: Optional[str] = None
    lens: Optional[str] = None
    gps_lat: Optional[float] = None       # signed decimal degrees
    gps_lon: Optional[float] = None
    gps_alt: Optional[float] = None       # metres, negative below sea level
    creator: list[str] = field(default_factory=list)
    creator_title: Optional[str] = None
    credit: Optional[str] = None
    source: Optional[str] = None
    copyright: Optional[str] = None
    caption: Optional[str] = None
    headline: Optional[str] = None
    title: Optional[str] = None
    keywords: list[str] = field(default_factory=list)
    city: Optional[str] = None
    sublocation: Optional[str] = None
    state: Optional[str] = None
    country: Optional[str] = None
    country_code: Optional[str] = None
    instructions: Optional[str] = None
    usage_terms: Optional[str] = None
    web_statement: Optional[str] = None
    # the printed credit line ("Photograph: Name/Agency"): no IPTC property holds it; a
    # sidecar Picture Desk wrote has it as picturedesk:CreditLine (metadata/sidecar_write.py)
    credit_line: Optional[str] = None
    sidecar: Optional[str] = None         # path of the XMP sidecar that was read, if any
    warnings: list[str] = field(default_factory=list)
    # field -> the tag its value came from ("IPTC By-line", "EXIF Artist",
    # "XMP sidecar dc:creator"), so a reason can say where a value was read;
    # only fields that have a value; "gps" stands for gps_lat/lon/alt.
    origins: dict[str, str] = field(default_factory=dict)
    # field -> the file's own value where a sidecar's value replaced it (None: the file
    # had none), so the archive can tell its own edits echoed by the sidecar it wrote
    # from a change to the file itself (archive/store/photos.py, refresh_photo).
    overridden: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        # Shallow: the values are strings, numbers and flat lists/dicts already,
        # and asdict's deep copy costs a tenth of a millisecond a photo.
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict) -> "PhotoMetadata":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in known})

    @property
    def gps(self) -> Optional[dict]:
        if self.gps_lat is None or self.gps_lon is None:
            return None
        return {"lat": self.gps_lat, "lon": self.gps_lon, "alt": self.gps_alt}


# Fields a person edits in the archive (the working values); everything else
# is a fact about the file.
EDITABLE_FIELDS = (
    "creator", "creator_title", "credit", "source", "copyright", "caption",
    "headline", "title", "keywords", "city", "sublocation", "state", "country",
    "country_code", "instructions", "usage_terms",
)
