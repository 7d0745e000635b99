"""Turn the date spellings of EXIF, IPTC and XMP into ISO 8601 text.

EXIF writes "2022:12:19 02:14:07" with the fraction and the UTC offset in
separate tags, IPTC writes "20221219" and "021407+0200", XMP writes any
prefix of "2022-12-19T02:14:07.25+02:00".  The photo record keeps one form:
"2022-12-19T02:14:07.25+02:00", as precise as the source (a date alone
stays "2022-12-19", a year alone "2022"), UTC written "+00:00".
"""

from __future__ import annotations

import re
from typing import Optional

_DATE_TIME = re.compile(
    r"""^\s*(?P<y>\d{4})(?:[:\-/.]?(?P<mo>\d{2})(?:[:\-/.]?(?P<d>\d{2})
        (?:[T\s]+(?P<h>\d{1,2}):?(?P<mi>\d{2})(?::?(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?
        \s*(?P<tz>Z|[+-]\d{1,2}(?::?\d{2})?)?)?)?)?\s*$""",
    re.X,
)
_SUBSEC_DIGITS = re.compile(r"\s*(\d+)")
_WHOLE_SECONDS = re.compile(r"( \d{2}:\d{2}:\d{2})(?!\.\d+)")
_EXIF_OFFSET = re.compile(r"^([-+])(\d{1,2}):(\d{2})")
_IIM_DATE = re.compile(r"^\s*(\d{4})[:\-]?(\d{2})[:\-]?(\d{2})\s*$")
_TIME = re.compile(r"^\s*(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$")


def _offset(tz: Optional[str]) -> str:
    if not tz:
        return ""
    if tz == "Z":
        return "+00:00"
    sign, digits = tz[0], tz[1:].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = int(digits), 0
    else:
        hours, minutes = int(digits[:-2]), int(digits[-2:])
    if hours > 14 or minutes > 59:
        return ""
    return f"{sign}{hours:02d}:{minutes:02d}"


def to_iso(value: Optional[str]) -> Optional[str]:
    """ISO 8601 text for a date written by EXIF, IPTC or XMP; None if it is no date."""
    if not value:
        return None
    m = _DATE_TIME.match(value)
    if not m:
        return None
    y, mo, d = m.group("y"), m.group("mo"), m.group("d")
    if int(y) == 0:
        return None
    out = y
    if mo is None:
        return out
    if not 1 <= int(mo) <= 12:
        return None
    out += "-" + mo
    if d is None:
        return out
    if not 1 <= int(d) <= 31:
        return None
    out += "-" + d
    if m.group("h") is None:
        return out
    h, mi, s = int(m.group("h")), int(m.group("mi")), m.group("s")
    if h > 24 or mi > 59 or (s is not None and int(s) > 60):
        return None
    out += f"T{h:02d}:{mi:02d}"
    if s is not None:
        out += ":" + s
        if m.group("f"):
            out += "." + m.group("f")
    return out + _offset(m.group("tz"))


def with_subsec_and_offset(date: str, subsec: Optional[str], offset: Optional[str]) -> str:
    """exiftool's Composite:SubSecDateTimeOriginal: add the EXIF fraction and offset."""
    if subsec:
        digits = _SUBSEC_DIGITS.match(subsec)
        if digits:
            fraction = "." + digits.group(1)
            date = _WHOLE_SECONDS.sub(lambda m: m.group(1) + fraction, date, count=1)
    if offset and "-" not in date and "+" not in date:
        m = _EXIF_OFFSET.match(offset.strip())
        if m:
            date += "%s%02d:%02d" % (m.group(1), int(m.group(2)), int(m.group(3)))
    return date


def iptc_date(date: Optional[str], time: Optional[str]) -> Optional[str]:
    """IIM 2:55 (CCYYMMDD) and 2:60 (HHMMSS±HHMM) as ISO 8601."""
    if not date:
        return None
    m = _IIM_DATE.match(date)
    if not m:
        return None
    text = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    if time:
        t = _TIME.match(time)
        if t:
            text += f"T{t.group(1)}:{t.group(2)}:{t.group(3) or '00'}"
            if t.group(4):
                text += "." + t.group(4)
            text += _offset(t.group(5))
    return to_iso(text)
