"""What a contact-sheet cell shows, for a page of photo ids, in one query."""

from __future__ import annotations

import json
import os
from typing import Sequence


def cell_rows(conn, photo_ids: Sequence[int]) -> dict[int, dict]:
    """photo id -> the columns a grid cell needs (file name, creator, agency, capture
    time, stored clearance and rule status, thumbnail key, missing)."""
    if not photo_ids:
        return {}
    out = {}
    ids = list(photo_ids)
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        rows = conn.execute(
            "SELECT id, path, creator, credit, source, taken_at, content_hash, thumb_hash, "
            "clearance_status, clearance_from, clearance_until, clearance, rule_status, "
            "licence_resolved, missing_since, caption, edited, conflicts, width, height, checked_epoch "
            f"FROM photos WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        for r in rows:
            (pid, path, creator, credit, source, taken, chash, thash, cstatus, cfrom, cuntil, cjson,
             rstatus, lic, missing, caption, edited, conflicts, width, height, checked) = r
            out[pid] = {
                "id": pid, "path": path, "name": os.path.basename(path),
                "creator": json.loads(creator or "[]"), "credit": credit, "source": source,
                "taken_at": taken, "content_hash": chash, "thumb_hash": thash,
                "clearance_status": cstatus, "clearance_from": cfrom, "clearance_until": cuntil,
                "clearance": json.loads(cjson) if cjson else None, "rule_status": rstatus,
                "licence_id": lic, "missing": missing is not None, "has_caption": bool(caption),
                "edited": json.loads(edited or "[]"), "conflicts": json.loads(conflicts or "{}"),
                "width": width, "height": height, "checked_epoch": checked,
            }
    return out


def lease_counts(conn, photo_ids: Sequence[int], on: str) -> dict[int, str]:
    """photo id -> "allow" or "deny" for photos with a lease in force on ``on`` (deny wins)."""
    if not photo_ids:
        return {}
    out: dict[int, str] = {}
    ids = list(photo_ids)
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for pid, allow in conn.execute(
                f"SELECT photo_id, allow FROM leases WHERE photo_id IN ({','.join('?' * len(chunk))}) "
                "AND coalesce(valid_from, '0000') <= ? AND coalesce(valid_until, '9999') >= ?",
                (*chunk, on, on)):
            if not allow:
                out[pid] = "deny"
            else:
                out.setdefault(pid, "allow")
    return out
