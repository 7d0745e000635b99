"""Facet counts for any result, exact, in a few milliseconds at a million photos.

Every (photo, facet value) pair of the archive is held as two parallel
integer arrays, photo ids and value ids, made from ``photo_facets`` once and
kept in ``bitmap_cache`` and in memory; after a write only the pairs of the
photos logged since are read again (see archive/store/bitmaps.py).  Counting a
result is then three vectorised steps: mark the result's photos in a
membership array, keep the pairs whose photo is marked, and ``bincount`` their
value ids.  The cost depends on the archive's size, not on the result's or on
how its values are spread, so a query that matches half the archive counts as
fast as one that matches fifty photos.
"""

from __future__ import annotations

import numpy as np

from archive.store.bitmaps import archive_key, cached, generation, ids_json, unpack

_KEY = "facet-pairs"
KEEP_AFTER = 2_000          # photos changed since the stored pairs before a patched copy is stored


class Pairs:
    """The (photo, value) pairs in photo order, with where each photo's pairs start
    (``offsets``, so a small result reads only its own pairs)."""

    def __init__(self, photo_ids: np.ndarray, value_ids: np.ndarray, offsets: np.ndarray | None = None):
        self.photo_ids = photo_ids
        self.value_ids = value_ids
        self._offsets = offsets
        self._totals = None
        self._per_photo = None

    @property
    def offsets(self) -> np.ndarray:
        """offsets[i] .. offsets[i + 1] are the pairs of photo i."""
        if self._offsets is None:
            counts = np.bincount(self.photo_ids) if len(self.photo_ids) else np.zeros(0, np.int64)
            self._offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return self._offsets

    @property
    def per_photo(self) -> np.ndarray:
        """How many pairs each photo has (kept: every count of a big result repeats it)."""
        if self._per_photo is None:
            self._per_photo = np.diff(self.offsets).astype(np.int32)
        return self._per_photo

    def __len__(self) -> int:
        return len(self.photo_ids)

    def encode(self) -> dict:
        return {"photo_ids": self.photo_ids.astype(np.uint32, copy=False),
                "value_ids": self.value_ids.astype(np.uint32, copy=False),
                "offsets": self.offsets, "totals": self.totals.astype(np.int64, copy=False)}

    @classmethod
    def decode(cls, data) -> "Pairs":
        a = unpack(data)
        pairs = cls(a["photo_ids"], a["value_ids"], a["offsets"])
        if "totals" in a:
            pairs._totals = a["totals"]
        return pairs

    @property
    def totals(self) -> np.ndarray:
        """How many photos have each value id, over the whole archive."""
        if self._totals is None:
            self._totals = np.bincount(self.value_ids) if len(self.value_ids) else np.zeros(0, np.int64)
        return self._totals

    def _counts_of_few(self, member: np.ndarray) -> np.ndarray:
        return self.counts_of_ids(np.flatnonzero(member))

    def counts_of_ids(self, ids: np.ndarray) -> np.ndarray:
        """How many of the photos ``ids`` have each value id (reads their runs of pairs only)."""
        offsets = self.offsets
        ids = ids[ids < len(offsets) - 1]
        starts = self.offsets[ids]
        lengths = self.offsets[ids + 1] - starts
        size = int(lengths.sum())
        if not size:
            return np.zeros(0, np.int64)
        run_start = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return np.bincount(self.value_ids[run_start + np.arange(size)])

    def counts(self, mask: np.ndarray, total: int | None = None) -> np.ndarray:
        """How many photos of ``mask`` have each value id."""
        offsets = self.offsets
        n = len(offsets) - 1
        member = mask[:n]
        if len(member) < n:
            member = np.concatenate([member, np.zeros(n - len(member), bool)])
        inside = int(np.count_nonzero(member))
        if inside * 8 < n:
            # A small result: read its photos' runs of pairs only.
            return self._counts_of_few(member)
        if (n - inside) * 8 < n:
            # Nearly everything: the whole archive's counts less those of the few left out.
            out = self.totals.copy()
            left_out = self._counts_of_few(~member)
            out[:len(left_out)] -= left_out
            return out
        # The pairs are in photo order: each photo's mark repeated over its pairs is the
        # mask of the result's pairs (faster than looking every pair's photo up).
        return np.bincount(self.value_ids[np.repeat(member, self.per_photo)])


def _pairs(conn, gen: int | None = None, archive=None) -> Pairs:
    # Writing megabytes back for an edited caption would cost more than the patch:
    # a patched copy is kept only once many photos have changed.
    gen = generation(conn) if gen is None else gen
    return cached(conn, _KEY, gen, build=lambda: _read_all(conn),
                  patch=lambda old, changed: _patched(conn, old, changed), decode=Pairs.decode,
                  encode=Pairs.encode, keep_patched=lambda changed: len(changed) >= KEEP_AFTER, archive=archive,
                  later=True)


def _read_all(conn) -> Pairs:
    """Every pair, in photo order (so marking a result walks memory in sequence).
    Read as one packed integer per row in the table's own order and sorted by
    numpy: twice as fast as asking SQLite for two columns in photo order."""
    cur = conn.execute("SELECT (photo_id << 32) | value_id FROM photo_facets")
    packed = np.fromiter((row[0] for row in cur), dtype=np.uint64)
    packed.sort()
    return Pairs((packed >> 32).astype(np.uint32), (packed & 0xFFFFFFFF).astype(np.uint32))


OVERLAY_MAX = 50_000        # changed photos counted beside the older pairs; more: the arrays are merged


def _patched(conn, pairs, changed):
    """The pairs with those of the ``changed`` photos read again (a few photos'
    rows through the photo_id index, not the whole table): for a few photos an
    overlay on the older pairs (nothing copied), else merged into new arrays."""
    if isinstance(pairs, _Overlay):
        base, ids = pairs.base, pairs.changed | changed
    else:
        base, ids = pairs, changed
    rows = conn.execute("SELECT f.photo_id, f.value_id FROM json_each(?) j "
                        "CROSS JOIN photo_facets f ON f.photo_id = j.value ORDER BY f.photo_id",
                        (ids_json(changed),)).fetchall()
    fresh = np.array(rows, dtype=np.uint32).reshape(-1, 2).T if rows else np.zeros((2, 0), np.uint32)
    if isinstance(pairs, _Overlay) and len(pairs.fresh[0]):
        # The earlier overlay's pairs, less those of the photos read again now.
        older = pairs.fresh
        gone = np.frombuffer(changed.to_array(), dtype=np.uint32)
        at = np.minimum(np.searchsorted(gone, older[0]), max(0, len(gone) - 1))
        keep = gone[at] != older[0] if len(gone) else np.ones(len(older[0]), bool)
        both = np.concatenate([older[:, keep], fresh], axis=1)
        fresh = both[:, np.argsort(both[0], kind="stable")]
    overlay = _Overlay(base, ids, fresh)
    return overlay if len(ids) <= OVERLAY_MAX else overlay.merged()


class _Overlay:
    """Older pairs with a few photos' pairs read again, not copied: a count is the
    older pairs' count, less their pairs of the changed photos, plus the new pairs."""

    def __init__(self, base: Pairs, changed, fresh: np.ndarray):
        self.base = base
        self.changed = changed                                            # a BitMap
        self.ids = np.frombuffer(changed.to_array(), dtype=np.uint32).astype(np.intp)
        self.fresh = fresh                                                # [photo ids; value ids], by photo
        self._merged = None
        self._totals = None

    def __len__(self) -> int:
        return len(self.base.photo_ids) + len(self.fresh[0])

    def merged(self) -> Pairs:
        if self._merged is None:
            self._merged = _merge(self.base, self.ids, self.fresh)
        return self._merged

    def __getattr__(self, name):            # photo_ids, value_ids, offsets, per_photo
        if name in ("photo_ids", "value_ids", "offsets", "per_photo"):
            return getattr(self.merged(), name)
        raise AttributeError(name)

    def encode(self) -> dict:
        return self.merged().encode()

    @property
    def totals(self) -> np.ndarray:
        if self._totals is None:
            self._totals = _combine(self.base.totals, self.base.counts_of_ids(self.ids),
                                    np.bincount(self.fresh[1]) if len(self.fresh[1]) else None)
        return self._totals

    def counts(self, mask: np.ndarray, total: int | None = None) -> np.ndarray:
        ids = self.ids[self.ids < len(mask)]
        inside = ids[mask[ids]]
        fp, fv = self.fresh
        fp_ok = fp < len(mask)
        new = fv[fp_ok][mask[fp[fp_ok].astype(np.intp)]]
        return _combine(self.base.counts(mask, total), self.base.counts_of_ids(inside),
                        np.bincount(new) if len(new) else None)

    def counts_of_ids(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids)
        at = np.minimum(np.searchsorted(self.ids, ids), max(0, len(self.ids) - 1))
        changed = ids[self.ids[at] == ids] if len(self.ids) else ids[:0]
        fp, fv = self.fresh
        at = np.minimum(np.searchsorted(ids, fp), max(0, len(ids) - 1))
        new = fv[ids[at] == fp] if len(ids) else fv[:0]
        return _combine(self.base.counts_of_ids(ids), self.base.counts_of_ids(changed),
                        np.bincount(new) if len(new) else None)


def _combine(counts: np.ndarray, less: np.ndarray, more: np.ndarray | None) -> np.ndarray:
    """counts - less + more, however long each is."""
    size = max(len(counts), len(less), 0 if more is None else len(more))
    out = np.zeros(size, np.int64)
    out[:len(counts)] += counts
    out[:len(less)] -= less
    if more is not None:
        out[:len(more)] += more
    return out


def _merge(pairs: Pairs, ids: np.ndarray, fresh: np.ndarray) -> Pairs:
    """The pairs with those of the photos ``ids`` (ascending) replaced by ``fresh``
    (by photo), still in photo order: each changed photo's run of pairs is cut out
    and its new pairs put in its place, so the arrays are copied once in slices."""
    ids = np.asarray(ids, dtype=np.uint32)
    old_p, old_v = pairs.photo_ids, pairs.value_ids
    runs = zip(np.searchsorted(old_p, ids, "left"), np.searchsorted(old_p, ids, "right"),
               np.searchsorted(fresh[0], ids, "left"), np.searchsorted(fresh[0], ids, "right"))
    photo_parts, value_parts, start = [], [], 0
    for lo, hi, new_lo, new_hi in runs:
        photo_parts += [old_p[start:lo], fresh[0][new_lo:new_hi]]
        value_parts += [old_v[start:lo], fresh[1][new_lo:new_hi]]
        start = hi
    photo_parts.append(old_p[start:])
    value_parts.append(old_v[start:])
    # Where each photo's pairs start, from the old counts with the changed photos' new ones.
    per_photo = pairs.per_photo
    size = max(len(per_photo), int(ids.max()) + 1 if len(ids) else 0)
    if size > len(per_photo):
        per_photo = np.concatenate([per_photo, np.zeros(size - len(per_photo), per_photo.dtype)])
    else:
        per_photo = per_photo.copy()
    per_photo[ids] = np.searchsorted(fresh[0], ids, "right") - np.searchsorted(fresh[0], ids, "left")
    offsets = np.concatenate([[0], np.cumsum(per_photo)]).astype(np.int64)
    return Pairs(np.concatenate(photo_parts), np.concatenate(value_parts), offsets)


def _quote(value: str) -> str:
    value = str(value)
    if value and all(ch.isalnum() or ch in "-_.:/" for ch in value) and ":" not in value[:1]:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_TERM_FIELD = {"creator": "by", "place": "city", "agency": "agency", "licence": "licence", "rules": "rules"}


def term_for(kind: str, name: str) -> str:
    """The query term whose total is the count shown beside a facet value."""
    if kind == "clearance":
        return "clearance:" + str(name).replace(" ", "_")
    if kind in ("year", "month"):
        return f"taken:{name}"
    if kind == "folder":
        return "folder:" + _quote(name)
    return f"{_TERM_FIELD.get(kind, kind)}:{_quote(name)}"


_KINDS: dict = {}     # archive -> (newest value id, how many, kind code per value id, kind names)


def _value_kinds(conn, archive) -> tuple[np.ndarray, list[str]]:
    """The kind of every facet value, as a small code per value id.  Values are only
    ever added (an id names one kind for ever), so the table is read again only when
    it grew: a count then picks each kind's values without a Python loop over them
    (a real archive has tens of thousands of photographers and places)."""
    newest, many = conn.execute("SELECT coalesce(max(id), 0), count(*) FROM facet_values").fetchone()
    key = archive or archive_key(conn)
    memo = _KINDS.get(key)
    if memo is not None and memo[0] == newest and memo[1] == many:
        return memo[2], memo[3]
    names: list[str] = []
    codes = np.full(newest + 1, -1, np.int16)
    for vid, kind in conn.execute("SELECT id, kind FROM facet_values"):
        try:
            code = names.index(kind)
        except ValueError:
            names.append(kind)
            code = len(names) - 1
        codes[vid] = code
    if len(_KINDS) > 16:
        _KINDS.clear()
    _KINDS[key] = (newest, many, codes, names)
    return codes, names


def _top_values(conn, counts: np.ndarray, kinds, top: int, archive) -> dict:
    """Each kind's ``top`` values by count (ties by name), as [name, count, term]:
    only the values that can be among them are named (read from the table)."""
    codes, kind_names = _value_kinds(conn, archive)
    nonzero = np.flatnonzero(counts)
    nonzero = nonzero[nonzero < len(codes)]
    of_kind = codes[nonzero]
    wanted: dict[str, np.ndarray] = {}
    for code, kind in enumerate(kind_names):
        if kind not in kinds:
            continue
        vids = nonzero[of_kind == code]
        if len(vids) > top:
            c = counts[vids]
            cutoff = np.partition(c, len(c) - top)[len(c) - top]    # the top-th largest count
            vids = vids[c >= cutoff]                               # ties at the cut kept, named below
        if len(vids):
            wanted[kind] = vids
    names: dict[int, str] = {}
    every = np.concatenate(list(wanted.values())) if wanted else np.zeros(0, np.int64)
    for start in range(0, len(every), 900):
        chunk = [int(v) for v in every[start:start + 900]]
        marks = ",".join("?" * len(chunk))
        names.update(conn.execute(f"SELECT id, name FROM facet_values WHERE id IN ({marks})", chunk).fetchall())
    out = {}
    for kind, vids in wanted.items():
        values = sorted(((names[int(v)], int(counts[v])) for v in vids if int(v) in names),
                        key=lambda x: (-x[1], x[0]))[:top]
        out[kind] = [[n, c, term_for(kind, n)] for n, c in values]
    return out


def count_facets(conn, mask, kinds, *, top: int = 20, gen: int | None = None, archive=None, ids=None) -> dict:
    """Exact counts of the ``top`` values of each kind among the photos in ``mask``
    (a boolean array over photo ids, or a bitmap), or of the photos ``ids`` (a few,
    ascending: no mask over the archive is made), each as [name, count, term]."""
    from archive.store.bitmaps import columns, mask_of

    out = {kind: [] for kind in kinds}
    if ids is not None:
        if not len(ids):
            return out
    else:
        if not isinstance(mask, np.ndarray):
            bm = mask
            mask = mask_of(bm, int(bm.max()) + 1 if len(bm) else 0)
        if not mask.any():
            return out
    pairs = _pairs(conn, gen, archive)
    if len(pairs):
        if ids is not None:
            counts = pairs.counts_of_ids(ids)
        else:
            counts = pairs.counts(mask, int(np.count_nonzero(mask)))
        out.update(_top_values(conn, counts, [k for k in kinds if k in out], top, archive))
    if {"folder", "year", "month"} & set(kinds):
        cols = columns(conn, gen, archive=archive)
        m = mask[:cols.size] if ids is None else ids[ids < cols.size]
        if "folder" in out:
            folders = cols.folder[m]
            counts = np.bincount(folders[folders > 0])
            nonzero = np.flatnonzero(counts)
            best = nonzero[np.lexsort((nonzero, -counts[nonzero]))][:top]
            paths = {}
            for start in range(0, len(best), 900):
                chunk = [int(v) for v in best[start:start + 900]]
                marks = ",".join("?" * len(chunk))
                paths.update(conn.execute(f"SELECT id, path FROM folders WHERE id IN ({marks})", chunk).fetchall())
            out["folder"] = [[paths[int(f)], int(counts[f]), term_for("folder", paths[int(f)])]
                             for f in best if int(f) in paths]
        if "year" in out or "month" in out:
            from archive.store.bitmaps import NO_MONTH

            months = cols.month[m]
            months = months[months != NO_MONTH].astype(np.int64)   # months since 1970-01
            if len(months):
                lo = int(months.min())
                mcounts = np.bincount(months - lo)
                nz = np.flatnonzero(mcounts)
                if "month" in out:
                    out["month"] = []
                    for i in nz[::-1][:top]:
                        name = f"{(lo + int(i)) // 12 + 1970:04d}-{(lo + int(i)) % 12 + 1:02d}"
                        out["month"].append([name, int(mcounts[i]), term_for("month", name)])
                if "year" in out:
                    years = {}
                    for i in nz:
                        year = (lo + int(i)) // 12 + 1970
                        years[year] = years.get(year, 0) + int(mcounts[i])
                    out["year"] = [[f"{y:04d}", c, term_for("year", f"{y:04d}")]
                                   for y, c in sorted(years.items(), reverse=True)[:top]]
    return out
