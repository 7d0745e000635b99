"""Which photos hold common words side by side: a phrase typed for the first time.

A phrase is answered by the full-text index reading the positions of each of its
words.  For two words that each stand in a quarter of a million photos that read
is 60-100 ms, for three or four 120-200 ms ("the new york times"), which a person
meets the first time they type the phrase, and again whenever the archive changes.
So, beside the bitmaps of the common words (``archive.store.search.prepare``), the
archive keeps, for every pair of common words that stand next to each other in
some field, where they do: one bitmap of photos per place (field and word offset)
of the pair's first word.  A phrase of common words is then read from its pairs
alone: "a b" is the union of the pair's bitmaps, "a b c" the union over places
``o`` of ``(a b)[o] & (b c)[o + 1]``; a pair not kept is in no photo.

The pairs are made from the index's own record of where each word stands
(``fts5vocab`` ``instance``): the tokenizer is FTS5's, so a phrase holds exactly
where FTS5's would (deleted rows are not listed).  They are kept at the
generation they were read at; photos changed since are judged again by the
caller (``archive.store.search``), and the pairs are noted again in the
background once too many have changed.

Only words of ASCII letters and digits are kept (a phrase is looked up by its
words as typed, casefolded, which must be the tokens FTS5 made of them), at most
``MAX_WORDS`` of them, most common first.
"""

from __future__ import annotations

import array
import json
import struct
from dataclasses import dataclass

import numpy as np
from pyroaring import BitMap

from archive.store.bitmaps import _FORGET, archive_key

MANIFEST_KEY = "fts-word-pairs"      # generation; the words whose pairs are kept
PAIR_PREFIX = "pair:"
MAX_WORDS = 1024                     # a word's index fits the low 10 bits of a position
_OFFSET_BITS = 19                    # token offsets within a field, below 2**19
_COLUMNS = ("caption", "headline", "keywords", "creator", "credit", "places")
_NOTED: dict = {}
_FORGET.append(_NOTED.clear)


@dataclass(frozen=True)
class Noted:
    """The pairs kept for an archive: the generation they were read at, and their words."""
    generation: int
    words: frozenset


def noted(conn, archive=None) -> Noted | None:
    """What is kept (read once per process and archive), or None."""
    key = archive or archive_key(conn)
    if key not in _NOTED:
        row = conn.execute("SELECT generation, data FROM bitmap_cache WHERE key = ?", (MANIFEST_KEY,)).fetchone()
        value = None if row is None else Noted(row[0], frozenset(json.loads(bytes(row[1]))))
        if conn.in_transaction:
            return value
        _NOTED[key] = value
    return _NOTED[key]


def places(conn, first: str, second: str, generation: int) -> dict[int, BitMap] | None:
    """Where ``first`` stands just before ``second``, as kept at ``generation`` (both
    words among the noted ones): {place of ``first`` (field << 19 | offset): the photos};
    {} when they never do; None when the kept value is of another generation (noted
    again meanwhile)."""
    row = conn.execute("SELECT generation, data FROM bitmap_cache WHERE key = ?",
                       (f"{PAIR_PREFIX}{first} {second}",)).fetchone()
    if row is None:
        # Not kept: in no photo, if the manifest is still the one read.
        now = conn.execute("SELECT generation FROM bitmap_cache WHERE key = ?", (MANIFEST_KEY,)).fetchone()
        return {} if now is not None and now[0] == generation else None
    if row[0] != generation:
        return None
    return _unpack(bytes(row[1]))


def phrase(pairs: list[dict[int, BitMap]]) -> BitMap:
    """The photos holding a phrase, from the places of its consecutive pairs of words."""
    if not pairs or any(not p for p in pairs):
        return BitMap()
    if len(pairs) == 1:
        return BitMap.union(*pairs[0].values())
    found = []
    for place, photos in pairs[0].items():
        for step, later in enumerate(pairs[1:], 1):
            nxt = later.get(place + step)
            if nxt is None:
                photos = None
                break
            photos = photos & nxt
            if not photos:
                break
        if photos:
            found.append(photos)
    return BitMap.union(*found) if found else BitMap()


def _pack(by_place: dict[int, BitMap]) -> bytes:
    parts = [(place, bm.serialize()) for place, bm in sorted(by_place.items())]
    head = struct.pack(f"<I{2 * len(parts)}I", len(parts), *[v for place, data in parts for v in (place, len(data))])
    return head + b"".join(data for _, data in parts)


def _unpack(data: bytes) -> dict[int, BitMap]:
    (n,) = struct.unpack_from("<I", data)
    fields = struct.unpack_from(f"<{2 * n}I", data, 4)
    at = 4 + 8 * n
    out = {}
    for i in range(n):
        place, size = fields[2 * i], fields[2 * i + 1]
        out[place] = BitMap.deserialize(data[at:at + size])
        at += size
    return out


def _positions(conn, word: str, word_index: int, keys: np.ndarray) -> np.ndarray | None:
    """Every place ``word`` stands, packed as rank << 32 | field << 29 | offset << 10 | word
    (rank: the photo's place in the taken order's keys); None if an offset is too big."""
    case = " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(_COLUMNS))
    row = conn.execute(
        f"SELECT group_concat(doc), group_concat(((CASE col {case} ELSE 7 END) << {_OFFSET_BITS}) | offset) "
        "FROM temp.photo_fts_instances WHERE term = ?", (word,)).fetchone()
    if not row[0]:
        return np.zeros(0, np.uint64)
    docs = np.fromstring(row[0], dtype=np.int64, sep=",")
    places = np.fromstring(row[1], dtype=np.int64, sep=",")
    if len(places) and int((places & ((1 << _OFFSET_BITS) - 1)).max()) >= (1 << _OFFSET_BITS) - 1:
        return None
    ranks = np.searchsorted(keys, docs)
    ok = ranks < len(keys)
    ok[ok] = keys[ranks[ok]] == docs[ok]
    packed = (ranks[ok].astype(np.uint64) << np.uint64(32)) | (places[ok].astype(np.uint64) << np.uint64(10))
    return packed | np.uint64(word_index)


def kept_words(words) -> list[str]:
    """Of the common ``words`` (most common first), those whose pairs are kept."""
    return [w for w in words if w.isascii() and w.isalnum()][:MAX_WORDS]


def note(conn, words, gen: int, order) -> int:
    """Keep the pairs of ``words`` (the archive's common ones) that stand side by side,
    read at generation ``gen``; ``order`` is the taken order at ``gen``.  (A photo
    written after ``gen`` may or may not be in what is read: the caller judges every
    photo changed since ``gen`` again, so either is right.)  Returns how many pairs
    were kept; none (and nothing kept) when a field is too long to pack.

    Every place of every word goes into one sorted array (8 bytes a place: 86 MB for
    the 10.7 million of ``bench/search.py``'s million photos), walked in chunks for
    neighbours, so the memory it takes beside that array stays small."""
    words = kept_words(words)
    # Text kept of photos written before the positions are read is no longer needed.
    recent_until = conn.execute("SELECT coalesce(max(id), 0) FROM fts_recent").fetchone()[0]
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.photo_fts_instances "
                 "USING fts5vocab(main, photo_fts, instance)")
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.photo_fts_words USING fts5vocab(main, photo_fts, row)")
    keys = np.asarray(order.keys, dtype=np.int64)
    ids = np.asarray(order.ids)
    counts = dict(conn.execute(f"SELECT term, cnt FROM temp.photo_fts_words WHERE term IN "
                               f"({','.join('?' * len(words))})", words)) if words else {}
    everywhere = np.empty(sum(counts.values()), np.uint64)
    filled = 0
    for i, word in enumerate(words):
        packed = _positions(conn, word, i, keys)
        if packed is None:
            return 0
        if filled + len(packed) > len(everywhere):      # a write since the counts were read
            everywhere = np.concatenate([everywhere[:filled], np.empty(len(packed), np.uint64)])
        everywhere[filled:filled + len(packed)] = packed
        filled += len(packed)
    everywhere = everywhere[:filled]
    everywhere.sort()
    found_at: dict[int, list] = {}
    low, chunk = np.uint64(1023), 1 << 20
    for start in range(0, max(filled - 1, 0), chunk):
        part = everywhere[start:start + chunk + 1]
        place = part >> np.uint64(10)
        side = np.flatnonzero(place[1:] == place[:-1] + np.uint64(1))
        del place
        first = part[side]
        pair_of = (((first & low) << np.uint64(10)) | (part[side + 1] & low)).astype(np.int64)
        # The first word's place (field << 19 | offset) above the photo's id.
        photo = ids[(first >> np.uint64(32)).astype(np.int64)].astype(np.uint64)
        at = (((first >> np.uint64(10)) & np.uint64((1 << 22) - 1)) << np.uint64(32)) | photo
        del first, photo
        by_pair = np.argsort(pair_of, kind="stable")
        pair_of, at = pair_of[by_pair], at[by_pair]
        cuts = np.flatnonzero(np.r_[True, pair_of[1:] != pair_of[:-1]]) if len(pair_of) else []
        for cut, end in zip(list(cuts), list(cuts[1:]) + [len(pair_of)]):
            found_at.setdefault(int(pair_of[cut]), []).append(at[cut:end])
    del everywhere
    rows = []
    for p, parts in found_at.items():
        at = np.sort(np.concatenate(parts))
        place = (at >> np.uint64(32)).astype(np.int64)
        photos = (at & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        cuts = np.flatnonzero(np.r_[True, place[1:] != place[:-1]])
        by_place = {int(place[c]): BitMap(array.array("I", photos[c:e].tobytes()))
                    for c, e in zip(cuts.tolist(), cuts[1:].tolist() + [len(at)])}
        rows.append((f"{PAIR_PREFIX}{words[p >> 10]} {words[p & 1023]}", gen, _pack(by_place)))
    from archive.store.db import transaction

    with transaction(conn):
        conn.execute("DELETE FROM bitmap_cache WHERE key >= ? AND key < ?", (PAIR_PREFIX, "pair;"))
        conn.execute("DELETE FROM fts_recent WHERE id <= ?", (recent_until,))
        conn.executemany("INSERT OR REPLACE INTO bitmap_cache(key, generation, data) VALUES (?,?,?)", rows)
        conn.execute("INSERT OR REPLACE INTO bitmap_cache(key, generation, data) VALUES (?,?,?)",
                     (MANIFEST_KEY, gen, json.dumps(words).encode()))
    _NOTED.pop(archive_key(conn), None)
    return len(rows)


# ---------------------------------------------------------------- photos changed since

_COLUMN_LIST = ", ".join(_COLUMNS)


def keep_recent_text(conn, sort_key: int, photo_id: int, text) -> None:
    """Keep a photo's full-text row as just written, while pairs are kept (schema v12's
    ``fts_recent``): a phrase then judges the photo on it (:func:`judge_changed`)."""
    if conn.execute("SELECT 1 FROM bitmap_cache WHERE key = ?", (MANIFEST_KEY,)).fetchone() is None:
        return
    conn.execute(f"INSERT OR REPLACE INTO fts_recent(sort_key, photo_id, {_COLUMN_LIST}) VALUES (?,?,?,?,?,?,?,?)",
                 (sort_key, photo_id, *text))


def judge_changed(conn, expr: str, photo_ids) -> BitMap | None:
    """Which of ``photo_ids`` (photos changed since the pairs were read) the full-text
    expression holds for, judged on their kept text in a small table with the archive's
    tokenizer; None when the text of a photo that is still there is not kept."""
    from archive.store.bitmaps import ids_json

    wanted = ids_json(photo_ids)
    rows = conn.execute(f"SELECT sort_key, photo_id, {_COLUMN_LIST} FROM fts_recent "
                        "WHERE photo_id IN (SELECT value FROM json_each(?))", (wanted,)).fetchall()
    kept = {r[1] for r in rows}
    unknown = [i for i in photo_ids if i not in kept]
    if unknown and conn.execute("SELECT 1 FROM photos WHERE id IN (SELECT value FROM json_each(?)) LIMIT 1",
                                (ids_json(unknown),)).fetchone():
        return None
    if not rows:
        return BitMap()
    from archive.store.schema import FTS_TOKENIZER

    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_judge USING fts5({_COLUMN_LIST}, "
                 f"tokenize='{FTS_TOKENIZER}')")
    conn.execute("DELETE FROM temp.fts_judge")
    conn.executemany(f"INSERT INTO temp.fts_judge(rowid, {_COLUMN_LIST}) VALUES (?,?,?,?,?,?,?)",
                     [(r[0], *r[2:]) for r in rows])
    photo_of = {r[0]: r[1] for r in rows}
    found = BitMap(photo_of[k] for (k,) in conn.execute("SELECT rowid FROM temp.fts_judge WHERE fts_judge MATCH ?",
                                                          (expr,)))
    conn.execute("DELETE FROM temp.fts_judge")
    return found
