"""The facet sidebar: exact counts of the current result, a click to narrow it.

Counts are read off the GUI thread (a job with its own connection); an answer
for a query that is no longer the current one is dropped.  A click appends the
value's query term to the search (the search bar shows it, so the narrowed
result can be saved); Ctrl- or Alt-click excludes it (``-term``).  Each group
shows its top 20 values; "more…" shows the rest of that group.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

TITLES = {"creator": "Photographers", "place": "Places", "agency": "Agencies", "clearance": "Clearance",
          "rules": "Rule status", "licence": "Licences", "folder": "Folders", "year": "Capture year",
          "month": "Capture month"}
ORDER = ("creator", "place", "agency", "clearance", "rules", "licence", "folder", "year", "month")
TermRole = Qt.UserRole + 1
MoreRole = Qt.UserRole + 2
TOP = 20
COUNT_DELAY_MS = 25



def _label(kind: str, name: str) -> str:
    """What a facet value is called in the list: a folder by its last two parts (the
    whole path is in the tooltip), a rule id or clearance with spaces for underscores."""
    if kind == "folder":
        parts = [p for p in name.replace("\\", "/").split("/") if p]
        return name if len(parts) <= 2 else "…/" + "/".join(parts[-2:])
    if kind in ("rules", "clearance"):
        return name.replace("_", " ")
    return name

class _Signals(QObject):
    done = Signal(str, object)      # query, facets dict (or an error text)
    more = Signal(str, str, object)  # query, kind, every value of the kind (or an error text)


class _Count(QRunnable):
    def __init__(self, desk, query, on, signals):
        super().__init__()
        self.desk, self.query, self.on, self.signals = desk, query, on, signals

    def run(self) -> None:
        try:
            desk = self.desk.clone(mapped=True)
            try:
                res = desk.results(self.query, limit=1, facets=True, on=self.on)
            finally:
                desk.close()
            self.signals.done.emit(self.query, res.facets or {})
        except Exception as exc:          # shown in the panel, never a crash
            self.signals.done.emit(self.query, str(exc))


class _More(QRunnable):
    """Every value of one kind (the search's facets stop at 20), on its own connection."""

    def __init__(self, desk, query, kind, on, signals):
        super().__init__()
        self.desk, self.query, self.kind, self.on, self.signals = desk, query, kind, on, signals

    def run(self) -> None:
        try:
            desk = self.desk.clone(mapped=True)
            try:
                values = desk.facet(self.query, self.kind, on=self.on)
            finally:
                desk.close()
            self.signals.more.emit(self.query, self.kind, values)
        except Exception as exc:
            self.signals.more.emit(self.query, self.kind, str(exc))


def narrowed(query: str, term: str, exclude: bool) -> str:
    term = ("-" if exclude else "") + term
    return f"{query} {term}".strip() if term not in query.split() else query


class FacetPanel(QWidget):
    counted = Signal()

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(12)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.tree.itemClicked.connect(self._clicked)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = _Signals()
        self._signals.done.connect(self._show)
        self._signals.more.connect(self._more_counted)
        self._asked = None
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(COUNT_DELAY_MS)
        self._later.timeout.connect(self._count)
        self._expanded_kinds: set[str] = set()   # groups whose "more…" was clicked
        self.facets: dict = {}
        self.query_counted = None          # the query the shown counts are for
        context.queryChanged.connect(self.refresh)
        context.archiveChanged.connect(self.refresh)
        context.dateChanged.connect(lambda _d: self.refresh())
        context.deskChanged.connect(self.refresh)
        context.photosChanged.connect(lambda _ids: self.refresh())
        if context.desk is not None:
            self.refresh()

    def refresh(self, *_):
        """Count again, a moment later: the sheet's first page is read and painted first
        (the count would compete with it for the interpreter), and a burst of changes
        is counted once."""
        if self.context.desk is None:
            return
        self._asked = (self.context.query, self.context.on)
        self.status.setText("Counting…")
        self._later.start()

    def _count(self) -> None:
        if self.context.desk is None:
            return
        self._asked = (self.context.query, self.context.on)
        self.pool.start(_Count(self.context.desk, self.context.query, self.context.on, self._signals))

    def _show(self, query: str, facets) -> None:
        if (query, self.context.on) != self._asked:
            return                                   # a newer query is being counted
        if isinstance(facets, str):
            self.status.setText(facets)
            return
        self.status.setText("")
        self.facets = facets
        self.query_counted = query
        open_kinds = {self.tree.topLevelItem(i).data(0, TermRole): self.tree.topLevelItem(i).isExpanded()
                      for i in range(self.tree.topLevelItemCount())}
        self.tree.clear()
        kinds = [k for k in ORDER if k in facets] + [k for k in facets if k not in ORDER]
        for kind in kinds:
            values = facets[kind]
            if not values:
                continue
            group = QTreeWidgetItem([TITLES.get(kind, kind.title()), ""])
            group.setData(0, TermRole, kind)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(group.flags() & ~Qt.ItemIsSelectable)
            self._fill(group, kind, values)
            self.tree.addTopLevelItem(group)
            group.setExpanded(open_kinds.get(kind, True))
        self.counted.emit()

    def _fill(self, group, kind: str, values, complete: bool = False) -> None:
        shown = values if complete else values[:TOP]
        for v in shown:
            item = QTreeWidgetItem([_label(kind, v.name), f"{v.count:,}"])
            item.setData(0, TermRole, v.term)
            item.setTextAlignment(1, Qt.AlignRight | Qt.AlignVCenter)
            item.setToolTip(0, f"{v.name}: {v.count:,}\nClick: narrow to {v.term}\nCtrl- or Alt-click: exclude it")
            group.addChild(item)
        if not complete and len(values) >= TOP:       # the counts stop at 20: there may be more
            more = QTreeWidgetItem(["more…", ""])
            more.setData(0, MoreRole, kind)
            more.setForeground(0, self.palette().placeholderText())
            more.setToolTip(0, "Show every value")
            group.addChild(more)
        if kind in self._expanded_kinds and not complete:
            self.show_more(kind)

    def show_more(self, kind: str) -> None:
        """Every value of a group, not just its top 20 (counted off the GUI thread)."""
        if self.context.desk is None or self.query_counted is None:
            return
        self._expanded_kinds.add(kind)
        self.pool.start(_More(self.context.desk, self.query_counted, kind, self.context.on, self._signals))

    def _more_counted(self, query: str, kind: str, values) -> None:
        if query != self.query_counted or isinstance(values, str):
            return
        self.facets[kind] = list(values)
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group.data(0, TermRole) == kind:
                group.takeChildren()
                self._fill(group, kind, values, complete=True)

    def shown(self, kind: str) -> list[str]:
        """The rows a group shows now (values and "more…"), as text."""
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group.data(0, TermRole) == kind:
                return [group.child(j).text(0) for j in range(group.childCount())]
        return []

    def items(self, kind: str) -> list[tuple[str, int, str]]:
        """(name, count, term) shown for a kind (what a test reads)."""
        return [(v.name, v.count, v.term) for v in self.facets.get(kind, [])]

    def _clicked(self, item, _column) -> None:
        more = item.data(0, MoreRole)
        if more:
            self.show_more(more)
            return
        term = item.data(0, TermRole)
        if item.parent() is None or not term:
            return
        mods = QApplication.keyboardModifiers()
        self.apply(term, exclude=bool(mods & (Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier)))

    def apply(self, term: str, exclude: bool = False) -> None:
        self.context.queryRequested.emit(narrowed(self.context.query, term, exclude))

    def shutdown(self) -> None:
        self._later.stop()
        self.pool.clear()
        self.pool.waitForDone(3000)
