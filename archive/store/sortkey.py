"""The sort key: the FTS rowid that puts the newest photo first.

Full-text hits come back in rowid order, so if the rowid sorts by capture
time, "newest first" is a plain ``ORDER BY rowid`` that FTS5 walks without
sorting, a page is ``rowid > cursor LIMIT n``, and a date range is a rowid
range.  The key is kept apart from the photo id, which never changes.

    sort_key = (EPOCH_END - taken_seconds) * SLOTS + slot

``taken_seconds`` is the capture time in UTC seconds (a naive time is taken as
UTC); ``slot`` tells apart photos made in the same second (bursts, several
cameras).  Photos with no capture time sort after every dated one.
"""

from __future__ import annotations

import datetime as _dt

SLOTS = 1 << 20                  # photos per second of capture time
EPOCH_END = 1 << 34              # seconds after 1970 that no photo reaches (year 2514)
UNDATED_SECONDS = -(1 << 33)     # sorts after every dated photo (before year -250)


def taken_seconds(taken_at: str | None) -> int:
    """UTC seconds of an ISO 8601 capture time; naive times count as UTC."""
    if not taken_at:
        return UNDATED_SECONDS
    try:
        moment = _dt.datetime.fromisoformat(taken_at)
    except ValueError:
        return UNDATED_SECONDS
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return int(moment.timestamp() // 1)


def base_key(seconds: int) -> int:
    """The smallest sort key of a second (its slot 0)."""
    return (EPOCH_END - seconds) * SLOTS


def key_range_for_seconds(first: int, last: int) -> tuple[int, int]:
    """Sort keys (low, high) inclusive of photos taken from ``first`` to ``last``."""
    return base_key(last), base_key(first) + SLOTS - 1
