"""The SQL of the matcher's prefilter: which photos could fit a caption.

Every query walks an index and stops at a limit, so finding a caption's
candidates costs the same in a thousand photos and in millions:

- by photographer: the creator facet (``photo_facets`` is keyed by value and
  sort key, and the sort key is the capture time, so a date window is a range
  of the primary key);
- by words: the full-text index, with the window as a rowid range;
- by place: ``photo_places`` (keyed by place and sort key, like the facets).

Windows are sort-key ranges (see :mod:`archive.store.sortkey`): the lower
key is the later time.
"""

from __future__ import annotations

from typing import Iterable

from archive.store.sortkey import SLOTS, UNDATED_SECONDS, base_key

# Columns the scorer reads (working values, the file's own in `embedded`).
CANDIDATE_COLUMNS = (
    "id", "sort_key", "path", "taken_at", "taken_date", "gps_lat", "gps_lon", "creator",
    "credit", "source", "copyright", "credit_line", "caption", "headline", "title", "keywords",
    "city", "sublocation", "state", "country", "country_code", "place_city", "embedded", "edited",
)


def undated_range() -> tuple[int, int]:
    """Sort keys of photos with no capture time."""
    low = base_key(UNDATED_SECONDS)
    return low, low + SLOTS - 1


def creator_values_after(conn, last_id: int) -> list[tuple[int, str]]:
    """(id, name) of photographer facet values added after ``last_id``, in id order."""
    return conn.execute("SELECT id, name FROM facet_values WHERE kind = 'creator' AND id > ? "
                        "ORDER BY id", (last_id,)).fetchall()


def creator_values_last_id(conn) -> int:
    """The newest photographer facet value's id (0 when there is none)."""
    return conn.execute("SELECT coalesce(max(id), 0) FROM facet_values WHERE kind = 'creator'").fetchone()[0]


def _range_sql(column: str, key_range: tuple[int, int] | None) -> tuple[str, list]:
    if key_range is None:
        return "", []
    return f" AND {column} BETWEEN ? AND ?", [key_range[0], key_range[1]]


def keys_by_facet_values(conn, value_ids: Iterable[int], key_range: tuple[int, int] | None,
                         limit: int) -> list[int]:
    """Sort keys of photos with any of these facet values, nearest the window's late end first."""
    ids = list(dict.fromkeys(value_ids))
    if not ids:
        return []
    where, params = _range_sql("sort_key", key_range)
    keys: list[int] = []
    for vid in ids:  # one index range per value: no sort of a big union
        keys += [r[0] for r in conn.execute(
            f"SELECT sort_key FROM photo_facets WHERE value_id = ?{where} ORDER BY sort_key LIMIT ?",
            (vid, *params, limit))]
    return sorted(set(keys))[:limit]


def keys_at_places(conn, place_ids: Iterable[int], key_range: tuple[int, int] | None,
                   limit: int) -> list[int]:
    """Sort keys of photos at (or naming) any of these gazetteer places."""
    ids = list(dict.fromkeys(place_ids))
    if not ids:
        return []
    where, params = _range_sql("sort_key", key_range)
    keys: list[int] = []
    for pid in ids:
        keys += [r[0] for r in conn.execute(
            f"SELECT sort_key FROM photo_places WHERE place_id = ?{where} ORDER BY sort_key LIMIT ?",
            (pid, *params, limit))]
    return sorted(set(keys))[:limit]


def keys_by_text(conn, match: str, key_range: tuple[int, int] | None, limit: int) -> list[int]:
    """Sort keys of photos whose indexed text matches an FTS5 expression,
    nearest the window's late end (or the newest) first.

    Not ``ORDER BY rank``: FTS5 ranks through a nested query that ignores the
    rowid range and scores every hit in the archive.
    """
    if not match:
        return []
    where, params = _range_sql("rowid", key_range)
    return [r[0] for r in conn.execute(
        f"SELECT rowid FROM photo_fts WHERE photo_fts MATCH ?{where} ORDER BY rowid LIMIT ?",
        (match, *params, limit))]


def candidate_rows(conn, sort_keys: Iterable[int]) -> list[dict]:
    """The scorer's columns of the photos with these sort keys (missing files left out)."""
    keys = list(dict.fromkeys(sort_keys))
    rows: list[dict] = []
    cols = ", ".join(CANDIDATE_COLUMNS)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        marks = ",".join("?" * len(chunk))
        cur = conn.execute(f"SELECT {cols} FROM photos WHERE sort_key IN ({marks}) "
                           "AND missing_since IS NULL", chunk)
        rows += [dict(zip(CANDIDATE_COLUMNS, r)) for r in cur]
    return rows


def photo_rows(conn, photo_ids: Iterable[int]) -> list[dict]:
    """The scorer's columns of photos by id (a person's re-pair; settled pairs)."""
    ids = list(dict.fromkeys(photo_ids))
    if not ids:
        return []
    cols = ", ".join(CANDIDATE_COLUMNS)
    marks = ",".join("?" * len(ids))
    cur = conn.execute(f"SELECT {cols} FROM photos WHERE id IN ({marks})", ids)
    return [dict(zip(CANDIDATE_COLUMNS, r)) for r in cur]


def photo_paths(conn, photo_ids: Iterable[int]) -> dict[int, str]:
    ids = list(dict.fromkeys(photo_ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(conn.execute(f"SELECT id, path FROM photos WHERE id IN ({marks})", ids).fetchall())


def database_key(conn) -> str:
    """Which database a connection is on (for caches that belong to one archive)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row else str(id(conn))
