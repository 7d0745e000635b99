"""The contact sheet's model: the whole result of a query, fetched a page at a time.

The grid is a table whose cells are the result's positions in reading order
(row × columns + column; the sheet sets ``columns`` to what fits its width), so
a million photos scroll with a truthful scrollbar and the view lays out nothing
per photo; a row's data comes from a page of 100 rows read by position through
:meth:`archive.desk.Desk.results`.  Rows not fetched yet answer ``None`` and are
fetched on a short timer for the rows the view last asked for, so dragging the
scrollbar across a million photos reads only where it stops: when the timer
fires the model asks the view which positions it shows (``visible``, set by the
sheet) and reads those pages, nothing it was asked for on the way there.  Pages
live in a small LRU: the model never holds the result.

Those reads run on a worker thread with its own connection, one at a time, so a
drag or a scroll never waits for the archive on the GUI thread: an answer carries
the generation of the result it was asked for and is dropped when a newer query,
sort or archive came meanwhile.  An edit marks the pages in view stale; they stay
shown until their new rows arrive (no flash of placeholders).  Only the first
page of a new query is read on the GUI thread, because a bad query must be
refused where it was typed.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal

from archive.errors import PictureDeskError

PAGE = 100
KEEP_PAGES = 60
WAIT_MS = 15          # the view rests this long before its rows are read
MAX_WAIT_MS = 60      # ... or, while it keeps moving, at most this long
RowRole = Qt.UserRole + 1
IdRole = Qt.UserRole + 2


class _ReadSignals(QObject):
    read = Signal(int, int, object, object)     # generation, version, [(page, count, rows)], error text


class _PageRead(QRunnable):
    """Read runs of adjacent pages of one result on a connection of its own."""

    def __init__(self, desk, signals, generation: int, version: int, query, sort, descending, on, runs):
        super().__init__()
        self.desk, self.signals = desk, signals
        self.generation, self.version = generation, version
        self.query, self.sort, self.descending, self.on, self.runs = query, sort, descending, on, runs

    def run(self) -> None:
        out, error = [], None
        try:
            desk = self.desk.clone()
            try:
                for page, count in self.runs:
                    res = desk.results(self.query, offset=page * PAGE, limit=PAGE * count, sort=self.sort,
                                       descending=self.descending, on=self.on)
                    out.append((page, count, res.rows))
            finally:
                desk.close()
        except PictureDeskError as exc:
            error = str(exc)
        except Exception as exc:            # a closed or vanished archive: said, never a crash
            error = f"cannot read the photos: {exc}"
        self.signals.read.emit(self.generation, self.version, out, error)


class SheetModel(QAbstractTableModel):
    loaded = Signal()              # a new result (total known)
    failed = Signal(str)           # a query or sort the archive refused

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.query = ""
        self.sort = "taken"
        self.descending = True
        self.total = 0
        self.columns = 1
        self.checks_current = True
        self._pages: OrderedDict[int, list] = OrderedDict()
        self._wanted: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(WAIT_MS)
        self._first_ask = 0.0
        self._asked_where = None
        self._timer.timeout.connect(self._fetch_wanted)
        self.visible = None            # () -> (first, last) positions the view shows, set by the sheet
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _ReadSignals()
        self._signals.read.connect(self._pages_read)
        self._generation = 0           # bumped by every new result: older answers are dropped
        self._version = 0              # bumped by every edit: older answers leave pages stale
        self._stale: set[int] = set()  # pages shown but changed in the archive since read
        self._reading = False

    # -- the result

    def load(self, query: Optional[str] = None, *, sort: Optional[str] = None,
             descending: Optional[bool] = None) -> None:
        """Show ``query`` (raises QueryError for a bad one, leaving the last result)."""
        query = self.query if query is None else query
        sort = sort or self.sort
        descending = self.descending if descending is None else descending
        desk = self.context.desk
        if desk is None:
            first, total, current = [], 0, True
        else:
            res = desk.results(query, offset=0, limit=PAGE, sort=sort, descending=descending, on=self.context.on)
            first, total, current = res.rows, res.total, res.checks_current
        self.beginResetModel()
        self.query, self.sort, self.descending = query, sort, descending
        self.total, self.checks_current = total, current
        self._generation += 1
        self._pages.clear()
        self._wanted.clear()
        self._stale.clear()
        if first:
            self._pages[0] = first
        self.endResetModel()
        self.loaded.emit()

    def reload_keep(self) -> None:
        """Read again (the archive changed), keeping the view's position."""
        try:
            self.load()
        except PictureDeskError as exc:
            self.failed.emit(str(exc))

    def refresh_ids(self, ids) -> None:
        """Re-read the pages holding these photos (an edit, an undo; [] = every page).
        The pages in view are read at once (no flash of placeholders); the others
        are dropped and read again when the view comes back to them."""
        ids = set(ids)
        stale = [page for page, rows in self._pages.items() if not ids or any(r.id in ids for r in rows)]
        if not stale:
            return
        self._version += 1
        shown = self._visible_pages()
        for page in stale:
            if shown is None or page in shown:
                self._stale.add(page)      # kept on screen until its new rows arrive
            else:
                self._pages.pop(page, None)
        self._fetch_wanted()

    # -- Qt's model interface

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else -(-self.total // self.columns)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.columns

    def set_columns(self, columns: int) -> None:
        columns = max(1, int(columns))
        if columns != self.columns:
            self.beginResetModel()
            self.columns = columns
            self.endResetModel()

    def position(self, index) -> int:
        """The result position a cell shows (may be past the end in the last row)."""
        return index.row() * self.columns + index.column()

    def index_of(self, n: int):
        """The cell of result position ``n``."""
        return self.index(n // self.columns, n % self.columns)

    def row(self, n: int):
        """The GridRow at position ``n``, or None until its page is fetched."""
        page = n // PAGE
        rows = self._pages.get(page)
        if rows is None:
            self._wanted.add(page)
            self._ask()
            return None
        self._pages.move_to_end(page)
        i = n - page * PAGE
        return rows[i] if i < len(rows) else None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        n = self.position(index)
        if n >= self.total:
            return None
        row = self.row(n)
        if role == RowRole:
            return row
        if row is None:
            return None
        if role == IdRole:
            return row.id
        if role == Qt.DisplayRole:
            return row.name
        if role == Qt.ToolTipRole:
            return tooltip(row)
        return None

    def flags(self, index):
        if not index.isValid() or self.position(index) >= self.total:
            return Qt.NoItemFlags                     # the empty cells after the last photo
        return super().flags(index) | Qt.ItemIsDragEnabled

    def mimeTypes(self):
        return ["application/x-picturedesk-photo-ids"]

    def mimeData(self, indexes):
        from PySide6.QtCore import QMimeData

        ids = [self.id_at(self.position(i)) for i in indexes]
        data = QMimeData()
        data.setData("application/x-picturedesk-photo-ids",
                     ",".join(str(i) for i in ids if i is not None).encode())
        return data

    def id_at(self, n: int) -> Optional[int]:
        row = self.row(n)
        return row.id if row is not None else None

    def ids_between(self, first: int, last: int, cap: int = 5000) -> list[int]:
        """The photo ids at positions first..last, at most ``cap``: from the cached pages,
        and what is not cached in one read of the whole stretch."""
        last = min(last, first + cap - 1, self.total - 1)
        if last < first:
            return []
        pages = range(first // PAGE, last // PAGE + 1)
        if all(p in self._pages for p in pages):
            rows = [r for p in pages for r in self._pages[p]]
            start = first - pages[0] * PAGE
            return [r.id for r in rows[start:start + last - first + 1]]
        desk = self.context.desk
        if desk is None:
            return []
        try:
            res = desk.results(self.query, offset=first, limit=last - first + 1, sort=self.sort,
                               descending=self.descending, on=self.context.on)
        except PictureDeskError as exc:
            self.failed.emit(str(exc))
            return []
        return [r.id for r in res.rows]

    def position_of(self, pid: int) -> Optional[int]:
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.id == pid:
                    return page * PAGE + i
        return None

    # -- fetching

    def _ask(self) -> None:
        """Start the timer that reads the rows in view; push it back only while the view
        keeps moving (a repaint in place, e.g. for a thumbnail, does not), so a drag
        across the scrollbar reads where it rests, yet a steady scroll still shows
        real rows every ``MAX_WAIT_MS``."""
        now = time.monotonic()
        where = self.visible() if self.visible is not None else None
        if not self._timer.isActive():
            self._first_ask, self._asked_where = now, where
            self._timer.start()
        elif where != self._asked_where and now - self._first_ask < MAX_WAIT_MS / 1000:
            self._asked_where = where
            self._timer.start()

    def _visible_pages(self):
        if self.visible is None or not self.total:
            return None
        first, last = self.visible()
        first, last = max(0, first), min(self.total - 1, last)
        return set(range(first // PAGE, last // PAGE + 1)) if last >= first else set()

    def _fetch_wanted(self) -> None:
        """The timer fired: read the pages the view shows now (not those it passed), on
        the reader thread; while a read is under way the next waits for it."""
        if self._reading:
            return                        # _pages_read looks again when the answer comes
        wanted, self._wanted = self._wanted, set()
        shown = self._visible_pages()
        todo = [p for p in (sorted(shown) if shown is not None else sorted(wanted)[-6:])
                if p not in self._pages or p in self._stale]
        runs = []
        while todo:                       # each run of adjacent pages in one read
            run = [todo.pop(0)]
            while todo and todo[0] == run[-1] + 1:
                run.append(todo.pop(0))
            runs.append((run[0], len(run)))
        if runs:
            self._read(runs)

    def _read(self, runs) -> None:
        """Start reading ``runs`` [(first page, count)] of the current result."""
        desk = self.context.desk
        if desk is None:
            return
        self._reading = True
        self._pool.start(_PageRead(desk, self._signals, self._generation, self._version, self.query, self.sort,
                                   self.descending, self.context.on, runs))

    def _pages_read(self, generation: int, version: int, out, error) -> None:
        self._reading = False
        if generation != self._generation:
            self._fetch_wanted()          # a newer result: read what the view shows of it
            return
        if error:
            self.failed.emit(error)
            return
        got = []
        for page, count, rows in out:
            for i in range(count):
                self._pages.pop(page + i, None)
                self._pages[page + i] = rows[i * PAGE:(i + 1) * PAGE]
                if version == self._version:
                    self._stale.discard(page + i)
                got.append(page + i)
        shown = self._visible_pages() or set()
        for page in list(self._pages):
            if len(self._pages) <= KEEP_PAGES:
                break
            if page not in shown:
                del self._pages[page]
        self._changed(got)
        if shown and any(p not in self._pages or p in self._stale for p in shown):
            self._fetch_wanted()          # the view moved on (or an edit came) meanwhile

    def wait_for_reads(self, msecs: int = 5000) -> bool:
        """Let the reader finish (the window closes, or a test wants the rows)."""
        return self._pool.waitForDone(msecs)

    def _changed(self, pages) -> None:
        for page in pages:
            first = page * PAGE
            last = min(self.total, first + PAGE) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first // self.columns, 0),
                                      self.index(last // self.columns, self.columns - 1))


def badge_text(row) -> tuple[str, str]:
    """(symbol, colour name) of a row's clearance badge, as the Guardian's Grid shows it."""
    b = row.clearance
    if not b.current:
        return ("…", "grey")
    if b.lease == "deny":
        return ("⚠ denied", "red")
    if b.status == "not_cleared":
        return ("⚠", "red")
    if b.over_quota:
        return ("over quota", "amber")
    if b.status == "conditional":
        return ("⚑" + (" £" if b.cost == "pay" else ""), "amber")
    if b.status == "cleared":
        return ("£" if b.cost == "pay" else "✓", "green" if b.cost != "pay" else "amber")
    return ("", "grey")


def tooltip(row) -> str:
    lines = [row.name, ", ".join(row.creators) or "no photographer", row.agency or "no agency"]
    if row.taken_at:
        lines.append(row.taken_at.replace("T", " "))
    b = row.clearance
    if not b.current:
        lines.append("Clearance: checks are out of date for this date (checking…)")
    elif b.status:
        label = {"cleared": "Cleared", "conditional": "Conditional", "not_cleared": "Not cleared"}[b.status]
        lines.append(f"{label}" + (f" ({b.cost})" if b.cost else ""))
        lines += [f"• {r}" for r in b.reasons]
    if b.lease:
        lines.append(f"Lease in force: {b.lease}")
    if row.rule_status == "error":
        lines.append("Caption or credit errors to fix")
    elif row.rule_status == "warning":
        lines.append("House-style warnings")
    elif row.rule_status is None:
        lines.append("House style not checked yet")
    if row.missing:
        lines.append("The file is missing")
    if row.conflicts:
        lines.append("Changed outside the app: " + ", ".join(row.conflicts))
    return "\n".join(lines)
