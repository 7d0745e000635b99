"""The exiv2 step of embedding (embed.py): the fields into a copy's XMP, IIM and EXIF.

What goes where, and why, is in embed.py's docstring.  This module only
drives python-exiv2 on the hidden copy and mends what it leaves behind:
a JPEG gets its original EXIF block back with the two tags patched in place
(exif_patch.py), and an IPTC digest that matched the IIM is set to the new
block's MD5 (embed_bytes.py).  The copy is flushed to disk before embed.py
checks it.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Optional

from . import embed_bytes, exif_patch
from .iptc import LIMITS, charset_from_escape, decode


class WouldDrop(Exception):
    """exiv2 would lose part of the file's metadata; the message says what (for a person)."""


def cut_utf8(text: str, limit: int) -> bytes:
    """``text`` as UTF-8, at most ``limit`` bytes, never cutting a character in two."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return raw
    return raw[:limit].decode("utf-8", "ignore").encode("utf-8")


PICTUREDESK_NS = "http://ns.picturedesk.app/xmp/1.0/"
UTF8_ESCAPE = "\x1b%G"
_IIM = {"caption": "Iptc.Application2.Caption", "creator": "Iptc.Application2.Byline",
        "credit": "Iptc.Application2.Credit"}
_IIM_LIMIT = {"caption": LIMITS[120], "creator": LIMITS[80], "credit": LIMITS[110]}
_XMP = {"caption": "Xmp.dc.description", "creator": "Xmp.dc.creator",
        "credit": "Xmp.photoshop.Credit", "credit_line": "Xmp.picturedesk.CreditLine"}
_EXIF = {"caption": "Exif.Image.ImageDescription", "creator": "Exif.Image.Artist"}
_EXIF_TAG = {"caption": 270, "creator": 315}


def write_fields(temp: Path, original: bytes, values: dict) -> None:
    """Let exiv2 write the fields into the copy ``temp`` of ``original``, put back a JPEG's
    EXIF block (patched), mend the IPTC digest, and flush the copy to disk."""
    import exiv2

    exiv2.LogMsg.setLevel(exiv2.LogMsg.Level.mute)     # its complaints become our checks' reasons
    exiv2.XmpProperties.registerNs(PICTUREDESK_NS, "picturedesk")
    image = exiv2.ImageFactory.open(str(temp))
    image.readMetadata()
    xmp, iptc, exif = image.xmpData(), image.iptcData(), image.exifData()
    if image.xmpPacket().strip() and xmp.empty():
        # exiv2 writes the XMP it understood: one it could not parse would be dropped
        raise WouldDrop("its XMP cannot be parsed by the metadata writer, which would drop it; "
                        "not written (the caption and credit stay in the sidecar)")
    _iim_to_utf8(iptc)
    exif_changes = {}
    for field, value in values.items():
        _set_xmp(exiv2, xmp, field, value)
        if field in _IIM:
            _set_iim(exiv2, iptc, field, value)
        if field in _EXIF:
            text = _exif_change(exiv2, exif, field, value)
            if text is not None:
                exif_changes[_EXIF_TAG[field]] = text
    jpeg = embed_bytes.kind(original[:16]) == "JPEG"
    if not jpeg:
        for tag, text in exif_changes.items():
            key = next(k for f, k in _EXIF.items() if _EXIF_TAG[f] == tag)
            if text:
                exif[key] = exiv2.AsciiValue(text)
            else:
                _erase_all(exif, exiv2.ExifKey, key)
    image.writeMetadata()
    del image
    data = temp.read_bytes()
    if jpeg:
        # exiv2 re-serialised the EXIF block (moving maker notes): the original goes back,
        # with the tags to keep in step patched in place (exif_patch.py)
        data = exif_patch.patched_jpeg(data, original, exif_changes)
    if embed_bytes.iptc_digest_state(original) is not False:      # a stale one stays stale (docstring)
        data = embed_bytes.refresh_iptc_digest(data)
    with open(temp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _erase_all(data, key_type, key: str) -> None:
    k = key_type(key)
    while True:
        pos = data.findKey(k)
        if pos == data.end():
            return
        data.erase(pos)


def _set_xmp(exiv2, xmp, field: str, value) -> None:
    key = _XMP[field]
    _erase_all(xmp, exiv2.XmpKey, key)
    if value is None:
        return
    if field == "caption":
        xmp[key] = exiv2.LangAltValue({"x-default": value})
    elif field == "creator":
        xmp[key] = exiv2.XmpArrayValue(list(value), exiv2.TypeId.xmpSeq)
    else:
        xmp[key] = exiv2.XmpTextValue(value)


def _set_iim(exiv2, iptc, field: str, value) -> None:
    key = _IIM[field]
    _erase_all(iptc, exiv2.IptcKey, key)
    if value is None:
        return
    limit = _IIM_LIMIT[field]
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        raw = cut_utf8(text, limit).decode("utf-8")
        iptc.add(exiv2.IptcKey(key), exiv2.StringValue(raw))


def _exif_change(exiv2, exif, field: str, value) -> Optional[str]:
    """The text the file's EXIF tag for ``field`` must take ("" to blank it), None to leave it."""
    pos = exif.findKey(exiv2.ExifKey(_EXIF[field]))
    if pos == exif.end():
        return None                     # only kept in step when the file has it (module docstring)
    current = pos.toString().strip("\0 ")
    if not current:
        return None                     # blank (cameras pad it with spaces): MWG readers pass over it
    text = "" if value is None else "; ".join(value) if isinstance(value, list) else value
    return None if text == current else text


def _iim_to_utf8(iptc) -> None:
    """Declare the IIM UTF-8 (1:90 ESC % G), re-encoding what it held in another set."""
    import exiv2

    charset = None
    pos = iptc.findKey(exiv2.IptcKey("Iptc.Envelope.CharacterSet"))
    if pos != iptc.end():
        charset = charset_from_escape(_raw(pos).rstrip(b"\0"))
    if charset != "utf-8":
        for datum in iptc:
            if datum.record() == 2 and datum.typeName() == "String":
                raw = _raw(datum)
                text = decode(raw, charset)
                if text.encode("utf-8") != raw.rstrip(b"\0"):
                    datum.setValue(exiv2.StringValue(text))
    iptc["Iptc.Envelope.CharacterSet"] = exiv2.StringValue(UTF8_ESCAPE)


def _raw(datum) -> bytes:
    value = datum.value()
    buf = bytearray(value.size())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)   # the only way to the stored bytes
        value.copy(buf)
    return bytes(buf)
