"""Editing a photo's working values in the archive (never the original file).

An edit changes the working value, adds the field to ``edited`` (so a later
sync keeps it), re-indexes the photo, queues the field for the photo's XMP
sidecar (written after the commit by :mod:`archive.writeback`), and leaves the
file's own value in ``embedded`` for everyone to see.  Putting a field back to the file's own value
(``unedit``) removes it from ``edited`` again.

:func:`write_fields` does one photo inside the caller's transaction; the
application API (:mod:`archive.desk`) wraps it with the history, undo, the
version check and licence assignment.  :func:`edit_photo` and
:func:`revert_fields` are the one-photo, one-transaction forms.
"""

from __future__ import annotations

import json

from archive.derive import derive
from archive.errors import NotFound, UsageError
from archive.metadata.model import EDITABLE_FIELDS
from archive.store import photos as store
from archive.store import writebacks
from archive.store.db import transaction

EDITABLE = EDITABLE_FIELDS + ("credit_line",)
LIST_FIELDS = store.LIST_FIELDS


def check_fields(fields) -> None:
    unknown = [k for k in fields if k not in EDITABLE]
    if unknown:
        raise UsageError(f"cannot edit {', '.join(unknown)}: editable fields are {', '.join(EDITABLE)}")


def normal(field: str, value):
    """A value as the archive keeps it: lists without empty items, empty text as None."""
    if field in LIST_FIELDS:
        if isinstance(value, str):
            value = [value]
        return [str(v).strip() for v in (value or []) if str(v).strip()]
    if value is None:
        return None
    value = str(value)
    return value if value.strip() else None


def write_fields(conn, record: dict, values: dict, unedit=frozenset()) -> None:
    """Set working values of one photo (``record`` as read in this transaction) and
    re-index it.  Fields in ``values`` become edits; fields in ``unedit`` take the
    file's own value again and are no longer edits."""
    edited = set(record["edited"])
    conflicts = dict(record["conflicts"])
    own = record.get("_embedded_all") or {}
    sets = {}
    for field in unedit:
        values = {**values, field: own.get(field)}
    for field, value in values.items():
        value = normal(field, value)
        sets[field] = json.dumps(value, ensure_ascii=False) if field in LIST_FIELDS else value
        record[field] = value
        if field in unedit:
            edited.discard(field)
        else:
            edited.add(field)
        conflicts.pop(field, None)
    sets["edited"] = json.dumps(sorted(edited))
    sets["conflicts"] = json.dumps(conflicts, ensure_ascii=False)
    sets["updated_at"] = store.now_iso()
    derived = derive(record)
    sets["place_city"] = derived.place_city
    store.update_photo(conn, record["id"], sets)
    store.remove_index(conn, record["sort_key"])
    store.write_index(conn, record["sort_key"], derived, record["id"])
    # In the same transaction: the archive holds the edit and the duty to write it to
    # the photo's sidecar, or neither (archive/writeback.py writes it after the commit).
    writebacks.queue(conn, record["id"], values)
    record["edited"] = sorted(edited)
    record["conflicts"] = conflicts


def read_record(conn, photo_id: int) -> dict:
    record = store.get_record(conn, photo_id)
    if record is None:
        raise NotFound(f"no photo with id {photo_id} in the archive")
    return record


def edit_photo(archive, photo_id: int, changes: dict) -> dict:
    """Apply ``changes`` (field -> new value; lists for creator/keywords) and return the record."""
    check_fields(changes)
    conn = archive.conn
    with transaction(conn):
        write_fields(conn, read_record(conn, photo_id), changes)
    return store.get_record(conn, photo_id)


def revert_fields(archive, photo_id: int, fields) -> dict:
    """Undo edits: the named fields take the file's own values again and are no longer edited."""
    fields = [f for f in fields if f in EDITABLE]
    conn = archive.conn
    with transaction(conn):
        record = read_record(conn, photo_id)
        if fields:
            write_fields(conn, record, {}, unedit=frozenset(fields))
    return store.get_record(conn, photo_id)
