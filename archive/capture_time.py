"""When a photo was made, in the local time of the place it was made.

Captions speak local time: a photo made at 00:40 on Monday in Kyiv is a Monday
photo even though its UTC timestamp (22:40 on Sunday) falls on Sunday.  So:

- a timestamp with an offset is an instant (its offset may be UTC, from a
  conversion for storage, or the camera's home zone on a trip): it is shown in
  the time zone of the place the photo was made when the gazetteer knows it
  (from the IPTC city or the GPS position), else in its own offset, which for
  a correct local offset is the same thing;
- a timestamp without an offset is already the camera's local time;
- a date alone, or a time of exactly 00:00:00 with a zero offset (how IPTC
  "Date Created" without "Time Created" is often padded), is a date, not an
  instant: it is never shifted across midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from functools import lru_cache
from typing import Optional

_EXIF_STYLE = re.compile(r"^(\d{4}):(\d{2}):(\d{2})")


@dataclass(frozen=True)
class LocalCapture:
    day: date
    at: Optional[time]        # local wall-clock time, None for a date alone
    how: str                  # "zone" (converted to the place's zone), "offset", "naive", "date"
    zone: Optional[str] = None

    def describe(self) -> str:
        wd = self.day.strftime("%A")
        if self.at is None:
            return f"{wd} {self.day.isoformat()}"
        where = f" {self.zone} time" if self.zone else (" local time" if self.how != "naive" else "")
        return f"{wd} {self.day.isoformat()} {self.at.strftime('%H:%M')}{where}"


def parse_timestamp(value) -> Optional[datetime | date]:
    """An ISO 8601 (or EXIF-style) string as a datetime, or a date for a date alone."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if not s:
        return None
    if s[4:5] == ":":
        s = _EXIF_STYLE.sub(r"\1-\2-\3", s)
    if len(s) == 10:
        try:
            return date.fromisoformat(s)
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(s.replace(" ", "T", 1))
    except ValueError:
        try:
            return date.fromisoformat(s[:10])
        except ValueError:
            return None


@lru_cache(maxsize=512)
def _zone(name: str):
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except Exception:  # unknown or malformed zone name: fall back to the offset
        return None


def needs_zone(taken_at) -> bool:
    """Whether the place's time zone matters: only for an instant (a time with
    an offset), so callers look the zone up only then."""
    ts = parse_timestamp(taken_at)
    return isinstance(ts, datetime) and ts.tzinfo is not None and not (
        ts.time() == time(0, 0) and ts.utcoffset().total_seconds() == 0)


def local_capture(taken_at, zone_name: Optional[str] = None) -> Optional[LocalCapture]:
    ts = parse_timestamp(taken_at)
    if ts is None:
        return None
    if not isinstance(ts, datetime):
        return LocalCapture(ts, None, "date")
    if ts.tzinfo is None:
        return LocalCapture(ts.date(), ts.time(), "naive")
    if ts.time() == time(0, 0) and ts.utcoffset().total_seconds() == 0:
        return LocalCapture(ts.date(), None, "date")
    tz = _zone(zone_name) if zone_name else None
    if tz is not None:
        local = ts.astimezone(tz)
        return LocalCapture(local.date(), local.time(), "zone", zone_name)
    return LocalCapture(ts.date(), ts.time(), "offset")


def utc_instant(taken_at) -> Optional[datetime]:
    ts = parse_timestamp(taken_at)
    if isinstance(ts, datetime) and ts.tzinfo is not None:
        return ts.astimezone(timezone.utc)
    return None
