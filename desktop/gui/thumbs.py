"""Thumbnails for the grid, decoded off the GUI thread.

The sheet asks for the ids of the rows it paints; a worker on the pool reads
their JPEG bytes through its own Desk connection (``Desk.clone``, one per
thread) and decodes them into QImages, which reach the GUI thread by a queued
signal and become pixmaps there (pixmaps belong to the GUI thread).  The worker
also scales each image to the cell's size in *device* pixels (the thumbnail
size × the screen's devicePixelRatio) with smooth filtering, and the pixmap
carries that ratio, so cells are sharp at 200% and painting never scales.
Requests made while painting are gathered and sent in batches of 24 once the
paint is over.  Pixmaps are kept in an LRU bounded by bytes, so scrolling
through ten thousand rows does not grow memory without end.
"""

from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

CACHE_BYTES = 64 * 1024 * 1024          # about 240 thumbnails at 320 px: a few screens


class _Signals(QObject):
    loaded = Signal(int, QImage, int)      # photo id, image (null when the photo has none), target px


def decode(data: bytes, target: int) -> QImage:
    """A JPEG's image at most ``target`` px on its longer side.  Pillow decodes and
    scales with the GIL released (and at 1/2, 1/4 … scale straight from the DCT),
    so the GUI thread keeps running; Qt's own decoder holds the GIL throughout, and
    two workers decoding with it stalled the GUI thread for whole seconds."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            im.draft("RGB", (target, target))
            im = im.convert("RGB")
            if max(im.size) > target:
                im.thumbnail((target, target), Image.Resampling.BILINEAR, reducing_gap=None)
            raw = im.tobytes()
            return QImage(raw, im.width, im.height, 3 * im.width, QImage.Format_RGB888).copy()
    except Exception:
        image = QImage()
        image.loadFromData(data)
        if not image.isNull() and max(image.width(), image.height()) > target:
            image = image.scaled(target, target, Qt.KeepAspectRatio, Qt.SmoothTransformation)
        return image


class _Load(QRunnable):
    def __init__(self, loader: "ThumbnailLoader", ids: list[int], generation: int, target: int):
        super().__init__()
        self.loader, self.ids, self.generation, self.target = loader, ids, generation, target

    def run(self) -> None:
        loader = self.loader
        try:
            desk = loader._thread_desk(self.generation)
        except Exception:          # the archive went away (closed, another one opened): nothing to show
            return
        if desk is None:
            return
        try:
            blobs = desk.thumbnails(self.ids)
        except Exception:          # a closed or damaged cache: the placeholder stays
            blobs = {}
        for pid in self.ids:
            data = blobs.get(pid)
            image = decode(data, self.target) if data else QImage()
            time.sleep(0)                     # let the GUI thread have the GIL between images
            if loader._generation != self.generation:
                return
            loader._signals.loaded.emit(pid, image, self.target)


class ThumbnailLoader(QObject):
    """``request(ids)`` starts loading what is not cached; ``ready(id)`` fires when a
    thumbnail arrived; ``pixmap(id)`` answers from the cache (None until ready)."""

    ready = Signal(int)

    def __init__(self, context, parent=None, threads: int | None = None):
        super().__init__(parent)
        self.context = context
        self.pool = QThreadPool(self)
        # One core is left to the GUI thread: on a two-core machine two decoding workers
        # took the CPU the painting needed (frames of 30 ms and more while scrolling).
        self.pool.setMaxThreadCount(threads or max(1, min(4, QThread.idealThreadCount() - 1)))
        # Each worker thread keeps its own connection; threads that expired and came back
        # would open new ones, so the few workers live as long as the loader.
        self.pool.setExpiryTimeout(-1)
        self._signals = _Signals()
        self._signals.loaded.connect(self._loaded)
        self._cache: OrderedDict[int, QPixmap] = OrderedDict()
        self._made_for: dict[int, int] = {}         # photo id -> the device size its pixmap was made for
        self.target = 320                           # device pixels of the thumbnail's longer side
        self._queue: list[int] = []
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(0)
        self._flush.timeout.connect(self._send)
        self._bytes = 0
        self._pending: set[int] = set()
        self._missing: set[int] = set()
        self._generation = 0
        self._by_thread: dict[int, tuple] = {}
        self._desks: list = []
        self._lock = threading.Lock()
        self.dpr = 1.0
        context.deskChanged.connect(self.reset)

    def set_size(self, logical_px: int, dpr: float) -> None:
        """Cells show thumbnails ``logical_px`` wide on a screen of ratio ``dpr``: pixmaps
        are made at that many device pixels (the ones made for another size are shown,
        scaled, until their new ones arrive)."""
        self.dpr = float(dpr) or 1.0
        self.target = max(16, int(round(logical_px * self.dpr)))

    # -- per-thread connections

    def _thread_desk(self, generation: int):
        if generation != self._generation or self.context.desk is None:
            return None
        # Keyed by the OS thread: Python's thread-locals do not survive between runs on
        # Qt's pool threads (each run may get a fresh Python thread state).
        key = threading.get_ident()
        with self._lock:
            mine = self._by_thread.get(key)
            if mine is None or mine[0] != generation:
                mine = (generation, self.context.desk.clone())
                self._by_thread[key] = mine
                self._desks.append(mine[1])
        return mine[1]

    def reset(self) -> None:
        """Another archive: forget everything (workers see the new generation and stop)."""
        self._generation += 1
        self.pool.clear()
        self.pool.waitForDone(2000)
        with self._lock:
            desks, self._desks = self._desks, []
            self._by_thread.clear()
        for d in desks:
            try:
                d.close()
            except Exception:
                pass
        self._cache.clear()
        self._made_for.clear()
        self._bytes = 0
        self._pending.clear()
        self._missing.clear()
        self._queue.clear()

    def forget(self, ids) -> None:
        """These photos' thumbnails changed (a new import made them)."""
        for pid in ids:
            pm = self._cache.pop(pid, None)
            self._made_for.pop(pid, None)
            if pm is not None:
                self._bytes -= pm.width() * pm.height() * 4
            self._missing.discard(pid)

    def shutdown(self) -> None:
        self._flush.stop()
        self._queue.clear()
        self._generation += 1
        self.pool.clear()
        self.pool.waitForDone(3000)
        with self._lock:
            for d in self._desks:
                try:
                    d.close()
                except Exception:
                    pass
            self._desks = []
            self._by_thread.clear()

    # -- asking

    def pixmap(self, pid: int):
        """The cached pixmap (its devicePixelRatio set), or None; one made for another
        size is returned and a new one asked for."""
        pm = self._cache.get(pid)
        if pm is not None:
            self._cache.move_to_end(pid)
            if self._made_for.get(pid) != self.target and pid not in self._pending:
                self._pending.add(pid)
                self._enqueue([pid])
        return pm

    def has_none(self, pid: int) -> bool:
        return pid in self._missing

    def request(self, ids) -> None:
        todo = [p for p in ids if p not in self._cache and p not in self._pending and p not in self._missing]
        if not todo:
            return
        self._pending.update(todo)
        self._enqueue(todo)

    def _enqueue(self, ids) -> None:
        self._queue.extend(ids)
        if not self._flush.isActive():
            self._flush.start()

    def _send(self) -> None:
        todo, self._queue = self._queue, []
        for i in range(0, len(todo), 24):
            self.pool.start(_Load(self, todo[i:i + 24], self._generation, self.target))

    def _loaded(self, pid: int, image: QImage, target: int) -> None:
        self._pending.discard(pid)
        if image.isNull():
            if pid not in self._cache:
                self._missing.add(pid)
        else:
            pm = QPixmap.fromImage(image)
            pm.setDevicePixelRatio(self.dpr)
            old = self._cache.pop(pid, None)
            if old is not None:
                self._bytes -= old.width() * old.height() * 4
            self._cache[pid] = pm
            self._made_for[pid] = target
            self._bytes += pm.width() * pm.height() * 4
            while self._bytes > CACHE_BYTES and len(self._cache) > 1:
                gone, old = self._cache.popitem(last=False)
                self._made_for.pop(gone, None)
                self._bytes -= old.width() * old.height() * 4
        self.ready.emit(pid)

    @property
    def cached_bytes(self) -> int:
        return self._bytes
