"""Outside-edit conflicts: the photo file changed a field after it was edited here.

A sync keeps the archive's edit and records what the file says now; this view
shows, field by field, the file's new value beside the archive's, with
"Keep mine" and "Take the file's" (both undoable, through the Desk)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from archive.errors import PictureDeskError
from desktop.gui import undo
from desktop.gui.caption_editor import LABELS, muted, to_text


class ConflictRow(QFrame):
    def __init__(self, field: str, mine, theirs, parent=None):
        super().__init__(parent)
        self.field = field
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        title = QLabel(f"<b>{escape(LABELS.get(field, field))}</b>")
        grid.addWidget(title, 0, 0, 1, 2)
        for row, (name, value) in enumerate((("Archive (edited here)", mine), ("File now", theirs)), start=1):
            head = QLabel(name)
            muted(head)
            grid.addWidget(head, row, 0, Qt.AlignTop)
            text = QLabel(to_text(field, value) or "(empty)")
            text.setTextFormat(Qt.PlainText)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextSelectableByMouse)
            grid.addWidget(text, row, 1)
        grid.setColumnStretch(1, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.keep_button = QPushButton("Keep mine")
        self.keep_button.setToolTip("Keep the archive's edited value; the file's change is set aside")
        self.take_button = QPushButton("Take the file's")
        self.take_button.setToolTip("Use the value the file says now")
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        grid.addLayout(buttons, 3, 0, 1, 2)


class ConflictView(QFrame):
    """The disagreements of one photo with its file; hidden when there are none."""

    resolved = Signal(object)          # HistoryEntry

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.photo_id = -1
        self.rows: dict[str, ConflictRow] = {}
        self.setFrameShape(QFrame.StyledPanel)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.Window, pal.color(QPalette.AlternateBase))
        self.setPalette(pal)
        self.layout_ = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.layout_.addWidget(self.header)
        self.setVisible(False)

    def set_record(self, record) -> None:
        for row in self.rows.values():
            self.layout_.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows = {}
        conflicts = (record or {}).get("conflicts") or {}
        self.photo_id = record["id"] if record else -1
        if not conflicts:
            self.setVisible(False)
            return
        n = len(conflicts)
        self.header.setText(f"<b>The file was changed outside Picture Desk</b> after "
                            f"{'this field was' if n == 1 else f'these {n} fields were'} edited here. "
                            "Choose which value to keep.")
        for field, theirs in conflicts.items():
            row = ConflictRow(field, record.get(field), theirs)
            row.keep_button.clicked.connect(lambda _=False, f=field: self.resolve(f, "archive"))
            row.take_button.clicked.connect(lambda _=False, f=field: self.resolve(f, "file"))
            self.layout_.addWidget(row)
            self.rows[field] = row
        self.setVisible(True)

    def resolve(self, field: str, keep: str) -> None:
        try:
            entry = self.context.desk.resolve_conflict(self.photo_id, field, keep=keep)
        except PictureDeskError as exc:
            self.context.status.emit(str(exc))
            return
        label = LABELS.get(field, field).lower()
        text = f"Keep the edited {label}" if keep == "archive" else f"Take the file's {label}"
        self.resolved.emit(entry)
        if entry.changes:
            undo.push(self.context, entry, text)
        else:                       # settled without a value changing: still show it
            self.context.photosChanged.emit([self.photo_id])
