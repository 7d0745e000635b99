"""File → Folders…: the folders the archive watches (what Rescan reads again), with
the actions on them: add a folder or single photos, rescan them all.  The work
itself runs as the window's jobs (progress and Cancel in the status bar)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout)

from desktop.gui.theme import icon


class FoldersDialog(QDialog):
    addFolder = Signal()
    addFiles = Signal()
    rescan = Signal()

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Folders")
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAlternatingRowColors(True)
        hint = QLabel("Rescan reads these folders again: new files are added, changed ones read again "
                      "(your edits are kept), moved ones keep their history and missing ones are marked, "
                      "never deleted. Original files are never changed.", self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.add_folder = QPushButton(icon("import"), "Add folder…", self)
        self.add_files = QPushButton("Add files…", self)
        self.rescan_button = QPushButton(icon("sync"), "Rescan all", self)
        self.add_folder.clicked.connect(self.addFolder)
        self.add_files.clicked.connect(self.addFiles)
        self.rescan_button.clicked.connect(self.rescan)
        row = QHBoxLayout()
        for b in (self.add_folder, self.add_files):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.rescan_button)
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(620, 420)
        context.archiveChanged.connect(self.reload)
        context.deskChanged.connect(self.reload)
        self.reload()

    def folders(self) -> list[str]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())]

    def reload(self) -> None:
        self.list.clear()
        desk = self.context.desk
        if desk is None:
            self.summary.setText("No archive is open.")
            return
        folders = desk.folders()
        for path in folders:
            item = QListWidgetItem(path)
            item.setData(Qt.UserRole, path)
            if not Path(path).is_dir():
                item.setText(f"{path}   (not found: on a drive that is not connected?)")
                item.setForeground(Qt.gray)
            self.list.addItem(item)
        n = desk.photo_count()
        self.summary.setText(f"<b>{n:,} photo{'s' if n != 1 else ''}</b> in {desk.directory}, from "
                             f"{len(folders):,} folder{'s' if len(folders) != 1 else ''}.")
        self.rescan_button.setEnabled(bool(folders))
