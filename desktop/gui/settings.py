"""Settings: the archive, the house-style profile, the default publication date,
the thumbnail size, the theme and how many daily backups are kept.  Kept in QSettings (the profile in the archive
itself, where the stored checks follow it)."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate, QSettings, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QPushButton, QSpinBox, QVBoxLayout)


def settings() -> QSettings:
    return QSettings()


def default_date() -> _dt.date:
    s = settings()
    if s.value("date/fixed", False, type=bool):
        text = s.value("date/value", "")
        try:
            return _dt.date.fromisoformat(str(text))
        except ValueError:
            pass
    return _dt.date.today()


class SettingsDialog(QDialog):
    openArchive = Signal()              # "Open another…": the window's File → Open archive

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Settings")
        s = settings()
        self.archive = QLabel(str(context.desk.directory) if context.desk else "—", self)
        self.archive.setWordWrap(True)
        self.archive.setMinimumWidth(320)
        self.other = QPushButton("Open another…", self)
        self.other.clicked.connect(self._open_other)
        self.profile = QComboBox(self)
        if context.desk is not None:
            self.profile.addItems(context.desk.profiles())
            self.profile.setCurrentText(context.desk.profile_name())
        self.fixed = QCheckBox("Publish on a fixed date instead of today", self)
        self.fixed.setChecked(s.value("date/fixed", False, type=bool))
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        d = default_date()
        self.date.setDate(QDate(d.year, d.month, d.day))
        self.date.setEnabled(self.fixed.isChecked())
        self.fixed.toggled.connect(self.date.setEnabled)
        self.size = QSpinBox(self)
        self.size.setRange(96, 320)
        self.size.setSuffix(" px")
        self.size.setValue(int(s.value("sheet/thumb_size", 180)))
        self.theme = QComboBox(self)
        self.theme.addItem("Dark grey (photo tools)", "dark")
        self.theme.addItem("System palette", "system")
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.value("view/theme", "dark"))))
        self.backups = QSpinBox(self)
        self.backups.setRange(0, 60)
        self.backups.setSpecialValueText("Off")
        self.backups.setSuffix(" days")
        self.backups.setToolTip("A backup of the archive is made once a day, in its backups folder; "
                                "this many are kept (Off: none; File → Back up archive… still works)")
        self.backups.setValue(int(s.value("backup/keep_daily", 7)))
        form = QFormLayout()
        archive_row = QHBoxLayout()
        archive_row.addWidget(self.archive, 1)
        archive_row.addWidget(self.other)
        form.addRow("Archive", archive_row)
        form.addRow("House style", self.profile)
        date_row = QHBoxLayout()
        date_row.addWidget(self.fixed)
        date_row.addWidget(self.date)
        form.addRow("Publication date", date_row)
        form.addRow("Thumbnail size", self.size)
        form.addRow("Theme", self.theme)
        form.addRow("Daily backups kept", self.backups)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel("The house style is kept in the archive; the other settings on this computer.", self)
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _open_other(self) -> None:
        self.reject()
        self.openArchive.emit()

    def values(self) -> dict:
        return {"profile": self.profile.currentText(), "fixed": self.fixed.isChecked(),
                "date": self.date.date().toString("yyyy-MM-dd"), "thumb_size": self.size.value(),
                "theme": self.theme.currentData(), "keep_daily": self.backups.value()}

    def store(self) -> dict:
        v = self.values()
        s = settings()
        s.setValue("date/fixed", v["fixed"])
        s.setValue("date/value", v["date"])
        s.setValue("sheet/thumb_size", v["thumb_size"])
        s.setValue("view/theme", v["theme"])
        s.setValue("backup/keep_daily", v["keep_daily"])
        return v
