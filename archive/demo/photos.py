"""Writing demo and test photos: real JPEGs with EXIF and XMP, made with Pillow.

Used by the demo archive and by fixtures.  The XMP packet follows the IPTC
Photo Metadata standard's XMP mapping (dc, photoshop, Iptc4xmpCore), so every
reader of ours and exiftool see the same values.
"""

from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw


@dataclass
class PhotoSpec:
    name: str
    creator: list[str] = field(default_factory=list)
    caption: str | None = None
    headline: str | None = None
    credit: str | None = None
    source: str | None = None
    copyright: str | None = None
    city: str | None = None
    sublocation: str | None = None
    state: str | None = None
    country: str | None = None
    country_code: str | None = None
    keywords: list[str] = field(default_factory=list)
    instructions: str | None = None
    usage_terms: str | None = None
    taken: _dt.datetime | None = None     # aware datetime: local time with its offset
    gps: tuple[float, float] | None = None
    make: str | None = "Canon"
    model: str | None = "Canon EOS R5"
    orientation: int = 1
    size: tuple[int, int] = (640, 427)
    exif_artist: str | None = None        # EXIF-only photos
    xmp: bool = True


def _bag(tag: str, values: list[str]) -> str:
    items = "".join(f"<rdf:li>{escape(v)}</rdf:li>" for v in values)
    return f"<{tag}><rdf:Bag>{items}</rdf:Bag></{tag}>"


def _seq(tag: str, values: list[str]) -> str:
    items = "".join(f"<rdf:li>{escape(v)}</rdf:li>" for v in values)
    return f"<{tag}><rdf:Seq>{items}</rdf:Seq></{tag}>"


def _alt(tag: str, value: str) -> str:
    return f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li></rdf:Alt></{tag}>'


def xmp_packet(spec: PhotoSpec) -> bytes:
    parts = []
    if spec.creator:
        parts.append(_seq("dc:creator", spec.creator))
    if spec.caption:
        parts.append(_alt("dc:description", spec.caption))
    if spec.copyright:
        parts.append(_alt("dc:rights", spec.copyright))
    if spec.keywords:
        parts.append(_bag("dc:subject", spec.keywords))
    if spec.usage_terms:
        parts.append(_alt("xmpRights:UsageTerms", spec.usage_terms))
    simple = {
        "photoshop:Headline": spec.headline, "photoshop:Credit": spec.credit,
        "photoshop:Source": spec.source, "photoshop:City": spec.city,
        "photoshop:State": spec.state, "photoshop:Country": spec.country,
        "photoshop:Instructions": spec.instructions,
        "Iptc4xmpCore:Location": spec.sublocation, "Iptc4xmpCore:CountryCode": spec.country_code,
        "photoshop:DateCreated": spec.taken.isoformat() if spec.taken else None,
    }
    parts.extend(f"<{k}>{escape(v)}</{k}>" for k, v in simple.items() if v)
    body = "".join(parts)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        ' xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"'
        ' xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/">'
        f"{body}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode("utf-8")


def _exif(spec: PhotoSpec) -> Image.Exif:
    exif = Image.Exif()
    if spec.make:
        exif[0x010F] = spec.make
    if spec.model:
        exif[0x0110] = spec.model
    exif[0x0112] = spec.orientation
    if spec.exif_artist:
        exif[0x013B] = spec.exif_artist
    ifd = exif.get_ifd(0x8769)
    if spec.taken:
        ifd[0x9003] = spec.taken.strftime("%Y:%m:%d %H:%M:%S")
        offset = spec.taken.strftime("%z")
        if offset:
            ifd[0x9011] = offset[:3] + ":" + offset[3:]
    if spec.gps:
        lat, lon = spec.gps
        gps = exif.get_ifd(0x8825)
        gps[1] = "N" if lat >= 0 else "S"
        gps[2] = _dms(abs(lat))
        gps[3] = "E" if lon >= 0 else "W"
        gps[4] = _dms(abs(lon))
    return exif


def _dms(value: float):
    from PIL.TiffImagePlugin import IFDRational

    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return (IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 100))


def picture(size: tuple[int, int], seed: int) -> Image.Image:
    """A picture that compresses like a photo and is recognisable as a thumbnail."""
    rng = random.Random(seed)
    width, height = size
    img = Image.new("RGB", size, tuple(rng.randrange(40, 200) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(width // 2 + 1), y0 + rng.randrange(height // 2 + 1)
        draw.rectangle([x0, y0, x1, y1], fill=tuple(rng.randrange(256) for _ in range(3)))
    return img


def write_photo(folder: Path, spec: PhotoSpec, seed: int = 0) -> Path:
    path = Path(folder) / spec.name
    img = picture(spec.size, seed)
    kwargs = {"exif": _exif(spec).tobytes(), "quality": 85}
    if spec.xmp:
        kwargs["xmp"] = xmp_packet(spec)
    img.save(path, "JPEG", **kwargs)
    return path
