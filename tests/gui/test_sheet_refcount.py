"""A contact sheet painted many times keeps Python's objects intact.

PySide6 6.12.0 on Python 3.11 dropped one reference to None each time a Python
model's ``data()`` answered None through ``QModelIndex.data``; after some
thousands of cells the process died ("deallocating None").  pyproject.toml keeps
that release out; this test fails on it."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt


def test_painting_the_sheet_does_not_eat_references_to_none(qtbot, context):
    from desktop.gui.sheet import ContactSheet

    sheet = ContactSheet(context)
    qtbot.addWidget(sheet)
    sheet.resize(1200, 800)
    sheet.show()
    qtbot.waitUntil(lambda: sheet.model.total > 0)
    before = sys.getrefcount(None)
    for _ in range(60):
        sheet.view.viewport().repaint()
        for n in range(sheet.model.total):
            sheet.model.index_of(n).data(Qt.UserRole + 7)      # a role nobody answers: None
    assert sys.getrefcount(None) >= before - 50
    sheet.shutdown()


def test_thumbnail_workers_keep_one_connection_each(qtbot, context):
    """Loading thumbnails again and again does not open new archive connections (on Qt's
    pool threads Python's thread-locals do not last between runs; a leak once reached
    thousands of open files)."""
    import os

    from desktop.gui.sheet import ContactSheet

    sheet = ContactSheet(context)
    qtbot.addWidget(sheet)
    sheet.resize(1200, 800)
    sheet.show()
    qtbot.waitUntil(lambda: sheet.model.total > 0)
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(30):
        sheet.loader.forget(range(1, 20))
        sheet.loader.request(list(range(1, 11)))
        qtbot.waitUntil(lambda: sheet.loader.pixmap(1) is not None, timeout=5000)
    assert len(os.listdir("/proc/self/fd")) <= before + 12
    sheet.shutdown()
