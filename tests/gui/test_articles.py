"""The articles panel over the demo archive: matching as a job, decisions on the undo stack,
re-pairing by a drop from the contact sheet."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent


@pytest.fixture
def panel(qtbot, context):
    from desktop.gui.articles import ArticlesPanel

    widget = ArticlesPanel(context)
    qtbot.addWidget(widget)
    widget.resize(500, 900)
    widget.show()
    return widget


def _reset_all(panel):
    for row in panel.caption_rows():
        if row["decision"] != "undecided":
            panel.reset(row["index"])


def _match(panel, qtbot):
    job = panel.match()
    assert job is not None
    qtbot.waitUntil(lambda: job not in panel.context.jobs.running(), timeout=30000)
    qtbot.waitUntil(lambda: panel.job is None, timeout=5000)


def test_lists_the_demo_articles_captions_with_their_photos(panel, desk):
    rows = panel.caption_rows()
    assert len(rows) == 2
    assert rows[0]["caption"].startswith("1. Air raid sirens")
    assert rows[0]["photo"] == "hoffman_air_raid_kyiv.jpg" and rows[0]["thumbnail"]
    assert rows[0]["status"] == "auto" and rows[0]["decision"] == "accepted"
    assert rows[0]["score"] == "1.00"
    first = panel.model.item(0, 0)
    assert first.rowCount() == 2                      # reasons and runners-up
    assert first.child(0).text().startswith("Why") and first.child(1).text().startswith("Runners-up")
    assert "creator = XMP dc:creator" in first.child(0).child(0).text()


def test_accept_all_automatic_changes_the_captions_and_undoes(panel, context, desk, qtbot):
    _reset_all(panel)
    assert all(r["decision"] == "undecided" for r in panel.caption_rows())
    _match(panel, qtbot)
    rows = panel.caption_rows()
    assert all(r["status"] == "auto" and r["decision"] == "undecided" for r in rows)
    before = {r["photo_id"]: desk.record(r["photo_id"])["caption"] for r in rows}
    texts = {r["photo_id"]: desk.article(panel.article_id)["captions"][r["index"]]["text"] for r in rows}
    assert all(before[p] != texts[p] for p in before)
    depth = context.undo_stack.count()
    assert panel.accept_all_button.isEnabled()
    qtbot.mouseClick(panel.accept_all_button, Qt.LeftButton)
    assert context.undo_stack.count() == depth + 1
    assert all(r["decision"] == "accepted" for r in panel.caption_rows())
    assert all(desk.record(p)["caption"] == texts[p] for p in texts)
    context.undo_stack.undo()
    assert all(r["decision"] == "undecided" for r in panel.caption_rows())
    assert all(desk.record(p)["caption"] == before[p] for p in before)
    context.undo_stack.redo()
    assert all(r["decision"] == "accepted" for r in panel.caption_rows())


def test_clicking_a_caption_selects_its_photo(panel, context, qtbot):
    rect = panel.tree.visualRect(panel.model.index(1, 0))
    qtbot.mouseClick(panel.tree.viewport(), Qt.LeftButton, pos=rect.center())
    assert context.selection == [panel.caption_rows()[1]["photo_id"]]


def test_repair_by_dropping_a_photo_on_a_caption(panel, context, desk):
    other = next(r.id for r in desk.results("", limit=50).rows if r.name == "hoffman_market_kyiv.jpg")
    mime = QMimeData()
    mime.setData("application/x-picturedesk-photo-ids", f"{other},3".encode())
    pos = panel.tree.visualRect(panel.model.index(0, 0)).center()
    event = QDropEvent(QPointF(pos), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    panel.tree.dropEvent(event)
    assert event.isAccepted()
    row = panel.caption_rows()[0]
    assert row["photo"] == "hoffman_market_kyiv.jpg" and row["decision"] == "confirmed"
    assert desk.article(panel.article_id)["captions"][0]["pair"]["photo_id"] == other
    assert desk.record(other)["caption"].startswith("Air raid sirens")
    context.undo_stack.undo()
    assert panel.caption_rows()[0]["photo"] == "hoffman_air_raid_kyiv.jpg"


def test_reject_and_confirm_a_caption(panel, context, desk):
    panel.tree.setCurrentIndex(panel.model.index(1, 0))
    panel.reject_button.click()
    assert panel.caption_rows()[1]["decision"] == "rejected"
    panel.tree.setCurrentIndex(panel.model.index(1, 0))
    assert panel.reset_button.isEnabled()
    panel.reset_button.click()
    assert panel.caption_rows()[1]["decision"] == "undecided"
    panel.tree.setCurrentIndex(panel.model.index(1, 0))
    panel.accept_button.click()
    assert panel.caption_rows()[1]["decision"] in ("accepted", "confirmed")
    assert context.undo_stack.count() == 3


def test_paste_and_drop_an_article_file(panel, desk, qtbot, tmp_path):
    text = ("Kyiv, Ukraine\n\nWorkers install a tree in central Kyiv on Saturday.\n"
            "Photograph: Laura Boushnak/The New York Times\n")
    aid = panel.add_text(text, title="Pasted", date="2022-12-19")
    assert aid is not None and panel.article_id == aid
    qtbot.waitUntil(lambda: panel.job is None, timeout=30000)   # no race with a job that already ended
    qtbot.waitUntil(lambda: panel.job is None and panel.caption_rows()
                    and panel.caption_rows()[0]["status"] != "unmatched", timeout=10000)
    assert panel.caption_rows()[0]["photo"] == "boushnak_christmas_tree.jpg"

    path = tmp_path / "dropped.txt"
    path.write_text(text.replace("Saturday", "Sunday"), encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    panel.tree.dropEvent(event)
    assert event.isAccepted()
    assert panel.article_box.count() == 3
    qtbot.waitUntil(lambda: panel.job is None, timeout=30000)   # no race with a job that already ended
