"""The preview beside the sheet: the current photo large, orientation applied, fit
to the pane or at 100% (Z toggles; F fits, 1 shows 100%), decoded off the GUI thread.
A missing or unreadable file says so in the pane."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QToolButton, QHBoxLayout, QVBoxLayout, QWidget

MAX_SIDE = 4096


class _Signals(QObject):
    done = Signal(int, QImage, str)


class _Decode(QRunnable):
    def __init__(self, pid: int, path: str, signals):
        super().__init__()
        self.pid, self.path, self.signals = pid, path, signals

    def run(self) -> None:
        reader = QImageReader(self.path)
        reader.setAutoTransform(True)            # EXIF orientation applied
        size = reader.size()
        if size.isValid() and max(size.width(), size.height()) > MAX_SIDE:
            reader.setScaledSize(size.scaled(MAX_SIDE, MAX_SIDE, Qt.KeepAspectRatio))
        image = reader.read()
        error = "" if not image.isNull() else f"{self.path}: cannot show this file ({reader.errorString()})"
        if image.isNull():
            # Formats Qt cannot read (HEIC, raw): Pillow, with the orientation applied.
            try:
                from PIL import Image, ImageOps

                with Image.open(self.path) as im:
                    im = ImageOps.exif_transpose(im)
                    im.thumbnail((MAX_SIDE, MAX_SIDE))
                    im = im.convert("RGB")
                    data = im.tobytes()
                    image = QImage(data, im.width, im.height, 3 * im.width, QImage.Format_RGB888).copy()
                    error = ""
            except Exception:
                pass
        self.signals.done.emit(self.pid, image, error)


class PreviewPane(QWidget):
    shown = Signal(int)

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.pid = -1
        self.image = QImage()
        self.fit = True
        self.setFocusPolicy(Qt.StrongFocus)           # Z, F and 1 reach it once clicked
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignCenter)
        self.label.setMinimumSize(120, 90)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.label)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignCenter)
        self.zoom = QToolButton(self)
        self.zoom.setText("100%")
        self.zoom.setCheckable(True)
        self.zoom.setToolTip("Fit or 100% (Z)")
        self.zoom.toggled.connect(self.set_actual_size)
        self.caption = QLabel("", self)
        self.caption.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.zoom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = _Signals()
        self._signals.done.connect(self._decoded)
        context.currentChanged.connect(self.show_photo)
        context.deskChanged.connect(lambda: self.show_photo(-1))

    def show_photo(self, pid: int) -> None:
        self.pid = pid
        if pid is None or pid < 0 or self.context.desk is None:
            self.image = QImage()
            self.label.clear()
            self.caption.setText("")
            return
        try:
            rows = self.context.desk.rows([pid], on=self.context.on)
        except Exception as exc:
            self.label.setText(str(exc))
            return
        if not rows:
            return
        row = rows[0]
        self.caption.setText(row.name)
        if row.missing:
            self.image = QImage()
            self.label.setText(f"{row.path}\nThe file is missing.")
            return
        self.label.setText("Loading…")
        self.pool.start(_Decode(pid, row.path, self._signals))

    def _decoded(self, pid: int, image: QImage, error: str) -> None:
        if pid != self.pid:
            return
        self.image = image
        if image.isNull():
            self.label.setText(error or "Cannot show this file.")
            return
        self._render()
        self.shown.emit(pid)

    def set_actual_size(self, actual: bool) -> None:
        self.fit = not actual
        self.scroll.setWidgetResizable(self.fit)
        self._render()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Z:
            self.zoom.toggle()
            return
        if event.key() in (Qt.Key_F, Qt.Key_1):
            self.zoom.setChecked(event.key() == Qt.Key_1)
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit:
            self._render()

    def _render(self) -> None:
        if self.image.isNull():
            return
        pm = QPixmap.fromImage(self.image)
        dpr = self.devicePixelRatioF()
        if self.fit:
            area = self.scroll.viewport().size() * dpr
            pm = pm.scaled(area, Qt.KeepAspectRatio, Qt.SmoothTransformation)
            pm.setDevicePixelRatio(dpr)
        else:
            pm.setDevicePixelRatio(dpr)           # 100%: one image pixel per device pixel
        self.label.setPixmap(pm)
        if not self.fit:
            self.label.resize(pm.size() / dpr)

    def shutdown(self) -> None:
        self.pool.clear()
        self.pool.waitForDone(3000)
