"""Every photo id in a sort order, for results at any position.

A contact sheet over a million results needs the 50 rows at 73% of them
without walking 730,000 keys.  For each sort there is one array of every photo
id in that order (numpy int32, 4 MB at a million photos), made with one indexed
query, kept in ``bitmap_cache`` for the next process and in memory; a query's
result (a bitmap of ids) becomes its ordered ids by one mask over the array
(``order[mask[order]]``, a few milliseconds at a million), and a page is a
slice of that.

Sorts, each in its natural direction:

- ``taken``: capture time, newest first (the sort key; undated photos last);
  brought up to date after writes by moving only the photos the change log names;
- ``imported``: import order, oldest first (the photo id: ids are given at import);
- ``name``: file name, A to Z, case-insensitive;
- ``creator``: first photographer, A to Z (photos without one last).

``name`` and ``creator`` are made again after a write that changed the archive.
"""

from __future__ import annotations

import io
import json
import os

import numpy as np

from archive.store.bitmaps import cached, generation

SORTS = ("taken", "imported", "name", "creator")
NATURAL_DESCENDING = {"taken": True, "imported": False, "name": False, "creator": False}


def _encode(value) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, *value)
    return buf.getvalue()


def _decode(data: bytes):
    with np.load(io.BytesIO(data)) as z:
        return tuple(z[f"arr_{i}"] for i in range(len(z.files)))


def _taken(conn):
    rows = conn.execute("SELECT id, sort_key FROM photos ORDER BY sort_key").fetchall()
    if not rows:
        return np.zeros(0, np.int32), np.zeros(0, np.int64)
    arr = np.array(rows, dtype=np.int64)
    return arr[:, 0].astype(np.int32), arr[:, 1].copy()


def _patch_taken(conn, old, changed):
    ids, keys = old
    changed_ids = np.fromiter(changed, dtype=np.int32)
    keep = ~np.isin(ids, changed_ids)
    ids, keys = ids[keep], keys[keep]
    if len(changed_ids):
        rows = conn.execute(
            "SELECT p.id, p.sort_key FROM json_each(?) j JOIN photos p ON p.id = j.value ORDER BY p.sort_key",
            (json.dumps(changed_ids.tolist()),)).fetchall()
        if rows:
            new = np.array(rows, dtype=np.int64)
            at = np.searchsorted(keys, new[:, 1])
            ids = np.insert(ids, at, new[:, 0].astype(np.int32))
            keys = np.insert(keys, at, new[:, 1])
    return ids, keys


def _imported(conn):
    ids = np.fromiter((r[0] for r in conn.execute("SELECT id FROM photos ORDER BY id")), dtype=np.int32)
    return (ids,)


def _by_text(conn, sql):
    rows = conn.execute(sql).fetchall()
    if not rows:
        return (np.zeros(0, np.int32),)
    keyed = sorted(rows, key=lambda r: (r[1] is None or r[1] == "", (r[1] or "").casefold(), r[0]))
    return (np.fromiter((r[0] for r in keyed), dtype=np.int32, count=len(keyed)),)


def _name(conn):
    rows = [(pid, os.path.basename(path)) for pid, path in conn.execute("SELECT id, path FROM photos")]
    keyed = sorted(rows, key=lambda r: (r[1].casefold(), r[0]))
    return (np.fromiter((r[0] for r in keyed), dtype=np.int32, count=len(keyed)),)


def _creator(conn):
    return _by_text(conn, "SELECT id, json_extract(creator, '$[0]') FROM photos")


def order(conn, sort: str) -> np.ndarray:
    """Every photo id in ``sort``'s natural order (see the module doc)."""
    gen = generation(conn)
    if sort == "taken":
        value = cached(conn, "order:taken", gen, build=lambda: _taken(conn),
                       patch=lambda old, changed: _patch_taken(conn, old, changed),
                       decode=_decode, encode=_encode)
        return value[0]
    build = {"imported": _imported, "name": _name, "creator": _creator}[sort]
    value = cached(conn, f"order:{sort}", gen, build=lambda: build(conn),
                   patch=lambda old, changed: build(conn), decode=_decode, encode=_encode)
    return value[0]


def ordered_result(order_ids: np.ndarray, result_ids) -> np.ndarray:
    """The ids of ``result_ids`` (a pyroaring BitMap) in the order of ``order_ids``."""
    if not len(order_ids):
        return order_ids
    ids = np.frombuffer(result_ids.to_array(), dtype=np.uint32) if len(result_ids) else np.zeros(0, np.uint32)
    size = int(max(order_ids.max(), ids.max() if len(ids) else 0)) + 1
    mask = np.zeros(size, dtype=bool)
    mask[ids] = True
    return order_ids[mask[order_ids]]
