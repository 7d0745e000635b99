"""The application API over a real archive: the demo's photos, article and licences."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.desk import MULTIPLE, Desk, EditConflict

ON = dt.date(2022, 12, 19)


@pytest.fixture
def desk(demo_dir):
    with Desk.open(demo_dir / "archive", create=False) as opened:
        yield opened


def _by_name(desk, name):
    for row in desk.results("", limit=100).rows:
        if row.name == name:
            return row
    raise AssertionError(f"{name} not in the demo")


def test_results_at_any_position_agree_with_the_first_pages(desk):
    everything = desk.results("", limit=100, on=ON)
    assert everything.total == len(everything.rows) > 5
    ids = [r.id for r in everything.rows]
    for offset in range(0, everything.total, 3):
        page = desk.results("", offset=offset, limit=3, on=ON)
        assert [r.id for r in page.rows] == ids[offset:offset + 3]
        assert page.total == everything.total


def test_grid_rows_carry_what_a_cell_shows(desk):
    row = desk.results('by:"Brendan Hoffman"', limit=5, on=ON).rows[0]
    assert row.creators == ("Brendan Hoffman",)
    assert row.name.endswith(".jpg") and row.taken_at.startswith("2022-12")
    assert row.thumb_key is not None
    assert desk.thumbnail(row.id)[:2] == b"\xff\xd8"


def test_facet_terms_narrow_to_their_counts(desk):
    res = desk.results("", facets=True, on=ON)
    checked = 0
    for kind in ("creator", "place"):
        for value in res.facets[kind]:
            assert desk.results(value.term, on=ON).total == value.count, (kind, value)
            checked += 1
    assert checked >= 3


def test_reading_a_record_never_writes(desk):
    row = _by_name(desk, desk.results("", limit=1).rows[0].name)
    before = desk.conn.execute("SELECT max(seq) FROM changes").fetchone()[0]
    desk.add_licence(licensor="Agence Test")          # makes every stored check stale
    seq = desk.conn.execute("SELECT max(seq) FROM changes").fetchone()[0]
    record = desk.record(row.id, on=ON)
    assert record["checks_current"] is False
    assert record["clearance"]["status"] in ("cleared", "conditional", "not_cleared")
    assert desk.conn.execute("SELECT max(seq) FROM changes").fetchone()[0] == seq >= before
    assert desk.checks_state(ON).current is False
    desk.bring_checks_current(on=ON)
    assert desk.record(row.id, on=ON)["checks_current"] is True
    assert desk.checks_state(ON).current is True


def test_edit_undo_redo_and_history(desk):
    row = desk.results("", limit=1).rows[0]
    old = desk.record(row.id)["caption"]
    entry = desk.edit([row.id], {"caption": "A new caption."}, expected={"caption": old})
    assert desk.record(row.id)["caption"] == "A new caption."
    assert "caption" in desk.record(row.id)["edited"]
    undone = desk.undo(entry.batch)
    record = desk.record(row.id)
    assert record["caption"] == old and "caption" not in record["edited"]
    desk.redo(entry.batch)
    assert desk.record(row.id)["caption"] == "A new caption."
    labels = [h["label"] for h in desk.history(row.id, ["caption"])]
    assert labels[0].startswith("redo") and labels[1].startswith("undo") and labels[2] == "edit"
    assert undone.changes[0].before == "A new caption."


def test_a_stale_edit_is_refused_and_writes_nothing(desk):
    row = desk.results("", limit=1).rows[0]
    seen = desk.record(row.id)["caption"]
    other = desk.clone()                                  # another window, same archive
    other.edit([row.id], {"caption": "Changed elsewhere."})
    other.close()
    with pytest.raises(EditConflict) as caught:
        desk.edit([row.id], {"caption": "Mine.", "headline": "H"}, expected={"caption": seen})
    assert caught.value.conflicts[0][:2] == (row.id, "caption")
    record = desk.record(row.id)
    assert record["caption"] == "Changed elsewhere." and record["headline"] != "H"


def test_undo_after_a_later_edit_elsewhere_is_refused(desk):
    row = desk.results("", limit=1).rows[0]
    entry = desk.edit([row.id], {"caption": "First."})
    desk.edit([row.id], {"caption": "Second."})
    with pytest.raises(EditConflict):
        desk.undo(entry.batch)
    assert desk.record(row.id)["caption"] == "Second."


def test_batch_edit_with_licence_is_one_action(desk):
    rows = desk.results("", limit=4).rows
    ids = [r.id for r in rows]
    lic = desk.add_licence(licensor="The New York Times", kind="subscription")
    shared = desk.shared_values(ids, ["credit_line", "creator"])
    assert shared["creator"] == MULTIPLE
    entry = desk.edit(ids, {"credit_line": "Photograph: Staff/The Daily"}, licence=lic["id"])
    assert len(entry.photo_ids) == 4
    assert desk.shared_values(ids, ["credit_line"])["credit_line"] == "Photograph: Staff/The Daily"
    desk.undo(entry.batch)
    assert all(desk.conn.execute("SELECT licence_id FROM photos WHERE id=?", (i,)).fetchone()[0] is None
               for i in ids)


def test_a_bad_licence_in_an_edit_changes_nothing(desk):
    row = desk.results("", limit=1).rows[0]
    caption = desk.record(row.id)["caption"]
    with pytest.raises(Exception):
        desk.edit([row.id], {"caption": "Nope."}, licence=999)
    assert desk.record(row.id)["caption"] == caption


def test_draft_check_finds_and_places_the_fix(desk):
    row = desk.results('by:"Brendan Hoffman"', limit=1).rows[0]
    draft = desk.draft_check(row.id, caption="Workers in Kiev on Saturday.",
                             credit_line="Photograph: Brendan Hoffman/The New York Times", on=ON)
    spelling = [v for v in draft.violations if v.rule == "style.spelling"]
    assert spelling and spelling[0].fix == "Workers in Kyiv on Saturday."
    assert spelling[0].span == (11, 15)
    assert draft.clearance["status"] in ("cleared", "conditional", "not_cleared")
    before = desk.conn.execute("SELECT max(seq) FROM changes").fetchone()[0]
    desk.draft_check(row.id, caption="x", on=ON)
    assert desk.conn.execute("SELECT max(seq) FROM changes").fetchone()[0] == before


def test_accepting_pairs_is_undoable(desk):
    article = desk.articles()[0]
    for caption in desk.article(article["id"])["captions"]:
        if caption["pair"] and caption["pair"]["decision"]:
            desk.reset(article["id"], caption["index"])
    desk.match(article["id"])
    pairs, entry = desk.accept(article["id"])
    assert pairs and entry.changes
    photo = pairs[0]["photo_id"]
    caption_text = desk.article(article["id"])["captions"][pairs[0]["caption_index"]]["text"]
    assert desk.record(photo)["caption"] == caption_text
    desk.undo(entry.batch)
    assert desk.record(photo)["caption"] != caption_text
    assert desk.article(article["id"])["captions"][pairs[0]["caption_index"]]["pair"]["decision"] is None
    desk.redo(entry.batch)
    assert desk.record(photo)["caption"] == caption_text


def test_repair_by_hand_is_undoable(desk):
    article = desk.articles()[0]
    detail = desk.article(article["id"])
    cap = detail["captions"][0]
    other = next(r.id for r in desk.results("", limit=50).rows if r.id != (cap["pair"] or {}).get("photo_id"))
    pair, entry = desk.repair(article["id"], cap["index"], other)
    assert pair["photo_id"] == other and pair["decision"] == "confirmed"
    desk.undo(entry.batch)
    assert desk.article(article["id"])["captions"][0]["pair"]["photo_id"] == (cap["pair"] or {}).get("photo_id")


def test_licence_update_and_cover(desk):
    lic = desk.add_licence(licensor="Reuters", valid_until="2022-12-31")
    changed = desk.update_licence(lic["id"], valid_until="2023-06-30", aliases=["Thomson Reuters"])
    assert changed["valid_until"] == "2023-06-30" and changed["aliases"] == ["Thomson Reuters"]
    assert changed["licensor"] == "Reuters"
    with pytest.raises(Exception) as caught:
        desk.update_licence(lic["id"], cost="cheap")
    assert "--" not in str(caught.value)
    desk.bring_checks_current(on=ON)
    covered = desk.licence_photos(lic["id"])
    assert all(isinstance(i, int) for i in covered)


def test_pasted_article(desk):
    text = ("Kyiv, Ukraine\n\nWorkers install a tree in central Kyiv on Saturday.\n"
            "Photograph: Laura Boushnak/The New York Times\n")
    added = desk.add_article(text=text, title="Pasted", date="2022-12-19")
    assert added["captions"] and added["captions"][0]["credit_line"].startswith("Photograph:")


def test_a_desk_for_the_window_does_not_map_the_archive(tmp_path):
    """The window's connections live all day: they read through a page cache, so
    scrolling does not pile the archive up in resident memory; a job's clone maps."""
    from archive.desk import Desk

    with Desk.open(tmp_path / "a", mapped=False) as desk:
        assert desk.conn.execute("PRAGMA mmap_size").fetchone()[0] == 0
        clone = desk.clone()
        assert clone.conn.execute("PRAGMA mmap_size").fetchone()[0] == 0
        clone.close()
        job = desk.clone(mapped=True)
        assert job.conn.execute("PRAGMA mmap_size").fetchone()[0] > 0
        job.close()
    with Desk.open(tmp_path / "a") as desk:
        assert desk.conn.execute("PRAGMA mmap_size").fetchone()[0] > 0
