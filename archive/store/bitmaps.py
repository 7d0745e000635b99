"""Bitmaps and per-photo arrays: totals, facets and positions at a million photos.

A million photos cannot be counted row by row in a few milliseconds, let alone
grouped by photographer.  Each condition of a query (a word, a photographer, a
place) is instead a compressed bitmap of photo ids (roaring, via pyroaring),
and the conditions on the photo row (dates, folders, has:/is: flags) are
vectorised over a few per-photo arrays (:class:`Columns`); a result is a
boolean mask over photo ids and its total the mask's count.

Everything here is made from the store's own tables with one indexed query and
kept beside the data generation it was made at: small values (bitmaps) in
``bitmap_cache``, big arrays (the columns, the sort orders, the facet pairs) in
files beside the database (``archive.db-search/``) that a fresh process reads
in a few milliseconds, each named by a row of ``bitmap_cache`` carrying a
random token the file must carry too (so deleting the rows forgets the files),
and in memory for a long-lived process such as the window.  Memory is keyed by
the database itself (its random ``archive_id`` in ``meta`` and its file), so
two archives open in one process never share a cached value.

The generation is the last sequence number of the ``changes`` log, to which
the schema's triggers add the photo every write touches (schema version 5).  A
value made at an older generation is brought up to date by judging only the
photos logged since: a bitmap drops them and adds back those that still match,
so an edited caption costs one probe per cached condition, not a rebuild of
each.  When too many photos changed (an import, a first check) or the log no
longer reaches back that far, the value is made again.  A stale value is never
used.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import secrets
import struct
import threading
from pathlib import Path

import numpy as np
import sqlean as sqlite3
from pyroaring import BitMap

_MEMORY: dict[tuple, tuple[int, object]] = {}
_MEMORY_LIMIT = 512

PATCH_LIMIT = 20_000        # more changed photos than this: make the value again
LOG_KEEP = 500_000          # log entries kept when the log is pruned
FILE_MIN = 1 << 20          # values bigger than this (bytes) are kept in a file beside the database
_MAGIC = b"PDSC"
_MAGIC8 = b"PDS8"     # the same, its data aligned at byte 24
_MAGIC9 = b"PDS9"     # the same, the file named by the key and the token


def generation(conn) -> int:
    return conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]


def archive_key(conn) -> tuple:
    """What names this database in memory: its random id and its file."""
    path = ""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            path = file or ""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()
    except sqlite3.OperationalError:
        row = None
    ident = row[0] if row else None
    if not path:
        ident = (ident, id(conn))       # an in-memory database is its connection
    return (ident, path)


_FORGET = []      # other in-memory caches made from these values (search results)


def forget_memory() -> None:
    """Drop every value held in memory (tests; a process that wants a cold start)."""
    _MEMORY.clear()
    for forget in _FORGET:
        forget()


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
    # An import or a sync ends here: a big archive gets what search needs made and
    # kept in the background (see ``prepare_later``).
    prepare_later(conn)
    return cur.rowcount


def ids_json(ids) -> str:
    return json.dumps([int(i) for i in ids])


# ---------------------------------------------------------------- arrays as bytes

def pack(arrays: dict) -> bytes:
    """Named numpy arrays as one byte string (a JSON header, then the raw arrays)."""
    # Each array starts at a multiple of 8 bytes (when the packed bytes do), so a mapped
    # file's arrays are used in place, aligned.
    head = {"_align": 8, **{name: [a.dtype.str, int(a.size)] for name, a in arrays.items()}}
    text = json.dumps(head).encode()
    text += b" " * (-(4 + len(text)) % 8)
    parts = [struct.pack("<I", len(text)), text]
    for a in arrays.values():
        raw = np.ascontiguousarray(a).tobytes()
        parts += [raw, b"\0" * (-len(raw) % 8)]
    return b"".join(parts)


def unpack(data) -> "Packed":
    """The arrays of ``pack``: from bytes, or (a stored file) read one by one when first used."""
    return Packed(data)


class Packed:
    """Named arrays packed by ``pack``, in memory or in a file; a file's arrays are read
    when first asked for, so a query that needs one column does not read them all."""

    def __init__(self, source):
        self._loaded: dict = {}
        self._file = None
        if isinstance(source, _FileRef):
            # Mapped, not read: a fresh process touches (and the OS faults in from its
            # page cache) only the pages a query reads, and copies nothing; a file
            # replaced later stays readable through the mapping.
            with open(source.path, "rb") as f:
                try:
                    self._data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
                except (ValueError, OSError):
                    f.seek(0)
                    self._data = f.read()
            (size,) = struct.unpack_from("<I", self._data, source.offset)
            head = json.loads(bytes(self._data[source.offset + 4:source.offset + 4 + size]))
            pos = source.offset + 4 + size
        else:
            self._data = source
            (size,) = struct.unpack_from("<I", source, 0)
            head = json.loads(bytes(source[4:4 + size]))
            pos = 4 + size
        self._where = {}
        align = head.pop("_align", 1)
        for name, (dtype, count) in head.items():
            dt = np.dtype(dtype)
            self._where[name] = (dt, count, pos)
            pos += dt.itemsize * count
            pos += -pos % align if align > 1 else 0

    def __contains__(self, name) -> bool:
        return name in self._where

    def get(self, name, default=None):
        return self[name] if name in self._where else default

    def __getitem__(self, name) -> np.ndarray:
        value = self._loaded.get(name)
        if value is None:
            dt, count, pos = self._where[name]
            value = np.frombuffer(self._data, dtype=dt, count=count, offset=pos)
            if not value.flags.aligned:
                value = value.copy()        # stored before arrays were aligned
            self._loaded[name] = value
        return value


class _FileRef:
    """A value stored in a file beside the database, from ``offset`` on."""

    def __init__(self, path, offset: int):
        self.path, self.offset = path, offset

    def __bytes__(self) -> bytes:
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            return f.read()


# ---------------------------------------------------------------- the cache

def _sidecar_dir(conn) -> Path | None:
    path = archive_key(conn)[1]
    return Path(path + "-search") if path else None


def _read_stored(conn, key: str):
    """(generation, bytes) of a stored value, or None."""
    row = conn.execute("SELECT generation, data FROM bitmap_cache WHERE key=?", (key,)).fetchone()
    if row is None:
        return None
    gen, data = row
    magic = bytes(data[:4])
    if magic not in (_MAGIC, _MAGIC8, _MAGIC9):
        return gen, data
    # A file beside the database, named by the key (and, since PDS9, the row's token),
    # carrying the row's token.
    token = bytes(data[4:20])
    folder = _sidecar_dir(conn)
    if folder is None:
        return None
    path = folder / (_file_name(key, token) if magic == _MAGIC9 else _file_name(key))
    try:
        with open(path, "rb") as f:
            if f.read(20) != magic + token:
                return None
    except OSError:
        return None
    return gen, _FileRef(path, 20 if magic == _MAGIC else 24)


def _file_name(key: str, token: bytes | None = None) -> str:
    stem = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    return stem + ".bin" if token is None else f"{stem}-{token[:8].hex()}.bin"


def _write_packed(f, arrays: dict) -> None:
    """``pack(arrays)`` written straight from the arrays (no copy of them in memory)."""
    head = {"_align": 8, **{name: [a.dtype.str, int(a.size)] for name, a in arrays.items()}}
    text = json.dumps(head).encode()
    text += b" " * (-(4 + len(text)) % 8)
    f.write(struct.pack("<I", len(text)) + text)
    for a in arrays.values():
        a = np.ascontiguousarray(a)
        f.write(memoryview(a).cast("B") if a.size else b"")
        f.write(b"\0" * (-a.nbytes % 8))


def _store(conn, key: str, gen: int, data) -> None:
    """Keep a value (bytes, or named arrays) for later processes: in ``bitmap_cache``,
    or when big in a file beside the database named by the row."""
    if conn.in_transaction:
        return
    try:
        size = sum(a.nbytes for a in data.values()) if isinstance(data, dict) else len(data)
        folder = _sidecar_dir(conn) if size > FILE_MIN else None
        if folder is not None:
            # A new file each time (never one that a process may have mapped, which
            # Windows would not let be replaced); older ones removed when they can be.
            token = secrets.token_bytes(16)
            folder.mkdir(exist_ok=True)
            target = folder / _file_name(key, token)
            tmp = target.with_suffix(".tmp")
            with open(tmp, "wb") as f:
                f.write(_MAGIC9 + token + bytes(4))       # the data from byte 24 on
                if isinstance(data, dict):
                    _write_packed(f, data)
                else:
                    f.write(data)
            os.replace(tmp, target)
            data = _MAGIC9 + token
        elif isinstance(data, dict):
            data = pack(data)
        conn.execute("INSERT OR REPLACE INTO bitmap_cache(key, generation, data) VALUES (?,?,?)", (key, gen, data))
        if key == _KEY_COLUMNS:
            _drop_old_columns(conn)
        if folder is not None:
            stem = _file_name(key)[:-4]
            for old in list(folder.glob(stem + "*.bin")):
                if old.name != target.name:
                    try:
                        old.unlink()
                    except OSError:
                        pass            # mapped by a process (Windows): removed another time
    except (sqlite3.Error, OSError):
        pass  # read-only or busy archive: still right, just not kept


def _drop_old_columns(conn) -> None:
    """Forget the per-photo arrays of an older flag layout (their row and file): the
    current ones were just kept, and nothing will read those again."""
    old = [r[0] for r in conn.execute("SELECT key FROM bitmap_cache WHERE (key = ? OR key LIKE 'columns:%') "
                                      "AND key <> ?", (_OLD_COLUMN_KEYS, _KEY_COLUMNS))]
    if not old:
        return
    conn.executemany("DELETE FROM bitmap_cache WHERE key = ?", [(k,) for k in old])
    folder = _sidecar_dir(conn)
    for key in old if folder is not None and folder.is_dir() else ():
        for path in folder.glob(_file_name(key)[:-4] + "*.bin"):
            try:
                path.unlink()
            except OSError:
                pass            # mapped by a process (Windows): it goes another time


# ---------------------------------------------------------------- keeping later

# Big values (arrays of every photo) made or patched while answering a query are
# written by a background thread a moment later, through its own connection, not
# on the query's time: the next process then finds them current.
KEEP_DELAY = 1.0            # seconds without a new value before they are written
_LATER: dict = {}
_LATER_LOCK = threading.Lock()
_LATER_EVENT = threading.Event()
_KEEPER: list = []


def _keep(conn, archive, key: str, gen: int, value, encode, later: bool) -> None:
    """Store ``encode(value)`` now, or (``later``: arrays of every photo) have the
    keeper write it soon."""
    if conn.in_transaction:
        return
    path = archive[1] if archive else ""
    if not (later and path):
        _store(conn, key, gen, encode(value))
        return
    with _LATER_LOCK:
        _LATER[(path, key)] = (gen, value, encode)
    _start_keeper()
    _LATER_EVENT.set()


PREPARE_MIN = 50_000        # archives of at least this many photos are prepared in the background
_TASKS: dict = {}           # path -> {name: task(conn)}, run by the keeper on its own connection
_KEEPING = threading.local()


def later(conn, name: str, task) -> None:
    """Have the keeper run ``task(connection)`` for this archive in the background, once
    (however often it is asked before it runs)."""
    if getattr(_KEEPING, "active", False):
        return
    path = archive_key(conn)[1]
    if not path:
        return
    with _LATER_LOCK:
        _TASKS.setdefault(path, {})[name] = task
    _start_keeper()
    _LATER_EVENT.set()


def prepare_later(conn) -> None:
    """Have the keeper make and keep, in the background, what a fresh process needs to
    answer any query at once (``archive.store.search.prepare``): asked after an import
    or a sync, and when a search had to make the arrays of a big archive from scratch.
    Small archives make what they need on first use, in milliseconds."""
    if getattr(_KEEPING, "active", False) or not archive_key(conn)[1]:
        return
    row = conn.execute("SELECT max(id) FROM photos").fetchone()
    if (row[0] or 0) < PREPARE_MIN:
        return

    def prepare(conn):
        from archive.store.search import prepare

        prepare(conn)

    later(conn, "prepare", prepare)


def pending(conn) -> bool:
    """Has this archive background work queued (a preparation) that has not run yet?"""
    path = archive_key(conn)[1]
    with _LATER_LOCK:
        return bool(path and _TASKS.get(path))


def run_pending(conn) -> int:
    """Run now, on the calling thread, the background work queued for this archive,
    and write what waits to be kept: a command that is about to exit calls this,
    since the keeper is a daemon thread that would die with the process.  Returns
    how many tasks ran."""
    path = archive_key(conn)[1]
    if not path:
        return 0
    with _LATER_LOCK:
        named = _TASKS.pop(path, {})
    was = getattr(_KEEPING, "active", False)
    _KEEPING.active = True          # what the tasks make is kept, not queued again
    try:
        keep_now()
        _run_tasks(path, list(named.values()))
        keep_now()
    finally:
        _KEEPING.active = was
    return len(named)


def _start_keeper() -> None:
    with _LATER_LOCK:
        if not _KEEPER or not _KEEPER[0].is_alive():
            thread = threading.Thread(target=_keeper, name="search-cache-keeper", daemon=True)
            _KEEPER[:] = [thread]
            thread.start()
            import atexit

            atexit.register(keep_now)


def _keeper() -> None:
    _KEEPING.active = True
    while True:
        _LATER_EVENT.wait()
        _LATER_EVENT.clear()
        while _LATER_EVENT.wait(KEEP_DELAY):        # wait for a quiet moment
            _LATER_EVENT.clear()
        keep_now()
        with _LATER_LOCK:
            tasks = list(_TASKS.items())
            _TASKS.clear()
        for path, named in tasks:
            _run_tasks(path, list(named.values()))


def _run_tasks(path: str, tasks) -> None:
    if not os.path.exists(path):
        return
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        return
    try:
        for task in tasks:
            try:
                task(conn)
            except (sqlite3.Error, OSError):
                pass        # busy, read-only or gone: made on first use instead
    finally:
        conn.close()


def keep_now() -> int:
    """Write what waits to be kept (the keeper does this a moment after a query; an
    import, a check or ``prepare`` call it so what they made is kept at once)."""
    with _LATER_LOCK:
        items = list(_LATER.items())
        _LATER.clear()
    by_path: dict = {}
    for (path, key), item in items:
        by_path.setdefault(path, []).append((key, *item))
    done = 0
    for path, values in by_path.items():
        if not os.path.exists(path):
            continue
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            continue
        try:
            for key, gen, value, encode in values:
                row = conn.execute("SELECT generation FROM bitmap_cache WHERE key = ?", (key,)).fetchone()
                if row is not None and row[0] >= gen:
                    continue                        # a newer one was kept meanwhile
                _store(conn, key, gen, encode(value))
                done += 1
        except sqlite3.Error:
            pass
        finally:
            conn.close()
    return done


def cached(conn, key: str, gen: int, *, build, patch, decode, encode,
           changed=None, keep_patched=lambda changed: True, keep_built=lambda value: True, archive=None,
           later: bool = False):
    """A value made from the archive's tables (a bitmap, the facet pairs), current at
    generation ``gen``: from memory, else from what was stored; one made at an older
    generation is patched with the photos changed since (``patch(old, changed)``),
    else made again (``build()``).  What is made (or patched, when ``keep_patched``
    says so) is stored for the next process: at once, or (``later``, for arrays of
    every photo) by the keeper thread a moment later, off the query's time."""
    mkey = (archive or archive_key(conn), key)
    memo = _MEMORY.get(mkey)
    if memo is not None and memo[0] == gen:
        return memo[1]
    from_disk = False
    if memo is None:
        row = _read_stored(conn, key)
        if row is not None:
            memo = (row[0], decode(row[1]))
            from_disk = True
    if memo is not None and memo[0] == gen:
        value = memo[1]
    else:
        since = None
        if memo is not None and patch is not None:
            since = (changed or (lambda g: changed_since(conn, g, gen)))(memo[0])
        if since is not None:
            value = patch(memo[1], since)
            # A process that found the stored copy stale keeps the patched one, so the
            # next process does not patch again; a long-lived one, patching after each
            # edit, writes a small value only once many photos have changed, and the
            # arrays of every photo (``later``) by the keeper once the edits pause.
            if later or from_disk or keep_patched(since):
                _keep(conn, mkey[0], key, gen, value, encode, later)
        else:
            value = build()
            if keep_built(value):
                _keep(conn, mkey[0], key, gen, value, encode, later)
            if later and not conn.in_transaction:
                prepare_later(conn)         # a big archive never prepared, or changed past patching
    if conn.in_transaction:
        # Made from writes not yet committed: a rollback would give their generation
        # to other writes, so the value is neither kept nor remembered.
        return value
    if len(_MEMORY) >= _MEMORY_LIMIT:
        _MEMORY.clear()
    _MEMORY[mkey] = (gen, value)
    return value


# ---------------------------------------------------------------- per-photo columns

# has:/is: conditions on the photo row, one bit each in Columns.flags.
FLAG_SQL = {
    "gps": "p.gps_lat IS NOT NULL",
    "caption": "coalesce(p.caption, '') <> ''",
    "creator": "p.creator <> '[]'",
    "credit": "(coalesce(p.credit, '') <> '' OR coalesce(p.credit_line, '') <> '')",
    "keywords": "p.keywords <> '[]'",
    "city": "coalesce(p.city, '') <> ''",
    "country": "(coalesce(p.country, '') <> '' OR coalesce(p.country_code, '') <> '')",
    "licence": "p.licence_resolved IS NOT NULL",
    "thumbnail": "(p.thumb_hash IS NOT NULL AND p.thumb_hash IS p.content_hash)",
    "headline": "coalesce(p.headline, '') <> ''",
    "title": "coalesce(p.title, '') <> ''",
    "instructions": "coalesce(p.instructions, '') <> ''",
    "taken": "p.taken_at IS NOT NULL",
    "missing": "p.missing_since IS NOT NULL",
    "rules:error": "p.rule_status = 'error'",
    "rules:warning": "p.rule_status = 'warning'",
    "rules:ok": "p.rule_status = 'ok'",
    "status:cleared": "p.clearance_status = 'cleared'",
    # what the reader or the thumbnailer found wrong with the file (a damaged IFD, a bad
    # CRC, image data cut short): a JSON list, '[]' when there is nothing
    "warnings": "coalesce(p.warnings, '[]') <> '[]'",
}
FLAG_BIT = {name: 1 << i for i, name in enumerate(FLAG_SQL)}
_LITTLE_ENDIAN = np.little_endian
NO_DAY = -(1 << 31)
_DAY = "coalesce(CAST(julianday({}) - 2440587.5 AS INTEGER), {})"
_COLUMNS_SQL = ("SELECT p.id, " + _DAY.format("p.taken_date", NO_DAY) + ", coalesce(p.folder_id, 0), "
                + " | ".join(f"(coalesce({sql}, 0) << {i})" for i, sql in enumerate(FLAG_SQL.values())) + ", "
                + _DAY.format("p.clearance_from", NO_DAY) + ", " + _DAY.format("p.clearance_until", NO_DAY)
                + " FROM {}")
_COLUMN_NAMES = ("present", "day", "folder", "flags", "cfrom", "cuntil", "month")
NO_MONTH = -(1 << 31)
# Named by the flags it holds: arrays kept by a version with other flags (an archive
# prepared before has:warnings) are made again, not read with a bit that was never set.
_KEY_COLUMNS = "columns:" + hashlib.blake2b(repr(tuple(FLAG_SQL.items())).encode(), digest_size=4).hexdigest()
_OLD_COLUMN_KEYS = "columns"        # keys of older layouts, dropped when the new one is kept


class Columns:
    """Per-photo values indexed by photo id: whether it exists, its capture day (days
    since 1970 of its local date), folder, has:/is: flags and clearance span."""

    def __init__(self, arrays):
        self._arrays = arrays          # a dict, or Packed: read when first used

    def __getattr__(self, name):
        if name in _COLUMN_NAMES:
            return self._arrays[name]
        raise AttributeError(name)

    @property
    def size(self) -> int:
        return len(self.present)

    def arrays(self) -> dict:
        return {n: self._arrays[n] for n in _COLUMN_NAMES}

    @classmethod
    def empty(cls, size: int) -> "Columns":
        return cls({"present": np.zeros(size, bool), "day": np.full(size, NO_DAY, np.int32),
                    "folder": np.zeros(size, np.int32), "flags": np.zeros(size, np.uint32),
                    "cfrom": np.full(size, NO_DAY, np.int32), "cuntil": np.full(size, NO_DAY, np.int32),
                    "month": np.full(size, NO_MONTH, np.int32)})

    def grown(self, size: int) -> "Columns":
        out = Columns.empty(size)
        n = min(size, self.size)
        for name in _COLUMN_NAMES:
            out._arrays[name][:n] = self._arrays[name][:n]
        return out

    def fill(self, rows) -> None:
        if not len(rows):
            return
        a = np.array(rows, dtype=np.int64).reshape(-1, 6)
        ids = a[:, 0]
        cols = self._arrays
        cols["present"][ids] = True
        for i, name in enumerate(_COLUMN_NAMES[1:6], 1):
            cols[name][ids] = a[:, i]
        days = a[:, 1]
        cols["month"][ids] = np.where(days == NO_DAY, NO_MONTH,
                                      days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64))

    def flag(self, name: str) -> np.ndarray:
        """Whether each photo has the flag: read from the one byte of its flags word that
        holds the bit (a 1 MB temporary at a million photos, not a 4 MB one: a fresh
        process pays for every new page, about 1 ms a flag)."""
        flags = self.flags
        bit = FLAG_BIT[name].bit_length() - 1
        if flags.dtype == np.uint32 and flags.dtype.byteorder in ("=", "<") and _LITTLE_ENDIAN \
                and flags.flags.c_contiguous:
            return (flags.view(np.uint8)[bit // 8::4] & np.uint8(1 << (bit % 8))) != 0
        return (flags & FLAG_BIT[name]) != 0


OVERLAY_MAX = 20_000        # photos changed since the arrays were read before they are made in full
_FILL = {"present": (bool, False), "day": (np.int32, NO_DAY), "folder": (np.int32, 0), "flags": (np.uint32, 0),
         "cfrom": (np.int32, NO_DAY), "cuntil": (np.int32, NO_DAY), "month": (np.int32, NO_MONTH)}


class _PatchedColumns:
    """The arrays of older columns with the ``changed`` photos' ``rows`` read again; each
    array is made (copied once, the rows written in) when first asked for."""

    def __init__(self, base, changed: BitMap, rows):
        self.base = base
        self.changed = changed
        self.rows = np.array(rows, dtype=np.int64).reshape(-1, 6)
        self.gone = np.frombuffer(changed.to_array(), dtype=np.uint32).astype(np.intp)
        self.size = max(len(base["present"]), int(self.gone[-1]) + 1 if len(self.gone) else 0)
        self._made: dict = {}

    def __getitem__(self, name) -> np.ndarray:
        value = self._made.get(name)
        if value is None:
            dtype, fill = _FILL[name]
            value = np.full(self.size, fill, dtype)
            old = self.base[name]
            value[:len(old)] = old
            ids = self.rows[:, 0]
            if name == "present":
                value[self.gone] = False
                value[ids] = True
            elif name == "month":
                days = self.rows[:, 1]
                value[ids] = np.where(days == NO_DAY, NO_MONTH,
                                      days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64))
            else:
                value[ids] = self.rows[:, _COLUMN_NAMES.index(name)]
            self._made[name] = value
        return value


def columns(conn, gen: int | None = None, archive=None) -> Columns:
    gen = generation(conn) if gen is None else gen

    def build():
        size = (conn.execute("SELECT coalesce(max(id), 0) FROM photos").fetchone()[0] or 0) + 1
        cols = Columns.empty(size)
        cur = conn.execute(_COLUMNS_SQL.format("photos p"))
        while True:
            rows = cur.fetchmany(100_000)
            if not rows:
                break
            cols.fill(rows)
        return cols

    def patch(old: Columns, changed):
        # The older arrays with the changed photos' rows read again, each array made
        # when first used (a query that reads one column copies one).
        if isinstance(old._arrays, _PatchedColumns) and len(old._arrays.changed) + len(changed) <= OVERLAY_MAX:
            base, changed = old._arrays.base, old._arrays.changed | changed
        elif isinstance(old._arrays, _PatchedColumns):
            base = old.arrays()                 # many changes: the older arrays made in full
        else:
            base = old._arrays
        rows = conn.execute(_COLUMNS_SQL.format("json_each(?) j CROSS JOIN photos p ON p.id = j.value"),
                            (ids_json(changed),)).fetchall()
        return Columns(_PatchedColumns(base, changed, rows))

    return cached(conn, _KEY_COLUMNS, gen, build=build, patch=patch,
                  decode=lambda d: Columns(unpack(d)), encode=lambda c: c.arrays(),
                  keep_patched=lambda changed: len(changed) >= 2_000, archive=archive, later=True)


# ---------------------------------------------------------------- condition bitmaps

_AMONG = "json_each(?) j CROSS JOIN photos p ON p.id = j.value"
_FTS_AMONG = _AMONG + " CROSS JOIN photo_fts ON photo_fts.rowid = p.sort_key"
KEEP_SMALLER = 2_000        # bitmaps of fewer photos than this are made again rather than stored


class Bitmaps:
    """Bitmaps for one archive connection at its current generation."""

    def __init__(self, conn, gen: int | None = None):
        self.conn = conn
        self.archive = archive_key(conn)
        self.generation = generation(conn) if gen is None else gen
        self._changed: dict[int, object] = {}
        self._keys = None

    def changed(self, since: int):
        """changed_since(since, now), asked once per older generation."""
        if since not in self._changed:
            self._changed[since] = changed_since(self.conn, since, self.generation)
        return self._changed[since]

    def keys_to_ids(self, keys: np.ndarray) -> np.ndarray:
        """Photo ids of sort keys (the full-text rowids), through the taken order."""
        from archive.store.sortkey import order

        o = order(self.conn, "taken", self.generation, archive=self.archive)
        pos = np.searchsorted(o.keys, keys)
        pos = np.minimum(pos, len(o.keys) - 1) if len(o.keys) else pos
        if not len(o.keys):
            return np.zeros(0, np.uint32)
        ok = o.keys[pos] == keys
        return o.ids[pos[ok]].astype(np.uint32)

    @staticmethod
    def key_of(where: str, params, fts: bool) -> str:
        return "b:" + hashlib.blake2b(repr((fts, where, tuple(params))).encode(), digest_size=16).hexdigest()

    def has(self, where: str, params=(), *, fts: bool = False) -> bool:
        """Whether the bitmap is at hand (in memory or stored), however old."""
        key = self.key_of(where, params, fts)
        if (self.archive, key) in _MEMORY:
            return True
        return self.conn.execute("SELECT 1 FROM bitmap_cache WHERE key = ?", (key,)).fetchone() is not None

    def of(self, where: str, params=(), *, fts: bool = False, build: tuple | None = None) -> BitMap:
        """The ids of the photos ``p`` for which ``where`` holds (joined with the
        full-text index as ``photo_fts`` when ``fts``).  ``build`` = (sql, params,
        gives_keys) is a faster query for the whole set: ids, or sort keys."""
        params = tuple(params)
        key = self.key_of(where, params, fts)

        def make():
            if build is not None:
                sql, bparams, gives_keys = build
            else:
                sql = f"SELECT p.id FROM {'photo_fts JOIN photos p ON p.sort_key = photo_fts.rowid' if fts else 'photos p'} WHERE {where}"
                bparams, gives_keys = params, False
            cur = self.conn.execute(sql, tuple(bparams))
            values = np.fromiter((r[0] for r in cur), dtype=np.int64)
            if gives_keys:
                values = self.keys_to_ids(values)
            return BitMap(values.astype(np.uint32))

        return cached(self.conn, key, self.generation, build=make,
                      patch=lambda old, changed: (old - changed) | self._among(where, params, changed, fts),
                      decode=lambda d: BitMap.deserialize(bytes(d)), encode=lambda b: b.serialize(), changed=self.changed,
                      keep_built=lambda b: len(b) >= KEEP_SMALLER, archive=self.archive)

    def _among(self, where: str, params, ids, fts: bool) -> BitMap:
        """Which of ``ids`` ``where`` holds for, judged photo by photo (a condition
        that matches half the archive is not evaluated in full)."""
        if not ids:
            return BitMap()
        sql = f"SELECT p.id FROM {_FTS_AMONG if fts else _AMONG} WHERE {where}"
        return BitMap(r[0] for r in self.conn.execute(sql, (ids_json(ids), *params)))

    def columns(self) -> Columns:
        return columns(self.conn, self.generation, archive=self.archive)


def mask_of(bitmap: BitMap, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    if len(bitmap):
        arr = np.frombuffer(bitmap.to_array(), dtype=np.uint32)
        if int(arr[-1]) >= size:
            arr = arr[arr < size]
        mask[arr] = True
    return mask
