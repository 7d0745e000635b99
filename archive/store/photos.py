"""Photo rows: insert, refresh, move, mark missing, read back as records.

The working values (caption, creator, ...) start as the file's own reconciled
metadata; ``embedded`` always holds what the file says, and ``edited`` lists
the fields a person changed in the archive, which a later sync never
overwrites (it records the disagreement in ``conflicts`` instead).
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Iterable, Iterator

from archive.folding import fold
from archive.metadata.model import EDITABLE_FIELDS
from archive.store.sortkey import SLOTS, base_key, taken_seconds

FILE_FIELDS = ("format", "width", "height", "orientation", "taken_at", "make", "model",
               "lens", "gps_lat", "gps_lon", "gps_alt", "web_statement")
LIST_FIELDS = ("creator", "keywords")
RECORD_KEYS = (
    "id", "path", "content_hash", "size", "format", "width", "height", "orientation",
    "taken_at", "make", "model", "lens", "gps", "creator", "creator_title", "credit",
    "source", "copyright", "caption", "headline", "title", "keywords", "city",
    "sublocation", "state", "country", "country_code", "instructions", "usage_terms",
    "credit_line",
)


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def allocate_sort_key(conn, taken_at: str | None) -> int:
    """A free sort key for a capture time: the first unused slot of its second."""
    base = base_key(taken_seconds(taken_at))
    row = conn.execute("SELECT max(sort_key) FROM photos WHERE sort_key BETWEEN ? AND ?",
                       (base, base + SLOTS - 1)).fetchone()
    if row[0] is None:
        return base
    if row[0] + 1 < base + SLOTS:
        return row[0] + 1
    taken = {r[0] for r in conn.execute(
        "SELECT sort_key FROM photos WHERE sort_key BETWEEN ? AND ?", (base, base + SLOTS - 1))}
    for key in range(base, base + SLOTS):
        if key not in taken:
            return key
    raise RuntimeError("more than a million photos in one second")


def _row_values(meta: dict) -> dict:
    """Columns of the photos table from a metadata dict (PhotoMetadata.to_dict())."""
    row = {k: meta.get(k) for k in FILE_FIELDS}
    for k in EDITABLE_FIELDS:
        v = meta.get(k)
        row[k] = json.dumps(v or [], ensure_ascii=False) if k in LIST_FIELDS else v
    row["credit_line"] = meta.get("credit_line")      # editable, but only XMP carries it
    row["warnings"] = json.dumps(meta.get("warnings") or [], ensure_ascii=False)
    return row


def write_index(conn, sort_key: int, derived, photo_id: int) -> None:
    """Write a photo's full-text row, facets and places (after remove_index for a rewrite)."""
    f = derived.fts
    text = (f["caption"], f["headline"], f["keywords"], f["creator"], f["credit"], f["places"])
    conn.execute(
        "INSERT INTO photo_fts(rowid, caption, headline, keywords, creator, credit, places) "
        "VALUES (?,?,?,?,?,?,?)", (sort_key, *text))
    from archive.store.word_pairs import keep_recent_text

    keep_recent_text(conn, sort_key, photo_id, text)
    facets = []
    for kind, name in dict.fromkeys(derived.facets):
        norm = fold(name)
        if not norm:
            continue
        # One statement counts the value and names its id (RETURNING, SQLite 3.35+).
        value_id = conn.execute("INSERT INTO facet_values(kind, name, norm, count) VALUES (?,?,?,1) "
                                "ON CONFLICT(kind, norm) DO UPDATE SET count = count + 1 RETURNING id",
                                (kind, name, norm)).fetchone()[0]
        facets.append((value_id, sort_key, photo_id))
    if facets:
        conn.executemany("INSERT OR IGNORE INTO photo_facets(value_id, sort_key, photo_id) VALUES (?,?,?)",
                         facets)
    conn.executemany("INSERT OR IGNORE INTO photo_places(place_id, sort_key, photo_id) VALUES (?,?,?)",
                     [(pid, sort_key, photo_id) for pid in derived.place_ids])


def remove_index(conn, sort_key: int, kinds: tuple[str, ...] | None = None) -> None:
    """Drop a photo's full-text row, facets (of ``kinds``, default the metadata ones) and places."""
    kinds = kinds or ("creator", "agency", "place")
    marks = ",".join("?" * len(kinds))
    conn.execute(
        f"UPDATE facet_values SET count = count - 1 WHERE kind IN ({marks}) AND id IN "
        "(SELECT value_id FROM photo_facets WHERE sort_key = ?)", (*kinds, sort_key))
    conn.execute(
        f"DELETE FROM photo_facets WHERE sort_key = ? AND value_id IN "
        f"(SELECT id FROM facet_values WHERE kind IN ({marks}))", (sort_key, *kinds))
    if kinds == ("creator", "agency", "place"):
        conn.execute("DELETE FROM photo_fts WHERE rowid = ?", (sort_key,))
        conn.execute("DELETE FROM fts_recent WHERE sort_key = ?", (sort_key,))
        conn.execute("DELETE FROM photo_places WHERE sort_key = ?", (sort_key,))


def insert_photo(conn, *, path: str, folder_id: int | None, stat: tuple, meta: dict,
                 derived, content_hash: str | None, fingerprint: str | None = None) -> int:
    """Add a new photo; returns its id."""
    size, mtime_ns, inode, sidecar_mtime_ns = stat
    sort_key = allocate_sort_key(conn, meta.get("taken_at"))
    row = _row_values(meta)
    row.update(path=path, folder_id=folder_id, size=size, mtime_ns=mtime_ns, inode=inode,
               sidecar_mtime_ns=sidecar_mtime_ns, content_hash=content_hash,
               fingerprint=fingerprint, sort_key=sort_key, embedded=json.dumps(meta, ensure_ascii=False),
               taken_date=derived.taken_date, place_city=derived.place_city,
               updated_at=now_iso())
    cols = ",".join(row)
    cur = conn.execute(f"INSERT INTO photos({cols}) VALUES ({','.join('?' * len(row))})",
                       tuple(row.values()))
    write_index(conn, sort_key, derived, cur.lastrowid)
    return cur.lastrowid


def refresh_photo(conn, photo_id: int, *, stat: tuple, meta: dict, derive_fn,
                  content_hash: str | None, path: str | None = None,
                  fingerprint: str | None = None) -> dict:
    """A changed file: take its new metadata, keep the archive's edits.

    Returns the conflicts recorded: field -> what the file says now, for every
    edited field whose working value differs from the file's new value.
    """
    old = conn.execute("SELECT sort_key, edited, conflicts, content_hash, warnings, embedded FROM photos "
                       "WHERE id=?", (photo_id,)).fetchone()
    old_sort_key, edited, conflicts = old[0], set(json.loads(old[1])), json.loads(old[2])
    current = get_record(conn, photo_id)
    echoes = _echoes(meta, edited, current)
    row = _row_values(meta)
    if content_hash is not None and content_hash == old[3]:
        # Same pixels (a sidecar or the mtime changed): the thumbnail is not made again,
        # so what making it found stays with the photo.
        later = _later_warnings(old[4], json.loads(old[5] or "{}").get("warnings"))
        row["warnings"] = json.dumps(_with_later(meta.get("warnings") or [], later), ensure_ascii=False)
    for fld in edited:
        if fld in echoes:
            own, changed = echoes[fld]
            if changed:
                conflicts[fld] = own
        else:
            new_value = meta.get(fld)
            if (new_value or None) != (current.get(fld) or None):
                conflicts[fld] = new_value
            else:
                conflicts.pop(fld, None)
        row.pop(fld, None)
    size, mtime_ns, inode, sidecar_mtime_ns = stat
    row.update(size=size, mtime_ns=mtime_ns, inode=inode, sidecar_mtime_ns=sidecar_mtime_ns,
               content_hash=content_hash, fingerprint=fingerprint,
               embedded=json.dumps(_without_echoes(meta, echoes, current), ensure_ascii=False),
               conflicts=json.dumps(conflicts, ensure_ascii=False), missing_since=None,
               updated_at=now_iso())
    if path is not None:
        row["path"] = path
    working = {**current, **{k: meta.get(k) for k in row if k in meta}}
    for fld in edited:
        working[fld] = current.get(fld)
    working["gps"] = ({"lat": meta.get("gps_lat"), "lon": meta.get("gps_lon"), "alt": meta.get("gps_alt")}
                      if meta.get("gps_lat") is not None else None)
    derived = derive_fn(working)
    row["taken_date"] = derived.taken_date
    row["place_city"] = derived.place_city
    new_sort_key = old_sort_key
    if taken_seconds(meta.get("taken_at")) != taken_seconds(current.get("taken_at")):
        new_sort_key = allocate_sort_key(conn, meta.get("taken_at"))
    remove_index(conn, old_sort_key)
    if new_sort_key != old_sort_key:
        _move_sort_key(conn, old_sort_key, new_sort_key)
    row["sort_key"] = new_sort_key
    update_photo(conn, photo_id, row)
    write_index(conn, new_sort_key, derived, photo_id)
    return {k: conflicts[k] for k in conflicts if k in edited}


def _echoes(meta: dict, edited: set, current: dict) -> dict:
    """The edited fields whose new value is the archive's own edit, echoed by the sidecar
    it wrote (archive/writeback.py): field -> (the file's own value now, whether that
    changed since the archive last read the file).

    The reader lets a sidecar value override the file's, so a field the archive wrote
    would seem unchanged even when the agency sent a new file with a new caption.  What
    the file itself says is in ``overridden``; it is compared with what the file itself
    said before (the old ``overridden`` entry, or the old value if no sidecar had it)."""
    origins = meta.get("origins") or {}
    overridden = meta.get("overridden") or {}
    known = current.get("_embedded_all") or {}
    known_overridden = known.get("overridden") or {}
    out = {}
    for fld in edited:
        if not (str(origins.get(fld, "")).startswith("XMP sidecar") and fld in overridden
                and (meta.get(fld) or None) == (current.get(fld) or None)):
            continue
        own = overridden[fld]
        before = known_overridden[fld] if fld in known_overridden else known.get(fld)
        out[fld] = (own, (own or None) != (before or None))
    return out


def _without_echoes(meta: dict, echoes: dict, current: dict) -> dict:
    """What ``embedded`` keeps: the file's metadata as read, with each echoed edit
    replaced by the file's own value (unchanged: the one the archive knew, with its
    origin; changed: the file's new one), so the agency's text stays in view."""
    if not echoes:
        return meta
    known = current.get("_embedded_all") or {}
    meta = dict(meta, origins=dict(meta.get("origins") or {}))
    for fld, (own, changed) in echoes.items():
        if changed:
            meta[fld] = own
            meta["origins"].pop(fld, None)
        else:
            meta[fld] = known.get(fld)
            if (known.get("origins") or {}).get(fld):
                meta["origins"][fld] = known["origins"][fld]
            else:
                meta["origins"].pop(fld, None)
    return meta


def _later_warnings(stored: str | None, from_reader) -> list[str]:
    """The warnings found after the file was read (thumbnails): those not the reader's."""
    reader = set(from_reader or [])
    return [w for w in json.loads(stored or "[]") if w not in reader]


def _with_later(reader: list[str], later: list[str]) -> list[str]:
    return list(reader) + [w for w in later if w not in reader]


def set_later_warnings(conn, found: dict[int, list[str]]) -> int:
    """Put on each photo what was found about its file after it was read.

    A photo's ``warnings`` are the reader's (also kept in ``embedded``) followed by
    the later ones: a thumbnail that could not be made, what the image decoder said
    while making it.  ``found`` maps a photo id to the later warnings of the run just
    done, replacing those of earlier runs (an empty list clears them: the thumbnail
    was made cleanly this time).  Only rows that change are written, so the search
    arrays are patched for those photos alone.  Returns how many changed.
    """
    ids = list(found)
    changed = []
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        rows = conn.execute("SELECT id, warnings, json_extract(embedded, '$.warnings') FROM photos "
                            f"WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        for photo_id, stored, reader_json in rows:
            reader = json.loads(reader_json or "[]")
            new = _with_later(reader, found[photo_id])
            if new != json.loads(stored or "[]"):
                changed.append((json.dumps(new, ensure_ascii=False), photo_id))
    conn.executemany("UPDATE photos SET warnings = ? WHERE id = ?", changed)
    return len(changed)


def update_photo(conn, photo_id: int, values: dict) -> None:
    """Set columns of one photo row (column names come from this module and its callers, never users)."""
    conn.execute(f"UPDATE photos SET {','.join(f'{k}=?' for k in values)} WHERE id=?",
                 (*values.values(), photo_id))


def exists(conn, photo_id: int) -> bool:
    return conn.execute("SELECT 1 FROM photos WHERE id=?", (photo_id,)).fetchone() is not None


def thumbnail_items(conn) -> list[tuple[int, str, str | None, int | None]]:
    """(id, path, content_hash, orientation) of every present photo, newest first."""
    return conn.execute("SELECT id, path, content_hash, orientation FROM photos "
                        "WHERE missing_since IS NULL ORDER BY sort_key").fetchall()


def set_thumb_hashes(conn, pairs) -> None:
    """Note which content each photo's thumbnail shows: (content_hash, id) pairs."""
    conn.executemany("UPDATE photos SET thumb_hash = ? WHERE id = ? AND thumb_hash IS NOT ?",
                     [(digest, pid, digest) for digest, pid in pairs])


def _move_sort_key(conn, old: int, new: int) -> None:
    """Carry the facets that are not metadata (licence, rules, ...) to a new sort key."""
    conn.execute("UPDATE photo_facets SET sort_key=? WHERE sort_key=?", (new, old))


def move_photo(conn, photo_id: int, *, path: str, folder_id: int | None, stat: tuple) -> None:
    """Same content at a new path: the id, edits and links stay."""
    size, mtime_ns, inode, sidecar_mtime_ns = stat
    conn.execute("UPDATE photos SET path=?, folder_id=?, size=?, mtime_ns=?, inode=?, "
                 "sidecar_mtime_ns=?, missing_since=NULL, updated_at=? WHERE id=?",
                 (path, folder_id, size, mtime_ns, inode, sidecar_mtime_ns, now_iso(), photo_id))


def mark_missing(conn, photo_ids: Iterable[int]) -> None:
    stamp = now_iso()
    conn.executemany("UPDATE photos SET missing_since=? WHERE id=? AND missing_since IS NULL",
                     [(stamp, pid) for pid in photo_ids])


def set_content_hashes(conn, pairs: Iterable[tuple[int, str]]) -> None:
    conn.executemany("UPDATE photos SET content_hash=? WHERE id=?", [(h, i) for i, h in pairs])


def file_states(conn) -> Iterator[tuple]:
    """(id, path, size, mtime_ns, inode, sidecar_mtime_ns, content_hash, missing, fingerprint)
    of every photo."""
    yield from conn.execute(
        "SELECT id, path, size, mtime_ns, inode, sidecar_mtime_ns, content_hash, "
        "missing_since IS NOT NULL, fingerprint FROM photos")


def unhashed(conn) -> list[tuple[int, str]]:
    return conn.execute("SELECT id, path FROM photos WHERE content_hash IS NULL "
                        "AND missing_since IS NULL ORDER BY id").fetchall()


def _record_from_row(row: dict) -> dict:
    record = {k: row.get(k) for k in RECORD_KEYS if k != "gps"}
    record["gps"] = ({"lat": row["gps_lat"], "lon": row["gps_lon"], "alt": row["gps_alt"]}
                     if row.get("gps_lat") is not None else None)
    for k in LIST_FIELDS:
        record[k] = json.loads(row[k]) if row.get(k) else []
    embedded = json.loads(row.get("embedded") or "{}")
    edited = json.loads(row.get("edited") or "[]")
    # `embedded` keeps the file's own values wherever an edit differs from them.
    record["embedded"] = {k: embedded.get(k) for k in edited
                          if (embedded.get(k) or None) != (record.get(k) or None)}
    record["edited"] = edited
    record["conflicts"] = json.loads(row.get("conflicts") or "{}")
    record["missing"] = row.get("missing_since") is not None
    record["missing_since"] = row.get("missing_since")
    record["place_city"] = row.get("place_city")
    record["taken_date"] = row.get("taken_date")
    record["warnings"] = json.loads(row.get("warnings") or "[]")
    record["sort_key"] = row.get("sort_key")
    record["_embedded_all"] = embedded
    return record


def get_record(conn, photo_id: int) -> dict | None:
    cur = conn.execute("SELECT * FROM photos WHERE id=?", (photo_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return _record_from_row(dict(zip([d[0] for d in cur.description], row)))


def get_records(conn, where: str, params: tuple = ()) -> list[dict]:
    cur = conn.execute(f"SELECT * FROM photos WHERE {where}", params)
    names = [d[0] for d in cur.description]
    return [_record_from_row(dict(zip(names, row))) for row in cur]


def get_records_by_ids(conn, photo_ids) -> dict[int, dict]:
    """photo id -> record for the ids that exist."""
    ids = list(photo_ids)
    out: dict[int, dict] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for r in get_records(conn, f"id IN ({','.join('?' * len(chunk))})", tuple(chunk)):
            out[r["id"]] = r
    return out


def id_for_path(conn, path: str) -> int | None:
    row = conn.execute("SELECT id FROM photos WHERE path=?", (path,)).fetchone()
    return row[0] if row else None


def folder_id(conn, path: str, *, create: bool) -> int | None:
    row = conn.execute("SELECT id FROM folders WHERE path=?", (path,)).fetchone()
    if row:
        return row[0]
    if not create:
        return None
    return conn.execute("INSERT INTO folders(path) VALUES (?)", (path,)).lastrowid


def folders(conn) -> list[str]:
    return [r[0] for r in conn.execute("SELECT path FROM folders ORDER BY path")]


def file_rewritten(conn, photo_id: int, *, stat: tuple, meta: dict, content_hash: str | None,
                   fingerprint: str | None, fields) -> None:
    """Picture Desk itself wrote ``fields`` into the photo's file (archive/embedding.py):
    note the file's new state so the next sync knows it as read, and its new own values.

    The working values are what was written, so nothing a search reads changes.
    ``embedded`` takes what the file says now (the sidecar, which repeats the edit,
    set aside as when a sync reads it), and a disagreement the file had on a written
    field is settled: the file now holds the archive's value.  The picture is the
    same, so a thumbnail made from the old bytes stays valid under the new hash."""
    old = conn.execute("SELECT content_hash, thumb_hash, conflicts, warnings, embedded FROM photos WHERE id=?",
                       (photo_id,)).fetchone()
    old_hash, thumb_hash, conflicts = old[0], old[1], json.loads(old[2] or "{}")
    current = get_record(conn, photo_id)
    overridden = meta.get("overridden") or {}
    own = {f: (overridden[f], True) for f in fields if f in overridden}
    for f in fields:
        conflicts.pop(f, None)
    later = _later_warnings(old[3], json.loads(old[4] or "{}").get("warnings"))
    size, mtime_ns, inode, sidecar_mtime_ns = stat
    values = dict(size=size, mtime_ns=mtime_ns, inode=inode, sidecar_mtime_ns=sidecar_mtime_ns,
                  content_hash=content_hash, fingerprint=fingerprint,
                  embedded=json.dumps(_without_echoes(meta, own, current), ensure_ascii=False),
                  conflicts=json.dumps(conflicts, ensure_ascii=False),
                  warnings=json.dumps(_with_later(meta.get("warnings") or [], later), ensure_ascii=False),
                  updated_at=now_iso())
    if thumb_hash is not None and thumb_hash == old_hash:
        values["thumb_hash"] = content_hash
    update_photo(conn, photo_id, values)
