"""Editing a photo's working values in the archive (never the original file).

An edit changes the working value, adds the field to ``edited`` (so a later
sync keeps it), re-indexes the photo, and leaves the file's own value in
``embedded`` for everyone to see.
"""

from __future__ import annotations

import json

from archive.derive import derive
from archive.errors import NotFound, UsageError
from archive.metadata.model import EDITABLE_FIELDS
from archive.store import photos as store

EDITABLE = EDITABLE_FIELDS + ("credit_line",)


def edit_photo(archive, photo_id: int, changes: dict) -> dict:
    """Apply ``changes`` (field -> new value; lists for creator/keywords) and return the record."""
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        raise UsageError(f"cannot edit {', '.join(unknown)}: editable fields are {', '.join(EDITABLE)}")
    conn = archive.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        record = store.get_record(conn, photo_id)
        if record is None:
            raise NotFound(f"no photo with id {photo_id} in the archive")
        edited = set(record["edited"])
        conflicts = dict(record["conflicts"])
        sets = {}
        for field, value in changes.items():
            if field in store.LIST_FIELDS:
                value = [v for v in (value or []) if v]
                sets[field] = json.dumps(value, ensure_ascii=False)
            else:
                value = value or None
                sets[field] = value
            record[field] = value
            edited.add(field)
            conflicts.pop(field, None)
        _save(conn, photo_id, record, sets, sorted(edited), conflicts)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return store.get_record(conn, photo_id)


def _save(conn, photo_id: int, record: dict, sets: dict, edited: list, conflicts: dict) -> None:
    """Write changed working values with the edit bookkeeping, and re-index the photo."""
    sets["edited"] = json.dumps(edited)
    sets["conflicts"] = json.dumps(conflicts, ensure_ascii=False)
    sets["updated_at"] = store.now_iso()
    derived = derive(record)
    sets["place_city"] = derived.place_city
    store.update_photo(conn, photo_id, sets)
    store.remove_index(conn, record["sort_key"])
    store.write_index(conn, record["sort_key"], derived, photo_id)


def revert_fields(archive, photo_id: int, fields) -> dict:
    """Undo edits: the named fields take the file's own values again and are no longer edited."""
    fields = [f for f in fields if f in EDITABLE]
    conn = archive.conn
    record = store.get_record(conn, photo_id)
    if record is None:
        raise NotFound(f"no photo with id {photo_id} in the archive")
    own = record["_embedded_all"]
    if not fields:
        return record
    conn.execute("BEGIN IMMEDIATE")
    try:
        edited = [f for f in record["edited"] if f not in fields]
        conflicts = {k: v for k, v in record["conflicts"].items() if k not in fields}
        sets = {}
        for field in fields:
            value = own.get(field)
            if field in store.LIST_FIELDS:
                value = value or []
                sets[field] = json.dumps(value, ensure_ascii=False)
            else:
                sets[field] = value or None
            record[field] = value
        _save(conn, photo_id, record, sets, sorted(edited), conflicts)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return store.get_record(conn, photo_id)
