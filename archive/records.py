"""Photo records as DESIGN.md prints them, and finding a photo by id or path."""

from __future__ import annotations

import datetime as _dt

from archive.errors import NotFound
from archive.checking import clearance_record
from archive.photo_refs import resolve_photo  # noqa: F401  (the place callers knew it by)
from archive.store import photos as store
from archive.store.check_state import stored_violations


def photo_record(archive, photo_id: int, *, on: _dt.date | None = None) -> dict:
    """The full record of one photo, with licence, clearance and violations when known."""
    conn = archive.conn
    record = store.get_record(conn, photo_id)
    if record is None:
        raise NotFound(f"no photo with id {photo_id} in the archive")
    record.pop("_embedded_all", None)
    record.pop("sort_key", None)
    record["licence"], record["clearance"] = clearance_record(archive, photo_id, on=on or _dt.date.today())
    record["violations"] = [{"rule": r, "severity": s, "message": m, "fix": f, "field": fl}
                            for r, s, m, f, fl in stored_violations(conn, [photo_id]).get(photo_id, [])]
    return record


def records(archive, photo_ids: list[int]) -> list[dict]:
    """Records (without licence and clearance) for a page of ids, in the given order."""
    if not photo_ids:
        return []
    found = store.get_records_by_ids(archive.conn, photo_ids)
    out = []
    for pid in photo_ids:
        r = found[pid]
        r.pop("_embedded_all", None)
        r.pop("sort_key", None)
        out.append(r)
    return out
