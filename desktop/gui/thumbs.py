"""Thumbnails for the grid, decoded off the GUI thread.

The sheet asks for the ids of the rows it paints; a worker on the pool reads
their JPEG bytes through its own Desk connection (``Desk.clone``, one per
thread) and decodes them into QImages, which reach the GUI thread by a queued
signal and become pixmaps there (pixmaps belong to the GUI thread).  Decoded
images are kept in a cache bounded by bytes, so scrolling through ten thousand
rows does not grow memory without end.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

CACHE_BYTES = 64 * 1024 * 1024          # about 240 thumbnails at 320 px: a few screens


class _Signals(QObject):
    loaded = Signal(int, QImage)      # photo id, image (null when the photo has none)


class _Load(QRunnable):
    def __init__(self, loader: "ThumbnailLoader", ids: list[int], generation: int):
        super().__init__()
        self.loader, self.ids, self.generation = loader, ids, generation

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
            image = QImage()
            data = blobs.get(pid)
            if data:
                image.loadFromData(data, "JPEG")
            if loader._generation != self.generation:
                return
            loader._signals.loaded.emit(pid, image)


class ThumbnailLoader(QObject):
    """``request(ids)`` starts loading what is not cached; ``ready(id)`` fires when a
    thumbnail arrived; ``pixmap(id)`` answers from the cache (None until ready)."""

    ready = Signal(int)

    def __init__(self, context, parent=None, threads: int = 2):
        super().__init__(parent)
        self.context = context
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        # Each worker thread keeps its own connection; threads that expired and came back
        # would open new ones, so the few workers live as long as the loader.
        self.pool.setExpiryTimeout(-1)
        self._signals = _Signals()
        self._signals.loaded.connect(self._loaded)
        self._cache: OrderedDict[int, QPixmap] = OrderedDict()
        self._bytes = 0
        self._pending: set[int] = set()
        self._missing: set[int] = set()
        self._generation = 0
        self._by_thread: dict[int, tuple] = {}
        self._desks: list = []
        self._lock = threading.Lock()
        self.dpr = 1.0
        context.deskChanged.connect(self.reset)

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
        self._bytes = 0
        self._pending.clear()
        self._missing.clear()

    def forget(self, ids) -> None:
        """These photos' thumbnails changed (a new import made them)."""
        for pid in ids:
            pm = self._cache.pop(pid, None)
            if pm is not None:
                self._bytes -= pm.width() * pm.height() * 4
            self._missing.discard(pid)

    def shutdown(self) -> None:
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
        pm = self._cache.get(pid)
        if pm is not None:
            self._cache.move_to_end(pid)
        return pm

    def has_none(self, pid: int) -> bool:
        return pid in self._missing

    def request(self, ids) -> None:
        todo = [p for p in ids if p not in self._cache and p not in self._pending and p not in self._missing]
        if not todo:
            return
        self._pending.update(todo)
        for i in range(0, len(todo), 24):
            self.pool.start(_Load(self, todo[i:i + 24], self._generation))

    def _loaded(self, pid: int, image: QImage) -> None:
        self._pending.discard(pid)
        if image.isNull():
            self._missing.add(pid)
        else:
            pm = QPixmap.fromImage(image)
            self._cache[pid] = pm
            self._bytes += pm.width() * pm.height() * 4
            while self._bytes > CACHE_BYTES and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._bytes -= old.width() * old.height() * 4
        self.ready.emit(pid)

    @property
    def cached_bytes(self) -> int:
        return self._bytes
