"""The caption and credit-line editor inside the inspector: checks as you type.

Every keystroke (debounced a few tens of milliseconds) asks the Desk for a
draft check of what is typed; its violations are drawn as wavy underlines on
the characters each fix would change, and listed below with a *Fix* button
that puts the fix into the editor (nothing is saved until *Save*).  Saving is
one :meth:`Desk.edit` guarded by the values shown when the photo was loaded;
if somebody changed a field meanwhile, the conflict is shown and the person
chooses to reload or overwrite.  No rules live here: the Desk judges.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (QColor, QKeySequence, QPalette, QShortcut, QTextCharFormat, QTextCursor,
                           QTextFormat)
from PySide6.QtWidgets import (QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QSizePolicy, QStyle, QTextEdit, QToolButton, QVBoxLayout,
                               QWidget)

from archive.desk import EditConflict
from archive.errors import PictureDeskError
from desktop.gui import undo

LIST_FIELDS = ("creator", "keywords")
DRAFT_FIELDS = ("caption", "credit_line")          # the fields with wavy underlines
FORM_FIELDS = (                                    # the other editable fields, compactly
    ("headline", "Headline"), ("creator", "Creator"), ("credit", "Agency credit"),
    ("source", "Source"), ("copyright", "Copyright"), ("city", "City"),
    ("sublocation", "Sublocation"), ("state", "State"), ("country", "Country"),
    ("keywords", "Keywords"), ("instructions", "Instructions"), ("usage_terms", "Usage terms"),
)
LABELS = dict(FORM_FIELDS, caption="Caption", credit_line="Credit line")
ALL_FIELDS = DRAFT_FIELDS + tuple(f for f, _ in FORM_FIELDS)

SEVERITY_COLOURS = {"error": QColor(220, 60, 50), "warning": QColor(225, 160, 0)}


def to_text(field: str, value: Any) -> str:
    """A stored value as the editor shows it (lists joined by "; ")."""
    if value is None:
        return ""
    if field in LIST_FIELDS:
        return "; ".join(str(v) for v in value)
    return str(value)


def from_text(field: str, text: str) -> Any:
    """What the editor holds as a value to hand to the Desk."""
    if field in LIST_FIELDS:
        return [part.strip() for part in text.split(";") if part.strip()]
    return text if text.strip() else None


def muted(widget: QWidget) -> None:
    """Secondary text in the palette's placeholder colour (works in dark and light)."""
    pal = widget.palette()
    pal.setColor(QPalette.WindowText, pal.color(QPalette.PlaceholderText))
    pal.setColor(QPalette.Text, pal.color(QPalette.PlaceholderText))
    widget.setPalette(pal)


class DraftEdit(QPlainTextEdit):
    """A plain text field with a height in lines; Return inserts nothing when single-line."""

    def __init__(self, lines: int, single_line: bool = False, parent=None):
        super().__init__(parent)
        self._lines = lines
        self._single = single_line
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setFixedHeight(self.sizeHint().height())

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        margins = self.contentsMargins()
        height = fm.lineSpacing() * self._lines + 2 * self.document().documentMargin() \
            + margins.top() + margins.bottom() + 2
        return QSize(200, int(height))

    def keyPressEvent(self, event) -> None:
        if self._single and event.key() in (Qt.Key_Return, Qt.Key_Enter):
            event.ignore()                      # let Ctrl+Return reach the Save shortcut
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source) -> None:
        if self._single and source.hasText():
            self.insertPlainText(" ".join(source.text().split()))
            return
        super().insertFromMimeData(source)


class ViolationRow(QFrame):
    """One message of the draft check, with a Fix button when the fix is certain."""

    fixRequested = Signal(object)

    def __init__(self, violation, parent=None):
        super().__init__(parent)
        self.violation = violation
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 1, 0, 1)
        icon = QLabel()
        style = self.style()
        pix = QStyle.SP_MessageBoxCritical if violation.severity == "error" else QStyle.SP_MessageBoxWarning
        size = self.fontMetrics().height()
        icon.setPixmap(style.standardIcon(pix).pixmap(size, size))
        icon.setAlignment(Qt.AlignTop)
        lay.addWidget(icon)
        where = f"{LABELS.get(violation.field, '')}: " if violation.field else ""
        self.message = QLabel(f"{where}{violation.message}")
        self.message.setWordWrap(True)
        self.message.setToolTip(violation.rule)
        self.message.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        lay.addWidget(self.message, 1)
        self.fix_button: Optional[QPushButton] = None
        if violation.fix is not None and violation.field is not None:
            self.fix_button = QPushButton("Fix")
            self.fix_button.setToolTip(f"Change to: {violation.fix}")
            self.fix_button.clicked.connect(lambda: self.fixRequested.emit(self.violation))
            lay.addWidget(self.fix_button, 0, Qt.AlignTop)


class CaptionEditor(QWidget):
    """Caption, credit line and the other editable fields of one photo."""

    drafted = Signal(object)          # the latest DraftCheck
    saved = Signal(object)            # the HistoryEntry of a save

    DEBOUNCE_MS = 60

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.photo_id: int = -1
        self.record: Optional[dict] = None
        self.baseline: dict[str, Any] = {}        # the values shown when loaded: the edit's `expected`
        self.last_check = None
        self.pending_conflict: list = []
        self._pending_changes: dict = {}
        self._loading = False

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.check_now)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        # -- caption and credit line with their file values and revert buttons
        self.caption = DraftEdit(4)
        self.caption.setPlaceholderText("Caption")
        self.credit_line = DraftEdit(1, single_line=True)
        self.credit_line.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.credit_line.setPlaceholderText("Photograph: Name/Agency")
        self.editors: dict[str, QWidget] = {"caption": self.caption, "credit_line": self.credit_line}
        self.file_labels: dict[str, QLabel] = {}
        self.revert_buttons: dict[str, QToolButton] = {}
        self.dirty_marks: dict[str, QLabel] = {}

        for field in DRAFT_FIELDS:
            head = QHBoxLayout()
            title = QLabel(f"<b>{LABELS[field]}</b>")
            head.addWidget(title)
            mark = QLabel("●")
            mark.setToolTip("Changed, not saved yet")
            mark.setVisible(False)
            self.dirty_marks[field] = mark
            head.addWidget(mark)
            head.addStretch(1)
            if field == "credit_line":
                self.rebuild_button = QPushButton("Rebuild credit")
                self.rebuild_button.setToolTip("Make the credit line from the photo's metadata")
                self.rebuild_button.clicked.connect(self.rebuild_credit)
                head.addWidget(self.rebuild_button)
            head.addWidget(self._revert_button(field))
            outer.addLayout(head)
            outer.addWidget(self.editors[field])
            outer.addWidget(self._file_label(field))
            self.editors[field].textChanged.connect(lambda f=field: self._changed(f))

        # -- the draft check's messages
        self.violations_box = QWidget()
        self.violations_layout = QVBoxLayout(self.violations_box)
        self.violations_layout.setContentsMargins(0, 2, 0, 2)
        self.violations_layout.setSpacing(2)
        self.violation_rows: list[ViolationRow] = []
        self.ok_label = QLabel("No problems with the caption and credit line.")
        muted(self.ok_label)
        self.violations_layout.addWidget(self.ok_label)
        outer.addWidget(self.violations_box)

        # -- conflict banner (a save refused because a field changed elsewhere)
        self.conflict_box = QFrame()
        self.conflict_box.setFrameShape(QFrame.StyledPanel)
        self.conflict_box.setAutoFillBackground(True)
        cbox = QVBoxLayout(self.conflict_box)
        self.conflict_label = QLabel()
        self.conflict_label.setWordWrap(True)
        self.conflict_label.setTextFormat(Qt.RichText)
        cbox.addWidget(self.conflict_label)
        crow = QHBoxLayout()
        self.reload_button = QPushButton("Reload theirs")
        self.reload_button.setToolTip("Discard my changes to these fields and show the archive's values")
        self.reload_button.clicked.connect(self.reload_conflicting)
        self.overwrite_button = QPushButton("Overwrite with mine")
        self.overwrite_button.setToolTip("Save my values over the ones changed elsewhere")
        self.overwrite_button.clicked.connect(self.overwrite)
        crow.addStretch(1)
        crow.addWidget(self.reload_button)
        crow.addWidget(self.overwrite_button)
        cbox.addLayout(crow)
        self.conflict_box.setVisible(False)
        outer.addWidget(self.conflict_box)

        # -- save row
        row = QHBoxLayout()
        self.status_label = QLabel()
        muted(self.status_label)
        row.addWidget(self.status_label, 1)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Put back the values as loaded")
        self.discard_button.clicked.connect(self.discard)
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Save the changes (Ctrl+Return)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.discard_button)
        row.addWidget(self.save_button)
        outer.addLayout(row)

        # -- the other fields
        form_frame = QWidget()
        self.form = QFormLayout(form_frame)
        self.form.setContentsMargins(0, 6, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        for field, label in FORM_FIELDS:
            edit = QLineEdit()
            if field in LIST_FIELDS:
                edit.setPlaceholderText("separate with ;")
            edit.textChanged.connect(lambda _t, f=field: self._changed(f))
            edit.returnPressed.connect(self.save)
            self.editors[field] = edit
            cell = QWidget()
            cl = QVBoxLayout(cell)
            cl.setContentsMargins(0, 0, 0, 0)
            cl.setSpacing(0)
            line = QHBoxLayout()
            line.addWidget(edit, 1)
            line.addWidget(self._revert_button(field))
            cl.addLayout(line)
            cl.addWidget(self._file_label(field))
            self.form.addRow(label, cell)
        outer.addWidget(form_frame)

        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.WidgetWithChildrenShortcut)
            sc.activated.connect(self.save)
        self._update_buttons()

    # ------------------------------------------------------------ building bits

    def _revert_button(self, field: str) -> QToolButton:
        button = QToolButton()
        button.setText("Revert")
        button.setToolButtonStyle(Qt.ToolButtonTextOnly)
        button.setToolTip(f"Put back the file's own {LABELS[field].lower()}")
        button.setVisible(False)
        button.clicked.connect(lambda: self.revert_field(field))
        self.revert_buttons[field] = button
        return button

    def _file_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        muted(label)
        label.setVisible(False)
        self.file_labels[field] = label
        return label

    # ------------------------------------------------------------ values

    def text_of(self, field: str) -> str:
        w = self.editors[field]
        return w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()

    def set_text(self, field: str, text: str) -> None:
        w = self.editors[field]
        if self.text_of(field) == text:
            return
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(text)
        else:
            w.setText(text)

    def value_of(self, field: str):
        return from_text(field, self.text_of(field))

    def is_dirty(self, field: str) -> bool:
        return self.value_of(field) != from_text(field, to_text(field, self.baseline.get(field)))

    def dirty_fields(self) -> list[str]:
        if self.photo_id < 0:
            return []
        return [f for f in ALL_FIELDS if self.is_dirty(f)]

    def changes(self) -> dict:
        return {f: self.value_of(f) for f in self.dirty_fields()}

    # ------------------------------------------------------------ loading

    def clear(self) -> None:
        self.photo_id, self.record, self.baseline = -1, None, {}
        self._loading = True
        for f in ALL_FIELDS:
            self.set_text(f, "")
        self._loading = False
        self.hide_conflict()
        self._show_violations([])
        self._update_buttons()

    def load(self, record: dict) -> None:
        """Show a photo's record.  Reloading the same photo keeps what the person is
        typing (and the value it was loaded with, so a save still checks it)."""
        same = record["id"] == self.photo_id
        if not same:
            self.hide_conflict()
        keep = set(self.dirty_fields()) if same else set()
        self.photo_id, self.record = record["id"], record
        self._loading = True
        for field in ALL_FIELDS:
            if field not in keep:
                self.baseline[field] = record.get(field)
                self.set_text(field, to_text(field, record.get(field)))
        self._loading = False
        edited = set(record.get("edited") or [])
        embedded = record.get("embedded") or {}
        file_values = record.get("file_values") or {}
        for field in ALL_FIELDS:
            is_edited = field in edited
            self.revert_buttons[field].setVisible(is_edited)
            label = self.file_labels[field]
            if is_edited:
                own = embedded.get(field, file_values.get(field))
                shown = to_text(field, own) or "(empty)"
                label.setText(f"File's own: {shown}")
                label.setToolTip("What the photo file itself says (the agency's value)")
            label.setVisible(is_edited)
        self._update_buttons()
        self.check_now()

    # ------------------------------------------------------------ checking as you type

    def _changed(self, field: str) -> None:
        if self._loading:
            return
        self._update_buttons()
        self._timer.start()

    def _update_buttons(self) -> None:
        dirty = set(self.dirty_fields())
        for field, mark in self.dirty_marks.items():
            mark.setVisible(field in dirty)
        for field, _ in FORM_FIELDS:
            label = self.form.labelForField(self.editors[field].parentWidget()) if hasattr(self, "form") else None
            if label is not None:
                font = label.font()
                font.setBold(field in dirty)
                label.setFont(font)
        has = self.photo_id >= 0
        self.save_button.setEnabled(has and bool(dirty))
        self.discard_button.setEnabled(has and bool(dirty))
        self.rebuild_button.setEnabled(has)
        for w in self.editors.values():
            w.setEnabled(has)
        self.status_label.setText(f"{len(dirty)} unsaved change{'s' if len(dirty) != 1 else ''}" if dirty else "")

    def check_now(self) -> None:
        """Run the draft check on what is typed and show it (a few milliseconds)."""
        self._timer.stop()
        if self.photo_id < 0 or self.context.desk is None:
            return
        others = {f: self.value_of(f) for f in self.dirty_fields() if f not in DRAFT_FIELDS}
        try:
            check = self.context.desk.draft_check(
                self.photo_id, caption=self.text_of("caption"), credit_line=self.text_of("credit_line"),
                changes=others or None, on=self.context.on)
        except PictureDeskError as exc:
            self.status_label.setText(str(exc))
            return
        self.last_check = check
        self._show_violations(check.violations)
        self.drafted.emit(check)

    def _show_violations(self, violations) -> None:
        for row in self.violation_rows:
            self.violations_layout.removeWidget(row)
            row.hide()                          # gone now, not at the next event loop turn
            row.deleteLater()
        self.violation_rows = []
        shown = [v for v in violations if v.field in DRAFT_FIELDS or v.field is None]
        shown += [v for v in violations if v not in shown]
        # licence rules are the clearance box's business; the editor lists the text's problems
        shown = [v for v in shown if not v.rule.startswith("licence.")]
        for v in shown:
            row = ViolationRow(v)
            row.fixRequested.connect(self.apply_fix)
            self.violations_layout.addWidget(row)
            self.violation_rows.append(row)
        self.ok_label.setVisible(not shown and self.photo_id >= 0)
        self._underline(violations)

    def _underline(self, violations) -> None:
        for field in DRAFT_FIELDS:
            edit: QPlainTextEdit = self.editors[field]
            selections = []
            length = len(edit.toPlainText())
            for v in violations:
                if v.field != field or v.span is None:
                    continue
                start, end = max(0, v.span[0]), min(length, v.span[1])
                if end <= start:
                    if length == 0:
                        continue
                    start, end = max(0, min(start, length - 1)), min(length, max(start, 0) + 1)
                sel = QTextEdit.ExtraSelection()
                fmt = QTextCharFormat()
                fmt.setUnderlineStyle(QTextCharFormat.SpellCheckUnderline)
                fmt.setUnderlineColor(SEVERITY_COLOURS.get(v.severity, SEVERITY_COLOURS["warning"]))
                fmt.setToolTip(v.message)
                fmt.setProperty(QTextFormat.UserProperty, v.rule)
                sel.format = fmt
                cursor = QTextCursor(edit.document())
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.KeepAnchor)
                sel.cursor = cursor
                selections.append(sel)
            edit.setExtraSelections(selections)

    def underlines(self, field: str) -> list[tuple[int, int, str]]:
        """(start, end, rule) of each wavy underline in a field (for tests and tooltips)."""
        out = []
        for sel in self.editors[field].extraSelections():
            out.append((sel.cursor.selectionStart(), sel.cursor.selectionEnd(),
                        sel.format.property(QTextFormat.UserProperty)))
        return out

    def apply_fix(self, violation) -> None:
        """Put the fix into the editor (an editor-level undo step); nothing is saved."""
        edit = self.editors.get(violation.field)
        if edit is None or violation.fix is None:
            return
        if isinstance(edit, QPlainTextEdit):
            cursor = QTextCursor(edit.document())
            cursor.select(QTextCursor.Document)
            cursor.insertText(violation.fix)
        else:
            edit.setText(to_text(violation.field, violation.fix))
        self.check_now()

    def rebuild_credit(self) -> None:
        if self.photo_id < 0:
            return
        credit = self.context.desk.rebuilt_credit(self.photo_id)
        if not credit:
            self.context.status.emit("The photo's metadata names no creator or agency to credit")
            return
        cursor = QTextCursor(self.credit_line.document())
        cursor.select(QTextCursor.Document)
        cursor.insertText(credit)
        self.check_now()

    # ------------------------------------------------------------ saving

    def _name(self) -> str:
        path = (self.record or {}).get("path") or ""
        return path.rsplit("/", 1)[-1] or f"photo {self.photo_id}"

    def save(self) -> bool:
        """Save what changed; True when saved.  A conflict is shown, nothing is lost."""
        changes = self.changes()
        if self.photo_id < 0 or not changes:
            return False
        expected = {f: self.baseline.get(f) for f in changes}
        return self._save(changes, expected)

    def _save(self, changes: dict, expected: dict) -> bool:
        names = ", ".join(LABELS.get(f, f).lower() for f in changes)
        try:
            entry = self.context.desk.edit([self.photo_id], changes, expected=expected, label=f"edit {names}")
        except EditConflict as exc:
            self.show_conflict(exc, changes)
            return False
        except PictureDeskError as exc:
            self.status_label.setText(str(exc))
            self.context.status.emit(str(exc))
            return False
        self.hide_conflict()
        for f, v in changes.items():
            self.baseline[f] = v
        self.saved.emit(entry)
        undo.push(self.context, entry, f"Edit {names} of {self._name()}")
        self.context.status.emit(f"Saved {names} of {self._name()}")
        self._update_buttons()
        return True

    def show_conflict(self, exc: EditConflict, changes: dict) -> None:
        self.pending_conflict = list(exc.conflicts)
        self._pending_changes = dict(changes)
        from html import escape

        lines = ["<b>Not saved: changed elsewhere since you opened this photo.</b>"]
        for _pid, field, was, now in exc.conflicts:
            lines.append(f"<b>{escape(LABELS.get(field, field))}</b> was “{escape(to_text(field, was))}”, "
                         f"is now “{escape(to_text(field, now))}”; yours: "
                         f"“{escape(to_text(field, changes.get(field)))}”")
        self.conflict_label.setText("<br>".join(lines))
        pal = self.conflict_box.palette()
        pal.setColor(QPalette.Window, pal.color(QPalette.AlternateBase))
        self.conflict_box.setPalette(pal)
        self.conflict_box.setVisible(True)
        self.context.status.emit(str(exc))

    def hide_conflict(self) -> None:
        self.pending_conflict = []
        self._pending_changes = {}
        self.conflict_box.setVisible(False)

    def reload_conflicting(self) -> None:
        """Take the archive's values for the fields changed elsewhere (mine are dropped)."""
        fields = {c[1] for c in self.pending_conflict}
        record = self.context.desk.record(self.photo_id, on=self.context.on)
        self._loading = True
        for f in fields:
            self.baseline[f] = record.get(f)
            self.set_text(f, to_text(f, record.get(f)))
        self._loading = False
        self.hide_conflict()
        self.load(record)

    def overwrite(self) -> bool:
        """Save mine over the values changed elsewhere (the person chose so)."""
        if not self.pending_conflict:
            return False
        changes = self.changes() or dict(self._pending_changes)
        expected = {f: self.baseline.get(f) for f in changes}
        for _pid, field, _was, now in self.pending_conflict:
            expected[field] = now
            self.baseline[field] = now
        return self._save(changes, expected)

    def discard(self) -> None:
        self._loading = True
        for f in ALL_FIELDS:
            self.set_text(f, to_text(f, self.baseline.get(f)))
        self._loading = False
        self.hide_conflict()
        self._update_buttons()
        self.check_now()

    def revert_field(self, field: str) -> None:
        """The field takes the file's own value again (undoable)."""
        if self.photo_id < 0:
            return
        self._loading = True
        self.set_text(field, to_text(field, self.baseline.get(field)))
        self._loading = False
        try:
            entry = self.context.desk.revert([self.photo_id], [field])
        except PictureDeskError as exc:
            self.context.status.emit(str(exc))
            return
        undo.push(self.context, entry, f"Revert {LABELS.get(field, field).lower()} of {self._name()}")
