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


# ---------------------------------------------------------------- whole-archive orders
#
# For results at any position in any order: per sort, every photo id in that order
# (a numpy array, made with one query, kept beside the data like the bitmaps).  A
# query's result, as a boolean mask over ids, is then ``ids[mask[ids]]`` in order.
# ``taken`` and ``imported`` carry a numeric key per position and are patched from the
# change log; ``name`` and ``creator`` are made again when a photo is added, removed,
# renamed or its photographers change (counted by schema version 8's triggers).

SORTS = ("taken", "imported", "name", "creator")
SLICES_UP_TO = 1_000        # changed photos patched into an order slice by slice; more: in one pass
_IMPORTED_SHIFT = 1 << 28


class Order:
    """Photo ids in a sort's stored direction; the last ``tail`` of them (no date, no
    photographer) stay last whichever way it is read."""

    def __init__(self, ids, keys=None, tail: int = 0, stored_descending: bool = False, packed=None):
        import numpy as np

        self._packed = packed        # arrays read from the archive when first used
        self._keys = None
        if packed is None:
            self._ids = np.asarray(ids, dtype=np.int32)
            self._keys = None if keys is None else np.asarray(keys, dtype=np.int64)
        self.tail = int(tail)
        self.stored_descending = stored_descending

    @property
    def ids(self):
        if self._packed is not None and not hasattr(self, "_ids"):
            self._ids = self._packed["ids"]
        return self._ids

    @property
    def rank(self):
        """rank[id] = the position of photo ``id`` in this order (a few photos' positions
        are a gather, not a walk); kept with the order, made when first asked otherwise."""
        if getattr(self, "_rank", None) is None:
            import numpy as np

            stored = self._packed.get("rank") if self._packed is not None else None
            if stored is not None:                  # packed with these ids
                self._rank = stored
            else:
                ids = self.ids
                rank = np.zeros(int(ids.max()) + 1 if len(ids) else 0, np.int32)
                rank[ids] = np.arange(len(ids), dtype=np.int32)
                self._rank = rank
        return self._rank

    def positions_of(self, ids, descending: bool):
        """The photos ``ids`` (all in this order) in this order read ``descending`` or not."""
        import numpy as np

        pos = np.sort(self.rank[ids])
        n = len(self.ids) - self.tail
        cut = int(np.searchsorted(pos, n))
        head, tail = pos[:cut], pos[cut:]
        if descending != self.stored_descending:
            head = head[::-1]
        return self.ids[np.concatenate([head, tail])] if self.tail else self.ids[head]

    @property
    def keys(self):
        if self._keys is None and self._packed is not None:
            self._keys = self._packed.get("keys")
        return self._keys

    def arrays(self) -> dict:
        import numpy as np

        out = {"ids": self.ids, "meta": np.array([self.tail, int(self.stored_descending)], np.int64)}
        if self.keys is not None:
            out["keys"] = self.keys
        out["rank"] = self.rank
        return out

    @classmethod
    def from_arrays(cls, a: dict) -> "Order":
        meta = a["meta"]
        return cls(None, None, int(meta[0]), bool(meta[1]), packed=a)

    def select(self, mask, descending: bool):
        """The ids of ``mask`` in this order, read ``descending`` or not."""
        import numpy as np

        n = len(self.ids) - self.tail
        head, tail = self.ids[:n], self.ids[n:]
        sel = head[mask[head]]
        if descending != self.stored_descending:
            sel = sel[::-1]
        if self.tail:
            sel = np.concatenate([sel, tail[mask[tail]]])
        return sel

    def first(self, mask, limit: int, descending: bool, *, chunk: int = 65_536):
        """The first ``limit`` ids of ``mask`` in this order, walking only as far as needed."""
        import numpy as np

        n = len(self.ids) - self.tail
        reverse = descending != self.stored_descending
        parts, found = [], 0
        spans = [(n - chunk * (i + 1), n - chunk * i) for i in range((n + chunk - 1) // chunk)] if reverse \
            else [(chunk * i, min(n, chunk * (i + 1))) for i in range((n + chunk - 1) // chunk)]
        for lo, hi in spans:
            part = self.ids[max(lo, 0):hi]
            part = part[mask[part]]
            if reverse:
                part = part[::-1]
            parts.append(part)
            found += len(part)
            if found >= limit:
                break
        if found < limit and self.tail:
            tail = self.ids[n:]
            parts.append(tail[mask[tail]])
        return np.concatenate(parts)[:limit] if parts else np.zeros(0, np.int32)


def _numeric(conn, sql: str, descending: bool, tail_from: int | None = None) -> Order:
    import numpy as np

    rows = conn.execute(sql).fetchall()
    a = np.array(rows, dtype=np.int64).reshape(-1, 2)
    tail = int((a[:, 1] >= tail_from).sum()) if tail_from is not None else 0
    return Order(a[:, 0], a[:, 1], tail, descending)


_ORDER_SQL = {
    "taken": "SELECT id, sort_key FROM photos ORDER BY sort_key",
    "imported": (f"SELECT id, coalesce(CAST(strftime('%s', added_at) AS INTEGER), 0) * {_IMPORTED_SHIFT} + id AS k "
                 "FROM photos ORDER BY k"),
}
_ORDER_AMONG = {
    "taken": "SELECT p.id, p.sort_key FROM json_each(?) j CROSS JOIN photos p ON p.id = j.value",
    "imported": (f"SELECT p.id, coalesce(CAST(strftime('%s', p.added_at) AS INTEGER), 0) * {_IMPORTED_SHIFT} + p.id "
                 "FROM json_each(?) j CROSS JOIN photos p ON p.id = j.value"),
}


def _build(conn, sort: str) -> Order:
    if sort == "taken":
        return _numeric(conn, _ORDER_SQL["taken"], True, base_key(UNDATED_SECONDS))
    if sort == "imported":
        return _numeric(conn, _ORDER_SQL["imported"], False)
    if sort == "name":
        rows = conn.execute("SELECT id, path FROM photos").fetchall()
        rows.sort(key=lambda r: (r[1].rsplit("/", 1)[-1].rsplit("\\", 1)[-1].casefold(), r[0]))
        return Order([r[0] for r in rows])
    # creator: the first photographer, case-insensitive; photos without one last.
    rows = conn.execute("SELECT id, json_extract(creator, '$[0]') FROM photos").fetchall()
    named = sorted((r for r in rows if r[1]), key=lambda r: (str(r[1]).casefold(), r[0]))
    rest = sorted(r[0] for r in rows if not r[1])
    return Order([r[0] for r in named] + rest, tail=len(rest))


def _patched(conn, sort: str, old: Order, changed) -> Order:
    import numpy as np

    ids = np.frombuffer(changed.to_array(), dtype=np.uint32).astype(np.int64)
    from archive.store.bitmaps import ids_json

    rows = conn.execute(_ORDER_AMONG[sort], (ids_json(ids),)).fetchall()
    fresh = np.array(rows, dtype=np.int64).reshape(-1, 2)
    fresh = fresh[np.argsort(fresh[:, 1], kind="stable")]
    if len(ids) > SLICES_UP_TO:
        # Many: one pass over the order drops them, their rows are inserted where they fall.
        drop = np.zeros(max(int(old.ids.max()) + 1 if len(old.ids) else 0, int(ids.max()) + 1), bool)
        drop[ids] = True
        keep = ~drop[old.ids]
        kept_ids, kept_keys = old.ids[keep], old.keys[keep]
        at = np.searchsorted(kept_keys, fresh[:, 1])
        new_ids = np.insert(kept_ids, at, fresh[:, 0].astype(np.int32))
        new_keys = np.insert(kept_keys, at, fresh[:, 1])
        tail = int((new_keys >= base_key(UNDATED_SECONDS)).sum()) if sort == "taken" else 0
        return Order(new_ids, new_keys, tail, old.stored_descending)
    # A few: where they were (through the order's rank, not a pass over it) they are
    # cut out, and their rows put back where their keys now fall; copied once, in slices.
    rank = old.rank
    inside = ids[ids < len(rank)]
    gone = rank[inside].astype(np.int64)
    gone = np.sort(gone[old.ids[gone] == inside]) if len(gone) else gone
    at = np.searchsorted(old.keys, fresh[:, 1])
    id_parts, key_parts, start = [], [], 0
    events = sorted([(int(p), 1, i) for i, p in enumerate(gone)] + [(int(p), 0, i) for i, p in enumerate(at)])
    for position, kind, i in events:
        id_parts.append(old.ids[start:position])
        key_parts.append(old.keys[start:position])
        start = position
        if kind == 1:
            start = position + 1                    # the old row of a changed photo, dropped
        else:
            id_parts.append(fresh[i:i + 1, 0].astype(np.int32))
            key_parts.append(fresh[i:i + 1, 1])
    id_parts.append(old.ids[start:])
    key_parts.append(old.keys[start:])
    new_ids, new_keys = np.concatenate(id_parts), np.concatenate(key_parts)
    tail = int((new_keys >= base_key(UNDATED_SECONDS)).sum()) if sort == "taken" else 0
    return Order(new_ids, new_keys, tail, old.stored_descending)


def order_generation(conn, sort: str) -> int | None:
    """The counter that moves when the ``name``/``creator`` order may have changed."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (f"order:{sort}",)).fetchone()
    return None if row is None else row[0]


def order(conn, sort: str, gen: int | None = None, *, archive=None) -> Order:
    """Every photo id in the order of ``sort``, current at generation ``gen``."""
    from archive.store.bitmaps import cached, generation, unpack

    if sort not in SORTS:
        raise ValueError(sort)
    gen = generation(conn) if gen is None else gen
    common = dict(decode=lambda d: Order.from_arrays(unpack(d)), encode=lambda o: o.arrays(),
                  build=lambda: _build(conn, sort), archive=archive, later=True)
    if sort in ("taken", "imported"):
        return cached(conn, f"order:{sort}", gen, patch=lambda old, changed: _patched(conn, sort, old, changed),
                      keep_patched=lambda changed: len(changed) >= 2_000, **common)
    counter = order_generation(conn, sort)
    if counter is None:       # an archive before version 8: only the generation says
        counter = gen
    return cached(conn, f"order:{sort}", counter, patch=None, **common)
