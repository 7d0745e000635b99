"""The edit history table: every change a person made to a photo's working values.

One row per (photo, field) of an action; the rows of one action share a batch
number, which is what undo and redo name.  Values are stored as JSON so lists
(creator, keywords) and "no value" (null) come back exactly.
"""

from __future__ import annotations

import json
from typing import Iterable, Sequence


def next_batch(conn) -> int:
    return conn.execute("SELECT coalesce(max(batch), 0) + 1 FROM edit_history").fetchone()[0]


def add_rows(conn, batch: int, label: str, who: str | None, rows: Iterable[tuple]) -> None:
    """rows: (photo_id, field, before, after, was_edited, now_edited) with Python values."""
    conn.executemany(
        "INSERT INTO edit_history(batch, photo_id, field, before, after, was_edited, now_edited, label, who) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        [(batch, pid, fld, json.dumps(b, ensure_ascii=False), json.dumps(a, ensure_ascii=False),
          int(we), int(ne), label, who) for pid, fld, b, a, we, ne in rows])


def _row(r) -> dict:
    return {"id": r[0], "batch": r[1], "photo_id": r[2], "field": r[3], "before": json.loads(r[4]),
            "after": json.loads(r[5]), "was_edited": bool(r[6]), "now_edited": bool(r[7]),
            "label": r[8], "at": r[9], "who": r[10]}


_COLUMNS = "id, batch, photo_id, field, before, after, was_edited, now_edited, label, at, who"


def batch_rows(conn, batch: int) -> list[dict]:
    return [_row(r) for r in conn.execute(
        f"SELECT {_COLUMNS} FROM edit_history WHERE batch = ? ORDER BY id", (batch,))]


def photo_rows(conn, photo_id: int, fields: Sequence[str] | None = None, limit: int = 200) -> list[dict]:
    """A photo's history, newest first (optionally only some fields)."""
    sql = f"SELECT {_COLUMNS} FROM edit_history WHERE photo_id = ?"
    params: list = [photo_id]
    if fields:
        sql += f" AND field IN ({','.join('?' * len(fields))})"
        params += list(fields)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [_row(r) for r in conn.execute(sql, params)]
