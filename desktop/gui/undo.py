"""QUndoStack commands over the Desk's history: every edit, batch edit and pairing
decision is one entry the archive already applied; undo and redo ask the Desk
to apply it backwards or forwards (with its check that nobody changed those
fields since).  A refused undo (:class:`archive.desk.EditConflict`) is shown,
and the stack stays where it was."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from archive.desk import EditConflict, HistoryEntry


class HistoryCommand(QUndoCommand):
    """One applied action.  The first redo() (QUndoStack.push calls it) does nothing."""

    def __init__(self, context, entry: HistoryEntry, text: str | None = None):
        super().__init__(text or entry.label)
        self.context = context
        self.entry = entry
        self._applied = True
        self.error: str | None = None

    def _changed(self) -> None:
        ids = self.entry.photo_ids
        self.context.photosChanged.emit(ids)
        if any(c.field.startswith("pair:") for c in self.entry.changes):
            self.context.articlesChanged.emit()

    def _apply(self, how: str, applied: bool) -> None:
        try:
            getattr(self.context.desk, how)(self.entry.batch)
        except EditConflict as exc:
            self.error = str(exc)
            self.context.status.emit(f"Cannot {how}: {exc}")
            self.setObsolete(True)
            return
        self._applied = applied
        self._changed()

    def undo(self) -> None:
        self._apply("undo", False)

    def redo(self) -> None:
        if not self._applied:
            self._apply("redo", True)


def push(context, entry: HistoryEntry, text: str | None = None) -> None:
    """Put an applied action on the window's undo stack and tell the views."""
    if not entry.changes:
        return
    context.undo_stack.push(HistoryCommand(context, entry, text))
    context.photosChanged.emit(entry.photo_ids)
    if any(c.field.startswith("pair:") for c in entry.changes):
        context.articlesChanged.emit()
