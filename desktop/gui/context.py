"""What every part of the window shares: the open Desk, the publication date, the
selection, the undo stack and the job runner, with signals when they change.

Views never talk to each other directly: they read and change this context,
and listen to its signals.  Nothing here knows SQL or rules; it forwards to
:class:`archive.desk.Desk`.
"""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from desktop.gui.jobs import JobRunner


class DeskContext(QObject):
    deskChanged = Signal()                 # another archive was opened (or the first one)
    photosChanged = Signal(list)           # these photo ids changed (edits, undo, pairing); [] = many
    archiveChanged = Signal()              # many photos may have changed (import, sync, check)
    dateChanged = Signal(object)           # the publication date ("publishing on")
    selectionChanged = Signal(list)        # photo ids selected in the sheet, in order
    currentChanged = Signal(int)           # the photo the inspector shows (-1: none)
    queryChanged = Signal(str)             # the query the sheet shows
    queryRequested = Signal(str)           # a view asks the search bar to run this query
    articlesChanged = Signal()
    status = Signal(str)                   # a short message for the status bar

    def __init__(self, desk=None, parent=None):
        super().__init__(parent)
        self.desk = desk
        if desk is not None:
            desk.defer_writes = True         # sidecars are written by a job (MainWindow.write_sidecars)
        self.on: _dt.date = _dt.date.today()
        self.selection: list[int] = []
        self.current: int = -1
        self.query: str = ""
        self.undo_stack = QUndoStack(self)
        self.jobs = JobRunner(self)

    # -- changing shared state (each emits its signal)

    def set_desk(self, desk) -> None:
        old, self.desk = self.desk, desk
        if desk is not None:
            desk.defer_writes = True
        self.undo_stack.clear()
        self.selection, self.current = [], -1
        self.deskChanged.emit()
        if old is not None and old is not desk:
            old.close()

    def set_date(self, on: _dt.date) -> None:
        if on != self.on:
            self.on = on
            self.dateChanged.emit(on)

    def set_selection(self, ids: list[int], current: int | None = None) -> None:
        self.selection = list(ids)
        self.selectionChanged.emit(self.selection)
        cur = current if current is not None else (ids[0] if ids else -1)
        if cur != self.current:
            self.current = cur
            self.currentChanged.emit(cur)

    def set_query(self, query: str) -> None:
        self.query = query
        self.queryChanged.emit(query)
