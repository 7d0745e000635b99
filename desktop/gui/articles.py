"""The articles panel: an article's captions and the photos they are paired with.

Open an article file, drop one on the panel, or paste its text; matching runs
as a job (progress, cancel).  Each caption shows its photo's thumbnail, the
score, the status (auto, suggested, none), the decision, and, expanded, the
reasons and the runners-up.  Accept all automatic, Accept, Reject and Reset
act on the Desk and go on the undo stack; a photo dragged from the contact
sheet onto a caption re-pairs it.  Clicking a caption selects its photo.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
                               QProgressBar, QPushButton, QStyledItemDelegate, QStyleOptionViewItem,
                               QTreeView, QVBoxLayout, QWidget)

from archive.errors import PictureDeskError
from desktop.gui import undo
from desktop.gui.caption_editor import muted
from desktop.gui.jobs import Job

PHOTO_MIME = "application/x-picturedesk-photo-ids"
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
CAPTION_ROLE = Qt.UserRole + 1       # on column 0 of a caption row: its index
PHOTO_ROLE = Qt.UserRole + 2         # on any row that stands for a photo: its id
NAME_ROLE = Qt.UserRole + 3          # the paired photo's file name
COLUMNS = ("Caption and photo", "Score", "Status", "Decision")
STATUS_TEXT = {"auto": "auto", "suggested": "suggested", "none": "no photo"}


def photo_ids_from_mime(mime) -> list[int]:
    if mime is None or not mime.hasFormat(PHOTO_MIME):
        return []
    raw = bytes(mime.data(PHOTO_MIME)).decode("ascii", "ignore")
    out = []
    for part in raw.split(","):
        part = part.strip()
        if part.isdigit():
            out.append(int(part))
    return out


def article_paths_from_mime(mime) -> list[str]:
    if mime is None or not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls()
            if u.isLocalFile() and u.toLocalFile().lower().endswith(ARTICLE_SUFFIXES)]


class PasteDialog(QDialog):
    """Paste an article's text (with its captions and credit lines)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Paste an article")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit()
        self.title.setPlaceholderText("optional")
        self.date = QLineEdit()
        self.date.setPlaceholderText("YYYY-MM-DD, optional")
        form.addRow("Title", self.title)
        form.addRow("Date", self.date)
        lay.addLayout(form)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Paste the article here, captions with their credit lines\n"
                                     "(Photograph: Name/Agency)")
        lay.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Add article")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(520, 420)


class WrapDelegate(QStyledItemDelegate):
    """Rows of the first column as tall as their word-wrapped text at the column's width."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view

    def sizeHint(self, option, index):
        size = super().sizeHint(option, index)
        if index.column() != 0:
            return size
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = self.view.columnWidth(0) - self.view.indentation() * (depth + 1) - 12
        if index.data(Qt.DecorationRole) is not None:
            width -= self.view.iconSize().width() + 8
        rect = opt.fontMetrics.boundingRect(QRect(0, 0, max(width, 60), 100000), Qt.TextWordWrap, opt.text)
        return QSize(size.width(), max(size.height(), rect.height() + 8))


class CaptionTree(QTreeView):
    """The captions; photos dropped on a caption re-pair it, article files add an article."""

    photoDropped = Signal(int, int)        # caption index, photo id
    filesDropped = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DropOnly)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setAlternatingRowColors(True)
        self.setExpandsOnDoubleClick(True)
        self.setItemDelegate(WrapDelegate(self))
        self.header().sectionResized.connect(lambda *_: self.scheduleDelayedItemsLayout())

    def caption_at(self, pos) -> Optional[int]:
        index = self.indexAt(pos)
        if not index.isValid():
            return None
        while index.parent().isValid():
            index = index.parent()
        return index.siblingAtColumn(0).data(CAPTION_ROLE)

    def _accepts(self, event) -> bool:
        mime = event.mimeData()
        if photo_ids_from_mime(mime):
            return self.caption_at(event.position().toPoint()) is not None
        return bool(article_paths_from_mime(mime))

    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        if photo_ids_from_mime(mime) or article_paths_from_mime(mime):
            event.setDropAction(Qt.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self._accepts(event):
            event.setDropAction(Qt.CopyAction)
            event.accept()
            index = self.indexAt(event.position().toPoint())
            if index.isValid():
                self.setCurrentIndex(index)
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        ids = photo_ids_from_mime(mime)
        if ids:
            caption = self.caption_at(event.position().toPoint())
            if caption is None:
                event.ignore()
                return
            event.setDropAction(Qt.CopyAction)
            event.accept()
            self.photoDropped.emit(int(caption), ids[0])
            return
        paths = article_paths_from_mime(mime)
        if paths:
            event.setDropAction(Qt.CopyAction)
            event.accept()
            self.filesDropped.emit(paths)
            return
        event.ignore()


class ArticlesPanel(QWidget):
    """Articles, their captions and pairs; every decision goes on the undo stack."""

    THUMB = 56

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.article_id: Optional[int] = None
        self.detail: Optional[dict] = None
        self.job: Optional[Job] = None
        self._thumbs: dict[int, QPixmap] = {}
        self._names: dict[int, str] = {}
        self.setAcceptDrops(True)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)

        top = QHBoxLayout()
        self.article_box = QComboBox()
        self.article_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.article_box.setMinimumContentsLength(14)
        self.article_box.currentIndexChanged.connect(self._article_chosen)
        top.addWidget(self.article_box, 1)
        self.open_button = QPushButton("Open…")
        self.open_button.setToolTip("Add an article from a .txt, .md or .html file (or drop one here)")
        self.open_button.clicked.connect(self.open_file)
        self.paste_button = QPushButton("Paste…")
        self.paste_button.setToolTip("Add an article from pasted text")
        self.paste_button.clicked.connect(self.paste_text)
        top.addWidget(self.open_button)
        top.addWidget(self.paste_button)
        lay.addLayout(top)

        self.info = QLabel()
        self.info.setWordWrap(True)
        muted(self.info)
        lay.addWidget(self.info)

        prog = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_match)
        prog.addWidget(self.progress, 1)
        prog.addWidget(self.cancel_button)
        self.progress_row = QWidget()
        self.progress_row.setLayout(prog)
        prog.setContentsMargins(0, 0, 0, 0)
        self.progress_row.setVisible(False)
        lay.addWidget(self.progress_row)

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.tree = CaptionTree()
        self.tree.setModel(self.model)
        self.tree.setIconSize(QSize(self.THUMB, self.THUMB))
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.photoDropped.connect(self.repair)
        self.tree.filesDropped.connect(self.add_files)
        self.tree.clicked.connect(self._clicked)
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        lay.addWidget(self.tree, 1)

        hint = QLabel("Drag a photo from the contact sheet onto a caption to pair it by hand.")
        hint.setWordWrap(True)
        muted(hint)
        lay.addWidget(hint)

        buttons = QHBoxLayout()
        self.match_button = QPushButton("Match")
        self.match_button.setToolTip("Find the photo for each undecided caption")
        self.match_button.clicked.connect(self.match)
        self.accept_all_button = QPushButton("Accept all automatic")
        self.accept_all_button.clicked.connect(self.accept_all)
        buttons.addWidget(self.match_button)
        buttons.addWidget(self.accept_all_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        per = QHBoxLayout()
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("Settle this caption's pair: the photo takes the caption and credit")
        self.accept_button.clicked.connect(self.confirm_current)
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip("This caption's photo is wrong")
        self.reject_button.clicked.connect(self.reject_current)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Undecide this caption (the photo's caption goes back)")
        self.reset_button.clicked.connect(self.reset_current)
        per.addWidget(self.accept_button)
        per.addWidget(self.reject_button)
        per.addWidget(self.reset_button)
        per.addStretch(1)
        lay.addLayout(per)

        context.articlesChanged.connect(self.reload)
        context.deskChanged.connect(self._desk_changed)
        self._desk_changed()

    # ------------------------------------------------------------ articles

    def _desk_changed(self) -> None:
        self._thumbs.clear()
        self._names.clear()
        self.article_id = None
        self.reload_list()

    def reload_list(self, select: Optional[int] = None) -> None:
        desk = self.context.desk
        keep = select if select is not None else self.article_id
        self.article_box.blockSignals(True)
        self.article_box.clear()
        articles = desk.articles() if desk is not None else []
        for a in articles:
            date = f" · {a['date']}" if a.get("date") else ""
            self.article_box.addItem(f"{a.get('title') or 'Untitled'}{date} ({a.get('captions', 0)} captions)",
                                     a["id"])
        index = self.article_box.findData(keep) if keep is not None else -1
        if index < 0 and articles:
            index = 0
        self.article_box.setCurrentIndex(index)
        self.article_box.blockSignals(False)
        self.article_id = self.article_box.currentData() if index >= 0 else None
        if not articles:
            self.article_box.setPlaceholderText("No articles yet: open, drop or paste one")
        self.reload()

    def _article_chosen(self, _index: int) -> None:
        self.article_id = self.article_box.currentData()
        self.reload()

    def show_article(self, article_id: int) -> None:
        self.reload_list(select=article_id)

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an article", "",
                                              "Articles (*.txt *.md *.html *.htm);;All files (*)")
        if path:
            self.add_files([path])

    def paste_text(self) -> None:
        dialog = PasteDialog(self)
        if dialog.exec() == QDialog.Accepted and dialog.text.toPlainText().strip():
            self.add_text(dialog.text.toPlainText(), title=dialog.title.text().strip() or None,
                          date=dialog.date.text().strip() or None)

    def add_files(self, paths: list) -> Optional[int]:
        last = None
        for path in paths:
            last = self._add(lambda p=path: self.context.desk.add_article(p)) or last
        return last

    def add_text(self, text: str, title=None, date=None) -> Optional[int]:
        return self._add(lambda: self.context.desk.add_article(text=text, title=title, date=date))

    def _add(self, adding) -> Optional[int]:
        try:
            article = adding()
        except PictureDeskError as exc:
            self._message(str(exc))
            return None
        n = len(article.get("captions") or [])
        self._message(f"Added “{article.get('title') or 'article'}” with {n} caption{'s' if n != 1 else ''}")
        self.reload_list(select=article["id"])
        self.context.articlesChanged.emit()
        if n:
            self.match()
        return article["id"]

    def dragEnterEvent(self, event) -> None:
        if article_paths_from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        paths = article_paths_from_mime(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)
        else:
            event.ignore()

    # ------------------------------------------------------------ matching (a job)

    def match(self) -> Optional[Job]:
        if self.article_id is None or self.context.desk is None or self.job is not None:
            return None
        aid = self.article_id
        job = Job("Matching", self.context.desk,
                  lambda desk, progress, cancel: desk.match(aid, progress=progress, cancel=cancel))
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(lambda _r: self._message("Matched"))
        job.signals.failed.connect(lambda msg: self._message(msg))
        job.signals.cancelled.connect(lambda: self._message("Matching cancelled"))
        job.signals.ended.connect(self._match_ended)
        self.job = job
        self.progress.setRange(0, 0)
        self.progress.setFormat("Matching…")
        self.progress_row.setVisible(True)
        self._update_buttons()
        self.context.jobs.start(job)
        return job

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(message or "Matching… %p%")

    def cancel_match(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _match_ended(self) -> None:
        self.job = None
        self.progress_row.setVisible(False)
        self.reload()
        self.context.articlesChanged.emit()

    # ------------------------------------------------------------ the captions

    def _thumb(self, pid: int) -> Optional[QPixmap]:
        if pid not in self._thumbs:
            pix = QPixmap()
            data = None
            try:
                data = self.context.desk.thumbnail(pid)
            except PictureDeskError:
                pass
            if data and pix.loadFromData(data):
                dpr = self.devicePixelRatioF()
                pix = pix.scaled(int(self.THUMB * dpr), int(self.THUMB * dpr), Qt.KeepAspectRatio,
                                 Qt.SmoothTransformation)
                pix.setDevicePixelRatio(dpr)
            self._thumbs[pid] = pix
        pix = self._thumbs[pid]
        return pix if not pix.isNull() else None

    def _name(self, pid: int) -> str:
        if pid not in self._names:
            try:
                rows = self.context.desk.rows([pid], on=self.context.on)
                self._names[pid] = rows[0].name if rows else f"photo {pid}"
            except PictureDeskError:
                self._names[pid] = f"photo {pid}"
        return self._names[pid]

    def _names_for(self, pids) -> None:
        missing = [p for p in pids if p not in self._names]
        if missing and self.context.desk is not None:
            for row in self.context.desk.rows(missing, on=self.context.on):
                self._names[row.id] = row.name

    def reload(self) -> None:
        current = self.current_caption()
        self.model.removeRows(0, self.model.rowCount())
        self.detail = None
        if self.article_id is None or self.context.desk is None:
            self.info.setText("Open, drop or paste an article to pair its captions with photos.")
            self._update_buttons()
            return
        try:
            self.detail = self.context.desk.article(self.article_id)
        except PictureDeskError as exc:
            self.info.setText(str(exc))
            self.article_id = None
            self._update_buttons()
            return
        captions = self.detail.get("captions") or []
        pids = set()
        for cap in captions:
            pair = cap.get("pair") or {}
            if pair.get("photo_id"):
                pids.add(pair["photo_id"])
            pids.update(c["photo_id"] for c in pair.get("candidates") or [])
        self._names_for(sorted(pids))
        self.tree.setUpdatesEnabled(False)
        settled = sum(1 for c in captions if (c.get("pair") or {}).get("decision") in ("accepted", "confirmed"))
        self.info.setText(f"{len(captions)} caption{'s' if len(captions) != 1 else ''}, {settled} settled"
                          + (f" · {self.detail.get('date')}" if self.detail.get("date") else ""))
        for cap in captions:
            self.model.appendRow(self._caption_row(cap))
        self.tree.setUpdatesEnabled(True)
        for r in range(self.model.rowCount()):
            top = self.model.item(r, 0)
            for c in range(top.rowCount()):
                child = top.child(c)
                if child.text().startswith("Why"):
                    self.tree.setFirstColumnSpanned(c, top.index(), True)
                    for g in range(child.rowCount()):
                        self.tree.setFirstColumnSpanned(g, child.index(), True)
        if current is not None and current < self.model.rowCount():
            self.tree.setCurrentIndex(self.model.index(current, 0))
        self._update_buttons()

    def _caption_row(self, cap: dict) -> list[QStandardItem]:
        pair = cap.get("pair") or {}
        pid = pair.get("photo_id")
        text = f"{cap['index'] + 1}. {cap.get('text') or ''}"
        if cap.get("credit_line"):
            text += f"\n{cap['credit_line']}"
        name = self._name(pid) if pid else None
        text += f"\n→ {name}" if name else "\n→ no photo"
        first = QStandardItem(text)
        first.setData(cap["index"], CAPTION_ROLE)
        first.setData(name, NAME_ROLE)
        first.setToolTip(f"{text}\n{pair.get('path') or ''}".strip())
        if pid:
            first.setData(pid, PHOTO_ROLE)
            thumb = self._thumb(pid)
            if thumb is not None:
                first.setData(thumb, Qt.DecorationRole)
        score = QStandardItem(f"{pair['score']:.2f}" if pair.get("score") is not None else "—")
        score.setTextAlignment(Qt.AlignRight | Qt.AlignTop)
        status = QStandardItem(STATUS_TEXT.get(pair.get("status"), pair.get("status") or "unmatched"))
        decision = QStandardItem(pair.get("decision") or "undecided")
        for item in (status, decision):
            item.setTextAlignment(Qt.AlignLeft | Qt.AlignTop)
        row = [first, score, status, decision]
        for item in row:
            item.setEditable(False)
            item.setDropEnabled(True)
        reasons = pair.get("reasons") or []
        if reasons:
            why = QStandardItem(f"Why ({len(reasons)})")
            why.setEditable(False)
            for r in reasons:
                child = QStandardItem(r)
                child.setToolTip(r)
                child.setEditable(False)
                why.appendRow([child])
            first.appendRow([why])
        runners = [c for c in pair.get("candidates") or [] if c["photo_id"] != pid]
        if runners:
            head = QStandardItem(f"Runners-up ({len(runners)})")
            head.setEditable(False)
            for c in runners:
                item = QStandardItem(self._name(c["photo_id"]))
                item.setData(c["photo_id"], PHOTO_ROLE)
                item.setToolTip("Click to select it; drag it from the sheet onto the caption to pair it")
                item.setEditable(False)
                thumb = self._thumb(c["photo_id"])
                if thumb is not None:
                    item.setData(thumb, Qt.DecorationRole)
                sc = QStandardItem(f"{c['score']:.2f}")
                sc.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                sc.setEditable(False)
                head.appendRow([item, sc])
            first.appendRow([head])
        return row

    def caption_rows(self) -> list[dict]:
        """What the list shows, one dict per caption (for tests and the status bar)."""
        out = []
        for r in range(self.model.rowCount()):
            first = self.model.item(r, 0)
            out.append({"caption": first.text(), "photo": first.data(NAME_ROLE) or "—",
                        "score": self.model.item(r, 1).text(), "status": self.model.item(r, 2).text(),
                        "decision": self.model.item(r, 3).text(), "index": first.data(CAPTION_ROLE),
                        "photo_id": first.data(PHOTO_ROLE),
                        "thumbnail": first.data(Qt.DecorationRole) is not None})
        return out

    def current_caption(self) -> Optional[int]:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        while index.parent().isValid():
            index = index.parent()
        return index.siblingAtColumn(0).data(CAPTION_ROLE)

    def select_caption(self, caption_index: int) -> None:
        for r in range(self.model.rowCount()):
            if self.model.item(r, 0).data(CAPTION_ROLE) == caption_index:
                self.tree.setCurrentIndex(self.model.index(r, 0))
                self._clicked(self.model.index(r, 0))
                return

    def _clicked(self, index) -> None:
        pid = index.data(PHOTO_ROLE) or index.siblingAtColumn(0).data(PHOTO_ROLE)
        if pid is None and not index.parent().isValid():
            pid = index.siblingAtColumn(0).data(PHOTO_ROLE)
        if pid:
            self.context.set_selection([int(pid)])
        self._update_buttons()

    def _pair(self, caption_index: Optional[int]) -> dict:
        for cap in (self.detail or {}).get("captions") or []:
            if cap["index"] == caption_index:
                return cap.get("pair") or {}
        return {}

    def _update_buttons(self) -> None:
        has = self.article_id is not None
        busy = self.job is not None
        captions = (self.detail or {}).get("captions") or []
        autos = any((c.get("pair") or {}).get("status") == "auto" and not (c.get("pair") or {}).get("decision")
                    for c in captions)
        self.match_button.setEnabled(has and not busy)
        self.accept_all_button.setEnabled(has and not busy and autos)
        pair = self._pair(self.current_caption())
        decided = bool(pair.get("decision"))
        self.accept_button.setEnabled(not busy and bool(pair.get("photo_id"))
                                      and pair.get("decision") not in ("accepted", "confirmed"))
        self.reject_button.setEnabled(not busy and bool(pair.get("photo_id")) and pair.get("decision") != "rejected")
        self.reset_button.setEnabled(not busy and decided)

    # ------------------------------------------------------------ decisions (undoable)

    def _decide(self, action, text: str):
        try:
            result, entry = action()
        except PictureDeskError as exc:
            self._message(str(exc))
            return None
        undo.push(self.context, entry, text)
        if not entry.changes:
            self.context.articlesChanged.emit()
        self._message(text)
        return result

    def accept_all(self):
        if self.article_id is None:
            return None
        aid = self.article_id
        return self._decide(lambda: self.context.desk.accept(aid), "Accept the automatic pairs")

    def confirm_current(self):
        idx = self.current_caption()
        if self.article_id is None or idx is None:
            return None
        aid = self.article_id
        return self._decide(lambda: self.context.desk.confirm(aid, idx), f"Accept caption {idx + 1}'s photo")

    def reject_current(self):
        idx = self.current_caption()
        if self.article_id is None or idx is None:
            return None
        aid = self.article_id
        return self._decide(lambda: self.context.desk.reject(aid, idx), f"Reject caption {idx + 1}'s photo")

    def reset_current(self):
        idx = self.current_caption()
        if self.article_id is None or idx is None:
            return None
        return self.reset(idx)

    def reset(self, caption_index: int):
        aid = self.article_id
        return self._decide(lambda: self.context.desk.reset(aid, caption_index), f"Reset caption {caption_index + 1}")

    def repair(self, caption_index: int, photo_id: int):
        if self.article_id is None:
            return None
        aid = self.article_id
        return self._decide(lambda: self.context.desk.repair(aid, caption_index, photo_id),
                            f"Pair caption {caption_index + 1} with {self._name(photo_id)}")

    def _message(self, text: str) -> None:
        self.context.status.emit(text)
