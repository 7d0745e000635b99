"""The write-back queue: edits the archive holds that a photo's sidecar does not yet.

:func:`queue` runs inside the edit's transaction (archive/edit.py), so the
archive never holds an edit without also holding the duty to write it out;
:mod:`archive.writeback` does the writing after the commit and calls
:func:`written` or :func:`failed`.
"""

from __future__ import annotations

import json
from typing import Iterable, Optional


def queue(conn, photo_id: int, fields: Iterable[str]) -> None:
    """Add ``fields`` of a photo to its pending write-back (inside the caller's transaction)."""
    fields = list(fields)
    if not fields:
        return
    row = conn.execute("SELECT fields, seq FROM writebacks WHERE photo_id = ?", (photo_id,)).fetchone()
    if row is None:
        conn.execute("INSERT INTO writebacks(photo_id, fields, seq) VALUES (?, ?, 1)",
                     (photo_id, json.dumps(sorted(set(fields)))))
        return
    merged = sorted(set(json.loads(row[0])) | set(fields))
    conn.execute("UPDATE writebacks SET fields = ?, seq = seq + 1, queued_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                 "WHERE photo_id = ?", (json.dumps(merged), photo_id))


def pending(conn, photo_ids: Optional[Iterable[int]] = None, *, untried: bool = False) -> list[dict]:
    """The pending write-backs (of ``photo_ids``, else all; with ``untried``, only those
    never attempted), oldest first, with the photo's path and whether its file is missing."""
    sql = ("SELECT w.photo_id, w.fields, w.seq, w.queued_at, w.attempts, w.error, p.path, "
           "p.missing_since IS NOT NULL, p.sidecar_mtime_ns "
           "FROM writebacks w JOIN photos p ON p.id = w.photo_id")
    if photo_ids is None:
        where = " WHERE w.attempts = 0" if untried else ""
        rows = conn.execute(sql + where + " ORDER BY w.queued_at, w.photo_id").fetchall()
    else:
        ids = sorted({int(i) for i in photo_ids})
        rows = []
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            rows += conn.execute(sql + f" WHERE w.photo_id IN ({','.join('?' * len(chunk))}) "
                                 "ORDER BY w.queued_at, w.photo_id", chunk).fetchall()
    return [{"photo_id": r[0], "fields": json.loads(r[1]), "seq": r[2], "queued_at": r[3], "attempts": r[4],
             "error": r[5], "path": r[6], "missing": bool(r[7]), "sidecar_mtime_ns": r[8]} for r in rows]


def count(conn) -> int:
    return conn.execute("SELECT count(*) FROM writebacks").fetchone()[0]


def written(conn, photo_id: int, seq: int, sidecar_mtime_ns: Optional[int]) -> None:
    """The sidecar holds the edits queued up to ``seq``: clear them (unless a newer edit
    came meanwhile) and, when given, note the sidecar's new state, so the next sync
    knows our own write for what it is and does not read it as an outside change."""
    conn.execute("DELETE FROM writebacks WHERE photo_id = ? AND seq = ?", (photo_id, seq))
    if sidecar_mtime_ns is not None:
        conn.execute("UPDATE photos SET sidecar_mtime_ns = ? WHERE id = ?", (sidecar_mtime_ns, photo_id))


def failed(conn, photo_id: int, reason: str) -> None:
    conn.execute("UPDATE writebacks SET attempts = attempts + 1, error = ? WHERE photo_id = ?",
                 (reason, photo_id))
