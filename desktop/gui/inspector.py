"""The inspector: everything about the current photo, and batch editing for several.

One photo: a summary (name, size, dimensions, capture time, creator, agency,
place), disagreements with its file, its licence, leases and clearance for the
publication date with the reasons, the caption editor (checks as you type),
the metadata in tabs (EXIF, IPTC, XMP, File) with the tag each reconciled value
came from and the file's own value beside an edited one, and the caption's
history.  Several photos: the batch editor.  Everything is read from and
written through the Desk; the inspector refreshes on the context's signals.
"""

from __future__ import annotations

import datetime as _dt
from html import escape
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QScrollArea,
                               QSizePolicy, QStackedWidget, QTabWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from archive.errors import PictureDeskError
from desktop.gui.batch_edit import BatchEditor
from desktop.gui.caption_editor import LABELS, CaptionEditor, muted, to_text
from desktop.gui.conflicts import ConflictView

STATUS_TEXT = {"cleared": "Cleared", "conditional": "Conditional", "not_cleared": "Not cleared"}
STATUS_COLOURS = {"cleared": QColor(46, 140, 70), "conditional": QColor(200, 140, 0),
                  "not_cleared": QColor(200, 50, 45)}

# the record's values shown in the metadata tabs (the tab is chosen by the tag it came from)
META_FIELDS = (
    ("taken_at", "Taken"), ("make", "Camera make"), ("model", "Camera model"), ("lens", "Lens"),
    ("gps", "GPS"), ("creator", "Creator"), ("creator_title", "Creator title"), ("credit", "Credit"),
    ("source", "Source"), ("copyright", "Copyright"), ("caption", "Caption"), ("headline", "Headline"),
    ("title", "Title"), ("keywords", "Keywords"), ("city", "City"), ("sublocation", "Sublocation"),
    ("state", "State"), ("country", "Country"), ("country_code", "Country code"),
    ("instructions", "Instructions"), ("usage_terms", "Usage terms"), ("credit_line", "Credit line"),
)
CAMERA = {"make", "model", "lens", "taken_at", "gps"}
TABS = ("EXIF", "IPTC", "XMP", "File")


def human_size(n: Optional[int]) -> str:
    if not n:
        return "—"
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def show_time(value: Optional[str]) -> str:
    if not value:
        return "—"
    try:
        t = _dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    text = t.strftime("%a %d %b %Y, %H:%M:%S")
    if t.utcoffset() is not None:
        minutes = int(t.utcoffset().total_seconds() // 60)
        text += f" (UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"
    return text


def value_text(field: str, value) -> str:
    if field == "gps" and isinstance(value, dict):
        parts = [f"{value.get('lat'):.5f}, {value.get('lon'):.5f}"] if value.get("lat") is not None else []
        if value.get("alt") is not None:
            parts.append(f"{value['alt']:.0f} m")
        return "  ".join(parts)
    if field == "taken_at" and value:
        return str(value).replace("T", " ")
    return to_text(field, value)


def tab_of(field: str, origin: Optional[str]) -> str:
    if origin:
        head = origin.split()[0].upper()
        for tab in TABS[:3]:
            if head.startswith(tab):
                return tab
        return "File" if head in ("FILE", "COMPOSITE") else "XMP"
    return "EXIF" if field in CAMERA else "XMP"


def chip(label: QLabel, status: Optional[str]) -> None:
    """A coloured status chip; text colour chosen for contrast, not from the theme."""
    colour = STATUS_COLOURS.get(status)
    if colour is None:
        label.setStyleSheet("")
        return
    label.setStyleSheet(f"QLabel {{ background: {colour.name()}; color: white; border-radius: 4px; "
                        f"padding: 2px 8px; font-weight: bold; }}")


class Section(QFrame):
    """A titled block of the inspector."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 6, 0, 0)
        self.box.setSpacing(4)
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.05)
        self.title.setFont(font)
        self.box.addWidget(self.title)
        line = QFrame()
        line.setFrameShape(QFrame.HLine)
        line.setFrameShadow(QFrame.Sunken)
        self.box.addWidget(line)


class MetaTree(QTreeWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels(["Field", "Value", "From"])
        self.setRootIsDecorated(False)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        header.setStretchLastSection(False)
        self.setMinimumHeight(160)


class SinglePhotoView(QWidget):
    """The inspector's page for one photo."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.record: Optional[dict] = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)

        # -- summary
        top = QHBoxLayout()
        self.thumb = QLabel()
        self.thumb.setFixedSize(112, 112)
        self.thumb.setAlignment(Qt.AlignCenter)
        top.addWidget(self.thumb, 0, Qt.AlignTop)
        summary = QVBoxLayout()
        self.name_label = QLabel()
        font = self.name_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.name_label.setWordWrap(True)
        summary.addWidget(self.name_label)
        self.summary_grid = QGridLayout()
        self.summary_grid.setHorizontalSpacing(8)
        self.summary_grid.setVerticalSpacing(1)
        self.summary: dict[str, QLabel] = {}
        for row, (key, title) in enumerate((("file", "File"), ("taken", "Taken"), ("creator", "Creator"),
                                            ("agency", "Agency"), ("place", "Place"))):
            head = QLabel(title)
            muted(head)
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
            self.summary_grid.addWidget(head, row, 0, Qt.AlignTop)
            self.summary_grid.addWidget(value, row, 1)
            self.summary[key] = value
        self.summary_grid.setColumnStretch(1, 1)
        summary.addLayout(self.summary_grid)
        top.addLayout(summary, 1)
        lay.addLayout(top)
        self.missing_label = QLabel()
        self.missing_label.setWordWrap(True)
        self.missing_label.setVisible(False)
        lay.addWidget(self.missing_label)
        self.writeback_label = QLabel()          # edits saved here that the sidecar lacks, and why
        self.writeback_label.setWordWrap(True)
        self.writeback_label.setVisible(False)
        lay.addWidget(self.writeback_label)

        # -- outside edits
        self.conflicts = ConflictView(context)
        lay.addWidget(self.conflicts)

        # -- clearance
        self.clearance_section = Section("Clearance")
        head = QHBoxLayout()
        self.status_chip = QLabel()
        head.addWidget(self.status_chip)
        self.on_label = QLabel()
        head.addWidget(self.on_label, 1)
        self.clearance_section.box.addLayout(head)
        self.reasons_label = QLabel()
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextFormat(Qt.RichText)
        self.clearance_section.box.addWidget(self.reasons_label)
        self.licence_label = QLabel()
        self.licence_label.setWordWrap(True)
        self.clearance_section.box.addWidget(self.licence_label)
        self.leases_label = QLabel()
        self.leases_label.setWordWrap(True)
        self.clearance_section.box.addWidget(self.leases_label)
        self.stale_label = QLabel()
        self.stale_label.setWordWrap(True)
        muted(self.stale_label)
        self.clearance_section.box.addWidget(self.stale_label)
        lay.addWidget(self.clearance_section)

        # -- caption editor
        self.editor_section = Section("Caption and credit")
        self.editor = CaptionEditor(context)
        self.editor.drafted.connect(self._drafted)
        self.editor_section.box.addWidget(self.editor)
        lay.addWidget(self.editor_section)

        # -- metadata tabs
        meta = Section("Metadata")
        self.tabs = QTabWidget()
        self.trees: dict[str, MetaTree] = {}
        for name in TABS:
            tree = MetaTree()
            self.trees[name] = tree
            self.tabs.addTab(tree, name)
        meta.box.addWidget(self.tabs)
        lay.addWidget(meta)

        # -- history
        hist = Section("Caption history")
        self.history_box = QWidget()
        self.history_layout = QVBoxLayout(self.history_box)
        self.history_layout.setContentsMargins(0, 0, 0, 0)
        self.history_layout.setSpacing(6)
        self.history_labels: list[QLabel] = []
        self.history_empty = QLabel("No edits yet: the caption and credit are the file's own.")
        muted(self.history_empty)
        hist.box.addWidget(self.history_empty)
        hist.box.addWidget(self.history_box)
        lay.addWidget(hist)
        lay.addStretch(1)

    # ------------------------------------------------------------ filling

    def show_record(self, record: dict) -> None:
        new_photo = self.record is None or self.record["id"] != record["id"]
        self.record = record
        self._summary(record, new_photo)
        self.conflicts.set_record(record)
        self._writeback(record.get("writeback"))
        self._clearance(record.get("clearance"), record.get("licence"), record.get("leases") or [],
                        record.get("checks_current", True))
        self._metadata(record)
        self._history(record["id"])
        self.editor.load(record)

    def _writeback(self, pending: Optional[dict]) -> None:
        if pending:
            fields = ", ".join(pending.get("fields") or [])
            why = f": {pending['error']}" if pending.get("error") else ""
            self.writeback_label.setText(f"⚠ Not yet in the XMP sidecar: {fields}{why}. The edit is saved in "
                                         "the archive and written at the next edit or rescan.")
        self.writeback_label.setVisible(bool(pending))

    def _summary(self, record: dict, new_photo: bool) -> None:
        path = record.get("path") or ""
        self.name_label.setText(path.rsplit("/", 1)[-1])
        self.name_label.setToolTip(path)
        dims = f"{record['width']} × {record['height']} px" if record.get("width") else "size unknown"
        fmt = record.get("format") or ""
        self.summary["file"].setText(f"{fmt}  {human_size(record.get('size'))}  {dims}".strip())
        self.summary["taken"].setText(show_time(record.get("taken_at")))
        self.summary["creator"].setText(", ".join(record.get("creator") or []) or "—")
        self.summary["agency"].setText(record.get("credit") or record.get("source") or "—")
        place = [record.get(k) for k in ("sublocation", "city", "state", "country") if record.get(k)]
        self.summary["place"].setText(", ".join(place) or "—")
        if record.get("missing"):
            self.missing_label.setText(f"⚠ The file is missing (since {record.get('missing_since') or '?'}).")
        self.missing_label.setVisible(bool(record.get("missing")))
        if new_photo:
            data = None
            try:
                data = self.context.desk.thumbnail(record["id"])
            except PictureDeskError:
                pass
            pix = QPixmap()
            if data and pix.loadFromData(data):
                dpr = self.devicePixelRatioF()
                pix = pix.scaled(int(112 * dpr), int(112 * dpr), Qt.KeepAspectRatio, Qt.SmoothTransformation)
                pix.setDevicePixelRatio(dpr)
                self.thumb.setPixmap(pix)
            else:
                self.thumb.setPixmap(QPixmap())
                self.thumb.setText("no preview")

    def _clearance(self, clearance: Optional[dict], licence: Optional[dict], leases: list,
                   current: bool) -> None:
        clearance = clearance or {}
        status = clearance.get("status")
        text = STATUS_TEXT.get(status, "Not checked")
        if clearance.get("cost") and status in ("cleared", "conditional"):
            text += f" · {clearance['cost']}"
        self.status_chip.setText(text)
        chip(self.status_chip, status)
        self.on_label.setText(f"for publication on {self.context.on.strftime('%a %d %b %Y')}")
        reasons = clearance.get("reasons") or []
        self.reasons_label.setText("".join(f"• {escape(r)}<br>" for r in reasons).removesuffix("<br>")
                                   or "No reasons given.")
        if licence:
            until = licence.get("valid_until")
            valid = f"from {licence['valid_from']} " if licence.get("valid_from") else ""
            valid += f"until {until}" if until else "open-ended"
            self.licence_label.setText(
                f"<b>Licence {licence.get('id')}</b>: {escape(str(licence.get('licensor')))} "
                f"({escape(str(licence.get('kind') or ''))}, {escape(str(licence.get('cost') or ''))}), "
                f"{valid}" + ("" if licence.get("covers", True) else " — does not cover this date"))
        else:
            self.licence_label.setText("<b>Licence</b>: none covers this photo")
        if leases:
            lines = []
            for lease in leases:
                kind = "allows" if lease.get("allow") else "denies"
                span = f"{lease.get('valid_from') or '…'} – {lease.get('valid_until') or '…'}"
                note = f": {escape(lease['note'])}" if lease.get("note") else ""
                lines.append(f"Lease {lease.get('id')} {kind} use {span}{note}")
            self.leases_label.setText("<b>Leases</b><br>" + "<br>".join(lines))
        self.leases_label.setVisible(bool(leases))
        self.stale_label.setText("" if current else
                                 "The stored checks are out of date for this date; this is judged afresh "
                                 "(run Check to update the grid's badges).")
        self.stale_label.setVisible(not current)

    def _drafted(self, check) -> None:
        """The draft check of what is typed also says what the clearance would be."""
        if self.record is None or check.clearance is None:
            return
        if self.editor.dirty_fields():
            self._clearance(check.clearance, check.licence or self.record.get("licence"),
                            self.record.get("leases") or [], True)
            self.stale_label.setText("As typed (not saved yet).")
            self.stale_label.setVisible(True)
        else:
            r = self.record
            self._clearance(r.get("clearance"), r.get("licence"), r.get("leases") or [],
                            r.get("checks_current", True))

    def _metadata(self, record: dict) -> None:
        origins = record.get("origins") or {}
        edited = set(record.get("edited") or [])
        embedded = record.get("embedded") or {}
        file_values = record.get("file_values") or {}
        for tree in self.trees.values():
            tree.clear()
        counts = dict.fromkeys(TABS, 0)
        for field, title in META_FIELDS:
            value = record.get(field)
            origin = origins.get(field)
            if field in edited:
                origin = origin or "file"
            if value in (None, [], {}, "") and field not in edited:
                continue
            tab = "XMP" if field == "credit_line" and not origin else tab_of(field, origin)
            item = QTreeWidgetItem([title, value_text(field, value), origin or "—"])
            item.setToolTip(1, value_text(field, value))
            item.setData(0, Qt.UserRole, field)
            if field in edited:
                own = embedded.get(field, file_values.get(field))
                item.setText(2, "edited here")
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                child = QTreeWidgetItem(["File's own", value_text(field, own) or "(empty)",
                                         origins.get(field) or "—"])
                child.setToolTip(1, value_text(field, own))
                child.setData(0, Qt.UserRole, field + ":file")
                item.addChild(child)
                item.setExpanded(True)
            self.trees[tab].addTopLevelItem(item)
            counts[tab] += 1
        if record.get("gps") is not None and "gps" not in origins:
            pass
        file_tree = self.trees["File"]
        for title, value in (("Path", record.get("path")), ("Format", record.get("format")),
                             ("Size", human_size(record.get("size"))),
                             ("Dimensions", f"{record.get('width')} × {record.get('height')}"
                              if record.get("width") else None),
                             ("Orientation", record.get("orientation")),
                             ("Content hash", record.get("content_hash")),
                             ("Photo id", record.get("id")),
                             ("Missing since", record.get("missing_since"))):
            if value in (None, ""):
                continue
            item = QTreeWidgetItem([title, str(value), "file"])
            item.setToolTip(1, str(value))
            file_tree.addTopLevelItem(item)
            counts["File"] += 1
        for warning in record.get("warnings") or []:
            # what the reader or the image decoder found wrong with the file, or why no
            # thumbnail could be made ("thumbnail: ...")
            found_by = "thumbnail" if str(warning).startswith("thumbnail: ") else "file"
            item = QTreeWidgetItem(["Warning", str(warning), found_by])
            item.setToolTip(1, str(warning))
            file_tree.addTopLevelItem(item)
            counts["File"] += 1
        pending = record.get("writeback")
        if pending:
            # Edits saved in the archive that the photo's sidecar does not hold yet.
            text = "not yet written: " + ", ".join(pending.get("fields") or [])
            item = QTreeWidgetItem(["Sidecar", text, "archive"])
            item.setToolTip(1, text + (f"\n{pending['error']}" if pending.get("error") else ""))
            file_tree.addTopLevelItem(item)
            counts["File"] += 1
        for i, name in enumerate(TABS):
            self.tabs.setTabText(i, f"{name} ({counts[name]})" if counts[name] else name)

    def _history(self, photo_id: int) -> None:
        for label in self.history_labels:
            self.history_layout.removeWidget(label)
            label.hide()
            label.deleteLater()
        self.history_labels = []
        try:
            rows = self.context.desk.history(photo_id, ["caption", "credit_line"], limit=50)
        except PictureDeskError:
            rows = []
        for h in rows:
            when = (h.get("at") or "").replace("T", " ").removesuffix("Z")
            field = LABELS.get(h.get("field"), h.get("field"))
            before = to_text(h["field"], h.get("before"))
            after = to_text(h["field"], h.get("after"))
            label = QLabel(f"<b>{escape(field)}</b> · {escape(when)} · {escape(h.get('who') or 'unknown')}"
                           f" · <i>{escape(h.get('label') or '')}</i><br>"
                           f"{escape(before) or '(empty)'} → {escape(after) or '(empty)'}")
            label.setWordWrap(True)
            label.setTextFormat(Qt.RichText)
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            label.setProperty("history", (h.get("field"), before, after))
            self.history_layout.addWidget(label)
            self.history_labels.append(label)
        self.history_box.setVisible(bool(rows))
        self.history_empty.setVisible(not rows)


class Inspector(QWidget):
    """The dock's widget: nothing, one photo, or the batch editor for several."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setMinimumWidth(320)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        lay.addWidget(self.stack)

        self.empty = QLabel("Select a photo to see its caption, credit, clearance and metadata.")
        self.empty.setAlignment(Qt.AlignCenter)
        self.empty.setWordWrap(True)
        muted(self.empty)
        self.stack.addWidget(self.empty)

        self.single = SinglePhotoView(context)
        self.single_scroll = self._scroll(self.single)
        self.stack.addWidget(self.single_scroll)

        self.batch = BatchEditor(context)
        batch_page = QWidget()
        bl = QVBoxLayout(batch_page)
        bl.setContentsMargins(8, 8, 8, 8)
        bl.addWidget(self.batch)
        self.batch_scroll = self._scroll(batch_page)
        self.stack.addWidget(self.batch_scroll)

        context.currentChanged.connect(lambda _id: self.refresh())
        context.selectionChanged.connect(lambda _ids: self.refresh())
        context.photosChanged.connect(self._photos_changed)
        context.dateChanged.connect(lambda _on: self.refresh())
        context.deskChanged.connect(self._desk_changed)
        if hasattr(context, "archiveChanged"):
            context.archiveChanged.connect(self.refresh)
        self.refresh()

    @property
    def editor(self) -> CaptionEditor:
        return self.single.editor

    @property
    def conflicts(self) -> ConflictView:
        return self.single.conflicts

    def _scroll(self, widget: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        area.setWidget(widget)
        return area

    def mode(self) -> str:
        return {0: "empty", 1: "single", 2: "batch"}[self.stack.currentIndex()]

    def _photos_changed(self, ids: list) -> None:
        shown = set(self.context.selection) | {self.context.current}
        if not ids or shown & set(ids):
            self.refresh()

    def _desk_changed(self) -> None:
        """Another archive: what was typed belonged to the old one (never saved into the new)."""
        self.single.record = None
        self.editor.clear()
        self.refresh()

    def _keep_unsaved(self, selection: list) -> bool:
        """Leaving a photo with unsaved changes saves them (one undoable step), as Photo
        Mechanic does; if they conflict with a change made elsewhere, the inspector stays
        on that photo with the conflict shown, so nothing is lost silently."""
        editor = self.editor
        if self.mode() != "single" or editor.photo_id < 0 or not editor.dirty_fields():
            return True
        target = self.context.current if len(selection) <= 1 else None
        if target == editor.photo_id:
            return True
        if editor.save():
            return True
        self.context.status.emit(f"Unsaved changes to {editor._name()} conflict with a change made "
                                 "elsewhere: reload or overwrite them first")
        return False

    def refresh(self) -> None:
        ctx = self.context
        if ctx.desk is None:
            self.stack.setCurrentIndex(0)
            return
        selection = [i for i in ctx.selection if i is not None]
        if not self._keep_unsaved(selection):
            return
        if len(selection) > 1:
            self.batch.set_ids(selection)
            self.stack.setCurrentIndex(2)
            return
        current = ctx.current if ctx.current is not None and ctx.current >= 0 else \
            (selection[0] if selection else -1)
        if current < 0:
            self.single.record = None
            self.single.editor.clear()
            self.stack.setCurrentIndex(0)
            return
        try:
            record = ctx.desk.record(current, on=ctx.on)
        except PictureDeskError as exc:
            self.empty.setText(str(exc))
            self.stack.setCurrentIndex(0)
            return
        new_photo = self.single.record is None or self.single.record["id"] != record["id"]
        self.single.show_record(record)
        self.stack.setCurrentIndex(1)
        if new_photo:
            self.single_scroll.verticalScrollBar().setValue(0)
