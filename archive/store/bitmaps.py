"""Bitmaps of photo ids: exact totals and facet counts over big result sets.

A query that matches half of a million photos cannot be counted row by row
in a few milliseconds, let alone grouped by photographer.  Each condition of
a query (a common word, a photographer, a place, a flag) is instead a
compressed bitmap of photo ids (roaring, via pyroaring); the result is their
intersection and the total its cardinality.

Facet counts use the same cache with a different shape (archive/store/facets.py).

Bitmaps are made from the store's own tables with one indexed query and kept
in ``bitmap_cache`` beside the data generation they were made at (triggers
move the generation on with every write), and in memory for a long-lived
process such as the window.  A stale bitmap is never used.
"""

from __future__ import annotations

import hashlib

import sqlean as sqlite3
from pyroaring import BitMap

_MEMORY: dict[tuple[str, str], tuple[int, BitMap]] = {}
_MEMORY_LIMIT = 512


def generation(conn) -> int:
    return conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0]


class Bitmaps:
    """Bitmaps for one archive connection at its current generation."""

    def __init__(self, conn, db_path: str = ""):
        self.conn = conn
        self.db_path = db_path
        self.generation = generation(conn)

    def of(self, sql: str, params=()) -> BitMap:
        """The photo ids that ``sql`` (selecting one id column) returns."""
        key = hashlib.blake2b(repr((sql, tuple(params))).encode(), digest_size=16).hexdigest()
        memo = _MEMORY.get((self.db_path, key))
        if memo is not None and memo[0] == self.generation:
            return memo[1]
        row = self.conn.execute("SELECT generation, data FROM bitmap_cache WHERE key=?", (key,)).fetchone()
        if row is not None and row[0] == self.generation:
            bitmap = BitMap.deserialize(row[1])
        else:
            bitmap = BitMap(r[0] for r in self.conn.execute(sql, params))
            self._store(key, bitmap)
        if len(_MEMORY) >= _MEMORY_LIMIT:
            _MEMORY.clear()
        _MEMORY[(self.db_path, key)] = (self.generation, bitmap)
        return bitmap

    def _store(self, key: str, bitmap: BitMap) -> None:
        if self.conn.in_transaction:
            return
        try:
            self.conn.execute("INSERT OR REPLACE INTO bitmap_cache(key, generation, data) VALUES (?,?,?)",
                              (key, self.generation, bitmap.serialize()))
        except sqlite3.OperationalError:
            pass  # read-only or busy archive: the bitmap is still right, just not kept

    def all_photos(self) -> BitMap:
        return self.of("SELECT id FROM photos")
