"""The licences dialog (list, add, edit, remove, the photos each covers), the
leases dialog for the selected photos (allow or deny between dates, with a
note) and the dialog that assigns a licence to the selection by hand.

Every value is checked by the core; its message is shown beside the form, the
field it names is marked, and nothing is written.  After a change the window
re-checks in the background, so the sheet's clearance badges follow."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
                               QPlainTextEdit, QPushButton, QRadioButton, QSizePolicy, QSplitter, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from archive.errors import PictureDeskError
from archive.licence_model import COSTS, KINDS

PHOTOS_LISTED = 200          # the covered photos the dialog names (the count is exact)


def _split(text: str, sep: str = ",") -> list[str]:
    return [p.strip() for p in text.replace("\n", sep).split(sep) if p.strip()]


def _error_label(parent) -> QLabel:
    label = QLabel("", parent)
    label.setObjectName("formError")
    label.setWordWrap(True)
    label.setStyleSheet("color: #f07060;")
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def _mark(widget, bad: bool) -> None:
    widget.setStyleSheet("border: 1px solid #e0604f;" if bad else "")


def _photo_line(row) -> str:
    who = ", ".join(row.creators) or "unknown photographer"
    when = (row.taken_at or "")[:10]
    return f"{row.name}  —  {who}" + (f" · {when}" if when else "")


class LicencesDialog(QDialog):
    changed = Signal()
    photoChosen = Signal(int)             # a covered photo was double-clicked: show it in the sheet
    assignRequested = Signal(int, str)    # assign this licence (id, licensor) to the selected photos

    # Which field a core message is about (its first words), to mark it.
    MESSAGE_FIELDS = (("valid until", "valid_until"), ("valid from", "valid_from"), ("licensor", "licensor"),
                      ("a licence needs a licensor", "licensor"), ("quota", "quota"),
                      ("territor", "territories"), ("photographer", "creators"), ("medi", "media"),
                      ("alias", "aliases"), ("kind", "kind"), ("cost", "cost"))

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Licences")
        self.list = QTreeWidget(self)
        self.list.setHeaderLabels(["Licensor", "Kind", "Cost", "Until", "Photos"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformRowHeights(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.list.currentItemChanged.connect(self._chosen)
        new = QPushButton("New licence", self)
        new.clicked.connect(self.new)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.list, 1)
        ll.addWidget(new, 0, Qt.AlignLeft)

        self.licensor = QLineEdit(self)
        self.licensor.setPlaceholderText("the agency or owner, as it is credited")
        self.aliases = QLineEdit(self)
        self.aliases.setPlaceholderText("other names credits use, comma-separated")
        self.kind = QComboBox(self)
        self.kind.addItems(KINDS)
        self.cost = QComboBox(self)
        self.cost.addItem("as the kind says", None)
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
        self.creators.setFixedHeight(58)
        self.territories = QLineEdit(self)
        self.territories.setPlaceholderText("ISO codes, comma-separated (GB, IE); empty: everywhere")
        self.media = QLineEdit(self)
        self.media.setPlaceholderText("print, web, social, broadcast; empty: all")
        self.reference = QLineEdit(self)
        self.reference.setPlaceholderText("contract or invoice number")
        self.restrictions = QLineEdit(self)
        self.restrictions.setPlaceholderText("e.g. no use in advertising")
        self.fields = {"licensor": self.licensor, "aliases": self.aliases, "kind": self.kind, "cost": self.cost,
                       "valid_from": self.valid_from, "valid_until": self.valid_until, "quota": self.quota,
                       "creators": self.creators, "territories": self.territories, "media": self.media,
                       "reference": self.reference, "restrictions": self.restrictions}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        dates = QHBoxLayout()
        dates.addWidget(self.valid_from)
        dates.addWidget(QLabel("until", self))
        dates.addWidget(self.valid_until)
        kind_cost = QHBoxLayout()
        kind_cost.addWidget(self.kind, 1)
        kind_cost.addWidget(QLabel("cost", self))
        kind_cost.addWidget(self.cost, 1)
        for label, w in (("Licensor", self.licensor), ("Also credited as", self.aliases), ("Kind", kind_cost),
                         ("Valid from", dates), ("Quota", self.quota), ("Photographers", self.creators),
                         ("Territories", self.territories), ("Media", self.media), ("Reference", self.reference),
                         ("Restrictions", self.restrictions)):
            form.addRow(label, w)
        self.error = _error_label(self)
        # Room for two lines kept from the start: a message never pushes the form about.
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing() + 4)
        self.error.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.add_button = QPushButton("Add", self)
        self.save_button = QPushButton("Save changes", self)
        self.remove_button = QPushButton("Remove…", self)
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self._confirm_remove)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.remove_button, self.save_button, self.add_button):
            buttons.addWidget(b)
        terms = QGroupBox("Terms", self)
        terms.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)       # the form is never squeezed
        tl = QVBoxLayout(terms)
        tl.addLayout(form)
        tl.addWidget(self.error)
        tl.addLayout(buttons)

        self.covers = QLabel("", self)
        self.covers.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.covers.setMinimumWidth(120)
        self.photos = QListWidget(self)
        self.photos.setMinimumHeight(60)
        self.photos.setToolTip("Double-click a photo to show it in the contact sheet")
        self.photos.itemDoubleClicked.connect(lambda item: self.photoChosen.emit(int(item.data(Qt.UserRole))))
        self.show_button = QPushButton("Select them all", self)
        self.show_button.clicked.connect(self.show_photos)
        self.assign_button = QPushButton("Assign to the selected photos", self)
        self.assign_button.setToolTip("Say by hand that this licence covers the photos selected in the "
                                      "contact sheet (Edit → Undo takes it back)")
        self.assign_button.clicked.connect(self._assign)
        covered = QGroupBox("Photos it covers", self)
        cl = QVBoxLayout(covered)
        head = QHBoxLayout()
        head.addWidget(self.covers, 1)
        head.addWidget(self.assign_button)
        head.addWidget(self.show_button)
        cl.addLayout(head)
        cl.addWidget(self.photos, 1)

        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(terms)
        rl.addWidget(covered, 1)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([380, 620])
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(close)
        self.resize(1040, 680)
        self.current = None
        self.reload()
        self.new()

    # -- list

    def reload(self, select=None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.context.desk.licences():
            photos = self.context.desk.licence(row["id"], on=self.context.on).get("photos") or {}
            count = (photos.get("covered", 0) or 0) + (photos.get("assigned", 0) or 0)
            item = QTreeWidgetItem([row["licensor"], row["kind"], row.get("cost") or "",
                                    row.get("valid_until") or "open", f"{count:,}"])
            item.setData(0, Qt.UserRole, row["id"])
            item.setTextAlignment(4, Qt.AlignRight | Qt.AlignVCenter)
            tip = ", ".join(row.get("aliases") or [])
            if tip:
                item.setToolTip(0, f"Also credited as {tip}")
            self.list.addTopLevelItem(item)
            if row["id"] == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def licence_names(self) -> list[str]:
        return [self.list.topLevelItem(i).text(0) for i in range(self.list.topLevelItemCount())]

    def select_licence(self, licence_id: int) -> None:
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item.data(0, Qt.UserRole) == licence_id:
                self.list.setCurrentItem(item)
                return

    def _chosen(self, item, _prev=None) -> None:
        if item is None:
            return
        row = self.context.desk.licence(item.data(0, Qt.UserRole), on=self.context.on)
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
        self._show_error("")
        self._fill_photos(row)
        self.add_button.setText("Add as new")
        self.add_button.setDefault(False)
        self.save_button.setDefault(True)
        self.save_button.setEnabled(True)
        self.remove_button.setEnabled(True)
        self.assign_button.setEnabled(bool(self.context.selection or self.context.current >= 0))

    def _fill_photos(self, row) -> None:
        photos = row.get("photos") or {}
        text = f"{photos.get('covered', 0):,} covered · {photos.get('assigned', 0):,} assigned by hand"
        q = row.get("quota_used")
        if q:
            text += f" · quota {q['used']} of {q['of']} this {q['period']}"
        self.covers.setText(text)
        self.covers.setToolTip("Covered: as the photos were last checked for the publication date. "
                               "Assigned: said by hand (Photos → Assign licence…).")
        self.photos.clear()
        ids = self.context.desk.licence_photos(row["id"], limit=PHOTOS_LISTED)
        for grid_row in self.context.desk.rows(ids, on=self.context.on):
            item = QListWidgetItem(_photo_line(grid_row))
            item.setData(Qt.UserRole, grid_row.id)
            self.photos.addItem(item)
        self.show_button.setEnabled(bool(ids))

    def new(self) -> None:
        self.current = None
        self.list.clearSelection()
        self.list.setCurrentItem(None)
        for w in (self.licensor, self.aliases, self.valid_from, self.valid_until, self.quota, self.territories,
                  self.media, self.reference, self.restrictions):
            w.clear()
        self.creators.clear()
        self.kind.setCurrentText("subscription")
        self.cost.setCurrentIndex(0)
        self.covers.setText("A new licence: fill in its terms and click Add.")
        self.photos.clear()
        self._show_error("")
        self.add_button.setText("Add")
        self.add_button.setDefault(True)
        self.save_button.setEnabled(False)
        self.remove_button.setEnabled(False)
        self.show_button.setEnabled(False)
        self.assign_button.setEnabled(False)
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

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        low = message.lower()
        marked = set()
        if " is before from " in low:
            marked = {"valid_from", "valid_until"}
        else:
            for start, field in self.MESSAGE_FIELDS:
                if low.startswith(start):
                    marked = {field}
                    break
        for name, widget in self.fields.items():
            _mark(widget, name in marked)

    def _write(self, action) -> bool:
        try:
            row = action()
        except PictureDeskError as exc:
            self._show_error(str(exc))
            return False
        self._show_error("")
        self.reload(select=row["id"] if row else None)
        self.changed.emit()
        return True

    def add(self) -> bool:
        return self._write(lambda: self.context.desk.add_licence(**self.terms()))

    def save(self) -> bool:
        if self.current is None:
            return self.add()
        return self._write(lambda: self.context.desk.update_licence(self.current, **self.terms()))

    def _confirm_remove(self) -> None:
        if self.current is None:
            return
        answer = QMessageBox.question(self, "Remove the licence",
                                      f"Remove the licence of {self.licensor.text()}? The photos it covers "
                                      "will be checked again and may no longer be cleared.")
        if answer == QMessageBox.Yes:
            self.remove()

    def remove(self) -> bool:
        if self.current is None:
            return False
        lid = self.current
        ok = self._write(lambda: (self.context.desk.remove_licence(lid), None)[1])
        if ok:
            self.new()
        return ok

    def _assign(self) -> None:
        if self.current is not None:
            self.assignRequested.emit(self.current, self.licensor.text())
            self._fill_photos(self.context.desk.licence(self.current, on=self.context.on))

    def show_photos(self) -> None:
        if self.current is not None:
            ids = self.context.desk.licence_photos(self.current, limit=5000)
            self.context.set_selection(ids, ids[0] if ids else -1)
            self.context.status.emit(f"{len(ids):,} photos covered by this licence selected")


class LeasesDialog(QDialog):
    """Allow or deny the selected photos between two dates; their leases."""

    changed = Signal()

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.ids = list(context.selection) or ([context.current] if context.current >= 0 else [])
        n = len(self.ids)
        self.setWindowTitle(f"Leases on {n} photo{'s' if n != 1 else ''}")
        rows = context.desk.rows(self.ids[:3], on=context.on) if self.ids else []
        names = ", ".join(r.name for r in rows) + (f" and {n - 3:,} more" if n > 3 else "")
        head = QLabel(f"<b>{n:,} photo{'s' if n != 1 else ''}</b>: {names}" if n else
                      "No photo is selected: select photos in the contact sheet first.", self)
        head.setWordWrap(True)
        explain = QLabel("A lease overrides the licences for these photos between two dates: "
                         "allow one a licence does not cover, or deny one it does (withdrawn, embargoed, "
                         "already used).", self)
        explain.setObjectName("hint")
        explain.setWordWrap(True)
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
        which.addStretch(1)
        dates = QHBoxLayout()
        dates.addWidget(self.valid_from)
        dates.addWidget(QLabel("until", self))
        dates.addWidget(self.valid_until)
        form.addRow("Lease", which)
        form.addRow("From", dates)
        form.addRow("Note", self.note)
        self.error = _error_label(self)
        self.error.setVisible(False)
        self.add_button = QPushButton("Add lease", self)
        self.add_button.setDefault(True)
        self.add_button.setEnabled(bool(self.ids))
        self.add_button.clicked.connect(self.add)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        self.list = QListWidget(self)
        self.remove_button = QPushButton("Remove lease", self)
        self.remove_button.clicked.connect(self.remove)
        self.remove_button.setEnabled(False)
        self.list.currentItemChanged.connect(lambda item, _p: self.remove_button.setEnabled(item is not None))
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(add_row)
        layout.addWidget(QLabel("Leases in force or to come:", self))
        layout.addWidget(self.list, 1)
        layout.addLayout(bottom)
        self.resize(560, 500)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        names = {r.id: r.name for r in self.context.desk.rows(self.ids[:200], on=self.context.on)}
        for pid in self.ids[:200]:
            for row in self.context.desk.leases(pid):
                span = f"{row.get('valid_from') or 'always'} – {row.get('valid_until') or 'open'}"
                item = QListWidgetItem(f"{'Allow' if row['allow'] else 'Deny'}  {names.get(pid, pid)}  {span}"
                                       + (f"  ({row['note']})" if row.get("note") else ""))
                item.setData(Qt.UserRole, row["id"])
                self.list.addItem(item)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        low = message.lower()
        _mark(self.valid_from, "from" in low)
        _mark(self.valid_until, "until" in low)

    def add(self) -> bool:
        if not self.ids:
            self._show_error("Select photos in the contact sheet first.")
            return False
        try:
            for pid in self.ids:
                self.context.desk.add_lease(pid, allow=self.allow.isChecked(),
                                            valid_from=self.valid_from.text().strip() or None,
                                            valid_until=self.valid_until.text().strip() or None,
                                            note=self.note.text().strip() or None)
        except PictureDeskError as exc:
            self._show_error(str(exc))
            return False
        self._show_error("")
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
            self._show_error(str(exc))
            return
        self.reload()
        self.changed.emit()


class AssignLicenceDialog(QDialog):
    """Which licence covers the selected photos, said by hand (or none: the terms decide)."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.ids = list(context.selection) or ([context.current] if context.current >= 0 else [])
        n = len(self.ids)
        self.setWindowTitle("Assign a licence")
        head = QLabel(f"Assign a licence to <b>{n:,} photo{'s' if n != 1 else ''}</b>.", self)
        explain = QLabel("The assigned licence covers these photos whatever their credit says; its dates, "
                         "territories and quota still apply. Choose “none” to let the credits decide again. "
                         "Edit → Undo takes it back.", self)
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        self.licence = QComboBox(self)
        self.licence.addItem("None: the licences' terms decide", None)
        for row in context.desk.licences():
            until = row.get("valid_until")
            self.licence.addItem(f"{row['licensor']} ({row['kind']}" + (f", until {until})" if until else ")"),
                                 row["id"])
        self.error = _error_label(self)
        self.error.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Assign")
        buttons.button(QDialogButtonBox.Ok).setEnabled(n > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(explain)
        layout.addWidget(self.licence)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(480, 220)
        self.entry = None

    def licence_id(self):
        return self.licence.currentData()

    def choose(self, licence_id) -> None:
        self.licence.setCurrentIndex(max(0, self.licence.findData(licence_id)))

    def accept(self) -> None:
        if self.assign() is not None:
            super().accept()

    def assign(self):
        """Assign the chosen licence; the HistoryEntry (also kept in ``entry``), or None
        with the message shown."""
        try:
            self.entry = self.context.desk.assign_licence(self.ids, self.licence_id())
        except PictureDeskError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return None
        return self.entry
