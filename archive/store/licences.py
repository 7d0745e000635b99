"""Licences and leases as rows: the SQL of them.

Licences and leases are kept as rows and handed out as dicts in the shape of
``archive.licence_model.Licence`` and ``Lease`` (read back with ``from_dict``);
a licence assigned to a photo by hand is a column of the photo.  The names of
the licence, clearance and rules facets are here too, since both these rows and
the stored checks (:mod:`archive.store.check_state`) name them.  Callers own
transactions (:func:`archive.store.db.transaction`).
"""

from __future__ import annotations

import json
from typing import Sequence

FACET_KINDS = ("licence", "clearance", "rules")
NO_LICENCE = "no licence"
CLEARANCE_NAMES = {"cleared": "cleared", "conditional": "conditional", "not_cleared": "not cleared"}
_CHUNK = 900          # ids per IN (...) list, under SQLite's variable limit


def chunks(ids: Sequence, size: int = _CHUNK):
    """``ids`` in slices short enough for one ``IN (...)`` list."""
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def marks(n: int) -> str:
    """``n`` placeholders for an ``IN (...)`` list."""
    return ",".join("?" * n)


# ---------------------------------------------------------------- licences

_LICENCE_COLUMNS = ("id, licensor, aliases, kind, cost, quota_count, quota_period, reference, valid_from, "
                    "valid_until, territories, media, restrictions, creators, added_at")


def _licence(row) -> dict:
    (id_, licensor, aliases, kind, cost, qn, qp, reference, vf, vu, territories, media, restrictions,
     creators, added_at) = row
    return {"id": id_, "licensor": licensor, "aliases": json.loads(aliases or "[]"), "kind": kind,
            "cost": cost, "quota": f"{qn}/{qp}" if qn else None, "reference": reference,
            "valid_from": vf, "valid_until": vu, "territories": json.loads(territories or "[]"),
            "media": json.loads(media or "[]"), "restrictions": restrictions,
            "creators": json.loads(creators or "[]"), "added_at": added_at}


def _licence_values(licence: dict) -> dict:
    quota = licence.get("quota")
    count, _, period = str(quota).partition("/") if quota else (None, None, None)
    return {
        "licensor": licence["licensor"],
        "aliases": json.dumps(list(licence.get("aliases") or []), ensure_ascii=False),
        "kind": licence["kind"], "cost": licence.get("cost"),
        "quota_count": int(count) if count else None, "quota_period": period or None,
        "reference": licence.get("reference"), "valid_from": licence.get("valid_from"),
        "valid_until": licence.get("valid_until"),
        "territories": json.dumps(list(licence.get("territories") or []), ensure_ascii=False),
        "media": json.dumps(list(licence.get("media") or []), ensure_ascii=False),
        "restrictions": licence.get("restrictions"),
        "creators": json.dumps([str(c) for c in licence.get("creators") or []], ensure_ascii=False),
    }


def insert_licence(conn, licence: dict) -> int:
    """Add a licence (``Licence.to_dict()`` shape; its id is ignored) and return its id."""
    values = _licence_values(licence)
    cur = conn.execute(f"INSERT INTO licences({', '.join(values)}) VALUES ({marks(len(values))})",
                       tuple(values.values()))
    return cur.lastrowid


def licence_rows(conn) -> list[dict]:
    return [_licence(r) for r in conn.execute(f"SELECT {_LICENCE_COLUMNS} FROM licences ORDER BY id")]


def licence_row(conn, licence_id: int) -> dict | None:
    row = conn.execute(f"SELECT {_LICENCE_COLUMNS} FROM licences WHERE id = ?", (licence_id,)).fetchone()
    return _licence(row) if row else None


def licence_photo_counts(conn, licence_id: int) -> dict:
    """How many photos the licence covers (as last judged) and how many were assigned to it by hand."""
    covered = conn.execute("SELECT count(*) FROM photos WHERE licence_resolved = ?", (licence_id,)).fetchone()[0]
    assigned = conn.execute("SELECT count(*) FROM photos WHERE licence_id = ?", (licence_id,)).fetchone()[0]
    return {"covered": covered, "assigned": assigned}


def delete_licence(conn, licence_id: int) -> int | None:
    """Remove a licence; photos assigned to it by hand lose the assignment.
    Returns how many did, or None when there is no such licence."""
    if conn.execute("SELECT 1 FROM licences WHERE id = ?", (licence_id,)).fetchone() is None:
        return None
    unassigned = conn.execute("UPDATE photos SET licence_id = NULL WHERE licence_id = ?", (licence_id,)).rowcount
    conn.execute("DELETE FROM licences WHERE id = ?", (licence_id,))
    return unassigned


def set_hand_licence(conn, photo_id: int, licence_id: int | None) -> None:
    conn.execute("UPDATE photos SET licence_id = ? WHERE id = ?", (licence_id, photo_id))


def hand_licence(conn, photo_id: int) -> int | None:
    row = conn.execute("SELECT licence_id FROM photos WHERE id = ?", (photo_id,)).fetchone()
    return row[0] if row else None


def update_licence(conn, licence_id: int, licence: dict) -> None:
    """Replace a licence's terms (same columns as insert_licence)."""
    values = _licence_values(licence)
    conn.execute(f"UPDATE licences SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                 (*values.values(), licence_id))


def photos_covered(conn, licence_id: int, limit: int = 500) -> list[int]:
    """Photos the licence covers (as last judged) or that were assigned to it, newest first."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM photos WHERE licence_resolved = ? OR licence_id = ? ORDER BY sort_key LIMIT ?",
        (licence_id, licence_id, limit))]


# ---------------------------------------------------------------- leases

_LEASE_SQL = ("SELECT l.id, l.photo_id, l.allow, l.valid_from, l.valid_until, l.note, l.added_at, p.path "
              "FROM leases l LEFT JOIN photos p ON p.id = l.photo_id")


def _lease(row) -> dict:
    id_, photo_id, allow, vf, vu, note, added_at, path = row
    return {"id": id_, "photo_id": photo_id, "path": path, "allow": bool(allow), "valid_from": vf,
            "valid_until": vu, "note": note, "added_at": added_at}


def insert_lease(conn, photo_id: int, allow: bool, valid_from: str | None, valid_until: str | None,
                 note: str | None) -> int:
    return conn.execute("INSERT INTO leases(photo_id, allow, valid_from, valid_until, note) VALUES (?,?,?,?,?)",
                        (photo_id, int(bool(allow)), valid_from, valid_until, note)).lastrowid


def lease_signature(rows) -> tuple:
    """A photo's leases as a comparable value: (id, allow, from, until) sorted."""
    return tuple(sorted((int(i), bool(a), f or None, u or None) for i, a, f, u in rows))


def current_leases(conn, photo_ids: Sequence[int]) -> dict[int, tuple]:
    """photo id -> lease_signature of its leases now (photos without leases left out)."""
    rows: dict[int, list] = {}
    for chunk in chunks(photo_ids):
        for pid, *row in conn.execute(f"SELECT photo_id, id, allow, valid_from, valid_until FROM leases "
                                      f"WHERE photo_id IN ({marks(len(chunk))})", chunk):
            rows.setdefault(pid, []).append(row)
    return {pid: lease_signature(r) for pid, r in rows.items()}


def lease_rows(conn, photo_id: int | None = None) -> list[dict]:
    if photo_id is None:
        return [_lease(r) for r in conn.execute(f"{_LEASE_SQL} ORDER BY l.id")]
    return [_lease(r) for r in conn.execute(f"{_LEASE_SQL} WHERE l.photo_id = ? ORDER BY l.id", (photo_id,))]


def lease_row(conn, lease_id: int) -> dict | None:
    row = conn.execute(f"{_LEASE_SQL} WHERE l.id = ?", (lease_id,)).fetchone()
    return _lease(row) if row else None


def delete_lease(conn, lease_id: int) -> bool:
    return conn.execute("DELETE FROM leases WHERE id = ?", (lease_id,)).rowcount > 0
