"""Batch editing: the fields of several selected photos at once.

A field the photos agree on shows its value; one they disagree on is empty with
"<multiple values>" as placeholder and a drop-down of the values they hold.
Changed fields are bold; *Apply* (or Return) sets them on every selected photo
as ONE undoable action.  A licence can be assigned to the selection the same way.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from archive.desk import MULTIPLE, EditConflict
from archive.errors import PictureDeskError
from desktop.gui import undo
from desktop.gui.caption_editor import LABELS, from_text, muted, to_text

BATCH_FIELDS = ("caption", "credit_line", "headline", "creator", "credit", "source", "copyright",
                "city", "sublocation", "state", "country", "keywords", "instructions", "usage_terms")


class FieldBox(QComboBox):
    """An editable combo: the shared value, or empty with <multiple values> and the choices."""

    def __init__(self, field: str, parent=None):
        super().__init__(parent)
        self.field = field
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self.shared: Any = None
        self.multiple = False

    def show_values(self, shared, choices: list) -> None:
        self.blockSignals(True)
        self.clear()
        self.multiple = shared == MULTIPLE
        self.shared = None if self.multiple else shared
        for value in choices:
            text = to_text(self.field, value)
            self.addItem(text if text else "(empty)", value)
        if self.multiple:
            self.setCurrentIndex(-1)
            self.setEditText("")
            self.lineEdit().setPlaceholderText(MULTIPLE)
            self.setToolTip(f"{len(choices)} different values among the selected photos; "
                            "choose one or type a new one")
        else:
            self.setEditText(to_text(self.field, shared))
            self.lineEdit().setPlaceholderText("")
            self.setToolTip("")
        self.blockSignals(False)

    def value(self):
        i = self.currentIndex()
        if i >= 0 and self.itemText(i) == self.currentText():
            return self.itemData(i)
        return from_text(self.field, self.currentText())

    def changed(self) -> bool:
        if self.multiple:
            return self.currentText() != ""
        return self.value() != from_text(self.field, to_text(self.field, self.shared))


class BatchEditor(QWidget):
    """The fields of the selected photos; changing one changes it on all of them."""

    applied = Signal(object)           # HistoryEntry

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.ids: list[int] = []
        self.shared: dict = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setWordWrap(True)
        lay.addWidget(self.title)
        hint = QLabel("Fields the photos disagree on show <multiple values>; pick one of their values "
                      "or type a new one. Changed fields are applied to every selected photo as one "
                      "undoable step.")
        hint.setWordWrap(True)
        muted(hint)
        lay.addWidget(hint)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.boxes: dict[str, FieldBox] = {}
        for field in BATCH_FIELDS:
            box = FieldBox(field)
            box.editTextChanged.connect(self._update)
            box.currentIndexChanged.connect(self._update)
            box.lineEdit().returnPressed.connect(self.apply)
            self.boxes[field] = box
            self.form.addRow(LABELS.get(field, field.replace("_", " ").capitalize()), box)
        lay.addLayout(self.form)

        row = QHBoxLayout()
        self.status_label = QLabel()
        muted(self.status_label)
        self.status_label.setWordWrap(True)
        row.addWidget(self.status_label, 1)
        self.reset_button = QPushButton("Discard")
        self.reset_button.clicked.connect(self.reload)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        row.addWidget(self.reset_button)
        row.addWidget(self.apply_button)
        lay.addLayout(row)

        lic = QHBoxLayout()
        lic.addWidget(QLabel("Licence"))
        self.licence_box = QComboBox()
        self.licence_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.licence_box.setMinimumContentsLength(12)
        lic.addWidget(self.licence_box, 1)
        self.assign_button = QPushButton("Assign")
        self.assign_button.setToolTip("Assign this licence to every selected photo by hand (undoable)")
        self.assign_button.clicked.connect(self.assign_licence)
        lic.addWidget(self.assign_button)
        lay.addLayout(lic)
        lay.addStretch(1)

    # ------------------------------------------------------------ showing

    def set_ids(self, ids: list[int]) -> None:
        self.ids = list(ids)
        self.reload()

    def reload(self) -> None:
        desk = self.context.desk
        if desk is None or not self.ids:
            return
        self.title.setText(f"<b>{len(self.ids)} photos selected</b>")
        self.shared = desk.shared_values(self.ids, list(BATCH_FIELDS))
        for field, box in self.boxes.items():
            shared = self.shared.get(field)
            choices = desk.distinct_values(self.ids, field) if shared == MULTIPLE else []
            box.show_values(shared, choices)
        self._fill_licences()
        self._update()

    def _fill_licences(self) -> None:
        self.licence_box.clear()
        self.licence_box.addItem("(none: judge by the agency)", None)
        try:
            licences = self.context.desk.licences()
        except PictureDeskError:
            licences = []
        for lic in licences:
            until = lic.get("valid_until")
            text = f"{lic.get('licensor')} ({lic.get('kind') or 'licence'}{', until ' + until if until else ''})"
            self.licence_box.addItem(text, lic.get("id"))
        self.assign_button.setEnabled(bool(self.ids))

    def changes(self) -> dict:
        return {f: box.value() for f, box in self.boxes.items() if box.changed()}

    def _update(self, *_args) -> None:
        changes = self.changes()
        for field, box in self.boxes.items():
            label = self.form.labelForField(box)
            if label is not None:
                font = label.font()
                font.setBold(field in changes)
                label.setFont(font)
        self.apply_button.setEnabled(bool(changes))
        self.reset_button.setEnabled(bool(changes))
        self.apply_button.setText(f"Apply to {len(self.ids)} photos" if changes else "Apply")
        self.status_label.setText(f"{len(changes)} field{'s' if len(changes) != 1 else ''} changed"
                                  if changes else "")

    # ------------------------------------------------------------ changing

    def set_field(self, field: str, value) -> Optional[object]:
        """Set one field on every selected photo now (one undo step)."""
        box = self.boxes[field]
        box.setEditText(to_text(field, value))
        return self.apply()

    def apply(self):
        changes = self.changes()
        if not changes or not self.ids:
            return None
        expected = {f: self.shared[f] for f in changes if self.shared.get(f) != MULTIPLE}
        names = ", ".join(LABELS.get(f, f).lower() for f in changes)
        try:
            entry = self.context.desk.edit(self.ids, changes, expected=expected or None,
                                           label=f"batch edit {names}")
        except EditConflict as exc:
            self.status_label.setText(f"Not saved: {exc}. The values were reloaded; apply again.")
            self.context.status.emit(str(exc))
            kept = changes
            self.reload()
            for f, v in kept.items():
                self.boxes[f].setEditText(to_text(f, v))
            return None
        except PictureDeskError as exc:
            self.status_label.setText(str(exc))
            return None
        self.applied.emit(entry)
        undo.push(self.context, entry, f"Set {names} on {len(self.ids)} photos")
        self.reload()
        return entry

    def assign_licence(self):
        if not self.ids:
            return None
        lid = self.licence_box.currentData()
        try:
            entry = self.context.desk.assign_licence(self.ids, lid)
        except PictureDeskError as exc:
            self.status_label.setText(str(exc))
            return None
        what = self.licence_box.currentText() if lid is not None else "no licence"
        undo.push(self.context, entry, f"Assign {what} to {len(self.ids)} photos")
        return entry
