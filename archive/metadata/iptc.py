"""Decode IPTC-IIM (record 2, the "Application Record") into text.

exifread does not read IPTC, so we walk the IIM datasets ourselves.  The
character set comes from dataset 1:90 (CodedCharacterSet): ESC % G is UTF-8,
the ISO 2022 escapes designate ISO 8859 sets.  Without 1:90 (most older agency
files) a value is UTF-8 if it decodes as UTF-8, else Windows-1252: a valid
UTF-8 byte sequence of non-ASCII letters is practically never real Latin-1
text, so this guess never produces mojibake for either kind of file.

Each value keeps its stored byte length, because the MWG's rule for values
the IIM limits cut short (By-line 32 bytes, Caption 2000 ...) needs it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class IimValue:
    text: str
    nbytes: int      # length as stored, to spot values cut at the IIM limit


# record 2 datasets we read, name -> dataset number
DATASETS = {
    "object_name": 5,
    "instructions": 40,
    "keywords": 25,
    "date_created": 55,
    "time_created": 60,
    "byline": 80,
    "byline_title": 85,
    "city": 90,
    "sublocation": 92,
    "state": 95,
    "country_code": 100,
    "country": 101,
    "headline": 105,
    "credit": 110,
    "source": 115,
    "copyright": 116,
    "caption": 120,
}
REPEATABLE = {25, 80, 85}
_WANTED = frozenset(DATASETS.values())

# IIM maximum lengths in bytes (IIM 4.2; the MWG uses these to detect cut values)
LIMITS = {
    5: 64, 40: 256, 25: 64, 80: 32, 85: 32, 90: 32, 92: 32, 95: 32, 100: 3,
    101: 64, 105: 256, 110: 32, 115: 32, 116: 128, 120: 2000,
}

# ISO 2022 final bytes of the 96-character ISO 8859 sets (ISO-IR registry)
_ISO8859 = {
    "A": "cp1252", "B": "iso8859_2", "C": "iso8859_3", "D": "iso8859_4",
    "L": "iso8859_5", "G": "iso8859_6", "F": "iso8859_7", "H": "iso8859_8",
    "M": "iso8859_9", "V": "iso8859_10", "Y": "iso8859_13", "_": "iso8859_14",
    "b": "iso8859_15", "f": "iso8859_16",
}


@dataclass
class Iptc:
    values: dict[int, list[IimValue]] = field(default_factory=dict)
    charset: Optional[str] = None     # codec named by 1:90, None when absent/unknown
    digest: Optional[bytes] = None    # MD5 of the block as stored (exiftool's CurrentIPTCDigest)

    def one(self, dataset: int) -> Optional[IimValue]:
        vals = self.values.get(dataset)
        return vals[-1] if vals else None   # exiftool: a repeated single value, the last wins

    def all(self, dataset: int) -> list[IimValue]:
        return self.values.get(dataset, [])


def charset_from_escape(esc: bytes) -> Optional[str]:
    """The codec an IIM 1:90 CodedCharacterSet value selects."""
    if b"\x1b%G" in esc:
        return "utf-8"
    for i in range(len(esc) - 2):
        if esc[i] == 0x1B and esc[i + 1] in b"-./,":
            codec = _ISO8859.get(chr(esc[i + 2]))
            if codec:
                return codec
    return None


def decode(raw: bytes, charset: Optional[str]) -> str:
    raw = raw.rstrip(b"\0")
    if charset and charset != "utf-8":
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a UTF-8 value cut at the IIM limit in the middle of a character
        if charset == "utf-8" and exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data":
            return raw[: exc.start].decode("utf-8", errors="replace")
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_iptc(data: bytes, warnings: list[str]) -> Iptc:
    out = Iptc(digest=hashlib.md5(data).digest())
    raw_values: dict[int, list[bytes]] = {}
    pos, end = 0, len(data)
    wanted = _WANTED
    while pos + 5 <= end:
        if data[pos] != 0x1C:
            if data[pos:].strip(b"\0"):
                warnings.append(f"IPTC: unexpected byte 0x{data[pos]:02X} at offset {pos}; rest ignored")
            break
        record, dataset = data[pos + 1], data[pos + 2]
        length = data[pos + 3] << 8 | data[pos + 4]
        pos += 5
        if length & 0x8000:                     # extended dataset: length of the length
            n = length & 0x7FFF
            length = int.from_bytes(data[pos:pos + n], "big")
            pos += n
        if pos + length > end:
            warnings.append("IPTC: the last dataset runs past the end of the block; cut short")
        value = data[pos:pos + length]
        pos += length
        if record == 1 and dataset == 90:
            out.charset = charset_from_escape(value)
        elif record == 2 and dataset in wanted:
            raw_values.setdefault(dataset, []).append(value)
    for dataset, raws in raw_values.items():
        vals = [IimValue(decode(r, out.charset), len(r.rstrip(b"\0"))) for r in raws]
        out.values[dataset] = vals if dataset in REPEATABLE else vals[-1:]
    return out
