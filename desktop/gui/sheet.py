"""The contact sheet: a virtual grid over the whole result of the current search.

Each cell shows the thumbnail (a placeholder until the loader delivers it), the
file name, photographer, agency and capture time, and badges: rule errors, and
clearance for the publication date as the Guardian's Grid shows it (✓ free,
⚑ conditional, £ pay, over quota, ⚠ not cleared or denied by a lease, … while
the checks are out of date).  Arrows move, Space or Enter opens the preview,
Ctrl+A selects all, shift/ctrl-click and rubber-band select; selected photos
drag out as ``application/x-picturedesk-photo-ids`` (onto an article's caption).

Selection: the view keeps ranges of positions (a million selected photos cost
nothing).  The context receives ``set_selection(ids, current)`` with every
selected id, in order, while at most ``MAX_SELECTED_IDS`` (5,000) are selected:
that is what the inspector, batch editing and the licence and lease dialogs act
on.  Past that, the context gets no ids (only the current photo), so no edit can
silently apply to the first 5,000 of a million; ``selectionCounted(n)`` and the
status bar say how many are selected and ask to narrow the search.  The ids
of a larger selection can still be had, position runs first
(``selected_positions``), from the sheet.
"""

from __future__ import annotations

import datetime as _dt
import functools

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QSlider, QStyle,
                               QStyledItemDelegate, QTableView, QToolButton, QVBoxLayout, QWidget)

from archive.errors import PictureDeskError
from desktop.gui.sheet_model import IdRole, RowRole, SheetModel, badge_text
from desktop.gui.thumbs import ThumbnailLoader

SORTS = (("taken", "Capture time"), ("imported", "Import time"), ("name", "File name"), ("creator", "Photographer"))
COLOURS = {"red": QColor(214, 64, 56), "amber": QColor(222, 160, 30), "green": QColor(70, 170, 95),
           "grey": QColor(140, 140, 140)}
MAX_SELECTED_IDS = 5000


@functools.lru_cache(maxsize=4096)
def short_time(value) -> str:
    if not value:
        return "no date"
    try:
        t = _dt.datetime.fromisoformat(value)
    except ValueError:
        return str(value)[:16]
    return t.strftime("%d %b %Y %H:%M")


class _CellText:
    """The fonts and the elided lines of the cells, kept between paints: a cell is
    painted again for every thumbnail that arrives and every frame of a scroll, and
    measuring its text each time cost more than drawing it."""

    LIMIT = 4000

    def __init__(self):
        self._fonts: dict = {}
        self._lines: dict = {}

    def fonts(self, font: QFont):
        key = font.key()
        got = self._fonts.get(key)
        if got is None:
            bold = QFont(font)
            bold.setBold(True)
            small = QFont(font)
            small.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
            small.setBold(True)
            got = (QFontMetrics(font), bold, QFontMetrics(bold), small, QFontMetrics(small))
            self._fonts[key] = got
        return got

    def lines(self, row, width: int, font: QFont) -> tuple[str, str, str]:
        key = (row.id, row.name, row.creators, row.agency, row.taken_at, width, font.key())
        got = self._lines.get(key)
        if got is None:
            fm, _bold, fm_bold, _small, _fm_small = self.fonts(font)
            who = ", ".join(row.creators) or "—"
            meta = f"{row.agency or '—'} · {short_time(row.taken_at)}"
            got = (fm_bold.elidedText(row.name, Qt.ElideMiddle, width), fm.elidedText(who, Qt.ElideRight, width),
                   fm.elidedText(meta, Qt.ElideRight, width))
            if len(self._lines) >= self.LIMIT:
                self._lines.clear()
            self._lines[key] = got
        return got


class CellDelegate(QStyledItemDelegate):
    def __init__(self, sheet: "ContactSheet"):
        super().__init__(sheet)
        self.sheet = sheet
        self.text = _CellText()

    def sizeHint(self, option, index) -> QSize:
        return self.sheet.cell_size()

    def paint(self, painter: QPainter, option, index) -> None:
        if self.sheet.model.position(index) >= self.sheet.model.total:
            return                                  # the empty cells after the last photo
        painter.save()
        pal = option.palette
        rect = option.rect.adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.State_Selected)
        base = pal.color(QPalette.Highlight) if selected else pal.color(QPalette.AlternateBase)
        if selected:
            base = QColor(base)
            base.setAlpha(150)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(base)
        painter.drawRoundedRect(rect, 4, 4)
        if option.state & QStyle.State_HasFocus:
            painter.setPen(QPen(pal.color(QPalette.Highlight), 2))
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(rect, 4, 4)
        row = index.data(RowRole)
        s = self.sheet.thumb_size
        thumb = QRect(rect.x() + (rect.width() - s) // 2, rect.y() + 5, s, s)
        text_pen = pal.color(QPalette.HighlightedText if selected else QPalette.Text)
        dim = pal.color(QPalette.PlaceholderText)
        if row is None:                             # not read yet: a quiet placeholder
            painter.setBrush(pal.color(QPalette.Base))
            painter.setPen(Qt.NoPen)
            painter.drawRect(thumb.adjusted(s // 8, s // 8, -s // 8, -s // 8))
            painter.restore()
            return
        if row.missing:
            dim = QColor(dim)
            dim.setAlpha(120)
            text_pen = QColor(text_pen)
            text_pen.setAlpha(140)
        pm = self.sheet.loader.pixmap(row.id)
        if pm is None:
            self.sheet.loader.request([row.id])
            painter.setBrush(pal.color(QPalette.Base))
            painter.setPen(Qt.NoPen)
            painter.drawRect(thumb.adjusted(s // 8, s // 8, -s // 8, -s // 8))
            if self.sheet.loader.has_none(row.id):
                painter.setPen(dim)
                painter.drawText(thumb, Qt.AlignCenter, "no preview")
        else:
            painter.setRenderHint(QPainter.SmoothPixmapTransform)
            size = pm.deviceIndependentSize().toSize().scaled(s, s, Qt.KeepAspectRatio)
            target = QRect(thumb.x() + (s - size.width()) // 2, thumb.y() + (s - size.height()) // 2,
                           size.width(), size.height())
            if row.missing:
                painter.setOpacity(0.35)
            painter.drawPixmap(target, pm)
            painter.setOpacity(1.0)
        fm, bold, _fm_bold, small, fm_small = self.text.fonts(option.font)
        self._badges(painter, thumb, row, small, fm_small)
        y = thumb.bottom() + 4
        line_h = fm.height()
        w = rect.width() - 10
        name, who, meta = self.text.lines(row, w, option.font)
        painter.setFont(bold)
        painter.setPen(text_pen)
        painter.drawText(QRect(rect.x() + 5, y, w, line_h), Qt.AlignLeft | Qt.AlignVCenter, name)
        painter.setFont(option.font)
        painter.setPen(text_pen if selected else dim)
        painter.drawText(QRect(rect.x() + 5, y + line_h, w, line_h), Qt.AlignLeft | Qt.AlignVCenter, who)
        painter.drawText(QRect(rect.x() + 5, y + 2 * line_h, w, line_h), Qt.AlignLeft | Qt.AlignVCenter, meta)
        painter.restore()

    def _badges(self, painter, thumb: QRect, row, small: QFont, fm: QFontMetrics) -> None:
        painter.setFont(small)
        x = thumb.right() - 3
        items = []
        symbol, colour = badge_text(row)
        if symbol:
            items.append((symbol, COLOURS[colour]))
        if row.rule_status == "error":
            items.append(("errors", COLOURS["red"]))
        elif row.rule_status == "warning":
            items.append(("!", COLOURS["amber"]))
        if row.conflicts:
            items.append(("file changed", COLOURS["amber"]))
        if row.clearance.lease == "allow":
            items.append(("leased", COLOURS["green"]))
        for text, colour in items:
            w = fm.horizontalAdvance(text) + 8
            box = QRect(x - w, thumb.y() + 3, w, fm.height() + 2)
            painter.setPen(Qt.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(box, Qt.AlignCenter, text)
            x -= w + 3


class SheetView(QTableView):
    """A table of fixed-size cells: the layout of a million photos is arithmetic."""

    previewRequested = Signal(int)
    resized = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.hide()
            header.setSectionResizeMode(QHeaderView.Fixed)
            header.setMinimumSectionSize(8)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Space, Qt.Key_Return, Qt.Key_Enter):
            idx = self.currentIndex()
            pid = idx.data(IdRole) if idx.isValid() else None
            if pid is not None:
                self.previewRequested.emit(pid)
                return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def viewportEvent(self, event) -> bool:
        handled = super().viewportEvent(event)
        if event.type() == QEvent.Resize:        # the viewport's own size (after scroll bars come and go)
            self.resized.emit()
        return handled


class ContactSheet(QWidget):
    """The grid with its bar (count, sort, thumbnail size)."""

    previewRequested = Signal(int)
    countChanged = Signal(int)
    selectionCounted = Signal(int)         # how many photos are selected (any number)

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.thumb_size = 180
        self.model = SheetModel(context, self)
        self.loader = ThumbnailLoader(context, self)
        self.loader.ready.connect(self._thumb_ready)

        self.view = SheetView(self)
        self.view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragOnly)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.view.resized.connect(self._fit_columns)
        self.view.verticalScrollBar().setSingleStep(24)
        self.delegate = CellDelegate(self)
        self.view.setItemDelegate(self.delegate)
        self.view.setModel(self.model)
        self.model.visible = self.visible_positions
        self.view.previewRequested.connect(self.previewRequested)
        self._apply_cell_size()
        self.view.doubleClicked.connect(lambda idx: self.previewRequested.emit(idx.data(IdRole))
                                        if idx.data(IdRole) is not None else None)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.selectionModel().currentChanged.connect(self._selection_changed)

        self.count = QLabel("", self)
        self.sort = QComboBox(self)
        for key, label in SORTS:
            self.sort.addItem(label, key)
        self.sort.setToolTip("Sort by")
        self.order = QToolButton(self)
        self.order.setCheckable(True)
        self.order.setChecked(True)
        self.order.setToolTip("Descending (newest first, Z to A) or ascending")
        self._order_text()
        self.size = QSlider(Qt.Horizontal, self)
        self.size.setRange(96, 320)
        self.size.setValue(self.thumb_size)
        self.size.setFixedWidth(140)
        self.size.setToolTip("Thumbnail size")
        self.message = QLabel("", self)
        self.message.setStyleSheet("color: #e0a030;")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.count)
        bar.addSpacing(12)          # "10 photos" and the staleness note read apart
        bar.addWidget(self.message, 1)
        bar.addWidget(QLabel("Sort:", self))
        bar.addWidget(self.sort)
        bar.addWidget(self.order)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Size:", self))
        bar.addWidget(self.size)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.sort.currentIndexChanged.connect(self._sort_chosen)
        self.order.toggled.connect(self._resort)
        self.size.valueChanged.connect(self.set_thumb_size)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self.message.setText)
        self._select_timer = QTimer(self)
        self._select_timer.setSingleShot(True)
        self._select_timer.setInterval(30)
        self._select_timer.timeout.connect(self._publish_selection)
        self._repaint = QTimer(self)                 # many thumbnails arrive: one repaint
        self._repaint.setSingleShot(True)
        self._repaint.setInterval(10)
        self._repaint.timeout.connect(self.view.viewport().update)
        self._size_timer = QTimer(self)
        self._size_timer.setSingleShot(True)
        self._size_timer.setInterval(150)
        self._size_timer.timeout.connect(self._thumb_target)
        self._thumb_target()

        context.queryChanged.connect(self._query)
        context.photosChanged.connect(self._photos_changed)
        context.archiveChanged.connect(self._archive_changed)
        context.dateChanged.connect(lambda _d: self.model.refresh_ids([]))
        context.deskChanged.connect(self._desk_changed)
        if context.desk is not None:
            self.reload()

    # -- loading

    def reload(self) -> None:
        try:
            self.model.load(self.context.query)
        except PictureDeskError as exc:
            self.message.setText(str(exc))

    def _query(self, text: str) -> None:
        self.model.load(text)      # the search bar catches a QueryError and shows it

    def _desk_changed(self) -> None:
        self.loader.reset()
        self.reload()

    def _archive_changed(self) -> None:
        self.loader.reset()
        pos = self.view.verticalScrollBar().value()
        self.model.reload_keep()
        self.view.verticalScrollBar().setValue(pos)

    def _photos_changed(self, ids) -> None:
        self.model.refresh_ids(ids)
        self.view.viewport().update()

    def _loaded(self) -> None:
        n = self.model.total
        self._fit_columns()
        if n and not self.view.selectionModel().hasSelection():
            self.view.selectionModel().setCurrentIndex(self.model.index_of(0),   # the inspector shows it
                                                       QItemSelectionModel.ClearAndSelect)
        self.count.setText(f"{n:,} photo{'s' if n != 1 else ''}")
        self.message.setText("" if self.model.checks_current else "Checks are out of date for this date; checking…")
        self.countChanged.emit(n)

    def _sort_chosen(self, *_):
        # Capture and import time read newest first; names A to Z.
        self.order.blockSignals(True)
        self.order.setChecked(self.sort.currentData() in ("taken", "imported"))
        self.order.blockSignals(False)
        self._resort()

    def _resort(self, *_):
        self._order_text()
        key = self.sort.currentData()
        try:
            self.model.load(sort=key, descending=self.order.isChecked())
        except PictureDeskError as exc:
            self.message.setText(str(exc))
            self.sort.blockSignals(True)
            self.order.blockSignals(True)
            self.sort.setCurrentIndex(0)
            self.order.setChecked(True)
            self.sort.blockSignals(False)
            self.order.blockSignals(False)
            self._order_text()

    def _order_text(self) -> None:
        self.order.setText("↓" if self.order.isChecked() else "↑")

    def cell_size(self) -> QSize:
        lines = QFontMetrics(self.view.font()).height() * 3
        return QSize(self.thumb_size + 16, self.thumb_size + lines + 22)

    def _apply_cell_size(self) -> None:
        size = self.cell_size()
        self.view.horizontalHeader().setDefaultSectionSize(size.width())
        self.view.verticalHeader().setDefaultSectionSize(size.height())
        self.view.verticalScrollBar().setSingleStep(max(12, size.height() // 6))
        self._fit_columns()

    def _fit_columns(self) -> None:
        """As many columns as fit the width, sharing the width left over (no ragged gap
        on the right); the current photo stays in view."""
        width = max(1, self.view.viewport().width())
        columns = max(1, width // self.cell_size().width())
        header = self.view.horizontalHeader()
        share = max(self.cell_size().width(), width // columns)
        if header.defaultSectionSize() != share:
            header.setDefaultSectionSize(share)
        if columns == self.model.columns:
            return
        current = self.view.currentIndex()
        pos = self.model.position(current) if current.isValid() else None
        runs = self.selected_positions()
        self.model.set_columns(columns)
        self.select_positions(runs, pos)

    def set_thumb_size(self, px: int) -> None:
        self.thumb_size = int(px)
        self.size.blockSignals(True)
        self.size.setValue(self.thumb_size)
        self.size.blockSignals(False)
        self._apply_cell_size()
        self._size_timer.start()

    def _thumb_target(self) -> None:
        self.loader.set_size(self.thumb_size, self.view.viewport().devicePixelRatioF())
        self.view.viewport().update()

    def _thumb_ready(self, pid: int) -> None:
        if not self._repaint.isActive():
            self._repaint.start()

    def visible_positions(self) -> tuple[int, int]:
        """The first and last result positions the grid shows now."""
        view = self.view
        top = view.rowAt(0)
        if top < 0:
            return (0, -1)
        bottom = view.rowAt(view.viewport().height() - 1)
        if bottom < 0:
            bottom = self.model.rowCount() - 1
        cols = self.model.columns
        return (top * cols, min(self.model.total - 1, bottom * cols + cols - 1))

    # -- selection

    def _selection_changed(self, *_):
        self._select_timer.start()

    def selected_positions(self) -> list[tuple[int, int]]:
        """The selected result positions as (first, last) runs, in order."""
        cols, last = self.model.columns, self.model.total - 1
        runs = []
        for r in self.view.selectionModel().selection():
            if r.left() == 0 and r.right() == cols - 1:
                runs.append((r.top() * cols, min(last, r.bottom() * cols + cols - 1)))
            else:
                for row in range(r.top(), r.bottom() + 1):
                    a = row * cols + r.left()
                    if a <= last:
                        runs.append((a, min(last, row * cols + r.right())))
        runs.sort()
        merged: list[tuple[int, int]] = []
        for a, b in runs:
            if merged and a <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def select_positions(self, runs, current=None) -> None:
        """Select the (first, last) position runs (at most a few thousand rectangles)."""
        cols = self.model.columns
        selection = QItemSelection()
        for a, b in runs[:2000]:
            ra, rb = a // cols, b // cols
            if ra == rb:
                selection.select(self.model.index(ra, a % cols), self.model.index(ra, b % cols))
                continue
            selection.select(self.model.index(ra, a % cols), self.model.index(ra, cols - 1))
            if rb - ra > 1:
                selection.select(self.model.index(ra + 1, 0), self.model.index(rb - 1, cols - 1))
            selection.select(self.model.index(rb, 0), self.model.index(rb, b % cols))
        sm = self.view.selectionModel()
        sm.select(selection, QItemSelectionModel.ClearAndSelect)
        if current is not None and current < self.model.total:
            idx = self.model.index_of(current)
            sm.setCurrentIndex(idx, QItemSelectionModel.NoUpdate)
            self.view.scrollTo(idx)

    def selected_count(self) -> int:
        return sum(b - a + 1 for a, b in self.selected_positions())

    def selected_ids(self, cap: int = MAX_SELECTED_IDS) -> list[int]:
        ids: list[int] = []
        for a, b in self.selected_positions():
            ids += self.model.ids_between(a, b, cap - len(ids))
            if len(ids) >= cap:
                break
        return ids

    def _publish_selection(self) -> None:
        n = self.selected_count()
        cur = self.view.currentIndex()
        current = cur.data(IdRole) if cur.isValid() and self.view.selectionModel().isSelected(cur) else None
        if n > MAX_SELECTED_IDS:
            ids = []                       # too many to act on together: a count, never a silent cut
            self.context.status.emit(f"{n:,} photos selected: more than {MAX_SELECTED_IDS:,} cannot be "
                                     "edited together; narrow the search")
        else:
            ids = self.selected_ids()
        if current is None and ids:
            current = ids[0]
        self.context.set_selection(ids, current if current is not None else -1)
        self.selectionCounted.emit(n)

    def select_all(self) -> None:
        self.view.selectAll()

    def select_photo(self, pid: int) -> None:
        pos = self.model.position_of(pid)
        if pos is not None:
            idx = self.model.index_of(pos)
            self.view.selectionModel().setCurrentIndex(idx, QItemSelectionModel.ClearAndSelect)
            self.view.scrollTo(idx)

    def current_id(self):
        idx = self.view.currentIndex()
        return idx.data(IdRole) if idx.isValid() else None

    def shutdown(self) -> None:
        """The window closes: no timer may reach the archive after this."""
        self._select_timer.stop()
        self._size_timer.stop()
        self._repaint.stop()
        self.model._timer.stop()
        self.model.wait_for_reads()
        self.loader.shutdown()
