"""A facet's top values are picked by count without naming every value: the same
lists (ties by name, cut at ``top``) as counting every value by hand, and a value
added by an edit is counted at once (the table of value kinds is read again)."""

from __future__ import annotations

import pytest

from archive.edit import edit_photo
from archive.store.search import facet_counts, search

from .test_search_any_position import ON, template, varied  # noqa: F401

KINDS = ("creator", "place", "agency", "rules", "clearance", "licence")


def _by_hand(conn, query, kind, top):
    ids = []
    cursor = None
    while True:
        page = search(conn, query, limit=500, after=cursor, count=False, today=ON)
        ids += page.photo_ids
        cursor = page.next
        if cursor is None:
            break
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT v.name, count(*) FROM photo_facets f JOIN facet_values v ON v.id = f.value_id "
                        f"WHERE v.kind = ? AND f.photo_id IN ({marks}) GROUP BY v.id", [kind, *ids]).fetchall()
    return sorted(((n, c) for n, c in rows), key=lambda x: (-x[1], x[0]))[:top]


@pytest.mark.parametrize("query", ["", "police", "-police", "snow OR museum", "by:Hoffman"])
@pytest.mark.parametrize("top", [1, 2, 3, 500])
def test_top_values_agree_with_counting_every_value(varied, query, top):
    conn = varied.conn
    counted = facet_counts(conn, query, KINDS, top=top, today=ON)
    for kind in KINDS:
        assert [(n, c) for n, c, _term in counted.get(kind, [])] == _by_hand(conn, query, kind, top), kind


def test_a_value_added_by_an_edit_is_counted_at_once(varied):
    conn = varied.conn
    before = facet_counts(conn, "", ["creator"], top=500, today=ON)["creator"]
    assert "Zoë Newcomer" not in [n for n, _c, _t in before]
    pid = conn.execute("SELECT min(id) FROM photos").fetchone()[0]
    edit_photo(varied, pid, {"creator": ["Zoë Newcomer"]})
    after = facet_counts(conn, "", ["creator"], top=500, today=ON)["creator"]
    assert ["Zoë Newcomer", 1] in [[n, c] for n, c, _t in after]
