"""Bitmaps of photo ids: exact totals and facet counts over big result sets.

A query that matches half of a million photos cannot be counted row by row
in a few milliseconds, let alone grouped by photographer.  Each condition of
a query (a common word, a photographer, a place, a flag) is instead a
compressed bitmap of photo ids (roaring, via pyroaring); the result is their
intersection and the total its cardinality.

Facet counts use the same cache with a different shape (archive/store/facets.py).

Bitmaps are made from the store's own tables with one indexed query and kept
in ``bitmap_cache`` beside the data generation they were made at, and in
memory for a long-lived process such as the window.  The generation is the
last sequence number of the ``changes`` log, to which the schema's triggers
add the photo every write touches (schema version 5).  A bitmap made at an
older generation is brought up to date by judging only the photos logged
since: it drops them and adds back those that still match, so an edited
caption costs one probe per cached condition, not a rebuild of each.  When
too many photos changed (an import, a first check) or the log no longer
reaches back that far, the bitmap is made again.  A stale bitmap is never used.
"""

from __future__ import annotations

import hashlib
import json

import sqlean as sqlite3
from pyroaring import BitMap

_MEMORY: dict[tuple[str, str], tuple[int, object]] = {}
_MEMORY_LIMIT = 512

PATCH_LIMIT = 20_000        # more changed photos than this: make the bitmap again
LOG_KEEP = 500_000          # log entries kept when the log is pruned


def generation(conn) -> int:
    return conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]


def changed_since(conn, since: int, now: int):
    """The photo ids written between generations ``since`` and ``now`` as a BitMap,
    or None when they cannot be had cheaply: the log was pruned past ``since``, or
    more than PATCH_LIMIT photos changed."""
    if since >= now:
        return BitMap() if since == now else None
    oldest = conn.execute("SELECT min(seq) FROM changes").fetchone()[0]
    if oldest is None or oldest > since + 1:
        return None
    # A photo is usually logged a few times per write (its row and its facets).
    cap = PATCH_LIMIT * 8
    rows = conn.execute("SELECT photo_id FROM changes WHERE seq > ? AND seq <= ? AND photo_id IS NOT NULL "
                        "LIMIT ?", (since, now, cap + 1)).fetchall()
    if len(rows) > cap:
        return None
    ids = BitMap(r[0] for r in rows)
    return ids if len(ids) <= PATCH_LIMIT else None


def prune_changes(conn, keep: int = LOG_KEEP) -> int:
    """Forget all but the last ``keep`` log entries (inside the caller's
    transaction, or on its own); bitmaps older than what is left are made again.
    The newest entry always stays, so the sequence never restarts."""
    newest = generation(conn)
    cur = conn.execute("DELETE FROM changes WHERE seq <= ?", (newest - max(1, keep),))
    return cur.rowcount


def ids_json(ids) -> str:
    return json.dumps(list(ids))


def archive_identity(conn) -> tuple[str, int]:
    """Which archive a connection is on, for the in-memory caches: the database file and a
    random id the archive keeps in ``meta`` (made on first use), so two archives open in one
    process, or an archive replaced by another at the same path, never share a cache."""
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    row = conn.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()
    if row is None:
        import secrets

        made = secrets.randbits(62)
        try:
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('archive_id', ?)", (made,))
            row = conn.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()
        except sqlite3.OperationalError:
            row = None                         # read-only: the path alone, and the generation check
    return path, (row[0] if row else 0)


def cached(conn, key: str, gen: int, *, build, patch, decode, encode,
           changed=None, keep_patched=lambda changed: True):
    """A value made from the archive's tables (a bitmap, the facet pairs), current at
    generation ``gen``: from memory, else from ``bitmap_cache``; one made at an older
    generation is patched with the photos changed since (``patch(old, changed)``),
    else made again (``build()``).  What is made (or patched, when ``keep_patched``
    says so) is kept in ``bitmap_cache`` for the next process."""
    ident = archive_identity(conn)
    memo = _MEMORY.get((ident, key))
    if memo is not None and memo[0] == gen:
        return memo[1]
    if memo is None:
        row = conn.execute("SELECT generation, data FROM bitmap_cache WHERE key=?", (key,)).fetchone()
        if row is not None:
            memo = (row[0], decode(row[1]))
    if memo is not None and memo[0] == gen:
        value = memo[1]
    else:
        since = None
        if memo is not None:
            since = (changed or (lambda g: changed_since(conn, g, gen)))(memo[0])
        if since is not None:
            value = patch(memo[1], since)
            if keep_patched(since):
                _store(conn, key, gen, encode(value))
        else:
            value = build()
            _store(conn, key, gen, encode(value))
    if len(_MEMORY) >= _MEMORY_LIMIT:
        _MEMORY.clear()
    _MEMORY[(ident, key)] = (gen, value)
    return value


def _store(conn, key: str, gen: int, data: bytes) -> None:
    if conn.in_transaction:
        return
    try:
        conn.execute("INSERT OR REPLACE INTO bitmap_cache(key, generation, data) VALUES (?,?,?)", (key, gen, data))
    except sqlite3.OperationalError:
        pass  # read-only or busy archive: still right, just not kept


_FTS = "photo_fts JOIN photos p ON p.sort_key = photo_fts.rowid"
# The same conditions judged for a few photos only, driven from their ids.
_FTS_AMONG = ("json_each(?) j CROSS JOIN photos p ON p.id = j.value "
              "CROSS JOIN photo_fts ON photo_fts.rowid = p.sort_key")
_AMONG = "json_each(?) j CROSS JOIN photos p ON p.id = j.value"


class Bitmaps:
    """Bitmaps for one archive connection at its current generation."""

    def __init__(self, conn):
        self.conn = conn
        self.generation = generation(conn)
        self._changed: dict[int, object] = {}

    def changed(self, since: int):
        """changed_since(since, now), asked once per older generation."""
        if since not in self._changed:
            self._changed[since] = changed_since(self.conn, since, self.generation)
        return self._changed[since]

    def of(self, where: str, params=(), *, fts: bool = False) -> BitMap:
        """The ids of the photos ``p`` for which ``where`` holds (joined with the
        full-text index as ``photo_fts`` when ``fts``)."""
        params = tuple(params)
        key = hashlib.blake2b(repr((fts, where, params)).encode(), digest_size=16).hexdigest()
        sql = f"SELECT p.id FROM {_FTS if fts else 'photos p'} WHERE {where}"
        return cached(self.conn, key, self.generation,
                      build=lambda: BitMap(r[0] for r in self.conn.execute(sql, params)),
                      patch=lambda old, changed: (old - changed) | self._among(where, params, changed, fts),
                      decode=BitMap.deserialize, encode=lambda b: b.serialize(), changed=self.changed)

    def _among(self, where: str, params, ids, fts: bool) -> BitMap:
        """Which of ``ids`` ``where`` holds for, judged photo by photo (a condition
        that matches half the archive is not evaluated in full)."""
        if not ids:
            return BitMap()
        sql = f"SELECT p.id FROM {_FTS_AMONG if fts else _AMONG} WHERE {where}"
        return BitMap(r[0] for r in self.conn.execute(sql, (ids_json(ids), *params)))

    def all_photos(self) -> BitMap:
        return self.of("1")
