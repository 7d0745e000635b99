"""The licences dialog (list, add, edit, remove, the photos each covers) and the
leases dialog for the selected photos (allow or deny between dates, with a note).

Every value is checked by the core; its message is shown beside the form and
nothing is written.  After a change the window re-checks in the background, so
the sheet's clearance badges follow."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QRadioButton, QSplitter, QVBoxLayout, QWidget)

from archive.errors import PictureDeskError
from archive.licences import COSTS, KINDS


def _split(text: str, sep: str = ",") -> list[str]:
    return [p.strip() for p in text.replace("\n", sep).split(sep) if p.strip()]


class LicencesDialog(QDialog):
    changed = Signal()

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Licences")
        self.list = QListWidget(self)
        self.list.currentItemChanged.connect(self._chosen)
        new = QPushButton("New licence", self)
        new.clicked.connect(self.new)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.list, 1)
        ll.addWidget(new)

        self.licensor = QLineEdit(self)
        self.aliases = QLineEdit(self)
        self.aliases.setPlaceholderText("other names credits use, comma-separated (AFP, Getty Images Europe)")
        self.kind = QComboBox(self)
        self.kind.addItems(KINDS)
        self.cost = QComboBox(self)
        self.cost.addItem("by kind", None)
        for c in COSTS:
            self.cost.addItem(c, c)
        self.valid_from = QLineEdit(self)
        self.valid_from.setPlaceholderText("YYYY-MM-DD (open if empty)")
        self.valid_until = QLineEdit(self)
        self.valid_until.setPlaceholderText("YYYY-MM-DD (open if empty)")
        self.quota = QLineEdit(self)
        self.quota.setPlaceholderText("e.g. 500/month or 100/year")
        self.creators = QPlainTextEdit(self)
        self.creators.setPlaceholderText("staff, contract, commissioned: one photographer a line, NAME@FROM..UNTIL")
        self.creators.setFixedHeight(64)
        self.territories = QLineEdit(self)
        self.territories.setPlaceholderText("ISO codes, comma-separated (GB, IE); empty: everywhere")
        self.media = QLineEdit(self)
        self.media.setPlaceholderText("print, web, social, broadcast; empty: all")
        self.reference = QLineEdit(self)
        self.restrictions = QLineEdit(self)
        form = QFormLayout()
        for label, w in (("Licensor", self.licensor), ("Aliases", self.aliases), ("Kind", self.kind),
                         ("Cost", self.cost), ("Valid from", self.valid_from), ("Valid until", self.valid_until),
                         ("Quota", self.quota), ("Photographers", self.creators),
                         ("Territories", self.territories), ("Media", self.media), ("Reference", self.reference),
                         ("Restrictions", self.restrictions)):
            form.addRow(label, w)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #f07060;")
        self.covers = QLabel("", self)
        self.covers.setWordWrap(True)
        self.add_button = QPushButton("Add", self)
        self.save_button = QPushButton("Save changes", self)
        self.remove_button = QPushButton("Remove", self)
        self.show_button = QPushButton("Show its photos", self)
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.show_button.clicked.connect(self.show_photos)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.save_button, self.remove_button, self.show_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.addLayout(form)
        rl.addWidget(self.error)
        rl.addWidget(self.covers)
        rl.addLayout(buttons)
        rl.addStretch(1)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 570])
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(close)
        self.resize(960, 560)
        self.current = None
        self.reload()
        self.new()

    # -- list

    def reload(self, select=None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.context.desk.licences():
            span = " – ".join(x for x in (row.get("valid_from") or "", row.get("valid_until") or "") if x)
            item = QListWidgetItem(f"{row['licensor']}  ·  {row['kind']}, {row['cost'] or ''}"
                                   + (f"  ·  {span}" if span else ""))
            item.setData(Qt.UserRole, row["id"])
            self.list.addItem(item)
            if row["id"] == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def licence_names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _chosen(self, item, _prev=None) -> None:
        if item is None:
            return
        row = self.context.desk.licence(item.data(Qt.UserRole), on=self.context.on)
        self.current = row["id"]
        self.licensor.setText(row["licensor"])
        self.aliases.setText(", ".join(row.get("aliases") or []))
        self.kind.setCurrentText(row["kind"])
        self.cost.setCurrentIndex(max(0, self.cost.findData(row.get("cost"))))
        self.valid_from.setText(row.get("valid_from") or "")
        self.valid_until.setText(row.get("valid_until") or "")
        self.quota.setText(row.get("quota") or "")
        self.creators.setPlainText("\n".join(row.get("creators") or []))
        self.territories.setText(", ".join(row.get("territories") or []))
        self.media.setText(", ".join(row.get("media") or []))
        self.reference.setText(row.get("reference") or "")
        self.restrictions.setText(row.get("restrictions") or "")
        photos = row.get("photos") or {}
        text = f"Covers {photos.get('covered', 0):,} photos (as last checked), {photos.get('assigned', 0):,} assigned by hand."
        q = row.get("quota_used")
        if q:
            text += f" Quota: {q['used']} of {q['of']} used this {q['period']}."
        self.covers.setText(text)
        self.error.setText("")
        self.add_button.setEnabled(False)
        self.save_button.setEnabled(True)
        self.remove_button.setEnabled(True)
        self.show_button.setEnabled(True)

    def new(self) -> None:
        self.current = None
        self.list.clearSelection()
        for w in (self.licensor, self.aliases, self.valid_from, self.valid_until, self.quota, self.territories,
                  self.media, self.reference, self.restrictions):
            w.clear()
        self.creators.clear()
        self.kind.setCurrentText("subscription")
        self.cost.setCurrentIndex(0)
        self.covers.setText("")
        self.error.setText("")
        self.add_button.setEnabled(True)
        self.save_button.setEnabled(False)
        self.remove_button.setEnabled(False)
        self.show_button.setEnabled(False)
        self.licensor.setFocus()

    # -- writing

    def terms(self) -> dict:
        return {"licensor": self.licensor.text().strip(), "aliases": _split(self.aliases.text()),
                "kind": self.kind.currentText(), "cost": self.cost.currentData(),
                "valid_from": self.valid_from.text().strip() or None,
                "valid_until": self.valid_until.text().strip() or None,
                "quota": self.quota.text().strip() or None,
                "creators": [c.strip() for c in self.creators.toPlainText().splitlines() if c.strip()],
                "territories": _split(self.territories.text()), "media": _split(self.media.text()),
                "reference": self.reference.text().strip() or None,
                "restrictions": self.restrictions.text().strip() or None}

    def _write(self, action) -> bool:
        try:
            row = action()
        except PictureDeskError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        self.reload(select=row["id"] if row else None)
        self.changed.emit()
        return True

    def add(self) -> bool:
        return self._write(lambda: self.context.desk.add_licence(**self.terms()))

    def save(self) -> bool:
        if self.current is None:
            return self.add()
        return self._write(lambda: self.context.desk.update_licence(self.current, **self.terms()))

    def remove(self) -> bool:
        if self.current is None:
            return False
        lid = self.current
        ok = self._write(lambda: (self.context.desk.remove_licence(lid), None)[1])
        if ok:
            self.new()
        return ok

    def show_photos(self) -> None:
        if self.current is not None:
            ids = self.context.desk.licence_photos(self.current, limit=5000)
            self.context.set_selection(ids, ids[0] if ids else -1)
            self.context.status.emit(f"{len(ids):,} photos covered by this licence selected")


class LeasesDialog(QDialog):
    """Allow or deny the selected photos between two dates; the current photo's leases."""

    changed = Signal()

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.ids = list(context.selection) or ([context.current] if context.current >= 0 else [])
        self.setWindowTitle(f"Leases on {len(self.ids)} photo{'s' if len(self.ids) != 1 else ''}")
        self.allow = QRadioButton("Allow use", self)
        self.deny = QRadioButton("Deny use", self)
        self.deny.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.allow)
        group.addButton(self.deny)
        self.valid_from = QLineEdit(self)
        self.valid_from.setPlaceholderText("YYYY-MM-DD (open if empty)")
        self.valid_until = QLineEdit(self)
        self.valid_until.setPlaceholderText("YYYY-MM-DD (open if empty)")
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("why, for the next person")
        form = QFormLayout()
        which = QHBoxLayout()
        which.addWidget(self.allow)
        which.addWidget(self.deny)
        form.addRow("Lease", which)
        form.addRow("From", self.valid_from)
        form.addRow("Until", self.valid_until)
        form.addRow("Note", self.note)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #f07060;")
        add = QPushButton("Add lease", self)
        add.clicked.connect(self.add)
        self.list = QListWidget(self)
        remove = QPushButton("Remove selected lease", self)
        remove.clicked.connect(self.remove)
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(add)
        layout.addWidget(QLabel("Leases of these photos:", self))
        layout.addWidget(self.list, 1)
        layout.addWidget(remove)
        layout.addWidget(close)
        self.resize(520, 480)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for pid in self.ids[:200]:
            for row in self.context.desk.leases(pid):
                span = " – ".join(x for x in (row.get("valid_from") or "…", row.get("valid_until") or "…"))
                item = QListWidgetItem(f"#{row['photo_id']}  {'allow' if row['allow'] else 'deny'}  {span}"
                                       + (f"  ({row['note']})" if row.get("note") else ""))
                item.setData(Qt.UserRole, row["id"])
                self.list.addItem(item)

    def add(self) -> bool:
        if not self.ids:
            self.error.setText("Select photos in the contact sheet first.")
            return False
        try:
            for pid in self.ids:
                self.context.desk.add_lease(pid, allow=self.allow.isChecked(),
                                            valid_from=self.valid_from.text().strip() or None,
                                            valid_until=self.valid_until.text().strip() or None,
                                            note=self.note.text().strip() or None)
        except PictureDeskError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        self.reload()
        self.changed.emit()
        return True

    def remove(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        try:
            self.context.desk.remove_lease(item.data(Qt.UserRole))
        except PictureDeskError as exc:
            self.error.setText(str(exc))
            return
        self.reload()
        self.changed.emit()
