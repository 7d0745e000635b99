"""Help → Keyboard shortcuts: every action of the window with its shortcut, read
from the actions themselves so the list can never drift from what the keys do."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout


def shortcut_rows(menu_bar) -> list[tuple[str, str, str]]:
    """(menu, action, shortcut) for every action of every menu."""
    rows = []
    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        title = menu.title().replace("&", "")
        for action in menu.actions():
            if action.isSeparator() or action.menu() is not None or not action.text():
                continue
            keys = ", ".join(s.toString(QKeySequence.NativeText) for s in action.shortcuts())
            rows.append((title, action.text().replace("&", ""), keys))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window, extra: list[tuple[str, str, str]] = (), parent=None):
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(True)
        groups = {}
        for menu, name, keys in [*shortcut_rows(window.menuBar()), *extra]:
            group = groups.get(menu)
            if group is None:
                group = groups[menu] = QTreeWidgetItem([menu, ""])
                self.tree.addTopLevelItem(group)
            group.addChild(QTreeWidgetItem([name, keys]))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(520, 600)
