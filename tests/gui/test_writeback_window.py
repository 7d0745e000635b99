"""In the window an edit is saved in the archive at once and its sidecar is written
by a job a moment later, never on the GUI thread; a sidecar that cannot be written is
said in the status bar and stays queued."""

from __future__ import annotations

import threading

from archive import writeback


def test_an_edit_reaches_the_sidecar_off_the_gui_thread(qtbot, window, monkeypatch):
    desk = window.context.desk
    pid = window.sheet.model.row(0).id
    path = desk.record(pid)["path"]
    threads = []
    real = writeback.write_pending

    def spy(*a, **kw):
        threads.append(threading.get_ident())
        return real(*a, **kw)

    monkeypatch.setattr(writeback, "write_pending", spy)
    entry = desk.edit([pid], {"caption": "Київ at night, written back by the window"})
    assert entry.unwritten == [] and threads == []            # nothing written on this thread
    window.context.photosChanged.emit([pid])
    qtbot.waitUntil(lambda: desk.pending_writebacks() == [], timeout=5000)
    assert threads and threading.get_ident() not in threads
    sidecar = path.rsplit(".", 1)[0] + ".xmp"
    with open(sidecar, encoding="utf-8") as f:
        assert "Київ at night, written back by the window" in f.read()


def test_a_sidecar_that_cannot_be_written_is_said_and_kept_queued(qtbot, window, monkeypatch):
    import errno
    import os

    desk = window.context.desk
    pid = window.sheet.model.row(0).id
    real_replace = os.replace

    def full(src, dst, *a, **kw):
        if str(dst).lower().endswith(".xmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", full)
    desk.edit([pid], {"headline": "Kept in the archive"})
    window.context.photosChanged.emit([pid])
    qtbot.waitUntil(lambda: "Not written to the sidecar" in window.statusBar().currentMessage(), timeout=5000)
    assert [p["photo_id"] for p in desk.pending_writebacks()] == [pid]
    assert desk.record(pid)["headline"] == "Kept in the archive"
    # The inspector says so on the photo, with the reason.
    window.context.set_selection([pid], pid)
    window.inspector.refresh()
    tree = window.inspector.single.trees["File"]
    rows = [(tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1)) for i in range(tree.topLevelItemCount())]
    sidecar = [text for title, text in rows if title == "Sidecar"]
    assert sidecar and "headline" in sidecar[0]
    note = window.inspector.single.writeback_label
    assert note.isVisibleTo(window) and "headline" in note.text() and "the disk is full" in note.text()
