"""Help → Keyboard shortcuts: every action of the window with its shortcut, read
from the actions themselves so the list can never drift from what the keys do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLineEdit, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout)

# Keys of their own on some keyboards (Undo, Find...): true, but noise in a list for people.
DEDICATED_KEYS = {Qt.Key_Undo, Qt.Key_Redo, Qt.Key_Find, Qt.Key_Copy, Qt.Key_Paste, Qt.Key_Cut, Qt.Key_Open,
                  Qt.Key_Save, Qt.Key_Help, Qt.Key_Close, Qt.Key_Refresh, Qt.Key_New}


def key_text(action) -> str:
    keys = []
    for seq in action.shortcuts():
        if seq.count() == 1 and seq[0].key() in DEDICATED_KEYS:
            continue
        keys.append(seq.toString(QKeySequence.NativeText))
    return ", ".join(keys)


def shortcut_rows(menu_bar) -> list[tuple[str, str, str]]:
    """(menu, action, shortcut) for every action of every menu and submenu (not the
    list of recent archives, which changes)."""
    rows = []

    def walk(menu, title):
        submenus = []
        for action in menu.actions():
            sub = action.menu()
            if sub is not None:
                if sub.objectName() != "recent":
                    submenus.append(sub)
                continue
            if action.isSeparator() or not action.text():
                continue
            rows.append((title, action.text().replace("&", ""), key_text(action)))
        for sub in submenus:                      # after the menu's own actions
            walk(sub, f"{title} › {sub.title().replace('&', '')}")

    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        if menu is not None:
            walk(menu, menu.title().replace("&", ""))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window, extra: list[tuple[str, str, str]] = (), parent=None):
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Find an action or a key…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        groups = {}
        for menu, name, keys in [*shortcut_rows(window.menuBar()), *extra]:
            group = groups.get(menu)
            if group is None:
                group = groups[menu] = QTreeWidgetItem([menu, ""])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFlags(Qt.ItemIsEnabled)
                self.tree.addTopLevelItem(group)
            group.addChild(QTreeWidgetItem([name, keys]))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, self.tree.columnWidth(0) + 24)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(560, 680)

    def listed(self) -> dict[tuple[str, str], str]:
        """(menu, action) -> its keys, as the dialog shows them."""
        out = {}
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                out[(group.text(0), group.child(j).text(0))] = group.child(j).text(1)
        return out

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            shown = 0
            for j in range(group.childCount()):
                child = group.child(j)
                hide = bool(needle) and needle not in f"{child.text(0)} {child.text(1)}".lower()
                child.setHidden(hide)
                shown += not hide
            group.setHidden(shown == 0)
