"""Edits as actions a person can undo: one transaction each, with history and a version check.

An action is a list of field changes over one or many photos (a caption typed,
a credit applied to a selection, a licence assigned, an accepted pairing).
Applying it checks first that every field still holds the value the person
saw (``expected``); if another window, the command line or a sync changed one
meanwhile, nothing is written and :class:`EditConflict` says which.  Undo and
redo are the same operation run backwards or forwards over the history rows,
with the same check, so an undo never clobbers a later edit made elsewhere.
"""

from __future__ import annotations

import getpass
from typing import Any, Iterable, Optional, Sequence

from archive.edit import EDITABLE, LIST_FIELDS, check_fields, normal, read_record, write_fields
from archive.errors import NotFound, UsageError
from archive.desk.types import MULTIPLE, EditConflict, FieldChange, HistoryEntry
from archive.store import articles as article_store
from archive.store import history as history_store
from archive.store import licences as licence_store
from archive.store.db import transaction

LICENCE = "licence"          # the pseudo-field of a hand-assigned licence
PAIR = "pair:"               # pseudo-fields "pair:ARTICLE:CAPTION": a caption's pairing
UNCHANGED = object()
RECORDED_FIELDS = ("caption", "credit_line")     # what a pairing changes on a photo


def _pair_key(field: str) -> tuple[int, int]:
    _, article, idx = field.split(":")
    return int(article), int(idx)


def _pair_state(pair: Optional[dict]):
    """The part of a pair a person's decision sets (what undo must find unchanged)."""
    return None if pair is None else {"photo_id": pair["photo_id"], "decision": pair["decision"]}


def _who() -> Optional[str]:
    try:
        return getpass.getuser()
    except Exception:           # no user name (some containers): history still works
        return None


def _current(record: dict, field: str):
    if field == LICENCE:
        return record.get("licence_id")
    return normal(field, record.get(field))


def apply_changes(conn, plan: Sequence[tuple[int, str, Any, Any, bool]], label: str) -> HistoryEntry:
    """Apply (photo id, field, expected value, new value, make it an edit?) in one
    transaction and record it.  ``expected`` UNCHANGED skips the check for that field.
    A pair pseudo-field takes whole stored pairs as values (photo id unused)."""
    who = _who()
    with transaction(conn):
        records: dict[int, dict] = {}
        for pid, field, *_ in plan:
            if not field.startswith(PAIR) and pid not in records:
                records[pid] = read_record(conn, pid)
                records[pid]["licence_id"] = licence_store.hand_licence(conn, pid)
        conflicts = []
        for pid, field, expected, _, _ in plan:
            if expected is UNCHANGED:
                continue
            if field.startswith(PAIR):
                now = _pair_state(article_store.get_pair(conn, *_pair_key(field)))
                if now != _pair_state(expected):
                    conflicts.append((pid, field, _pair_state(expected), now))
                continue
            now = _current(records[pid], field)
            want = expected if field == LICENCE else normal(field, expected)
            if now != want:
                conflicts.append((pid, field, want, now))
        if conflicts:
            raise EditConflict(conflicts)
        changes: list[FieldChange] = []
        per_photo: dict[int, tuple[dict, set]] = {}
        for pid, field, _, value, as_edit in plan:
            if field.startswith(PAIR):
                article_id, idx = _pair_key(field)
                before = article_store.get_pair(conn, article_id, idx)
                article_store.restore_pair(conn, article_id, value, idx)
                changes.append(FieldChange(pid, field, before, value, False, False))
                continue
            record = records[pid]
            before = _current(record, field)
            was = field in record["edited"] if field != LICENCE else before is not None
            if field == LICENCE:
                if value is not None and licence_store.licence_row(conn, value) is None:
                    raise NotFound(f"no licence with id {value}")
                licence_store.set_hand_licence(conn, pid, value)
                changes.append(FieldChange(pid, field, before, value, was, value is not None))
                continue
            values, unedit = per_photo.setdefault(pid, ({}, set()))
            if as_edit:
                values[field] = value
                unedit.discard(field)
                after = normal(field, value)
            else:
                values.pop(field, None)
                unedit.add(field)
                after = normal(field, (record.get("_embedded_all") or {}).get(field))
            changes.append(FieldChange(pid, field, before, after, was, as_edit))
        for pid, (values, unedit) in per_photo.items():
            write_fields(conn, records[pid], values, frozenset(unedit))
        changes = [c for c in changes if c.before != c.after or c.was_edited != c.now_edited]
        return _record(conn, label, who, changes)


def _record(conn, label: str, who, changes: list[FieldChange]) -> HistoryEntry:
    batch = history_store.next_batch(conn)
    history_store.add_rows(conn, batch, label, who,
                           [(c.photo_id, c.field, c.before, c.after, c.was_edited, c.now_edited)
                            for c in changes])
    return HistoryEntry(batch, label, changes)


def _snapshot(conn, photo_ids, article_id: int) -> tuple[dict, dict]:
    photos = {}
    for pid in photo_ids:
        record = article_store_record(conn, pid)
        if record is not None:
            photos[pid] = {f: (normal(f, record.get(f)), f in record["edited"]) for f in RECORDED_FIELDS}
    pairs = {p["caption_index"]: p for p in article_store.get_pairs(conn, article_id)}
    return photos, pairs


def article_store_record(conn, photo_id: int):
    from archive.store import photos as photo_store

    return photo_store.get_record(conn, photo_id)


def recorded_pairing(conn, article_id: int, label: str, action, extra_photos=()) -> tuple[Any, HistoryEntry]:
    """Run ``action()`` (a pairing decision, which edits photos and pairs) inside one
    transaction and record what it changed as one undoable entry."""
    with transaction(conn):
        pairs_before = article_store.get_pairs(conn, article_id)
        ids = {p["photo_id"] for p in pairs_before if p["photo_id"]} | set(extra_photos)
        photos_before, pairs_before = _snapshot(conn, ids, article_id)
        result = action()
        ids |= {p["photo_id"] for p in article_store.get_pairs(conn, article_id) if p["photo_id"]}
        photos_after, pairs_after = _snapshot(conn, ids, article_id)
        changes = []
        for idx in sorted(set(pairs_before) | set(pairs_after)):
            b, a = pairs_before.get(idx), pairs_after.get(idx)
            if b != a:
                changes.append(FieldChange((a or b)["photo_id"], f"{PAIR}{article_id}:{idx}", b, a, False, False))
        for pid in sorted(ids):
            for f in RECORDED_FIELDS:
                b = photos_before.get(pid, {}).get(f, (None, False))
                a = photos_after.get(pid, {}).get(f, (None, False))
                if b != a:
                    changes.append(FieldChange(pid, f, b[0], a[0], b[1], a[1]))
        entry_ = _record(conn, label, _who(), changes)
    return result, entry_


def _check_country_code(changes: dict) -> dict:
    """A country code must be one (ISO 3166 alpha-2, as IPTC asks; the archive keeps it
    upper case); empty clears it."""
    code = changes.get("country_code")
    if code is None or not str(code).strip():
        return changes
    from archive.gazetteer import default_gazetteer

    text = str(code).strip().upper()
    if text not in default_gazetteer().country_codes():
        raise UsageError(f"country_code: {str(code).strip()!r} is not an ISO 3166 country code "
                         "(two letters, e.g. UA, GB, US)")
    changes["country_code"] = text
    return changes


def _check_text(changes: dict) -> None:
    """Refuse text that is not Unicode (a terminal in another encoding passes bytes a
    Python string keeps as surrogates), naming the field, before anything is written."""
    for field, value in changes.items():
        for text in (value if isinstance(value, (list, tuple)) else [value]):
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                    raise UsageError(f"{field}: the text is not valid UTF-8 (\"{shown}\"); set the terminal's "
                                     "encoding to UTF-8") from None


def edit(conn, photo_ids: Iterable[int], changes: dict, *, expected: Optional[dict] = None,
         licence=UNCHANGED, label: str = "edit") -> HistoryEntry:
    """Set ``changes`` (field -> value) on every photo, and the hand-assigned licence
    (an id, or None to remove it) unless UNCHANGED.  ``expected``: field -> the value
    the person saw (one value for every photo, or photo id -> {field: value})."""
    check_fields(changes)
    _check_text(changes)
    changes = _check_country_code(dict(changes))
    ids = list(dict.fromkeys(int(p) for p in photo_ids))
    if not ids:
        raise UsageError("no photos to edit")
    if not changes and licence is UNCHANGED:
        raise UsageError("nothing to edit: give at least one field or a licence")
    plan = []
    for pid in ids:
        seen = _expected_for(expected, pid)
        for field, value in changes.items():
            plan.append((pid, field, seen.get(field, UNCHANGED), value, True))
        if licence is not UNCHANGED:
            plan.append((pid, LICENCE, seen.get(LICENCE, UNCHANGED), licence, True))
    return apply_changes(conn, plan, label)


def revert(conn, photo_ids: Iterable[int], fields: Sequence[str], *, label: str = "revert") -> HistoryEntry:
    """The fields take the file's own values again (no longer edits)."""
    check_fields(fields)
    plan = [(pid, f, UNCHANGED, None, False) for pid in dict.fromkeys(photo_ids) for f in fields]
    return apply_changes(conn, plan, label)


def _expected_for(expected, pid) -> dict:
    if not expected:
        return {}
    if pid in expected and isinstance(expected[pid], dict):
        return expected[pid]
    if all(isinstance(k, str) for k in expected):
        return expected
    return {}


def entry(conn, batch: int) -> HistoryEntry:
    rows = history_store.batch_rows(conn, batch)
    if not rows:
        raise NotFound(f"no edit {batch} in the history")
    return HistoryEntry(batch, rows[0]["label"],
                        [FieldChange(r["photo_id"], r["field"], r["before"], r["after"], r["was_edited"],
                                     r["now_edited"]) for r in rows], rows[0]["at"])


def undo(conn, batch: int) -> HistoryEntry:
    """Put back what edit ``batch`` changed, if nobody changed those fields since."""
    done = entry(conn, batch)
    plan = [(c.photo_id, c.field, c.after, c.before, c.was_edited) for c in reversed(done.changes)]
    return apply_changes(conn, plan, f"undo {batch}: {done.label}")


def redo(conn, batch: int) -> HistoryEntry:
    """Apply edit ``batch`` again (after its undo), if nobody changed those fields since."""
    done = entry(conn, batch)
    plan = [(c.photo_id, c.field, c.before, c.after, c.now_edited) for c in done.changes]
    return apply_changes(conn, plan, f"redo {batch}: {done.label}")


def shared_values(records: Sequence[dict], fields: Sequence[str] = EDITABLE) -> dict:
    """field -> the value every record has, or MULTIPLE where they differ (batch editing)."""
    out = {}
    for field in fields:
        values = [normal(field, r.get(field)) for r in records]
        first = values[0] if values else None
        out[field] = first if all(v == first for v in values) else MULTIPLE
    return out


def distinct_values(records: Sequence[dict], field: str) -> list:
    """The different values a field has among the records (to choose one of)."""
    seen = []
    for r in records:
        v = normal(field, r.get(field))
        if v not in seen:
            seen.append(v)
    return seen


__all__ = ["LICENCE", "UNCHANGED", "LIST_FIELDS", "apply_changes", "edit", "revert", "undo", "redo",
           "entry", "shared_values", "distinct_values"]
