"""The inspector, caption editor, batch editor and conflict view over the real demo archive."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt

from tests.gui.conftest import DEMO_DAY


def _id(desk, name):
    for row in desk.results("", limit=100).rows:
        if row.name == name:
            return row.id
    raise AssertionError(f"{name} not in the demo")


@pytest.fixture
def inspector(qtbot, context):
    from desktop.gui.inspector import Inspector

    widget = Inspector(context)
    qtbot.addWidget(widget)
    widget.resize(500, 900)
    widget.show()
    return widget


def _tree_rows(tree):
    out = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        out.append((item.text(0), item.text(1), item.text(2)))
        for j in range(item.childCount()):
            child = item.child(j)
            out.append((child.text(0), child.text(1), child.text(2)))
    return out


def test_shows_values_with_their_origin_tags_and_clearance_reasons(inspector, context, desk):
    pid = _id(desk, "getty_minsk.jpg")
    context.set_selection([pid])
    single = inspector.single
    assert inspector.mode() == "single"
    assert single.name_label.text() == "getty_minsk.jpg"
    assert "640 × 427" in single.summary["file"].text()
    assert single.summary["creator"].text() == "Mikhail Metzel"
    assert "Minsk" in single.summary["place"].text() and "Belarus" in single.summary["place"].text()
    xmp = _tree_rows(single.trees["XMP"])
    assert ("City", "Minsk", "XMP photoshop:City") in xmp
    assert ("Creator", "Mikhail Metzel", "XMP dc:creator") in xmp
    assert any(r[0] == "Taken" and r[2] == "EXIF DateTimeOriginal" for r in _tree_rows(single.trees["EXIF"]))
    assert any(r[0] == "Path" for r in _tree_rows(single.trees["File"]))
    assert single.status_chip.text().startswith("Not cleared")
    reasons = single.reasons_label.text()
    assert "covered by licence" in reasons and "Getty Images" in reasons and "Embargoed until" in reasons
    assert not single.stale_label.isVisibleTo(inspector)   # the demo's checks are stored for its day


def test_edited_value_shows_the_agencys_own_beside_it(inspector, context, desk):
    pid = _id(desk, "hoffman_air_raid_kyiv.jpg")      # the demo accepted an article caption for it
    context.set_selection([pid])
    editor = inspector.editor
    assert editor.file_labels["caption"].isVisible()
    assert "sheltered in a metro station" in editor.file_labels["caption"].text()
    rows = _tree_rows(inspector.single.trees["XMP"])
    assert ("Caption", desk.record(pid)["caption"], "edited here") in rows
    assert any(r[0] == "File's own" and "metro station" in r[1] for r in rows)


def test_typing_kiev_underlines_it_and_fix_puts_kyiv(inspector, context, desk, qtbot):
    pid = _id(desk, "hoffman_market_kyiv.jpg")
    context.set_selection([pid])
    editor = inspector.editor
    editor.caption.setFocus()
    editor.caption.selectAll()
    qtbot.keyClicks(editor.caption, "Workers in Kiev on Saturday.")
    qtbot.waitUntil(lambda: any(u[2] == "style.spelling" for u in editor.underlines("caption")), timeout=2000)
    assert (11, 15, "style.spelling") in editor.underlines("caption")
    rows = [r for r in editor.violation_rows if r.violation.rule == "style.spelling"]
    assert rows and "Kyiv" in rows[0].message.text() and rows[0].fix_button is not None
    qtbot.mouseClick(rows[0].fix_button, Qt.LeftButton)
    assert editor.text_of("caption") == "Workers in Kyiv on Saturday."
    assert desk.record(pid)["caption"] != "Workers in Kyiv on Saturday."     # fixed, not saved yet
    assert not any(u[2] == "style.spelling" for u in editor.underlines("caption"))


def test_save_undo_redo(inspector, context, desk, qtbot):
    pid = _id(desk, "hoffman_market_kyiv.jpg")
    context.set_selection([pid])
    old = desk.record(pid)["caption"]
    editor = inspector.editor
    editor.caption.setPlainText("Shoppers at a market in Kyiv on Monday.")
    editor.caption.setFocus()
    qtbot.keyClick(editor.caption, Qt.Key_Return, Qt.ControlModifier)
    assert desk.record(pid)["caption"] == "Shoppers at a market in Kyiv on Monday."
    assert context.undo_stack.count() == 1
    assert not editor.dirty_fields()
    hist = inspector.single.history_labels
    assert len(hist) == 1 and hist[0].property("history")[2] == "Shoppers at a market in Kyiv on Monday."
    assert "→ Shoppers at a market" in hist[0].text()
    context.undo_stack.undo()
    assert desk.record(pid)["caption"] == old
    assert editor.text_of("caption") == old
    context.undo_stack.redo()
    assert desk.record(pid)["caption"] == "Shoppers at a market in Kyiv on Monday."
    assert editor.text_of("caption") == "Shoppers at a market in Kyiv on Monday."
    assert editor.file_labels["caption"].isVisible()


def test_rebuild_credit_and_revert_to_the_files_value(inspector, context, desk):
    pid = _id(desk, "hoffman_market_kyiv.jpg")
    context.set_selection([pid])
    editor = inspector.editor
    assert any(r.violation.rule == "credit.missing" for r in editor.violation_rows)
    editor.rebuild_button.click()
    assert editor.text_of("credit_line") == desk.rebuilt_credit(pid)
    editor.editors["city"].setText("Kyiv City")
    assert editor.save()
    assert desk.record(pid)["city"] == "Kyiv City"
    assert editor.revert_buttons["city"].isVisibleTo(inspector)
    editor.revert_buttons["city"].click()
    assert desk.record(pid)["city"] == "Kyiv"
    assert editor.editors["city"].text() == "Kyiv"
    assert context.undo_stack.count() == 2


def test_conflicting_save_is_shown_and_nothing_is_lost(inspector, context, desk):
    pid = _id(desk, "hoffman_market_kyiv.jpg")
    context.set_selection([pid])
    editor = inspector.editor
    editor.caption.setPlainText("My caption.")
    other = desk.clone()
    other.edit([pid], {"caption": "Their caption."})
    other.close()
    assert editor.save() is False
    assert editor.conflict_box.isVisibleTo(inspector)
    assert "Their caption." in editor.conflict_label.text() and "My caption." in editor.conflict_label.text()
    assert desk.record(pid)["caption"] == "Their caption."
    assert editor.text_of("caption") == "My caption."          # mine is still there
    assert context.undo_stack.count() == 0
    editor.overwrite_button.click()
    assert desk.record(pid)["caption"] == "My caption."
    assert not editor.conflict_box.isVisibleTo(inspector)
    assert context.undo_stack.count() == 1


def test_conflict_reload_takes_theirs(inspector, context, desk):
    pid = _id(desk, "hoffman_market_kyiv.jpg")
    context.set_selection([pid])
    editor = inspector.editor
    editor.caption.setPlainText("My caption.")
    other = desk.clone()
    other.edit([pid], {"caption": "Their caption."})
    other.close()
    editor.save()
    editor.reload_button.click()
    assert editor.text_of("caption") == "Their caption."
    assert not editor.dirty_fields()
    assert desk.record(pid)["caption"] == "Their caption."


def test_batch_credit_line_on_three_photos_is_one_undo_step(inspector, context, desk):
    ids = [_id(desk, n) for n in ("getty_minsk.jpg", "pa_copenhagen.jpg", "ap_kharkiv_midnight.jpg")]
    before = {i: desk.record(i)["credit_line"] for i in ids}
    context.set_selection(ids)
    assert inspector.mode() == "batch"
    batch = inspector.batch
    city = batch.boxes["city"]
    assert city.currentText() == "" and city.lineEdit().placeholderText() == "<multiple values>"
    assert {city.itemText(i) for i in range(city.count())} >= {"Minsk", "Kharkiv"}
    batch.boxes["credit_line"].setEditText("Photograph: Staff/The Daily")
    assert batch.apply_button.isEnabled()
    batch.apply_button.click()
    assert all(desk.record(i)["credit_line"] == "Photograph: Staff/The Daily" for i in ids)
    assert context.undo_stack.count() == 1
    assert batch.boxes["credit_line"].currentText() == "Photograph: Staff/The Daily"
    context.undo_stack.undo()
    assert {i: desk.record(i)["credit_line"] for i in ids} == before
    context.undo_stack.redo()
    assert all(desk.record(i)["credit_line"] == "Photograph: Staff/The Daily" for i in ids)


def test_batch_choose_one_of_the_values_and_assign_a_licence(inspector, context, desk):
    ids = [_id(desk, n) for n in ("getty_minsk.jpg", "hoffman_market_kyiv.jpg")]
    lic = desk.add_licence(licensor="The New York Times", kind="subscription")
    context.set_selection(ids)
    batch = inspector.batch
    city = batch.boxes["city"]
    city.setCurrentIndex(city.findText("Kyiv"))
    batch.apply()
    assert all(desk.record(i)["city"] == "Kyiv" for i in ids)
    batch.licence_box.setCurrentIndex(batch.licence_box.findData(lic["id"]))
    entry = batch.assign_licence()
    assert entry is not None and len(entry.photo_ids) == 2
    assert context.undo_stack.count() == 2
    context.undo_stack.undo()
    assert desk.conn.execute("SELECT licence_id FROM photos WHERE id=?", (ids[0],)).fetchone()[0] is None


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed")
def test_outside_edit_conflict_keep_or_take(inspector, context, desk, tmp_path):
    source = desk.record(_id(desk, "hoffman_market_kyiv.jpg"))["path"]
    folder = tmp_path / "outside"
    folder.mkdir()
    copy = folder / "outside_copy.jpg"
    shutil.copy(source, copy)                 # the originals are never touched: a copy is
    desk.import_paths([str(folder)], thumbnails=False)    # a folder: sync rescans it
    pid = desk.resolve(str(copy))
    context.set_selection([pid])
    editor = inspector.editor
    editor.caption.setPlainText("Our caption.")
    assert editor.save()
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-IPTC:Caption-Abstract=The agency's new caption.",
                    "-XMP-dc:Description=The agency's new caption.", str(copy)], check=True)
    desk.sync(thumbnails=False)
    context.photosChanged.emit([pid])
    view = inspector.conflicts
    assert view.isVisibleTo(inspector) and "caption" in view.rows
    assert "The agency's new caption." in [w.text() for w in view.rows["caption"].findChildren(type(view.header))]
    view.rows["caption"].take_button.click()
    assert desk.record(pid)["caption"] == "The agency's new caption."
    assert not view.isVisibleTo(inspector)
    assert editor.text_of("caption") == "The agency's new caption."
    context.undo_stack.undo()
    assert desk.record(pid)["caption"] == "Our caption."
    # a second outside change, and this time the edit is kept
    context.undo_stack.redo()
    editor.caption.setPlainText("Ours again.")
    assert editor.save()
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-IPTC:Caption-Abstract=Another.",
                    "-XMP-dc:Description=Another.", str(copy)], check=True)
    desk.sync(thumbnails=False)
    context.photosChanged.emit([pid])
    assert "caption" in view.rows
    view.rows["caption"].keep_button.click()
    assert desk.record(pid)["caption"] == "Ours again." and not desk.record(pid)["conflicts"]
    assert not view.isVisibleTo(inspector)


def test_date_change_rejudges_clearance(inspector, context, desk):
    import datetime as dt

    pid = _id(desk, "getty_minsk.jpg")
    context.set_selection([pid])
    assert "Embargoed" in inspector.single.reasons_label.text()
    context.set_date(dt.date(2023, 1, 10))
    assert "Embargoed" not in inspector.single.reasons_label.text()
    assert "10 Jan 2023" in inspector.single.on_label.text()
    context.set_date(DEMO_DAY)


def test_leaving_a_photo_saves_its_unsaved_changes(inspector, context, desk):
    first, second = _id(desk, "hoffman_market_kyiv.jpg"), _id(desk, "getty_minsk.jpg")
    context.set_selection([first])
    inspector.editor.caption.setPlainText("Typed, then moved on.")
    context.set_selection([second])
    assert desk.record(first)["caption"] == "Typed, then moved on."
    assert inspector.single.name_label.text() == "getty_minsk.jpg"
    assert context.undo_stack.count() == 1
    # a conflicting change elsewhere: the inspector stays, with the conflict shown
    inspector.editor.caption.setPlainText("Mine.")
    other = desk.clone()
    other.edit([second], {"caption": "Theirs."})
    other.close()
    context.set_selection([first])
    assert inspector.single.name_label.text() == "getty_minsk.jpg"
    assert inspector.editor.conflict_box.isVisibleTo(inspector)
    assert inspector.editor.text_of("caption") == "Mine."
