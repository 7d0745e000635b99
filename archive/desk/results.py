"""Results for the contact sheet: a query's rows at any position, its total and facets.

The search (:mod:`archive.store.search`) finds ids; this turns a page of them
into what a grid cell shows, with the clearance badge for the publication
date read from the stored checks (never judged here: a stale one shows as not
current, and a job brings it up to date).
"""

from __future__ import annotations

import datetime as _dt
from typing import Optional

from archive.desk.types import Badge, FacetValue, GridRow, Results
from archive.store import grid as grid_store
from archive.store import check_state as check_store

SORTS = ("taken", "imported", "name", "creator")
_FACET_TERMS = {"creator": "by", "place": "place", "agency": "agency", "licence": "licence",
                "clearance": "clearance", "rules": "rules", "folder": "folder", "year": "taken",
                "month": "taken"}


def quote(value: str) -> str:
    value = str(value)
    if value and all(ch.isalnum() or ch in "-_.:/" for ch in value):
        return value
    return '"' + value.replace('"', "") + '"'


def facet_values(raw: Optional[dict]) -> Optional[dict[str, list[FacetValue]]]:
    """The search's facets with the query term of each value (the search gives it,
    or it is made from the facet's field)."""
    if raw is None:
        return None
    out = {}
    for kind, values in raw.items():
        items = []
        for item in values:
            name, count = item[0], item[1]
            term = item[2] if len(item) > 2 else f"{_FACET_TERMS.get(kind, kind)}:{quote(name)}"
            items.append(FacetValue(str(name), int(count), term))
        out[kind] = items
    return out


def page_ids(conn, query: str, offset: int, limit: int, sort: str, descending: bool, on: _dt.date,
             facets: bool):
    """(total, ids, raw facets) of the query's result at ``offset``."""
    from archive.store import search as search_mod

    if sort not in SORTS:
        from archive.errors import UsageError

        raise UsageError(f"cannot sort by {sort}: sort by one of {', '.join(SORTS)}")
    page = search_mod.window(conn, query, offset=offset, limit=limit, sort=sort, descending=descending, today=on)
    raw = search_mod.facets_of(conn, query, today=on) if facets else None
    return page.total, page.photo_ids, raw


def badge(row: dict, violations: list, lease: Optional[str], epoch: int, on: str) -> Badge:
    current = (row["checked_epoch"] == epoch and row["clearance_from"] is not None
               and row["clearance_from"] <= on <= row["clearance_until"])
    over = any(v[0] == "licence.over_quota" for v in violations)
    if not current:
        return Badge(None, lease=lease, current=False)
    c = row["clearance"] or {}
    return Badge(row["clearance_status"], c.get("cost"), tuple(c.get("reasons") or ()), over, lease, True)


def grid_rows(conn, ids: list[int], on: _dt.date) -> list[GridRow]:
    cells = grid_store.cell_rows(conn, ids)
    day = on.isoformat()
    leases = grid_store.lease_counts(conn, ids, day)
    violations = check_store.stored_violations(conn, ids)
    epoch = check_store.epoch(conn)
    rows = []
    for pid in ids:
        c = cells.get(pid)
        if c is None:
            continue
        vs = violations.get(pid, [])
        agency = c["credit"] or c["source"]
        rows.append(GridRow(
            id=pid, name=c["name"], path=c["path"],
            thumb_key=c["thumb_hash"], creators=tuple(c["creator"]), agency=agency, taken_at=c["taken_at"],
            rule_status=c["rule_status"] if c["checked_epoch"] == epoch else None,
            clearance=badge(c, vs, leases.get(pid), epoch, day), missing=c["missing"],
            edited=tuple(c["edited"]), conflicts=tuple(c["conflicts"]), width=c["width"], height=c["height"]))
    return rows


def results(conn, query: str, *, offset: int = 0, limit: int = 50, sort: str = "taken",
            descending: bool = True, facets: bool = False, on: Optional[_dt.date] = None) -> Results:
    on = on or _dt.date.today()
    total, ids, raw = page_ids(conn, query, max(0, int(offset)), max(1, int(limit)), sort, descending, on, facets)
    rows = grid_rows(conn, ids, on)
    wm = check_store.watermark(conn)
    current = check_store.covers(wm, check_store.epoch(conn), on.isoformat()) and not check_store.any_unchecked(conn)
    return Results(query=query, total=total, offset=offset, rows=rows, sort=sort, descending=descending,
                   facets=facet_values(raw), checks_current=current)
